#include "cachescope/alloc/buddy.hpp"

#include <bit>
#include <cassert>

namespace cachescope::alloc {

namespace {

std::uint64_t bytes(unsigned order) { return std::uint64_t{1} << order; }

unsigned orderFor(std::uint64_t size, std::uint64_t align) {
    std::uint64_t need = size > align ? size : align;
    if (need < bytes(BuddyAllocator::kMinOrder)) need = bytes(BuddyAllocator::kMinOrder);
    return static_cast<unsigned>(std::bit_width(need - 1));  // ceil(log2 need)
}

}  // namespace

void BuddyAllocator::grow(unsigned order) {
    if (arenaOrder_ == 0) {
        arenaOrder_ = order;
        free_[order].insert(0);
        freeBytes_ += bytes(order);
        return;
    }
    // Double the arena: the old arena is the lower half; the upper half is free (and merges with
    // the lower one if that is free too).
    while (arenaOrder_ < order) {
        const std::uint64_t upper = bytes(arenaOrder_);
        if (free_[arenaOrder_].erase(0) != 0) {
            free_[arenaOrder_ + 1].insert(0);
        } else {
            free_[arenaOrder_].insert(upper);
        }
        freeBytes_ += upper;
        ++arenaOrder_;
    }
}

AllocResult BuddyAllocator::allocate(std::uint64_t size, std::uint64_t align) {
    const unsigned want = orderFor(size, align);
    AllocResult r;
    if (want > kMaxOrder) return r;
    for (;;) {
        unsigned k = want;
        while (k <= arenaOrder_ && free_[k].empty()) {
            ++r.steps;
            ++k;
        }
        if (arenaOrder_ != 0 && k <= arenaOrder_) {
            ++r.steps;
            const std::uint64_t addr = *free_[k].begin();
            free_[k].erase(free_[k].begin());
            while (k > want) {  // split, keeping the lower half
                --k;
                free_[k].insert(addr + bytes(k));
            }
            used_.insert(addr, want);
            freeBytes_ -= bytes(want);
            r.ok = true;
            r.address = addr;
            r.blockSize = bytes(want);
            return r;
        }
        // No free block is large enough: create the arena or double it, as often as needed for
        // a free block of order `want` to appear; fail, changing nothing, if that passes the capacity.
        unsigned target = want;
        if (arenaOrder_ != 0) {
            const bool allFree = free_[arenaOrder_].count(0) != 0;
            target = want <= arenaOrder_ ? arenaOrder_ + 1 : (allFree ? want : want + 1);
        }
        if (target > kMaxOrder || bytes(target) > capacity_) return r;
        grow(target);
    }
}

void BuddyAllocator::release(std::uint64_t address) {
    auto k = static_cast<unsigned>(used_.take(address));
    freeBytes_ += bytes(k);
    std::uint64_t addr = address;
    while (k < arenaOrder_) {
        const std::uint64_t buddy = addr ^ bytes(k);
        if (free_[k].erase(buddy) == 0) break;
        addr &= ~bytes(k);
        ++k;
    }
    free_[k].insert(addr);
}

FreeSpace BuddyAllocator::freeSpace() const {
    FreeSpace f;
    f.total = freeBytes_;
    for (unsigned k = arenaOrder_ + 1; k-- > kMinOrder;)
        if (!free_[k].empty()) {
            f.largest = bytes(k);
            break;
        }
    return f;
}

}  // namespace cachescope::alloc
