#pragma once
// WinnerTree: per set, a tournament over the ways of one key per way, answering "the lowest way with
// the best key" in O(1) and updating in O(log ways) after one way's key changed. LFU (the lowest
// way of the smallest count) and OPT (the lowest way of the farthest next use) use it for sets of
// more than 16 ways, where a pass over the set per miss would dominate.
//
// Each set has a complete binary tree over L = the way count rounded up to a power of two leaves:
// inner node n (1..L-1, heap order) holds the winning way of its subtree; leaf n (L..2L-1) is way
// n-L, or padding when that is >= ways (padding never wins). A left subtree holds lower ways than
// the right one, so on equal keys the left winner stays: the lowest way wins ties.
//
// Example, 4 ways, better = smaller, keys 5 2 2 7: node 2 = way 1 (2 < 5), node 3 = way 2 (2 < 7),
// root = way 1 (2 == 2: the left one).

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace cachescope {

class WinnerTree {
public:
    WinnerTree() = default;
    WinnerTree(std::uint32_t sets, std::uint32_t ways)
        : ways_(ways),
          leaves_(std::bit_ceil(std::max<std::uint32_t>(ways, 1))),
          node_(std::size_t{sets} * leaves_, 0) {}

    /// Rebuilds every set from `keys` (sets*ways, one contiguous block per set).
    template <class Key, class Better>
    void build(const std::vector<Key>& keys, Better better) {
        const std::size_t sets = ways_ == 0 ? 0 : keys.size() / ways_;
        for (std::size_t s = 0; s < sets; ++s)
            for (std::uint32_t n = leaves_ - 1; n >= 1; --n) play(s, n, &keys[s * ways_], better);
    }
    /// After way's key changed; `setKeys` points at the set's first key.
    template <class Key, class Better>
    void update(std::uint32_t set, std::uint32_t way, const Key* setKeys, Better better) {
        for (std::uint32_t n = (leaves_ + way) / 2; n >= 1; n /= 2) play(set, n, setKeys, better);
    }
    /// The lowest way with the best key.
    std::uint32_t winner(std::uint32_t set) const { return leaves_ == 1 ? 0 : node_[std::size_t{set} * leaves_ + 1]; }

    friend bool operator==(const WinnerTree&, const WinnerTree&) = default;

private:
    static constexpr std::uint32_t kPadding = ~std::uint32_t{0};
    std::uint32_t entrant(std::size_t set, std::uint32_t n) const {
        if (n < leaves_) return node_[set * leaves_ + n];
        return n - leaves_ < ways_ ? n - leaves_ : kPadding;
    }
    template <class Key, class Better>
    void play(std::size_t set, std::uint32_t n, const Key* keys, Better better) {
        const std::uint32_t a = entrant(set, 2 * n), b = entrant(set, 2 * n + 1);
        node_[set * leaves_ + n] = a == kPadding ? b : b == kPadding || !better(keys[b], keys[a]) ? a : b;
    }

    std::uint32_t ways_ = 0;
    std::uint32_t leaves_ = 1;
    std::vector<std::uint32_t> node_;  // per set, leaves_ entries: [1, leaves_) are the inner nodes
};

}  // namespace cachescope
