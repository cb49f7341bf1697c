// Builds a RunSummary from a finished Hierarchy (kept apart from the printers, which need no engine).

#include "cachescope/config/config.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/sim/hierarchy.hpp"

namespace cachescope {

RunSummary summarize(const Hierarchy& hierarchy, const RunInfo& info) {
    RunSummary s;
    s.info = info;
    s.references = hierarchy.references();
    const auto& caches = hierarchy.caches();
    for (std::uint32_t i = 0; i < caches.size(); ++i) {
        s.levels.push_back({caches[i].name(), hierarchy.level(i), caches[i].config().latency, caches[i].stats()});
    }
    s.memory = hierarchy.memory();
    s.memoryLatency = hierarchy.config().memory.latency;
    s.totalCycles = totalCycles(hierarchy);
    s.amat = amat(hierarchy);
    s.config = toJson(hierarchy.config());
    return s;
}

}  // namespace cachescope
