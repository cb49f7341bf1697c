// The arrival history (analysis/arrival_history.hpp): the classifier built from it at reference K
// holds what a classifier fed every arrival holds at K (lines seen, shadow contents in order),
// so it classifies every later miss the same. Checked by hand on the worked example and on a
// compaction by hand, and on every family of random configs and traces (and random mmu cases) at
// several K, with logs small enough to be compacted hundreds of times; with the first-level logs
// off for a prefix and restarted before K (complete() by hand and against an observer's count of
// the lines since); then through sessions as `explain --from K` drives them, at several windows.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "cachescope/analysis/arrival_history.hpp"
#include "cachescope/analysis/miss_classes.hpp"
#include "cachescope/report/narration_printers.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/sim/hierarchy.hpp"
#include "cachescope/sim/simulator.hpp"
#include "reference/mmu_random_case.hpp"
#include "reference/random_case.hpp"
#include "sim/sim_test_util.hpp"
#include "trace/trace_test_util.hpp"

using namespace cachescope;
using namespace cachescope::testutil;
using cachescope::testing::TempDir;
using cachescope::testing::writeTrace;

namespace {

/// Sends trace[from, to) in blocks of random sizes (1 to 64 references).
template <class Sim>
void accessInBlocks(Sim& sim, const std::vector<Access>& trace, std::size_t from, std::size_t to, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (std::size_t i = from; i < to;) {
        const std::size_t n = std::min<std::size_t>(to - i, 1 + rng() % 64);
        sim.access(std::span<const Access>(trace.data() + i, n));
        i += n;
    }
}

/// The shadows of `built` (from a history at K) are those of `full` (fed everything up to K).
void checkSameShadows(const MissClassifier& built, const MissClassifier& full) {
    REQUIRE(built.caches() == full.caches());
    for (std::uint32_t c = 0; c < built.caches(); ++c) {
        CAPTURE(c);
        CHECK(built.shadow(c).distinctLines() == full.shadow(c).distinctLines());
        CHECK(built.shadow(c).contents() == full.shadow(c).contents());
        CHECK(built.counts(c) == MissClassCounts{});
    }
}

/// The distinct lines that arrive at each cache while attached (the observer path: every
/// arrival, told one by one, independent of the arrival buffers).
struct LinesPerCache final : HierarchyObserver {
    std::vector<std::set<std::uint64_t>> lines;
    explicit LinesPerCache(std::size_t caches) : lines(caches) {}
    void onCacheAccess(const CacheEvent& e) override { lines[e.cache].insert(e.line); }
};

const Hierarchy& hierarchyOf(const Hierarchy& h) { return h; }
const Hierarchy& hierarchyOf(const Simulator& sim) { return sim.hierarchy(); }

/// Feeds trace[0, k) to `sim` with `history` as its sink: the first-level caches' logs off (and
/// their hot-loop hits not even handed over) before `start`, on again from there.
template <class Sim>
void feedRestarted(Sim& sim, ArrivalHistory& history, const std::vector<Access>& trace, std::size_t start,
                   std::size_t k, std::uint64_t seed) {
    const std::vector<std::uint32_t> first = hierarchyOf(sim).firstLevelCaches();
    for (const std::uint32_t c : first) history.setLogging(c, false);
    sim.setArrivalSink(&history, false);
    accessInBlocks(sim, trace, 0, start, seed);
    for (const std::uint32_t c : first) history.setLogging(c, true);
    sim.setArrivalSink(&history, true);
    accessInBlocks(sim, trace, start, k, seed + 1);
    sim.setArrivalSink(nullptr);
}

/// After feedRestarted: when the history is complete, its classifier holds what `full` (fed
/// everything) holds; when not, some first-level shadow of `full` really holds more lines than
/// arrived there since the restart (`since`), so no history of those arrivals could give it.
/// Returns complete().
bool checkRestarted(ArrivalHistory& history, const Hierarchy& h, const MissClassifier& full,
                    const LinesPerCache& since) {
    if (history.complete()) {
        checkSameShadows(history.classifier(h), full);
        return true;
    }
    bool short_ = false;
    for (const std::uint32_t c : h.firstLevelCaches())
        short_ = short_ || full.shadow(c).contents().size() > since.lines[c].size();
    CHECK(short_);
    return false;
}

MissClassCounts minus(MissClassCounts a, const MissClassCounts& b) {
    a.compulsory -= b.compulsory;
    a.capacity -= b.capacity;
    a.conflict -= b.conflict;
    return a;
}

}  // namespace

