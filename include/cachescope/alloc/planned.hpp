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

#include <vector>

#include "cachescope/alloc/block_map.hpp"
#include "cachescope/alloc/free_tree.hpp"
#include "cachescope/alloc/allocator.hpp"

namespace cachescope::alloc {

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
    FreeSpace freeSpace() const override { return {free_.totalBytes(), free_.largest()}; }
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
    FreeBlockTree free_;
    BlockMap used_;  // offset -> block size
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
