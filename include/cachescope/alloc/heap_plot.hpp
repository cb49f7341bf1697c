#pragma once
// The heap map of an allocator's run (plot/heap_map.hpp), recorded as an observer of
// runAllocations: each block's address, size and lifetime (from the event that allocated it to the
// one that freed it; a realloc ends the old block and starts a new one), grouped by site, and the
// reserved size and external fragmentation after every event.
//
//   HeapMapRecorder rec(trace);
//   runAllocations(trace, *allocator, &rec);
//   figure.panels.push_back(rec.heapMap("first-fit"));

#include <string>
#include <vector>

#include "cachescope/alloc/run.hpp"
#include "cachescope/plot/heap_map.hpp"

namespace cachescope::alloc {

class HeapMapRecorder final : public AllocObserver {
public:
    explicit HeapMapRecorder(const AllocTrace& trace);
    void onStep(const AllocStep& step) override;
    /// The panel: blocks still live at the end run to the last event.
    plot::HeapMap heapMap(std::string title) const;

private:
    const AllocTrace& trace_;
    std::vector<plot::HeapBlock> blocks_;
    std::vector<std::int64_t> open_;  // per ID: index into blocks_ of its live block, or -1
    std::vector<std::uint32_t> site_;  // per ID: the site of its last alloc
    std::vector<plot::Point> reserved_, fragmentation_;
    std::uint64_t events_ = 0;
};

/// The figure of `alloc --plot` and `alloc compare --plot`: its title names the trace.
plot::HeapMapFigure heapMapFigure(const AllocTrace& trace, std::vector<plot::HeapMap> panels);

}  // namespace cachescope::alloc
