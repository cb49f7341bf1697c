#pragma once
// View model of one cache (or TLB) as a grid of sets × ways, as the cache-grid panel draws it.
//
// Each cell is one way: valid, dirty, tag, and what the last reference did to it (the letters
// H hit, M miss-and-fill, E a valid line evicted from it, W that victim written back). The policy's
// next victim of each set is flagged. Large caches show a focus window of `focusSets` sets around
// the set of interest (the selected set, else the one the last reference used) plus a minimap of
// the occupancy of every set.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cachescope/analysis/narration.hpp"
#include "cachescope/cache/cache.hpp"

namespace cachescope::gui {

struct WayCell {
    bool valid = false;
    bool dirty = false;
    std::uint64_t tag = 0;
    std::uint64_t lineAddress = 0;  // first byte of the line (valid ways)
    bool nextVictim = false;        // the way the next miss in this set fills
    // What the last reference did here.
    bool hit = false;
    bool filled = false;     // missed and filled this way
    bool evicted = false;    // the fill replaced a valid line
    bool wroteBack = false;  // ... which was dirty and went to the next level

    /// "H", "M", "ME", "MEW" or "" (the letters drawn in the cell).
    std::string letters() const;
};

struct CacheGrid {
    std::string name;
    std::uint32_t sets = 0;
    std::uint32_t ways = 0;
    unsigned offsetBits = 0;
    unsigned setBits = 0;
    std::uint32_t firstSet = 0;  // the focus window: sets firstSet .. firstSet+shownSets-1
    std::uint32_t shownSets = 0;
    std::vector<WayCell> cells;               // shownSets × ways, row = set
    std::vector<std::string> policyState;     // per shown set
    std::vector<std::uint32_t> occupancy;     // per set (all of them): valid ways, for the minimap
    std::optional<std::uint32_t> currentSet;  // the set the last reference used here (first one)
    bool currentHit = false;

    const WayCell& cell(std::uint32_t shownRow, std::uint32_t way) const { return cells[shownRow * ways + way]; }
};

/// The first set of a window of `shown` sets out of `sets` that keeps `focus` about in the middle.
std::uint32_t focusWindowStart(std::uint32_t sets, std::uint32_t shown, std::uint32_t focus);

/// Builds the grid of `cache` (index `cacheIndex` in Hierarchy::caches()) with the marks of the last
/// reference (`last` may be null). `selectedSet` overrides the focus.
CacheGrid buildCacheGrid(const Cache& cache, std::uint32_t cacheIndex, const ReferenceNarration* last,
                         std::uint32_t focusSets, std::optional<std::uint32_t> selectedSet = std::nullopt);

/// The grid of TLB `tlbIndex` (Mmu::tlbs()): each way is one translation, its "tag" the page
/// number; the marks are the last reference's lookups and fills of this TLB.
CacheGrid buildTlbGrid(const Cache& tlb, std::uint32_t tlbIndex, const ReferenceNarration* last,
                       std::uint32_t focusSets);

/// Every step of `narration` at cache `cacheIndex`, the page walks' PTE reads included, in order.
std::vector<const CacheStep*> stepsAt(const ReferenceNarration& narration, std::uint32_t cacheIndex);

}  // namespace cachescope::gui
