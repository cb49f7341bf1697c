#include "cachescope/alloc/caching.hpp"

#include <cassert>
#include <iterator>

namespace cachescope::alloc {

std::uint64_t CachingAllocator::roundSize(std::uint64_t size) {
    return size < kMinBlock ? kMinBlock : alignUp(size, kMinBlock);
}

std::uint64_t CachingAllocator::segmentSize(std::uint64_t rounded) {
    if (rounded <= kSmallSize) return kSmallBuffer;
    if (rounded < kMinLargeAlloc) return kLargeBuffer;
    return alignUp(rounded, kRoundLarge);
}

std::map<std::uint64_t, CachingAllocator::Segment>::iterator CachingAllocator::segmentOf(std::uint64_t address) {
    auto it = segments_.upper_bound(address);
    assert(it != segments_.begin());
    return std::prev(it);
}

AllocResult CachingAllocator::allocate(std::uint64_t request, std::uint64_t /*align*/) {
    AllocResult r;
    const std::uint64_t size = roundSize(request);
    const bool small = size <= kSmallSize;
    auto& pool = poolOf(small);
    r.steps = 1;
    SizeIndex::Key block = pool.lowerBound({size, 0});
    if (!block) {
        // No cached block holds it: reserve a segment, emptying the cache first if it would
        // pass the capacity.
        const std::uint64_t bytes = segmentSize(size);
        if (bytes > capacity_ || reserved_ > capacity_ - bytes) {
            emptyCache();
            ++r.steps;
            if (bytes > capacity_ || reserved_ > capacity_ - bytes) return r;
        }
        const AllocResult seg = device_.allocate(bytes, kRoundLarge);
        assert(seg.ok);
        segments_.emplace(seg.address, Segment{bytes, small, 0});
        reserved_ += bytes;
        cached_.insert(seg.address, bytes);
        block = {bytes, seg.address};
    } else {
        pool.erase(block.size, block.address);
    }
    const std::uint64_t blockAddr = block.address;
    const std::uint64_t blockSize = block.size;
    const std::uint64_t rest = blockSize - size;
    const bool split = small ? rest >= kMinBlock : rest > kSmallSize;
    const std::uint64_t given = split ? size : blockSize;
    cached_.carveContaining(blockAddr, given);  // the cached block starting at blockAddr
    if (split) pool.insert(rest, blockAddr + size);
    ++segmentOf(blockAddr)->second.liveBlocks;
    used_.insert(blockAddr, given);
    r.ok = true;
    r.address = blockAddr;
    r.blockSize = given;
    return r;
}

void CachingAllocator::release(std::uint64_t address) {
    const std::uint64_t size = used_.take(address);
    const auto seg = segmentOf(address);
    --seg->second.liveBlocks;
    auto& pool = poolOf(seg->second.small);
    const std::uint64_t low = seg->first;
    const std::uint64_t high = seg->first + seg->second.size;
    // Free neighbours in the same segment merge with it: they leave the pool, the merged block enters.
    FreeBlockTree::Block absorbed[2];
    const FreeBlockTree::Block merged = cached_.release(address, size, low, high, absorbed);
    for (const FreeBlockTree::Block& b : absorbed)
        if (b) pool.erase(b.size, b.address);
    pool.insert(merged.size, merged.address);
}

void CachingAllocator::emptyCache() {
    for (auto it = segments_.begin(); it != segments_.end();) {
        if (it->second.liveBlocks != 0) {
            ++it;
            continue;
        }
        // A segment with no live block is one cached block (its pieces have merged).
        assert(cached_.find(it->first).size == it->second.size);
        poolOf(it->second.small).erase(it->second.size, it->first);
        cached_.erase(it->first);
        device_.release(it->first);
        reserved_ -= it->second.size;
        it = segments_.erase(it);
    }
}

}  // namespace cachescope::alloc
