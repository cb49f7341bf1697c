#pragma once
// How the caches of a config connect: which cache a miss goes to, which caches sit above which,
// the level of each. One computation shared by validation, default names and the Hierarchy
// (rules in docs/semantics.md, "The shape of the hierarchy").

#include <cstdint>
#include <vector>

#include "cachescope/config/config.hpp"

namespace cachescope {

struct Topology {
    static constexpr std::uint32_t kMemory = ~std::uint32_t{0};
    std::vector<std::uint32_t> next;                // next[c]: the cache c's misses go to, or kMemory
    std::vector<std::vector<std::uint32_t>> above;  // caches whose misses can reach c, ascending
    std::vector<std::uint32_t> level;               // 1 = first level
    std::vector<bool> reachable;                    // false: no reference can ever arrive at c
    std::uint32_t firstInstruction = kMemory;       // where fetches enter, or kMemory
    std::uint32_t firstData = kMemory;              // where reads and writes enter, or kMemory
};

/// Computes the topology of `caches` (any list; unreachable caches are flagged, not rejected).
Topology computeTopology(const std::vector<CacheConfig>& caches);

}  // namespace cachescope
