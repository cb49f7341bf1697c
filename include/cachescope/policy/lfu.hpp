#pragma once
// LFU — least frequently used.
//
// One use count per way (32-bit, saturating at 2^32-1), 0 initially. A fill sets the count to 1, a
// hit adds 1, an invalidation sets 0. The victim is the way with the lowest count, ties to the
// lowest way. Counts never decay, so LFU is NOT recency-aware: a line that was hot long ago stays,
// and a newly filled line (count 1) is often the very next victim.
//
// Worked example, one 4-way set, lower case = next victim:
//   fill A, B, C, D        a B C D     use counts: 1 1 1 1
//   hit B, B, C            a B C D     use counts: 1 3 2 1
//   miss E (evicts A)      e B C D     use counts: 1 3 2 1   (E is next in line again)
//   hit E, E               E B C d     use counts: 3 3 2 1
//
// LFU is the only policy whose state changes on a repeated hit, so it overrides
// rehitIsIdempotent() to false: the cache must report every hit.
//
// Sets of more than 16 ways keep a WinnerTree of the counts (core/winner_tree.hpp): the victim is
// its winner (O(1)), a count change replays the way's path to the root (O(log ways)).

#include <cstdint>
#include <vector>

#include "cachescope/core/winner_tree.hpp"
#include "cachescope/policy/replacement.hpp"

namespace cachescope {

class LfuPolicy final : public ReplacementPolicy {
public:
    explicit LfuPolicy(const PolicyParams& p);

    void onHit(std::uint32_t set, std::uint32_t way) override;
    void onFill(std::uint32_t set, std::uint32_t way) override { setCount(set, way, 1); }
    void onInvalidate(std::uint32_t set, std::uint32_t way) override { setCount(set, way, 0); }
    std::uint32_t victim(std::uint32_t set) const override;
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<LfuPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override;
    bool rehitIsIdempotent() const override { return false; }
    PolicyKind kind() const override { return PolicyKind::Lfu; }
    WayPolicyState wayState(std::uint32_t set, std::uint32_t way) const override {
        return {.kind = PolicyKind::Lfu, .frequency = count(set, way)};
    }

    std::uint32_t count(std::uint32_t set, std::uint32_t way) const { return count_[std::size_t{set} * ways_ + way]; }

private:
    static bool fewer(std::uint32_t a, std::uint32_t b) { return a < b; }
    void setCount(std::uint32_t set, std::uint32_t way, std::uint32_t c) {
        count_[std::size_t{set} * ways_ + way] = c;
        if (wide_) smallest_.update(set, way, &count_[std::size_t{set} * ways_], fewer);
    }
    std::uint32_t ways_;
    std::vector<std::uint32_t> count_;  // sets*ways
    bool wide_;                         // ways > 16: smallest_ is kept
    WinnerTree smallest_;               // the lowest way of the smallest count
};

}  // namespace cachescope
