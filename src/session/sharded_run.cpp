// A whole run in shards (session/sharded_run.hpp).

#include "cachescope/session/sharded_run.hpp"

#include <cassert>

#include "cachescope/config/resources.hpp"
#include "cachescope/core/error.hpp"

namespace cachescope {

RunSummary runInShards(const SimConfig& config, const SourceSpec& source, const ShardPlan& plan,
                       const SessionOptions& options, const std::string& configPath) {
    assert(plan.shards >= 2 && !options.seekable && !options.classify);
    // The shards together hold about one sequential simulator's state (sim/parallel.hpp).
    checkMemoryBudget(config, source.memoryBudget != 0 ? source.memoryBudget : defaultMemoryBudget(),
                      options.configLabel);
    std::unique_ptr<TraceReader> reader = openSource(source);
    const TraceMetadata* meta = reader->metadata();
    ParallelSimulator sim(config, plan);
    if (options.attribution && meta != nullptr && meta->sites.size() > 1)
        sim.enableAttribution(static_cast<std::uint32_t>(meta->sites.size()));
    if (sim.needsFuture()) {
        requireRereadableForOpt(source);
        sim.planFutures([&source] { return openSource(source); });
    }
    RunOptions run;
    run.onProgress = options.onProgress;
    run.progressInterval = options.progressInterval;
    runTrace(sim, *reader, run);
    if (!sim.followedPlans())
        throw Error(
            "internal error: an \"opt\" policy saw other accesses than it was planned for; please report "
            "this with the config and trace");
    RunSummary summary =
        summarize(sim.merged(),
                  RunInfo{configPath, describeSource(source), std::string(toString(reader->format())), reader->records(),
                          reader->skippedLines(), describeSourceBriefly(source)},
                  meta, nullptr);
    summary.flush = sim.flushCounts();
    return summary;
}

}  // namespace cachescope
