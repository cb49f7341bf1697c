#include "cachescope/alloc/planned.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <stdexcept>

#include "cachescope/alloc/trace.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"

namespace cachescope::alloc {

// planGreedy, the plan itself, is in plan_index.cpp with the index it searches.

void checkPlanSize(std::uint64_t tensors) {
    if (tensors <= kMaxPlanTensors) return;
    throw Error("planned: " + withThousands(tensors) +
                " allocations to plan (alloc and realloc events); the static planner handles at most " +
                withThousands(kMaxPlanTensors));
}

void PlannedAllocator::prepare(const AllocTrace& trace) {
    tensors_.clear();
    // One tensor per alloc and realloc, counted first: reserved whole, no growth copies; and a
    // trace with more than the planner can number is refused before anything is reserved.
    const auto count = static_cast<std::uint64_t>(
        std::count_if(trace.events.begin(), trace.events.end(),
                      [](const AllocEvent& ev) { return ev.op == AllocOp::Alloc || ev.op == AllocOp::Realloc; }));
    checkPlanSize(count);
    tensors_.reserve(static_cast<std::size_t>(count));
    const std::uint64_t lastEvent = trace.events.empty() ? 0 : trace.events.size() - 1;
    constexpr std::size_t kNone = ~std::size_t{0};
    std::vector<std::size_t> current(trace.names.size(), kNone);  // the live tensor of each ID
    std::vector<std::uint64_t> idAlign(trace.names.size(), 0);     // the alignment of its alloc
    for (std::size_t i = 0; i < trace.events.size(); ++i) {
        const AllocEvent& ev = trace.events[i];
        if (ev.op == AllocOp::EmptyCache) continue;
        std::size_t& cur = current[ev.id];
        if (ev.op != AllocOp::Alloc && cur != kNone) tensors_[cur].last = i;
        cur = kNone;
        if (ev.op == AllocOp::Free) continue;
        // alloc, realloc: a new tensor; a realloc keeps the alignment of the ID's alloc.
        if (ev.op == AllocOp::Alloc) idAlign[ev.id] = ev.align;
        const std::uint64_t align = idAlign[ev.id];
        cur = tensors_.size();
        tensors_.push_back({blockSizeFor(ev.size), std::max(align, kGranule), i, lastEvent, 0});
    }
    arena_ = planGreedy(tensors_);
    fits_ = arena_ <= capacity_;
    free_ = FreeBlockTree{};
    if (fits_ && arena_ > 0) free_.insert(0, arena_);
    used_ = BlockMap{};
    next_ = 0;
    prepared_ = true;
}

AllocResult PlannedAllocator::allocate(std::uint64_t size, std::uint64_t /*align*/) {
    if (!prepared_ || next_ >= tensors_.size())
        throw std::logic_error("planned: allocate() without a plan for it (runAllocations calls prepare() first)");
    const Tensor& t = tensors_[next_++];
    if (blockSizeFor(size) != t.size) throw std::logic_error("planned: allocate() does not match the plan");
    AllocResult r;
    r.steps = 1;
    if (!fits_) return r;
    free_.carveContaining(t.offset, t.size);
    used_.insert(t.offset, t.size);
    r.ok = true;
    r.address = t.offset;
    r.blockSize = t.size;
    return r;
}

void PlannedAllocator::release(std::uint64_t address) {
    free_.release(address, used_.take(address));
}

}  // namespace cachescope::alloc
