#pragma once
// Allocation records in traces: the events of an allocation trace (docs/alloc.md) as the binary
// trace format carries them next to the accesses (docs/trace-format.md, "Allocation blocks"), so
// one trace holds a program's allocations and the accesses to them, in order.
//
// The trace layer only moves these records: a binary writer stores them, a binary reader hands them
// to an AllocationSink as it meets them (before the accesses that follow them in the trace). What
// they mean (a free of an ID that is not live, a double free) is checked by the allocator
// simulator's reader (alloc/trace.hpp), as for text allocation traces.

#include <cstdint>
#include <string>
#include <string_view>

namespace cachescope {

/// Larger sizes are refused as absurd: 2^48 bytes (256 TiB), the user address space of x86-64.
inline constexpr std::uint64_t kMaxAllocationSize = std::uint64_t{1} << 48;
/// Largest alignment: 1 GiB (huge pages).
inline constexpr std::uint64_t kMaxAllocationAlign = std::uint64_t{1} << 30;
/// Longest ID or site name, in bytes (a text trace's line holds at most 4096 bytes too).
inline constexpr std::size_t kMaxAllocationName = 4096;

enum class AllocationOp : std::uint8_t { Alloc = 0, Free = 1, Realloc = 2, EmptyCache = 3 };

/// One allocation event. `id` names the block (alloc, free, realloc); `site` where it was made
/// ("" = not given; alloc only); `align` 0 = the allocator's default, else a power of two.
struct AllocationRecord {
    AllocationOp op = AllocationOp::Alloc;
    std::string_view id;
    std::uint64_t size = 0;   // alloc, realloc
    std::uint64_t align = 0;  // alloc
    std::string_view site;    // alloc
    std::uint64_t offset = 0;  // reader: the record's byte offset in the file (for messages)
};

/// Receives the allocation records a reader meets. The views in the record stay valid until the
/// reader is destroyed.
class AllocationSink {
public:
    virtual ~AllocationSink() = default;
    virtual void onAllocation(const AllocationRecord& record) = 0;
};

/// Why `name` cannot be an ID or site name (empty if it can): a word of 1 to kMaxAllocationName
/// bytes without spaces, tabs, line breaks or '#', as the text format reads it; a site must also
/// not start with a digit or '-' (the text format would take it for an alignment).
std::string allocationNameProblem(std::string_view name, bool site);

}  // namespace cachescope
