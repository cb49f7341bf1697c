#pragma once
// RRIP machinery shared by srrip, brrip and drrip (re-reference interval prediction, Jaleel et al.,
// ISCA 2010), with 2-bit re-reference prediction values (RRPV 0..3, 0 = "re-referenced soon",
// 3 = "distant"). All RRPVs start at 3 (an empty way is "distant").
//
//   hit w          RRPV[w] = 0
//   invalidate w   RRPV[w] = 3
//   victim         the lowest way with the highest RRPV
//   fill w, ins    age: m = max RRPV in the set (w's old value included); add 3-m to every way;
//                  then RRPV[w] = ins. A fill into an empty way sees m = 3 and ages nothing.
//
// The aging step is the textbook "increment every RRPV until one reaches 3" loop done in one go.
// The three policies differ only in `ins`: srrip 2, brrip 3 (2 with probability 1/32), drrip
// chooses between the two by set dueling.
//
// Worked example of aging, 4 ways, lower case = next victim:
//   RRPV 2 0 2 2   a B C D
//   fill E at way 0 with ins 2: m = 2, all +1 → 3 1 3 3, then E = 2 → RRPV 2 1 3 3   E B c D
//
// Storage: up to 16 ways one byte per way, scanned (a pass over 16 bytes is cheapest). Wider sets
// (fully associative caches, wide TLBs) keep every operation O(1): aging adds the same amount to
// every way and never wraps past 3, so a set stores per way its RRPV minus a per-set offset (mod 4)
// and aging only moves the offset; per set, a count of ways with each stored value says which RRPV
// is the highest, and one BitTree per stored value (core/bit_tree.hpp) finds its lowest way.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/core/bit_tree.hpp"
#include "cachescope/policy/replacement.hpp"

namespace cachescope {

class RrpvSets {
public:
    static constexpr std::uint8_t kDistant = 3;  // max RRPV: initial value, invalidated ways
    static constexpr std::uint8_t kLong = 2;     // SRRIP's insertion value

    RrpvSets(std::uint32_t sets, std::uint32_t ways);

    void hit(std::uint32_t set, std::uint32_t way) {
        if (wide_)
            setWide(set, way, 0);
        else
            rrpv_[index(set, way)] = 0;
    }
    void invalidate(std::uint32_t set, std::uint32_t way) {
        if (wide_)
            setWide(set, way, kDistant);
        else
            rrpv_[index(set, way)] = kDistant;
    }
    /// Ages the set, then writes `insertion` into way.
    void fill(std::uint32_t set, std::uint32_t way, std::uint8_t insertion);
    std::uint32_t victim(std::uint32_t set) const;

    std::uint8_t rrpv(std::uint32_t set, std::uint32_t way) const {
        const std::uint8_t v = rrpv_[index(set, way)];
        return wide_ ? static_cast<std::uint8_t>((v + offset_[set]) & 3) : v;
    }
    /// "RRPV: 2 1 3 3"
    std::string describe(std::uint32_t set) const;
    /// The way's state for ReplacementPolicy::wayState (kind = which RRIP policy asks).
    WayPolicyState wayState(PolicyKind kind, std::uint32_t set, std::uint32_t way) const {
        return {.kind = kind, .rrpv = rrpv(set, way)};
    }

    /// The same RRPV in every way.
    bool operator==(const RrpvSets& other) const;

private:
    static constexpr std::uint32_t kWideWays = 16;
    std::size_t index(std::uint32_t set, std::uint32_t way) const { return std::size_t{set} * ways_ + way; }
    /// Wide sets: the highest RRPV in the set, and setting one way's RRPV.
    std::uint8_t maxWide(std::uint32_t set) const;
    void setWide(std::uint32_t set, std::uint32_t way, std::uint8_t value);

    std::uint32_t ways_;
    std::uint32_t sets_;
    bool wide_;
    std::vector<std::uint8_t> rrpv_;  // sets*ways; wide_: RRPV - offset_[set] (mod 4)
    // wide_ only:
    std::vector<std::uint8_t> offset_;    // per set
    std::vector<std::uint32_t> count_;    // per set, 4 counters: ways per stored value
    std::vector<BitTree> waysOf_;        // per stored value: its slots (sets*ways)
};

/// BRRIP's insertion value from one generator output: 2 ("long") if draw mod 32 == 0, else 3.
constexpr std::uint8_t brripInsertion(std::uint64_t draw) {
    return draw % 32 == 0 ? RrpvSets::kLong : RrpvSets::kDistant;
}

}  // namespace cachescope
