// Hand-worked sequences for plru, nru, lfu and random, worked out from docs/policies.md. Diagrams
// list the set's lines by way (way 0 first), lower case = the expected next victim.

#include <doctest/doctest.h>

#include "cachescope/policy/lfu.hpp"
#include "cachescope/policy/nru.hpp"
#include "cachescope/policy/plru.hpp"
#include "cachescope/policy/random.hpp"
#include "cachescope/policy/splitmix64.hpp"

using namespace cachescope;

TEST_CASE("policy plru: hand-worked sequence, 4 ways") {
    // Bits in heap order b0 (root) b1 (ways 0-1) b2 (ways 2-3); 0 = left, 1 = right.
    PlruPolicy p(PolicyParams{.sets = 1, .ways = 4, .seed = 1});
    CHECK(p.describeSet(0) == "tree bits: 0 0 0");
    CHECK(p.victim(0) == 0);
    p.onFill(0, 0);  // b0 → right, b1 → right: 1 1 0
    CHECK(p.describeSet(0) == "tree bits: 1 1 0");
    CHECK(p.victim(0) == 2);
    p.onFill(0, 1);  // 1 0 0
    p.onFill(0, 2);  // b0 → left, b2 → right: 0 0 1
    p.onFill(0, 3);  // 0 0 0
    // a B C D
    CHECK(p.describeSet(0) == "tree bits: 0 0 0");
    CHECK(p.victim(0) == 0);
    p.onHit(0, 1);  // 1 0 0
    // A B c D          LRU would evict A; PLRU evicts C
    CHECK(p.victim(0) == 2);
    p.onFill(0, 2);  // E replaces C: 0 0 1
    // a B E D
    CHECK(p.victim(0) == 0);
    CHECK(p.describeSet(0) == "tree bits: 0 0 1");
    p.onInvalidate(0, 3);  // toward way 3: b0 → 1, b2 → 1: 1 0 1
    // A B E d
    CHECK(p.describeSet(0) == "tree bits: 1 0 1");
    CHECK(p.victim(0) == 3);
}

TEST_CASE("policy plru: hand-worked sequence, 3 ways (one padding leaf)") {
    // P = 4: b0 root, b1 over ways 0-1, b2 over way 2 and the padding leaf 3.
    PlruPolicy p(PolicyParams{.sets = 1, .ways = 3, .seed = 1});
    CHECK(p.victim(0) == 0);
    p.onFill(0, 0);  // 1 1 0
    p.onFill(0, 1);  // 1 0 0
    p.onFill(0, 2);  // b0 → left, b2 → away from way 2 = toward padding: 0 0 1
    // a B C
    CHECK(p.describeSet(0) == "tree bits: 0 0 1");
    CHECK(p.victim(0) == 0);
    p.onHit(0, 0);  // 1 1 1: root goes right, b2 points at padding, so way 2 is taken
    // A B c
    CHECK(p.describeSet(0) == "tree bits: 1 1 1");
    CHECK(p.victim(0) == 2);
    p.onFill(0, 2);  // D replaces C: 0 1 1
    // A b D
    CHECK(p.victim(0) == 1);
    p.onHit(0, 1);  // 1 0 1
    // A B d
    CHECK(p.victim(0) == 2);
}

TEST_CASE("policy plru: hand-worked sequence, 6 ways") {
    // P = 8. Heap nodes: n0 root, n1 (ways 0-3), n2 (ways 4-7), n3 (0-1), n4 (2-3), n5 (4-5),
    // n6 (6-7, all padding: never taken).
    PlruPolicy p(PolicyParams{.sets = 1, .ways = 6, .seed = 1});
    for (std::uint32_t w = 0; w < 6; ++w) p.onFill(0, w);
    // Last fills: way 4 set n0=0 n2=1 n5=1, way 5 set n5=0; ways 0-3 left n1=0 n3=0 n4=0.
    CHECK(p.describeSet(0) == "tree bits: 0 0 1 0 0 0 0");
    // a B C D E F
    CHECK(p.victim(0) == 0);
    p.onHit(0, 0);  // n0=1 n1=1 n3=1 → root right, n2=1 points at the padding n6, so n5 → way 4
    // A B C D e F
    CHECK(p.victim(0) == 4);
    p.onHit(0, 4);  // n0=0 n2=1 n5=1 → root left, n1=1 → n4=0 → way 2
    // A B c D E F
    CHECK(p.victim(0) == 2);
    p.onHit(0, 2);  // n0=1 n1=0 n4=1 → root right → (padding) n5=1 → way 5
    // A B C D E f
    CHECK(p.victim(0) == 5);
    CHECK(p.describeSet(0) == "tree bits: 1 0 1 1 1 1 0");
    p.onInvalidate(0, 3);  // toward way 3: n0=0 n1=1 n4=1
    CHECK(p.victim(0) == 3);
}

TEST_CASE("policy plru: one way has no bits") {
    PlruPolicy p(PolicyParams{.sets = 2, .ways = 1, .seed = 1});
    p.onFill(1, 0);
    CHECK(p.victim(1) == 0);
    CHECK(p.describeSet(1) == "tree bits: (none, 1 way)");
}

