#pragma once
// FIFO — first in, first out.
//
// Each set keeps the fill order of its ways as a rank (0 = newest, ways-1 = oldest). A fill makes
// the way newest; a hit does nothing; the victim is the oldest way. An invalidated way becomes the
// oldest, so it is the first to be reused. FIFO is NOT LRU: a line hit a thousand times is still
// evicted when its turn comes.
//
// Worked example, one 4-way set, ways listed newest→oldest, lower case = next victim:
//   fill A, B, C, D        D C B a
//   hit B                  D C B a     (hits change nothing)
//   miss E (evicts A)      E D C b
//   hit C                  E D C b
//   miss F (evicts B)      F E D c     (LRU would have evicted D here)
//
// Shares the rank machinery with lru and mru (recency_ranks.hpp).

#include "cachescope/policy/recency_ranks.hpp"
#include "cachescope/policy/replacement.hpp"

namespace cachescope {

class FifoPolicy final : public ReplacementPolicy {
public:
    explicit FifoPolicy(const PolicyParams& p) : ranks_(p.sets, p.ways) {}

    void onHit(std::uint32_t, std::uint32_t) override {}
    void onFill(std::uint32_t set, std::uint32_t way) override { ranks_.makeMostRecent(set, way); }
    void onInvalidate(std::uint32_t set, std::uint32_t way) override { ranks_.makeLeastRecent(set, way); }
    std::uint32_t victim(std::uint32_t set) const override { return ranks_.leastRecent(set); }
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<FifoPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override;
    PolicyKind kind() const override { return PolicyKind::Fifo; }
    WayPolicyState wayState(std::uint32_t set, std::uint32_t way) const override {
        return {.kind = PolicyKind::Fifo, .insertionOrder = ranks_.rank(set, way)};
    }

    /// Age rank of a way (0 = newest).
    std::uint32_t rank(std::uint32_t set, std::uint32_t way) const { return ranks_.rank(set, way); }

private:
    RecencyRanks ranks_;
};

}  // namespace cachescope
