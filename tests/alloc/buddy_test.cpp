// The buddy system by hand: splits, merges, arena doubling, capacity.

#include <doctest/doctest.h>

#include "cachescope/alloc/buddy.hpp"

using namespace cachescope::alloc;

TEST_CASE("alloc buddy: a 128-byte arena splits down to 16 and merges back") {
    BuddyAllocator b;
    // The first request creates the arena at its order: 128.
    const AllocResult big = b.allocate(100, 0);
    CHECK(big.address == 0);
    CHECK(big.blockSize == 128);
    CHECK(b.reserved() == 128);
    b.release(0);
    CHECK(b.freeBlocks(7).count(0) == 1);
    // 16 bytes: 128 = 64+64, 64 = 32+32, 32 = 16+16; free 16@16, 32@32, 64@64.
    const AllocResult small = b.allocate(10, 0);
    CHECK(small.address == 0);
    CHECK(small.blockSize == 16);
    CHECK(b.freeBlocks(4).count(16) == 1);
    CHECK(b.freeBlocks(5).count(32) == 1);
    CHECK(b.freeBlocks(6).count(64) == 1);
    CHECK(b.freeSpace().total == 112);
    CHECK(b.freeSpace().largest == 64);
    // A 32-byte request takes 32@32 without splitting.
    CHECK(b.allocate(32, 0).address == 32);
    // Freeing 0: its buddy 16 is free -> 32@0; buddy 32@32 is live -> stops.
    b.release(0);
    CHECK(b.freeBlocks(5).count(0) == 1);
    CHECK(b.freeBlocks(4).empty());
    // Freeing 32: 32+32 -> 64@0, 64+64 -> 128@0.
    b.release(32);
    CHECK(b.freeBlocks(7).count(0) == 1);
    CHECK(b.freeSpace().total == 128);
    CHECK(b.freeSpace().largest == 128);
}

TEST_CASE("alloc buddy: the arena doubles, and a capacity stops it without changing anything") {
    BuddyAllocator b(256);
    CHECK(b.allocate(64, 0).address == 0);  // arena 64
    CHECK(b.allocate(64, 0).address == 64);  // doubles to 128; the upper half is the block
    CHECK(b.reserved() == 128);
    CHECK(b.allocate(100, 0).address == 128);  // doubles to 256, upper 128 taken whole
    CHECK(b.reserved() == 256);
    const AllocResult r = b.allocate(16, 0);  // would need 512 > capacity
    CHECK_FALSE(r.ok);
    CHECK(b.reserved() == 256);
    CHECK(b.freeSpace().total == 0);
}

TEST_CASE("alloc buddy: alignment raises the order") {
    BuddyAllocator b;
    b.allocate(16, 0);
    const AllocResult r = b.allocate(16, 64);
    CHECK(r.blockSize == 64);
    CHECK(r.address % 64 == 0);
    CHECK(r.address == 64);
}