TEST_CASE("arrival history: LineSet holds what a std::set holds, line 0 and growth included") {
    LineSet lines;
    std::set<std::uint64_t> want;
    std::mt19937_64 rng(5);
    for (int i = 0; i < 20000; ++i) {
        // Few distinct values at first (repeats), then many (the table grows several times).
        const std::uint64_t line = i % 7 == 0 ? 0 : i < 5000 ? rng() % 300 : rng() % 100000 * 64;
        CHECK(lines.insert(line) == want.insert(line).second);
    }
    CHECK(lines.size() == want.size());
    for (const std::uint64_t line : {std::uint64_t{0}, std::uint64_t{64}, std::uint64_t{123456789}})
        CHECK(lines.contains(line) == (want.count(line) == 1));
    std::set<std::uint64_t> listed;
    lines.forEach([&listed](std::uint64_t line) { CHECK(listed.insert(line).second); });
    CHECK(listed == want);
    lines.clear();
    CHECK(lines.size() == 0);
    CHECK_FALSE(lines.contains(0));
    CHECK(lines.insert(0));
    CHECK_FALSE(lines.insert(0));
}

TEST_CASE("arrival history: the worked example, a b kept, then a b classified as conflict") {
    // miss_classes.hpp's example: a direct-mapped cache of 4 lines, a = 0 and b = 4 in set 0.
    // Arrivals a b (kept by the history, no class), then a b (classified): both miss in the cache
    // and hit in the 4-line shadow, so both are conflict; the shadow holds b a, then a b.
    const SimConfig config = simCfg({cacheCfg("L1", 4 * 16, 16, 1)});
    Hierarchy h(config);
    ArrivalHistory history(h);
    h.setArrivalSink(&history);
    h.access(std::vector<Access>{R(0 * 16), R(4 * 16)});
    h.setArrivalSink(nullptr);
    CHECK(history.logged(0) == 2);
    MissClassifier built = history.classifier(h);
    CHECK(built.shadow(0).contents() == std::vector<std::uint64_t>{4, 0});
    CHECK(built.shadow(0).distinctLines() == 2);
    h.setObserver(&built);
    h.access(R(0 * 16));
    CHECK((built.lastClass(0) == MissClass::Conflict));
    h.access(R(4 * 16));
    CHECK((built.lastClass(0) == MissClass::Conflict));
    h.setObserver(nullptr);
    CHECK(built.counts(0) == MissClassCounts{0, 0, 2});
    CHECK(built.shadow(0).contents() == std::vector<std::uint64_t>{4, 0});
}

TEST_CASE("arrival history: compaction keeps each line's latest arrival, the shadow's lines, in order") {
    // A fully associative cache of 4 lines and a log of 16 (the least room: 4 capacities). Lines
    // 0..5 in a sweep, then 9 9 9 ... : at the 17th arrival the log (0 1 2 3 4 5 0 1 2 3 4 5 0 1
    // 2 3) is compacted to its 4 newest distinct lines, 0 1 2 3, and the rest appended. A
    // classifier fed all arrivals holds the same; the next 4 and 5 are then capacity misses.
    CacheConfig l1 = cacheCfg("L1", 4 * 16, 16, 4);
    const SimConfig config = simCfg({l1});
    std::vector<Access> trace;
    for (int i = 0; i < 16; ++i) trace.push_back(R(static_cast<std::uint64_t>(i % 6) * 16));
    for (int i = 0; i < 5; ++i) trace.push_back(R(9 * 16));
    Hierarchy h(config);
    ArrivalHistory history(h, 1);
    REQUIRE(history.room(0) == 16);
    h.setArrivalSink(&history);
    h.access(trace);
    h.setArrivalSink(nullptr);
    CHECK(history.compactions(0) == 1);
    CHECK(history.logged(0) == 4 + 5);
    Hierarchy fullH(config);
    MissClassifier full(fullH);
    fullH.setObserver(&full);
    fullH.access(trace);
    MissClassifier built = history.classifier(h);
    CHECK(built.shadow(0).contents() == std::vector<std::uint64_t>{9, 3, 2, 1});
    checkSameShadows(built, full);
    h.setObserver(&built);
    h.access(R(4 * 16));
    CHECK((built.lastClass(0) == MissClass::Capacity));
    h.access(R(5 * 16));
    CHECK((built.lastClass(0) == MissClass::Capacity));
}

