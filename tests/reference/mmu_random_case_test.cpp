// Tests of the translation case generator and comparison harness (mmu_random_case.hpp) without the
// engine: generated cases are valid and run in the reference model, the model agrees with itself,
// and a deliberately broken model is caught and its difference shrunk to the one guilty access.

#include <doctest/doctest.h>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "reference/mmu_random_case.hpp"

namespace cs = cachescope;
using namespace cachescope::reference;

namespace {

/// The reference model with one injected bug: a fetch of exactly 2 bytes is ignored.
class IgnoresTwoByteFetches {
public:
    explicit IgnoresTwoByteFetches(const cs::SimConfig& c) : model_(c) {}
    void access(const cs::Access& a) {
        if (a.kind == cs::AccessKind::Fetch && a.size == 2) return;
        model_.access(a);
    }
    const ReferenceModel& model() const { return model_; }

private:
    ReferenceModel model_;
};

MmuCounters countersOfMutant(const IgnoresTwoByteFetches& m) { return mmuCountersOf(m.model()); }

}  // namespace

TEST_CASE("mmu random cases: deterministic, accepted by validate(), run in the reference model") {
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        CAPTURE(seed);
        const MmuCase a = makeMmuCase(seed);
        const MmuCase b = makeMmuCase(seed);
        CHECK(a.config == b.config);
        CHECK(a.trace == b.trace);
        CHECK_NOTHROW(cs::validate(a.config));
        ReferenceModel m(a.config);
        for (const cs::Access& x : a.trace) m.access(x);
        const cs::MmuStats& s = m.mmu()->stats();
        // Invariants of docs/mmu.md that hold for any trace.
        CHECK(s.residentPagesPeak <= a.config.mmu->frames() + 2);  // frames + at most 2 huge pages (one range)
        CHECK(s.majorFaults <= s.pageFaults);
        CHECK(s.pageFaults <= s.walks);
        std::uint64_t served = 0;
        for (std::uint64_t n : s.pteServedBy) served += n;
        CHECK(served == s.walkMemoryAccesses);
    }
}

TEST_CASE("mmu harness: agrees with itself, catches and shrinks an injected bug") {
    auto same = [](const ReferenceModel& m) { return mmuCountersOf(m); };
    const MmuCase mc = makeMmuCase(31337);
    CHECK_FALSE(mmuLockstep<ReferenceModel>(mc.config, mc.trace, same).has_value());
    CHECK_FALSE(mmuFirstMismatch<ReferenceModel>(mc.config, mc.trace, same).has_value());

    // A trace whose 5th access is a 2-byte fetch: the mutant misses at least one TLB/walk/cache count
    // there (a fetch always looks up a TLB, walks, or reaches a cache or memory).
    std::vector<cs::Access> trace = mc.trace;
    trace.resize(30);
    for (cs::Access& a : trace)
        if (a.kind == cs::AccessKind::Fetch && a.size == 2) a.size = 1;
    trace[4] = cs::Access{trace[4].address & ~std::uint64_t{0xFFF}, 2, cs::AccessKind::Fetch};
    auto m = mmuLockstep<IgnoresTwoByteFetches>(mc.config, trace, countersOfMutant);
    REQUIRE(m.has_value());
    CHECK(m->index == 4);
    const std::vector<cs::Access> small = mmuShrinkTrace<IgnoresTwoByteFetches>(mc.config, trace, *m, countersOfMutant);
    CHECK(small == std::vector<cs::Access>{trace[4]});
}
