#include "model/inspect.hpp"

#include <algorithm>
#include <numeric>

#include "cachescope/analysis/narration.hpp"

namespace cachescope::gui {

std::string policyStateOf(const Cache& cache, std::uint32_t set) {
    const SetView view = cache.inspectSet(set);
    // One field per way, read from the typed state (Cache::inspectSet), in way order.
    auto perWay = [&](const char* label, auto field) {
        std::string s = label;
        for (const WayInspection& w : view.ways) {
            const auto v = field(w.policy);
            s += " ";
            if (!w.valid || !v) s += "-";
            else if (*v == WayPolicyState::kNeverUsed) s += "never";
            else s += std::to_string(*v);
        }
        return s;
    };
    switch (view.policy.kind) {
    case PolicyKind::Lru:
    case PolicyKind::Mru:
        return perWay("rank (0 = MRU):", [](const WayPolicyState& p) -> std::optional<std::uint64_t> {
            return p.recencyRank ? std::optional<std::uint64_t>(*p.recencyRank) : std::nullopt;
        });
    case PolicyKind::Fifo:
        return perWay("age (0 = newest):", [](const WayPolicyState& p) { return p.insertionOrder; });
    case PolicyKind::Srrip:
    case PolicyKind::Brrip:
    case PolicyKind::Drrip:
        return perWay("RRPV:", [](const WayPolicyState& p) -> std::optional<std::uint64_t> {
            return p.rrpv ? std::optional<std::uint64_t>(*p.rrpv) : std::nullopt;
        });
    case PolicyKind::Nru:
        return perWay("NRU bit:", [](const WayPolicyState& p) -> std::optional<std::uint64_t> {
            return p.nruBit ? std::optional<std::uint64_t>(*p.nruBit ? 1 : 0) : std::nullopt;
        });
    case PolicyKind::Lfu:
        return perWay("count:", [](const WayPolicyState& p) { return p.frequency; });
    case PolicyKind::Opt:
        return perWay("next use:", [](const WayPolicyState& p) { return p.optNextUse; });
    case PolicyKind::Plru:
        if (view.policy.plruTree) {
            std::string s = "tree bits:";
            for (const bool b : view.policy.plruTree->bits) s += b ? " 1" : " 0";
            return s + " -> way " + std::to_string(view.policy.plruTree->victim);
        }
        break;
    case PolicyKind::Random:
    case PolicyKind::Custom: break;
    }
    return cache.policy().describeSet(set);  // random and policies without typed fields
}

std::uint32_t nextVictimOf(const Cache& cache, std::uint32_t set) { return cache.inspectSet(set).nextVictim; }

std::optional<std::uint64_t> physicalAddressOf(const Simulator& simulator, std::uint64_t va) {
    if (simulator.mmu() == nullptr) return va;
    return simulator.mmu()->physicalAddress(va);
}

std::optional<std::uint64_t> physicalAddressOf(const Simulator& simulator, std::uint64_t va, std::uint32_t process) {
    if (simulator.mmu() == nullptr) return va;
    return simulator.mmu()->physicalAddress(va, static_cast<std::uint8_t>(process));
}

std::string elementOf(const TraceMetadata* metadata, std::uint64_t address) {
    return metadata == nullptr ? std::string{} : describeElement(*metadata, address);
}

std::optional<std::vector<std::uint64_t>> elementIndexOf(const Region& region, std::uint64_t address) {
    return region.indicesOf(address);
}

}  // namespace cachescope::gui
