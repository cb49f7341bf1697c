#pragma once
// Counting a block's references by slot (site, or site and side): the per-block pass that charges
// every reference to its statement before the hot loop runs (Hierarchy::access, and
// Simulator::access when an MMU sits in front of the caches).

#include <cstddef>
#include <cstdint>
#include <span>

#include "cachescope/core/access.hpp"

namespace cachescope {

/// Adds one to counts[slotOf(a)] for every reference `a` of `block`; `entries` is the size of
/// `counts`, and slotOf returns less than it.
///
/// A kernel's references cycle through a few statements (ikj matmul: load C, load B, store C), so
/// the plain loop `++counts[slot]` adds to the same few counters over and over, and each add waits
/// for the store of the add before it to the same counter. With a small table the references go
/// in turn to four banks of counters on the stack, summed into `counts` at the end, so adds to
/// one counter are four references further apart (the plain loop took about twice as long per
/// reference on an ikj block: docs/performance.md, "Session 9: counting references by
/// statement"). The result is the same: counts are sums.
template <class SlotOf>
void countBySlot(std::span<const Access> block, std::uint64_t* counts, std::size_t entries, SlotOf slotOf) {
    constexpr std::size_t kBanks = 4, kMaxBanked = 64;
    if (entries > kMaxBanked || block.size() < 4 * kBanks) {
        for (const Access& a : block) ++counts[slotOf(a)];
        return;
    }
    std::uint64_t bank[kBanks][kMaxBanked];
    for (std::size_t b = 0; b < kBanks; ++b)
        for (std::size_t s = 0; s < entries; ++s) bank[b][s] = 0;
    const Access* a = block.data();
    const Access* const end = a + block.size();
    for (; end - a >= static_cast<std::ptrdiff_t>(kBanks); a += kBanks) {
        ++bank[0][slotOf(a[0])];
        ++bank[1][slotOf(a[1])];
        ++bank[2][slotOf(a[2])];
        ++bank[3][slotOf(a[3])];
    }
    for (; a != end; ++a) ++bank[0][slotOf(*a)];
    for (std::size_t s = 0; s < entries; ++s) counts[s] += bank[0][s] + bank[1][s] + bank[2][s] + bank[3][s];
}

}  // namespace cachescope
