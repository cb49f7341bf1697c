#pragma once
// Drives a simulator from a trace reader, block by block, with an optional progress callback.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

struct RunOptions {
    /// Called about every `progressInterval` accesses with the number simulated so far.
    std::function<void(std::uint64_t references)> onProgress;
    std::uint64_t progressInterval = std::uint64_t{1} << 22;
    /// Called with each control event of the trace (msync; trace/event.hpp) after exactly the
    /// accesses before it were consumed and before any after it: blocks are cut where events are.
    /// Unset: the events are dropped (runTrace sets it to apply msyncs).
    std::function<void(const TraceEvent& event)> onEvent;
};

/// The loop of runTrace for any consumer of blocks (sim/parallel.hpp's split pass too): reads
/// `trace` to its end, handing `consume` each block in order, with options' progress. Returns the
/// number of accesses read. Throws whatever the reader throws.
std::uint64_t forEachBlock(TraceReader& trace, const std::function<void(std::span<const Access>)>& consume,
                           const RunOptions& options = {});

/// Reads `trace` to its end, simulating every access and applying each msync event of the trace
/// (Simulator::apply) at its place (options.onEvent, if set, is called after it). Returns the
/// number of accesses read (trace->records() tells the records they came from).
/// Throws whatever the reader throws (TraceError, IoError); the simulator keeps what was simulated.
std::uint64_t runTrace(Simulator& simulator, TraceReader& trace, const RunOptions& options = {});

/// For OPT page replacement: reads `trace` (a first pass over the same trace the run will read) and
/// hands the simulator the future page references. Holds 16 bytes per page reference in memory.
void planFuture(Simulator& simulator, TraceReader& trace);

/// Opens the same trace again; every call must give the same accesses.
using TraceOpener = std::function<std::unique_ptr<TraceReader>()>;

/// Learns every future the config needs, before the run (nothing if simulator.needsFuture() is false):
///  - OPT page replacement: one pass recording page keys (planFuture);
///  - OPT replacement in caches, TLBs and walk caches: passes over copies of `simulator` (observers
///    detached) that record the lines reaching each OPT structure; next uses are computed backward
///    and handed to the next pass. When no OPT structure lies below another (e.g. only L1s, or only
///    TLBs with plain caches) one pass suffices; otherwise passes repeat until every stream is the
///    one its future was planned from (at most one pass per OPT structure, plus one).
/// Memory: 8 bytes per access reaching each OPT structure. Returns the number of passes read.
/// Throws ConfigError if the streams do not settle. After the run, simulator.followedPlans() must
/// hold (the front ends check it).
unsigned planFutures(Simulator& simulator, const TraceOpener& open);

}  // namespace cachescope
