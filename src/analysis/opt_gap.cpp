#include "cachescope/analysis/opt_gap.hpp"

#include <algorithm>

#include "cachescope/config/topology.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/sim/simulator.hpp"

namespace cachescope {

namespace {

/// Runs `config` with its futures planned; nullopt if the config does not validate (opt not allowed).
std::optional<Simulator> runOpt(const SimConfig& config, const TraceOpener& open) {
    try {
        validate(config);
    } catch (const ConfigError&) {
        return std::nullopt;
    }
    Simulator sim(config);
    planFutures(sim, open);
    runTrace(sim, *open());
    if (!sim.followedPlans())
        throw Error("internal error: an \"opt\" policy saw other accesses than it was planned for");
    return sim;
}

}  // namespace

OptComparison compareWithOpt(const SimConfig& config, const TraceOpener& open) {
    OptComparison out;
    out.cacheMisses.assign(config.caches.size(), std::nullopt);
    out.tlbMisses.assign(config.tlbs.size(), std::nullopt);

    const Topology caches = computeTopology(config.caches);
    std::uint32_t deepest = 0;
    for (std::uint32_t c = 0; c < config.caches.size(); ++c) deepest = std::max(deepest, caches.level[c]);
    for (std::uint32_t level = 1; level <= deepest; ++level) {
        SimConfig variant = config;
        for (std::uint32_t c = 0; c < variant.caches.size(); ++c)
            if (caches.level[c] == level) variant.caches[c].replacement = "opt";
        const std::optional<Simulator> sim = runOpt(variant, open);
        if (!sim) continue;
        for (std::uint32_t c = 0; c < config.caches.size(); ++c)
            if (caches.level[c] == level) out.cacheMisses[c] = sim->hierarchy().caches()[c].stats().misses();
    }

    if (config.tlbs.empty() || !config.mmu) return out;
    const Topology tlbs = Simulator(config).mmu()->tlbTopology();
    deepest = 0;
    for (std::uint32_t t = 0; t < config.tlbs.size(); ++t) deepest = std::max(deepest, tlbs.level[t]);
    for (std::uint32_t level = 1; level <= deepest; ++level) {
        SimConfig variant = config;
        for (std::uint32_t t = 0; t < variant.tlbs.size(); ++t)
            if (tlbs.level[t] == level) variant.tlbs[t].replacement = "opt";
        const std::optional<Simulator> sim = runOpt(variant, open);
        if (!sim) continue;
        for (std::uint32_t t = 0; t < config.tlbs.size(); ++t)
            if (tlbs.level[t] == level) out.tlbMisses[t] = sim->mmu()->tlbs()[t].stats().misses();
    }
    return out;
}

}  // namespace cachescope
