#pragma once
// MRU — most recently used.
//
// The mirror image of LRU: the same recency ranks (0 = most recent), but the victim is the way of
// rank 0, the one touched last. That sounds perverse, yet it is optimal for a cyclic sweep over a
// working set a little larger than the cache, where LRU misses every time. An invalidated way
// drops to the least recent rank, so (unlike LRU) it is NOT the next victim.
//
// Worked example, one 4-way set, ways listed MRU→LRU, lower case = next victim:
//   fill A, B, C, D        d C B A
//   hit B                  b D C A
//   miss E (evicts B)      e D C A
//   hit C                  c E D A
//
// Shares the rank machinery with lru and fifo (recency_ranks.hpp).

#include "cachescope/policy/recency_ranks.hpp"
#include "cachescope/policy/replacement.hpp"

namespace cachescope {

class MruPolicy final : public ReplacementPolicy {
public:
    explicit MruPolicy(const PolicyParams& p) : ranks_(p.sets, p.ways) {}

    void onHit(std::uint32_t set, std::uint32_t way) override { ranks_.makeMostRecent(set, way); }
    void onFill(std::uint32_t set, std::uint32_t way) override { ranks_.makeMostRecent(set, way); }
    void onInvalidate(std::uint32_t set, std::uint32_t way) override { ranks_.makeLeastRecent(set, way); }
    std::uint32_t victim(std::uint32_t set) const override { return ranks_.mostRecent(set); }
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<MruPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override;
    PolicyKind kind() const override { return PolicyKind::Mru; }
    WayPolicyState wayState(std::uint32_t set, std::uint32_t way) const override {
        return {.kind = PolicyKind::Mru, .recencyRank = ranks_.rank(set, way)};
    }

    /// Recency rank of a way (0 = most recent).
    std::uint32_t rank(std::uint32_t set, std::uint32_t way) const { return ranks_.rank(set, way); }

private:
    RecencyRanks ranks_;
};

}  // namespace cachescope
