#pragma once
// BitTree: a set of indices 0..n-1 that answers "the lowest member at or after i" in a few word
// operations, whatever n is. Wide caches use it for their invalid ways (the cache fills the lowest
// invalid way of a set: next(first slot of the set)) and policies for "the lowest way whose bit is
// ..." without scanning a set of a million ways.
//
// Level 0 holds one bit per index; each word of level k+1 has bit j set when word j of level k is
// non-zero. The top level is a single word, so n = 2^18 needs 3 levels, 2^24 needs 4. next(i)
// looks at one word per level going up until a word has a member after i, then takes the lowest
// set bit of one word per level going down: at most 2 * levels words.
//
// Example, n = 130 (3 words at level 0, 1 word at level 1): members {3, 70, 129}
//   level 0: word0 = bit 3, word1 = bit 6, word2 = bit 1      level 1: bits 0, 1, 2
//   next(4): word0 has nothing >= 4 -> level 1, bits >= 1: bit 1 -> word1's lowest bit 6 -> 70.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace cachescope {

class BitTree {
public:
    static constexpr std::size_t npos = ~std::size_t{0};

    BitTree() = default;
    /// n indices, all members when `full`, else none.
    explicit BitTree(std::size_t n, bool full = false) : size_(n) {
        std::size_t count = n;
        do {
            const std::size_t words = (count + 63) / 64;
            levels_.emplace_back(words, 0);
            count = words;
        } while (count > 1);
        if (full)
            for (std::size_t i = 0; i < n; ++i) insert(i);
    }

    std::size_t size() const { return size_; }
    bool contains(std::size_t i) const { return (levels_[0][i >> 6] >> (i & 63) & 1) != 0; }

    void insert(std::size_t i) {
        for (std::vector<std::uint64_t>& level : levels_) {
            std::uint64_t& word = level[i >> 6];
            const bool wasEmpty = word == 0;
            word |= std::uint64_t{1} << (i & 63);
            if (!wasEmpty) return;
            i >>= 6;
        }
    }
    void erase(std::size_t i) {
        for (std::vector<std::uint64_t>& level : levels_) {
            std::uint64_t& word = level[i >> 6];
            word &= ~(std::uint64_t{1} << (i & 63));
            if (word != 0) return;
            i >>= 6;
        }
    }

    /// The lowest member >= i, or npos.
    std::size_t next(std::size_t i) const {
        for (std::size_t l = 0; l < levels_.size(); ++l) {
            const std::size_t w = i >> 6;
            if (w >= levels_[l].size()) return npos;
            const std::uint64_t bits = levels_[l][w] & (~std::uint64_t{0} << (i & 63));
            if (bits != 0) {
                std::size_t idx = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
                for (std::size_t k = l; k > 0; --k)
                    idx = idx * 64 + static_cast<std::size_t>(std::countr_zero(levels_[k - 1][idx]));
                return idx;
            }
            i = w + 1;
        }
        return npos;
    }

    friend bool operator==(const BitTree&, const BitTree&) = default;

private:
    std::size_t size_ = 0;
    std::vector<std::vector<std::uint64_t>> levels_;
};

}  // namespace cachescope
