#include "cachescope/alloc/free_tree.hpp"

#include <algorithm>
#include <cassert>

namespace cachescope::alloc {

// Both searches are the branch-free binary search of Khuong and Morin ("Array layouts for
// comparison-based searching", 2017): the loop runs log2(n) times whatever the keys, and the
// comparison picks the half with a conditional move.
std::size_t FreeBlockTree::chunkOf(std::uint64_t address) const {
    const std::uint64_t* const data = first_.data();
    const std::uint64_t* base = data;
    std::size_t len = first_.size();
    while (len > 1) {
        const std::size_t half = len / 2;
        base = base[half] <= address ? base + half : base;
        len -= half;
    }
    const std::size_t upper = static_cast<std::size_t>(base - data) + (*base <= address ? 1 : 0);
    return upper == 0 ? 0 : upper - 1;
}

std::uint32_t FreeBlockTree::indexIn(const Chunk& c, std::uint32_t n, std::uint64_t address) {
    const std::uint64_t* base = c.address;
    std::uint32_t len = n;
    while (len > 1) {
        const std::uint32_t half = len / 2;
        base = base[half] < address ? base + half : base;
        len -= half;
    }
    return static_cast<std::uint32_t>(base - c.address) + (*base < address ? 1u : 0u);
}

FreeBlockTree::Pos FreeBlockTree::locate(std::uint64_t address) const {
    const std::size_t p = chunkOf(address);
    return {p, indexIn(chunks_[id_[p]], n_[p], address)};
}

void FreeBlockTree::chunkMax(std::size_t p) {
    const Chunk& c = chunks_[id_[p]];
    std::uint64_t m = 0;
    for (std::uint32_t j = 0; j < n_[p]; ++j) m = c.size[j] > m ? c.size[j] : m;
    max_[p] = m;
}

void FreeBlockTree::shrank(std::uint64_t oldSize) {
    if (oldSize != largest_) return;
    std::uint64_t m = 0;
    for (const std::uint64_t x : max_) m = x > m ? x : m;
    largest_ = m;
}

std::uint32_t FreeBlockTree::newChunk() {
    if (spare_.empty()) {
        chunks_.emplace_back();
        return static_cast<std::uint32_t>(chunks_.size() - 1);
    }
    const std::uint32_t q = spare_.back();
    spare_.pop_back();
    return q;
}

void FreeBlockTree::splitChunk(std::size_t p) {
    const std::uint32_t q = newChunk();
    const std::uint32_t keep = n_[p] / 2, move = n_[p] - keep;
    const Chunk& from = chunks_[id_[p]];
    Chunk& to = chunks_[q];
    std::copy(from.address + keep, from.address + keep + move, to.address);
    std::copy(from.size + keep, from.size + keep + move, to.size);
    id_.insert(id_.begin() + static_cast<std::ptrdiff_t>(p + 1), q);
    first_.insert(first_.begin() + static_cast<std::ptrdiff_t>(p + 1), to.address[0]);
    max_.insert(max_.begin() + static_cast<std::ptrdiff_t>(p + 1), 0);
    n_.insert(n_.begin() + static_cast<std::ptrdiff_t>(p + 1), move);
    n_[p] = keep;
    chunkMax(p);
    chunkMax(p + 1);
}

void FreeBlockTree::dropChunk(std::size_t p) {
    spare_.push_back(id_[p]);
    const auto at = static_cast<std::ptrdiff_t>(p);
    id_.erase(id_.begin() + at);
    first_.erase(first_.begin() + at);
    max_.erase(max_.begin() + at);
    n_.erase(n_.begin() + at);
}

void FreeBlockTree::mergeInto(std::size_t p) {
    Chunk& to = chunks_[id_[p]];
    const Chunk& from = chunks_[id_[p + 1]];
    const std::uint32_t n = n_[p], m = n_[p + 1];
    assert(n + m <= kChunk);
    std::copy(from.address, from.address + m, to.address + n);
    std::copy(from.size, from.size + m, to.size + n);
    n_[p] = n + m;
    max_[p] = std::max(max_[p], max_[p + 1]);
    dropChunk(p + 1);
}

void FreeBlockTree::insert(std::uint64_t address, std::uint64_t size) {
    if (id_.empty()) {
        assert(size > 0);
        total_ += size;
        ++blocks_;
        if (size > largest_) largest_ = size;
        const std::uint32_t q = newChunk();
        chunks_[q].address[0] = address;
        chunks_[q].size[0] = size;
        id_.push_back(q);
        first_.push_back(address);
        max_.push_back(size);
        n_.push_back(1);
        return;
    }
    insertAt(locate(address), address, size);
}

void FreeBlockTree::insertAt(Pos at, std::uint64_t address, std::uint64_t size) {
    assert(size > 0);
    total_ += size;
    ++blocks_;
    if (size > largest_) largest_ = size;
    std::size_t p = at.chunk;
    std::uint32_t i = at.index;
    if (n_[p] == kChunk) {
        splitChunk(p);  // keeps the first n_[p] blocks in p
        if (i > n_[p]) {
            i -= n_[p];
            ++p;
        }
    }
    Chunk& c = chunks_[id_[p]];
    const std::uint32_t n = n_[p];
    std::copy_backward(c.address + i, c.address + n, c.address + n + 1);
    std::copy_backward(c.size + i, c.size + n, c.size + n + 1);
    c.address[i] = address;
    c.size[i] = size;
    n_[p] = n + 1;
    if (i == 0) first_[p] = address;
    if (size > max_[p]) max_[p] = size;
}

void FreeBlockTree::eraseAt(Pos at) {
    const std::size_t p = at.chunk;
    Chunk& c = chunks_[id_[p]];
    const std::uint32_t n = n_[p], i = at.index;
    const std::uint64_t size = c.size[i];
    total_ -= size;
    --blocks_;
    std::copy(c.address + i + 1, c.address + n, c.address + i);
    std::copy(c.size + i + 1, c.size + n, c.size + i);
    n_[p] = n - 1;
    if (n == 1) {
        dropChunk(p);
    } else {
        if (i == 0) first_[p] = c.address[0];
        if (size == max_[p]) chunkMax(p);
        // A chunk a quarter full joins a neighbour that has room, so chunks stay at least that full
        // on average and the directory short.
        if (n_[p] < kChunk / 4) {
            if (p + 1 < id_.size() && n_[p] + n_[p + 1] <= kChunk / 2) {
                mergeInto(p);
            } else if (p > 0 && n_[p - 1] + n_[p] <= kChunk / 2) {
                mergeInto(p - 1);
            }
        }
    }
    shrank(size);
}

void FreeBlockTree::setAt(Pos at, std::uint64_t newAddress, std::uint64_t newSize) {
    const std::size_t p = at.chunk;
    Chunk& c = chunks_[id_[p]];
    const std::uint64_t old = c.size[at.index];
    total_ = total_ - old + newSize;
    c.address[at.index] = newAddress;
    c.size[at.index] = newSize;
    if (at.index == 0) first_[p] = newAddress;
    if (newSize > max_[p]) {
        max_[p] = newSize;
        if (newSize > largest_) largest_ = newSize;
    } else if (newSize < old) {
        if (old == max_[p]) chunkMax(p);
        shrank(old);
    }
}

void FreeBlockTree::erase(std::uint64_t address) {
    const Pos at = locate(address);
    assert(at.index < n_[at.chunk] && chunks_[id_[at.chunk]].address[at.index] == address);
    eraseAt(at);
}

void FreeBlockTree::resize(std::uint64_t address, std::uint64_t newAddress, std::uint64_t newSize) {
    const Pos at = locate(address);
    assert(at.index < n_[at.chunk] && chunks_[id_[at.chunk]].address[at.index] == address);
    setAt(at, newAddress, newSize);
}

FreeBlockTree::Block FreeBlockTree::find(std::uint64_t address) const {
    if (id_.empty()) return {};
    const Pos at = locate(address);
    if (at.index < n_[at.chunk] && chunks_[id_[at.chunk]].address[at.index] == address) return this->at(at);
    return {};
}

FreeBlockTree::Block FreeBlockTree::before(std::uint64_t address) const {
    if (id_.empty()) return {};
    const Pos at = locate(address);
    if (at.index > 0) return this->at({at.chunk, at.index - 1});
    if (at.chunk > 0) return this->at({at.chunk - 1, n_[at.chunk - 1] - 1});
    return {};
}

FreeBlockTree::Block FreeBlockTree::atOrAfter(std::uint64_t address) const {
    if (id_.empty()) return {};
    const Pos at = locate(address);
    if (at.index < n_[at.chunk]) return this->at(at);
    if (at.chunk + 1 < id_.size()) return this->at({at.chunk + 1, 0});
    return {};
}

FreeBlockTree::Block FreeBlockTree::last() const {
    if (id_.empty()) return {};
    return at({id_.size() - 1, n_.back() - 1});
}

std::size_t FreeBlockTree::rank(std::uint64_t address) const {
    if (id_.empty()) return 0;
    const Pos at = locate(address);
    std::size_t below = at.index;
    for (std::size_t q = 0; q < at.chunk; ++q) below += n_[q];
    return below;
}

void FreeBlockTree::carve(std::uint64_t blockAddress, std::uint64_t start, std::uint64_t size) {
    carve(find(blockAddress), start, size);
}

void FreeBlockTree::carve(Block b, std::uint64_t start, std::uint64_t size) {
    carveAt(locate(b.address), b, start, size);
}

FreeBlockTree::Block FreeBlockTree::carveContaining(std::uint64_t start, std::uint64_t size) {
    assert(!id_.empty());
    // The last block at or below `start`: the one before the first above it (one search).
    Pos at = locate(start + 1);
    if (at.index > 0) {
        --at.index;
    } else {
        assert(at.chunk > 0);
        --at.chunk;
        at.index = n_[at.chunk] - 1;
    }
    const Block b = this->at(at);
    carveAt(at, b, start, size);
    return b;
}

void FreeBlockTree::carveAt(Pos at, Block b, std::uint64_t start, std::uint64_t size) {
    assert(b && start >= b.address && start + size <= b.address + b.size);
    const std::uint64_t gap = start - b.address;
    const std::uint64_t rest = b.address + b.size - (start + size);
    // Shrinking a block in place keeps the address order, so nothing moves; the rest after a gap
    // goes right after it, in the same chunk (the next block, if any, starts above the rest).
    if (gap == 0 && rest == 0) {
        eraseAt(at);
    } else if (gap == 0) {
        setAt(at, start + size, rest);
    } else {
        setAt(at, b.address, gap);
        if (rest != 0) insertAt({at.chunk, at.index + 1}, start + size, rest);
    }
}

FreeBlockTree::Block FreeBlockTree::release(std::uint64_t address, std::uint64_t size, std::uint64_t low,
                                            std::uint64_t high, Block* absorbed) {
    const std::uint64_t end = address + size;
    // One search finds both neighbours: the last block below `address` and the first above it.
    Block prev, next;
    Pos at, prevAt, nextAt;
    if (!id_.empty()) {
        at = locate(address);
        if (at.index > 0) {
            prevAt = {at.chunk, at.index - 1};
            prev = this->at(prevAt);
        } else if (at.chunk > 0) {
            prevAt = {at.chunk - 1, n_[at.chunk - 1] - 1};
            prev = this->at(prevAt);
        }
        if (at.index < n_[at.chunk]) {
            nextAt = at;
            next = this->at(nextAt);
        } else if (at.chunk + 1 < id_.size()) {
            nextAt = {at.chunk + 1, 0};
            next = this->at(nextAt);
        }
    }
    if (next && (next.address != end || end >= high)) next = {};
    if (prev && (prev.address + prev.size != address || prev.address < low || address <= low)) prev = {};
    if (absorbed != nullptr) {
        absorbed[0] = prev;
        absorbed[1] = next;
    }
    if (prev && next) {
        // prev grows over the freed block and next, then next goes (setAt moves nothing, so
        // nextAt still points at it).
        const std::uint64_t merged = next.address + next.size - prev.address;
        setAt(prevAt, prev.address, merged);
        eraseAt(nextAt);
        return {prev.address, merged};
    }
    if (prev) {
        setAt(prevAt, prev.address, end - prev.address);
        return {prev.address, end - prev.address};
    }
    if (next) {
        setAt(nextAt, address, next.address + next.size - address);
        return {address, next.address + next.size - address};
    }
    // No neighbour to merge with: a new block where the search above found its place.
    if (id_.empty()) {
        insert(address, size);
    } else {
        insertAt(at, address, size);
    }
    return {address, size};
}

}  // namespace cachescope::alloc
