// Session against straight runs on random configs (tests/reference's generators): step, seek and
// runUntil must reach exactly the state of a plain Simulator fed the same accesses from the start
// (Simulator::sameState, and the 3C counts of a MissClassifier attached to that plain run).
// runUntil must stop exactly where a naive search (step(1), compare the counters before and after)
// finds the first reference causing the event.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/analysis/miss_classes.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/sim/run.hpp"
#include "cachescope/trace/binary.hpp"
#include "reference/mmu_random_case.hpp"
#include "reference/random_case.hpp"

namespace cachescope {
namespace {

/// A source over `trace` that is not a file: the accesses encoded as a binary trace in memory,
/// decoded afresh by every open.
SourceSpec memorySource(const std::vector<Access>& trace) {
    std::ostringstream out;
    const auto writer = makeBinaryTraceWriter(out, TraceMetadata{});
    writer->write(trace);
    writer->finish();
    auto bytes = std::make_shared<const std::string>(std::move(out).str());
    return SourceSpec::custom(
        [bytes] { return openTrace(std::make_unique<std::istringstream>(*bytes), "random case"); }, "random case");
}

/// The reference: a plain Simulator (OPT planned from the same accesses) with a classifier attached,
/// run once from the start; `at(n)` is its state after the first n accesses.
class StraightRun {
public:
    StraightRun(const SimConfig& config, const std::vector<Access>& trace, const SourceSpec& source)
        : trace_(trace), sim_(config), classes_(sim_.hierarchy()) {
        if (sim_.needsFuture()) planFutures(sim_, [&source] { return openSource(source); });
        sim_.setObservers(&classes_, nullptr);
        states_.emplace(0, State{sim_, classes_});
    }
    struct State {
        Simulator sim;
        MissClassifier classes;
    };
    /// The state after `n` accesses (the run goes forward as far as needed; earlier states are kept).
    const State& at(std::uint64_t n) {
        if (const auto it = states_.find(n); it != states_.end()) return it->second;
        auto it = std::prev(states_.upper_bound(n));
        sim_ = it->second.sim;
        classes_ = it->second.classes;
        sim_.setObservers(&classes_, nullptr);
        for (std::uint64_t i = it->first; i < n; ++i) sim_.access(trace_[i]);
        return states_.emplace(n, State{sim_, classes_}).first->second;
    }

private:
    const std::vector<Access>& trace_;
    Simulator sim_;
    MissClassifier classes_;
    std::map<std::uint64_t, State> states_;
};

/// Checks the session's state against the straight run's after `n` references.
void checkState(const Session& s, StraightRun& straight, std::uint64_t n) {
    REQUIRE(s.position() == n);
    const StraightRun::State& want = straight.at(n);
    CHECK(s.simulator().sameState(want.sim));
    REQUIRE(s.classifier() != nullptr);
    for (std::uint32_t c = 0; c < want.classes.caches(); ++c)
        CHECK(s.classifier()->counts(c) == want.classes.counts(c));
}

/// Random configs: each family of random_case (caches only), the mmu cases (TLBs, walk caches,
/// paging), and variants with OPT as a first-level cache's policy, as a TLB's, and as page replacement.
struct Case {
    std::string name;
    SimConfig config;
    std::vector<Access> trace;
};

std::vector<Case> randomCases() {
    using namespace reference;
    std::vector<Case> cases;
    std::uint64_t seed = 900;
    for (const Family f : {Family::SingleLevel, Family::TwoLevelNine, Family::WriteMix, Family::Inclusive,
                           Family::Exclusive, Family::SplitL1, Family::ThreeLevels}) {
        RandomCase rc = makeCase(f, seed++);
        cases.push_back({std::string(familyName(f)) + " seed " + std::to_string(rc.seed), rc.config, rc.trace});
    }
    for (int i = 0; i < 4; ++i) {
        MmuCase mc = makeMmuCase(seed++);
        cases.push_back({"mmu seed " + std::to_string(mc.seed), mc.config, mc.trace});
    }
    // OPT variants; a variant that does not validate (opt not plannable there) tries the next seed.
    auto addValid = [&cases](std::string name, SimConfig config, std::vector<Access> trace) {
        try {
            validate(config);
        } catch (const ConfigError&) {
            return false;
        }
        cases.push_back({std::move(name), std::move(config), std::move(trace)});
        return true;
    };
    for (std::uint64_t s = seed;; ++s) {
        RandomCase rc = makeCase(Family::TwoLevelNine, s);
        rc.config.caches[0].replacement = "opt";
        if (addValid("opt L1, seed " + std::to_string(s), rc.config, rc.trace)) break;
    }
    for (std::uint64_t s = seed;; ++s) {
        MmuCase mc = makeMmuCase(s);
        mc.config.mmu->pageReplacement = PageReplacementKind::Opt;
        if (addValid("opt page replacement, mmu seed " + std::to_string(s), mc.config, mc.trace)) break;
    }
    for (std::uint64_t s = seed;; ++s) {
        MmuCase mc = makeMmuCase(s);
        if (mc.config.tlbs.empty()) continue;
        mc.config.tlbs[0].replacement = "opt";
        if (addValid("opt TLB, mmu seed " + std::to_string(s), mc.config, mc.trace)) break;
    }
    return cases;
}

SessionOptions seekableOptions(std::uint64_t checkpointMemory) {
    SessionOptions o;
    o.seekable = true;
    o.classify = true;
    o.checkpointMemory = checkpointMemory;
    o.minCheckpointInterval = 1;  // the random traces are short: checkpoints every few references
    return o;
}

TEST_CASE("session: step and seek reach the straight run's state on random configs (MMU, paging, OPT)") {
    for (const Case& c : randomCases()) {
        CAPTURE(c.name);
        const SourceSpec source = memorySource(c.trace);
        StraightRun straight(c.config, c.trace, source);
        const std::uint64_t n = c.trace.size();
        // A budget of a few checkpoints, so that seeks cross several of them (the interval is
        // the trace's length over the number of snapshots that fit).
        Session probe(c.config, source, seekableOptions(~std::uint64_t{0}));
        REQUIRE(probe.checkpointInterval() == 1);  // an unlimited budget: a checkpoint per reference
        Session s(c.config, source, seekableOptions(probe.checkpointBytes() * 6));
        REQUIRE(s.length() == n);
        const std::uint64_t k = s.checkpointInterval();
        CAPTURE(k);
        CHECK(k > 1);
        CHECK(k < n);

        // Forward in uneven steps (checkpoints are taken on the way).
        std::mt19937_64 rng(n);
        while (s.position() < n) {
            const std::uint64_t before = s.position();
            const std::uint64_t step = 1 + rng() % (2 * k);
            CHECK(s.step(step) == std::min(step, n - before));
            checkState(s, straight, s.position());
        }
        CHECK(s.atEnd());
        // Checkpoint boundaries and their neighbours, backward.
        for (std::uint64_t j = n / k + 1; j-- > 0;) {
            for (const std::uint64_t at : {j * k, j * k + 1, j * k == 0 ? 0 : j * k - 1}) {
                if (at > n) continue;
                s.seek(at);
                checkState(s, straight, at);
            }
        }
        // Random positions, forward and backward; stepBack; reset.
        for (int i = 0; i < 20; ++i) {
            const std::uint64_t at = rng() % (n + 1);
            s.seek(at);
            checkState(s, straight, at);
            if (at > 0 && i % 3 == 0) {
                s.stepBack(1);
                checkState(s, straight, at - 1);
            }
        }
        s.reset();
        checkState(s, straight, 0);
        CHECK(s.runToEnd() == n);  // and OPT followed its plans (checkPlans would throw)
        checkState(s, straight, n);
        CHECK(s.checkpointBytes() <= probe.checkpointBytes() * 6);
    }
}

// ---- runUntil against a naive search --------------------------------------------------------------

/// The counter a StopCondition watches, read off the simulator (nullopt for TensorAccess).
std::uint64_t counter(const Simulator& sim, const StopCondition& c) {
    std::uint64_t total = 0;
    auto overCaches = [&](auto get) {
        const auto& caches = sim.hierarchy().caches();
        for (std::uint32_t i = 0; i < caches.size(); ++i)
            if (!c.structure || *c.structure == i) total += get(caches[i].stats());
    };
    switch (c.kind) {
        case StopKind::Miss:
            overCaches([](const CacheStats& s) { return s.misses(); });
            break;
        case StopKind::Eviction:
            overCaches([](const CacheStats& s) { return s.evictions; });
            break;
        case StopKind::WriteBack:
            overCaches([](const CacheStats& s) { return s.writebacks; });
            break;
        case StopKind::TlbMiss:
            for (std::uint32_t t = 0; sim.mmu() != nullptr && t < sim.mmu()->tlbs().size(); ++t)
                if (!c.structure || *c.structure == t) total += sim.mmu()->tlbs()[t].stats().misses();
            break;
        case StopKind::PageFault:
            total = sim.mmu() != nullptr ? sim.mmu()->stats().pageFaults : 0;
            break;
        case StopKind::TensorAccess:
            break;
    }
    return total;
}

/// The naive search: from `from`, step one reference at a time until the counter moves (or the
/// trace touches the region); returns the position after that reference, nullopt if none does.
std::optional<std::uint64_t> naiveStop(Session& s, std::uint64_t from, const StopCondition& c,
                                       const std::vector<Access>& trace, const TraceMetadata* meta) {
    s.seek(from);
    while (!s.atEnd()) {
        const std::uint64_t before = counter(s.simulator(), c);
        const Access a = trace[s.position()];
        s.step(1);
        if (c.kind == StopKind::TensorAccess) {
            const Region& r = meta->regions[c.region];
            for (std::uint64_t byte = a.address; byte <= a.address + (a.size - 1); ++byte)
                if (r.contains(byte)) return s.position();
        } else if (counter(s.simulator(), c) != before) {
            return s.position();
        }
    }
    return std::nullopt;
}

void checkRunUntil(const SimConfig& config, const std::vector<Access>& trace, const SourceSpec& source,
                   const std::vector<StopCondition>& conditions) {
    SessionOptions o = seekableOptions(std::uint64_t{64} << 20);
    Session fast(config, source, o);
    Session naive(config, source, o);
    std::mt19937_64 rng(trace.size());
    for (const StopCondition& c : conditions) {
        CAPTURE(static_cast<int>(c.kind));
        CAPTURE(c.structure.value_or(999));
        for (int i = 0; i < 6; ++i) {
            const std::uint64_t from = i == 0 ? 0 : rng() % trace.size();
            CAPTURE(from);
            const std::optional<std::uint64_t> want = naiveStop(naive, from, c, trace, naive.metadata());
            fast.seek(from);
            const bool met = fast.runUntil(c);
            CHECK(met == want.has_value());
            CHECK(fast.position() == want.value_or(trace.size()));
            // Stopped right after the event: the state is the straight run's there.
            CHECK(fast.simulator().sameState(naive.simulator()) == (naive.position() == fast.position()));
            // A limit stops it early, without the event.
            if (want && *want > from + 1) {
                fast.seek(from);
                CHECK(!fast.runUntil(c, *want - from - 1));
                CHECK(fast.position() == *want - 1);
            }
        }
    }
}

TEST_CASE("session: runUntil stops right after the first reference a naive search finds") {
    std::vector<Case> cases = randomCases();
    for (const Case& c : cases) {
        CAPTURE(c.name);
        std::vector<StopCondition> conditions;
        for (const StopKind k : {StopKind::Miss, StopKind::Eviction, StopKind::WriteBack}) {
            conditions.push_back({k, std::nullopt, 0});
            for (std::uint32_t i = 0; i < c.config.caches.size(); ++i) conditions.push_back({k, i, 0});
        }
        if (c.config.mmu) conditions.push_back({StopKind::PageFault, std::nullopt, 0});
        if (!c.config.tlbs.empty()) {
            conditions.push_back({StopKind::TlbMiss, std::nullopt, 0});
            for (std::uint32_t t = 0; t < c.config.tlbs.size(); ++t) conditions.push_back({StopKind::TlbMiss, t, 0});
        }
        checkRunUntil(c.config, c.trace, memorySource(c.trace), conditions);
    }
}

TEST_CASE("session: runUntil a tensor access stops at the first reference to that region (matmul's A, B, C)") {
    const SimConfig config = loadConfig(std::string(CACHESCOPE_SOURCE_DIR) + "/configs/teaching.json");
    const SourceSpec source = SourceSpec::kernelRun("matmul", {"n=6", "order=ikj"});
    std::vector<Access> trace;
    {
        std::unique_ptr<TraceReader> r = openSource(source);
        std::array<Access, 256> block;
        for (std::size_t n; (n = r->read(block)) != 0;) trace.insert(trace.end(), block.begin(), block.begin() + n);
    }
    Session probe(config, source, seekableOptions(1 << 20));
    REQUIRE(probe.metadata() != nullptr);
    std::vector<StopCondition> conditions;
    for (std::uint32_t r = 0; r < probe.metadata()->regions.size(); ++r)
        conditions.push_back({StopKind::TensorAccess, std::nullopt, r});
    REQUIRE(conditions.size() >= 3);
    checkRunUntil(config, trace, source, conditions);
}

TEST_CASE("session: runUntil refuses events that cannot happen") {
    const reference::RandomCase rc = reference::makeCase(reference::Family::TwoLevelNine, 3);  // 2 caches, no mmu
    Session s(rc.config, memorySource(rc.trace));
    CHECK_THROWS_WITH_AS(s.runUntil({StopKind::Miss, 2, 0}), "runUntil: there is no cache 2 (the config has 2)",
                         UsageError);
    CHECK_THROWS_WITH_AS(s.runUntil({StopKind::TlbMiss, std::nullopt, 0}),
                         "runUntil: a TLB miss cannot happen: the config has no TLB", UsageError);
    CHECK_THROWS_WITH_AS(s.runUntil({StopKind::PageFault, std::nullopt, 0}),
                         "runUntil: a page fault cannot happen: the config has no mmu", UsageError);
    CHECK_THROWS_WITH_AS(s.runUntil({StopKind::TensorAccess, std::nullopt, 0}),
                         "runUntil: there is no region 0 (the source has 0)", UsageError);
    CHECK(s.position() == 0);  // nothing was simulated
    CHECK(s.runUntil({StopKind::Miss, 1, 0}));
}

TEST_CASE("session: a replay spilled to a temporary file seeks exactly as one in memory") {
    const reference::MmuCase mc = reference::makeMmuCase(4242);
    // Long enough for several binary blocks (65,536 accesses each): the trace repeated.
    std::vector<Access> trace;
    while (trace.size() < 150000) trace.insert(trace.end(), mc.trace.begin(), mc.trace.end());
    const SourceSpec source = memorySource(trace);
    SessionOptions inMemory = seekableOptions(std::uint64_t{16} << 20);
    SessionOptions spilled = inMemory;
    spilled.replayMemory = 1000;  // bytes: the blocks go to the file
    Session a(mc.config, source, inMemory);
    Session b(mc.config, source, spilled);
    REQUIRE(a.length() == trace.size());
    REQUIRE(b.length() == trace.size());
    // The spilled session holds the header and the block index in memory, not the blocks.
    CHECK(b.replayBytes() + trace.size() / 2 < a.replayBytes());
    std::mt19937_64 rng(7);
    for (int i = 0; i < 12; ++i) {
        const std::uint64_t at = rng() % (trace.size() + 1);
        CAPTURE(at);
        a.seek(at);
        b.seek(at);
        CHECK(b.simulator().sameState(a.simulator()));
        if (at < trace.size()) CHECK(b.referenceAt(at) == trace[at]);
    }
    // Around the position (from the window) and far from it (decoding a block).
    b.seek(70000);
    for (const std::uint64_t at : {std::uint64_t{69999}, std::uint64_t{70000}, std::uint64_t{70001},
                                   std::uint64_t{70000 + 4095}, std::uint64_t{70000 + 4096}, std::uint64_t{3}})
        CHECK(b.referenceAt(at) == trace[at]);
    // Every block decodes back to the accesses it was made of.
    for (const std::uint64_t at : {std::uint64_t{0}, std::uint64_t{65535}, std::uint64_t{65536}, std::uint64_t{131072},
                                   std::uint64_t{trace.size() - 1}})
        CHECK(b.referenceAt(at) == trace[at]);
}

TEST_CASE("session: a streaming session goes forward only") {
    const reference::RandomCase rc = reference::makeCase(reference::Family::TwoLevelNine, 5);
    Session s(rc.config, memorySource(rc.trace));
    CHECK(!s.length().has_value());
    CHECK(s.step(10) == 10);
    CHECK_THROWS_AS(s.seek(3), UsageError);
    CHECK_THROWS_AS(s.referenceAt(3), UsageError);
    CHECK(s.runToEnd() == rc.trace.size() - 10);
    CHECK(s.length() == rc.trace.size());  // known once the end was reached
    CHECK(s.replayBytes() == 0);
}

}  // namespace
}  // namespace cachescope
