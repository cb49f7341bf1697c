#pragma once
// Random valid configs with an mmu and random traces for the translation differential tests
// (mmu_differential_test.cpp), and the comparison of every counter of caches, memory, TLBs, walk
// caches and MmuStats. Everything derives from one seed (std::mt19937_64), so a failing case is
// reproduced by its seed alone:
//
//   MmuCase c = makeMmuCase(77);      // same config and trace on every run
//
// Configs: 4-32 frames of 4 KiB (so pages get replaced), the 4-level 9x4 or the 2-level 10/10 layout,
// sometimes one huge-page range (2 MiB or 1 GiB pages, with 4 levels only), sequential or random
// frames, fifo/lru/clock, 0-3 TLB levels (sometimes split ITLB/DTLB, or one side only), sometimes walk caches,
// walk_entry default, "memory" or the L2 cache, 1-2 NINE cache levels (L1 sometimes split).
// Traces: 300-500 references over a few dozen pages in a few clusters, some crossing a page
// boundary, a few of 16-64 bytes (crossing lines), reads/writes/fetches.

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/cache/stats.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/core/access.hpp"
#include "cachescope/mmu/mmu.hpp"
#include "reference/reference_mmu.hpp"
#include "reference/reference_model.hpp"

namespace cachescope::reference {

struct MmuCase {
    std::uint64_t seed = 0;
    SimConfig config;
    std::vector<Access> trace;
};

/// The case for `seed` (a pure function of it).
MmuCase makeMmuCase(std::uint64_t seed);

/// The config as JSON-like text, for failure messages (caches via describeConfig, plus mmu and tlbs).
std::string describeMmuConfig(const SimConfig& config);

/// Every counter of a simulation with translation, from either model.
struct MmuCounters {
    std::vector<CacheStats> caches;
    MemoryStats memory;
    std::vector<CacheStats> tlbs;
    std::vector<CacheStats> walkCaches;
    MmuStats mmu;
    std::uint64_t translationCycles = 0;
};

MmuCounters mmuCountersOf(const ReferenceModel& m);

/// "" if all counters agree, else the first differing one, e.g. "DTLB.misses: engine 3, reference 4".
/// TLBs and walk caches are compared by accesses(), misses() and evictions (not by kind).
std::string firstMmuDifference(const SimConfig& config, const MmuCounters& engine, const MmuCounters& ref);

struct MmuMismatch {
    std::size_t index = 0;
    std::string what;
};

/// Runs the engine and the reference in lockstep; the first access after which a counter differs.
template <class Engine, class EngineCounters>
std::optional<MmuMismatch> mmuLockstep(const SimConfig& config, const std::vector<Access>& trace,
                                       EngineCounters engineCounters) {
    Engine engine(config);
    ReferenceModel ref(config);
    for (std::size_t i = 0; i < trace.size(); ++i) {
        engine.access(trace[i]);
        ref.access(trace[i]);
        std::string d = firstMmuDifference(config, engineCounters(engine), mmuCountersOf(ref));
        if (!d.empty()) return MmuMismatch{i, std::move(d)};
    }
    return std::nullopt;
}

/// As mmuLockstep, comparing only every `every` accesses and at the end (lockstep again on a difference).
template <class Engine, class EngineCounters>
std::optional<MmuMismatch> mmuFirstMismatch(const SimConfig& config, const std::vector<Access>& trace,
                                            EngineCounters engineCounters, std::size_t every = 64) {
    Engine engine(config);
    ReferenceModel ref(config);
    for (std::size_t i = 0; i < trace.size(); ++i) {
        engine.access(trace[i]);
        ref.access(trace[i]);
        if ((i + 1) % every == 0 || i + 1 == trace.size()) {
            if (!firstMmuDifference(config, engineCounters(engine), mmuCountersOf(ref)).empty())
                return mmuLockstep<Engine>(config, trace, engineCounters);
        }
    }
    return std::nullopt;
}

/// The shortest differing prefix, then removal of chunks (halves, quarters, ... single accesses) while
/// a difference remains (the approach of differential.hpp). Updates `m` for the shrunk trace.
template <class Engine, class EngineCounters>
std::vector<Access> mmuShrinkTrace(const SimConfig& config, std::vector<Access> trace, MmuMismatch& m,
                                   EngineCounters engineCounters) {
    trace.resize(m.index + 1);
    for (std::size_t chunk = std::max<std::size_t>(1, trace.size() / 2);; chunk /= 2) {
        for (std::size_t i = 0; i < trace.size();) {
            std::vector<Access> shorter = trace;
            const std::size_t end = std::min(trace.size(), i + chunk);
            shorter.erase(shorter.begin() + static_cast<std::ptrdiff_t>(i),
                          shorter.begin() + static_cast<std::ptrdiff_t>(end));
            auto mm = shorter.empty() ? std::nullopt : mmuLockstep<Engine>(config, shorter, engineCounters);
            if (mm) {
                shorter.resize(mm->index + 1);
                trace = std::move(shorter);
                m = *mm;
            } else {
                i += chunk;
            }
        }
        if (chunk == 1) break;
    }
    return trace;
}

}  // namespace cachescope::reference
