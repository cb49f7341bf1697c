#pragma once
// The locality picture of a run: address against time, each reference colored by the level of the
// hierarchy that served it. Collected while the run goes, into a fixed grid (memory O(grid), not
// O(trace)), then drawn by plot::renderSvg.
//
// Serving level of a CPU reference (docs/plots.md "Serving level"): for each piece of the reference
// (one per line of its first-level cache), the first cache on its demand chain that hit -- the
// first-level cache itself, else the cache its fill (or, for a no-write-allocate write, the write
// itself) went to, and so on -- or memory if none did. A reference split into several pieces
// (line- or page-crossing) is served by the deepest level among its pieces. Write-backs, victims,
// write-through copies and page-walk reads are not part of any demand chain.
//
// Worked example, configs/teaching.json (L1 1 KiB 2-way, L2 4 KiB 4-way, 64 B lines, 8 L1 sets):
//   R 0x0000  -> L1 miss, L2 miss           -> memory
//   R 0x0400  -> L1 miss (set 0), L2 miss   -> memory
//   R 0x0800  -> L1 miss, evicts 0x0000     -> memory
//   R 0x0000  -> L1 miss, L2 hit            -> L2
//   R 0x0004  -> L1 hit                     -> L1
//
// Use: scan the trace once for its address bands (scanBands), attach a LocalityObserver to the
// hierarchy (through a FanOutObserver if other observers listen too), read the trace through a
// TappedReader so the observer sees each reference as the trace gave it (virtual addresses when an
// mmu translates), run, then take picture().

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "cachescope/core/access.hpp"
#include "cachescope/plot/svg.hpp"
#include "cachescope/sim/hierarchy.hpp"
#include "cachescope/sim/observer.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

struct LocalityOptions {
    std::uint32_t columns = 1000;        // time slots; references per column double as the trace grows
    std::uint32_t rows = 500;            // address slices, shared among the bands
    std::uint32_t maxUnnamedBands = 16;  // touched ranges outside named regions are merged down to this
};

/// Where a reference sits on the picture's address axis: its address, with its process (if not 0)
/// in the top 8 bits, so the same virtual address in two processes (--mix) lands in two bands.
inline std::uint64_t plotAddress(const Access& a) {
    return a.address ^ (std::uint64_t{a.process} << 56);
}

/// First pass: the address ranges a trace touches. Named regions of the metadata that are touched
/// become one band each (named); touched addresses outside them are gathered in chunks (4 KiB,
/// coarser if there are more than 32,768) and merged into unnamed ranges. Memory is bounded.
class FootprintScanner {
public:
    explicit FootprintScanner(const TraceMetadata* metadata, LocalityOptions options = {});
    /// Several processes (--mix): `metadata[p]` (may be null) describes process p's references.
    /// When references of more than one process are seen, every band is named after its process
    /// ("p1 B", or "p1" for addresses outside the named regions).
    explicit FootprintScanner(const std::vector<const TraceMetadata*>& metadata, LocalityOptions options = {});
    void add(std::span<const Access> block);
    /// The bands, sorted by address, with rows assigned: each band at least min(8, rows / bands)
    /// rows, the rest in proportion to its size, but never more rows than it has 64-byte lines
    /// (a 1 KiB trace gets 16 rows, one per line, not 500 hairlines). Unnamed bands end at the
    /// first and last line touched outside the named regions. Empty if nothing was touched.
    std::vector<plot::AddressBand> bands() const;

private:
    void addOutside(std::uint64_t first, std::uint64_t last);
    std::vector<Region> regions_;
    std::vector<bool> touched_;
    std::vector<std::uint64_t> chunks_;  // touched chunk numbers outside regions (unsorted, deduplicated lazily)
    unsigned chunkBits_ = 12;
    std::uint64_t lastChunk_ = ~std::uint64_t{0};
    std::uint64_t lowestOutside_ = ~std::uint64_t{0};  // first and last byte touched outside regions
    std::uint64_t highestOutside_ = 0;
    std::size_t lastRegion_ = 0;
    std::uint32_t processesSeen_ = 0;  // bit p (bit 31 for p >= 31): the processes seen
    LocalityOptions options_;
};

