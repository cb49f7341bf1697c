#pragma once
// A whole run of a session's source split into shards (`run --threads N`, sim/parallel.hpp): what
// a streaming Session's runToEnd + summary do, with the simulation on plan.shards threads.

#include "cachescope/config/config.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/sim/parallel.hpp"

namespace cachescope {

/// Checks the config against the memory budget and opens `source` as Session does, attributes by
/// site when the source has sites, plans OPT's futures (per shard; standard input refused), reads
/// the source to its end through a ParallelSimulator and returns the report of the merged
/// counters (with the shards' end-of-run flush), equal to a sequential run's. Uses options.onProgress,
/// progressInterval and configLabel (seekable and classify are not supported: `plan` is for a
/// streaming run without observers). plan.shards must be >= 2.
RunSummary runInShards(const SimConfig& config, const SourceSpec& source, const ShardPlan& plan,
                       const SessionOptions& options, const std::string& configPath);

}  // namespace cachescope
