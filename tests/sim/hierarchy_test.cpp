// Hand-worked hierarchy scenarios. Each expected number is derived in the comment above it from
// docs/semantics.md, not read off the engine.

#include <doctest/doctest.h>

#include <random>

#include "cachescope/sim/hierarchy.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;
using namespace cachescope::testutil;

namespace {
void run(Hierarchy& h, std::initializer_list<Access> accesses) {
    for (const Access& a : accesses) h.access(a);
}
}  // namespace

TEST_CASE("hierarchy: LRU set conflict, hand-worked") {
    // 64 B, 16 B lines, 2-way: 2 sets. 0x00, 0x20, 0x40 are lines 0, 2, 4: all in set 0.
    // 0x00 miss (way 0), 0x20 miss (way 1), 0x40 miss evicts LRU line 0, 0x00 miss evicts line 2,
    // 0x10 (line 1, set 1) miss, 0x14 hit.
    Hierarchy h(simCfg({cacheCfg("L1", 64, 16, 2)}));
    run(h, {R(0x00), R(0x20), R(0x40), R(0x00), R(0x10), R(0x14)});
    const CacheStats& s = h.caches()[0].stats();
    CHECK(s.accesses() == 6);
    CHECK(s.misses() == 5);
    CHECK(s.hits() == 1);
    CHECK(s.evictions == 2);
    CHECK(s.writebacks == 0);
    CHECK(h.memory().reads == 5);
    CHECK(h.memory().writes == 0);
    CHECK(h.references() == 6);
}

TEST_CASE("hierarchy: write-back write-allocate counts a dirty eviction once") {
    // W 0x00: write miss, fetch (mem read 1), line dirty. R 0x20: miss (mem read 2). R 0x40: miss,
    // evicts dirty line 0: write-back (mem write 1), fetch (mem read 3).
    Hierarchy h(simCfg({cacheCfg("L1", 64, 16, 2)}));
    run(h, {W(0x00), R(0x20), R(0x40)});
    const CacheStats& s = h.caches()[0].stats();
    CHECK(s.reads() == 2);
    CHECK(s.writes() == 1);
    CHECK(s.readMisses() == 2);
    CHECK(s.writeMisses() == 1);
    CHECK(s.evictions == 1);
    CHECK(s.writebacks == 1);
    CHECK(h.memory().reads == 3);
    CHECK(h.memory().writes == 1);
}

TEST_CASE("hierarchy: write-through, no-write-allocate") {
    // W 0x00: miss, sent on (mem write 1), not filled. R 0x00: miss, fetched (mem read 1).
    // W 0x00: hit, written through (mem write 2). Never dirty, so no write-backs.
    CacheConfig c = cacheCfg("L1", 64, 16, 2);
    c.writePolicy = WritePolicy::WriteThrough;
    c.writeAllocate = false;
    Hierarchy h(simCfg({c}));
    run(h, {W(0x00), R(0x00), W(0x00)});
    const CacheStats& s = h.caches()[0].stats();
    CHECK(s.accesses() == 3);
    CHECK(s.writeMisses() == 1);
    CHECK(s.readMisses() == 1);
    CHECK(s.hits() == 1);
    CHECK(s.writebacks == 0);
    CHECK(h.memory().reads == 1);
    CHECK(h.memory().writes == 2);
}

TEST_CASE("hierarchy: write-through with write-allocate fetches, then writes through") {
    // W 0x00: miss: fetch (mem read 1), fill clean, write through (mem write 1). W 0x04: hit,
    // write through (mem write 2).
    CacheConfig c = cacheCfg("L1", 64, 16, 2);
    c.writePolicy = WritePolicy::WriteThrough;
    Hierarchy h(simCfg({c}));
    run(h, {W(0x00), W(0x04)});
    CHECK(h.caches()[0].stats().misses() == 1);
    CHECK(h.memory().reads == 1);
    CHECK(h.memory().writes == 2);
}

TEST_CASE("hierarchy: a reference spanning two lines is two accesses") {
    // 4 bytes at 0x0E with 16 B lines touch lines 0 (0x0E-0x0F) and 1 (0x10-0x11).
    // Cycles: 2 L1 accesses x 1 + 2 memory reads x 100 = 202, over 1 reference.
    Hierarchy h(simCfg({cacheCfg("L1", 64, 16, 2)}));
    h.access(R(0x0E, 4));
    CHECK(h.references() == 1);
    CHECK(h.caches()[0].stats().accesses() == 2);
    CHECK(h.caches()[0].stats().misses() == 2);
    CHECK(totalCycles(h) == 202);
    CHECK(amat(h) == doctest::Approx(202.0));
}

