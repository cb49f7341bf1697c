#include "cachescope/gc/run.hpp"

#include <algorithm>
#include <numeric>

namespace cachescope::gc {

GcSimulator::GcSimulator(const GcTrace& trace, GcOptions options)
    : trace_(&trace),
      graph_(trace.objects.size()),
      rc_(trace),
      ms_(trace, options.threshold),
      garbageBytes_(trace.events.size(), 0) {
    for (const GcObject& o : trace.objects)
        if (o.garbageAt != kNever) garbageBytes_[o.garbageAt] += o.size;
}

const GcStep& GcSimulator::step() {
    const std::size_t index = next_++;
    const GcEvent& ev = trace_->events[index];
    switch (ev.op) {
        case GcOp::New:
            graph_.setRoot(ev.a, true);
            reachable_ += trace_->objects[ev.a].size;
            break;
        case GcOp::Ref: graph_.addRef(ev.a, ev.b); break;
        case GcOp::Unref: graph_.removeRef(ev.a, ev.b); break;
        case GcOp::Root: graph_.setRoot(ev.a, true); break;
        case GcOp::Unroot: graph_.setRoot(ev.a, false); break;
        case GcOp::Collect: break;
    }
    reachable_ -= garbageBytes_[index];
    rcFreed_.clear();
    step_ = GcStep{};
    step_.index = index;
    step_.event = &ev;
    step_.rcUpdates = rc_.apply(index, ev, graph_, rcFreed_);
    step_.rcFreed = &rcFreed_;
    step_.msHeldBytes = ms_.heldBytes() + (ev.op == GcOp::New ? trace_->objects[ev.a].size : 0);
    if (ms_.apply(index, ev, graph_, collection_)) step_.collection = &collection_;
    step_.reachableBytes = reachable_;
    step_.rcHeldBytes = rc_.heldBytes();
    return step_;
}

std::uint64_t GcStats::largestCascade() const {
    std::uint64_t most = 0;
    for (const RcRelease& r : rcReleases) most = std::max<std::uint64_t>(most, r.objects.size());
    return most;
}

namespace {

void notePeak(CollectorTotals& t, std::uint64_t held, std::size_t index) {
    if (held > t.peakHeld) {
        t.peakHeld = held;
        t.peakAt = index;
    }
}

/// Objects in strongly connected components of `in` (a subset of the graph) that hold a cycle:
/// more than one object, or one that points to itself. Tarjan's algorithm, iteratively.
std::vector<unsigned char> onCycles(const ObjectGraph& g, const std::vector<unsigned char>& in) {
    const std::size_t n = g.size();
    constexpr std::uint32_t kUnseen = 0xffffffffu;
    std::vector<std::uint32_t> order(n, kUnseen), low(n, 0);
    std::vector<unsigned char> stacked(n, 0), cyclic(n, 0);
    std::vector<std::uint32_t> stack;
    std::vector<std::pair<std::uint32_t, std::size_t>> calls;  // object, next edge to follow
    std::uint32_t counter = 0;
    for (std::uint32_t root = 0; root < n; ++root) {
        if (in[root] == 0 || order[root] != kUnseen) continue;
        order[root] = low[root] = counter++;
        stack.push_back(root);
        stacked[root] = 1;
        calls.emplace_back(root, 0);
        while (!calls.empty()) {
            auto& [v, i] = calls.back();
            const auto& out = g.out(v);
            if (i < out.size()) {
                const std::uint32_t w = out[i++].to;
                if (in[w] == 0) continue;
                if (order[w] == kUnseen) {
                    order[w] = low[w] = counter++;
                    stack.push_back(w);
                    stacked[w] = 1;
                    calls.emplace_back(w, 0);
                } else if (stacked[w] != 0) {
                    low[v] = std::min(low[v], order[w]);
                }
                continue;
            }
            const std::uint32_t done = v;
            calls.pop_back();
            if (!calls.empty()) low[calls.back().first] = std::min(low[calls.back().first], low[done]);
            if (low[done] != order[done]) continue;
            std::size_t first = stack.size();
            do --first;
            while (stack[first] != done);
            const bool cycle = stack.size() - first > 1 || g.refs(done, done) > 0;
            for (std::size_t k = first; k < stack.size(); ++k) {
                stacked[stack[k]] = 0;
                cyclic[stack[k]] = cycle ? 1 : 0;
            }
            stack.resize(first);
        }
    }
    return cyclic;
}

std::uint32_t findRoot(std::vector<std::uint32_t>& parent, std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

}  // namespace

std::vector<LeakedCycle> leakedCycles(const GcSimulator& sim) {
    const GcTrace& trace = sim.trace();
    const ObjectGraph& g = sim.graph();
    const auto n = static_cast<std::uint32_t>(trace.objects.size());
    std::vector<unsigned char> leaked(n, 0);
    for (std::uint32_t x = 0; x < n; ++x)
        leaked[x] = trace.objects[x].garbageAt < sim.position() && sim.refCounting().freedAt(x) == kNever ? 1 : 0;
    // Groups: objects connected by references (either way), by union-find.
    std::vector<std::uint32_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0u);
    for (std::uint32_t x = 0; x < n; ++x)
        if (leaked[x] != 0)
            for (const Edge& e : g.out(x))
                if (leaked[e.to] != 0) parent[findRoot(parent, x)] = findRoot(parent, e.to);
    const std::vector<unsigned char> cyclic = onCycles(g, leaked);
    std::vector<LeakedCycle> groups;
    std::vector<std::uint32_t> groupOf(n, 0xffffffffu);  // by union-find root
    for (std::uint32_t x = 0; x < n; ++x) {
        if (leaked[x] == 0) continue;
        const std::uint32_t r = findRoot(parent, x);
        if (groupOf[r] == 0xffffffffu) {
            groupOf[r] = static_cast<std::uint32_t>(groups.size());
            groups.emplace_back();
            groups.back().collectedAt = 0;
        }
        LeakedCycle& c = groups[groupOf[r]];
        const GcObject& o = trace.objects[x];
        c.objects.push_back(x);
        if (cyclic[x] != 0) c.onCycle.push_back(x);
        c.bytes += o.size;
        c.garbageAt = std::max(c.garbageAt, o.garbageAt);
        const std::size_t freed = sim.markSweep().freedAt(x);
        c.collectedAt = freed == kNever || c.collectedAt == kNever ? kNever : std::max(c.collectedAt, freed);
    }
    return groups;
}

GcStats runGc(const GcTrace& trace, GcOptions options, GcObserver* observer) {
    GcStats s;
    s.threshold = options.threshold;
    s.events = trace.events.size();
    s.objects = trace.objects.size();
    for (const GcObject& o : trace.objects) s.bytesMade += o.size;
    GcSimulator sim(trace, options);
    while (!sim.done()) {
        const GcStep& step = sim.step();
        if (step.event->op == GcOp::Collect) ++s.collectEvents;
        s.rcUpdates += step.rcUpdates;
        if (!step.rcFreed->empty()) {
            RcRelease r;
            r.event = step.index;
            r.objects = *step.rcFreed;
            for (const std::uint32_t x : r.objects) r.bytes += trace.objects[x].size;
            s.rc.freedObjects += r.objects.size();
            s.rc.freedBytes += r.bytes;
            s.rcReleases.push_back(std::move(r));
        }
        if (step.collection != nullptr) {
            s.ms.freedObjects += step.collection->freed.size();
            s.ms.freedBytes += step.collection->freedBytes;
            s.collections.push_back(*step.collection);
        }
        if (step.reachableBytes > s.peakReachable) {
            s.peakReachable = step.reachableBytes;
            s.peakReachableAt = step.index;
        }
        notePeak(s.rc, step.rcHeldBytes, step.index);
        notePeak(s.ms, step.msHeldBytes, step.index);
        if (observer != nullptr) observer->onStep(step);
    }
    s.rc.heldAtEnd = sim.refCounting().heldBytes();
    s.ms.heldAtEnd = sim.markSweep().heldBytes();
    for (std::uint32_t x = 0; x < trace.objects.size(); ++x) {
        const GcObject& o = trace.objects[x];
        if (o.garbageAt == kNever) continue;
        if (sim.refCounting().freedAt(x) == kNever) {
            ++s.rc.garbageAtEnd;
            s.rc.garbageBytesAtEnd += o.size;
        }
        if (sim.markSweep().freedAt(x) == kNever) {
            ++s.ms.garbageAtEnd;
            s.ms.garbageBytesAtEnd += o.size;
        }
    }
    s.leakedCycles = leakedCycles(sim);
    return s;
}

}  // namespace cachescope::gc
