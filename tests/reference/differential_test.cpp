// Differential tests: the engine (cachescope::Hierarchy) against the naive reference model
// (reference_model.hpp), written independently from the same docs, on thousands of random valid
// configs and traces (random_case.hpp). After every access every counter of every cache and of
// memory must agree. On a mismatch the test prints the family, the seed, the config, the first
// differing counter and a shrunk trace: the shortest prefix that differs, then with every access
// removed whose removal keeps a difference. Reproduce with makeCase(family, seed).

#include <doctest/doctest.h>

#include <optional>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/sim/hierarchy.hpp"
#include "reference/differential.hpp"
#include "reference/random_case.hpp"
#include "reference/reference_model.hpp"

namespace cs = cachescope;
using namespace cachescope::reference;

namespace {

Counters countersOfEngine(const cs::Hierarchy& h) {
    Counters c;
    for (const cs::Cache& cache : h.caches()) c.caches.push_back(cache.stats());
    c.memory = h.memory();
    return c;
}

std::string difference(const cs::SimConfig& config, const cs::Hierarchy& h, const ReferenceModel& m) {
    return firstDifference(config, countersOfEngine(h), countersOf(m));
}

/// Validates, runs and compares one case; returns false (after reporting) on any failure.
bool checkCase(const RandomCase& rc) {
    const std::string header = std::string("family '") + familyName(rc.family) + "', seed " + std::to_string(rc.seed);
    const std::string rules = checkRules(rc.config);
    if (!rules.empty()) {
        FAIL_CHECK(header << ": the generator broke a rule (" << rules << ")\n" << describeConfig(rc.config));
        return false;
    }
    try {
        cs::validate(rc.config);
    } catch (const cs::Error& e) {
        FAIL_CHECK(header << ": validate() rejected a config that follows docs/semantics.md: "
                          << std::string(e.what()) << "\n"
                          << describeConfig(rc.config));
        return false;
    }
    std::optional<Mismatch> m;
    try {
        m = firstMismatch<cs::Hierarchy>(rc.config, rc.trace, countersOfEngine);
    } catch (const std::exception& e) {
        FAIL_CHECK(header << ": exception " << std::string(e.what()) << "\n" << describeConfig(rc.config));
        return false;
    }
    if (!m) return true;
    const std::size_t firstIndex = m->index;
    const std::string firstWhat = m->what;
    const std::vector<cs::Access> small = shrinkTrace<cs::Hierarchy>(rc.config, rc.trace, *m, countersOfEngine);
    FAIL_CHECK(header << ": engine and reference differ after access " << firstIndex << " of " << rc.trace.size()
                      << ": " << firstWhat << "\nconfig:\n"
                      << describeConfig(rc.config) << "\nshrunk trace (" << small.size()
                      << " accesses), after which " << m->what << ":\n"
                      << describeTrace(small));
    return false;
}

/// Runs `count` cases of a family with seeds derived from `firstSeed`; stops at the first failure.
void runFamily(Family family, std::uint64_t firstSeed, std::uint64_t count) {
    std::uint64_t passed = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        if (!checkCase(makeCase(family, firstSeed + i))) break;
        ++passed;
    }
    CHECK(passed == count);
}

}  // namespace

TEST_CASE("differential: single level, every deterministic policy") {
    runFamily(Family::SingleLevel, 1'000'000, 700);  // 100 cases per policy (policy = seed mod 7)
}

TEST_CASE("differential: two levels NINE") { runFamily(Family::TwoLevelNine, 2'000'000, 400); }

TEST_CASE("differential: write-through and no-write-allocate mixes") {
    runFamily(Family::WriteMix, 3'000'000, 400);
}

TEST_CASE("differential: inclusive hierarchies") { runFamily(Family::Inclusive, 4'000'000, 400); }

TEST_CASE("differential: exclusive hierarchies") { runFamily(Family::Exclusive, 5'000'000, 400); }

TEST_CASE("differential: split L1I/L1D") { runFamily(Family::SplitL1, 6'000'000, 400); }

TEST_CASE("differential: three levels") { runFamily(Family::ThreeLevels, 7'000'000, 400); }

