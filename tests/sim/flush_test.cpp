// The end-of-run flush (sim/flush.hpp): hand-worked cases, and a naive count of dirty lines on
// random traces.

#include <doctest/doctest.h>

#include <random>
#include <set>

#include "cachescope/sim/flush.hpp"
#include "cachescope/sim/hierarchy.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;
using namespace cachescope::testutil;

TEST_CASE("flush: a line dirty in L1 and L2 reaches memory once, from L2 (hand-worked)") {
    // L1: 128 B, 64 B lines, direct-mapped: 2 sets (line & 1). L2: 512 B, 2-way: 4 sets (line & 3).
    // W 0x80 (line 2): L1 set 0 holds 0x80 dirty; L2 fetched 0x80 (clean).
    // W 0x00 (line 0): L1 set 0 evicts dirty 0x80 -> written back into L2 (0x80 dirty there);
    //                  L1 holds 0x00 dirty; L2 fetched 0x00 (clean).
    // W 0x40 (line 1): L1 set 1 holds 0x40 dirty; L2 fetched 0x40 (clean).
    // End: L1 dirty {0x00, 0x40}; L2 dirty {0x80}, clean {0x00, 0x40}.
    // Flush: L1 writes back 0x00 and 0x40, both held by L2 (now dirty there); L2 writes back
    // 0x00, 0x40 and 0x80; memory receives 3 writes.
    Hierarchy h(simCfg({cacheCfg("L1", 128, 64, 1), cacheCfg("L2", 512, 64, 2)}));
    for (const Access& a : {W(0x80), W(0x00), W(0x40)}) h.access(a);
    REQUIRE(h.memory().writes == 0);  // Dinero's default: nothing written back at the end
    const Hierarchy before = h;
    const FlushCounts f = flushCounts(h);
    CHECK(f.dirtyLines == std::vector<std::uint64_t>{2, 1});
    CHECK(f.totalDirtyLines() == 3);
    CHECK(f.writebacks == std::vector<std::uint64_t>{2, 3});
    CHECK(f.memoryWrites == 3);
    CHECK(h.sameState(before));  // computing the flush changes nothing
    CHECK(h.memory().writes == 0);
}

TEST_CASE("flush: a dirty line the level below no longer holds passes on to memory (hand-worked)") {
    // L1: 128 B, 64 B lines, 2-way: 1 set. L2: 128 B, direct-mapped: 2 sets (line & 1).
    // W 0x00: L1 holds 0x00 dirty; L2 set 0 fetched 0x00 (clean).
    // R 0x80 (line 2, L2 set 0): L1 holds 0x00 dirty and 0x80; L2 set 0 evicts clean 0x00 for 0x80.
    // Flush: L1 writes back 0x00; L2 does not hold it, so it goes on to memory (1 write);
    // L2 has nothing dirty.
    Hierarchy h(simCfg({cacheCfg("L1", 128, 64, 2), cacheCfg("L2", 128, 64, 1)}));
    for (const Access& a : {W(0x00), R(0x80)}) h.access(a);
    const FlushCounts f = flushCounts(h);
    CHECK(f.dirtyLines == std::vector<std::uint64_t>{1, 0});
    CHECK(f.writebacks == std::vector<std::uint64_t>{1, 0});
    CHECK(f.memoryWrites == 1);
}

TEST_CASE("flush: write-through caches have nothing to flush") {
    CacheConfig l1 = cacheCfg("L1", 128, 64, 2);
    l1.writePolicy = WritePolicy::WriteThrough;
    Hierarchy h(simCfg({l1}));
    for (const Access& a : {W(0x00), W(0x40), R(0x80)}) h.access(a);
    const FlushCounts f = flushCounts(h);
    CHECK(f.totalDirtyLines() == 0);
    CHECK(f.memoryWrites == 0);
}

TEST_CASE("flush: memory writes equal a naive count of distinct dirty lines (random traces)") {
    // With one line size for every level, memory receives one write per line that is dirty in at
    // least one cache: counted here by listing every dirty line of every cache into one set.
    std::mt19937_64 rng(11);
    for (int round = 0; round < 20; ++round) {
        Hierarchy h(simCfg({cacheCfg("L1", 256, 32, 2), cacheCfg("L2", 1024, 32, 4), cacheCfg("L3", 4096, 32, 8)}));
        std::uniform_int_distribution<std::uint64_t> address(0, 16383);
        for (int i = 0; i < 3000; ++i) {
            const std::uint64_t a = address(rng) & ~std::uint64_t{3};
            h.access(rng() % 3 == 0 ? W(a) : R(a));
        }
        std::set<std::uint64_t> dirty;
        std::vector<std::uint64_t> perCache;
        for (const Cache& c : h.caches()) {
            std::uint64_t n = 0;
            for (std::uint32_t s = 0; s < c.sets(); ++s)
                for (std::uint32_t w = 0; w < c.ways(); ++w)
                    if (c.lineAt(s, w).valid && c.lineAt(s, w).dirty) {
                        dirty.insert(c.lineAt(s, w).line);
                        ++n;
                    }
            perCache.push_back(n);
        }
        const FlushCounts f = flushCounts(h);
        CHECK(f.dirtyLines == perCache);
        CHECK(f.memoryWrites == dirty.size());
        CHECK(!dirty.empty());
        for (std::size_t c = 0; c < perCache.size(); ++c) CHECK(f.writebacks[c] >= perCache[c]);
    }
}
