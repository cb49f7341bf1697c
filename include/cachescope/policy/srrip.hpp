#pragma once
// SRRIP — static re-reference interval prediction (Jaleel et al., ISCA 2010), 2-bit RRPVs.
//
// Every way carries an RRPV, 0 ("will be re-referenced soon") .. 3 ("distant"), 3 initially.
// hit: RRPV = 0. fill: age the set (add 3 - max to every way), then RRPV = 2 ("long": a new line
// must earn its place with a hit). invalidate: RRPV = 3. victim: the lowest way with the highest
// RRPV. Scan-resistant where LRU is not: a one-time stream of new lines (RRPV 2) is evicted before
// lines that were hit (RRPV 0). SRRIP is NOT an LRU order: ties are broken by way number, and a line
// just filled can be the very next victim (RRPV 2 0 0 0 → fill way 0 → 2 1 1 1, victim way 0).
//
// Worked example, one 4-way set, lower case = next victim:
//   fill A, B, C, D        a B C D     RRPV: 2 2 2 2
//   hit B                  a B C D     RRPV: 2 0 2 2
//   miss E (evicts A)      E B c D     RRPV: 2 1 3 3   (aged by 1, then E = 2)
//   hit D                  E B c D     RRPV: 2 1 3 0
//   miss F (evicts C)      e B F D     RRPV: 2 1 2 0   (max was 3: no aging)
//
// The RRPV machinery is shared with brrip and drrip (rrip.hpp).

#include "cachescope/policy/replacement.hpp"
#include "cachescope/policy/rrip.hpp"

namespace cachescope {

class SrripPolicy final : public ReplacementPolicy {
public:
    explicit SrripPolicy(const PolicyParams& p) : rrpv_(p.sets, p.ways) {}

    void onHit(std::uint32_t set, std::uint32_t way) override { rrpv_.hit(set, way); }
    void onFill(std::uint32_t set, std::uint32_t way) override { rrpv_.fill(set, way, RrpvSets::kLong); }
    void onInvalidate(std::uint32_t set, std::uint32_t way) override { rrpv_.invalidate(set, way); }
    std::uint32_t victim(std::uint32_t set) const override { return rrpv_.victim(set); }
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<SrripPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override { return rrpv_.describe(set); }
    PolicyKind kind() const override { return PolicyKind::Srrip; }
    WayPolicyState wayState(std::uint32_t set, std::uint32_t way) const override {
        return rrpv_.wayState(PolicyKind::Srrip, set, way);
    }
    // Repeated hits are idempotent (RRPV 0 stays 0), so rehitIsIdempotent() keeps its default; a
    // hit right after a fill (RRPV 2 -> 0) is always passed on by the cache (replacement.hpp).

    std::uint8_t rrpv(std::uint32_t set, std::uint32_t way) const { return rrpv_.rrpv(set, way); }

private:
    RrpvSets rrpv_;
};

}  // namespace cachescope
