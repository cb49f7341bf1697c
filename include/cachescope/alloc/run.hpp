#pragma once
// Drives an allocator through an allocation trace and counts what happened (plain counters; the
// printers are in alloc/report.hpp). Each event also goes to an optional observer, e.g. the
// timeline recorder behind `alloc --csv`.
//
// Semantics (docs/alloc.md): live bytes are the bytes requested by live allocations; an alloc that
// fails leaves its ID unallocated (a later free of it does nothing, as free(NULL)); realloc
// allocates the new size first and then frees the old block (both are live during the copy); if
// that allocation fails the old block stays live. External fragmentation after an event is
// 1 - largest free block / total free (0 when nothing is free), over the reserved space only.

#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/alloc/allocator.hpp"
#include "cachescope/alloc/trace.hpp"

namespace cachescope::alloc {

/// What happened at one event, after it.
struct AllocStep {
    std::size_t index = 0;          // into the trace's events
    const AllocEvent* event = nullptr;
    bool ok = true;                 // false: the (re)allocation failed
    std::uint64_t address = 0;      // alloc/realloc: the new block; free: the freed block
    std::uint64_t blockSize = 0;
    std::uint64_t steps = 0;
    std::uint64_t liveBytes = 0;
    std::uint64_t reserved = 0;
    FreeSpace free;
};

class AllocObserver {
public:
    virtual ~AllocObserver() = default;
    virtual void onStep(const AllocStep& step) = 0;
};

struct FailedAllocation {
    std::uint64_t line = 0;
    std::string id;
    std::uint64_t size = 0;
    std::uint64_t freeBytes = 0;     // free inside the reserved space when it failed
    std::uint64_t headroom = 0;      // capacity - reserved
    bool fragmentation = false;      // freeBytes + headroom would have held the block
};

struct LeakGroup {
    std::string site;  // "" = no site given
    std::uint64_t count = 0;
    std::uint64_t bytes = 0;  // requested bytes still live
};

struct AllocStats {
    std::string allocator;
    std::uint64_t capacity = kUnlimited;
    std::uint64_t events = 0, allocs = 0, frees = 0, reallocs = 0;
    std::uint64_t emptyCaches = 0;        // empty_cache events
    std::uint64_t ignoredFrees = 0;       // frees of IDs whose allocation had failed
    std::uint64_t peakLive = 0;           // bytes requested
    std::uint64_t peakReserved = 0;       // footprint
    std::uint64_t requestedTotal = 0;     // over every successful (re)allocation
    std::uint64_t blockTotal = 0;         // the blocks given for them
    std::uint64_t searchSteps = 0;        // over every (re)allocation attempt
    std::uint64_t maxSearchSteps = 0;
    double externalFragMax = 0, externalFragMean = 0, externalFragEnd = 0;
    std::uint64_t liveAtEnd = 0, reservedAtEnd = 0;
    /// Reserved but not in a block (the free bytes inside reserved(); for the caching pool what
    /// PyTorch users read as memory_reserved() - memory_allocated()): the most at once, and at the end.
    std::uint64_t unallocatedMax = 0, unallocatedAtEnd = 0;
    std::vector<FailedAllocation> failed;
    std::vector<LeakGroup> leaks;         // by bytes, largest first (ties: site name)

    std::uint64_t attempts() const { return allocs + reallocs; }
    std::uint64_t fragmentationFailures() const;
    /// (blocks - requested) / blocks over every successful allocation; 0 if none.
    double internalFragmentation() const;
};

/// 1 - largest / total, 0 when nothing is free.
double externalFragmentation(const FreeSpace& free);

AllocStats runAllocations(const AllocTrace& trace, Allocator& allocator, AllocObserver* observer = nullptr);

}  // namespace cachescope::alloc
