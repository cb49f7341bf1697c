#pragma once
// A caching pool after PyTorch's CUDA caching allocator (c10/cuda/CUDACachingAllocator.cpp and
// the "CUDA memory management" notes of the PyTorch docs), one stream, default settings:
//
//   - every request is rounded up to a multiple of 512 B (a request of 0 takes 512);
//   - requests of at most 1 MiB go to the small pool, larger ones to the large pool;
//   - a request that no cached block of its pool holds reserves a new segment (cudaMalloc):
//     2 MiB for the small pool; 20 MiB for requests under 10 MiB; else the request rounded up
//     to a multiple of 2 MiB;
//   - a block is the smallest cached free block of the pool that holds the request (ties: the
//     lowest address: PyTorch's set is ordered by size, then address); it is split when the rest
//     is worth keeping: at least 512 B in the small pool, more than 1 MiB in the large pool;
//     otherwise the whole block is handed out (the excess is internal fragmentation);
//   - a freed block stays cached in its segment and merges with free neighbours of the same
//     segment (never across segments);
//   - empty_cache() returns every segment with no live block (reserved shrinks);
//   - when a segment would pass --capacity, the cached unused segments are returned first (as
//     PyTorch's release_cached_blocks before its out-of-memory error) and the reservation
//     retried; so a failed allocation may have emptied the cache.
//
// Segments get device addresses from a first-fit heap aligned to 2 MiB (the simulated cudaMalloc;
// returned segments leave holes there for later ones). reserved() is the bytes in segments, not
// that heap's top; --capacity bounds it. Alignments above 512 B are not honoured (PyTorch has no
// alignment parameter; its blocks are 512-aligned). Free space = the cached free bytes (reserved
// but unallocated); the largest free block is the largest cached block.
// Search steps: 1 per cached-block lookup (2 when the cache had to be emptied first).
//
// Worked example: alloc 1000 -> 1024 B in the small pool: segment [0, 2 MiB) reserved, the
// block is [0, 1024), [1024, 2 MiB) stays cached. free it: it merges back into one 2 MiB block.
// alloc 5 MiB -> large pool: a 20 MiB segment at 2 MiB, block [2 MiB, 7 MiB), 15 MiB cached.

#include <map>
#include <set>

#include "cachescope/alloc/block_map.hpp"
#include "cachescope/alloc/fit.hpp"
#include "cachescope/alloc/free_tree.hpp"
#include "cachescope/alloc/size_index.hpp"

namespace cachescope::alloc {

class CachingAllocator final : public Allocator {
public:
    static constexpr std::uint64_t kMinBlock = 512;
    static constexpr std::uint64_t kSmallSize = std::uint64_t{1} << 20;       // 1 MiB
    static constexpr std::uint64_t kSmallBuffer = std::uint64_t{2} << 20;     // 2 MiB
    static constexpr std::uint64_t kLargeBuffer = std::uint64_t{20} << 20;    // 20 MiB
    static constexpr std::uint64_t kMinLargeAlloc = std::uint64_t{10} << 20;  // 10 MiB
    static constexpr std::uint64_t kRoundLarge = std::uint64_t{2} << 20;      // 2 MiB

    struct Segment {
        std::uint64_t size = 0;
        bool small = false;
        std::uint64_t liveBlocks = 0;
    };

    explicit CachingAllocator(std::uint64_t capacity = kUnlimited) : capacity_(capacity) {}
    std::unique_ptr<Allocator> clone() const override { return std::make_unique<CachingAllocator>(*this); }
    std::string_view name() const override { return "caching-pool"; }
    AllocResult allocate(std::uint64_t size, std::uint64_t align) override;
    void release(std::uint64_t address) override;
    std::uint64_t reserved() const override { return reserved_; }
    FreeSpace freeSpace() const override { return {cached_.totalBytes(), cached_.largest()}; }
    std::uint64_t capacity() const override { return capacity_; }
    void emptyCache() override;

    static std::uint64_t roundSize(std::uint64_t size);
    /// The segment reserved for a rounded request no cached block holds.
    static std::uint64_t segmentSize(std::uint64_t rounded);
    /// Segments by address.
    const std::map<std::uint64_t, Segment>& segments() const { return segments_; }
    /// Cached free blocks of the small or large pool: (size, address), ascending (a copy).
    std::set<std::pair<std::uint64_t, std::uint64_t>> pool(bool small) const {
        return (small ? small_ : large_).sorted();
    }
    std::map<std::uint64_t, std::uint64_t> liveBlocks() const { return used_.sorted(); }

private:
    std::map<std::uint64_t, Segment>::iterator segmentOf(std::uint64_t address);
    SizeIndex& poolOf(bool small) { return small ? small_ : large_; }

    std::uint64_t capacity_;
    std::uint64_t reserved_ = 0;
    FitAllocator device_{FitPolicy::First};         // segment addresses (cudaMalloc)
    std::map<std::uint64_t, Segment> segments_;
    FreeBlockTree cached_;                           // every cached free block, by address
    SizeIndex small_, large_;                        // the pools: (size, address)
    BlockMap used_;                                                     // address -> block size
};

}  // namespace cachescope::alloc