TEST_CASE("hierarchy: a write covering a whole line allocates without fetching") {
    // 16 B at 0x10 is all of line 1: no fetch. 16 B at 0x21 covers 0x21-0x2F of line 2 (partial:
    // fetch) and 0x30 of line 3 (partial: fetch).
    Hierarchy h(simCfg({cacheCfg("L1", 64, 16, 2)}));
    h.access(W(0x10, 16));
    CHECK(h.memory().reads == 0);
    CHECK(h.caches()[0].stats().writeMisses() == 1);
    h.access(W(0x21, 16));
    CHECK(h.memory().reads == 2);
    CHECK(h.caches()[0].stats().writeMisses() == 3);
}

TEST_CASE("hierarchy: the fill goes down before the victim's write-back (Dinero order)") {
    // L1 and L2 each hold one 16 B line. W A: L1 miss, L2 read miss (mem read 1), L1 holds A dirty.
    // R B: L1 miss -> fetch B first: L2 miss, evicts A (clean there), mem read 2, holds B.
    //      then L1's victim A (dirty) is written back: L2 write miss, whole line, allocates A
    //      without a fetch, evicting B.
    // L2: 3 accesses (2 reads, 1 write), 3 misses, 2 evictions. The other order (write-back first)
    // would hit A in L2 and give 2 misses.
    Hierarchy h(simCfg({cacheCfg("L1", 16, 16, 1), cacheCfg("L2", 16, 16, 1)}));
    run(h, {W(0x00), R(0x10)});
    const CacheStats& l1 = h.caches()[0].stats();
    const CacheStats& l2 = h.caches()[1].stats();
    CHECK(l1.misses() == 2);
    CHECK(l1.evictions == 1);
    CHECK(l1.writebacks == 1);
    CHECK(l2.reads() == 2);
    CHECK(l2.writes() == 1);
    CHECK(l2.readMisses() == 2);
    CHECK(l2.writeMisses() == 1);
    CHECK(l2.evictions == 2);
    CHECK(l2.writebacks == 0);
    CHECK(h.memory().reads == 2);
    CHECK(h.memory().writes == 0);
}

TEST_CASE("hierarchy: NINE levels act on their own, a hit above does not touch below") {
    // L1 holds 1 line, L2 2 lines (fully associative, LRU). R A, R B, R A, R A, R C:
    // L1: every change of line misses: A m, B m (evicts A), A m (evicts B), A hit, C m -> 4 misses.
    // L2 sees the 4 fills: A m, B m, A hit, C: m, evicts the LRU of {A, B}: B (A was used later).
    Hierarchy h(simCfg({cacheCfg("L1", 16, 16, 1), cacheCfg("L2", 32, 16, 2)}));
    run(h, {R(0x00), R(0x10), R(0x00), R(0x00), R(0x20)});
    CHECK(h.caches()[0].stats().misses() == 4);
    CHECK(h.caches()[1].stats().accesses() == 4);
    CHECK(h.caches()[1].stats().misses() == 3);
    CHECK(h.caches()[1].find(0x00 >> 4) != Cache::kNoWay);  // A stayed
    CHECK(h.caches()[1].find(0x10 >> 4) == Cache::kNoWay);  // B was the LRU victim
}

TEST_CASE("hierarchy: inclusive cache back-invalidates the cache above") {
    // L1: 2 lines (1 set, 2 ways). L2: 1 line, inclusive.
    // R A: both miss and hold A. R B: L1 miss; L2 miss evicts A and removes it from L1 first
    //   (back-invalidation 1); L1 then fills B into the freed way: no L1 eviction.
    // R A: L1 misses again (NINE would hit); L2 evicts B, back-invalidating it (2).
    CacheConfig l2 = cacheCfg("L2", 16, 16, 1);
    l2.inclusion = Inclusion::Inclusive;
    Hierarchy h(simCfg({cacheCfg("L1", 32, 16, 2), l2}));
    run(h, {R(0x00), R(0x10), R(0x00)});
    CHECK(h.caches()[0].stats().misses() == 3);
    CHECK(h.caches()[0].stats().evictions == 0);
    CHECK(h.caches()[1].stats().evictions == 2);
    CHECK(h.caches()[1].stats().backInvalidations == 2);
    CHECK(h.caches()[0].validLines() == 1);
    CHECK(h.memory().reads == 3);
}

TEST_CASE("hierarchy: a dirty line back-invalidated above is written back from the inclusive cache") {
    // W A: L1 holds A dirty. R B: L2 evicts A, finds the dirty copy above: the victim is dirty,
    // so L2 writes it back (memory write 1).
    CacheConfig l2 = cacheCfg("L2", 16, 16, 1);
    l2.inclusion = Inclusion::Inclusive;
    Hierarchy h(simCfg({cacheCfg("L1", 32, 16, 2), l2}));
    run(h, {W(0x00), R(0x10)});
    CHECK(h.caches()[1].stats().writebacks == 1);
    CHECK(h.caches()[0].stats().writebacks == 0);
    CHECK(h.memory().writes == 1);
}

