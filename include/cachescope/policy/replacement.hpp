#pragma once
// Replacement policy: a small strategy over (set, way). The policy owns its state in flat arrays;
// the cache owns tags, valid and dirty bits. The cache fills invalid ways itself (lowest way first)
// and asks the policy for a victim only when the set is full.
//
// Call protocol (pinned by tests/cache/cache_policy_protocol_test.cpp):
//   hit on way w                      -> onHit(set, w)   (skipped for a repeated hit, see rehitIsIdempotent)
//   miss, set has an invalid way w    -> onFill(set, w)
//   miss, set full                    -> w = victim(set); the cache evicts w; onFill(set, w)
//   a line leaves way w for any other -> onInvalidate(set, w)
//     reason (back-invalidation, exclusive hand-up)
// A newly built policy treats every way as empty. victim() is const and free of side effects, so a
// GUI or a test may ask "who would be evicted next?" at any time without changing the simulation.

#include <cstdint>
#include <memory>
#include <string>

namespace cachescope {

class ReplacementPolicy {
public:
    virtual ~ReplacementPolicy() = default;

    virtual void onHit(std::uint32_t set, std::uint32_t way) = 0;
    virtual void onFill(std::uint32_t set, std::uint32_t way) = 0;
    virtual void onInvalidate(std::uint32_t set, std::uint32_t way) = 0;
    /// The way to evict from a full set. Must not change any state.
    virtual std::uint32_t victim(std::uint32_t set) const = 0;

    /// Deep copy, for snapshots of the whole simulator.
    virtual std::unique_ptr<ReplacementPolicy> clone() const = 0;
    /// True if the state of this policy equals `other`'s (same type, same state).
    virtual bool sameState(const ReplacementPolicy& other) const = 0;
    /// The policy's per-set state in words, for narration and the GUI, e.g. "MRU→LRU: 2 0 3 1".
    virtual std::string describeSet(std::uint32_t set) const = 0;

    /// True if onHit(s, w) right after onHit(s, w), with nothing else done to set s in between,
    /// never changes the state. The cache then skips the call on such repeated hits (its fast
    /// path). Only counting policies (LFU) need to say false. (A hit right after a fill is always
    /// passed on: SRRIP, for one, inserts at RRPV 2 and promotes to 0 on the first hit.)
    virtual bool rehitIsIdempotent() const { return true; }
};

/// What every policy factory receives.
struct PolicyParams {
    std::uint32_t sets = 1;
    std::uint32_t ways = 1;
    std::uint64_t seed = 1;  // randomized policies derive all randomness from this
};

}  // namespace cachescope
