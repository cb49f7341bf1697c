#pragma once
// The narration driver: runs a simulator over a trace, silently up to a reference, then narrates a
// few (what `cachescope explain` does). analysis/narration.hpp explains the records.

#include <cstdint>
#include <vector>

#include "cachescope/analysis/miss_classes.hpp"
#include "cachescope/analysis/narration_records.hpp"
#include "cachescope/sim/observer.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

struct NarrationResult {
    std::vector<ReferenceNarration> references;
    /// Accesses read from the trace: all of them if it ended before from + count.
    std::uint64_t referencesRead = 0;
    bool reachedEnd = false;
};

/// Simulates `trace` on `simulator`: references 0..from-1 silently (blocks, full speed), then
/// narrates references from..from+count-1 (fewer if the trace ends first). `others`, if not null,
/// observes the caches during the whole run (e.g. a miss classifier), the narrator only during the
/// narrated references. The simulator's observers are detached on return.
/// With `classes` (built on this simulator's hierarchy, not yet attached) it is attached for the
/// whole run as well, ahead of the narrator, and every miss step carries its 3C class.
NarrationResult narrateTrace(Simulator& simulator, TraceReader& trace, std::uint64_t from, std::uint64_t count,
                             HierarchyObserver* others = nullptr, MissClassifier* classes = nullptr);

}  // namespace cachescope
