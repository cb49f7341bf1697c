// Differential tests of translation: the engine (cachescope::Simulator with an mmu) against the naive
// reference model (reference_mmu.hpp), written independently from docs/mmu.md, on random valid
// configs and traces (mmu_random_case.hpp). After every access every counter of every cache, of
// memory, of every TLB and walk cache and of MmuStats must agree. On a mismatch the test prints the
// seed, the config, the first differing counter and a shrunk trace. Reproduce with makeMmuCase(seed).
//
// The engine sources (src/mmu/mmu.cpp, src/sim/simulator.cpp) are written in parallel on another
// branch; until they are present in this tree the test compiles to nothing (so the branch links).

#if __has_include("../../src/mmu/mmu.cpp") && __has_include("../../src/sim/simulator.cpp")

#include <doctest/doctest.h>

#include <optional>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/sim/simulator.hpp"
#include "reference/mmu_random_case.hpp"
#include "reference/reference_model.hpp"

namespace cs = cachescope;
using namespace cachescope::reference;

namespace {

MmuCounters countersOfEngine(const cs::Simulator& s) {
    MmuCounters c;
    for (const cs::Cache& cache : s.hierarchy().caches()) c.caches.push_back(cache.stats());
    c.memory = s.hierarchy().memory();
    if (const cs::Mmu* m = s.mmu()) {
        for (const cs::Cache& t : m->tlbs()) c.tlbs.push_back(t.stats());
        for (const cs::Cache& w : m->walkCaches()) c.walkCaches.push_back(w.stats());
        c.mmu = m->stats();
        c.translationCycles = m->translationCycles();
    }
    return c;
}

bool checkCase(const MmuCase& mc) {
    const std::string header = "mmu case seed " + std::to_string(mc.seed);
    try {
        cs::validate(mc.config);
    } catch (const cs::Error& e) {
        FAIL_CHECK(header << ": validate() rejected a config that follows docs/mmu.md: " << std::string(e.what())
                          << "\n"
                          << describeMmuConfig(mc.config));
        return false;
    }
    std::optional<MmuMismatch> m;
    try {
        m = mmuFirstMismatch<cs::Simulator>(mc.config, mc.trace, countersOfEngine);
    } catch (const std::exception& e) {
        FAIL_CHECK(header << ": exception " << std::string(e.what()) << "\n" << describeMmuConfig(mc.config));
        return false;
    }
    if (!m) return true;
    const std::size_t firstIndex = m->index;
    const std::string firstWhat = m->what;
    const std::vector<cs::Access> small = mmuShrinkTrace<cs::Simulator>(mc.config, mc.trace, *m, countersOfEngine);
    FAIL_CHECK(header << ": engine and reference differ after access " << firstIndex << " of " << mc.trace.size()
                      << ": " << firstWhat << "\nconfig:\n"
                      << describeMmuConfig(mc.config) << "\nshrunk trace (" << small.size()
                      << " accesses), after which " << m->what << ":\n"
                      << describeTrace(small));
    return false;
}

void runSeeds(std::uint64_t first, std::uint64_t count) {
    std::uint64_t passed = 0;
    for (std::uint64_t s = first; s < first + count; ++s) {
        if (!checkCase(makeMmuCase(s))) break;
        ++passed;
    }
    CHECK(passed == count);
}

}  // namespace

TEST_CASE("mmu differential: random configs with translation, engine vs reference") { runSeeds(10'000'000, 300); }

TEST_CASE("mmu differential: an engine snapshot taken mid-trace replays identically") {
    for (std::uint64_t seed = 11'000'000; seed < 11'000'010; ++seed) {
        CAPTURE(seed);
        const MmuCase mc = makeMmuCase(seed);
        const std::size_t cut = mc.trace.size() / 3;
        cs::Simulator s(mc.config);
        ReferenceModel ref(mc.config);
        for (std::size_t i = 0; i < cut; ++i) {
            s.access(mc.trace[i]);
            ref.access(mc.trace[i]);
        }
        cs::Simulator copy = s;  // a value: page table, frames, replacer, TLBs, caches
        CHECK(copy.sameState(s));
        for (std::size_t i = cut; i < mc.trace.size(); ++i) {
            s.access(mc.trace[i]);
            copy.access(mc.trace[i]);
            ref.access(mc.trace[i]);
        }
        CHECK(copy.sameState(s));
        CHECK(firstMmuDifference(mc.config, countersOfEngine(s), mmuCountersOf(ref)).empty());
        CHECK(firstMmuDifference(mc.config, countersOfEngine(copy), mmuCountersOf(ref)).empty());
    }
}

#endif
