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
    std::uint32_t victim(std::uint32_t set) const override { return search(set, nullptr); }
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<PlruPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override;
    PolicyKind kind() const override { return PolicyKind::Plru; }
    /// The bits live on the tree's nodes, not on the ways: see setState(set).plruTree.
    WayPolicyState wayState(std::uint32_t, std::uint32_t) const override { return {.kind = PolicyKind::Plru}; }
    SetPolicyState setState(std::uint32_t set) const override;

    /// Bit of inner node `node` in heap order (0 = root, children of i are 2i+1 and 2i+2).
    bool bit(std::uint32_t set, std::uint32_t node) const {
        return bits_[std::size_t{set} * (leaves_ - 1) + node] != 0;
    }

private:
    // Nodes are numbered 1..P-1 from the root (heap order, children of n are 2n and 2n+1) and
    // leaves P..2P-1; node n is stored at index n-1. Both walks are inline: the cache calls this
    // final class directly on its miss path (Cache::fillNarrow, Cache::touchPlain).
    /// Walks from w's leaf up to the root, pointing every bit toward w or away from it.
    void pointPath(std::uint32_t set, std::uint32_t way, bool toward) {
        std::uint8_t* b = bits_.data() + std::size_t{set} * (leaves_ - 1);
        for (std::uint32_t n = leaves_ + way; n > 1; n /= 2) {
            const bool isRightChild = (n % 2) == 1;
            // Toward w: point at the child containing w; away: at the other one.
            b[n / 2 - 1] = static_cast<std::uint8_t>(isRightChild == toward ? 1 : 0);
        }
    }
    /// The victim search (victim() and setState() both use it); records its steps if `path`.
    std::uint32_t search(std::uint32_t set, std::vector<PlruStep>* path) const {
        const std::uint8_t* b = bits_.data() + std::size_t{set} * (leaves_ - 1);
        std::uint32_t n = 1;   // current node
        std::uint32_t lo = 0;  // first way under n
        std::uint32_t size = leaves_;
        while (n < leaves_) {
            size /= 2;
            // The right child covers ways [lo+size, lo+2*size); it is all padding if lo+size >= ways.
            const bool right = b[n - 1] != 0 && lo + size < ways_;
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
    std::vector<std::uint8_t> bits_;    // sets*(P-1), heap order per set
};

}  // namespace cachescope
