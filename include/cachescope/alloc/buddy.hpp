#pragma once
// The binary buddy system (Knowlton 1965; Knuth TAOCP vol. 1, §2.5, Algorithms R and S).
//
// Every block is 2^k bytes (k >= kMinOrder, so at least 16 bytes) at an address that is a multiple
// of 2^k; its buddy is the block at address XOR 2^k. A request takes the smallest order that holds
// it (and its alignment); the lowest-addressed free block of the smallest sufficient order is
// split in halves until it has that order, the upper halves staying free. A freed block merges
// with its buddy while the buddy is free, order by order.
//
// The arena starts as one block of the first request's order and doubles when a request does not
// fit (the old arena becomes the lower half, the upper half is free). With a capacity the arena
// is the largest power of two within it.
//
// Worked example, arena 128: alloc 16 -> split 128 = 64+64, 64 = 32+32, 32 = 16+16; the block is
// [0,16); free are 16@16, 32@32, 64@64. Freeing it merges 16+16 -> 32, 32+32 -> 64, 64+64 -> 128.

#include <array>
#include <set>

#include "cachescope/alloc/allocator.hpp"
#include "cachescope/alloc/block_map.hpp"

namespace cachescope::alloc {

class BuddyAllocator final : public Allocator {
public:
    static constexpr unsigned kMinOrder = 4;   // 16 bytes = kGranule
    static constexpr unsigned kMaxOrder = 62;

    explicit BuddyAllocator(std::uint64_t capacity = kUnlimited) : capacity_(capacity) {}
    std::unique_ptr<Allocator> clone() const override { return std::make_unique<BuddyAllocator>(*this); }
    std::string_view name() const override { return "buddy"; }
    AllocResult allocate(std::uint64_t size, std::uint64_t align) override;
    void release(std::uint64_t address) override;
    std::uint64_t reserved() const override { return arenaOrder_ == 0 ? 0 : std::uint64_t{1} << arenaOrder_; }
    FreeSpace freeSpace() const override;
    std::uint64_t capacity() const override { return capacity_; }

    /// Free block addresses of order k (block size 2^k), ascending.
    const std::set<std::uint64_t>& freeBlocks(unsigned order) const { return free_[order]; }
    /// Live blocks: address -> order.
    std::map<std::uint64_t, std::uint64_t> liveBlocks() const { return used_.sorted(); }

private:
    void grow(unsigned order);

    std::uint64_t capacity_;
    unsigned arenaOrder_ = 0;  // 0 = no arena yet
    std::uint64_t freeBytes_ = 0;
    std::array<std::set<std::uint64_t>, kMaxOrder + 1> free_{};
    BlockMap used_;  // address -> order
};

}  // namespace cachescope::alloc
