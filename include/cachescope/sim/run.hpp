#pragma once
// Drives a simulator from a trace reader, block by block, with an optional progress callback.

#include <cstdint>
#include <functional>

#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

struct RunOptions {
    /// Called about every `progressInterval` accesses with the number simulated so far.
    std::function<void(std::uint64_t references)> onProgress;
    std::uint64_t progressInterval = std::uint64_t{1} << 22;
};

/// Reads `trace` to its end, simulating every access. Returns the number of accesses read
/// (trace->records() tells the records they came from).
/// Throws whatever the reader throws (TraceError, IoError); the simulator keeps what was simulated.
std::uint64_t runTrace(Simulator& simulator, TraceReader& trace, const RunOptions& options = {});

/// For OPT page replacement: reads `trace` (a first pass over the same trace the run will read) and
/// hands the simulator the future page references. Holds 16 bytes per page reference in memory.
void planFuture(Simulator& simulator, TraceReader& trace);

}  // namespace cachescope
