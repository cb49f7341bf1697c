// Compare mode (gui/model/compare.hpp).
//
// Hand-worked, on thrash-one-set (the trace's own comment): with the teaching L1 (2-way, 8 sets)
// the three lines 0x0, 0x200, 0x400 cycle through set 0 and every one of the 12 reads misses; the
// same 1 KiB as 4-way (4 sets) holds all three in set 0, so only the 3 first touches miss. Both
// L2s are the teaching L2: references 0..2 go to memory in both. So references 0..2 have the same
// outcome ("L1 miss, L2 miss, memory"), and each of 3..11 differs: A "L1 miss, L2 hit", B "L1 hit".
//
// Against two independent CLI-style runs: `cachescope explain`'s driver (narrateTrace) on a fresh
// Simulator per config, over the whole source, gives each reference's serving level; with
// write-back caches and aligned single-line references the demand path is "miss at every level
// before the serving one, hit there", so the outcomes differ exactly where the serving levels do.

#include <doctest/doctest.h>

#include <array>
#include <span>

#include "cachescope/analysis/narration.hpp"
#include "gui_test_util.hpp"
#include "model/compare.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

namespace {

SimConfig teachingFourWay() {
    SimConfig c = loadConfig(sourcePath("configs/teaching.json"));
    c.caches[0].associativity = 4;
    return c;
}

/// A fresh simulator over the source: every reference's serving level, and each cache's stats
/// after the first `at` references.
struct NaiveRun {
    std::vector<std::uint32_t> servedBy;
    std::vector<CacheStats> statsAt;  // per cache, after `at` references
};
NaiveRun naiveRun(const SimConfig& config, const SourceSpec& source, std::uint64_t at) {
    NaiveRun r;
    {
        Simulator sim(config);
        auto reader = openSource(source);
        for (const ReferenceNarration& n : narrateTrace(sim, *reader, 0, ~std::uint64_t{0} >> 1).references)
            r.servedBy.push_back(n.servedBy);
    }
    Simulator sim(config);
    auto reader = openSource(source);
    std::array<Access, 1> one;
    for (std::uint64_t done = 0; done < at && reader->read(one) == 1; ++done) sim.access(std::span<const Access>(one));
    for (const Cache& c : sim.hierarchy().caches()) r.statsAt.push_back(c.stats());
    return r;
}

double valueOf(const std::vector<CounterRow>& rows, const std::string& structure, const std::string& counter, bool b) {
    for (const CounterRow& r : rows)
        if (r.structure == structure && r.counter == counter) return b ? r.b.value_or(-1) : r.a.value_or(-1);
    FAIL("no row " << structure << " " << counter);
    return -1;
}

}  // namespace

