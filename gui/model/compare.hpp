#pragma once
// Compare mode: a second session on the same source under another config (B), kept at the same
// position as the player (A) through every move, and what differs between the two:
//   - the outcome of the current reference in each ("A: L1 hit / B: L1 miss, L2 hit"),
//   - the counters of every level, TLB and the MMU side by side,
//   - "run to the next difference": both step together until a reference's outcomes differ.
//
// An outcome is the reference's demand path, made from its narration: for every line-sized part,
// the caches it reached one after the other (the reference itself, then the fill, write-around or
// write-through it caused in the next level, ...) with hit or miss, and memory when it got there;
// the TLB lookups with hit or miss; whether it faulted. Two outcomes are the same when they reached
// the same levels (by position from the CPU outward, not by name) with the same hits and misses;
// victims, write-backs of dirty victims and cycles are not compared (the counters show those).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cachescope/analysis/narration.hpp"
#include "cachescope/session/session.hpp"
#include "model/player.hpp"

namespace cachescope::gui {

struct Outcome {
    struct Hop {
        std::uint32_t cache = CacheStep::kMemory;  // index into Hierarchy::caches(), or memory
        std::string name;                          // "L1", ..., "memory"
        bool hit = false;                          // (memory: always false)
    };
    struct Lookup {
        std::uint32_t tlb = 0;
        std::string name;
        bool hit = false;
    };
    std::vector<std::vector<Hop>> parts;  // one demand path per line-sized part of the reference
    std::vector<Lookup> tlbs;             // every TLB lookup of the reference, in order
    bool pageFault = false;

    /// Same levels (by index) with the same hits, same TLB results, same fault.
    bool sameAs(const Outcome& other) const;
    /// "L1 miss, L2 hit"; "TLB1 miss, page fault; L1 miss, L2 miss, memory"; parts joined by " + ".
    std::string text() const;
};

/// The outcome of one narrated reference.
Outcome outcomeOf(const ReferenceNarration& narration);

/// One counter of one structure for A and B (nullopt: that config has no such structure).
struct CounterRow {
    std::string structure;  // "L1", "L2 / L2D" when the names differ, "TLB1", "MMU", "memory", "all"
    std::string counter;    // "accesses", "misses", "hit rate", ...
    std::optional<double> a, b;
    bool percent = false;  // a and b are fractions shown as percentages
    bool differs() const { return a != b; }
};

/// Counters of both sessions side by side: per cache level (matched by position from the CPU
/// outward) accesses, misses, hit rate, evictions, write-backs; per TLB lookups, misses; the MMU's
/// walks and page faults; memory reads and writes; AMAT.
std::vector<CounterRow> compareCounters(const Session& a, const Session& b);

/// The second session of compare mode, following a player.
class Comparison {
public:
    /// `b` must be seekable and on the same source as the player it will follow.
    Comparison(std::unique_ptr<Session> b, std::string label);

    const std::string& label() const { return label_; }
    const Player& b() const { return b_; }
    Player& b() { return b_; }

    /// Moves B to `a`'s position (a no-op when it is there), its last reference narrated as the
    /// player's is; cheap when B is just behind.
    void follow(const Player& a);

    /// The outcomes of the reference just simulated in A and B (nullopt at position 0).
    std::optional<Outcome> outcomeA(const Player& a) const;
    std::optional<Outcome> outcomeB() const;
    /// True when both have a last reference and its outcomes differ.
    bool differsNow(const Player& a) const;

    enum class Search : std::uint8_t { Found, End, Limit };
    /// Steps A and B together, one reference at a time, until a reference's outcomes differ
    /// (Found: both stop just after it), the source ends (End) or `limit` references were
    /// simulated (Limit: call again to go on).
    Search runToNextDifference(Player& a, std::uint64_t limit = ~std::uint64_t{0});

private:
    Player b_;
    std::string label_;
};

}  // namespace cachescope::gui
