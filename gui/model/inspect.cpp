#include "model/inspect.hpp"

#include <algorithm>
#include <numeric>

#include "cachescope/analysis/narration.hpp"

namespace cachescope::gui {

std::string policyStateOf(const Cache& cache, std::uint32_t set) { return cache.policy().describeSet(set); }

std::uint32_t nextVictimOf(const Cache& cache, std::uint32_t set) {
    for (std::uint32_t w = 0; w < cache.ways(); ++w)
        if (!cache.lineAt(set, w).valid) return w;
    return cache.policy().victim(set);
}

std::optional<std::uint64_t> physicalAddressOf(const Simulator& simulator, std::uint64_t va) {
    if (simulator.mmu() == nullptr) return va;
    return std::nullopt;  // no view of the resident pages yet (see the header)
}

std::string elementOf(const TraceMetadata* metadata, std::uint64_t address) {
    return metadata == nullptr ? std::string{} : describeElement(*metadata, address);
}

std::optional<std::vector<std::uint64_t>> elementIndexOf(const Region& region, std::uint64_t address) {
    if (region.strides.empty() || region.strides.size() != region.shape.size() || !region.contains(address) ||
        region.elementSize == 0)
        return std::nullopt;
    // Strides are in elements, outermost first; decompose greedily from the largest stride down.
    std::uint64_t rest = (address - region.base) / region.elementSize;
    std::vector<std::size_t> order(region.strides.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return region.strides[a] > region.strides[b]; });
    std::vector<std::uint64_t> index(region.shape.size(), 0);
    for (const std::size_t d : order) {
        if (region.strides[d] == 0) continue;
        index[d] = rest / region.strides[d];
        rest %= region.strides[d];
        if (index[d] >= region.shape[d]) return std::nullopt;  // padding
    }
    if (rest != 0) return std::nullopt;
    return index;
}

}  // namespace cachescope::gui
