#pragma once
// One interface for every simulated allocator (first/next/best/worst fit, buddy). An allocator is
// a value: clone() copies its whole state, so a front end can snapshot and step back. It never
// prints and knows nothing of traces or reports (alloc/run.hpp drives it).
//
// Addresses start at 0. Every block is a multiple of kGranule bytes and aligned to at least
// kGranule; the difference between the block and the request is internal fragmentation.
// `reserved()` is the footprint (the heap's top, or the buddy arena); free space counts only what
// lies inside it.

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cachescope::alloc {

struct AllocTrace;

inline constexpr std::uint64_t kGranule = 16;
/// "No --capacity": the heap may grow without bound.
inline constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

struct AllocResult {
    bool ok = false;
    std::uint64_t address = 0;
    std::uint64_t blockSize = 0;  // bytes taken, >= the request
    std::uint64_t steps = 0;      // free blocks (or buddy orders) examined to decide
};

struct FreeSpace {
    std::uint64_t total = 0;    // free bytes inside reserved()
    std::uint64_t largest = 0;  // the largest free block inside reserved()
};

class Allocator {
public:
    virtual ~Allocator() = default;
    virtual std::unique_ptr<Allocator> clone() const = 0;
    virtual std::string_view name() const = 0;
    /// Places `size` bytes aligned to `align` (a power of two; 0 = kGranule). ok == false when the
    /// block cannot be placed within the capacity; nothing changes then.
    virtual AllocResult allocate(std::uint64_t size, std::uint64_t align) = 0;
    /// Frees the block at `address`, which allocate() returned and is live.
    virtual void release(std::uint64_t address) = 0;
    virtual std::uint64_t reserved() const = 0;
    virtual FreeSpace freeSpace() const = 0;
    virtual std::uint64_t capacity() const = 0;
    /// The trace's `empty_cache` event: give cached but unused memory back (reserved shrinks).
    /// Only the caching pool keeps any; the others ignore it.
    virtual void emptyCache() {}
    /// Called by runAllocations with the whole trace before its first event, after which
    /// allocate() is called once per alloc and realloc event in trace order. A static planner
    /// (planned) fixes every block's offset here from the lifetime table; the others ignore it.
    virtual void prepare(const AllocTrace& trace) { (void)trace; }
    /// True when allocate() works only after prepare() (a static planner): such an allocator cannot
    /// place blocks one request at a time, as run --placement asks.
    virtual bool needsPlan() const { return false; }
};

/// The registry: every allocator by name, with a one-line description and a factory.
struct AllocatorInfo {
    std::string name;
    std::string description;
    std::function<std::unique_ptr<Allocator>(std::uint64_t capacity)> make;
};
const std::vector<AllocatorInfo>& allocators();
/// Throws UsageError listing the valid names when `name` is unknown.
std::unique_ptr<Allocator> makeAllocator(std::string_view name, std::uint64_t capacity = kUnlimited);

/// `value` rounded up to a multiple of `align` (a power of two); callers keep it below 2^63.
constexpr std::uint64_t alignUp(std::uint64_t value, std::uint64_t align) { return (value + align - 1) & ~(align - 1); }
/// The block a request takes in the granule-based heaps (first/next/best/worst fit, planned):
/// the size rounded up to kGranule; 0 takes one granule.
constexpr std::uint64_t blockSizeFor(std::uint64_t size) { return size == 0 ? kGranule : alignUp(size, kGranule); }

}  // namespace cachescope::alloc
