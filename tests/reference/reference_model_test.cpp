// Self-tests of the naive reference model: small scenarios whose counts are worked out by hand in
// the comments (from docs/semantics.md and docs/policies.md), independent of the engine.
// Notation: lines are 16 bytes unless said otherwise; "line n" = bytes [16n, 16n+16).

#include <doctest/doctest.h>

#include "reference/reference_model.hpp"

namespace cs = cachescope;
using cs::AccessKind;
using cs::reference::ReferenceModel;

namespace {

cs::CacheConfig cache(const char* name, std::uint64_t size, std::uint32_t lineSize, std::uint32_t ways,
                      const char* policy = "lru") {
    cs::CacheConfig c;
    c.name = name;
    c.size = size;
    c.lineSize = lineSize;
    c.associativity = ways;
    c.replacement = policy;
    return c;
}

cs::SimConfig sim(std::vector<cs::CacheConfig> caches) {
    cs::SimConfig s;
    s.caches = std::move(caches);
    return s;
}

void read(ReferenceModel& m, std::uint64_t a, std::uint32_t size = 1) { m.access({a, size, AccessKind::Read}); }
void write(ReferenceModel& m, std::uint64_t a, std::uint32_t size = 1) { m.access({a, size, AccessKind::Write}); }
void fetch(ReferenceModel& m, std::uint64_t a, std::uint32_t size = 1) { m.access({a, size, AccessKind::Fetch}); }

}  // namespace

TEST_CASE("reference model: direct-mapped ping-pong misses every time") {
    // 64 B, 16 B lines, direct-mapped: 4 sets. 0x00 (line 0) and 0x40 (line 4) both map to set 0.
    ReferenceModel m(sim({cache("L1", 64, 16, 1)}));
    for (int i = 0; i < 4; ++i) {
        read(m, 0x00);
        read(m, 0x40);
    }
    // 8 misses; the first fills an empty way, the other 7 evict. Then 0x10 (set 1): miss, then hit.
    read(m, 0x10);
    read(m, 0x10);
    const auto& s = m.stats(0);
    CHECK(s.reads() == 10);
    CHECK(s.readMisses() == 9);
    CHECK(s.evictions == 7);
    CHECK(s.writebacks == 0);
    CHECK(m.memory().reads == 9);
    CHECK(m.memory().writes == 0);
}

TEST_CASE("reference model: 2-way LRU and FIFO differ on A B A C A") {
    // 32 B, 16 B lines, 2 ways: one set. A = line 0, B = line 1, C = line 2.
    // LRU : A miss, B miss, A hit (A most recent), C miss evicts B, A hit       -> 3 misses, 1 eviction
    // FIFO: A miss, B miss, A hit (order unchanged), C miss evicts A (oldest),
    //       A miss evicts B (now the oldest)                                   -> 4 misses, 2 evictions
    // MRU : A miss, B miss, A hit (A most recent), C miss evicts A, A miss evicts C -> 4 misses, 2 evictions
    struct Expect {
        const char* policy;
        std::uint64_t misses, evictions;
        bool hasB, hasC;
    };
    for (const Expect e : {Expect{"lru", 3, 1, false, true}, Expect{"fifo", 4, 2, false, true},
                           Expect{"mru", 4, 2, true, false}}) {
        CAPTURE(e.policy);
        ReferenceModel m(sim({cache("L1", 32, 16, 2, e.policy)}));
        for (std::uint64_t a : {0x00, 0x10, 0x00, 0x20, 0x00}) read(m, a);
        CHECK(m.stats(0).reads() == 5);
        CHECK(m.stats(0).misses() == e.misses);
        CHECK(m.stats(0).evictions == e.evictions);
        CHECK(m.contains(0, 0x00));
        CHECK(m.contains(0, 0x10) == e.hasB);
        CHECK(m.contains(0, 0x20) == e.hasC);
    }
}

TEST_CASE("reference model: write-back dirty eviction counts") {
    // 32 B direct-mapped, 2 sets. Line 0 and line 2 (0x20) share set 0.
    // write 0x00: miss, fetch (mem read 1), line 0 dirty
    // write 0x04: hit, stays dirty
    // read  0x20: miss, fetch (mem read 2), evicts dirty line 0: write-back (mem write 1)
    // read  0x00: miss, fetch (mem read 3), evicts clean line 2: nothing written
    ReferenceModel m(sim({cache("L1", 32, 16, 1)}));
    write(m, 0x00);
    write(m, 0x04);
    read(m, 0x20);
    read(m, 0x00);
    const auto& s = m.stats(0);
    CHECK(s.reads() == 2);
    CHECK(s.writes() == 2);
    CHECK(s.readMisses() == 2);
    CHECK(s.writeMisses() == 1);
    CHECK(s.evictions == 2);
    CHECK(s.writebacks == 1);
    CHECK(m.memory().reads == 3);
    CHECK(m.memory().writes == 1);
    CHECK_FALSE(m.isDirty(0, 0x00));
}

