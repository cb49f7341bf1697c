#include "cachescope/alloc/size_index.hpp"

#include <cassert>

#include "cachescope/alloc/free_tree.hpp"  // treapPriority

namespace cachescope::alloc {

// Splits t into the keys below k and the rest.
void SizeIndex::split(std::uint32_t t, Key k, std::uint32_t& less, std::uint32_t& rest) {
    std::uint32_t* l = &less;
    std::uint32_t* r = &rest;
    while (t != 0) {
        if (nodes_[t].key < k) {
            *l = t;
            l = &nodes_[t].right;
            t = nodes_[t].right;
        } else {
            *r = t;
            r = &nodes_[t].left;
            t = nodes_[t].left;
        }
    }
    *l = *r = 0;
}

// Every key in a is below every key in b.
std::uint32_t SizeIndex::merge(std::uint32_t a, std::uint32_t b) {
    std::uint32_t result = 0;
    std::uint32_t* link = &result;
    while (a != 0 && b != 0) {
        if (nodes_[a].priority > nodes_[b].priority) {
            *link = a;
            link = &nodes_[a].right;
            a = nodes_[a].right;
        } else {
            *link = b;
            link = &nodes_[b].left;
            b = nodes_[b].left;
        }
    }
    *link = a != 0 ? a : b;
    return result;
}

void SizeIndex::insert(std::uint64_t size, std::uint64_t address) {
    assert(size > 0);
    std::uint32_t n;
    if (!spare_.empty()) {
        n = spare_.back();
        spare_.pop_back();
    } else {
        n = static_cast<std::uint32_t>(nodes_.size());
        nodes_.emplace_back();
    }
    Node& node = nodes_[n];
    node = Node{};
    node.key = {size, address};
    node.priority = treapPriority(seed_);
    node.live = true;
    std::uint32_t* link = &root_;
    while (*link != 0 && nodes_[*link].priority >= node.priority)
        link = node.key < nodes_[*link].key ? &nodes_[*link].left : &nodes_[*link].right;
    split(*link, node.key, node.left, node.right);
    *link = n;
    ++count_;
}

void SizeIndex::erase(std::uint64_t size, std::uint64_t address) {
    const Key k{size, address};
    std::uint32_t* link = &root_;
    while (*link != 0) {
        Node& n = nodes_[*link];
        if (k < n.key) {
            link = &n.left;
        } else if (n.key < k) {
            link = &n.right;
        } else {
            const std::uint32_t t = *link;
            *link = merge(n.left, n.right);
            nodes_[t].live = false;
            spare_.push_back(t);
            --count_;
            return;
        }
    }
    assert(false && "SizeIndex::erase: not there");
}

}  // namespace cachescope::alloc
