// Wide sets (more than Cache::kWideWays ways): the cache finds lines through a tag index and the
// lowest invalid way through a BitTree instead of scanning. Checked here against deliberately naive
// code written in the test: a std::set for the BitTree, and for the cache a plain vector of tags
// scanned on every lookup with a second, separately built policy of the same kind asked for the
// victim; for every registered policy (the differential tests cover the policies the reference
// model implements through whole hierarchies, Family::Wide).

#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <set>
#include <vector>

#include "cachescope/cache/cache.hpp"
#include "cachescope/core/bit_tree.hpp"
#include "cachescope/policy/registry.hpp"

using namespace cachescope;

TEST_CASE("bit tree: worked example from the header") {
    BitTree t(130);
    for (std::size_t i : {3u, 70u, 129u}) t.insert(i);
    CHECK(t.next(0) == 3);
    CHECK(t.next(3) == 3);
    CHECK(t.next(4) == 70);
    CHECK(t.next(71) == 129);
    CHECK(t.next(130) == BitTree::npos);
    t.erase(70);
    CHECK(t.next(4) == 129);
    t.erase(129);
    CHECK(t.next(4) == BitTree::npos);
    CHECK(t.next(0) == 3);
}

TEST_CASE("bit tree: equals a std::set on random operations") {
    for (std::size_t n : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{4096},
                          std::size_t{4097}, std::size_t{300'000}}) {
        CAPTURE(n);
        std::mt19937_64 rng(n);
        const bool full = n % 2 == 1;
        BitTree t(n, full);
        std::set<std::size_t> naive;
        if (full)
            for (std::size_t i = 0; i < n; ++i) naive.insert(i);
        for (int step = 0; step < 20000; ++step) {
            const std::size_t i = rng() % n;
            switch (rng() % 3) {
                case 0:
                    t.insert(i);
                    naive.insert(i);
                    break;
                case 1:
                    t.erase(i);
                    naive.erase(i);
                    break;
                default: {
                    const auto it = naive.lower_bound(i);
                    const std::size_t expected = it == naive.end() ? BitTree::npos : *it;
                    REQUIRE(t.next(i) == expected);
                    REQUIRE(t.contains(i) == (naive.count(i) == 1));
                }
            }
        }
    }
}

namespace {

/// A cache of `lines` lines in `sets` sets, as the naive model sees it.
struct NaiveCache {
    std::uint32_t sets, ways;
    std::vector<std::uint64_t> tags;  // Cache::kInvalidLine = empty
    std::unique_ptr<ReplacementPolicy> policy;
    NaiveCache(std::uint32_t s, std::uint32_t w, std::unique_ptr<ReplacementPolicy> p)
        : sets(s), ways(w), tags(std::size_t{s} * w, Cache::kInvalidLine), policy(std::move(p)) {}
    std::uint32_t find(std::uint64_t line) const {
        const std::uint32_t set = static_cast<std::uint32_t>(line % sets);
        for (std::uint32_t w = 0; w < ways; ++w)
            if (tags[std::size_t{set} * ways + w] == line) return w;
        return Cache::kNoWay;
    }
};

void runWide(const std::string& policyName, std::uint32_t sets, std::uint32_t ways) {
    CAPTURE(policyName);
    CAPTURE(sets);
    CAPTURE(ways);
    CacheConfig cfg;
    cfg.name = "W";
    cfg.lineSize = 64;
    cfg.size = std::uint64_t{sets} * ways * cfg.lineSize;
    cfg.fullyAssociative = sets == 1;
    cfg.associativity = ways;
    cfg.replacement = policyName;
    const std::uint64_t seed = 77;
    Cache cache(cfg, seed);
    REQUIRE(cache.wide());
    REQUIRE(cache.sets() == sets);
    NaiveCache naive(sets, ways, makePolicy(policyName, PolicyParams{sets, ways, seed}));

    // The arrivals (every hit and fill) are the line sequence below, so OPT can be given its future.
    std::mt19937_64 rng(ways * 31 + sets);
    const std::uint64_t range = std::uint64_t{sets} * ways * 2;
    std::vector<std::uint64_t> lines(6000);
    for (std::uint64_t& l : lines) l = rng() % 4 == 0 ? rng() % 8 : rng() % range;  // a few hot lines
    if (cache.opt() != nullptr) {
        std::vector<std::uint64_t> future = lines;
        OptPolicy::nextUses(future);
        auto shared = std::make_shared<const std::vector<std::uint64_t>>(future);
        cache.opt()->setFuture(shared, 0);
        dynamic_cast<OptPolicy&>(*naive.policy).setFuture(shared, 0);
    }
    auto* naiveOpt = dynamic_cast<OptPolicy*>(naive.policy.get());
    std::uint64_t evictions = 0, hits = 0, invalidations = 0;
    for (const std::uint64_t line : lines) {
        const auto set = static_cast<std::uint32_t>(line % sets);
        const std::uint32_t expected = naive.find(line);
        REQUIRE(cache.find(line) == expected);
        if (naiveOpt != nullptr) naiveOpt->arrive(line);
        if (expected != Cache::kNoWay) {
            ++hits;
            cache.touch(set, expected);
            naive.policy->onHit(set, expected);
        } else {
            std::uint32_t way = Cache::kNoWay;
            for (std::uint32_t w = 0; w < ways && way == Cache::kNoWay; ++w)
                if (naive.tags[std::size_t{set} * ways + w] == Cache::kInvalidLine) way = w;
            const bool evicts = way == Cache::kNoWay;
            if (evicts) way = naive.policy->victim(set);
            const std::uint64_t victimLine = naive.tags[std::size_t{set} * ways + way];
            const Cache::Placement p = cache.fill(line, false);
            REQUIRE(p.way == way);
            REQUIRE(p.evicted == evicts);
            if (evicts) {
                ++evictions;
                REQUIRE(p.victimLine == victimLine);
            }
            naive.tags[std::size_t{set} * ways + way] = line;
            naive.policy->onFill(set, way);
        }
        if (rng() % 8 == 0) {  // invalidate another line, if present (back-invalidation, hand-up)
            const std::uint64_t other = rng() % range;
            const std::uint32_t w = naive.find(other);
            REQUIRE(cache.find(other) == w);
            if (w != Cache::kNoWay) {
                ++invalidations;
                const auto s = static_cast<std::uint32_t>(other % sets);
                cache.invalidate(s, w);
                naive.tags[std::size_t{s} * ways + w] = Cache::kInvalidLine;
                naive.policy->onInvalidate(s, w);
            }
        }
    }
    // The run exercised every path, and both end in the same state.
    CHECK(hits > 100);
    CHECK(evictions > 100);
    CHECK(invalidations > 100);
    CHECK(cache.policy().sameState(*naive.policy));
    std::uint64_t valid = 0;
    for (const std::uint64_t t : naive.tags) valid += t != Cache::kInvalidLine ? 1 : 0;
    CHECK(cache.validLines() == valid);
    // A copy (snapshot) carries the index along.
    const Cache copy = cache;
    CHECK(copy.sameState(cache));
    for (std::uint64_t l = 0; l < range; l += 7) CHECK(copy.find(l) == naive.find(l));
}

}  // namespace

TEST_CASE("wide cache: equals a naive scanning cache for every policy") {
    for (const PolicyInfo& info : policies()) {
        runWide(std::string(info.name), 1, 300);  // fully associative
        runWide(std::string(info.name), 4, 40);   // 4 sets of 40 ways
    }
}