TEST_CASE("reference model: write-through sends every write on and never writes back") {
    // Same trace as above, write-through + write-allocate:
    // write 0x00: miss, fetch (mem read 1), place clean, write-through (mem write 1)
    // write 0x04: hit, write-through (mem write 2)
    // read  0x20: miss (mem read 2), evicts clean line 0
    // read  0x00: miss (mem read 3), evicts clean line 2
    auto c = cache("L1", 32, 16, 1);
    c.writePolicy = cs::WritePolicy::WriteThrough;
    ReferenceModel m(sim({c}));
    write(m, 0x00);
    CHECK_FALSE(m.isDirty(0, 0x00));
    write(m, 0x04);
    read(m, 0x20);
    read(m, 0x00);
    const auto& s = m.stats(0);
    CHECK(s.writeMisses() == 1);
    CHECK(s.readMisses() == 2);
    CHECK(s.evictions == 2);
    CHECK(s.writebacks == 0);
    CHECK(m.memory().reads == 3);
    CHECK(m.memory().writes == 2);
}

TEST_CASE("reference model: no-write-allocate sends write misses on without filling") {
    SUBCASE("write-back") {
        // write 0x00: miss, sent on (mem write 1), nothing filled
        // read  0x00: miss (mem read 1)
        // write 0x00: hit, dirty
        // read  0x20: miss (mem read 2), evicts dirty line 0 (write-back, mem write 2)
        auto c = cache("L1", 32, 16, 1);
        c.writeAllocate = false;
        ReferenceModel m(sim({c}));
        write(m, 0x00);
        CHECK_FALSE(m.contains(0, 0x00));
        read(m, 0x00);
        write(m, 0x00);
        CHECK(m.isDirty(0, 0x00));
        read(m, 0x20);
        const auto& s = m.stats(0);
        CHECK(s.writes() == 2);
        CHECK(s.writeMisses() == 1);
        CHECK(s.readMisses() == 2);
        CHECK(s.evictions == 1);
        CHECK(s.writebacks == 1);
        CHECK(m.memory().reads == 2);
        CHECK(m.memory().writes == 2);
    }
    SUBCASE("write-through") {
        // write 0x00: miss, sent on (mem write 1); read 0x00: miss (mem read 1);
        // write 0x00: hit, written through (mem write 2)
        auto c = cache("L1", 32, 16, 1);
        c.writeAllocate = false;
        c.writePolicy = cs::WritePolicy::WriteThrough;
        ReferenceModel m(sim({c}));
        write(m, 0x00);
        read(m, 0x00);
        write(m, 0x00);
        CHECK(m.stats(0).misses() == 2);
        CHECK(m.memory().reads == 1);
        CHECK(m.memory().writes == 2);
        CHECK_FALSE(m.isDirty(0, 0x00));
    }
}

TEST_CASE("reference model: two-level NINE, an L1 dirty eviction is an L2 write") {
    // L1: 32 B direct-mapped (2 sets); L2: 64 B direct-mapped (4 sets); 16 B lines.
    // write 0x00: L1 write miss -> L2 read (line 0) miss -> mem read 1; L2 line 0 clean, L1 line 0 dirty
    // read  0x20: L1 read miss (set 0) -> L2 read (line 2, set 2) miss -> mem read 2;
    //             L1 evicts dirty line 0 -> L2 write, hit: L2 line 0 dirty
    // read  0x40: L1 read miss (set 0) -> L2 read (line 4, set 0) miss -> mem read 3, L2 evicts dirty
    //             line 0 -> mem write 1; L1 evicts clean line 2
    ReferenceModel m(sim({cache("L1", 32, 16, 1), cache("L2", 64, 16, 1)}));
    write(m, 0x00);
    read(m, 0x20);
    CHECK(m.isDirty(1, 0x00));
    CHECK(m.stats(1).writes() == 1);
    CHECK(m.stats(1).writeMisses() == 0);
    read(m, 0x40);
    const auto& l1 = m.stats(0);
    CHECK(l1.reads() == 2);
    CHECK(l1.writes() == 1);
    CHECK(l1.misses() == 3);
    CHECK(l1.evictions == 2);
    CHECK(l1.writebacks == 1);
    const auto& l2 = m.stats(1);
    CHECK(l2.reads() == 3);
    CHECK(l2.readMisses() == 3);
    CHECK(l2.writes() == 1);
    CHECK(l2.writeMisses() == 0);
    CHECK(l2.evictions == 1);
    CHECK(l2.writebacks == 1);
    CHECK(m.memory().reads == 3);
    CHECK(m.memory().writes == 1);
}

