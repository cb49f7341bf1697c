// The PyTorch-style caching pool by hand: 512 B rounding, small and large pools and their segment
// sizes, splitting (and the large pool's rule not to split off 1 MiB or less), best-fit reuse of
// cached blocks, merging within a segment, empty_cache, and the retry after emptying the cache
// when a segment would pass the capacity. MiB throughout.

#include <doctest/doctest.h>

#include <sstream>

#include "cachescope/alloc/caching.hpp"
#include "cachescope/alloc/run.hpp"
#include "cachescope/core/error.hpp"

using namespace cachescope::alloc;

namespace {
constexpr std::uint64_t MiB = std::uint64_t{1} << 20;
using Pool = std::set<std::pair<std::uint64_t, std::uint64_t>>;
}  // namespace

TEST_CASE("alloc caching: rounding and segment sizes") {
    CHECK(CachingAllocator::roundSize(0) == 512);
    CHECK(CachingAllocator::roundSize(1) == 512);
    CHECK(CachingAllocator::roundSize(512) == 512);
    CHECK(CachingAllocator::roundSize(513) == 1024);
    CHECK(CachingAllocator::segmentSize(512) == 2 * MiB);        // small pool
    CHECK(CachingAllocator::segmentSize(MiB) == 2 * MiB);        // still small: <= 1 MiB
    CHECK(CachingAllocator::segmentSize(MiB + 512) == 20 * MiB); // large, under 10 MiB
    CHECK(CachingAllocator::segmentSize(10 * MiB - 512) == 20 * MiB);
    CHECK(CachingAllocator::segmentSize(10 * MiB) == 10 * MiB);  // rounded to 2 MiB
    CHECK(CachingAllocator::segmentSize(10 * MiB + 512) == 12 * MiB);
}

TEST_CASE("alloc caching: split, reuse, merge and empty_cache worked by hand") {
    CachingAllocator c;
    // 1000 -> 1024 in the small pool: a 2 MiB segment at 0; the rest stays cached.
    AllocResult r = c.allocate(1000, 0);
    CHECK(r.address == 0);
    CHECK(r.blockSize == 1024);
    CHECK(c.reserved() == 2 * MiB);
    CHECK(c.pool(true) == Pool{{2 * MiB - 1024, 1024}});
    CHECK(c.freeSpace().total == 2 * MiB - 1024);
    // 5 MiB -> large pool: a 20 MiB segment at 2 MiB (device addresses 2 MiB aligned); split, the
    // 15 MiB rest is cached.
    r = c.allocate(5 * MiB, 0);
    CHECK(r.address == 2 * MiB);
    CHECK(r.blockSize == 5 * MiB);
    CHECK(c.reserved() == 22 * MiB);
    CHECK(c.pool(false) == Pool{{15 * MiB, 7 * MiB}});
    // 14.5 MiB takes the cached 15 MiB block; the 0.5 MiB rest is not split off (large pool:
    // only a rest above 1 MiB is), so the block is 15 MiB.
    r = c.allocate(14 * MiB + MiB / 2, 0);
    CHECK(r.address == 7 * MiB);
    CHECK(r.blockSize == 15 * MiB);
    CHECK(c.pool(false).empty());
    CHECK(c.reserved() == 22 * MiB);
    // 3000 -> 3072 from the cached small block at 1024.
    CHECK(c.allocate(3000, 0).address == 1024);
    // Freeing [0, 1024): its neighbour at 1024 is live, so it is cached alone; a 600 B request
    // (1024) reuses it: the smallest cached block that holds it.
    c.release(0);
    CHECK(c.pool(true) == Pool{{1024, 0}, {2 * MiB - 4096, 4096}});
    CHECK(c.allocate(600, 0).address == 0);
    // Freeing both small blocks merges the segment back into one 2 MiB block.
    c.release(1024);
    c.release(0);
    CHECK(c.pool(true) == Pool{{2 * MiB, 0}});
    // empty_cache returns only segments with no live block: the small one.
    c.emptyCache();
    CHECK(c.reserved() == 20 * MiB);
    CHECK(c.segments().size() == 1);
    CHECK(c.pool(true).empty());
    // The two large blocks merge (within their segment) and empty_cache returns it.
    c.release(2 * MiB);
    c.release(7 * MiB);
    CHECK(c.pool(false) == Pool{{20 * MiB, 2 * MiB}});
    CHECK(c.freeSpace().total == 20 * MiB);
    c.emptyCache();
    CHECK(c.reserved() == 0);
    CHECK(c.segments().empty());
    CHECK(c.freeSpace().total == 0);
}

