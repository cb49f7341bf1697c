// HeapMapRecorder: the heap map of one allocator's run (alloc/heap_plot.hpp).

#include "cachescope/alloc/heap_plot.hpp"

namespace cachescope::alloc {

HeapMapRecorder::HeapMapRecorder(const AllocTrace& trace) : trace_(trace), open_(trace.names.size(), -1), site_(trace.names.size(), 0) {}

void HeapMapRecorder::onStep(const AllocStep& step) {
    const AllocEvent& ev = *step.event;
    const auto now = static_cast<std::uint64_t>(step.index);
    reserved_.push_back({double(now), double(step.reserved)});
    fragmentation_.push_back({double(now), externalFragmentation(step.free)});
    events_ = now + 1;
    if (ev.op == AllocOp::EmptyCache) return;  // no block changes; the reserved top may fall
    std::int64_t& open = open_[ev.id];
    auto close = [&] {
        if (open >= 0) blocks_[static_cast<std::size_t>(open)].end = now;
        open = -1;
    };
    switch (ev.op) {
        case AllocOp::EmptyCache:
            break;
        case AllocOp::Free:
            close();
            break;
        case AllocOp::Alloc:
        case AllocOp::Realloc:
            if (ev.op == AllocOp::Alloc) site_[ev.id] = ev.site;  // a realloc keeps the site of its alloc
            if (!step.ok) break;
            close();
            open = static_cast<std::int64_t>(blocks_.size());
            blocks_.push_back({now, now, step.address, step.blockSize, site_[ev.id]});
            break;
    }
}

plot::HeapMap HeapMapRecorder::heapMap(std::string title) const {
    plot::HeapMap m;
    m.title = std::move(title);
    m.events = events_;
    m.blocks = blocks_;
    for (std::size_t i = 0; i < open_.size(); ++i)
        if (open_[i] >= 0) m.blocks[static_cast<std::size_t>(open_[i])].end = events_;
    m.groups = trace_.sites;
    m.reserved = reserved_;
    m.fragmentation = fragmentation_;
    return m;
}

plot::HeapMapFigure heapMapFigure(const AllocTrace& trace, std::vector<plot::HeapMap> panels) {
    plot::HeapMapFigure f;
    f.title = "Heap map: " + plot::ellipsize(trace.source, 100);
    f.panels = std::move(panels);
    return f;
}

}  // namespace cachescope::alloc
