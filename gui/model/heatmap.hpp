#pragma once
// The address heat-map: references counted in a grid of time bins (position in the trace) ×
// address bins (the trace's address range, or the span of its tensors when it has metadata).
// Built once per scene from a second reader over the source; the panel shows the bins up to the
// current position, so the picture grows as the player moves and shrinks when it seeks back.

#include <cstdint>
#include <vector>

#include "cachescope/core/access.hpp"
#include "model/canvas.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope::gui {

class HeatMap {
public:
    HeatMap() = default;
    /// From accesses at hand; `length` references in all. Addresses span [low, high) (high > low);
    /// references outside are not counted.
    HeatMap(const std::vector<Access>& accesses, std::uint64_t low, std::uint64_t high, std::uint32_t timeBins,
            std::uint32_t addressBins);
    /// From the source of a session (read again from the start): the span of its regions when it has
    /// metadata, else of every address it reads.
    static HeatMap ofSource(const SourceSpec& source, const TraceMetadata* metadata, std::uint32_t timeBins,
                            std::uint32_t addressBins);

    std::uint32_t timeBins() const { return timeBins_; }
    std::uint32_t addressBins() const { return addressBins_; }
    std::uint64_t length() const { return length_; }
    std::uint64_t low() const { return low_; }
    std::uint64_t high() const { return high_; }
    /// References in time bin t, address bin a.
    std::uint32_t count(std::uint32_t t, std::uint32_t a) const { return counts_[std::size_t{t} * addressBins_ + a]; }
    std::uint32_t maxCount() const { return max_; }
    /// The time bin of reference `index` and the address bin of `address` (clamped to the grid).
    std::uint32_t timeBinOf(std::uint64_t index) const;
    std::uint32_t addressBinOf(std::uint64_t address) const;

    /// The time bins drawn at `position`: every bin up to the one holding reference position − 1
    /// (that one whole), none at position 0.
    std::uint32_t binsShown(std::uint64_t position) const;
    /// Per address bin: the references of the bins shown at `position` (the "counts per line" view).
    std::vector<std::uint64_t> countsUpTo(std::uint64_t position) const;

private:
    void add(const Access& a, std::uint64_t index);
    std::uint64_t low_ = 0, high_ = 1, length_ = 0;
    std::uint32_t timeBins_ = 0, addressBins_ = 0, max_ = 0;
    std::vector<std::uint32_t> counts_;
};

/// Shading of a count on a log scale: 0 = background, `max` = full colour.
int heatAlpha(std::uint64_t count, std::uint64_t max);

/// The heat-map at `position` into `canvas`, one pixel per bin (time to the right, address upward:
/// address bin 0 is the bottom row): bins shown are `colour` over `background` at heatAlpha of
/// their count (zero counts and bins not shown yet stay background). The canvas is resized to
/// timeBins × addressBins.
void paintHeatMap(Canvas& canvas, const HeatMap& heat, std::uint64_t position, Rgb colour, Rgb background);
/// The counts per address bin at `position` (countsUpTo) as horizontal bars, one row per address
/// bin (bin 0 at the bottom), each as long as its count relative to the largest (`width` pixels).
void paintLineCounts(Canvas& canvas, const HeatMap& heat, std::uint64_t position, int width, Rgb colour, Rgb background);

/// `a` blended towards `b` by alpha/255.
Rgb blend(Rgb a, Rgb b, int alpha);

}  // namespace cachescope::gui
