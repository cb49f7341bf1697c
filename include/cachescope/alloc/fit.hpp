#pragma once
// The sequential-fit allocators of Knuth (TAOCP vol. 1, §2.5) and Wilson et al. (1995), over one
// address-ordered free list with immediate coalescing.
//
//   first-fit  the lowest-addressed free block the request fits in
//   next-fit   like first-fit, but the search starts where the previous allocation ended
//              (the first free block at or above that address) and wraps around once
//   best-fit   the smallest free block it fits in (ties: lowest address)
//   worst-fit  the largest free block it fits in (ties: lowest address)
//
// The block is cut from the front of the chosen free block (after the alignment gap, which stays
// free); the rest stays free. When no free block fits, the heap grows at its top (like sbrk): a
// free block touching the top is extended, else the block goes at the aligned top. With a
// capacity the top may not pass it, and allocation fails.
//
// Free blocks are indexed by address in a FreeBlockTree (alloc/free_tree.hpp: a two-level B-tree
// whose chunk summaries know their largest block), so first- and next-fit skip whole chunks
// instead of walking the list; their `steps` are still the free blocks a walk of the
// address-ordered list would have visited (the rank of the block found). Best- and worst-fit
// need no address order: they index free blocks by (size, address) in a SizeIndex
// (alloc/size_index.hpp, size classes with a bitmap of the non-empty ones; their steps are the
// index entries looked at) and find a freed block's neighbours by boundary tags, as a real heap
// reads the size words before and after a block: two hash tables map each free block's start to
// its size and its end to its start, so coalescing is a few table lookups, not a tree search.
//
// Worked example (the textbook exercise; free blocks of 100, 500, 200, 300, 600 KB, requests of
// 212, 417, 112, 426 KB): first-fit puts 212 in 500, 417 in 600, 112 in the 288 left of 500, and
// 426 fails; best-fit uses 300, 500, 200, 600 and all fit; worst-fit uses 600, 500, the 388 left
// of 600, and 426 fails.

#include <map>

#include "cachescope/alloc/block_map.hpp"
#include "cachescope/alloc/free_tree.hpp"
#include "cachescope/alloc/size_index.hpp"

#include "cachescope/alloc/allocator.hpp"

namespace cachescope::alloc {

enum class FitPolicy : unsigned char { First, Next, Best, Worst };

class FitAllocator final : public Allocator {
public:
    explicit FitAllocator(FitPolicy policy, std::uint64_t capacity = kUnlimited);
    std::unique_ptr<Allocator> clone() const override { return std::make_unique<FitAllocator>(*this); }
    std::string_view name() const override;
    AllocResult allocate(std::uint64_t size, std::uint64_t align) override;
    void release(std::uint64_t address) override;
    std::uint64_t reserved() const override { return top_; }
    FreeSpace freeSpace() const override;
    std::uint64_t capacity() const override { return capacity_; }

    /// Read-only views for tests and front ends (copies, O(n)): free blocks by address (address ->
    /// size), live blocks (address -> size).
    std::map<std::uint64_t, std::uint64_t> freeBlocks() const;
    std::map<std::uint64_t, std::uint64_t> liveBlocks() const { return used_.sorted(); }

private:
    bool sized() const { return policy_ == FitPolicy::Best || policy_ == FitPolicy::Worst; }
    AllocResult place(FreeBlockTree::Block found, std::uint64_t start, std::uint64_t size);
    AllocResult placeSized(FreeBlockTree::Block found, std::uint64_t start, std::uint64_t size);
    AllocResult grow(std::uint64_t blockAddr, std::uint64_t blockSize, std::uint64_t start, std::uint64_t size);
    AllocResult placed(std::uint64_t start, std::uint64_t size);
    void addFree(std::uint64_t address, std::uint64_t size);  // best/worst: into all three indexes

    FitPolicy policy_;
    std::uint64_t capacity_;
    std::uint64_t top_ = 0;    // the heap's top: everything below it is reserved
    std::uint64_t rover_ = 0;  // next-fit: where the last allocation ended
    FreeBlockTree free_;       // first/next: free blocks by address
    // best/worst: free blocks by (size, address), and the boundary tags: start -> size, end -> start.
    SizeIndex bySize_;
    BlockMap freeStart_, freeEnd_;
    std::uint64_t freeBytes_ = 0;
    BlockMap used_;  // address -> block size
};

}  // namespace cachescope::alloc