TEST_CASE("reference model: Dinero order, the fill goes down before the victim's write-back") {
    // L1 and L2 both hold ONE 16 B line.
    // write 0x00: L1 miss -> L2 read miss (mem read 1), L2 = line 0 clean; L1 = line 0 dirty
    // read  0x10: L1 miss. FIRST the fetch: L2 read of line 1 misses (mem read 2) and evicts line 0
    //             (clean). THEN L1's victim, dirty line 0, is written to L2: a whole-line write miss,
    //             allocated without a fetch, evicting line 1 (clean). L2 = line 0 dirty.
    // Had the victim gone first, its write would have HIT line 0 in L2 and the fetch of line 1 would
    // then have evicted a dirty line (L2 write misses 0, L2 write-backs 1, memory writes 1). Here:
    ReferenceModel m(sim({cache("L1", 16, 16, 1), cache("L2", 16, 16, 1)}));
    write(m, 0x00);
    read(m, 0x10);
    const auto& l2 = m.stats(1);
    CHECK(l2.reads() == 2);
    CHECK(l2.readMisses() == 2);
    CHECK(l2.writes() == 1);
    CHECK(l2.writeMisses() == 1);
    CHECK(l2.evictions == 2);
    CHECK(l2.writebacks == 0);
    CHECK(m.stats(0).writebacks == 1);
    CHECK(m.memory().reads == 2);
    CHECK(m.memory().writes == 0);
    CHECK(m.isDirty(1, 0x00));
    CHECK_FALSE(m.contains(1, 0x10));
}

TEST_CASE("reference model: inclusive L2 back-invalidates L1") {
    // L1: 32 B, 2-way LRU, one set. L2 inclusive: 32 B direct-mapped, 2 sets (line n -> set n mod 2).
    // read  0x00 (line 0): L1 miss, L2 miss (mem read 1)             L1 {0, -}   L2 {0, -}
    // write 0x10 (line 1): L1 miss, L2 miss (mem read 2), L1 dirty   L1 {0, 1*}  L2 {0, 1}
    // read  0x20 (line 2): L1 miss; fetch first: L2 miss (mem read 3) evicts line 0, which is removed
    //       from L1 (back-invalidation 1, clean). L1 then has an invalid way 0: no L1 eviction.
    //                                                                L1 {2, 1*}  L2 {2, 1}
    // read  0x30 (line 3): L1 miss; fetch: L2 miss (mem read 4) evicts line 1; L1's copy is dirty ->
    //       removed (back-invalidation 2), L2's victim becomes dirty: L2 write-back (mem write 1).
    //       L1 places line 3 in the freed way 1: again no L1 eviction.
    //                                                                L1 {2, 3}   L2 {2, 3}
    auto l2 = cache("L2", 32, 16, 1);
    l2.inclusion = cs::Inclusion::Inclusive;
    ReferenceModel m(sim({cache("L1", 32, 16, 2), l2}));
    read(m, 0x00);
    write(m, 0x10);
    read(m, 0x20);
    CHECK_FALSE(m.contains(0, 0x00));
    CHECK(m.stats(1).backInvalidations == 1);
    read(m, 0x30);
    const auto& s1 = m.stats(0);
    CHECK(s1.misses() == 4);
    CHECK(s1.evictions == 0);
    CHECK(s1.writebacks == 0);
    const auto& s2 = m.stats(1);
    CHECK(s2.reads() == 4);
    CHECK(s2.readMisses() == 4);
    CHECK(s2.writes() == 0);
    CHECK(s2.evictions == 2);
    CHECK(s2.backInvalidations == 2);
    CHECK(s2.writebacks == 1);
    CHECK(m.memory().reads == 4);
    CHECK(m.memory().writes == 1);
    CHECK(m.contains(0, 0x20));
    CHECK(m.contains(0, 0x30));
    CHECK_FALSE(m.contains(0, 0x10));
}

