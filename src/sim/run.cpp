#include "cachescope/sim/run.hpp"

#include <array>

namespace cachescope {

std::uint64_t runTrace(Simulator& simulator, TraceReader& trace, const RunOptions& options) {
    std::array<Access, 4096> block;
    std::uint64_t total = 0;
    std::uint64_t nextProgress = options.progressInterval;
    for (;;) {
        const std::size_t n = trace.read(block);
        if (n == 0) break;
        simulator.access(std::span<const Access>(block.data(), n));
        total += n;
        if (options.onProgress && total >= nextProgress) {
            options.onProgress(total);
            nextProgress = total + options.progressInterval;
        }
    }
    return total;
}

void planFuture(Simulator& simulator, TraceReader& trace) {
    std::array<Access, 4096> block;
    std::vector<std::uint64_t> keys;
    for (;;) {
        const std::size_t n = trace.read(block);
        if (n == 0) break;
        simulator.planPages(std::span<const Access>(block.data(), n), keys);
    }
    simulator.setFuture(keys);
}

}  // namespace cachescope
