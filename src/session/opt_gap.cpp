#include "cachescope/analysis/opt_gap.hpp"

#include <algorithm>

#include "cachescope/config/topology.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/session/session.hpp"
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
    SessionOptions options;
    options.attribution = false;  // only the misses are read
    Session session(config, SourceSpec::custom(open, ""), options);
    session.runToEnd();  // plan -> run -> check
    return session.simulator();
}

}  // namespace

OptComparison compareWithOpt(const SimConfig& config, const TraceOpener& open) {
    // For each level of one kind of structure (caches, or TLBs): switch that level to opt, run,
    // and keep the misses of its members. `policies` picks the config's list of that kind, `misses`
    // reads a member's misses off the finished simulator.
    auto byLevel = [&](const std::vector<std::uint32_t>& levelOf, auto policies, auto misses,
                       std::vector<std::optional<std::uint64_t>>& out) {
        out.assign(levelOf.size(), std::nullopt);
        const std::uint32_t deepest = levelOf.empty() ? 0 : *std::max_element(levelOf.begin(), levelOf.end());
        for (std::uint32_t level = 1; level <= deepest; ++level) {
            SimConfig variant = config;
            for (std::uint32_t i = 0; i < levelOf.size(); ++i)
                if (levelOf[i] == level) policies(variant)[i].replacement = "opt";
            const std::optional<Simulator> sim = runOpt(variant, open);
            if (!sim) continue;
            for (std::uint32_t i = 0; i < levelOf.size(); ++i)
                if (levelOf[i] == level) out[i] = misses(*sim, i);
        }
    };
    OptComparison out;
    byLevel(
        computeTopology(config.caches).level, [](SimConfig& c) -> auto& { return c.caches; },
        [](const Simulator& sim, std::uint32_t i) { return sim.hierarchy().caches()[i].stats().misses(); },
        out.cacheMisses);
    if (config.tlbs.empty() || !config.mmu) {
        out.tlbMisses.assign(config.tlbs.size(), std::nullopt);
        return out;
    }
    byLevel(
        Simulator(config).mmu()->tlbTopology().level, [](SimConfig& c) -> auto& { return c.tlbs; },
        [](const Simulator& sim, std::uint32_t i) { return sim.mmu()->tlbs()[i].stats().misses(); }, out.tlbMisses);
    return out;
}

}  // namespace cachescope