TEST_CASE("compare: outcomes and run to the next difference, hand-worked on thrash-one-set") {
    const SceneSpec scene = teachingOn("traces/thrash-one-set.trace");
    Player a(openScene(scene));
    Comparison cmp(openScene(teachingFourWay(), scene.source), "four-way");
    cmp.follow(a);
    CHECK_FALSE(cmp.outcomeA(a));
    CHECK_FALSE(cmp.differsNow(a));

    a.step(1);
    cmp.follow(a);
    REQUIRE(cmp.outcomeB());
    CHECK(cmp.outcomeA(a)->text() == "L1 miss, L2 miss, memory");
    CHECK(cmp.outcomeB()->text() == "L1 miss, L2 miss, memory");
    CHECK_FALSE(cmp.differsNow(a));

    // The first difference is reference 3.
    CHECK(cmp.runToNextDifference(a) == Comparison::Search::Found);
    CHECK(a.position() == 4);
    CHECK(cmp.b().position() == 4);
    CHECK(a.last()->index == 3);
    CHECK(cmp.outcomeA(a)->text() == "L1 miss, L2 hit");
    CHECK(cmp.outcomeB()->text() == "L1 hit");
    CHECK(cmp.differsNow(a));
    // Every later one differs too: each search stops after one reference.
    for (std::uint64_t i = 4; i < 12; ++i) {
        CHECK(cmp.runToNextDifference(a) == Comparison::Search::Found);
        CHECK(a.last()->index == i);
    }
    CHECK(cmp.runToNextDifference(a) == Comparison::Search::End);
    CHECK(a.atEnd());

    // The counters at the end: L1 12 misses against 3; the L2 misses 3 in both, reached 12 times
    // against 3.
    const auto rows = compareCounters(a.session(), cmp.b().session());
    CHECK(valueOf(rows, "L1", "misses", false) == 12);
    CHECK(valueOf(rows, "L1", "misses", true) == 3);
    CHECK(valueOf(rows, "L1", "hit rate", true) == doctest::Approx(9.0 / 12.0));
    CHECK(valueOf(rows, "L2", "misses", false) == 3);
    CHECK(valueOf(rows, "L2", "misses", true) == 3);
    CHECK(valueOf(rows, "L2", "accesses", false) == 12);
    CHECK(valueOf(rows, "L2", "accesses", true) == 3);
    for (const CounterRow& r : rows)
        if (r.structure == "L2" && r.counter == "misses")
            CHECK_FALSE(r.differs());
        else if (r.structure == "L2" && r.counter == "accesses")
            CHECK(r.differs());
    // A limit stops a search early and says so.
    a.reset();
    CHECK(cmp.runToNextDifference(a, 2) == Comparison::Search::Limit);
    CHECK(a.position() == 2);
    CHECK(cmp.b().position() == 2);
}

TEST_CASE("compare: lockstep through every player move, against two independent runs") {
    const SourceSpec source = SourceSpec::kernelRun("matmul", {"n=8", "order=ijk"});
    const SimConfig configA = loadConfig(sourcePath("configs/teaching.json"));
    SimConfig configB = teachingFourWay();
    configB.caches[1].replacement = "fifo";

    Player a(openScene(configA, source));
    Comparison cmp(openScene(configB, source), "B");
    const std::uint64_t length = a.length();
    REQUIRE(length > 500);

    // Every difference, from the independent runs.
    const NaiveRun naiveA = naiveRun(configA, source, 0), naiveB = naiveRun(configB, source, 0);
    REQUIRE(naiveA.servedBy.size() == length);
    REQUIRE(naiveB.servedBy.size() == length);
    std::vector<std::uint64_t> expected;
    for (std::uint64_t i = 0; i < length; ++i)
        if (naiveA.servedBy[i] != naiveB.servedBy[i]) expected.push_back(i);
    REQUIRE(expected.size() > 3);  // the configs do differ on this kernel

    std::vector<std::uint64_t> found;
    while (cmp.runToNextDifference(a) == Comparison::Search::Found) found.push_back(a.last()->index);
    CHECK(found == expected);

    // Each move of the player, then follow: B at the same position, its counters those of an
    // independent run of that many references.
    auto checkAt = [&](std::uint64_t position) {
        cmp.follow(a);
        CHECK(a.position() == position);
        CHECK(cmp.b().position() == position);
        CHECK(cmp.b().last().has_value() == (position > 0));
        if (position > 0) CHECK(cmp.b().last()->index == position - 1);
        const NaiveRun atB = naiveRun(configB, source, position);
        const auto& caches = cmp.b().session().simulator().hierarchy().caches();
        for (std::size_t c = 0; c < caches.size(); ++c) CHECK(caches[c].stats() == atB.statsAt[c]);
        if (position > 0) {
            // The outcome's last level is the one the independent run says served the reference.
            const Outcome o = *cmp.outcomeB();
            REQUIRE(o.parts.size() == 1);
            CHECK(o.parts[0].back().cache == naiveB.servedBy[position - 1]);
        }
    };
    a.reset();
    checkAt(0);
    a.step(100);
    checkAt(100);
    a.back(37);
    checkAt(63);
    a.seek(500);
    checkAt(500);
    REQUIRE(a.runToEvent(StopCondition{StopKind::Miss, 0u}));
    checkAt(a.position());
    a.runToEnd();
    checkAt(length);
    a.reset();
    checkAt(0);
}