TEST_CASE("reference model: exclusive L2 hands lines up and is filled by victims") {
    // L1: one 16 B line. L2 exclusive: 32 B fully associative (2 ways) LRU. A..D = lines 0..3.
    //  1 read  A: L1 miss -> L2 read miss, forwarded (mem read 1)          L1 A      L2 -,-
    //  2 write B: L1 miss -> L2 read miss, forwarded (mem read 2); L1 B*; clean victim A goes to L2
    //             as a write (not a write-back): miss, no fetch            L1 B*     L2 A,-
    //  3 read  A: L1 miss -> L2 read HIT: A handed up (removed from L2); L1 evicts B* (write-back 1)
    //             -> L2 write miss, placed in the lowest invalid way       L1 A      L2 B*,-
    //  4 read  B: L1 miss -> L2 hit, B handed up DIRTY -> L1 B*; victim A -> L2 write miss
    //                                                                      L1 B*     L2 A,-
    //  5 read  C: L1 miss -> L2 miss (mem read 3); L1 victim B* (write-back 2) -> L2 write miss
    //                                                                      L1 C      L2 A,B*
    //  6 read  D: L1 miss -> L2 miss (mem read 4); L1 victim C -> L2 write miss, L2 full: evicts its
    //             LRU line A (clean: nothing sent to memory)                L1 D      L2 C,B*
    //  7 read  B: L1 miss -> L2 hit, handed up dirty; L1 victim D -> L2 write miss into freed way 1
    //                                                                      L1 B*     L2 C,D
    auto l2 = cache("L2", 32, 16, 2);
    l2.fullyAssociative = true;
    l2.inclusion = cs::Inclusion::Exclusive;
    ReferenceModel m(sim({cache("L1", 16, 16, 1), l2}));
    read(m, 0x00);
    write(m, 0x10);
    read(m, 0x00);
    CHECK_FALSE(m.contains(1, 0x00));
    CHECK(m.isDirty(1, 0x10));
    read(m, 0x10);
    CHECK(m.isDirty(0, 0x10));  // came back dirty from the exclusive L2
    read(m, 0x20);
    read(m, 0x30);
    read(m, 0x10);
    const auto& s1 = m.stats(0);
    CHECK(s1.reads() == 6);
    CHECK(s1.writes() == 1);
    CHECK(s1.misses() == 7);
    CHECK(s1.evictions == 6);
    CHECK(s1.writebacks == 2);
    const auto& s2 = m.stats(1);
    CHECK(s2.reads() == 7);
    CHECK(s2.readMisses() == 4);
    CHECK(s2.writes() == 6);
    CHECK(s2.writeMisses() == 6);
    CHECK(s2.evictions == 1);
    CHECK(s2.writebacks == 0);
    CHECK(m.memory().reads == 4);
    CHECK(m.memory().writes == 0);
    CHECK(m.isDirty(0, 0x10));
    CHECK(m.contains(1, 0x20));
    CHECK(m.contains(1, 0x30));
    CHECK_FALSE(m.contains(1, 0x10));
}

TEST_CASE("reference model: a line-crossing access counts once per line") {
    // 64 B direct-mapped, 16 B lines.
    // read  0x0E size 4: bytes 0x0E..0x11 -> lines 0 and 1: 2 accesses, 2 misses (mem reads 2)
    // read  0x0C size 4: line 0 only: hit
    // write 0x1F size 2: bytes 0x1F..0x20 -> line 1 (hit, dirty) and line 2 (miss, fetch: mem read 3)
    ReferenceModel m(sim({cache("L1", 64, 16, 1)}));
    read(m, 0x0E, 4);
    read(m, 0x0C, 4);
    write(m, 0x1F, 2);
    const auto& s = m.stats(0);
    CHECK(s.reads() == 3);
    CHECK(s.readMisses() == 2);
    CHECK(s.writes() == 2);
    CHECK(s.writeMisses() == 1);
    CHECK(m.memory().reads == 3);
    CHECK(m.isDirty(0, 0x10));
    CHECK(m.isDirty(0, 0x20));
    CHECK_FALSE(m.isDirty(0, 0x00));
}

