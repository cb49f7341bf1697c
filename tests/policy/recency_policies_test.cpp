// Hand-worked sequences for the rank-based policies: lru, fifo, mru (docs/policies.md: rank 0 = most
// recent / newest, initially way w has rank w). Diagrams list the set's lines by way (way 0 first),
// lower case = the expected next victim.

#include <doctest/doctest.h>

#include "cachescope/policy/fifo.hpp"
#include "cachescope/policy/lru.hpp"
#include "cachescope/policy/mru.hpp"
#include "cachescope/policy/recency_ranks.hpp"

using namespace cachescope;

namespace {
const PolicyParams k4Ways{.sets = 2, .ways = 4, .seed = 1};
}

TEST_CASE("policy recency ranks: make most / least recent") {
    RecencyRanks r(1, 4);
    // initial: way w has rank w → order by rank: 0 1 2 3
    CHECK(r.describe(0, "x") == "x ways: 0 1 2 3");
    r.makeMostRecent(0, 2);  // 2 0 1 3
    CHECK(r.rank(0, 2) == 0);
    CHECK(r.rank(0, 0) == 1);
    CHECK(r.rank(0, 1) == 2);
    CHECK(r.rank(0, 3) == 3);
    r.makeLeastRecent(0, 0);  // 2 1 3 0
    CHECK(r.describe(0, "x") == "x ways: 2 1 3 0");
    CHECK(r.wayOfRank(0, 0) == 2);
    CHECK(r.wayOfRank(0, 3) == 0);
}

TEST_CASE("policy lru: hand-worked sequence") {
    LruPolicy p(k4Ways);
    // Empty set: ranks 0 1 2 3, so the initial victim is way 3.
    CHECK(p.victim(0) == 3);
    for (std::uint32_t w = 0; w < 4; ++w) p.onFill(0, w);
    // a B C D          (A filled first: least recent)
    CHECK(p.victim(0) == 0);
    CHECK(p.describeSet(0) == "MRU→LRU ways: 3 2 1 0");
    p.onHit(0, 1);
    // a B C D          order B D C A
    CHECK(p.victim(0) == 0);
    p.onFill(0, 0);  // E replaces A
    // E B c D          order E B D C
    CHECK(p.victim(0) == 2);
    p.onHit(0, 2);
    // E B C d          order C E B D
    CHECK(p.victim(0) == 3);
    p.onInvalidate(0, 1);
    // E b C D          B drops to least recent: order C E D B
    CHECK(p.victim(0) == 1);
    CHECK(p.describeSet(0) == "MRU→LRU ways: 2 0 3 1");
    // The other set was never touched.
    CHECK(p.victim(1) == 3);
}

TEST_CASE("policy fifo: hand-worked sequence") {
    FifoPolicy p(k4Ways);
    for (std::uint32_t w = 0; w < 4; ++w) p.onFill(0, w);
    // a B C D          newest→oldest D C B A
    CHECK(p.victim(0) == 0);
    p.onHit(0, 1);
    p.onHit(0, 0);
    // a B C D          hits change nothing, even on the victim
    CHECK(p.victim(0) == 0);
    p.onFill(0, 0);  // E replaces A
    // E b C D          newest→oldest E D C B
    CHECK(p.victim(0) == 1);
    p.onHit(0, 1);
    CHECK(p.victim(0) == 1);
    p.onFill(0, 1);  // F replaces B (LRU would pick D here: B was just hit)
    // E F c D          newest→oldest F E D C
    CHECK(p.victim(0) == 2);
    p.onInvalidate(0, 3);
    // E F C d          D becomes oldest: F E C D
    CHECK(p.victim(0) == 3);
    p.onFill(0, 3);
    // E F c D          D newest: D F E C
    CHECK(p.victim(0) == 2);
    CHECK(p.describeSet(0) == "newest→oldest ways: 3 1 0 2");
}

TEST_CASE("policy mru: hand-worked sequence") {
    MruPolicy p(k4Ways);
    // Empty set: way 0 has rank 0 (most recent).
    CHECK(p.victim(0) == 0);
    for (std::uint32_t w = 0; w < 4; ++w) p.onFill(0, w);
    // A B C d          MRU→LRU D C B A
    CHECK(p.victim(0) == 3);
    p.onHit(0, 1);
    // A b C D          B D C A
    CHECK(p.victim(0) == 1);
    p.onFill(0, 1);  // E replaces B
    // A e C D          E D C A
    CHECK(p.victim(0) == 1);
    p.onHit(0, 2);
    // A E c D          C E D A
    CHECK(p.victim(0) == 2);
    p.onInvalidate(0, 2);
    // A e C D          C drops to least recent: E D A C; it is NOT the next victim
    CHECK(p.victim(0) == 1);
    CHECK(p.describeSet(0) == "MRU→LRU ways: 1 3 0 2");
}

TEST_CASE("policy mru: beats lru on a cyclic sweep one line larger than the set") {
    // 5 lines A..E swept cyclically (50 accesses) through one 4-way set, with a tiny cache loop over
    // tags. LRU always evicts the line needed next: 0 hits.
    auto sweepHits = [](ReplacementPolicy& p) {
        std::uint32_t tags[4] = {99, 99, 99, 99};
        std::uint32_t filled = 0;
        int hits = 0;
        for (int i = 0; i < 50; ++i) {
            const std::uint32_t line = static_cast<std::uint32_t>(i % 5);
            std::uint32_t way = 4;
            for (std::uint32_t w = 0; w < filled; ++w)
                if (tags[w] == line) way = w;
            if (way < 4) {
                ++hits;
                p.onHit(0, way);
                continue;
            }
            way = filled < 4 ? filled++ : p.victim(0);
            tags[way] = line;
            p.onFill(0, way);
        }
        return hits;
    };
    LruPolicy lru(PolicyParams{.sets = 1, .ways = 4, .seed = 1});
    MruPolicy mru(PolicyParams{.sets = 1, .ways = 4, .seed = 1});
    CHECK(sweepHits(lru) == 0);
    // MRU by hand: i=0..3 fill A B C D (4 compulsory misses). From then on each miss evicts the line
    // just used, and the next miss comes exactly 4 accesses later:
    //   i=4  E evicts D (MRU)      A B C e      i=5..7 hit A B C
    //   i=8  D evicts C            A B D E      i=9..11 hit E A B
    //   i=12 C evicts B, i=16 B evicts A, i=20 A evicts E, ...
    // Misses at i = 0,1,2,3 and 4,8,...,48 (12 of them): 16 misses, 34 hits out of 50.
    CHECK(sweepHits(mru) == 34);
}
