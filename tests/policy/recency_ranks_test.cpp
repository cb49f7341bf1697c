// RecencyRanks keeps the rank permutation in one of two encodings (packed nibbles up to 16 ways,
// stamps beyond). Both are checked against a plain vector of ranks updated exactly as
// docs/policies.md words it.

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "cachescope/policy/recency_ranks.hpp"

using namespace cachescope;

namespace {
struct NaiveRanks {
    std::vector<std::uint32_t> rank;  // per way
    explicit NaiveRanks(std::uint32_t ways) : rank(ways) {
        for (std::uint32_t w = 0; w < ways; ++w) rank[w] = w;
    }
    void mostRecent(std::uint32_t way) {
        for (auto& r : rank) r += r < rank[way] ? 1 : 0;
        rank[way] = 0;
    }
    void leastRecent(std::uint32_t way) {
        const std::uint32_t old = rank[way];
        for (auto& r : rank) r -= r > old ? 1 : 0;
        rank[way] = static_cast<std::uint32_t>(rank.size() - 1);
    }
};
}  // namespace

TEST_CASE("recency ranks: worked example from the header") {
    RecencyRanks r(1, 4);
    r.makeMostRecent(0, 2);
    CHECK(r.wayOfRank(0, 0) == 2);
    CHECK(r.wayOfRank(0, 1) == 0);
    CHECK(r.wayOfRank(0, 2) == 1);
    CHECK(r.wayOfRank(0, 3) == 3);
    r.makeLeastRecent(0, 0);  // 2 1 3 0
    CHECK(r.describe(0, "x") == "x ways: 2 1 3 0");
    CHECK(r.leastRecent(0) == 0);
    CHECK(r.mostRecent(0) == 2);
}

TEST_CASE("recency ranks: both encodings equal a naive rank vector on random operations") {
    for (std::uint32_t ways : {1u, 2u, 3u, 7u, 8u, 12u, 15u, 16u, 17u, 24u, 64u}) {
        CAPTURE(ways);
        std::mt19937_64 rng(ways);
        const std::uint32_t sets = 3;
        RecencyRanks fast(sets, ways);
        std::vector<NaiveRanks> naive(sets, NaiveRanks(ways));
        for (int i = 0; i < 4000; ++i) {
            const auto set = static_cast<std::uint32_t>(rng() % sets);
            const auto way = static_cast<std::uint32_t>(rng() % ways);
            if (rng() % 4 == 0) {
                fast.makeLeastRecent(set, way);
                naive[set].leastRecent(way);
            } else {
                fast.makeMostRecent(set, way);
                naive[set].mostRecent(way);
            }
            for (std::uint32_t w = 0; w < ways; ++w) REQUIRE(fast.rank(set, w) == naive[set].rank[w]);
            for (std::uint32_t r = 0; r < ways; ++r) REQUIRE(naive[set].rank[fast.wayOfRank(set, r)] == r);
            REQUIRE(naive[set].rank[fast.leastRecent(set)] == ways - 1);
            REQUIRE(naive[set].rank[fast.mostRecent(set)] == 0);
            if (i % 97 == 0) {  // the narration's line: every way, most recent first
                std::vector<std::uint32_t> byRank(ways);
                for (std::uint32_t w = 0; w < ways; ++w) byRank[naive[set].rank[w]] = w;
                std::string want = "x ways:";
                for (const std::uint32_t w : byRank) want += " " + std::to_string(w);
                REQUIRE(fast.describe(set, "x") == want);
            }
        }
        // Equality compares permutations: a copy driven the same way stays equal, a change shows.
        RecencyRanks copy = fast;
        CHECK(copy == fast);
        if (ways > 1) {
            copy.makeMostRecent(0, copy.leastRecent(0));
            CHECK_FALSE(copy == fast);
        }
    }
}
