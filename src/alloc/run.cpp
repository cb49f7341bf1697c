#include "cachescope/alloc/run.hpp"

#include <algorithm>
#include <map>

namespace cachescope::alloc {

namespace {

struct LiveBlock {
    bool live = false;
    std::uint64_t address = 0;
    std::uint64_t size = 0;  // requested
    std::uint64_t align = 0;
    std::uint32_t site = 0;
};

}  // namespace

double externalFragmentation(const FreeSpace& free) {
    if (free.total == 0) return 0.0;
    return 1.0 - static_cast<double>(free.largest) / static_cast<double>(free.total);
}

std::uint64_t AllocStats::fragmentationFailures() const {
    return static_cast<std::uint64_t>(
        std::count_if(failed.begin(), failed.end(), [](const FailedAllocation& f) { return f.fragmentation; }));
}

double AllocStats::internalFragmentation() const {
    if (blockTotal == 0) return 0.0;
    return static_cast<double>(blockTotal - requestedTotal) / static_cast<double>(blockTotal);
}

AllocStats runAllocations(const AllocTrace& trace, Allocator& allocator, AllocObserver* observer) {
    AllocStats s;
    s.allocator = std::string(allocator.name());
    s.capacity = allocator.capacity();
    std::vector<LiveBlock> blocks(trace.names.size());
    allocator.prepare(trace);

    // The counters live in locals while the events run: `s` is the caller's object (returned in
    // place), which the allocator's virtual calls could reach as far as the compiler knows, so
    // counting in it directly would store and reload every counter around every call.
    std::uint64_t live = 0, events = 0, allocs = 0, frees = 0, reallocs = 0, emptyCaches = 0, ignoredFrees = 0;
    std::uint64_t peakLive = 0, peakReserved = 0, requestedTotal = 0, blockTotal = 0, searchSteps = 0;
    std::uint64_t maxSearchSteps = 0, unallocatedMax = 0;
    double fragSum = 0, fragMax = 0, fragEnd = 0;

    auto attempt = [&](const AllocEvent& ev, std::uint64_t align, AllocStep& step) __attribute__((always_inline)) {
        const AllocResult r = allocator.allocate(ev.size, align);
        searchSteps += r.steps;
        maxSearchSteps = std::max(maxSearchSteps, r.steps);
        step.steps = r.steps;
        step.ok = r.ok;
        if (!r.ok) {
            FailedAllocation f;
            f.line = ev.line;
            f.id = trace.names[ev.id];
            f.size = ev.size;
            f.freeBytes = allocator.freeSpace().total;
            const std::uint64_t reserved = allocator.reserved();
            f.headroom = allocator.capacity() > reserved ? allocator.capacity() - reserved : 0;
            f.fragmentation = f.freeBytes + f.headroom >= ev.size;
            s.failed.push_back(f);
            return r;
        }
        requestedTotal += ev.size;
        blockTotal += r.blockSize;
        step.address = r.address;
        step.blockSize = r.blockSize;
        return r;
    };

    // The loop twice, with and without an observer: without one, `step` never leaves the loop and
    // the compiler keeps it in registers instead of storing every field of it at every event.
    auto run = [&]<bool kObserved>() {
        for (std::size_t i = 0; i < trace.events.size(); ++i) {
            const AllocEvent& ev = trace.events[i];
            AllocStep step;
            step.index = i;
            step.event = &ev;
            LiveBlock& b = blocks[ev.id];
            switch (ev.op) {
                case AllocOp::Alloc: {
                    ++allocs;
                    const AllocResult r = attempt(ev, ev.align, step);
                    b = LiveBlock{r.ok, r.address, ev.size, ev.align, ev.site};
                    if (r.ok) live += ev.size;
                    break;
                }
                case AllocOp::Free:
                    ++frees;
                    if (!b.live) {
                        ++ignoredFrees;
                        break;
                    }
                    allocator.release(b.address);
                    step.address = b.address;
                    live -= b.size;
                    b.live = false;
                    break;
                case AllocOp::Realloc: {
                    ++reallocs;
                    const AllocResult r = attempt(ev, b.align, step);
                    if (!r.ok) break;
                    if (b.live) {
                        allocator.release(b.address);
                        live -= b.size;
                    }
                    live += ev.size;
                    b.live = true;
                    b.address = r.address;
                    b.size = ev.size;
                    break;
                }
                case AllocOp::EmptyCache:
                    ++emptyCaches;
                    allocator.emptyCache();
                    break;
            }
            ++events;
            step.liveBytes = live;
            step.reserved = allocator.reserved();
            step.free = allocator.freeSpace();
            peakLive = std::max(peakLive, live);
            peakReserved = std::max(peakReserved, step.reserved);
            unallocatedMax = std::max(unallocatedMax, step.free.total);
            const double frag = externalFragmentation(step.free);
            fragMax = std::max(fragMax, frag);
            fragSum += frag;
            fragEnd = frag;
            if constexpr (kObserved) observer->onStep(step);
        }
    };
    if (observer != nullptr) {
        run.template operator()<true>();
    } else {
        run.template operator()<false>();
    }
    s.events = events;
    s.allocs = allocs;
    s.frees = frees;
    s.reallocs = reallocs;
    s.emptyCaches = emptyCaches;
    s.ignoredFrees = ignoredFrees;
    s.peakLive = peakLive;
    s.peakReserved = peakReserved;
    s.requestedTotal = requestedTotal;
    s.blockTotal = blockTotal;
    s.searchSteps = searchSteps;
    s.maxSearchSteps = maxSearchSteps;
    s.unallocatedMax = unallocatedMax;
    s.externalFragMax = fragMax;
    s.externalFragEnd = fragEnd;
    s.externalFragMean = events == 0 ? 0.0 : fragSum / static_cast<double>(events);
    s.liveAtEnd = live;
    s.reservedAtEnd = allocator.reserved();
    s.unallocatedAtEnd = allocator.freeSpace().total;

    std::map<std::uint32_t, LeakGroup> bySite;
    for (const LiveBlock& b : blocks) {
        if (!b.live) continue;
        LeakGroup& g = bySite[b.site];
        g.site = trace.sites[b.site];
        ++g.count;
        g.bytes += b.size;
    }
    for (auto& [site, g] : bySite) s.leaks.push_back(g);
    std::sort(s.leaks.begin(), s.leaks.end(), [](const LeakGroup& a, const LeakGroup& b) {
        return a.bytes != b.bytes ? a.bytes > b.bytes : a.site < b.site;
    });
    return s;
}

}  // namespace cachescope::alloc
