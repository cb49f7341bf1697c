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

std::map<std::uint64_t, std::uint64_t> FitAllocator::freeBlocks() const {
    std::map<std::uint64_t, std::uint64_t> m;
    if (sized()) {
        for (const auto& [size, address] : bySize_.sorted()) m.emplace(address, size);
        return m;
    }
    free_.forEach([&](std::uint64_t address, std::uint64_t size) { m.emplace_hint(m.end(), address, size); });
    return m;
}

AllocResult FitAllocator::place(FreeBlockTree::Block found, std::uint64_t start, std::uint64_t size) {
    // first/next: `found` is a free block as the tree holds it, which holds [start, start + size).
    free_.carve(found, start, size);
    return placed(start, size);
}

void FitAllocator::addFree(std::uint64_t address, std::uint64_t size) {
    bySize_.insert(size, address);
    freeStart_.insert(address, size);
    freeEnd_.insert(address + size, address);
    freeBytes_ += size;
}

AllocResult FitAllocator::placeSized(FreeBlockTree::Block found, std::uint64_t start, std::uint64_t size) {
    // best/worst: `found` is a free block in every index, which holds [start, start + size); the
    // alignment gap before it and the rest after it stay free.
    const std::uint64_t end = start + size, foundEnd = found.address + found.size;
    bySize_.erase(found.size, found.address);
    if (start > found.address) {
        bySize_.insert(start - found.address, found.address);
        freeStart_.at(found.address) = start - found.address;
        freeEnd_.insert(start, found.address);
    } else {
        freeStart_.take(found.address);
    }
    if (foundEnd > end) {
        bySize_.insert(foundEnd - end, end);
        freeStart_.insert(end, foundEnd - end);
        freeEnd_.at(foundEnd) = end;
    } else {
        freeEnd_.take(foundEnd);
    }
    freeBytes_ -= size;
    return placed(start, size);
}

AllocResult FitAllocator::grow(std::uint64_t blockAddr, std::uint64_t blockSize, std::uint64_t start,
                               std::uint64_t size) {
    // [blockAddr, blockAddr + blockSize) reaches past the top: the free block there, if any (it
    // touches the top, so it starts below it), is extended to the new top first, or a new one made.
    if (sized()) {
        if (blockAddr < top_) {
            const std::uint64_t have = top_ - blockAddr;
            bySize_.erase(have, blockAddr);
            freeStart_.take(blockAddr);
            freeEnd_.take(top_);
            freeBytes_ -= have;
        }
        const std::uint64_t end = start + size, blockEnd = blockAddr + blockSize;
        if (start > blockAddr) addFree(blockAddr, start - blockAddr);
        if (blockEnd > end) addFree(end, blockEnd - end);
        return placed(start, size);
    }
    const FreeBlockTree::Block old = free_.find(blockAddr);
    if (!old) {
        free_.insert(blockAddr, blockSize);
    } else if (old.size != blockSize) {
        free_.resize(blockAddr, blockAddr, blockSize);
    }
    return place({blockAddr, blockSize}, start, size);
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
    auto take = [&](FreeBlockTree::Block b, FreeBlockTree::Pos where) {
        free_.carve(where, b, alignUp(b.address, align), size);
        return done(placed(alignUp(b.address, align), size));
    };
    auto takeSized = [&](SizeIndex::Key k) {
        return done(placeSized({k.address, k.size}, alignUp(k.address, align), size));
    };

    switch (policy_) {
        case FitPolicy::First: {
            // Steps: the blocks a walk of the address-ordered list visits, up to the one found.
            std::size_t rank = 0;
            FreeBlockTree::Pos where;
            const FreeBlockTree::Block b = free_.firstFit(0, size, fits, rank, where);
            if (b) {
                steps = rank + 1;
                return take(b, where);
            }
            steps = free_.size();
            break;
        }
        case FitPolicy::Next: {
            // From the first free block at or above the rover to the end, then from the start.
            const std::size_t from = free_.rank(rover_);
            std::size_t rank = 0;
            FreeBlockTree::Pos where;
            if (const FreeBlockTree::Block b = free_.firstFit(rover_, size, fits, rank, where)) {
                steps = rank - from + 1;
                return take(b, where);
            }
            if (const FreeBlockTree::Block b = free_.firstFit(0, size, fits, rank, where); b && b.address < rover_) {
                steps = free_.size() - from + rank + 1;
                return take(b, where);
            }
            steps = free_.size();
            break;
        }
        case FitPolicy::Best: {
            // Ascending (size, address) from the first block large enough: the first that fits
            // with its alignment is the smallest, lowest-addressed one.
            const SizeIndex::Key k = bySize_.firstFrom({size, 0}, [&](const SizeIndex::Key& key) {
                ++steps;
                return fits(key.address, key.size);
            });
            if (k) return takeSized(k);
            break;
        }
        case FitPolicy::Worst: {
            // Sizes from the largest down; within one size, addresses ascending.
            const SizeIndex::Key k = bySize_.largestFirst(size, [&](const SizeIndex::Key& key) {
                ++steps;
                return fits(key.address, key.size);
            });
            if (k) return takeSized(k);
            break;
        }
    }

    // Nothing fits: grow the heap at its top, extending a free block that touches it.
    std::uint64_t from = top_;
    std::uint64_t have = 0;
    if (sized()) {
        if (const std::uint64_t* last = freeEnd_.get(top_)) {
            from = *last;
            have = top_ - from;
        }
    } else if (const FreeBlockTree::Block last = free_.last(); last && last.address + last.size == top_) {
        from = last.address;
        have = last.size;
    }
    const std::uint64_t start = alignUp(from, align);
    if (start + size > capacity_ || start + size < start) return done(AllocResult{});
    return done(grow(from, start + size - from > have ? start + size - from : have, start, size));
}

void FitAllocator::release(std::uint64_t address) {
    const std::uint64_t size = used_.take(address);
    if (!sized()) {
        free_.release(address, size);  // coalesces
        return;
    }
    // Boundary tags: a free block ending at `address` and one starting at its end merge with it.
    const std::uint64_t end = address + size;
    std::uint64_t lo = address, hi = end, v = 0;
    if (freeEnd_.takeIf(address, v)) {
        lo = v;
        bySize_.erase(address - lo, lo);
    }
    if (freeStart_.takeIf(end, v)) {
        bySize_.erase(v, end);
        hi = end + v;
    }
    // What is left of the neighbours' tags is the merged block's: its start's (the block before's)
    // and its end's (the block after's); the freed block supplies the missing ones.
    if (lo != address) {
        freeStart_.at(lo) = hi - lo;
    } else {
        freeStart_.insert(lo, hi - lo);
    }
    if (hi != end) {
        freeEnd_.at(hi) = lo;
    } else {
        freeEnd_.insert(hi, lo);
    }
    bySize_.insert(hi - lo, lo);
    freeBytes_ += size;
}

FreeSpace FitAllocator::freeSpace() const {
    if (sized()) return {freeBytes_, bySize_.max().size};
    return {free_.totalBytes(), free_.largest()};
}

}  // namespace cachescope::alloc