TEST_CASE("reference model: a whole-line write miss allocates without fetching") {
    // 32 B lines. write 0x20 size 32: whole line 1, no fetch. write 0x41 size 32: lines 2 (31 bytes at
    // offset 1) and 3 (1 byte): both partial, both fetched.
    ReferenceModel m(sim({cache("L1", 256, 32, 2)}));
    write(m, 0x20, 32);
    CHECK(m.memory().reads == 0);
    write(m, 0x41, 32);
    CHECK(m.stats(0).writeMisses() == 3);
    CHECK(m.memory().reads == 2);
}

TEST_CASE("reference model: split L1I/L1D share an L2") {
    // L1I, L1D: 32 B direct-mapped each; L2: 64 B direct-mapped (4 sets); 16 B lines.
    // fetch 0x00: L1I miss -> L2 FETCH miss (mem read 1)
    // read  0x00: L1D miss -> L2 read hit
    // write 0x04: L1D hit, dirty
    // fetch 0x04: L1I hit
    // read  0x20: L1D miss (set 0) -> L2 read of line 2 miss (mem read 2); L1D evicts dirty line 0:
    //             L2 write hit
    auto i = cache("L1I", 32, 16, 1);
    i.holds = cs::Holds::Instructions;
    auto d = cache("L1D", 32, 16, 1);
    d.holds = cs::Holds::Data;
    ReferenceModel m(sim({i, d, cache("L2", 64, 16, 1)}));
    fetch(m, 0x00);
    read(m, 0x00);
    write(m, 0x04);
    fetch(m, 0x04);
    read(m, 0x20);
    CHECK(m.stats(0).fetches() == 2);
    CHECK(m.stats(0).reads() == 2);  // fetches are reads
    CHECK(m.stats(0).fetchMisses() == 1);
    CHECK(m.stats(0).writes() == 0);
    CHECK(m.stats(1).reads() == 2);
    CHECK(m.stats(1).writes() == 1);
    CHECK(m.stats(1).misses() == 2);
    CHECK(m.stats(1).writebacks == 1);
    const auto& l2 = m.stats(2);
    CHECK(l2.fetches() == 1);
    CHECK(l2.fetchMisses() == 1);
    CHECK(l2.reads() == 3);
    CHECK(l2.readMisses() == 2);
    CHECK(l2.writes() == 1);
    CHECK(l2.writeMisses() == 0);
    CHECK(m.memory().reads == 2);
    CHECK(m.memory().writes == 0);
    CHECK(m.isDirty(2, 0x00));
}

TEST_CASE("reference model: a side without a cache goes straight to memory") {
    // Only a data cache: fetches reach memory as reads, one per reference (memory has no lines;
    // this model reads the doc as "a request counts once at memory").
    auto d = cache("L1D", 32, 16, 1);
    d.holds = cs::Holds::Data;
    ReferenceModel m(sim({d}));
    fetch(m, 0x0E, 4);
    fetch(m, 0x00);
    CHECK(m.memory().reads == 2);
    CHECK(m.stats(0).accesses() == 0);
}

TEST_CASE("reference model: tree-PLRU, 4 ways and 3 ways (padding)") {
    SUBCASE("4 ways: can evict a way that is not the LRU one") {
        // Fill A B C D (ways 0..3), hit A. Bits: root -> right (last touch A is left), right node -> way 2
        // (last touch D, way 3). Miss E evicts C (way 2) although B is the least recently used.
        // Then hit E (way 2): root -> left, left node -> way 1 (last touch A, way 0). Miss F evicts B.
        ReferenceModel m(sim({cache("L1", 64, 16, 4, "plru")}));
        for (std::uint64_t a : {0x00, 0x10, 0x20, 0x30, 0x00, 0x40}) read(m, a);
        CHECK_FALSE(m.contains(0, 0x20));
        CHECK(m.contains(0, 0x10));
        read(m, 0x40);
        read(m, 0x50);
        CHECK_FALSE(m.contains(0, 0x10));
        CHECK(m.contains(0, 0x00));
        CHECK(m.stats(0).misses() == 6);
    }
    SUBCASE("3 ways: the padding leaf is never chosen") {
        // Leaves 0,1,2 and padding 3. Fill A B C: the touch of C (way 2) points its node at leaf 3
        // (padding) and the root left. Miss D: root left, left node -> way 0 (last touch B, way 1):
        // evicts A. Hit B: root -> right. Miss E: root right, the node points at padding leaf 3, so
        // leaf 2 is taken: evicts C.
        auto c = cache("L1", 48, 16, 3, "plru");
        c.fullyAssociative = true;
        ReferenceModel m(sim({c}));
        for (std::uint64_t a : {0x00, 0x10, 0x20, 0x30}) read(m, a);
        CHECK_FALSE(m.contains(0, 0x00));
        read(m, 0x10);
        read(m, 0x40);
        CHECK_FALSE(m.contains(0, 0x20));
        CHECK(m.contains(0, 0x10));
        CHECK(m.contains(0, 0x30));
        CHECK(m.contains(0, 0x40));
    }
}

