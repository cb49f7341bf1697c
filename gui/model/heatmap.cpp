#include "model/heatmap.hpp"

#include <algorithm>
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

}  // namespace cachescope::gui
