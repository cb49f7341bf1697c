#include "cachescope/alloc/fit.hpp"

#include <cassert>
#include <iterator>

namespace cachescope::alloc {

namespace {

std::uint64_t blockSizeFor(std::uint64_t size) { return size == 0 ? kGranule : alignUp(size, kGranule); }

}  // namespace

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

void FitAllocator::addFree(std::uint64_t address, std::uint64_t size) {
    if (size == 0) return;
    free_.emplace(address, size);
    bySize_.emplace(size, address);
    freeBytes_ += size;
}

void FitAllocator::removeFree(std::map<std::uint64_t, std::uint64_t>::iterator it) {
    bySize_.erase({it->second, it->first});
    freeBytes_ -= it->second;
    free_.erase(it);
}

AllocResult FitAllocator::place(std::uint64_t blockAddr, std::uint64_t blockSize, std::uint64_t start,
                                std::uint64_t size) {
    // [blockAddr, blockAddr + blockSize) is free (blockSize may reach past the top when growing).
    const auto it = free_.find(blockAddr);
    if (it != free_.end()) removeFree(it);
    addFree(blockAddr, start - blockAddr);                            // the alignment gap
    const std::uint64_t end = start + size;
    if (blockAddr + blockSize > end) addFree(end, blockAddr + blockSize - end);  // the remainder
    if (end > top_) top_ = end;
    used_.emplace(start, size);
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

    switch (policy_) {
        case FitPolicy::First:
            for (const auto& [addr, len] : free_) {
                ++steps;
                if (fits(addr, len)) return done(place(addr, len, alignUp(addr, align), size));
            }
            break;
        case FitPolicy::Next: {
            // From the first free block at or above the rover to the end, then from the start.
            const auto from = free_.lower_bound(rover_);
            for (auto it = from; it != free_.end(); ++it) {
                ++steps;
                if (fits(it->first, it->second)) return done(place(it->first, it->second, alignUp(it->first, align), size));
            }
            for (auto it = free_.begin(); it != from; ++it) {
                ++steps;
                if (fits(it->first, it->second)) return done(place(it->first, it->second, alignUp(it->first, align), size));
            }
            break;
        }
        case FitPolicy::Best:
            // Ascending (size, address) from the first block large enough: the first that fits
            // with its alignment is the smallest, lowest-addressed one.
            for (auto it = bySize_.lower_bound({size, 0}); it != bySize_.end(); ++it) {
                ++steps;
                if (fits(it->second, it->first)) return done(place(it->second, it->first, alignUp(it->second, align), size));
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
                    if (fits(it->second, it->first)) return done(place(it->second, it->first, alignUp(it->second, align), size));
                }
                end = first;
            }
            break;
        }
    }

    // Nothing fits: grow the heap at its top, extending a free block that touches it.
    std::uint64_t from = top_;
    std::uint64_t have = 0;
    if (!free_.empty()) {
        const auto last = std::prev(free_.end());
        if (last->first + last->second == top_) {
            from = last->first;
            have = last->second;
        }
    }
    const std::uint64_t start = alignUp(from, align);
    if (start + size > capacity_ || start + size < start) return done(AllocResult{});
    return done(place(from, start + size - from > have ? start + size - from : have, start, size));
}

void FitAllocator::release(std::uint64_t address) {
    const auto u = used_.find(address);
    assert(u != used_.end());
    std::uint64_t start = address;
    std::uint64_t end = address + u->second;
    used_.erase(u);
    // Coalesce with the free neighbours on both sides.
    auto next = free_.lower_bound(address);
    if (next != free_.end() && next->first == end) {
        end += next->second;
        next = std::next(next);
        removeFree(std::prev(next));
    }
    if (next != free_.begin()) {
        const auto prev = std::prev(next);
        if (prev->first + prev->second == start) {
            start = prev->first;
            removeFree(prev);
        }
    }
    addFree(start, end - start);
}

FreeSpace FitAllocator::freeSpace() const {
    FreeSpace f;
    f.total = freeBytes_;
    if (!bySize_.empty()) f.largest = std::prev(bySize_.end())->first;
    return f;
}

}  // namespace cachescope::alloc
