#pragma once
// OPT — Belady's optimal replacement (MIN): evict the line whose next use lies farthest in the future.
//
// OPT needs the future, so a run with it reads the trace more than once (sim/run.hpp planFutures):
// a first pass records the stream of lines arriving at each OPT cache, TLB or walk cache; the next
// uses are computed from it backward (nextUses); a later pass hands every OPT policy its future and
// checks that the stream it then sees is the one it was planned for.
//
// The policy counts arrivals: the cache calls arrive(line) once for every access that reaches it —
// a hit, a fill, or a miss that does not allocate (no-write-allocate, an exclusive cache's fill) —
// before telling the policy of the hit or fill. Arrival t carries future[t], the index of the next
// arrival of the same line (kNever if none); a hit or fill stores it on the way. The victim is the
// way with the largest next use; ties (lines never used again) go to the lowest way.
//
// Worked example, one 2-way set, arrivals a b c a b (times 0..4; next uses a:3 b:4 c:never a:never b:never):
//   t0 a miss, fill way 0           [a@3, -]
//   t1 b miss, fill way 1           [a@3, b@4]
//   t2 c miss: victim = b (4 > 3)   [a@3, c@never]
//   t3 a hit                        [a@never, c@never]
//   t4 b miss: victim = way 0 (tie) [b@never, c@never]     3 + 1 + 1 = 4 misses; LRU takes 5.
// OPT is optimal for the number of misses of one cache on a given stream; it is not optimal for
// write-backs, and in a hierarchy each OPT level is optimal for the stream it receives.
//
// Without a future (a policy built outside planFutures) every next use is kNever: the victim is
// always the lowest way. victim() stays const and side-effect free like every policy's.
// Sets of more than 16 ways keep a WinnerTree of the next uses (core/winner_tree.hpp): the victim
// is O(1), a hit or fill O(log ways).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cachescope/core/winner_tree.hpp"
#include "cachescope/policy/replacement.hpp"

namespace cachescope {

class OptPolicy final : public ReplacementPolicy {
public:
    static constexpr std::uint64_t kNever = WayPolicyState::kNeverUsed;

    explicit OptPolicy(const PolicyParams& p);

    /// One access reached the cache, for `line` (see the header comment). Called by the cache.
    void arrive(std::uint64_t line) {
        hash_ = mixHash(hash_, line);
        if (recording_) recorded_.push_back(line);
        current_ = future_ && arrivals_ < future_->size() ? (*future_)[arrivals_] : kNever;
        ++arrivals_;
    }

    void onHit(std::uint32_t set, std::uint32_t way) override { setNext(set, way, current_); }
    void onFill(std::uint32_t set, std::uint32_t way) override { setNext(set, way, current_); }
    void onInvalidate(std::uint32_t set, std::uint32_t way) override { setNext(set, way, 0); }
    std::uint32_t victim(std::uint32_t set) const override;
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<OptPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override;
    /// Every hit stores the next use of a new arrival.
    bool rehitIsIdempotent() const override { return false; }
    PolicyKind kind() const override { return PolicyKind::Opt; }
    WayPolicyState wayState(std::uint32_t set, std::uint32_t way) const override {
        // kNever == WayPolicyState::kNeverUsed: "never used again" reads the same in both.
        return {.kind = PolicyKind::Opt, .optNextUse = nextUse(set, way)};
    }

    // ---- planning (sim/run.hpp planFutures) ------------------------------------------------------
    /// Starts recording the line of every arrival (and resets the arrival count and hash).
    void startRecording();
    /// The lines recorded so far, moved out.
    std::vector<std::uint64_t> takeRecording();
    /// The future to follow: next uses of every arrival in order (shared: snapshots do not copy it),
    /// and the hash and count of the stream it was planned from (see followedPlan()).
    void setFuture(std::shared_ptr<const std::vector<std::uint64_t>> future, std::uint64_t streamHash);
    /// Hash of the stream of lines that arrived so far (order-sensitive).
    std::uint64_t streamHash() const { return hash_; }
    std::uint64_t arrivals() const { return arrivals_; }
    /// True if the lines that arrived are exactly the stream the future was planned from (always
    /// true without a future). Meaningful once the whole trace has run.
    bool followedPlan() const { return !future_ || (arrivals_ == future_->size() && hash_ == plannedHash_); }
    /// The next use stored for (set, way) (narration, GUI, tests); kNever if never used again.
    std::uint64_t nextUse(std::uint32_t set, std::uint32_t way) const { return next_[slot(set, way)]; }

    /// In place: lines in arrival order -> index of the next arrival of the same line, or kNever.
    static void nextUses(std::vector<std::uint64_t>& lines);
    static std::uint64_t mixHash(std::uint64_t h, std::uint64_t line) {
        std::uint64_t z = h + line + 0x9E3779B97F4A7C15ull;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

private:
    std::size_t slot(std::uint32_t set, std::uint32_t way) const { return std::size_t{set} * ways_ + way; }
    static bool later(std::uint64_t a, std::uint64_t b) { return a > b; }
    void setNext(std::uint32_t set, std::uint32_t way, std::uint64_t next) {
        next_[slot(set, way)] = next;
        if (wide_) farthest_.update(set, way, &next_[slot(set, 0)], later);
    }

    std::uint32_t ways_;
    std::vector<std::uint64_t> next_;  // per way: the next use of the line it holds
    bool wide_;                        // ways > 16: farthest_ is kept
    WinnerTree farthest_;              // per set: the lowest way of the farthest next use (the victim)
    std::shared_ptr<const std::vector<std::uint64_t>> future_;
    std::uint64_t plannedHash_ = 0;
    std::uint64_t current_ = kNever;  // next use of the arrival being handled
    std::uint64_t arrivals_ = 0;
    std::uint64_t hash_ = 0;
    bool recording_ = false;
    std::vector<std::uint64_t> recorded_;
};

}  // namespace cachescope
