#pragma once
// The free blocks of a heap, in address order, as one balanced search tree (a treap whose nodes
// live in one vector, indices instead of pointers, so copying it is one vector copy). Each node
// also knows the largest block and the number of blocks in its subtree, which gives in O(log n):
//
//   - the lowest-addressed block at or above an address that is at least N bytes and passes a
//     test (first fit, next fit from the rover, a planned or cached block's lookup);
//   - the rank of an address (how many free blocks lie below it): the number of blocks a linear
//     walk of an address-ordered free list would have visited, so `search steps` keep their
//     textbook meaning while the search itself is logarithmic;
//   - the largest free block (the root's maximum), for external fragmentation.
//
// carve() and release() implement the two operations every allocator over it needs: take a
// block out of a free one (the gap before it and the rest after it stay free), and give a block
// back, merging it with free neighbours on both sides (immediate coalescing) but never across
// the bounds given (a segment of the caching pool merges only with pieces of the same segment).
// Priorities come from a fixed-seed generator: the shape, and so every result, is deterministic.

#include <cstdint>
#include <vector>

namespace cachescope::alloc {

/// The next treap priority from `seed` (splitmix64: a fixed sequence, so a tree's shape is the
/// same on every run).
inline std::uint32_t treapPriority(std::uint64_t& seed) {
    seed += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<std::uint32_t>(z ^ (z >> 31));
}

class FreeBlockTree {
public:
    struct Block {
        std::uint64_t address = 0;
        std::uint64_t size = 0;  // 0 = none
        explicit operator bool() const { return size != 0; }
    };

    std::size_t size() const { return nodes_[root_].count; }
    bool empty() const { return root_ == 0; }
    std::uint64_t totalBytes() const { return total_; }
    std::uint64_t largest() const { return nodes_[root_].maxSize; }

    void insert(std::uint64_t address, std::uint64_t size);  // size > 0; no overlap (not checked)
    void erase(std::uint64_t address);                       // a block that is there
    /// Moves and resizes the block at `address` in place; the new extent must keep the address
    /// order (no other free block between the old and the new address).
    void resize(std::uint64_t address, std::uint64_t newAddress, std::uint64_t newSize);
    /// The block starting at `address`, or none.
    Block find(std::uint64_t address) const;
    /// The block with the highest address below `address`, or none.
    Block before(std::uint64_t address) const;
    /// The block with the lowest address at or above `address`, or none.
    Block atOrAfter(std::uint64_t address) const;
    Block last() const;
    /// Blocks whose address is below `address`.
    std::size_t rank(std::uint64_t address) const;

    /// The lowest-addressed block at or above `from` with size >= minSize for which fits(address,
    /// size) holds; fits must imply size >= minSize. O(log n) when fits is just the size test.
    template <class Fits>
    Block firstFit(std::uint64_t from, std::uint64_t minSize, Fits&& fits) const {
        std::size_t rank = 0;
        return find(root_, from, minSize, fits, rank);
    }
    /// The same, and the block's rank (the blocks below it) in `rank`, from the same descent.
    template <class Fits>
    Block firstFit(std::uint64_t from, std::uint64_t minSize, Fits&& fits, std::size_t& rank) const {
        rank = 0;
        return find(root_, from, minSize, fits, rank);
    }

    /// Takes [start, start + size) out of the free block at `blockAddress`, which holds it; the
    /// pieces before and after stay free.
    void carve(std::uint64_t blockAddress, std::uint64_t start, std::uint64_t size);
    /// The same for a block known to be in the tree as it is (saves looking it up).
    void carve(Block block, std::uint64_t start, std::uint64_t size);
    /// Frees [address, address + size), merging with a free block ending at `address` if it is at
    /// or above `low`, and one starting at the end if that end is below `high`. Returns the block
    /// it became; `absorbed`, if given (two blocks), gets the free neighbours merged into it
    /// (before, after; none where there was none).
    Block release(std::uint64_t address, std::uint64_t size, std::uint64_t low = 0,
                  std::uint64_t high = ~std::uint64_t{0}, Block* absorbed = nullptr);

    /// Every block in address order.
    template <class F>
    void forEach(F&& f) const {
        walk(root_, f);
    }

private:
    struct Node {
        std::uint64_t address = 0, size = 0, maxSize = 0;
        std::uint32_t left = 0, right = 0, count = 0, priority = 0;
    };

    void update(std::uint32_t t);
    bool updateMax(std::uint32_t t);
    void grow(std::uint64_t address, std::uint64_t newAddress, std::uint64_t newSize);
    void fixMaxUp();
    void split(std::uint32_t t, std::uint64_t key, std::uint32_t& less, std::uint32_t& rest);
    std::uint32_t merge(std::uint32_t a, std::uint32_t b);
    std::uint32_t newNode(std::uint64_t address, std::uint64_t size);

    // `below` counts the blocks below t's subtree on entry; on success, those below the block found.
    template <class Fits>
    Block find(std::uint32_t t, std::uint64_t from, std::uint64_t minSize, Fits& fits, std::size_t& below) const {
        while (t != 0 && nodes_[t].maxSize >= minSize) {
            const Node& n = nodes_[t];
            if (n.address < from) {
                below += nodes_[n.left].count + 1;
                t = n.right;
                continue;
            }
            std::size_t inLeft = below;
            if (const Block b = find(n.left, from, minSize, fits, inLeft)) {
                below = inLeft;
                return b;
            }
            below += nodes_[n.left].count;
            if (n.size >= minSize && fits(n.address, n.size)) return {n.address, n.size};
            ++below;
            t = n.right;
            from = 0;  // everything to the right is above `from`
        }
        return {};
    }

    template <class F>
    void walk(std::uint32_t t, F& f) const {
        if (t == 0) return;
        walk(nodes_[t].left, f);
        f(nodes_[t].address, nodes_[t].size);
        walk(nodes_[t].right, f);
    }

    std::vector<Node> nodes_ = std::vector<Node>(1);  // [0] is the empty tree
    std::vector<std::uint32_t> spare_;
    std::vector<std::uint32_t> path_;  // scratch: the nodes from the root down to the one changed
    std::uint32_t root_ = 0;
    std::uint64_t total_ = 0;
    std::uint64_t seed_ = 0x9E3779B97F4A7C15ull;
};

}  // namespace cachescope::alloc
