#include "cachescope/trace/metadata.hpp"
#include "cachescope/trace/region_permissions.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "cachescope/core/format.hpp"

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

std::uint64_t Region::addressOf(const std::vector<std::uint64_t>& indices) const {
    std::uint64_t element = 0;
    for (std::size_t d = 0; d < indices.size() && d < strides.size(); ++d) element += indices[d] * strides[d];
    return base + element * elementSize;
}

std::optional<std::vector<std::uint64_t>> Region::indicesOf(std::uint64_t address) const {
    if (!contains(address) || !isArray()) return std::nullopt;
    // Decompose the element number along the dimensions from the largest stride down (the kernels'
    // layouts are row-major, so this is outermost first; a file may give any order). Dimensions
    // with stride 0 (broadcast) get index 0.
    std::uint64_t element = (address - base) / elementSize;
    std::vector<std::size_t> order(shape.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return strides[a] > strides[b]; });
    std::vector<std::uint64_t> index(shape.size(), 0);
    for (const std::size_t d : order) {
        if (strides[d] == 0) continue;
        index[d] = element / strides[d];
        element %= strides[d];
    }
    // Padding: an index beyond its dimension (a padded row's extra columns), or an element number
    // the strides cannot reach (a gap between strides that do not nest).
    bool inside = element == 0;
    for (std::size_t d = 0; d < index.size(); ++d) inside = inside && index[d] < shape[d];
    if (!inside) return std::nullopt;
    return index;
}

std::optional<ElementRef> TraceMetadata::elementAt(std::uint64_t address) const {
    const std::optional<std::size_t> found = regionOf(address);
    if (!found) return std::nullopt;
    const Region& r = regions[*found];
    ElementRef ref;
    ref.region = *found;
    ref.offset = address - r.base;
    if (!r.isArray()) {
        ref.kind = ElementRef::Kind::Bytes;
        return ref;
    }
    std::optional<std::vector<std::uint64_t>> index = r.indicesOf(address);
    if (!index) {
        ref.kind = ElementRef::Kind::Padding;
        return ref;
    }
    ref.offset = address - r.addressOf(*index);
    ref.indices = std::move(*index);
    return ref;
}

std::string describeElement(const TraceMetadata& metadata, std::uint64_t address) {
    const std::optional<ElementRef> e = metadata.elementAt(address);
    if (!e) return {};
    const Region& r = metadata.regions[e->region];
    switch (e->kind) {
        case ElementRef::Kind::Element: {
            std::string s = r.name;
            for (const std::uint64_t i : e->indices) s += "[" + std::to_string(i) + "]";
            return s;
        }
        case ElementRef::Kind::Padding:
            return r.name + "+" + hex(e->offset) + " (padding)";
        case ElementRef::Kind::Bytes:
            break;
    }
    return r.name + "+" + hex(e->offset);
}

std::uint16_t TraceMetadata::addSite(std::string name, std::int32_t region, AccessKind kind) {
    if (sites.size() > 0xFFFF) throw std::length_error("a trace holds at most 65,535 sites");
    sites.push_back(Site{std::move(name), region, kind});
    return static_cast<std::uint16_t>(sites.size() - 1);
}

Permissions regionPermissions(const TraceMetadata& metadata, std::size_t region) {
    const Region& r = metadata.regions[region];
    if (r.permissions || r.layout == "code" || metadata.kernel.empty()) return r.effectivePermissions();
    for (const Site& s : metadata.sites)
        if (s.kind == AccessKind::Write && (s.region < 0 || static_cast<std::size_t>(s.region) == region))
            return kPermReadWrite;
    return kPermRead;
}

}  // namespace cachescope
