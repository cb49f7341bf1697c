#include "cachescope/config/topology.hpp"

#include <algorithm>

namespace cachescope {

namespace {
bool covers(Holds outer, Holds inner) { return outer == Holds::Both || outer == inner; }
}  // namespace

Topology computeTopology(const std::vector<CacheConfig>& caches) {
    const auto n = static_cast<std::uint32_t>(caches.size());
    Topology t;
    t.next.assign(n, Topology::kMemory);
    t.above.assign(n, {});
    t.level.assign(n, 1);
    t.reachable.assign(n, false);
    for (std::uint32_t c = 0; c < n; ++c) {
        if (t.firstInstruction == Topology::kMemory && caches[c].holdsInstructions()) t.firstInstruction = c;
        if (t.firstData == Topology::kMemory && caches[c].holdsData()) t.firstData = c;
        for (std::uint32_t d = c + 1; d < n; ++d)
            if (covers(caches[d].holds, caches[c].holds)) {
                t.next[c] = d;
                break;
            }
    }
    // Reachability and "above": walk down from each entry point; next[] only points forward, so
    // one pass in list order sees every cache after all the caches that can send to it.
    if (t.firstInstruction != Topology::kMemory) t.reachable[t.firstInstruction] = true;
    if (t.firstData != Topology::kMemory) t.reachable[t.firstData] = true;
    for (std::uint32_t c = 0; c < n; ++c) {
        if (!t.reachable[c] || t.next[c] == Topology::kMemory) continue;
        const std::uint32_t d = t.next[c];
        t.reachable[d] = true;
        t.level[d] = std::max(t.level[d], t.level[c] + 1);
        auto& a = t.above[d];
        a.push_back(c);
        a.insert(a.end(), t.above[c].begin(), t.above[c].end());
        std::sort(a.begin(), a.end());
        a.erase(std::unique(a.begin(), a.end()), a.end());
    }
    return t;
}

}  // namespace cachescope
