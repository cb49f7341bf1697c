#include "cachescope/alloc/planned.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <numeric>
#include <stdexcept>

#include "cachescope/alloc/trace.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"
#include "cachescope/core/huge_pages.hpp"

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
    // 2 MiB pages for the tensor array (21 MB on the bench trace: 4,600 fewer page faults).
    adviseHugePages(tensors_.data(), tensors_.capacity() * sizeof(Tensor));
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
    gaps_.reset(fits_ ? arena_ : 0, std::min(trace.names.size(), tensors_.size()));  // the most live at once
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
    gaps_.take(t.offset, t.size);
    r.ok = true;
    r.address = t.offset;
    r.blockSize = t.size;
    return r;
}

void PlannedAllocator::release(std::uint64_t address) {
    gaps_.give(address);
}

void PlanGaps::reset(std::uint64_t arena, std::size_t live) {
    arena_ = arena;
    free_ = arena;
    nodes_.assign(1, Node{0, 0, kNil, kNil});
    freeSlots_.clear();
    gap_.assign(1, arena);
    largest_ = arena;
    largestAt_ = 0;
    // Cells: a power of two of bytes, at least 16 (a block's least size), at most about 64 per
    // block live at once (fewer, 8, made walks of 7 blocks on average on the bench trace, whose
    // small blocks lie close together), at least 64 cells and at most 2^20 (4 MiB of tops).
    const std::uint64_t most =
        std::clamp<std::uint64_t>(std::bit_ceil(std::uint64_t{64} * (live + 1)), 64, std::uint64_t{1} << 20);
    cellShift_ = 4;
    while ((arena >> cellShift_) >= most) ++cellShift_;
    const std::uint64_t cells = (arena >> cellShift_) + 1;
    top_.assign(static_cast<std::size_t>(cells), kNil);
    level_.clear();
    std::size_t words = 0;
    std::uint64_t n = cells;  // bits of this level
    do {
        n = (n + 63) / 64;  // its words
        level_.push_back(words);
        words += static_cast<std::size_t>(n);
    } while (n > 1);
    bits_.assign(words, 0);
}

void PlanGaps::setGap(std::uint32_t slot, std::uint64_t gap) {
    gap_[slot] = gap;
    if (gap >= largest_) {
        largest_ = gap;
        largestAt_ = slot;
    } else if (slot == largestAt_) {  // the largest shrank: the next one, by a scan of the slots
        std::uint64_t most = 0;
        std::uint32_t at = 0;
        for (std::uint32_t i = 0; i < gap_.size(); ++i) {
            at = gap_[i] > most ? i : at;
            most = std::max(most, gap_[i]);
        }
        largest_ = most;
        largestAt_ = at;
    }
}

std::uint32_t PlanGaps::newSlot() {
    if (!freeSlots_.empty()) {
        const std::uint32_t s = freeSlots_.back();
        freeSlots_.pop_back();
        return s;
    }
    nodes_.push_back(Node{0, 0, kNil, kNil});
    gap_.push_back(0);
    return static_cast<std::uint32_t>(nodes_.size() - 1);
}

std::uint32_t PlanGaps::below(std::uint64_t offset) const {
    std::uint64_t c = offset >> cellShift_;
    std::uint32_t s = top_[c];
    if (s == kNil) {
        // The nearest cell below with a top: up the levels until a word has a bit below c's own,
        // then down its highest set bits. None: the sentinel.
        s = 0;
        for (std::size_t l = 0; l < level_.size(); ++l) {
            const std::uint64_t w = c >> 6;
            const std::uint64_t m = bits_[level_[l] + w] & ((std::uint64_t{1} << (c & 63)) - 1);
            if (m != 0) {
                c = w << 6 | static_cast<std::uint64_t>(63 - std::countl_zero(m));
                while (l-- > 0) c = c << 6 | static_cast<std::uint64_t>(63 - std::countl_zero(bits_[level_[l] + c]));
                return top_[c];
            }
            c = w;
        }
        return 0;
    }
    // Back along the list past the blocks starting at or above the offset (the lowest of the cell
    // leads to the top of the cell below, or the sentinel).
    while (s != 0 && nodes_[s].start >= offset) s = nodes_[s].prev;
    return s;
}

void PlanGaps::mark(std::uint64_t cell, bool on) {
    for (std::size_t l = 0; l < level_.size(); ++l, cell >>= 6) {
        std::uint64_t& word = bits_[level_[l] + (cell >> 6)];
        const std::uint64_t bit = std::uint64_t{1} << (cell & 63);
        if (on) {
            const bool was = word != 0;
            word |= bit;
            if (was) return;
        } else {
            word &= ~bit;
            if (word != 0) return;
        }
    }
}

void PlanGaps::take(std::uint64_t offset, std::uint64_t size) {
    const std::uint32_t left = below(offset);
    const std::uint32_t s = newSlot();  // (before the references: it may move the nodes)
    const std::uint32_t right = nodes_[left].next;
    nodes_[s] = Node{offset, offset + size, left, right};
    nodes_[left].next = s;
    if (right != kNil) nodes_[right].prev = s;
    setGap(left, offset - nodes_[left].end);
    setGap(s, gapAbove(s));
    const std::uint64_t c = offset >> cellShift_;
    if (top_[c] == kNil) {
        top_[c] = s;
        mark(c, true);
    } else if (nodes_[top_[c]].start < offset) {
        top_[c] = s;
    }
    free_ -= size;
}

void PlanGaps::give(std::uint64_t offset) {
    const std::uint64_t c = offset >> cellShift_;
    std::uint32_t s = top_[c];
    assert(s != kNil);
    while (nodes_[s].start != offset) s = nodes_[s].prev;  // a live block of the cell: it is there
    const Node n = nodes_[s];
    nodes_[n.prev].next = n.next;
    if (n.next != kNil) nodes_[n.next].prev = n.prev;
    setGap(s, 0);
    setGap(n.prev, gapAbove(n.prev));
    freeSlots_.push_back(s);
    if (top_[c] == s) {
        if (n.prev != 0 && nodes_[n.prev].start >> cellShift_ == c) {
            top_[c] = n.prev;
        } else {
            top_[c] = kNil;
            mark(c, false);
        }
    }
    free_ += n.end - n.start;
}

}  // namespace cachescope::alloc