TEST_CASE("alloc caching: free pieces never merge across segments") {
    CachingAllocator c;
    // Two small segments, adjacent on the device: [0, 2 MiB) and [2 MiB, 4 MiB).
    CHECK(c.allocate(MiB, 0).address == 0);
    CHECK(c.allocate(MiB, 0).address == MiB);
    CHECK(c.allocate(MiB, 0).address == 2 * MiB);
    c.release(MiB);
    c.release(2 * MiB);
    CHECK(c.pool(true) == Pool{{MiB, MiB}, {2 * MiB, 2 * MiB}});
    CHECK(c.freeSpace().largest == 2 * MiB);
}

TEST_CASE("alloc caching: over the capacity the cache is emptied and the segment retried") {
    CachingAllocator c(21 * MiB);
    const AllocResult small = c.allocate(1000, 0);
    c.release(small.address);
    CHECK(c.reserved() == 2 * MiB);  // cached, not returned
    // 5 MiB needs a 20 MiB segment: 2 + 20 > 21, so the unused small segment goes first.
    AllocResult r = c.allocate(5 * MiB, 0);
    CHECK(r.ok);
    CHECK(r.steps == 2);
    CHECK(c.reserved() == 20 * MiB);
    // A small request now needs a 2 MiB segment: 20 + 2 > 21 and nothing is unused: out of
    // memory, although 15 MiB is cached (in the large pool).
    r = c.allocate(1000, 0);
    CHECK_FALSE(r.ok);
    CHECK(c.reserved() == 20 * MiB);
    CHECK(c.freeSpace().total == 15 * MiB);
    // A segment larger than the capacity fails at once.
    CHECK_FALSE(c.allocate(22 * MiB, 0).ok);
}

TEST_CASE("alloc caching: empty_cache in a trace, the report counts reserved but unallocated bytes") {
    std::istringstream in("alloc a 1000\nalloc b 5MiB\nfree a\nfree b\nempty_cache\nalloc c 100\n");
    const AllocTrace t = readAllocTrace(in, "t");
    REQUIRE(t.events.size() == 6);
    CHECK(t.events[4].op == AllocOp::EmptyCache);
    CachingAllocator c;
    const AllocStats s = runAllocations(t, c);
    CHECK(s.emptyCaches == 1);
    CHECK(s.peakReserved == 22 * MiB);
    CHECK(s.unallocatedMax == 22 * MiB);   // after both frees, before empty_cache
    CHECK(s.reservedAtEnd == 2 * MiB);     // a new small segment for c
    CHECK(s.unallocatedAtEnd == 2 * MiB - 512);
    CHECK(s.blockTotal == 1024 + 5 * MiB + 512);
    // The other allocators ignore the event.
    FitAllocator f(FitPolicy::First);
    CHECK(runAllocations(t, f).reservedAtEnd == 5 * MiB + 1008);
}

TEST_CASE("alloc caching: empty_cache takes no argument") {
    std::istringstream in("alloc a 1\nempty_cache now\n");
    CHECK_THROWS_WITH_AS(readAllocTrace(in, "t.alloc"), "t.alloc:2: 'empty_cache now': expected 'empty_cache' alone",
                         cachescope::TraceError);
}
