#include "cachescope/gc/collectors.hpp"

#include <cassert>

namespace cachescope::gc {

RefCounter::RefCounter(const GcTrace& trace)
    : trace_(&trace), count_(trace.objects.size(), 0), freedAt_(trace.objects.size(), kNever) {}

std::uint64_t RefCounter::apply(std::size_t index, const GcEvent& event, const ObjectGraph& graph,
                                std::vector<std::uint32_t>& freed) {
    std::uint64_t updates = 0;
    switch (event.op) {
        case GcOp::New:
            count_[event.a] = 1;  // the program's variable
            held_ += trace_->objects[event.a].size;
            ++updates;
            break;
        case GcOp::Ref:
            ++count_[event.b];
            ++updates;
            break;
        case GcOp::Root:
            ++count_[event.a];
            ++updates;
            break;
        case GcOp::Unref: release(event.b, 1, index, graph, freed, updates); break;
        case GcOp::Unroot: release(event.a, 1, index, graph, freed, updates); break;
        case GcOp::Collect: break;  // reference counting has nothing to collect
    }
    return updates;
}

void RefCounter::release(std::uint32_t object, std::uint32_t by, std::size_t index, const ObjectGraph& graph,
                         std::vector<std::uint32_t>& freed, std::uint64_t& updates) {
    assert(count_[object] >= by && freedAt_[object] == kNever);
    updates += by;
    count_[object] -= by;
    if (count_[object] != 0) return;
    // Breadth-first: `freed` is the queue; everything from `next` on is freed, its references
    // still to drop.
    std::size_t next = freed.size();
    freed.push_back(object);
    freedAt_[object] = index;
    while (next < freed.size()) {
        const std::uint32_t x = freed[next++];
        held_ -= trace_->objects[x].size;
        for (const Edge& e : graph.out(x)) {
            assert(count_[e.to] >= e.count);
            updates += e.count;
            count_[e.to] -= e.count;
            if (count_[e.to] == 0 && freedAt_[e.to] == kNever) {
                freedAt_[e.to] = index;
                freed.push_back(e.to);
            }
        }
    }
}

MarkSweep::MarkSweep(const GcTrace& trace, std::uint64_t threshold)
    : trace_(&trace), threshold_(threshold), freedAt_(trace.objects.size(), kNever) {}

bool MarkSweep::apply(std::size_t index, const GcEvent& event, const ObjectGraph& graph, Collection& collection) {
    if (event.op == GcOp::New) {
        const std::uint64_t size = trace_->objects[event.a].size;
        heap_.push_back(event.a);
        held_ += size;
        allocatedSince_ += size;
        if (threshold_ == 0 || allocatedSince_ < threshold_) return false;
        collection.explicitCollect = false;
    } else if (event.op == GcOp::Collect) {
        collection.explicitCollect = true;
    } else {
        return false;
    }
    collect(index, graph, collection);
    return true;
}

void MarkSweep::collect(std::size_t index, const ObjectGraph& graph, Collection& c) {
    c.event = index;
    c.allocatedSince = allocatedSince_;
    c.heapObjects = heap_.size();
    c.heapBytes = held_;
    c.marked = graph.mark(marks_);
    c.markedBytes = 0;
    c.freed.clear();
    c.freedBytes = 0;
    std::size_t kept = 0;
    for (const std::uint32_t x : heap_) {
        const std::uint64_t size = trace_->objects[x].size;
        if (marks_[x] != 0) {
            c.markedBytes += size;
            heap_[kept++] = x;
        } else {
            c.freed.push_back(x);
            c.freedBytes += size;
            freedAt_[x] = index;
        }
    }
    heap_.resize(kept);
    held_ -= c.freedBytes;
    allocatedSince_ = 0;
}

}  // namespace cachescope::gc
