#pragma once
// BRRIP — bimodal RRIP (Jaleel et al., ISCA 2010), 2-bit RRPVs.
//
// As srrip, except that a fill inserts at RRPV 3 ("distant") and only with probability 1/32 at 2.
// The policy owns a splitmix64 generator seeded with PolicyParams::seed and draws one output per
// fill (every fill, also into an empty way); the insertion is 2 if that output mod 32 == 0, else 3.
// A new line therefore usually becomes the next victim unless it is hit: thrash-resistant when the
// working set exceeds the cache (a cyclic sweep keeps a fraction of it resident instead of none),
// at the price of learning slowly when lines do get reused. Deterministic for a given seed.
//
// Worked example, one 4-way set, assuming no 1-in-32 draw, lower case = next victim:
//   fill A, B, C, D        a B C D     RRPV: 3 3 3 3
//   hit B                  a B C D     RRPV: 3 0 3 3
//   miss E (evicts A)      e B C D     RRPV: 3 0 3 3   (max is 3: no aging; E inserted at 3)
//   miss F (evicts E)      f B C D     RRPV: 3 0 3 3   (the stream churns through way 0)
//
// The RRPV machinery is shared with srrip and drrip (rrip.hpp).

#include "cachescope/policy/replacement.hpp"
#include "cachescope/policy/rrip.hpp"
#include "cachescope/policy/splitmix64.hpp"

namespace cachescope {

class BrripPolicy final : public ReplacementPolicy {
public:
    explicit BrripPolicy(const PolicyParams& p) : rrpv_(p.sets, p.ways), gen_(p.seed) {}

    void onHit(std::uint32_t set, std::uint32_t way) override { rrpv_.hit(set, way); }
    void onFill(std::uint32_t set, std::uint32_t way) override { rrpv_.fill(set, way, brripInsertion(gen_.next())); }
    void onInvalidate(std::uint32_t set, std::uint32_t way) override { rrpv_.invalidate(set, way); }
    std::uint32_t victim(std::uint32_t set) const override { return rrpv_.victim(set); }
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<BrripPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override { return rrpv_.describe(set); }
    PolicyKind kind() const override { return PolicyKind::Brrip; }
    WayPolicyState wayState(std::uint32_t set, std::uint32_t way) const override {
        return rrpv_.wayState(PolicyKind::Brrip, set, way);
    }
    SetPolicyState setState(std::uint32_t set) const override {
        SetPolicyState s{.kind = PolicyKind::Brrip, .victim = victim(set)};
        s.generatorState = gen_.state();
        return s;
    }
    // Repeated hits are idempotent (RRPV 0 stays 0), so rehitIsIdempotent() keeps its default; a
    // hit right after a fill (RRPV 3 -> 0) is always passed on by the cache (replacement.hpp).

    std::uint8_t rrpv(std::uint32_t set, std::uint32_t way) const { return rrpv_.rrpv(set, way); }

private:
    RrpvSets rrpv_;
    SplitMix64 gen_;
};

}  // namespace cachescope