TEST_CASE("arrival history: random configs and traces, the classifier built at K classifies what one fed everything does") {
    // Every family; K at the start, early, in the middle and at the end; the log's least room 1
    // (compacted every few capacities of arrivals) and the default (never compacted here). At K
    // the shadows are the same; after K, fed the same references, the two count the same classes
    // (the full one's counts since K) and end with the same shadows.
    int compacted = 0;
    for (const reference::Family family : reference::kAllFamilies) {
        for (std::uint64_t seed = 1; seed <= 12; ++seed) {
            const reference::RandomCase rc = reference::makeCase(family, 9300 + seed);
            const std::size_t n = rc.trace.size();
            CAPTURE(reference::familyName(family));
            CAPTURE(seed);
            for (const std::size_t k : {std::size_t{0}, std::size_t{7}, n / 2, n - 1, n}) {
                for (const std::uint64_t minRoom : {std::uint64_t{1}, ArrivalHistory::kMinRoom}) {
                    CAPTURE(k);
                    CAPTURE(minRoom);
                    Hierarchy fullH(rc.config);
                    MissClassifier full(fullH);
                    fullH.setObserver(&full);
                    for (std::size_t i = 0; i < k; ++i) fullH.access(rc.trace[i]);
                    Hierarchy h(rc.config);
                    ArrivalHistory history(h, minRoom);
                    h.setArrivalSink(&history);
                    accessInBlocks(h, rc.trace, 0, k, seed);
                    h.setArrivalSink(nullptr);
                    for (std::uint32_t c = 0; c < h.caches().size(); ++c) {
                        CHECK(history.logged(c) <= history.room(c));
                        compacted += history.compactions(c) > 0 ? 1 : 0;
                    }
                    REQUIRE(h.sameState(fullH));
                    MissClassifier built = history.classifier(h);
                    checkSameShadows(built, full);
                    std::vector<MissClassCounts> atK;
                    for (std::uint32_t c = 0; c < full.caches(); ++c) atK.push_back(full.counts(c));
                    h.setObserver(&built);
                    for (std::size_t i = k; i < n; ++i) {
                        h.access(rc.trace[i]);
                        fullH.access(rc.trace[i]);
                    }
                    for (std::uint32_t c = 0; c < full.caches(); ++c) {
                        CAPTURE(c);
                        CHECK(built.counts(c) == minus(full.counts(c), atK[c]));
                        CHECK(built.shadow(c).contents() == full.shadow(c).contents());
                    }
                }
            }
        }
    }
    CHECK(compacted > 100);  // the small logs were compacted, in most caches
}

TEST_CASE("arrival history: random mmu cases (page-table reads, pages leaving memory), the same shadows at K") {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        CAPTURE(seed);
        const reference::MmuCase mc = reference::makeMmuCase(seed);
        const std::size_t k = mc.trace.size() * 2 / 3;
        Simulator full(mc.config);
        MissClassifier classes(full.hierarchy());
        full.setObservers(&classes, nullptr);
        for (std::size_t i = 0; i < k; ++i) full.access(mc.trace[i]);
        Simulator sim(mc.config);
        ArrivalHistory history(sim.hierarchy(), 1);
        sim.setArrivalSink(&history);
        accessInBlocks(sim, mc.trace, 0, k, seed);
        sim.setArrivalSink(nullptr);
        REQUIRE(sim.sameState(full));
        checkSameShadows(history.classifier(sim.hierarchy()), classes);
    }
}

