#include "cachescope/alloc/fit.hpp"

#include <cassert>
#include <iterator>

namespace cachescope::alloc {

FitAllocator::FitAllocator(FitPolicy policy, std::uint64_t capacity) : policy_(policy), capacity_(capacity) {}

std::string_view FitAllocator::name() const {
    switch (policy_) {
        case FitPolicy::First: return "first-fit";
        case FitPolicy::Next: return "next-fit";
        case FitPolicy::Best: return "best-fit";
        case FitPolicy::Worst: return "worst-fit";
    }
    return "fit";
}

bool FitAllocator::sized() const { return policy_ == FitPolicy::Best || policy_ == FitPolicy::Worst; }

std::map<std::uint64_t, std::uint64_t> FitAllocator::freeBlocks() const {
    std::map<std::uint64_t, std::uint64_t> m;
    free_.forEach([&](std::uint64_t address, std::uint64_t size) { m.emplace_hint(m.end(), address, size); });
    return m;
}

AllocResult FitAllocator::place(std::uint64_t blockAddr, std::uint64_t blockSize, std::uint64_t start,
                                std::uint64_t size) {
    // [blockAddr, blockAddr + blockSize) is free (blockSize may reach past the top when growing:
    // then the free block there, if any, is extended to the new top first).
    const std::uint64_t end = start + size;
    const FreeBlockTree::Block old = free_.find(blockAddr);
    if (sized() && old) bySize_.erase({old.size, old.address});
    if (!old) {
        free_.insert(blockAddr, blockSize);
    } else if (old.size != blockSize) {
        free_.resize(blockAddr, blockAddr, blockSize);
    }
    free_.carve(blockAddr, start, size);
    if (sized()) {
        if (start > blockAddr) bySize_.emplace(start - blockAddr, blockAddr);             // the alignment gap
        if (blockAddr + blockSize > end) bySize_.emplace(blockAddr + blockSize - end, end);  // the remainder
    }
    if (end > top_) top_ = end;
    used_.insert(start, size);
    rover_ = end;
    AllocResult r;
    r.ok = true;
    r.address = start;
    r.blockSize = size;
    return r;
}

AllocResult FitAllocator::allocate(std::uint64_t request, std::uint64_t align) {
    const std::uint64_t size = blockSizeFor(request);
    if (align < kGranule) align = kGranule;
    std::uint64_t steps = 0;
    auto fits = [&](std::uint64_t addr, std::uint64_t len) { return alignUp(addr, align) + size <= addr + len; };
    auto done = [&](AllocResult r) {
        r.steps = steps;
        return r;
    };
    auto take = [&](FreeBlockTree::Block b) { return done(place(b.address, b.size, alignUp(b.address, align), size)); };

    switch (policy_) {
        case FitPolicy::First: {
            // Steps: the blocks a walk of the address-ordered list visits, up to the one found.
            const FreeBlockTree::Block b = free_.firstFit(0, size, fits);
            if (b) {
                steps = free_.rank(b.address) + 1;
                return take(b);
            }
            steps = free_.size();
            break;
        }
        case FitPolicy::Next: {
            // From the first free block at or above the rover to the end, then from the start.
            const std::size_t from = free_.rank(rover_);
            if (const FreeBlockTree::Block b = free_.firstFit(rover_, size, fits)) {
                steps = free_.rank(b.address) - from + 1;
                return take(b);
            }
            if (const FreeBlockTree::Block b = free_.firstFit(0, size, fits); b && b.address < rover_) {
                steps = free_.size() - from + free_.rank(b.address) + 1;
                return take(b);
            }
            steps = free_.size();
            break;
        }
        case FitPolicy::Best:
            // Ascending (size, address) from the first block large enough: the first that fits
            // with its alignment is the smallest, lowest-addressed one.
            for (auto it = bySize_.lower_bound({size, 0}); it != bySize_.end(); ++it) {
                ++steps;
                if (fits(it->second, it->first)) return take({it->second, it->first});
            }
            break;
        case FitPolicy::Worst: {
            // Sizes from the largest down; within one size, addresses ascending.
            auto end = bySize_.end();
            while (end != bySize_.begin()) {
                const std::uint64_t len = std::prev(end)->first;
                if (len < size) break;
                const auto first = bySize_.lower_bound({len, 0});
                for (auto it = first; it != end; ++it) {
                    ++steps;
                    if (fits(it->second, it->first)) return take({it->second, it->first});
                }
                end = first;
            }
            break;
        }
    }

    // Nothing fits: grow the heap at its top, extending a free block that touches it.
    std::uint64_t from = top_;
    std::uint64_t have = 0;
    if (const FreeBlockTree::Block last = free_.last(); last && last.address + last.size == top_) {
        from = last.address;
        have = last.size;
    }
    const std::uint64_t start = alignUp(from, align);
    if (start + size > capacity_ || start + size < start) return done(AllocResult{});
    return done(place(from, start + size - from > have ? start + size - from : have, start, size));
}

void FitAllocator::release(std::uint64_t address) {
    const std::uint64_t size = used_.take(address);
    if (sized()) {
        // The free neighbours it merges with leave the size index; the merged block enters it.
        if (const FreeBlockTree::Block next = free_.find(address + size)) bySize_.erase({next.size, next.address});
        if (const FreeBlockTree::Block prev = free_.before(address); prev && prev.address + prev.size == address)
            bySize_.erase({prev.size, prev.address});
    }
    const FreeBlockTree::Block merged = free_.release(address, size);  // coalesces on both sides
    if (sized()) bySize_.emplace(merged.size, merged.address);
}

FreeSpace FitAllocator::freeSpace() const {
    FreeSpace f;
    f.total = free_.totalBytes();
    f.largest = free_.largest();
    return f;
}

}  // namespace cachescope::alloc
