#include "cachescope/sim/run.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "cachescope/core/error.hpp"

namespace cachescope {

std::uint64_t runTrace(Simulator& simulator, TraceReader& trace, const RunOptions& options) {
    RunOptions applying = options;
    applying.onEvent = [&simulator, &options](const TraceEvent& e) {
        simulator.apply(e);
        if (options.onEvent) options.onEvent(e);
    };
    return forEachBlock(trace, [&simulator](std::span<const Access> block) { simulator.access(block); }, applying);
}

std::uint64_t forEachBlock(TraceReader& trace, const std::function<void(std::span<const Access>)>& consume,
                           const RunOptions& options) {
    // Control events: the reader hands them over with their positions; blocks are cut there. With
    // no onEvent the reader gets no sink, the queue stays empty, and every block goes whole: one
    // loop, no per-access check either way.
    TraceEventQueue events;
    const bool listening = static_cast<bool>(options.onEvent);
    if (listening) trace.setEventSink(&events);
    struct Unset {
        TraceReader& trace;
        bool set;
        ~Unset() {
            if (set) trace.setEventSink(nullptr);
        }
    } unset{trace, listening};
    std::array<Access, 4096> block;
    std::uint64_t total = 0;
    std::uint64_t nextProgress = options.progressInterval;
    for (;;) {
        const std::span<const Access> v = trace.view(block);  // no copy from a decode thread's blocks
        events.applyDue(total, options.onEvent);
        if (v.empty()) break;
        events.feed(v, total, consume, options.onEvent);
        if (options.onProgress && total >= nextProgress) {
            options.onProgress(total);
            nextProgress = total + options.progressInterval;
        }
    }
    return total;
}

void planFuture(Simulator& simulator, TraceReader& trace) {
    std::array<Access, 4096> block;
    std::vector<std::uint64_t> keys;
    for (;;) {
        const std::span<const Access> v = trace.view(block);
        if (v.empty()) break;
        simulator.planPages(v, keys);
    }
    simulator.setFuture(keys);
}

namespace {

/// True if no OPT structure's stream can depend on another OPT structure's choices: no OPT cache
/// has an OPT cache above it, and with OPT in a TLB or walk cache (whose misses walk, sending reads
/// into the caches) no cache uses OPT and no OPT TLB has an OPT TLB above it.
bool streamsIndependent(Simulator& sim) {
    const SimConfig& c = sim.config();
    const Hierarchy& h = sim.hierarchy();
    for (std::uint32_t i = 0; i < c.caches.size(); ++i) {
        if (c.caches[i].replacement != "opt") continue;
        for (const std::uint32_t a : h.above(i))
            if (c.caches[a].replacement == "opt") return false;
    }
    const Mmu* mmu = sim.mmu();
    if (mmu == nullptr) return true;
    const bool tlbOpt = std::any_of(c.tlbs.begin(), c.tlbs.end(), [](const TlbConfig& t) { return t.replacement == "opt"; });
    const bool walkOpt = std::any_of(c.mmu->walkCaches.begin(), c.mmu->walkCaches.end(),
                                     [](const WalkCacheConfig& w) { return w.replacement == "opt"; });
    const bool cacheOpt =
        std::any_of(c.caches.begin(), c.caches.end(), [](const CacheConfig& x) { return x.replacement == "opt"; });
    if ((tlbOpt || walkOpt) && cacheOpt) return false;
    if (tlbOpt && walkOpt) return false;
    for (std::uint32_t t = 0; t < c.tlbs.size(); ++t) {
        if (c.tlbs[t].replacement != "opt") continue;
        for (const std::uint32_t a : mmu->tlbTopology().above[t])
            if (c.tlbs[a].replacement == "opt") return false;
    }
    if (walkOpt && c.mmu->walkCaches.size() > 1) return false;  // a walk cache hit skips the others
    return true;
}

}  // namespace

unsigned planFutures(Simulator& simulator, const TraceOpener& open) {
    unsigned passes = 0;
    if (simulator.needsPageFuture()) {
        planFuture(simulator, *open());
        ++passes;
    }
    const std::size_t n = simulator.optPolicies().size();
    if (n == 0) return passes;
    const bool onePass = streamsIndependent(simulator);
    std::vector<std::shared_ptr<const std::vector<std::uint64_t>>> futures(n);
    std::vector<std::uint64_t> hashes(n, 0), counts(n, 0);
    for (std::size_t round = 0; round <= n + 1; ++round) {
        Simulator pass = simulator;  // the same initial state, page future included
        pass.setObservers(nullptr, nullptr);  // the passes are silent
        const std::vector<OptPolicy*> opts = pass.optPolicies();
        for (std::size_t i = 0; i < n; ++i) {
            if (futures[i]) opts[i]->setFuture(futures[i], hashes[i]);
            opts[i]->startRecording();
        }
        runTrace(pass, *open());
        ++passes;
        bool settled = round > 0;
        for (std::size_t i = 0; i < n; ++i)
            settled = settled && opts[i]->streamHash() == hashes[i] && opts[i]->arrivals() == counts[i];
        if (!settled) {
            for (std::size_t i = 0; i < n; ++i) {
                hashes[i] = opts[i]->streamHash();
                counts[i] = opts[i]->arrivals();
                std::vector<std::uint64_t> lines = opts[i]->takeRecording();
                OptPolicy::nextUses(lines);
                futures[i] = std::make_shared<const std::vector<std::uint64_t>>(std::move(lines));
            }
        }
        if (settled || onePass) {
            const std::vector<OptPolicy*> target = simulator.optPolicies();
            for (std::size_t i = 0; i < n; ++i) target[i]->setFuture(futures[i], hashes[i]);
            return passes;
        }
    }
    throw ConfigError("replacement \"opt\": the accesses reaching the OPT caches and TLBs still changed after " +
                      std::to_string(passes) +
                      " passes over the trace (each depends on the others' choices); use opt in fewer levels");
}

}  // namespace cachescope