TEST_CASE("arrival history: random mmu cases with the first-level logs off for a third, exact at K when complete") {
    // As above with translation: page-table reads enter the caches on the slow path, logged or
    // not; the first-level hits of the first third are not handed over at all.
    int complete = 0;
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        CAPTURE(seed);
        const reference::MmuCase mc = reference::makeMmuCase(seed);
        const std::size_t start = mc.trace.size() / 3, k = mc.trace.size();
        Simulator full(mc.config);
        MissClassifier classes(full.hierarchy());
        LinesPerCache since(full.hierarchy().caches().size());
        FanOutObserver both;
        both.add(&classes);
        both.add(&since);
        full.setObservers(&classes, nullptr);
        for (std::size_t i = 0; i < start; ++i) full.access(mc.trace[i]);
        full.setObservers(&both, nullptr);
        for (std::size_t i = start; i < k; ++i) full.access(mc.trace[i]);
        Simulator sim(mc.config);
        ArrivalHistory history(sim.hierarchy(), 1);
        feedRestarted(sim, history, mc.trace, start, k, seed);
        REQUIRE(sim.sameState(full));
        complete += checkRestarted(history, sim.hierarchy(), classes, since) ? 1 : 0;
    }
    CHECK(complete > 10);
}

TEST_CASE("arrival history: explain's sessions (classifyLazily) narrate what sessions classifying from the start narrate") {
    // As `explain --from K` drives a session (openClassifyingFrom: the prefix kept by the history),
    // against a session that classifies every miss from the start: the same narration of the next
    // references, classes included, for every family; and the classifier's counts start at K.
    // The window of logged first-level hits before K varies: 1 and 8 references (usually too few
    // lines: opened again, every arrival logged), 256, and the default (2^20: everything logged).
    const std::vector<std::uint64_t> windows{1, 8, 256, 0};
    TempDir dir;
    for (const reference::Family family : reference::kAllFamilies) {
        const reference::RandomCase c = reference::makeCase(family, 9400);
        const std::string path = writeTrace(dir, "e", TraceFormat::Binary, c.trace);
        CAPTURE(reference::familyName(family));
        for (const std::uint64_t from : {std::uint64_t{0}, std::uint64_t{1}, c.trace.size() / 2, c.trace.size() - 8}) {
            CAPTURE(from);
            SessionOptions options;
            options.attribution = false;
            const std::uint64_t window = windows[(from + static_cast<std::uint64_t>(family)) % windows.size()];
            CAPTURE(window);
            const std::unique_ptr<Session> lazy =
                openClassifyingFrom(c.config, SourceSpec::file(path), options, from, window);
            options.classify = true;
            Session full(c.config, SourceSpec::file(path), options);
            full.step(from);
            CHECK(lazy->position() == from);
            // The shadows at K first (this builds the lazy session's classifier), then narration.
            for (std::uint32_t i = 0; i < full.classifier()->caches(); ++i) {
                CAPTURE(i);
                CHECK(lazy->classifier()->shadow(i).distinctLines() == full.classifier()->shadow(i).distinctLines());
                CHECK(lazy->classifier()->shadow(i).contents() == full.classifier()->shadow(i).contents());
            }
            std::vector<ReferenceNarration> got, want;
            for (int i = 0; i < 8 && !full.atEnd(); ++i) {
                got.push_back(lazy->narrateNext());
                want.push_back(full.narrateNext());
            }
            CHECK(narrationToJson(got).dump() == narrationToJson(want).dump());
            std::uint64_t classified = 0;
            for (std::uint32_t i = 0; i < lazy->classifier()->caches(); ++i)
                classified += lazy->classifier()->counts(i).total();
            std::uint64_t narratedMisses = 0;
            for (const ReferenceNarration& r : got)
                for (const Piece& piece : r.pieces)
                    for (const CacheStep& step : piece.steps)
                        narratedMisses += step.cache != CacheStep::kMemory && !step.hit ? 1 : 0;
            CHECK(classified == narratedMisses);  // only the narrated references' misses
        }
    }
}

