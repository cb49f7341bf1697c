// Cache::inspectSet: every way's line, tag, dirty bit and policy state, and the next victim, as
// values. A hand-worked small cache, then a property over every registered policy: inspecting
// never changes the state, and nextVictim is the way the next allocating miss really fills.

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "cachescope/cache/cache.hpp"
#include "cachescope/policy/registry.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;

TEST_CASE("cache inspection: a hand-worked 2-way LRU set") {
    // 64 B of 16 B lines, 2-way: 2 sets; line L is in set L mod 2 and has tag L >> 1.
    Cache c(testutil::cacheCfg("L1", 64, 16, 2), 1);
    SetView v = c.inspectSet(0);
    CHECK(v.set == 0);
    REQUIRE(v.ways.size() == 2);
    CHECK_FALSE(v.ways[0].valid);
    CHECK_FALSE(v.ways[1].valid);
    CHECK(v.nextVictim == 0);  // the lowest invalid way
    CHECK_FALSE(v.nextMissEvicts);

    c.fill(0, false);  // line 0 = bytes 0x00-0x0f -> set 0, way 0
    c.fill(6, true);   // line 6 = bytes 0x60-0x6f -> set 0, way 1, dirty
    v = c.inspectSet(0);
    // way 0: line 0, tag 0, address 0x00, LRU rank 1 | way 1: line 6, tag 3, address 0x60, rank 0
    CHECK(v.ways[0] == WayInspection{true, false, 0, 0, 0x00, {.kind = PolicyKind::Lru, .recencyRank = 1}});
    CHECK(v.ways[1] == WayInspection{true, true, 6, 3, 0x60, {.kind = PolicyKind::Lru, .recencyRank = 0}});
    CHECK(v.nextVictim == 0);  // full: the LRU way
    CHECK(v.nextMissEvicts);
    CHECK((v.policy.kind == PolicyKind::Lru));  // (()): doctest would print the enum with toString
    CHECK(v.policy.victim == 0);

    c.touch(0, 0);  // hit line 0: line 6 becomes the LRU line
    v = c.inspectSet(0);
    CHECK(v.nextVictim == 1);
    CHECK(v.ways[1].policy.recencyRank == std::optional<std::uint32_t>(1));
    // Set 1 is still empty.
    CHECK(c.inspectSet(1).nextVictim == 0);
    CHECK_FALSE(c.inspectSet(1).nextMissEvicts);

    c.invalidate(0, 0);  // way 0 empties: the next miss fills it, whatever LRU says
    v = c.inspectSet(0);
    CHECK_FALSE(v.ways[0].valid);
    CHECK(v.ways[0].line == 0);
    CHECK(v.nextVictim == 0);
    CHECK_FALSE(v.nextMissEvicts);
}

TEST_CASE("cache inspection: nextVictim is what the cache evicts, and inspecting changes nothing") {
    // 1 KiB of 16 B lines, 4-way (16 sets) and fully associative (1 set of 64), every policy;
    // random lines from a small pool so sets fill, hit and evict; now and then an invalidation.
    for (const PolicyInfo& info : policies())
        for (const std::uint32_t ways : {4u, 64u}) {
            CAPTURE(std::string(info.name));
            CAPTURE(ways);
            Cache c(testutil::cacheCfg("L1", 1024, 16, ways, std::string(info.name)), 5);
            std::mt19937_64 rng(42);
            std::uint64_t evictions = 0;
            for (int i = 0; i < 3000; ++i) {
                const std::uint64_t line = rng() % 160;
                const std::uint32_t set = c.layout().setOfLine(line);
                const Cache before(c);
                const SetView view = c.inspectSet(set);
                REQUIRE(c.sameState(before));  // inspecting changed nothing
                REQUIRE(view.ways.size() == ways);
                REQUIRE(view.policy.victim == c.policy().victim(set));
                const std::uint32_t way = c.find(line);
                if (way != Cache::kNoWay) {
                    REQUIRE(view.ways[way].valid);
                    REQUIRE(view.ways[way].line == line);
                    REQUIRE(view.ways[way].tag == c.layout().tagOfLine(line));
                    REQUIRE(view.ways[way].lineAddress == line * 16);
                    if (rng() % 10 == 0)
                        c.invalidate(set, way);
                    else
                        c.touch(set, way);
                    continue;
                }
                const bool dirty = rng() % 3 == 0;
                const Cache::Placement p = c.fill(line, dirty);
                REQUIRE(p.way == view.nextVictim);
                REQUIRE(p.evicted == view.nextMissEvicts);
                if (p.evicted) {
                    ++evictions;
                    REQUIRE(p.victimLine == view.ways[p.way].line);
                    REQUIRE(p.victimDirty == view.ways[p.way].dirty);
                }
                const SetView after = c.inspectSet(set);
                REQUIRE(after.ways[p.way].valid);
                REQUIRE(after.ways[p.way].line == line);
                REQUIRE(after.ways[p.way].dirty == dirty);
                REQUIRE((after.ways[p.way].policy.kind == c.policy().kind()));
            }
            CHECK(evictions > 100);  // the property was exercised on full sets
        }
}
