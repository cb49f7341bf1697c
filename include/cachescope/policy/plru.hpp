#pragma once
// PLRU — tree pseudo-LRU.
//
// A binary tree over P leaves (P = ways rounded up to a power of two) with one bit per inner node:
// 0 = "the victim is to the left", 1 = "to the right". All bits start at 0. Touching way w (hit or
// fill) sets every bit on the root-to-w path to point AWAY from w; invalidating w points them
// TOWARD w, so w becomes the next victim. The victim is found by following the bits from the root;
// a child whose leaves are all padding (>= ways, when ways is not a power of two) is never taken.
// Only P-1 bits per set instead of a full order: tree-PLRU APPROXIMATES LRU and can evict a way
// that is not the least recently used (see the example: A is LRU, but C is evicted).
//
// 4 ways, bits in heap order (b0 = root, b1 = over ways 0-1, b2 = over ways 2-3):
//             b0
//           /    \        0 = the victim is in the left subtree
//         b1      b2
//        /  \    /  \     1 = in the right subtree
//       w0  w1  w2  w3
//
// Worked example, lower case = next victim, bits listed b0 b1 b2:
//   fill A, B, C, D        a B C D     bits 0 0 0
//   hit B                  A B c D     bits 1 0 0   (LRU would evict A)
//   miss E (evicts C)      a B E D     bits 0 0 1
//
// With 3 ways (P = 4, leaf 3 is padding) the bit b2 may point at the padding leaf; the victim
// search then takes way 2 instead.
//
// setState(set).plruTree (replacement.hpp's PlruTree) gives the bits in this heap order and the
// path the victim search takes: for "hit B" above, {b0 right, b2 left} -> way 2.

#include <cstdint>
#include <vector>

#include "cachescope/policy/replacement.hpp"

namespace cachescope {

class PlruPolicy final : public ReplacementPolicy {
public:
    explicit PlruPolicy(const PolicyParams& p);

    void onHit(std::uint32_t set, std::uint32_t way) override { pointPath(set, way, false); }
    void onFill(std::uint32_t set, std::uint32_t way) override { pointPath(set, way, false); }
    void onInvalidate(std::uint32_t set, std::uint32_t way) override { pointPath(set, way, true); }
    std::uint32_t victim(std::uint32_t set) const override {
        if (packed()) {
            // Follow the bits from the root; a right child of padding leaves is masked off.
            const std::uint32_t bits = words_[set] & rightAllowed_;
            std::uint32_t n = 1;
            for (std::uint32_t d = 0; d < depth_; ++d) n = 2 * n + ((bits >> n) & 1);
            return n - leaves_;
        }
        return search(set, nullptr);
    }
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<PlruPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override;
    PolicyKind kind() const override { return PolicyKind::Plru; }
    /// The bits live on the tree's nodes, not on the ways: see setState(set).plruTree.
    WayPolicyState wayState(std::uint32_t, std::uint32_t) const override { return {.kind = PolicyKind::Plru}; }
    SetPolicyState setState(std::uint32_t set) const override;

    /// Bit of inner node `node` in heap order (0 = root, children of i are 2i+1 and 2i+2).
    bool bit(std::uint32_t set, std::uint32_t node) const {
        if (packed()) return ((words_[set] >> (node + 1)) & 1) != 0;
        return bits_[std::size_t{set} * (leaves_ - 1) + node] != 0;
    }

private:
    // Nodes are numbered 1..P-1 from the root (heap order, children of n are 2n and 2n+1) and
    // leaves P..2P-1. Up to kPackedLeaves leaves, a set's bits are one word (node n at bit n), and
    // a way's path is two masks (pathMask_, awayBits_): a hit or fill is one and-or, a victim a
    // walk of depth_ shifts. Wider trees keep a byte per node (node n at index n-1). Both are
    // inline: the cache calls this final class directly on its miss path (Cache::fillNarrow,
    // Cache::touchPlain).
    static constexpr std::uint32_t kPackedLeaves = 32;
    bool packed() const { return leaves_ <= kPackedLeaves; }
    /// Points every bit on the root-to-w path toward w or away from it.
    void pointPath(std::uint32_t set, std::uint32_t way, bool toward) {
        if (packed()) {
            const std::uint32_t path = pathMask_[way];
            const std::uint32_t value = toward ? path & ~awayBits_[way] : awayBits_[way];
            words_[set] = (words_[set] & ~path) | value;
            return;
        }
        std::uint8_t* b = bits_.data() + std::size_t{set} * (leaves_ - 1);
        for (std::uint32_t n = leaves_ + way; n > 1; n /= 2) {
            const bool isRightChild = (n % 2) == 1;
            // Toward w: point at the child containing w; away: at the other one.
            b[n / 2 - 1] = static_cast<std::uint8_t>(isRightChild == toward ? 1 : 0);
        }
    }
    /// The victim search of setState(), which records its steps in `path` (victim() has its own
    /// branch-free walk for packed sets; both take the same steps).
    std::uint32_t search(std::uint32_t set, std::vector<PlruStep>* path) const {
        std::uint32_t n = 1;   // current node
        std::uint32_t lo = 0;  // first way under n
        std::uint32_t size = leaves_;
        while (n < leaves_) {
            size /= 2;
            // The right child covers ways [lo+size, lo+2*size); it is all padding if lo+size >= ways.
            const bool right = bit(set, n - 1) && lo + size < ways_;
            if (path != nullptr) path->push_back({n - 1, right});
            if (right) {
                n = 2 * n + 1;
                lo += size;
            } else {
                n = 2 * n;
            }
        }
        return lo;
    }
    std::uint32_t ways_;
    std::uint32_t leaves_;              // P: ways rounded up to a power of two
    std::uint32_t depth_ = 0;           // log2(P)
    std::uint32_t rightAllowed_ = 0;    // packed: bit n set when node n's right child holds a way
    std::vector<std::uint32_t> pathMask_, awayBits_;  // packed, per way: its path's nodes, "away" values
    std::vector<std::uint32_t> words_;  // packed: one word per set
    std::vector<std::uint8_t> bits_;    // not packed: sets*(P-1), heap order per set
};

}  // namespace cachescope