TEST_CASE("hierarchy: exclusive cache is filled by victims and hands lines up") {
    // L1 and L2 (exclusive) hold one 16 B line each.
    // R A: L1 miss; L2 read miss, no allocation, forwarded (mem read 1). L1 holds A.
    // R B: L1 miss; L2 miss (mem read 2). L1 evicts A (clean): sent to L2 as a victim write: miss,
    //      allocated without a fetch.
    // R A: L1 miss; L2 read hit: A handed up and removed from L2. L1 evicts B: victim write to L2:
    //      miss, allocated in the freed way (no L2 eviction).
    // L2: reads 3 (2 misses, 1 hit), writes 2 (both misses).
    CacheConfig l2 = cacheCfg("L2", 16, 16, 1);
    l2.inclusion = Inclusion::Exclusive;
    Hierarchy h(simCfg({cacheCfg("L1", 16, 16, 1), l2}));
    run(h, {R(0x00), R(0x10), R(0x00)});
    const CacheStats& s = h.caches()[1].stats();
    CHECK(h.caches()[0].stats().misses() == 3);
    CHECK(h.caches()[0].stats().evictions == 2);
    CHECK(s.reads() == 3);
    CHECK(s.readMisses() == 2);
    CHECK(s.writes() == 2);
    CHECK(s.writeMisses() == 2);
    CHECK(s.evictions == 0);
    CHECK(h.memory().reads == 2);
    CHECK(h.memory().writes == 0);
    CHECK(h.caches()[1].contains(0x10 >> 4));
    CHECK_FALSE(h.caches()[1].contains(0x00 >> 4));
}

TEST_CASE("hierarchy: a dirty line travels up from an exclusive cache") {
    // W A: L1 A dirty. R B: A is a dirty victim: L1 write-back 1 into L2. R A: L2 hands A up dirty;
    // L1 evicts clean B into L2. R B: L2 hands B up; L1 evicts A, which must still be dirty:
    // write-back 2. Memory never sees a write.
    CacheConfig l2 = cacheCfg("L2", 16, 16, 1);
    l2.inclusion = Inclusion::Exclusive;
    Hierarchy h(simCfg({cacheCfg("L1", 16, 16, 1), l2}));
    run(h, {W(0x00), R(0x10), R(0x00), R(0x10)});
    CHECK(h.caches()[0].stats().writebacks == 2);
    CHECK(h.memory().writes == 0);
    CHECK(h.memory().reads == 2);
}

TEST_CASE("hierarchy: split L1I/L1D feed a unified L2") {
    // Fetch 0x100: L1I miss, L2 fetch miss (mem read 1). Read 0x100: L1D miss, L2 read hit.
    CacheConfig i = cacheCfg("L1I", 64, 16, 2);
    i.holds = Holds::Instructions;
    CacheConfig d = cacheCfg("L1D", 64, 16, 2);
    d.holds = Holds::Data;
    Hierarchy h(simCfg({i, d, cacheCfg("L2", 256, 16, 4)}));
    CHECK(h.firstInstructionCache() == 0);
    CHECK(h.firstDataCache() == 1);
    CHECK(h.next(0) == 2);
    CHECK(h.next(1) == 2);
    CHECK(h.next(2) == Hierarchy::kMemory);
    CHECK(h.level(0) == 1);
    CHECK(h.level(1) == 1);
    CHECK(h.level(2) == 2);
    run(h, {F(0x100), R(0x100)});
    CHECK(h.caches()[0].stats().fetches() == 1);
    CHECK(h.caches()[0].stats().fetchMisses() == 1);
    CHECK(h.caches()[1].stats().readMisses() == 1);
    const CacheStats& l2 = h.caches()[2].stats();
    CHECK(l2.fetches() == 1);
    CHECK(l2.reads() == 2);
    CHECK(l2.fetchMisses() == 1);
    CHECK(l2.misses() == 1);
    CHECK(h.memory().reads == 1);
}

TEST_CASE("hierarchy: fetches with no instruction cache go to memory") {
    CacheConfig d = cacheCfg("L1D", 64, 16, 2);
    d.holds = Holds::Data;
    Hierarchy h(simCfg({d}));
    run(h, {F(0x0), F(0x0), R(0x0)});
    CHECK(h.memory().reads == 3);
    CHECK(h.caches()[0].stats().accesses() == 1);
}

