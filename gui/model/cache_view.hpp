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
#include "cachescope/core/format.hpp"
#include "cachescope/mmu/mmu.hpp"

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
    /// A TLB's valid way (Mmu::tlbEntries): whose translation, which page, which frame.
    struct TlbEntry {
        std::uint32_t process = 0;
        std::uint64_t virtualPage = 0;
        std::optional<std::uint32_t> frame;  // base pages
        std::uint64_t physicalBase = 0;
        bool huge = false;
    };
    std::optional<TlbEntry> tlb;

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
    std::optional<std::uint32_t> currentWay;  // ... and the way it hit or filled there
    bool currentHit = false;
    /// A TLB grid of a run with several processes: each cell names its entry's process ("p1").
    bool processes = false;

    const WayCell& cell(std::uint32_t shownRow, std::uint32_t way) const { return cells[shownRow * ways + way]; }
};

/// How the ways of a set are laid out when a row cannot hold them all at a readable width (a fully
/// associative TLB or cache has hundreds or thousands): wrapped into rows of `perRow` ways, and when
/// a set would still need more than `maxRows` rows, only a window of whole rows around the way of
/// interest (`focusWay`) is shown; the panel draws a minimap of every way under the grid.
struct WayLayout {
    std::uint32_t perRow = 1;      // ways per row
    std::uint32_t rowsPerSet = 1;  // rows drawn for each set
    std::uint32_t firstWay = 0;    // the window: ways firstWay .. firstWay + shownWays - 1
    std::uint32_t shownWays = 0;
    bool wrapped() const { return rowsPerSet > 1; }
    bool windowed(std::uint32_t ways) const { return shownWays < ways; }
    /// Row (within the set) and column of way `w` (inside the window).
    std::uint32_t rowOf(std::uint32_t w) const { return (w - firstWay) / perRow; }
    std::uint32_t columnOf(std::uint32_t w) const { return (w - firstWay) % perRow; }
};

/// The layout of `ways` ways when a row fits `fitPerRow` readable cells and a set may take
/// `maxRows` rows (both at least 1).
WayLayout layoutWays(std::uint32_t ways, std::uint32_t fitPerRow, std::uint32_t maxRows, std::uint32_t focusWay);

/// The first set of a window of `shown` sets out of `sets` that keeps `focus` about in the middle.
std::uint32_t focusWindowStart(std::uint32_t sets, std::uint32_t shown, std::uint32_t focus);

/// Builds the grid of `cache` (index `cacheIndex` in Hierarchy::caches()) with the marks of the last
/// reference (`last` may be null). `selectedSet` overrides the focus.
CacheGrid buildCacheGrid(const Cache& cache, std::uint32_t cacheIndex, const ReferenceNarration* last,
                         std::uint32_t focusSets, std::optional<std::uint32_t> selectedSet = std::nullopt);

/// The grid of TLB `tlbIndex` (Mmu::tlbs()): each way is one translation (Mmu::tlbEntries), its
/// "tag" the page number; the marks are the last reference's lookups and fills of this TLB.
/// `processes` (more than one process ran): the cells name their entry's process.
CacheGrid buildTlbGrid(const Mmu& mmu, std::uint32_t tlbIndex, const ReferenceNarration* last,
                       std::uint32_t focusSets, bool processes = false);

/// The text of a valid cell after its letters: the tag in hex, a TLB entry's process first when the
/// grid names processes ("p1 10000"), " d" when dirty. Empty for an empty way.
std::string cellTagText(const CacheGrid& grid, const WayCell& cell);
/// The shortest text that still says what matters when the tag does not fit: "p1" for a TLB
/// entry of a grid that names processes, else "" (then the letters and the dirty mark alone).
std::string cellShortText(const CacheGrid& grid, const WayCell& cell);

/// Every step of `narration` at cache `cacheIndex`, the page walks' PTE reads included, in order.
std::vector<const CacheStep*> stepsAt(const ReferenceNarration& narration, std::uint32_t cacheIndex);

}  // namespace cachescope::gui
