// Segregated size classes (slab) by hand: class rounding, slabs cut from 64 KiB pages, last-in
// first-out reuse, large requests as whole pages, and the internal fragmentation of rounding.

#include <doctest/doctest.h>

#include <sstream>

#include "cachescope/alloc/run.hpp"
#include "cachescope/alloc/slab.hpp"

using namespace cachescope::alloc;

TEST_CASE("alloc slab: classes are powers of two from 16 B to 32 KiB, at least the alignment") {
    CHECK(SlabAllocator::classOrder(0, 0) == 4);
    CHECK(SlabAllocator::classOrder(16, 0) == 4);
    CHECK(SlabAllocator::classOrder(17, 0) == 5);
    CHECK(SlabAllocator::classOrder(100, 0) == 7);
    CHECK(SlabAllocator::classOrder(64, 4096) == 12);
    CHECK(SlabAllocator::classOrder(32768, 0) == 15);
    CHECK(SlabAllocator::classOrder(32769, 0) == 0);  // large: whole pages
}

TEST_CASE("alloc slab: slabs, reuse, large blocks and free space worked by hand") {
    SlabAllocator s;
    // 100 -> class 128: page [0, 64 KiB) becomes 512 objects; the first is [0, 128).
    AllocResult r = s.allocate(100, 0);
    CHECK(r.ok);
    CHECK(r.address == 0);
    CHECK(r.blockSize == 128);
    CHECK(r.steps == 1);  // the class list; the empty page heap had no free block to look at
    CHECK(s.reserved() == 65536);
    CHECK(s.slabs(7) == 1);
    CHECK(s.freeObjects(7).size() == 511);
    // 20 -> class 32: a second page.
    CHECK(s.allocate(20, 0).address == 65536);
    // 128 -> the next object of class 128.
    CHECK(s.allocate(128, 0).address == 128);
    // Freed and reused last in, first out.
    s.release(0);
    CHECK(s.allocate(120, 0).address == 0);
    // 40000 B is above the largest class: one whole page from the page heap.
    r = s.allocate(40000, 0);
    CHECK(r.address == 131072);
    CHECK(r.blockSize == 65536);
    // 64 B aligned to 4096 -> class 4096, a new page; aligned because pages are.
    r = s.allocate(64, 4096);
    CHECK(r.address == 196608);
    CHECK(r.blockSize == 4096);
    CHECK(s.reserved() == 262144);
    // The large block's page goes back to the page heap; slab pages stay with their classes.
    s.release(131072);
    const FreeSpace f = s.freeSpace();
    // Free objects: (65536 - 2*128) + (65536 - 32) + (65536 - 4096) = 192,224; plus the free page.
    CHECK(f.total == 192224 + 65536);
    CHECK(f.largest == 65536);
    // Another 20000 B block takes that page back (first fit in the page heap).
    CHECK(s.allocate(20000, 0).address == 131072);
}

TEST_CASE("alloc slab: rounding shows as internal fragmentation in the run") {
    std::istringstream in("alloc a 100\nalloc b 20\nalloc c 40000\nfree a\nfree b\nfree c\n");
    const AllocTrace t = readAllocTrace(in, "t");
    SlabAllocator s;
    const AllocStats st = runAllocations(t, s);
    CHECK(st.requestedTotal == 40120);
    CHECK(st.blockTotal == 128 + 32 + 65536);
    CHECK(st.internalFragmentation() == doctest::Approx(1.0 - 40120.0 / 65696.0));
    CHECK(st.peakReserved == 3 * 65536);
    CHECK(st.liveAtEnd == 0);
}
