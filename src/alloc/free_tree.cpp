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
    Node& n = nodes_[t];
    n = Node{};
    n.address = address;
    n.size = size;
    n.priority = treapPriority(seed_);
    update(t);
    return t;
}

// Recomputes t's largest block from its own and its children's; false if it did not change.
inline bool FreeBlockTree::updateMax(std::uint32_t t) {
    Node& n = nodes_[t];
    const std::uint64_t l = nodes_[n.left].maxSize, r = nodes_[n.right].maxSize;
    const std::uint64_t children = l > r ? l : r;
    const std::uint64_t m = n.size > children ? n.size : children;
    if (m == n.maxSize) return false;
    n.maxSize = m;
    return true;
}

// After a block on the path (the nodes from the root down, path_) changed size: its ancestors'
// largest blocks, from the bottom up, until one does not change.
inline void FreeBlockTree::fixMaxUp() {
    for (std::size_t i = path_.size(); i-- > 0;)
        if (!updateMax(path_[i])) return;
}

void FreeBlockTree::insert(std::uint64_t address, std::uint64_t size) {
    assert(size > 0);
    const std::uint32_t n = newNode(address, size);  // first: it may grow nodes_
    const std::uint32_t priority = nodes_[n].priority;
    // Down to where the new node's priority puts it: every node passed gains a block below it.
    std::uint32_t* link = &root_;
    while (*link != 0 && nodes_[*link].priority >= priority) {
        Node& t = nodes_[*link];
        ++t.count;
        if (size > t.maxSize) t.maxSize = size;
        link = address < t.address ? &t.left : &t.right;
    }
    split(*link, address, nodes_[n].left, nodes_[n].right);
    update(n);
    *link = n;
    total_ += size;
}

void FreeBlockTree::erase(std::uint64_t address) {
    path_.clear();
    std::uint32_t* link = &root_;
    while (nodes_[*link].address != address) {
        assert(*link != 0);
        Node& t = nodes_[*link];
        --t.count;
        path_.push_back(*link);
        link = address < t.address ? &t.left : &t.right;
    }
    const std::uint32_t t = *link;
    total_ -= nodes_[t].size;
    spare_.push_back(t);
    *link = merge(nodes_[t].left, nodes_[t].right);
    fixMaxUp();
}

void FreeBlockTree::resize(std::uint64_t address, std::uint64_t newAddress, std::uint64_t newSize) {
    path_.clear();
    std::uint32_t t = root_;
    while (nodes_[t].address != address) {
        assert(t != 0);
        path_.push_back(t);
        t = address < nodes_[t].address ? nodes_[t].left : nodes_[t].right;
    }
    Node& n = nodes_[t];
    total_ = total_ - n.size + newSize;
    n.address = newAddress;
    n.size = newSize;
    if (updateMax(t)) fixMaxUp();
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
    carve(find(blockAddress), start, size);
}

void FreeBlockTree::carve(Block b, std::uint64_t start, std::uint64_t size) {
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
                                            std::uint64_t high, Block* absorbed) {
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
    if (absorbed != nullptr) {
        absorbed[0] = prev;
        absorbed[1] = next;
    }
    if (prev && next) {
        erase(next.address);
        grow(prev.address, prev.address, next.address + next.size - prev.address);
        return {prev.address, next.address + next.size - prev.address};
    }
    if (prev) {
        grow(prev.address, prev.address, end - prev.address);
        return {prev.address, end - prev.address};
    }
    if (next) {
        grow(next.address, address, next.address + next.size - address);
        return {address, next.address + next.size - address};
    }
    insert(address, size);
    return {address, size};
}

// resize() for a block that only grows: every node on the way down takes the new size as its
// largest if it is larger, so no path needs to be kept.
void FreeBlockTree::grow(std::uint64_t address, std::uint64_t newAddress, std::uint64_t newSize) {
    std::uint32_t t = root_;
    for (;;) {
        assert(t != 0);
        Node& n = nodes_[t];
        if (n.maxSize < newSize) n.maxSize = newSize;
        if (n.address == address) {
            total_ = total_ - n.size + newSize;
            n.address = newAddress;
            n.size = newSize;
            return;
        }
        t = address < n.address ? n.left : n.right;
    }
}

}  // namespace cachescope::alloc
