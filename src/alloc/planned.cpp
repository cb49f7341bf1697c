#include "cachescope/alloc/planned.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <stdexcept>

#include "cachescope/alloc/trace.hpp"

namespace cachescope::alloc {

std::uint64_t planGreedy(std::vector<PlannedAllocator::Tensor>& t) {
    const std::size_t n = t.size();
    if (n == 0) return 0;
    std::vector<std::uint32_t> byFirst(n);
    std::iota(byFirst.begin(), byFirst.end(), 0u);
    std::sort(byFirst.begin(), byFirst.end(), [&](std::uint32_t a, std::uint32_t b) {
        return t[a].first != t[b].first ? t[a].first < t[b].first : a < b;
    });
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (t[a].size != t[b].size) return t[a].size > t[b].size;
        return t[a].first != t[b].first ? t[a].first < t[b].first : a < b;
    });
    // Placed tensors by time bucket (every bucket their lifetime touches), to find the placed
    // tensors live at a given event without looking at all of them.
    constexpr std::uint64_t kBucket = 512;
    std::uint64_t end = 0;
    for (const auto& x : t) end = std::max(end, x.last);
    std::vector<std::vector<std::uint32_t>> buckets(end / kBucket + 1);
    std::vector<bool> placed(n, false);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> near;  // (offset, end) of conflicting placed tensors
    std::uint64_t arena = 0;
    for (const std::uint32_t i : order) {
        const std::uint64_t a = t[i].first, b = t[i].last;
        near.clear();
        // Placed tensors live at `a` (they started at or before it) ...
        for (const std::uint32_t j : buckets[a / kBucket])
            if (t[j].first <= a && t[j].last >= a) near.emplace_back(t[j].offset, t[j].offset + t[j].size);
        // ... and those that start after `a`, up to `b`.
        auto from = std::upper_bound(byFirst.begin(), byFirst.end(), a,
                                     [&](std::uint64_t v, std::uint32_t j) { return v < t[j].first; });
        for (auto it = from; it != byFirst.end() && t[*it].first <= b; ++it)
            if (placed[*it]) near.emplace_back(t[*it].offset, t[*it].offset + t[*it].size);
        std::sort(near.begin(), near.end());
        const std::uint64_t align = std::max(t[i].align, kGranule);
        std::uint64_t offset = 0;
        for (const auto& [o, e] : near) {
            if (offset + t[i].size <= o) break;  // fits in the gap before this one
            if (e > offset) offset = alignUp(e, align);
        }
        t[i].offset = offset;
        arena = std::max(arena, offset + t[i].size);
        placed[i] = true;
        for (std::uint64_t k = a / kBucket; k <= b / kBucket; ++k) buckets[k].push_back(i);
    }
    return arena;
}

void PlannedAllocator::prepare(const AllocTrace& trace) {
    tensors_.clear();
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
    const FreeBlockTree::Block b = free_.before(t.offset + 1);
    assert(b && b.address + b.size >= t.offset + t.size);
    free_.carve(b.address, t.offset, t.size);
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
