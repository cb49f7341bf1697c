#pragma once
// Segregated size classes ("slabs"; Bonwick, "The Slab Allocator", USENIX 1994; Wilson et al. 1995,
// §3.6 "segregated free lists"): every request up to kMaxClass bytes is rounded up to a power of
// two (its class, at least 16 bytes and at least its alignment) and served from a per-class free
// list; a class with an empty list takes one page of kPage bytes from the page heap and cuts it
// into objects of its size (a slab). Larger requests take whole pages (rounded up to kPage) from
// the page heap directly.
//
// The page heap is a first-fit heap of pages (FitAllocator, coalescing, growing at its top), so
// reserved() is its top. A freed object goes back on its class's list (last in, first out, as
// most slab and size-class allocators do) and its page stays with the class: slabs are never
// returned, so memory held by one class cannot serve another (a freed large object's pages go
// back to the page heap). The rounding shows as internal fragmentation.
//
// Free space: the free objects of every class plus the free pages; the largest free block is the
// largest of the page heap's largest free run and the largest class with a free object.
// Search steps: 1 for a class list (plus the page heap's steps when a new slab is cut); the page
// heap's steps for a large request.
//
// Worked example: alloc 100 -> class 128: page [0, 64 KiB) becomes 512 objects of 128 B, the
// block is [0, 128). alloc 20 -> class 32: page [64 KiB, 128 KiB), block 65536. Freeing the 128 B
// block and allocating 120 gives address 0 again (last in, first out).

#include <array>
#include <vector>

#include "cachescope/alloc/block_map.hpp"
#include "cachescope/alloc/fit.hpp"

namespace cachescope::alloc {

class SlabAllocator final : public Allocator {
public:
    static constexpr std::uint64_t kPage = 64 * 1024;
    static constexpr unsigned kMinClassOrder = 4;   // 16 B
    static constexpr unsigned kMaxClassOrder = 15;  // 32 KiB
    static constexpr std::uint64_t kMaxClass = std::uint64_t{1} << kMaxClassOrder;

    explicit SlabAllocator(std::uint64_t capacity = kUnlimited) : pages_(FitPolicy::First, capacity) {}
    std::unique_ptr<Allocator> clone() const override { return std::make_unique<SlabAllocator>(*this); }
    std::string_view name() const override { return "slab"; }
    AllocResult allocate(std::uint64_t size, std::uint64_t align) override;
    void release(std::uint64_t address) override;
    std::uint64_t reserved() const override { return pages_.reserved(); }
    FreeSpace freeSpace() const override;
    std::uint64_t capacity() const override { return pages_.capacity(); }

    /// The class order (log2 of the object size) a request takes; 0 = too large for a class.
    static unsigned classOrder(std::uint64_t size, std::uint64_t align);
    /// Free objects of class order k, the next one handed out last.
    const std::vector<std::uint64_t>& freeObjects(unsigned order) const { return free_[order]; }
    /// Pages that belong to class order k.
    std::uint64_t slabs(unsigned order) const { return slabs_[order]; }
    const FitAllocator& pageHeap() const { return pages_; }

private:
    FitAllocator pages_;
    std::array<std::vector<std::uint64_t>, kMaxClassOrder + 1> free_{};
    std::array<std::uint64_t, kMaxClassOrder + 1> slabs_{};
    std::uint64_t freeObjectBytes_ = 0;
    BlockMap used_;  // address -> class order, or block size if large
};

}  // namespace cachescope::alloc