TEST_CASE("hierarchy: AMAT under the additive latency model") {
    // L1 latency 1, L2 latency 10, memory 100. R A: L1 m, L2 m, mem read. R A: L1 hit.
    // cycles = 2 L1 accesses x 1 + 1 L2 access x 10 + 1 memory read x 100 = 112; AMAT = 56.
    CacheConfig l2 = cacheCfg("L2", 256, 16, 4);
    l2.latency = 10;
    Hierarchy h(simCfg({cacheCfg("L1", 64, 16, 2), l2}));
    run(h, {R(0x0), R(0x0)});
    CHECK(totalCycles(h) == 112);
    CHECK(amat(h) == doctest::Approx(56.0));
}

namespace {

SimConfig mixedConfig() {
    CacheConfig i = cacheCfg("L1I", 256, 32, 2);
    i.holds = Holds::Instructions;
    CacheConfig d = cacheCfg("L1D", 256, 32, 4);
    d.holds = Holds::Data;
    CacheConfig l2 = cacheCfg("L2", 1024, 32, 4);
    l2.inclusion = Inclusion::Inclusive;
    return simCfg({i, d, l2, cacheCfg("L3", 4096, 64, 8)});
}

std::vector<Access> randomTrace(std::uint64_t seed, std::size_t n) {
    std::mt19937_64 rng(seed);
    std::vector<Access> t;
    for (std::size_t i = 0; i < n; ++i) {
        const auto kind = static_cast<AccessKind>(rng() % 3);
        // Mostly a small hot region, sometimes a wider one, so there are hits, repeats and misses.
        const std::uint64_t range = (rng() % 4 == 0) ? 16384 : 1024;
        t.push_back({rng() % range, static_cast<std::uint32_t>(1 + rng() % 8), kind});
    }
    return t;
}

struct Recorder final : HierarchyObserver {
    std::vector<std::string> log;
    void onReference(const Access& a) override { log.push_back("ref " + std::string(toString(a.kind))); }
    void onCacheAccess(const CacheEvent& e) override {
        log.push_back("cache " + std::to_string(e.cache) + (e.hit ? " hit" : " miss"));
    }
    void onMemoryAccess(const MemoryEvent& e) override { log.push_back("memory " + std::string(toString(e.kind))); }
    void onInvalidate(const InvalidateEvent& e) override { log.push_back("invalidate " + std::to_string(e.cache)); }
};

}  // namespace

TEST_CASE("hierarchy: blocks, single references and observed runs give the same state") {
    const auto trace = randomTrace(7, 20000);
    Hierarchy blocks(mixedConfig());
    blocks.access(trace);
    Hierarchy single(mixedConfig());
    for (const Access& a : trace) single.access(a);
    Hierarchy observed(mixedConfig());
    Recorder recorder;
    observed.setObserver(&recorder);
    observed.access(trace);
    CHECK(blocks.caches()[1].stats().hits() > 0);
    CHECK(blocks.caches()[1].stats().misses() > 0);
    CHECK(blocks.sameState(single));
    CHECK(blocks.sameState(observed));
    CHECK(recorder.log.size() > trace.size());
}

TEST_CASE("hierarchy: the observer sees a miss's consequences before the miss itself") {
    // R A on L1/L2: L2's miss sends a memory read, then L2's access completes, then L1's.
    Hierarchy h(simCfg({cacheCfg("L1", 64, 16, 2), cacheCfg("L2", 256, 16, 4)}));
    Recorder r;
    h.setObserver(&r);
    h.access(R(0x40));
    h.access(R(0x40));
    CHECK(r.log == std::vector<std::string>{"ref read", "memory read", "cache 1 miss", "cache 0 miss", "ref read",
                                            "cache 0 hit"});
}

TEST_CASE("hierarchy: a copy is a snapshot, restoring it replays identically") {
    const auto trace = randomTrace(11, 6000);
    const std::span<const Access> first(trace.data(), 3000), second(trace.data() + 3000, 3000);
    Hierarchy h(mixedConfig());
    h.access(first);
    const Hierarchy snapshot = h;
    CHECK(snapshot.sameState(h));
    h.access(second);
    CHECK_FALSE(snapshot.sameState(h));
    Hierarchy replay = snapshot;
    replay.access(second);
    CHECK(replay.sameState(h));
    replay = snapshot;  // restore by assignment
    CHECK(replay.sameState(snapshot));
    replay.access(second);
    CHECK(replay.sameState(h));
    CHECK(replay.caches()[1].stats() == h.caches()[1].stats());
}

TEST_CASE("hierarchy: resetStats keeps the contents") {
    Hierarchy h(simCfg({cacheCfg("L1", 64, 16, 2)}));
    run(h, {R(0x0), R(0x0)});
    h.resetStats();
    CHECK(h.caches()[0].stats().accesses() == 0);
    CHECK(h.references() == 0);
    h.access(R(0x0));
    CHECK(h.caches()[0].stats().hits() == 1);
}
