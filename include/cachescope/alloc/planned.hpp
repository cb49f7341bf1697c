#pragma once
// Static planning ("planned"): every block's offset is fixed before the first event, from the
// whole lifetime table, as TensorFlow Lite's arena planner and TFLM's GreedyMemoryPlanner do:
// blocks sorted by size, largest first (ties: the earlier allocation first), each placed at the
// lowest offset (aligned) where it overlaps no block already placed whose lifetime intersects
// its own. The arena is the highest end of a block: a lower bound, in practice, for the
// footprint of the dynamic allocators on the same trace (greedy is not always optimal).
//
// Lifetimes are in events: a block lives from its alloc (or realloc) event to the free or realloc
// that ends it, both included; one never freed lives to the end. A realloc is a new block, live
// from that event on, while the old block lives up to and including it (the copy needs both), so
// the two never share memory. Blocks are multiples of 16 bytes, as in the fits.
//
// The hook: runAllocations calls prepare(trace) with the whole trace first (the plan), then
// allocate() once per alloc/realloc event in order, which hands out the planned offset. The arena
// is reserved whole from the start; if it is larger than --capacity, nothing can be placed and
// every allocation fails (as TFLite's AllocateTensors does). Search steps: 1 (a table lookup).
//
// Worked example (docs/alloc.md): a 100, b 200 (a freed), c 150, d 50 while b and c live: by
// size b@0, c@200 (overlaps b), a@200 (meets b only; c's lifetime does not meet a's), d@350.

#include <cstdint>
#include <vector>

#include "cachescope/alloc/allocator.hpp"

namespace cachescope::alloc {

/// The free space of a planned run, kept for freeSpace() at every event: the live blocks in
/// address order (a doubly linked list of slots, each with the free gap above its block: up to
/// the next live block or the arena's end; slot 0 is a sentinel at 0, whose gap is the one below
/// the lowest block), and the largest gap with the slot that has it. A block's list neighbours
/// are found from the arena cut into cells (a power of two of bytes each; up to 64 cells per
/// block that can be live at once, at least 64 cells and at most 2^20): each cell keeps its
/// highest-starting live block, and a bitmap (64-ary levels) the cells that have one. The block
/// below an offset is then its cell's top, walked back along the list past any starting at or
/// above the offset, or the top of the nearest cell below that has one (a find-last-set per
/// level). Freeing finds the block the same way (no hash) and needs no other search: its
/// neighbours are its links.
///
/// Cost per allocation or free: O(1) list work, the bitmap's levels (3 for 512 live blocks),
/// the walk inside one cell (one step unless many live blocks start in it), and, only when the
/// gap holding the largest shrinks, a scan of the slots (one per block live at once) for the
/// next largest: 3,250 of 2.1 million updates on the `bench --alloc` trace, but every one if a
/// trace always carves the largest gap (docs/alloc.md "Speed": a max tree over the slots was
/// tried, its climb cost more).
class PlanGaps {
public:
    /// Empty, over [0, arena), cells for `live` blocks at once (more may be live, at a longer walk).
    void reset(std::uint64_t arena, std::size_t live);
    /// Takes [offset, offset + size), which lies inside one free gap (size > 0).
    void take(std::uint64_t offset, std::uint64_t size);
    /// Frees the live block at `offset`.
    void give(std::uint64_t offset);
    std::uint64_t freeBytes() const { return free_; }
    std::uint64_t largest() const { return largest_; }

private:
    static constexpr std::uint32_t kNil = ~std::uint32_t{0};
    struct Node {
        std::uint64_t start, end;
        std::uint32_t prev, next;
    };
    void setGap(std::uint32_t slot, std::uint64_t gap);
    std::uint64_t gapAbove(std::uint32_t slot) const {
        const std::uint32_t next = nodes_[slot].next;
        return (next == kNil ? arena_ : nodes_[next].start) - nodes_[slot].end;
    }
    std::uint32_t newSlot();
    /// The slot of the live block with the highest start below `offset` (0, the sentinel, if none).
    std::uint32_t below(std::uint64_t offset) const;
    void mark(std::uint64_t cell, bool on);

    std::uint64_t arena_ = 0, free_ = 0;
    std::vector<Node> nodes_;  // slot 0: the sentinel (start = end = 0)
    std::vector<std::uint32_t> freeSlots_;
    std::vector<std::uint64_t> gap_;   // per slot: the free bytes above its block (0 if unused)
    std::uint64_t largest_ = 0;         // the largest of gap_
    std::uint32_t largestAt_ = 0;       // a slot that has it
    unsigned cellShift_ = 0;
    std::vector<std::uint32_t> top_;    // per cell: the slot of its highest-starting live block, or kNil
    std::vector<std::uint64_t> bits_;   // the levels, one after another: a bit per cell with a top,
    std::vector<std::size_t> level_;    // then per word of the level below not 0; level_[l]: where l starts
};

class PlannedAllocator final : public Allocator {
public:
    struct Tensor {
        std::uint64_t size = 0;   // block bytes
        std::uint64_t align = 0;
        std::uint64_t first = 0;  // event index of its alloc/realloc
        std::uint64_t last = 0;   // event index of the free/realloc that ends it (inclusive)
        std::uint64_t offset = 0;
    };

    explicit PlannedAllocator(std::uint64_t capacity = kUnlimited) : capacity_(capacity) {}
    std::unique_ptr<Allocator> clone() const override { return std::make_unique<PlannedAllocator>(*this); }
    std::string_view name() const override { return "planned"; }
    bool needsPlan() const override { return true; }
    void prepare(const AllocTrace& trace) override;
    AllocResult allocate(std::uint64_t size, std::uint64_t align) override;
    void release(std::uint64_t address) override;
    std::uint64_t reserved() const override { return fits_ ? arena_ : 0; }
    FreeSpace freeSpace() const override { return {gaps_.freeBytes(), gaps_.largest()}; }
    std::uint64_t capacity() const override { return capacity_; }

    /// The plan: one tensor per alloc/realloc event, in trace order.
    const std::vector<Tensor>& tensors() const { return tensors_; }
    std::uint64_t arena() const { return arena_; }

private:
    std::uint64_t capacity_;
    bool prepared_ = false, fits_ = false;
    std::uint64_t arena_ = 0;
    std::vector<Tensor> tensors_;
    std::size_t next_ = 0;
    PlanGaps gaps_;  // the free space
};

/// The most tensors (alloc and realloc events) one plan can hold: planGreedy keeps a tensor's
/// number in 31 bits of its bucket lists (the 32nd is a flag).
inline constexpr std::uint64_t kMaxPlanTensors = (std::uint64_t{1} << 31) - 1;
/// Throws cachescope::Error naming `tensors` and the limit when it is above kMaxPlanTensors.
void checkPlanSize(std::uint64_t tensors);

/// The greedy plan alone: offsets for `tensors` (size, align, first, last set), largest first;
/// returns the arena size. Exposed for tests. More than kMaxPlanTensors tensors: throws
/// (checkPlanSize), in every build.
std::uint64_t planGreedy(std::vector<PlannedAllocator::Tensor>& tensors);

}  // namespace cachescope::alloc
