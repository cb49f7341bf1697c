#pragma once
// LRU — least recently used.
//
// Each set keeps the recency rank of every way: 0 = most recently used, ways-1 = least. A hit or a
// fill moves the way to rank 0 and ages every way that was more recent; the victim is the way of
// rank ways-1. An invalidated way drops to rank ways-1, so it is the first to be reused.
//
// Worked example, one 4-way set, ranks listed MRU→LRU, lower case = next victim:
//   fill A, B, C, D        D C B a
//   hit B                  B D C a
//   miss E (evicts A)      E B D c
//   hit C                  C E B d
//
// The state is a rank permutation per set (packed nibbles up to 16 ways, a linked list beyond, so
// hits, fills and victims are O(1) at any width: see recency_ranks.hpp); a repeated hit leaves the permutation as it was, and two runs that saw the
// same accesses have equal states. The rank machinery is shared with fifo and mru
// (recency_ranks.hpp).

#include "cachescope/policy/recency_ranks.hpp"
#include "cachescope/policy/replacement.hpp"

namespace cachescope {

class LruPolicy final : public ReplacementPolicy {
public:
    explicit LruPolicy(const PolicyParams& p);

    void onHit(std::uint32_t set, std::uint32_t way) override { ranks_.makeMostRecent(set, way); }
    void onFill(std::uint32_t set, std::uint32_t way) override { ranks_.makeMostRecent(set, way); }
    void onInvalidate(std::uint32_t set, std::uint32_t way) override { ranks_.makeLeastRecent(set, way); }
    std::uint32_t victim(std::uint32_t set) const override { return ranks_.leastRecent(set); }
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<LruPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override;
    PolicyKind kind() const override { return PolicyKind::Lru; }
    WayPolicyState wayState(std::uint32_t set, std::uint32_t way) const override {
        return {.kind = PolicyKind::Lru, .recencyRank = ranks_.rank(set, way)};
    }

    /// Recency rank of a way (0 = most recent).
    std::uint32_t rank(std::uint32_t set, std::uint32_t way) const { return ranks_.rank(set, way); }

private:
    RecencyRanks ranks_;
};

}  // namespace cachescope
