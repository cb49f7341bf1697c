#include "cachescope/trace/metadata.hpp"

#include <algorithm>
#include <stdexcept>

namespace cachescope {

std::optional<std::size_t> TraceMetadata::regionOf(std::uint64_t address) const {
    // The last region starting at or before the address, if it holds it.
    auto it = std::upper_bound(regions.begin(), regions.end(), address,
                               [](std::uint64_t a, const Region& r) { return a < r.base; });
    if (it == regions.begin()) return std::nullopt;
    --it;
    if (!it->contains(address)) return std::nullopt;
    return static_cast<std::size_t>(it - regions.begin());
}

std::uint16_t TraceMetadata::addSite(std::string name, std::int32_t region, AccessKind kind) {
    if (sites.size() > 0xFFFF) throw std::length_error("a trace holds at most 65,535 sites");
    sites.push_back(Site{std::move(name), region, kind});
    return static_cast<std::uint16_t>(sites.size() - 1);
}

}  // namespace cachescope
