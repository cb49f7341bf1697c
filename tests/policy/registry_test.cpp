// The policy table: names, order, lookups and the error for an unknown name.

#include <doctest/doctest.h>

#include <string>

#include "cachescope/core/error.hpp"
#include "cachescope/policy/registry.hpp"

using namespace cachescope;

TEST_CASE("policy registry: names and order") {
    CHECK(policyNames() == "lru, fifo, random, plru, nru, lfu, mru, srrip, brrip, drrip, opt");
    REQUIRE(policies().size() == 11);
    for (const PolicyInfo& info : policies()) {
        CAPTURE(info.name);
        CHECK(findPolicy(info.name) == &info);
        CHECK_FALSE(info.description.empty());
        const bool randomized = info.name == "random" || info.name == "brrip" || info.name == "drrip";
        CHECK(info.deterministic == !randomized);
        auto p = makePolicy(info.name, PolicyParams{.sets = 4, .ways = 4, .seed = 3});
        REQUIRE(p != nullptr);
        CHECK(p->victim(0) < 4);
        CHECK_FALSE(p->describeSet(0).empty());
        // lfu counts hits; opt stores each arrival's next use on the way hit.
        const bool idempotent = info.name != "lfu" && info.name != "opt";
        CHECK(p->rehitIsIdempotent() == idempotent);
    }
    CHECK(findPolicy("LRU") == nullptr);  // names are case-sensitive
    CHECK(findPolicy("") == nullptr);
}

TEST_CASE("policy registry: unknown name throws ConfigError listing the valid names") {
    CHECK_THROWS_AS(makePolicy("belady", PolicyParams{}), ConfigError);
    try {
        makePolicy("belady", PolicyParams{});
        FAIL("no exception");
    } catch (const ConfigError& e) {
        const std::string msg = e.what();
        CHECK(msg.find("\"belady\"") != std::string::npos);
        CHECK(msg.find("lru, fifo, random, plru, nru, lfu, mru, srrip, brrip, drrip, opt") != std::string::npos);
    }
}

TEST_CASE("policy registry: sameState tells policy types apart") {
    const PolicyParams params{.sets = 2, .ways = 4, .seed = 1};
    for (const PolicyInfo& a : policies())
        for (const PolicyInfo& b : policies()) {
            auto pa = a.make(params);
            auto pb = b.make(params);
            CAPTURE(a.name);
            CAPTURE(b.name);
            CHECK(pa->sameState(*pb) == (a.name == b.name));
        }
}
