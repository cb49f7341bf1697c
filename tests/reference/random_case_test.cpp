// Tests of the random case generator used by the differential tests: it is deterministic, it only
// makes configs that follow the rules of docs/semantics.md (checked by an independent rule checker,
// itself tested on broken configs), and its traces exercise what they should (all kinds, line
// crossings, hits and misses). Needs only the reference model, not the engine.

#include <doctest/doctest.h>

#include <set>

#include "reference/random_case.hpp"
#include "reference/reference_model.hpp"

namespace cs = cachescope;
using namespace cachescope::reference;

namespace {
const Family kFamilies[] = {Family::SingleLevel, Family::TwoLevelNine, Family::WriteMix, Family::Inclusive,
                            Family::Exclusive,   Family::SplitL1,      Family::ThreeLevels, Family::Plain};
}  // namespace

TEST_CASE("random cases: the same family and seed give the same config and trace") {
    for (Family f : kFamilies) {
        const RandomCase a = makeCase(f, 77);
        const RandomCase b = makeCase(f, 77);
        CHECK(describeConfig(a.config) == describeConfig(b.config));
        CHECK(a.trace == b.trace);
        const RandomCase c = makeCase(f, 78);
        CHECK(a.trace != c.trace);
    }
}

TEST_CASE("random cases: the rule checker rejects broken configs") {
    cs::SimConfig s;
    cs::CacheConfig l1;
    l1.name = "L1";
    l1.size = 256;
    l1.lineSize = 32;
    l1.associativity = 2;
    cs::CacheConfig l2 = l1;
    l2.name = "L2";
    l2.size = 1024;
    s.caches = {l1, l2};
    CHECK(checkRules(s).empty());

    auto broken = s;
    broken.caches[0].inclusion = cs::Inclusion::Exclusive;
    CHECK(checkRules(broken).find("first level exclusive") != std::string::npos);
    broken = s;
    broken.caches[1].inclusion = cs::Inclusion::Exclusive;
    broken.caches[0].writePolicy = cs::WritePolicy::WriteThrough;
    CHECK(checkRules(broken).find("write-back") != std::string::npos);
    broken.caches[0].writePolicy = cs::WritePolicy::WriteBack;
    broken.caches[0].writeAllocate = false;
    CHECK(checkRules(broken).find("write-back") != std::string::npos);
    broken = s;
    broken.caches[1].inclusion = cs::Inclusion::Inclusive;
    broken.caches[1].lineSize = 64;
    CHECK(checkRules(broken).find("line size") != std::string::npos);
    broken = s;
    broken.caches[0].associativity = 3;  // 8 lines, 3 ways
    CHECK(checkRules(broken).find("ways") != std::string::npos);
    broken = s;
    broken.caches[0].size = 6 * 32;  // 6 lines, 2 ways: 3 sets
    CHECK(checkRules(broken).find("power of two") != std::string::npos);
}

TEST_CASE("random cases: every generated config follows the rules and traces cover the space") {
    std::set<std::string> policies;
    std::uint64_t inclusive = 0, exclusive = 0, split = 0, writeThrough = 0, noAllocate = 0, full = 0, threeWay = 0;
    std::uint64_t crossing = 0, fetches = 0, writes = 0, topOfAddressSpace = 0;
    for (Family f : kFamilies) {
        for (std::uint64_t seed = 1; seed <= 40; ++seed) {
            const RandomCase rc = makeCase(f, seed);
            INFO(std::string(familyName(f)), " seed ", seed, "\n", describeConfig(rc.config));
            REQUIRE(checkRules(rc.config).empty());
            REQUIRE(rc.trace.size() >= 200);
            REQUIRE(rc.trace.size() <= 2000);
            for (const auto& c : rc.config.caches) {
                policies.insert(c.replacement);
                inclusive += c.inclusion == cs::Inclusion::Inclusive;
                exclusive += c.inclusion == cs::Inclusion::Exclusive;
                split += c.holds == cs::Holds::Instructions;
                writeThrough += c.writePolicy == cs::WritePolicy::WriteThrough;
                noAllocate += !c.writeAllocate;
                full += c.fullyAssociative;
                threeWay += !c.fullyAssociative && c.associativity == 3;
                CHECK(c.lines() >= 2);
                CHECK(c.lines() <= 64);
            }
            const std::uint64_t line = rc.config.caches.front().lineSize;
            bool sizesOk = true;
            for (const cs::Access& a : rc.trace) {
                sizesOk = sizesOk && a.size >= 1 && a.size <= 2 * line;
                sizesOk = sizesOk && a.address <= ~std::uint64_t{0} - (a.size - 1);  // address + size <= 2^64
                crossing += a.address / line != (a.address + (a.size - 1)) / line;
                fetches += a.kind == cs::AccessKind::Fetch;
                writes += a.kind == cs::AccessKind::Write;
                topOfAddressSpace += a.address >> 63;
            }
            CHECK(sizesOk);
            // The reference model runs on it and sees both hits and misses at the first level.
            ReferenceModel m(rc.config);
            for (const cs::Access& a : rc.trace) m.access(a);
            std::uint64_t hits = 0, misses = 0;
            for (std::size_t c = 0; c < m.cacheCount(); ++c) {
                hits += m.stats(c).hits();
                misses += m.stats(c).misses();
            }
            CHECK(misses > 0);
            if (rc.config.caches.size() > 1 || rc.config.caches[0].holds == cs::Holds::Both) CHECK(hits > 0);
        }
    }
    CHECK(policies.size() == modelledPolicies().size());
    CHECK(inclusive > 20);
    CHECK(exclusive > 20);
    CHECK(split > 20);
    CHECK(writeThrough > 20);
    CHECK(noAllocate > 20);
    CHECK(full > 20);
    CHECK(threeWay > 20);
    CHECK(crossing > 1000);
    CHECK(fetches > 1000);
    CHECK(writes > 1000);
    CHECK(topOfAddressSpace > 1000);
}

TEST_CASE("reference model: deterministic, the same case twice gives the same counts") {
    for (Family f : kFamilies) {
        const RandomCase rc = makeCase(f, 5);
        ReferenceModel a(rc.config), b(rc.config);
        for (const cs::Access& x : rc.trace) a.access(x);
        for (const cs::Access& x : rc.trace) b.access(x);
        for (std::size_t c = 0; c < a.cacheCount(); ++c) CHECK(a.stats(c) == b.stats(c));
        CHECK(a.memory() == b.memory());
    }
}
