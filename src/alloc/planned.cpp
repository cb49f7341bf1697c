#include "cachescope/alloc/planned.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <stdexcept>

#include "cachescope/alloc/trace.hpp"

namespace cachescope::alloc {

namespace {

// A placed tensor as the time buckets keep it: its bytes [offset, end) and its lifetime.
struct Placed {
    std::uint64_t offset, end, first, last;
};

}  // namespace

std::uint64_t planGreedy(std::vector<PlannedAllocator::Tensor>& t) {
    const std::size_t n = t.size();
    if (n == 0) return 0;
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (t[a].size != t[b].size) return t[a].size > t[b].size;
        return t[a].first != t[b].first ? t[a].first < t[b].first : a < b;
    });
    // Placed tensors by time bucket: each bucket lists, ordered by offset, every placed tensor whose
    // lifetime touches it. A tensor's conflicts (placed, lifetime meeting its own) are all in the
    // buckets its own lifetime touches, so walking those lists merged in offset order visits them
    // lowest first, and the walk stops at the first gap that holds the tensor: it rarely sees
    // more than the few tensors below that gap. (The offset found is the lowest aligned one that
    // overlaps no conflict, whatever the order of ties, as when the conflicts were sorted.)
    constexpr std::uint64_t kBucket = 1024;
    constexpr std::size_t kMergeAtMost = 16;  // buckets merged on the fly; more: gathered and sorted
    std::uint64_t lastEvent = 0;
    for (const auto& x : t) lastEvent = std::max(lastEvent, x.last);
    std::vector<std::vector<Placed>> buckets(lastEvent / kBucket + 1);
    std::vector<std::size_t> cursor;
    std::vector<Placed> gathered;
    std::uint64_t arena = 0;
    for (const std::uint32_t i : order) {
        const std::uint64_t a = t[i].first, b = t[i].last, size = t[i].size;
        const std::uint64_t align = std::max(t[i].align, kGranule);
        const std::uint64_t ka = a / kBucket, kb = b / kBucket;
        // A placed tensor conflicts if its lifetime meets [a, b]; it is taken from the first of
        // the buckets [ka, kb] it lies in, so each is seen once.
        auto conflicts = [&](const Placed& p, std::uint64_t k) {
            return p.first <= b && p.last >= a && std::max(ka, p.first / kBucket) == k;
        };
        std::uint64_t offset = 0;
        auto passes = [&](const Placed& p) {  // false: the gap below p holds the tensor
            if (offset + size <= p.offset) return false;
            if (p.end > offset) offset = alignUp(p.end, align);
            return true;
        };
        if (kb - ka < kMergeAtMost) {
            cursor.assign(static_cast<std::size_t>(kb - ka + 1), 0);
            for (;;) {
                const Placed* next = nullptr;
                std::size_t from = 0;
                for (std::uint64_t k = ka; k <= kb; ++k) {
                    const std::vector<Placed>& list = buckets[k];
                    std::size_t& c = cursor[k - ka];
                    while (c < list.size() && !conflicts(list[c], k)) ++c;
                    if (c < list.size() && (next == nullptr || list[c].offset < next->offset)) {
                        next = &list[c];
                        from = static_cast<std::size_t>(k - ka);
                    }
                }
                if (next == nullptr || !passes(*next)) break;
                ++cursor[from];
            }
        } else {
            gathered.clear();
            for (std::uint64_t k = ka; k <= kb; ++k)
                for (const Placed& p : buckets[k])
                    if (conflicts(p, k)) gathered.push_back(p);
            std::sort(gathered.begin(), gathered.end(),
                      [](const Placed& x, const Placed& y) { return x.offset < y.offset; });
            for (const Placed& p : gathered)
                if (!passes(p)) break;
        }
        t[i].offset = offset;
        arena = std::max(arena, offset + size);
        const Placed placed{offset, offset + size, a, b};
        for (std::uint64_t k = ka; k <= kb; ++k) {
            std::vector<Placed>& list = buckets[k];
            const auto at = std::upper_bound(list.begin(), list.end(), offset,
                                             [](std::uint64_t o, const Placed& p) { return o < p.offset; });
            list.insert(at, placed);
        }
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
