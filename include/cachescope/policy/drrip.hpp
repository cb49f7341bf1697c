#pragma once
// DRRIP — dynamic RRIP by set dueling (Jaleel et al., ISCA 2010), 2-bit RRPVs.
//
// Hits, invalidations, aging and the victim are as in srrip; only the insertion value of a fill
// differs. A few "leader" sets always insert as SRRIP (RRPV 2) or as BRRIP (3, or 2 with
// probability 1/32), and a 10-bit saturating counter PSEL (0..1023, initially 512) keeps score:
// a fill (= a miss) in an SRRIP leader increments it, one in a BRRIP leader decrements it. The
// other sets follow the winner: BRRIP when PSEL > 512, else SRRIP.
//
// Leaders: stride = max(2, sets / 32); set s leads for SRRIP if s mod stride == 0, for BRRIP if
// s mod stride == stride - 1. A single-set cache has no leaders: its set follows, PSEL stays 512,
// and it behaves exactly as SRRIP.
//
// The splitmix64 generator (seed PolicyParams::seed) is advanced once on EVERY fill, whatever the
// set's role; a BRRIP-mode fill inserts at 2 if that fill's output mod 32 == 0, else at 3.
//
// Worked example, 128 sets (stride 4): roles of sets 0..7 are  S f f B S f f B
// (S = SRRIP leader, B = BRRIP leader, f = follower).
//   3 fills in set 0 (S)           PSEL 512 → 515
//   fill in set 1 (f)              PSEL 515 > 512: inserted as BRRIP (RRPV 3 barring a 1/32 draw)
//   4 fills in set 3 (B)           PSEL 515 → 511
//   fill in set 2 (f)              PSEL 511 <= 512: inserted as SRRIP (RRPV 2)
//
// The RRPV machinery is shared with srrip and brrip (rrip.hpp).

#include "cachescope/policy/replacement.hpp"
#include "cachescope/policy/rrip.hpp"
#include "cachescope/policy/splitmix64.hpp"

namespace cachescope {

class DrripPolicy final : public ReplacementPolicy {
public:
    using Role = DuelingRole;

    static constexpr std::uint32_t kPselMax = 1023;  // 10-bit counter
    static constexpr std::uint32_t kPselInit = 512;

    explicit DrripPolicy(const PolicyParams& p);

    void onHit(std::uint32_t set, std::uint32_t way) override { rrpv_.hit(set, way); }
    void onFill(std::uint32_t set, std::uint32_t way) override;
    void onInvalidate(std::uint32_t set, std::uint32_t way) override { rrpv_.invalidate(set, way); }
    std::uint32_t victim(std::uint32_t set) const override { return rrpv_.victim(set); }
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<DrripPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override;
    PolicyKind kind() const override { return PolicyKind::Drrip; }
    WayPolicyState wayState(std::uint32_t set, std::uint32_t way) const override {
        return rrpv_.wayState(PolicyKind::Drrip, set, way);
    }
    SetPolicyState setState(std::uint32_t set) const override;

    Role role(std::uint32_t set) const;
    std::uint32_t psel() const { return psel_; }
    // Repeated hits are idempotent (RRPV 0 stays 0), so rehitIsIdempotent() keeps its default; a
    // hit right after a fill is always passed on by the cache (replacement.hpp).

    std::uint8_t rrpv(std::uint32_t set, std::uint32_t way) const { return rrpv_.rrpv(set, way); }

private:
    std::uint32_t sets_;
    std::uint32_t stride_;
    std::uint32_t psel_ = kPselInit;
    RrpvSets rrpv_;
    SplitMix64 gen_;
};

}  // namespace cachescope
