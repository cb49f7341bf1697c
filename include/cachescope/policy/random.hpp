#pragma once
// Random — evict a way drawn from a seeded generator.
//
// One splitmix64 generator per policy (not per set), seeded with PolicyParams::seed. Every fill
// advances it once (consumes one output); hits and invalidations do nothing. The victim is the
// output the next fill will consume, modulo the way count: victim(set) = peek() % ways, for every
// set alike. victim() only peeks, so asking twice gives the same answer and changes nothing.
// "Random" is reproducible: the same seed and the same accesses give the same evictions.
//
// Worked example, one 4-way set, seed 1234567 (splitmix64 outputs mod 4 are 1, 1, 3, 3, 1, 2, ...),
// lower case = next victim:
//   fill A, B, C, D        A b C D     fills consumed outputs 1-4; victim = output 5 mod 4 = 1
//   miss E (evicts B)      A E c D     the fill consumed output 5; victim = output 6 mod 4 = 2
//   hit A                  A E c D     hits change nothing
//
// Random is not "fair" per set: all sets share one stream, so each set sees a subsequence.

#include "cachescope/policy/replacement.hpp"
#include "cachescope/policy/splitmix64.hpp"

namespace cachescope {

class RandomPolicy final : public ReplacementPolicy {
public:
    explicit RandomPolicy(const PolicyParams& p) : ways_(p.ways), gen_(p.seed) {}

    void onHit(std::uint32_t, std::uint32_t) override {}
    void onFill(std::uint32_t, std::uint32_t) override { gen_.next(); }
    void onInvalidate(std::uint32_t, std::uint32_t) override {}
    std::uint32_t victim(std::uint32_t) const override { return static_cast<std::uint32_t>(gen_.peek() % ways_); }
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<RandomPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override;
    PolicyKind kind() const override { return PolicyKind::Random; }
    /// Random keeps no state per way.
    WayPolicyState wayState(std::uint32_t, std::uint32_t) const override { return {.kind = PolicyKind::Random}; }
    SetPolicyState setState(std::uint32_t set) const override {
        SetPolicyState s{.kind = PolicyKind::Random, .victim = victim(set)};
        s.generatorState = gen_.state();
        return s;
    }

private:
    std::uint32_t ways_;
    SplitMix64 gen_;
};

}  // namespace cachescope
