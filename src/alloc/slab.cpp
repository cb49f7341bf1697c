#include "cachescope/alloc/slab.hpp"

#include <bit>
#include <cassert>

namespace cachescope::alloc {

unsigned SlabAllocator::classOrder(std::uint64_t size, std::uint64_t align) {
    std::uint64_t need = size > align ? size : align;
    if (need > kMaxClass) return 0;
    if (need < (std::uint64_t{1} << kMinClassOrder)) need = std::uint64_t{1} << kMinClassOrder;
    return static_cast<unsigned>(std::bit_width(need - 1));  // ceil(log2 need)
}

AllocResult SlabAllocator::allocate(std::uint64_t size, std::uint64_t align) {
    AllocResult r;
    const unsigned k = classOrder(size, align);
    if (k == 0) {
        // Whole pages from the page heap.
        const std::uint64_t bytes = alignUp(size, kPage);
        if (bytes < size) return r;  // overflow
        r = pages_.allocate(bytes, align > kPage ? align : kPage);
        if (r.ok) used_.insert(r.address, r.blockSize);
        return r;
    }
    const std::uint64_t object = std::uint64_t{1} << k;
    r.steps = 1;
    std::vector<std::uint64_t>& list = free_[k];
    if (list.empty()) {
        // A new slab: one page cut into objects, pushed so that the lowest address comes first.
        const AllocResult page = pages_.allocate(kPage, kPage);
        r.steps += page.steps;
        if (!page.ok) return r;
        ++slabs_[k];
        for (std::uint64_t a = page.address + kPage; a > page.address;) {
            a -= object;
            list.push_back(a);
        }
        freeObjectBytes_ += kPage;
    }
    r.ok = true;
    r.address = list.back();
    r.blockSize = object;
    list.pop_back();
    freeObjectBytes_ -= object;
    used_.insert(r.address, k);
    return r;
}

void SlabAllocator::release(std::uint64_t address) {
    const std::uint64_t v = used_.take(address);
    if (v > kMaxClassOrder) {  // a large block: its pages go back
        pages_.release(address);
        return;
    }
    free_[v].push_back(address);
    freeObjectBytes_ += std::uint64_t{1} << v;
}

FreeSpace SlabAllocator::freeSpace() const {
    FreeSpace f = pages_.freeSpace();
    f.total += freeObjectBytes_;
    for (unsigned k = kMaxClassOrder; k >= kMinClassOrder; --k)
        if (!free_[k].empty()) {
            if ((std::uint64_t{1} << k) > f.largest) f.largest = std::uint64_t{1} << k;
            break;
        }
    return f;
}

}  // namespace cachescope::alloc
