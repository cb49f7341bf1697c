#include "cachescope/alloc/free_tree.hpp"

#include <algorithm>
#include <cassert>

namespace cachescope::alloc {

inline void FreeBlockTree::update(std::uint32_t t) {
    Node& n = nodes_[t];
    const Node& l = nodes_[n.left];
    const Node& r = nodes_[n.right];
    n.count = l.count + r.count + 1;
    const std::uint64_t children = l.maxSize > r.maxSize ? l.maxSize : r.maxSize;
    n.maxSize = n.size > children ? n.size : children;
}

// Splits t into the blocks below `key` and the rest.
void FreeBlockTree::split(std::uint32_t t, std::uint64_t key, std::uint32_t& less, std::uint32_t& rest) {
    if (t == 0) {
        less = rest = 0;
        return;
    }
    if (nodes_[t].address < key) {
        split(nodes_[t].right, key, nodes_[t].right, rest);
        less = t;
    } else {
        split(nodes_[t].left, key, less, nodes_[t].left);
        rest = t;
    }
    update(t);
}

// Every address in a is below every address in b.
std::uint32_t FreeBlockTree::merge(std::uint32_t a, std::uint32_t b) {
    if (a == 0) return b;
    if (b == 0) return a;
    if (nodes_[a].priority > nodes_[b].priority) {
        nodes_[a].right = merge(nodes_[a].right, b);
        update(a);
        return a;
    }
    nodes_[b].left = merge(a, nodes_[b].left);
    update(b);
    return b;
}

std::uint32_t FreeBlockTree::newNode(std::uint64_t address, std::uint64_t size) {
    std::uint32_t t;
    if (!spare_.empty()) {
        t = spare_.back();
        spare_.pop_back();
    } else {
        t = static_cast<std::uint32_t>(nodes_.size());
        nodes_.emplace_back();
    }
    // splitmix64: a fixed sequence, so the tree's shape is the same on every run.
    seed_ += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = seed_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    Node& n = nodes_[t];
    n = Node{};
    n.address = address;
    n.size = size;
    n.priority = static_cast<std::uint32_t>(z ^ (z >> 31));
    update(t);
    return t;
}

void FreeBlockTree::insertAt(std::uint32_t& t, std::uint32_t n) {
    if (t == 0) {
        t = n;
        return;
    }
    if (nodes_[n].priority > nodes_[t].priority) {
        split(t, nodes_[n].address, nodes_[n].left, nodes_[n].right);
        update(n);
        t = n;
        return;
    }
    insertAt(nodes_[n].address < nodes_[t].address ? nodes_[t].left : nodes_[t].right, n);
    update(t);
}

void FreeBlockTree::eraseAt(std::uint32_t& t, std::uint64_t address) {
    assert(t != 0);
    Node& n = nodes_[t];
    if (n.address == address) {
        total_ -= n.size;
        spare_.push_back(t);
        t = merge(n.left, n.right);
        return;
    }
    eraseAt(address < n.address ? n.left : n.right, address);
    update(t);
}

bool FreeBlockTree::resizeAt(std::uint32_t t, std::uint64_t address, std::uint64_t newAddress, std::uint64_t newSize) {
    if (t == 0) return false;
    Node& n = nodes_[t];
    if (n.address == address) {
        total_ = total_ - n.size + newSize;
        n.address = newAddress;
        n.size = newSize;
    } else if (!resizeAt(address < n.address ? n.left : n.right, address, newAddress, newSize)) {
        return false;
    }
    update(t);
    return true;
}

void FreeBlockTree::insert(std::uint64_t address, std::uint64_t size) {
    assert(size > 0);
    const std::uint32_t n = newNode(address, size);  // before insertAt: it may grow nodes_
    insertAt(root_, n);
    total_ += size;
}

void FreeBlockTree::erase(std::uint64_t address) { eraseAt(root_, address); }

void FreeBlockTree::resize(std::uint64_t address, std::uint64_t newAddress, std::uint64_t newSize) {
    const bool found = resizeAt(root_, address, newAddress, newSize);
    assert(found);
    (void)found;
}

FreeBlockTree::Block FreeBlockTree::find(std::uint64_t address) const {
    std::uint32_t t = root_;
    while (t != 0) {
        const Node& n = nodes_[t];
        if (n.address == address) return {n.address, n.size};
        t = address < n.address ? n.left : n.right;
    }
    return {};
}

FreeBlockTree::Block FreeBlockTree::before(std::uint64_t address) const {
    Block best;
    for (std::uint32_t t = root_; t != 0;) {
        const Node& n = nodes_[t];
        if (n.address < address) {
            best = {n.address, n.size};
            t = n.right;
        } else {
            t = n.left;
        }
    }
    return best;
}

FreeBlockTree::Block FreeBlockTree::atOrAfter(std::uint64_t address) const {
    Block best;
    for (std::uint32_t t = root_; t != 0;) {
        const Node& n = nodes_[t];
        if (n.address >= address) {
            best = {n.address, n.size};
            t = n.left;
        } else {
            t = n.right;
        }
    }
    return best;
}

FreeBlockTree::Block FreeBlockTree::last() const {
    std::uint32_t t = root_;
    if (t == 0) return {};
    while (nodes_[t].right != 0) t = nodes_[t].right;
    return {nodes_[t].address, nodes_[t].size};
}

std::size_t FreeBlockTree::rank(std::uint64_t address) const {
    std::size_t below = 0;
    for (std::uint32_t t = root_; t != 0;) {
        const Node& n = nodes_[t];
        if (n.address < address) {
            below += nodes_[n.left].count + 1;
            t = n.right;
        } else {
            t = n.left;
        }
    }
    return below;
}

void FreeBlockTree::carve(std::uint64_t blockAddress, std::uint64_t start, std::uint64_t size) {
    const Block b = find(blockAddress);
    assert(b && start >= b.address && start + size <= b.address + b.size);
    const std::uint64_t gap = start - b.address;
    const std::uint64_t rest = b.address + b.size - (start + size);
    // Shrinking a block in place keeps the address order, so no node moves.
    if (gap == 0 && rest == 0) {
        erase(b.address);
    } else if (gap == 0) {
        resize(b.address, start + size, rest);
    } else {
        resize(b.address, b.address, gap);
        if (rest != 0) insert(start + size, rest);
    }
}

FreeBlockTree::Block FreeBlockTree::release(std::uint64_t address, std::uint64_t size, std::uint64_t low,
                                            std::uint64_t high) {
    const std::uint64_t end = address + size;
    // One descent finds both neighbours: the last block below `address` and the first above it.
    Block prev, next;
    for (std::uint32_t t = root_; t != 0;) {
        const Node& n = nodes_[t];
        if (n.address < address) {
            prev = {n.address, n.size};
            t = n.right;
        } else {
            next = {n.address, n.size};
            t = n.left;
        }
    }
    if (next && (next.address != end || end >= high)) next = {};
    if (prev && (prev.address + prev.size != address || prev.address < low || address <= low)) prev = {};
    if (prev && next) {
        erase(next.address);
        resize(prev.address, prev.address, next.address + next.size - prev.address);
        return {prev.address, next.address + next.size - prev.address};
    }
    if (prev) {
        resize(prev.address, prev.address, end - prev.address);
        return {prev.address, end - prev.address};
    }
    if (next) {
        resize(next.address, address, next.address + next.size - address);
        return {address, next.address + next.size - address};
    }
    insert(address, size);
    return {address, size};
}

}  // namespace cachescope::alloc