TEST_CASE("reference model: SRRIP keeps a re-referenced line that LRU evicts") {
    // 2 ways, one set. Trace A A B C D A.
    // SRRIP: A fill (2), A hit (0), B fill (2). C: victim B (highest RRPV), age +1 (A 1, B 3), C = 2.
    //        D: victim C, age +1 (A 2, C 3), D = 2. A hits. -> 4 misses.
    // LRU:   C evicts A, D evicts B, A misses again -> 5 misses.
    for (const auto& [policy, misses] : {std::pair{"srrip", 4}, std::pair{"lru", 5}}) {
        CAPTURE(policy);
        ReferenceModel m(sim({cache("L1", 32, 16, 2, policy)}));
        for (std::uint64_t a : {0x00, 0x00, 0x10, 0x20, 0x30, 0x00}) read(m, a);
        CHECK(m.stats(0).misses() == static_cast<std::uint64_t>(misses));
    }
}

TEST_CASE("reference model: NRU and LFU hand-worked victims") {
    SUBCASE("nru") {
        // 3 ways: fill A B C. Touch C sets the last 0 bit -> all others cleared: bits 0 0 1.
        // Miss D: lowest 0 bit is way 0 -> evicts A; bits 1 0 1. Miss E: way 1 (B) -> bits 1 1 1 ->
        // clear others: 0 1 0. Miss F: way 0 (D).
        auto c = cache("L1", 48, 16, 3, "nru");
        c.fullyAssociative = true;
        ReferenceModel m(sim({c}));
        for (std::uint64_t a : {0x00, 0x10, 0x20, 0x30, 0x40, 0x50}) read(m, a);
        CHECK_FALSE(m.contains(0, 0x00));
        CHECK_FALSE(m.contains(0, 0x10));
        CHECK_FALSE(m.contains(0, 0x30));
        CHECK(m.contains(0, 0x20));
        CHECK(m.contains(0, 0x40));
        CHECK(m.contains(0, 0x50));
    }
    SUBCASE("lfu") {
        // 2 ways: A (count 1), A A (3), B (1). C: lowest count B -> evicted, C = 1. D: C (1) < A (3):
        // evicts C. A still hits.
        ReferenceModel m(sim({cache("L1", 32, 16, 2, "lfu")}));
        for (std::uint64_t a : {0x00, 0x00, 0x00, 0x10, 0x20, 0x30, 0x00}) read(m, a);
        CHECK(m.stats(0).misses() == 4);
        CHECK(m.contains(0, 0x30));
        CHECK_FALSE(m.contains(0, 0x20));
    }
}

TEST_CASE("reference model: an invalidated way is reused first and LRU order survives") {
    // Exclusive L2 (2 ways LRU) above memory, L1 one line. After the hand-up of A from L2's way 0,
    // way 0 is empty: the next victim placed goes there (lowest invalid way) without an eviction.
    auto l2 = cache("L2", 32, 16, 2);
    l2.inclusion = cs::Inclusion::Exclusive;
    ReferenceModel m(sim({cache("L1", 16, 16, 1), l2}));
    read(m, 0x00);  // L1 A
    read(m, 0x10);  // L1 B, L2 {A, -}
    read(m, 0x20);  // L1 C, L2 {A, B}
    read(m, 0x00);  // L2 hands up A -> {-, B}; L1 victim C -> {C, B}
    CHECK(m.stats(1).evictions == 0);
    read(m, 0x30);  // L2 miss; L1 victim A -> L2 full: LRU is B (filled before C) -> {C, A}
    CHECK(m.stats(1).evictions == 1);
    CHECK_FALSE(m.contains(1, 0x10));
    CHECK(m.contains(1, 0x20));
    CHECK(m.contains(1, 0x00));
}

TEST_CASE("reference model: unknown or randomized policies are rejected") {
    CHECK_THROWS_AS(ReferenceModel(sim({cache("L1", 32, 16, 2, "random")})), std::invalid_argument);
    CHECK(cs::reference::isModelledPolicy("srrip"));
    CHECK_FALSE(cs::reference::isModelledPolicy("drrip"));
}
