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
#include "reference/differential.hpp"
#include "reference/reference_model.hpp"

namespace cachescope::reference {

struct MmuCase {
    std::uint64_t seed = 0;
    SimConfig config;
    std::vector<Access> trace;
};

/// The case for `seed` (a pure function of it).
MmuCase makeMmuCase(std::uint64_t seed);
/// makeMmuCase(seed) run as 2-4 processes (docs/mmu.md, "Processes"): the trace cut into turns of
/// 1-40 references, each of a random process; each TLB's asid and the page replacement scope drawn
/// from a second generator seeded from `seed`.
MmuCase makeProcessCase(std::uint64_t seed);

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

using MmuMismatch = Mismatch;

/// The MMU differential: caches, memory, TLBs, walk caches and MmuStats (the harness of differential.hpp).
template <class Engine, class EngineCounters>
auto mmuDiff(const SimConfig& config, EngineCounters engineCounters) {
    return [&config, engineCounters](Engine& e, const ReferenceModel& r) {
        return firstMmuDifference(config, engineCounters(e), mmuCountersOf(r));
    };
}

template <class Engine, class EngineCounters>
std::optional<MmuMismatch> mmuLockstep(const SimConfig& config, const std::vector<Access>& trace,
                                       EngineCounters engineCounters) {
    return lockstepWith<Engine>(config, trace, mmuDiff<Engine>(config, engineCounters));
}

template <class Engine, class EngineCounters>
std::optional<MmuMismatch> mmuFirstMismatch(const SimConfig& config, const std::vector<Access>& trace,
                                            EngineCounters engineCounters, std::size_t every = 64) {
    return firstMismatchWith<Engine>(config, trace, mmuDiff<Engine>(config, engineCounters), every);
}

template <class Engine, class EngineCounters>
std::vector<Access> mmuShrinkTrace(const SimConfig& config, std::vector<Access> trace, MmuMismatch& m,
                                   EngineCounters engineCounters) {
    return shrinkTraceWith<Engine>(config, std::move(trace), m, mmuDiff<Engine>(config, engineCounters));
}

}  // namespace cachescope::reference
