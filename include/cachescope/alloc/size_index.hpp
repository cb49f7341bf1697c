#pragma once
// Free blocks ordered by (size, address): the index best fit, worst fit and the caching pool search
// ("the smallest block that holds the request, ties at the lowest address"). A treap whose nodes
// live in one vector (indices, not pointers), like FreeBlockTree: no real allocation per block,
// and copying it is one vector copy (allocators are values). Each operation is one descent,
// O(log n) expected; priorities come from a fixed-seed generator, so the shape is deterministic.
//
//   SizeIndex idx;
//   idx.insert(300, 0x1000); idx.insert(100, 0x9000); idx.insert(300, 0x400);
//   idx.lowerBound({200, 0})   // {300, 0x400}: the smallest block of at least 200 bytes
//   idx.after({300, 0x400})    // {300, 0x1000}
//   idx.max()                  // {300, 0x1000}; idx.before({300, 0}) is {100, 0x9000}

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

namespace cachescope::alloc {

class SizeIndex {
public:
    struct Key {
        std::uint64_t size = 0;  // 0 = none
        std::uint64_t address = 0;
        explicit operator bool() const { return size != 0; }
        friend bool operator<(const Key& a, const Key& b) {
            return a.size != b.size ? a.size < b.size : a.address < b.address;
        }
    };

    std::size_t size() const { return count_; }
    bool empty() const { return root_ == 0; }

    void insert(std::uint64_t size, std::uint64_t address);  // size > 0; not already there
    void erase(std::uint64_t size, std::uint64_t address);   // one that is there

    /// The least key >= k, or none.
    Key lowerBound(Key k) const {
        Key best;
        for (std::uint32_t t = root_; t != 0;) {
            const Node& n = nodes_[t];
            if (n.key < k) {
                t = n.right;
            } else {
                best = n.key;
                t = n.left;
            }
        }
        return best;
    }
    /// The least key > k, or none.
    Key after(Key k) const {
        Key best;
        for (std::uint32_t t = root_; t != 0;) {
            const Node& n = nodes_[t];
            if (k < n.key) {
                best = n.key;
                t = n.left;
            } else {
                t = n.right;
            }
        }
        return best;
    }
    /// The greatest key < k, or none.
    Key before(Key k) const {
        Key best;
        for (std::uint32_t t = root_; t != 0;) {
            const Node& n = nodes_[t];
            if (n.key < k) {
                best = n.key;
                t = n.right;
            } else {
                t = n.left;
            }
        }
        return best;
    }
    Key max() const {
        std::uint32_t t = root_;
        if (t == 0) return {};
        while (nodes_[t].right != 0) t = nodes_[t].right;
        return nodes_[t].key;
    }

    /// Every entry as (size, address), ascending (a copy; for tests and front ends).
    std::set<std::pair<std::uint64_t, std::uint64_t>> sorted() const {
        std::set<std::pair<std::uint64_t, std::uint64_t>> s;
        for (std::size_t i = 1; i < nodes_.size(); ++i)
            if (nodes_[i].live) s.emplace(nodes_[i].key.size, nodes_[i].key.address);
        return s;
    }

private:
    struct Node {
        Key key;
        std::uint32_t left = 0, right = 0, priority = 0;
        bool live = false;
    };

    void split(std::uint32_t t, Key k, std::uint32_t& less, std::uint32_t& rest);
    std::uint32_t merge(std::uint32_t a, std::uint32_t b);

    std::vector<Node> nodes_ = std::vector<Node>(1);  // [0] is the empty tree
    std::vector<std::uint32_t> spare_;
    std::uint32_t root_ = 0;
    std::size_t count_ = 0;
    std::uint64_t seed_ = 0x2545F4914F6CDD1Dull;
};

}  // namespace cachescope::alloc