TEST_CASE("policy nru: hand-worked sequence") {
    NruPolicy p(PolicyParams{.sets = 1, .ways = 4, .seed = 1});
    CHECK(p.victim(0) == 0);
    p.onFill(0, 0);
    p.onFill(0, 1);
    p.onFill(0, 2);
    CHECK(p.describeSet(0) == "ref bits: 1 1 1 0");
    CHECK(p.victim(0) == 3);
    p.onFill(0, 3);  // all 1 → clear the others
    // a B C D          ref bits 0 0 0 1
    CHECK(p.describeSet(0) == "ref bits: 0 0 0 1");
    CHECK(p.victim(0) == 0);
    p.onHit(0, 1);
    // a B C D          0 1 0 1
    CHECK(p.victim(0) == 0);
    p.onFill(0, 0);  // E replaces A
    // E B c D          1 1 0 1
    CHECK(p.victim(0) == 2);
    p.onHit(0, 2);  // all 1 → 0 0 1 0
    // e B C D
    CHECK(p.describeSet(0) == "ref bits: 0 0 1 0");
    CHECK(p.victim(0) == 0);
    p.onHit(0, 0);  // 1 0 1 0
    // E b C D
    CHECK(p.victim(0) == 1);
    p.onInvalidate(0, 2);  // 1 0 0 0: the lowest clear bit is still way 1
    CHECK(p.victim(0) == 1);
    CHECK(p.describeSet(0) == "ref bits: 1 0 0 0");
}

TEST_CASE("policy nru: one way") {
    NruPolicy p(PolicyParams{.sets = 1, .ways = 1, .seed = 1});
    p.onFill(0, 0);  // bit 1, no clear bit anywhere → victim way 0
    CHECK(p.referenced(0, 0));
    CHECK(p.victim(0) == 0);
}

TEST_CASE("policy lfu: hand-worked sequence") {
    LfuPolicy p(PolicyParams{.sets = 1, .ways = 4, .seed = 1});
    CHECK_FALSE(p.rehitIsIdempotent());
    for (std::uint32_t w = 0; w < 4; ++w) p.onFill(0, w);
    // a B C D          use counts 1 1 1 1 (ties to the lowest way)
    CHECK(p.victim(0) == 0);
    p.onHit(0, 1);
    p.onHit(0, 1);
    p.onHit(0, 2);
    // a B C D          1 3 2 1
    CHECK(p.describeSet(0) == "use counts: 1 3 2 1");
    CHECK(p.victim(0) == 0);
    p.onFill(0, 0);  // E replaces A, count 1
    // e B C D          1 3 2 1: the new line is next in line again
    CHECK(p.victim(0) == 0);
    p.onHit(0, 0);
    p.onHit(0, 0);
    // E B C d          3 3 2 1
    CHECK(p.victim(0) == 3);
    p.onInvalidate(0, 1);
    // E b C D          3 0 2 1
    CHECK(p.describeSet(0) == "use counts: 3 0 2 1");
    CHECK(p.victim(0) == 1);
    p.onFill(0, 1);  // 3 1 2 1: tie between ways 1 and 3 → way 1
    CHECK(p.victim(0) == 1);
    CHECK(p.count(0, 1) == 1);
}

TEST_CASE("policy random: splitmix64 matches the published test vector") {
    SplitMix64 g(1234567);
    CHECK(g.peek() == 6457827717110365317ull);
    CHECK(g.peek() == 6457827717110365317ull);  // peek does not advance
    CHECK(g.next() == 6457827717110365317ull);
    CHECK(g.next() == 3203168211198807973ull);
    CHECK(g.next() == 9817491932198370423ull);
    CHECK(g.next() == 4593380528125082431ull);
    CHECK(g.next() == 16408922859458223821ull);
}

TEST_CASE("policy random: hand-worked sequence") {
    // Seed 1234567: outputs mod 4 = 1 1 3 3 1 2 1 ..., mod 12 = 9 1 3 7 5 6 ... The victim is the
    // output the next fill will consume; all sets share the one generator.
    RandomPolicy p(PolicyParams{.sets = 2, .ways = 4, .seed = 1234567});
    CHECK(p.victim(0) == 1);  // output 1
    p.onFill(0, 0);
    CHECK(p.victim(0) == 1);  // output 2
    p.onFill(0, 1);
    CHECK(p.victim(0) == 3);  // output 3
    p.onFill(1, 0);           // a fill in another set advances the same generator
    CHECK(p.victim(0) == 3);  // output 4
    CHECK(p.victim(1) == 3);  // every set sees the same victim
    p.onFill(0, 2);           // consumes output 4
    p.onFill(0, 3);           // consumes output 5
    // A B c D          output 6 mod 4 = 2
    CHECK(p.victim(0) == 2);
    p.onHit(0, 1);
    p.onInvalidate(0, 2);
    CHECK(p.victim(0) == 2);  // hits and invalidations leave the generator alone
    p.onFill(0, 2);           // E replaces C, consumes output 6
    // A b E D          output 7 mod 4 = 1
    CHECK(p.victim(0) == 1);

    RandomPolicy twelve(PolicyParams{.sets = 1, .ways = 12, .seed = 1234567});
    const std::uint32_t expected[] = {9, 1, 3, 7, 5, 6};
    for (std::uint32_t e : expected) {
        CHECK(twelve.victim(0) == e);
        twelve.onFill(0, twelve.victim(0));
    }
}
