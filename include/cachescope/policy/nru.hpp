#pragma once
// NRU — not recently used.
//
// One referenced bit per way, all 0 initially. Touching a way (hit or fill) sets its bit; if that
// makes every bit in the set 1, all the OTHER bits are cleared (a new "epoch" starts with only the
// touched way marked). Invalidation clears the way's bit. The victim is the lowest way whose bit is
// 0 (with a single way there is no such way after a fill; the victim is then way 0). NRU only
// knows "used since the last epoch or not", not an order: it is a one-bit approximation of LRU
// (the clock algorithm without the hand).
//
// Worked example, one 4-way set, lower case = next victim:
//   fill A, B, C, D        a B C D     ref bits 0 0 0 1  (D's fill set the last 0, clearing others)
//   hit B                  a B C D     ref bits 0 1 0 1
//   miss E (evicts A)      E B c D     ref bits 1 1 0 1
//   hit C                  e B C D     ref bits 0 0 1 0
//
// Since the touched way always keeps its bit (and some other bit is 0 when ways > 1), a way just
// filled is never the next victim.
//
// Sets of more than 16 ways (fully associative caches, wide TLBs) also keep a count of set bits and
// a BitTree of the clear ones (core/bit_tree.hpp): the victim is its lowest member in the set and a
// touch needs no pass over the set, except when it starts a new epoch (amortized O(1): an epoch's
// clearing undoes the touches that set the bits).

#include <cstdint>
#include <vector>

#include "cachescope/core/bit_tree.hpp"
#include "cachescope/policy/replacement.hpp"

namespace cachescope {

class NruPolicy final : public ReplacementPolicy {
public:
    explicit NruPolicy(const PolicyParams& p);

    void onHit(std::uint32_t set, std::uint32_t way) override { touch(set, way); }
    void onFill(std::uint32_t set, std::uint32_t way) override { touch(set, way); }
    void onInvalidate(std::uint32_t set, std::uint32_t way) override;
    std::uint32_t victim(std::uint32_t set) const override;
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<NruPolicy>(*this); }
    bool sameState(const ReplacementPolicy& other) const override;
    std::string describeSet(std::uint32_t set) const override;
    PolicyKind kind() const override { return PolicyKind::Nru; }
    WayPolicyState wayState(std::uint32_t set, std::uint32_t way) const override {
        return {.kind = PolicyKind::Nru, .nruBit = referenced(set, way)};
    }

    bool referenced(std::uint32_t set, std::uint32_t way) const { return ref_[std::size_t{set} * ways_ + way] != 0; }

private:
    void touch(std::uint32_t set, std::uint32_t way);
    std::uint32_t ways_;
    std::vector<std::uint8_t> ref_;  // sets*ways, 0 or 1
    bool wide_;                      // ways > 16: the two below are kept
    std::vector<std::uint32_t> set_;  // per set: the number of 1 bits
    BitTree clear_;                  // the slots whose bit is 0
};

}  // namespace cachescope
