#include "model/heatmap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cachescope::gui {

HeatMap::HeatMap(const std::vector<Access>& accesses, std::uint64_t low, std::uint64_t high, std::uint32_t timeBins,
                 std::uint32_t addressBins)
    : low_(low), high_(std::max(high, low + 1)), length_(accesses.size()), timeBins_(std::max(timeBins, 1u)),
      addressBins_(std::max(addressBins, 1u)), counts_(std::size_t{timeBins_} * addressBins_, 0) {
    for (std::uint64_t i = 0; i < accesses.size(); ++i) add(accesses[i], i);
}

HeatMap HeatMap::ofSource(const SourceSpec& source, const TraceMetadata* metadata, std::uint32_t timeBins,
                          std::uint32_t addressBins) {
    // Two passes over the source: the length and range first, then the counts (the trace is small
    // enough to read twice; it is not kept in memory).
    std::uint64_t length = 0, low = std::numeric_limits<std::uint64_t>::max(), high = 0;
    std::vector<Access> block(4096);
    {
        auto reader = openSource(source);
        while (const std::size_t n = reader->read(block)) {
            length += n;
            for (std::size_t i = 0; i < n; ++i) {
                low = std::min(low, block[i].address);
                high = std::max(high, block[i].address + block[i].size);
            }
        }
    }
    if (metadata != nullptr) {
        std::uint64_t rlow = std::numeric_limits<std::uint64_t>::max(), rhigh = 0;
        for (const Region& r : metadata->regions)
            if (!r.shape.empty()) {
                rlow = std::min(rlow, r.base);
                rhigh = std::max(rhigh, r.base + r.size);
            }
        if (rhigh > rlow) {
            low = rlow;
            high = rhigh;
        }
    }
    HeatMap h({}, low == std::numeric_limits<std::uint64_t>::max() ? 0 : low, high, timeBins, addressBins);
    h.length_ = length;
    auto reader = openSource(source);
    std::uint64_t index = 0;
    while (const std::size_t n = reader->read(block))
        for (std::size_t i = 0; i < n; ++i) h.add(block[i], index++);
    return h;
}

std::uint32_t HeatMap::timeBinOf(std::uint64_t index) const {
    if (length_ == 0) return 0;
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(index * timeBins_ / length_, timeBins_ - 1));
}

std::uint32_t HeatMap::addressBinOf(std::uint64_t address) const {
    if (address <= low_) return 0;
    // In floating point: offset × bins may not fit 64 bits; a bin boundary off by a rounding error
    // only moves a reference to the neighbouring bin of a picture.
    const double fraction = static_cast<double>(address - low_) / static_cast<double>(high_ - low_);
    const auto bin = static_cast<std::uint64_t>(fraction * addressBins_);
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(bin, addressBins_ - 1));
}

void HeatMap::add(const Access& a, std::uint64_t index) {
    if (a.address < low_ || a.address >= high_) return;
    std::uint32_t& c = counts_[std::size_t{timeBinOf(index)} * addressBins_ + addressBinOf(a.address)];
    ++c;
    max_ = std::max(max_, c);
}

std::uint32_t HeatMap::binsShown(std::uint64_t position) const {
    if (position == 0 || length_ == 0) return 0;
    return timeBinOf(position - 1) + 1;
}

std::vector<std::uint64_t> HeatMap::countsUpTo(std::uint64_t position) const {
    std::vector<std::uint64_t> out(addressBins_, 0);
    const std::uint32_t shown = binsShown(position);
    for (std::uint32_t t = 0; t < shown; ++t)
        for (std::uint32_t a = 0; a < addressBins_; ++a) out[a] += count(t, a);
    return out;
}

int heatAlpha(std::uint64_t count, std::uint64_t max) {
    if (count == 0 || max == 0) return 0;
    const double v = std::log1p(static_cast<double>(count)) / std::log1p(static_cast<double>(max));
    return 60 + static_cast<int>(std::lround(195.0 * std::min(v, 1.0)));
}

Rgb blend(Rgb a, Rgb b, int alpha) {
    auto m = [alpha](std::uint8_t x, std::uint8_t y) {
        return static_cast<std::uint8_t>((y * alpha + x * (255 - alpha) + 127) / 255);
    };
    return {m(a.r, b.r), m(a.g, b.g), m(a.b, b.b)};
}

void paintHeatMap(Canvas& canvas, const HeatMap& heat, std::uint64_t position, Rgb colour, Rgb background) {
    const int w = static_cast<int>(heat.timeBins()), h = static_cast<int>(heat.addressBins());
    canvas.resize(w, h);
    canvas.clear(background);
    const std::uint32_t shown = heat.binsShown(position);
    for (std::uint32_t t = 0; t < shown; ++t)
        for (std::uint32_t a = 0; a < heat.addressBins(); ++a)
            if (const std::uint32_t c = heat.count(t, a))
                canvas.fillRect({static_cast<int>(t), h - 1 - static_cast<int>(a), 1, 1},
                                blend(background, colour, heatAlpha(c, heat.maxCount())));
}

void paintLineCounts(Canvas& canvas, const HeatMap& heat, std::uint64_t position, int width, Rgb colour, Rgb background) {
    const int h = static_cast<int>(heat.addressBins());
    canvas.resize(std::max(width, 1), h);
    canvas.clear(background);
    const std::vector<std::uint64_t> counts = heat.countsUpTo(position);
    const std::uint64_t max = counts.empty() ? 0 : *std::max_element(counts.begin(), counts.end());
    if (max == 0) return;
    for (std::uint32_t a = 0; a < heat.addressBins(); ++a) {
        if (counts[a] == 0) continue;
        // At least one pixel for any count: a line read once is not nothing.
        const auto len = std::max<std::uint64_t>(1, counts[a] * static_cast<std::uint64_t>(canvas.width()) / max);
        canvas.fillRect({0, h - 1 - static_cast<int>(a), static_cast<int>(len), 1}, colour);
    }
}

}  // namespace cachescope::gui
