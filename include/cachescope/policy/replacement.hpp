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
//
// Inspection, for views and tests (no strings to parse): kind() names the algorithm as a value,
// wayState(set, way) returns the way's replacement state as typed fields (only the fields the
// algorithm has are set), setState(set) the set's own state (victim, PLRU tree with the path the
// victim search takes, DRRIP role and PSEL, generator state). All of them are const and change
// nothing; describeSet() stays for the narration's one-line text.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cachescope {

/// Which algorithm a policy runs; one value per entry of the registry (registry.hpp), plus Custom
/// for policies built outside it (test spies).
enum class PolicyKind : std::uint8_t { Lru, Fifo, Mru, Random, Plru, Nru, Lfu, Srrip, Brrip, Drrip, Opt, Custom };
/// The registry name ("lru", ..., "opt"); "custom" for Custom.
std::string_view toString(PolicyKind kind);

/// The replacement state of one way, typed. Exactly the fields of the policy's algorithm are set:
///   lru, mru        recencyRank     0 = most recently used, ways-1 = least
///   fifo            insertionOrder  0 = filled last (newest), ways-1 = filled first (oldest)
///   srrip/brrip/drrip rrpv          0 ("re-referenced soon") .. 3 ("distant")
///   nru             nruBit          the referenced bit
///   lfu             frequency       the use count
///   opt             optNextUse      arrival index of the next use of the line, kNeverUsed if none
///   random, custom  none
/// The state is the policy's, kept for invalid ways too (an invalid LRU way still has a rank).
struct WayPolicyState {
    static constexpr std::uint64_t kNeverUsed = ~std::uint64_t{0};

    PolicyKind kind = PolicyKind::Custom;
    std::optional<std::uint32_t> recencyRank = std::nullopt;
    std::optional<std::uint64_t> insertionOrder = std::nullopt;
    std::optional<std::uint8_t> rrpv = std::nullopt;
    std::optional<bool> nruBit = std::nullopt;
    std::optional<std::uint64_t> frequency = std::nullopt;
    std::optional<std::uint64_t> optNextUse = std::nullopt;

    friend bool operator==(const WayPolicyState&, const WayPolicyState&) = default;
};

/// One decision of the tree-PLRU victim search: at inner node `node` (heap order) it went right
/// (toward higher ways) or left.
struct PlruStep {
    std::uint32_t node = 0;
    bool right = false;
    friend bool operator==(const PlruStep&, const PlruStep&) = default;
};

/// A set's tree-PLRU state. The tree has `leaves` leaves (the way count rounded up to a power of
/// two; leaves >= ways are padding) and leaves-1 inner nodes in heap order: node 0 is the root, the
/// children of node i are 2i+1 (left) and 2i+2 (right). bits[i] = 1 means "the victim is to the
/// right of node i". `path` is the victim search from the root, one step per level; it ends at way
/// `victim`. It differs from following the bits only where a bit points at padding leaves.
struct PlruTree {
    std::uint32_t leaves = 1;
    std::vector<bool> bits;
    std::vector<PlruStep> path;
    std::uint32_t victim = 0;
    friend bool operator==(const PlruTree&, const PlruTree&) = default;
};

/// A DRRIP set's part in set dueling (drrip.hpp).
enum class DuelingRole : std::uint8_t { SrripLeader, BrripLeader, Follower };
/// "SRRIP leader", "BRRIP leader", "follower" (not toString: doctest would pick that up for comparisons).
std::string_view duelingRoleName(DuelingRole role);

/// The replacement state of a whole set, typed. `victim` is victim(set), the way a miss in the
/// full set would evict; the optional parts are set for the policies that have them.
struct SetPolicyState {
    PolicyKind kind = PolicyKind::Custom;
    std::uint32_t victim = 0;
    std::optional<PlruTree> plruTree = std::nullopt;               // plru
    std::optional<DuelingRole> duelingRole = std::nullopt;         // drrip
    std::optional<std::uint32_t> psel = std::nullopt;              // drrip: the policy selector, 0..1023
    std::optional<std::uint64_t> generatorState = std::nullopt;    // random, brrip, drrip: splitmix64 state
    friend bool operator==(const SetPolicyState&, const SetPolicyState&) = default;
};

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
    /// The policy's per-set state in words, for narration, e.g. "MRU→LRU ways: 2 0 3 1".
    virtual std::string describeSet(std::uint32_t set) const = 0;

    // ---- inspection (const, no side effects) -----------------------------------------------------
    /// The algorithm, as a value: `policy.kind() == PolicyKind::Opt` instead of comparing names.
    virtual PolicyKind kind() const = 0;
    /// The replacement state of (set, way); only the fields of kind() are set.
    virtual WayPolicyState wayState(std::uint32_t set, std::uint32_t way) const = 0;
    /// The set's own state; this default fills kind and victim, policies with more add it.
    virtual SetPolicyState setState(std::uint32_t set) const { return {.kind = kind(), .victim = victim(set)}; }
    /// The tree of a tree-PLRU set (setState(set).plruTree); nullopt for every other policy.
    std::optional<PlruTree> plruTree(std::uint32_t set) const { return setState(set).plruTree; }

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
