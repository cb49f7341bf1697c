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

AllocResult FitAllocator::place(FreeBlockTree::Block found, std::uint64_t start, std::uint64_t size, bool indexed) {
    // `found` is a free block as the tree holds it (and the size index, if `indexed`), which holds
    // [start, start + size).
    if (sized()) {
        if (indexed) bySize_.erase(found.size, found.address);
        const std::uint64_t end = start + size;
        if (start > found.address) bySize_.insert(start - found.address, found.address);  // the alignment gap
        if (found.address + found.size > end) bySize_.insert(found.address + found.size - end, end);  // the rest
    }
    free_.carve(found, start, size);
    return placed(start, size);
}

AllocResult FitAllocator::grow(std::uint64_t blockAddr, std::uint64_t blockSize, std::uint64_t start,
                               std::uint64_t size) {
    // [blockAddr, blockAddr + blockSize) reaches past the top: the free block there, if any (it
    // touches the top), is extended to the new top first, or a new one made.
    const FreeBlockTree::Block old = free_.find(blockAddr);
    if (!old) {
        free_.insert(blockAddr, blockSize);
    } else {
        if (sized()) bySize_.erase(old.size, old.address);
        if (old.size != blockSize) free_.resize(blockAddr, blockAddr, blockSize);
    }
    return place({blockAddr, blockSize}, start, size, false);
}

AllocResult FitAllocator::placed(std::uint64_t start, std::uint64_t size) {
    const std::uint64_t end = start + size;
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
    auto take = [&](FreeBlockTree::Block b) { return done(place(b, alignUp(b.address, align), size)); };

    switch (policy_) {
        case FitPolicy::First: {
            // Steps: the blocks a walk of the address-ordered list visits, up to the one found.
            std::size_t rank = 0;
            const FreeBlockTree::Block b = free_.firstFit(0, size, fits, rank);
            if (b) {
                steps = rank + 1;
                return take(b);
            }
            steps = free_.size();
            break;
        }
        case FitPolicy::Next: {
            // From the first free block at or above the rover to the end, then from the start.
            const std::size_t from = free_.rank(rover_);
            std::size_t rank = 0;
            if (const FreeBlockTree::Block b = free_.firstFit(rover_, size, fits, rank)) {
                steps = rank - from + 1;
                return take(b);
            }
            if (const FreeBlockTree::Block b = free_.firstFit(0, size, fits, rank); b && b.address < rover_) {
                steps = free_.size() - from + rank + 1;
                return take(b);
            }
            steps = free_.size();
            break;
        }
        case FitPolicy::Best:
            // Ascending (size, address) from the first block large enough: the first that fits
            // with its alignment is the smallest, lowest-addressed one.
            for (SizeIndex::Key k = bySize_.lowerBound({size, 0}); k; k = bySize_.after(k)) {
                ++steps;
                if (fits(k.address, k.size)) return take({k.address, k.size});
            }
            break;
        case FitPolicy::Worst: {
            // Sizes from the largest down; within one size, addresses ascending.
            for (SizeIndex::Key top = bySize_.max(); top && top.size >= size;) {
                const std::uint64_t len = top.size;
                for (SizeIndex::Key k = bySize_.lowerBound({len, 0}); k && k.size == len; k = bySize_.after(k)) {
                    ++steps;
                    if (fits(k.address, k.size)) return take({k.address, k.size});
                }
                top = bySize_.before({len, 0});
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
    return done(grow(from, start + size - from > have ? start + size - from : have, start, size));
}

void FitAllocator::release(std::uint64_t address) {
    const std::uint64_t size = used_.take(address);
    FreeBlockTree::Block absorbed[2];
    const FreeBlockTree::Block merged = free_.release(address, size, 0, ~std::uint64_t{0}, absorbed);  // coalesces
    if (sized()) {
        // The free neighbours it merged with leave the size index; the merged block enters it.
        for (const FreeBlockTree::Block& b : absorbed)
            if (b) bySize_.erase(b.size, b.address);
        bySize_.insert(merged.size, merged.address);
    }
}

FreeSpace FitAllocator::freeSpace() const {
    FreeSpace f;
    f.total = free_.totalBytes();
    f.largest = free_.largest();
    return f;
}

}  // namespace cachescope::alloc
