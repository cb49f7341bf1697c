// Sweeps (analysis/sweep.hpp): running them. One run is one Session (plan -> run -> check, as
// every front end does it); the worker pool claims runs in index order on `jobs` threads.

#include "cachescope/analysis/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "cachescope/core/error.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/session/session.hpp"

namespace cachescope {

// ---- running -----------------------------------------------------------------------------------

SweepRow runSweepOne(const SweepPlan& plan, const SweepOpener& open, std::uint64_t index) {
    const SweepIdentity& id = plan.identity();
    SweepRow row;
    row.index = index;
    row.combination = index / id.traces.size();
    row.trace = static_cast<std::size_t>(index % id.traces.size());
    row.values = id.values(row.combination);
    row.traceLabel = id.traces[row.trace];
    const SimConfig* config = plan.config(row.combination);
    if (config == nullptr) {
        row.error = plan.error(row.combination);
        return row;
    }
    // One run: plan (OPT) -> run -> check, as every front end does it (session/session.hpp).
    SessionOptions options;
    options.attribution = false;  // the table has no per-site columns
    Session session(*config, SourceSpec::custom([&open, &row] { return open(row.trace); }, row.traceLabel), options);
    session.runToEnd();  // throws if OPT did not follow its plans (an internal error)
    const RunSummary s = session.summary(id.configFile);
    for (const LevelSummary& l : s.levels) row.levels.push_back({l.stats.accesses(), l.stats.misses()});
    row.memoryReads = s.memory.reads;
    row.memoryWrites = s.memory.writes;
    row.totalCycles = s.totalCycles;
    row.amat = s.amat;
    if (s.translation) {
        for (const LevelSummary& t : s.translation->tlbs) row.tlbs.push_back({t.stats.accesses(), t.stats.misses()});
        row.pageFaults = s.translation->pageFaults;
        row.walks = s.translation->walks;
    }
    return row;
}

SweepTable runSweep(const SweepPlan& plan, const SweepOpener& open, const SweepOptions& options) {
    if (options.shard.count == 0 || options.shard.index >= options.shard.count)
        throw UsageError("sweep: shard " + std::to_string(options.shard.index) + "/" +
                         std::to_string(options.shard.count) + " out of range");
    const std::vector<std::uint64_t> runs = plan.shardRuns(options.shard);
    std::vector<SweepRow> rows(runs.size());
    std::vector<std::exception_ptr> errors(runs.size());
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex progress;
    std::uint64_t done = 0;

    // Runs are claimed in index order and a claimed run always finishes, so when a run fails every
    // run of a lower index has been (or is being) simulated: the lowest failure is the same for
    // any number of workers.
    auto worker = [&] {
        while (!failed.load()) {
            const std::size_t k = next.fetch_add(1);
            if (k >= runs.size()) return;
            try {
                rows[k] = runSweepOne(plan, open, runs[k]);
            } catch (...) {
                errors[k] = std::current_exception();
                failed.store(true);
            }
            if (options.onRunDone) {
                const std::lock_guard<std::mutex> lock(progress);
                options.onRunDone(++done, runs.size());
            }
        }
    };
    const std::size_t jobs = std::clamp<std::size_t>(options.jobs, 1, std::max<std::size_t>(runs.size(), 1));
    if (jobs == 1) {
        worker();
    } else {
        std::vector<std::jthread> threads;
        for (std::size_t t = 0; t < jobs; ++t) threads.emplace_back(worker);
    }  // joined here
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);

    SweepTable table;
    table.identity = plan.identity();
    table.identity.shard = options.shard;
    table.rows = std::move(rows);
    return table;
}

}  // namespace cachescope