TEST_CASE("arrival history: first-level logs off then on again, hand-worked, complete only when the window fills the shadow") {
    // A fully associative cache of 4 lines. Lines 0..7 swept twice, then 0 1 0 1 0 1. With the
    // log off for the first S references and on after, the window names 2 lines if it starts in
    // the 0 1 part, or 3 from reference 15 (7 0 1 ...), while the shadow holds 4 of the 8 seen:
    // incomplete; 4 or more from reference 14 or earlier (6 7 0 1 ...): complete.
    const SimConfig config = simCfg({cacheCfg("L1", 4 * 16, 16, 4)});
    std::vector<Access> trace;
    for (int i = 0; i < 16; ++i) trace.push_back(R(static_cast<std::uint64_t>(i % 8) * 16));
    for (int i = 0; i < 6; ++i) trace.push_back(R(static_cast<std::uint64_t>(i % 2) * 16));
    Hierarchy fullH(config);
    MissClassifier full(fullH);
    fullH.setObserver(&full);
    fullH.access(trace);
    REQUIRE(full.shadow(0).contents() == std::vector<std::uint64_t>{1, 0, 7, 6});
    for (std::size_t start = 0; start <= trace.size(); ++start) {
        CAPTURE(start);
        Hierarchy h(config);
        ArrivalHistory history(h);
        history.setLogging(0, false);
        h.setArrivalSink(&history, false);
        h.access(std::span<const Access>(trace.data(), start));
        history.setLogging(0, true);
        h.setArrivalSink(&history, true);
        h.access(std::span<const Access>(trace.data() + start, trace.size() - start));
        const bool expected = start <= 14;
        CHECK(history.complete() == expected);
        if (expected)
            checkSameShadows(history.classifier(h), full);
        else
            CHECK_THROWS_AS(history.classifier(h), std::logic_error);
    }
}

TEST_CASE("arrival history: random configs and traces, first-level logs restarted at S, exact at K exactly when complete") {
    // Every family: the first-level caches' hits not even handed over before S (Hierarchy::
    // setArrivalSink(sink, false)), their logs on again from S, then at K: when complete() the
    // classifier holds what a classifier fed everything holds; when not, a first-level shadow
    // really holds more lines than arrived there since S (counted by an observer), so no history
    // of [S, K) could give it.
    int complete = 0, incomplete = 0;
    for (const reference::Family family : reference::kAllFamilies) {
        for (std::uint64_t seed = 1; seed <= 8; ++seed) {
            const reference::RandomCase rc = reference::makeCase(family, 9500 + seed);
            const std::size_t n = rc.trace.size();
            CAPTURE(reference::familyName(family));
            CAPTURE(seed);
            for (const std::size_t k : {n / 2, n}) {
                for (const std::size_t window : {std::size_t{1}, std::size_t{16}, k / 4, k}) {
                    const std::size_t start = k - std::min(k, window);
                    CAPTURE(k);
                    CAPTURE(start);
                    Hierarchy fullH(rc.config);
                    MissClassifier full(fullH);
                    LinesPerCache since(fullH.caches().size());
                    FanOutObserver both;
                    both.add(&full);
                    fullH.setObserver(&full);
                    for (std::size_t i = 0; i < start; ++i) fullH.access(rc.trace[i]);
                    both.add(&since);
                    fullH.setObserver(&both);
                    for (std::size_t i = start; i < k; ++i) fullH.access(rc.trace[i]);
                    Hierarchy h(rc.config);
                    ArrivalHistory history(h, seed % 2 == 0 ? 1 : ArrivalHistory::kMinRoom);
                    feedRestarted(h, history, rc.trace, start, k, seed);
                    REQUIRE(h.sameState(fullH));
                    ++(checkRestarted(history, h, full, since) ? complete : incomplete);
                }
            }
        }
    }
    CHECK(complete > 50);
    CHECK(incomplete > 50);
}
