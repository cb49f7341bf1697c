#pragma once
// How far each cache and TLB is from optimal: its misses under Belady's OPT on the same stream.
//
// For each cache level L (split L1I/L1D together), the trace is simulated again with only level L's
// caches switched to "opt"; everything above L is unchanged, so the stream reaching L is the same
// access for access, and misses(L) - optMisses(L) is exactly how many misses L's policy takes above
// optimal on what it was given. The same is done for each TLB level. Example (teaching config,
// traces/thrash-one-set.trace): L1 LRU takes 12 misses, OPT 7, so L1 is 5 misses above optimal.
//
// Cost: each level is planned and simulated anew (sim/run.hpp planFutures: 2 extra passes over
// the trace per level). A level where "opt" is not allowed (below the first level of an inclusive
// hierarchy) gets no figure; walk caches are not compared.

#include <cstdint>
#include <optional>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/sim/run.hpp"

namespace cachescope {

struct OptComparison {
    std::vector<std::optional<std::uint64_t>> cacheMisses;  // per cache (config order); nullopt = not allowed
    std::vector<std::optional<std::uint64_t>> tlbMisses;    // per TLB (config order)
};

/// The OPT misses of every cache and TLB of `config` (valid), each level switched on its own.
/// `open` reopens the trace (called several times per level).
OptComparison compareWithOpt(const SimConfig& config, const TraceOpener& open);

}  // namespace cachescope