/// Reads `trace` to its end and returns FootprintScanner's bands (of every process the reader
/// describes).
std::vector<plot::AddressBand> scanBands(TraceReader& trace, LocalityOptions options = {});

/// Collects the locality picture from the hierarchy's events.
class LocalityObserver final : public HierarchyObserver {
public:
    /// `hierarchy` gives the topology (it must outlive the observer); `bands` the address axis.
    LocalityObserver(const Hierarchy& hierarchy, std::vector<plot::AddressBand> bands, LocalityOptions options = {});

    /// The references as the trace gave them, before they are simulated (TappedReader calls it).
    /// The hierarchy's references are then matched to them in order, byte for byte, so a reference
    /// translated in several pieces is one point at its virtual address. Without this call each
    /// reference reaching the hierarchy is plotted as it is.
    void onTraceBlock(std::span<const Access> block);

    void onReference(const Access& a) override;
    void onCacheAccess(const CacheEvent& e) override;
    void onMemoryAccess(const MemoryEvent& e) override;

    /// A cell's color (LocalityPicture::cells) is the tier that served most of its references, ties
    /// going to the deeper tier; the legend's shares count references, so the two agree.
    /// Tiers: 0 = first-level caches, ..., the last = memory.
    std::uint32_t tiers() const { return memoryTier_ + 1; }
    std::vector<std::string> tierNames() const;
    /// References plotted so far, and how many each tier served.
    std::uint64_t references() const { return references_; }
    const std::vector<std::uint64_t>& referencesByTier() const { return byTier_; }
    /// The tier that served the last reference plotted (tests).
    std::uint32_t lastTier() const { return lastTier_; }
    /// References whose address fell in no band (not drawn, still counted above).
    std::uint64_t outside() const { return outside_; }

    plot::LocalityPicture picture(const std::string& title) const;

private:
    struct Event {
        std::uint32_t cache;  // Hierarchy::kMemory for memory
        AccessKind kind;
        std::uint64_t address;
        std::uint32_t size;
        bool hit;
    };
    struct Pending {  // a reference as the trace gave it, waiting for its pieces
        std::uint64_t address;
        std::uint64_t remaining;  // bytes of it not yet simulated
        std::uint32_t tier;
    };
    /// The tier of one first-level line piece that missed at `first`, from the events since the
    /// previous piece.
    std::uint32_t chainTier(std::uint32_t first, AccessKind kind, std::uint64_t address) const;
    void pieceDone(std::uint32_t tier);
    void draw(std::uint64_t address, std::uint32_t tier);
    void halveTime();

    const Hierarchy* hierarchy_;
    LocalityOptions options_;
    std::vector<plot::AddressBand> bands_;
    std::uint32_t memoryTier_ = 0;

    // The piece being simulated.
    bool open_ = false;
    Access piece_{};
    std::uint32_t first_ = 0;
    std::uint64_t lastLine_ = 0;
    std::uint32_t pieceTier_ = 0;
    std::vector<Event> events_;
    std::deque<Pending> pending_;

    // The picture: per cell, the references each tier served ([row][column][tier]).
    std::vector<std::uint32_t> counts_;
    std::uint64_t perColumn_ = 1;
    std::uint64_t references_ = 0;
    std::vector<std::uint64_t> byTier_;
    std::uint32_t lastTier_ = 0;
    std::uint64_t outside_ = 0;
    std::size_t lastBand_ = 0;
};

/// A reader that hands every block it reads to a LocalityObserver before returning it.
class TappedReader final : public TraceReader {
public:
    TappedReader(TraceReader& inner, LocalityObserver& observer) : inner_(inner), observer_(observer) {}
    std::size_t read(std::span<Access> out) override {
        const std::size_t n = inner_.read(out);
        observer_.onTraceBlock(out.first(n));
        return n;
    }
    TraceFormat format() const override { return inner_.format(); }
    std::uint64_t records() const override { return inner_.records(); }
    const TraceMetadata* metadata() const override { return inner_.metadata(); }

private:
    TraceReader& inner_;
    LocalityObserver& observer_;
};

}  // namespace cachescope