TEST_CASE("differential: wide and fully associative sets, every deterministic policy") {
    // 17..1000 ways per set: the engine finds lines through its tag index and the lowest invalid
    // way through a BitTree; the reference scans. Level 1 takes policy = seed mod 7.
    runFamily(Family::Wide, 9'000'000, 140);
}

TEST_CASE("differential: plain chains, the hierarchy's plain miss path") {
    // One line size, write-back + write-allocate, NINE or inclusive, 1..16 ways, every policy of
    // the reference model: every miss takes Hierarchy::plainMiss (checked below on one case).
    runFamily(Family::Plain, 10'000'000, 400);
}

TEST_CASE("differential: plain chains take the plain path") {
    // The family is only worth its cases if its caches are plain: a cache that is not plain has a
    // line size, write policy or inclusion this family never generates.
    for (std::uint64_t seed = 10'000'000; seed < 10'000'040; ++seed) {
        const RandomCase rc = makeCase(Family::Plain, seed);
        CAPTURE(seed);
        for (const cs::CacheConfig& c : rc.config.caches) {
            CHECK(c.lineSize == rc.config.caches.front().lineSize);
            CHECK((c.writePolicy == cs::WritePolicy::WriteBack));
            CHECK(c.writeAllocate);
            CHECK((c.inclusion != cs::Inclusion::Exclusive));
            CHECK(c.associativity <= 16);
        }
    }
}

TEST_CASE("differential: both models are deterministic") {
    for (Family f : {Family::SingleLevel, Family::Inclusive, Family::Exclusive, Family::ThreeLevels}) {
        const RandomCase rc = makeCase(f, 99);
        cs::Hierarchy e1(rc.config), e2(rc.config);
        ReferenceModel r1(rc.config), r2(rc.config);
        for (const cs::Access& a : rc.trace) {
            e1.access(a);
            r1.access(a);
        }
        for (const cs::Access& a : rc.trace) {
            e2.access(a);
            r2.access(a);
        }
        for (std::size_t c = 0; c < rc.config.caches.size(); ++c) {
            CHECK(e1.caches()[c].stats() == e2.caches()[c].stats());
            CHECK(r1.stats(c) == r2.stats(c));
        }
        CHECK(e1.memory() == e2.memory());
        CHECK(r1.memory() == r2.memory());
        CHECK(e1.sameState(e2));
        CHECK(difference(rc.config, e1, r1).empty());
    }
}

TEST_CASE("differential: an engine snapshot taken mid-trace replays identically") {
    for (Family f : {Family::TwoLevelNine, Family::Inclusive, Family::Exclusive, Family::SplitL1,
                     Family::ThreeLevels}) {
        for (std::uint64_t seed = 8'000'000; seed < 8'000'010; ++seed) {
            const RandomCase rc = makeCase(f, seed);
            CAPTURE(seed);
            const std::size_t cut = rc.trace.size() / 3;
            cs::Hierarchy h(rc.config);
            ReferenceModel ref(rc.config);
            for (std::size_t i = 0; i < cut; ++i) {
                h.access(rc.trace[i]);
                ref.access(rc.trace[i]);
            }
            const cs::Hierarchy snapshot = h;  // a value: lines, dirty bits, policy state, stats
            CHECK(snapshot.sameState(h));
            cs::Hierarchy copy = h;
            for (std::size_t i = cut; i < rc.trace.size(); ++i) {
                h.access(rc.trace[i]);
                copy.access(rc.trace[i]);
                ref.access(rc.trace[i]);
            }
            // Both copies finish with the same counts, equal to the reference's.
            CHECK(copy.sameState(h));
            CHECK(difference(rc.config, h, ref).empty());
            CHECK(difference(rc.config, copy, ref).empty());

            // Restore h from the snapshot: its counts are those after the prefix again...
            const cs::Hierarchy finished = h;
            h = snapshot;
            ReferenceModel prefixRef(rc.config);
            for (std::size_t i = 0; i < cut; ++i) prefixRef.access(rc.trace[i]);
            CHECK(difference(rc.config, h, prefixRef).empty());
            CHECK_FALSE(h.sameState(finished));
            // ...and replaying the rest gives the same final state.
            for (std::size_t i = cut; i < rc.trace.size(); ++i) h.access(rc.trace[i]);
            CHECK(h.sameState(finished));
            CHECK(difference(rc.config, h, ref).empty());
        }
    }
}
