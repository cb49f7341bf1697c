// Tests of the differential harness (differential.hpp) against a deliberately broken model, so the
// harness is known to catch and shrink a difference before it is trusted with the real engine.

#include <doctest/doctest.h>

#include "reference/differential.hpp"
#include "reference/random_case.hpp"

namespace cs = cachescope;
using namespace cachescope::reference;

namespace {

/// The reference model with one injected bug: a 3-byte write is silently ignored.
class IgnoresThreeByteWrites {
public:
    explicit IgnoresThreeByteWrites(const cs::SimConfig& c) : model_(c) {}
    void access(const cs::Access& a) {
        if (a.kind == cs::AccessKind::Write && a.size == 3) return;
        model_.access(a);
    }
    const ReferenceModel& model() const { return model_; }

private:
    ReferenceModel model_;
};

Counters countersOfMutant(const IgnoresThreeByteWrites& m) { return countersOf(m.model()); }
Counters countersOfSame(const ReferenceModel& m) { return countersOf(m); }

}  // namespace

TEST_CASE("differential harness: agrees with itself, catches and shrinks an injected bug") {
    // Same model on both sides: never a difference.
    const RandomCase rc = makeCase(Family::ThreeLevels, 4242);
    CHECK_FALSE(lockstep<ReferenceModel>(rc.config, rc.trace, countersOfSame).has_value());
    CHECK_FALSE(firstMismatch<ReferenceModel>(rc.config, rc.trace, countersOfSame).has_value());

    // Broken model: a 3-byte write changes at least the first cache's write count, so the first
    // difference is right after the first such write, and shrinking leaves that one access.
    std::vector<cs::Access> trace = rc.trace;
    trace.push_back({0x40, 3, cs::AccessKind::Write});  // make sure there is one
    std::size_t firstThree = 0;
    while (!(trace[firstThree].kind == cs::AccessKind::Write && trace[firstThree].size == 3)) ++firstThree;
    auto m = lockstep<IgnoresThreeByteWrites>(rc.config, trace, countersOfMutant);
    REQUIRE(m.has_value());
    const auto viaCheckpoints = firstMismatch<IgnoresThreeByteWrites>(rc.config, trace, countersOfMutant);
    REQUIRE(viaCheckpoints.has_value());
    CHECK(viaCheckpoints->index == m->index);
    CHECK(viaCheckpoints->what == m->what);
    CHECK(m->index == firstThree);
    CHECK(m->what.find("accesses[write]: engine ") != std::string::npos);
    const std::vector<cs::Access> small = shrinkTrace<IgnoresThreeByteWrites>(rc.config, trace, *m, countersOfMutant);
    REQUIRE(small.size() == 1);
    CHECK((small[0].kind == cs::AccessKind::Write));  // parenthesized: doctest would pick up cachescope::toString
    CHECK(small[0].size == 3);
    CHECK(m->index == 0);
}

TEST_CASE("differential harness: names the first differing counter") {
    cs::SimConfig config;
    cs::CacheConfig l1;
    l1.name = "L1";
    l1.size = 64;
    config.caches = {l1};
    Counters a, b;
    a.caches.resize(1);
    b.caches.resize(1);
    CHECK(firstDifference(config, a, b).empty());
    b.caches[0].evictions = 2;
    CHECK(firstDifference(config, a, b) == "L1.evictions: engine 0, reference 2");
    b.caches[0].missesByKind[cs::kindIndex(cs::AccessKind::Fetch)] = 1;
    CHECK(firstDifference(config, a, b) == "L1.misses[fetch]: engine 0, reference 1");
    b = a;
    a.memory.writes = 5;
    CHECK(firstDifference(config, a, b) == "memory.writes: engine 5, reference 0");
}
