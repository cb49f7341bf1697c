#include "cachescope/policy/recency_ranks.hpp"

#include <algorithm>
#include <numeric>

namespace cachescope {

RecencyRanks::RecencyRanks(std::uint32_t sets, std::uint32_t ways) : ways_(ways), rank_(std::size_t{sets} * ways) {
    // Way w starts at rank w: the lowest way is "most recent", so an all-empty set's order matches
    // the cache's lowest-invalid-way-first fill order.
    for (std::size_t s = 0; s < sets; ++s)
        std::iota(rank_.begin() + std::ptrdiff_t(s * ways_), rank_.begin() + std::ptrdiff_t((s + 1) * ways_), 0u);
}

void RecencyRanks::makeMostRecent(std::uint32_t set, std::uint32_t way) {
    std::uint32_t* r = &rank_[index(set, 0)];
    const std::uint32_t old = r[way];
    for (std::uint32_t w = 0; w < ways_; ++w) r[w] += (r[w] < old) ? 1u : 0u;
    r[way] = 0;
}

void RecencyRanks::makeLeastRecent(std::uint32_t set, std::uint32_t way) {
    std::uint32_t* r = &rank_[index(set, 0)];
    const std::uint32_t old = r[way];
    for (std::uint32_t w = 0; w < ways_; ++w) r[w] -= (r[w] > old) ? 1u : 0u;
    r[way] = ways_ - 1;
}

std::uint32_t RecencyRanks::wayOfRank(std::uint32_t set, std::uint32_t r) const {
    const std::uint32_t* p = &rank_[index(set, 0)];
    return static_cast<std::uint32_t>(std::find(p, p + ways_, r) - p);
}

std::string RecencyRanks::describe(std::uint32_t set, const std::string& label) const {
    std::vector<std::uint32_t> order(ways_);
    for (std::uint32_t w = 0; w < ways_; ++w) order[rank(set, w)] = w;
    std::string s = label + " ways:";
    for (std::uint32_t w : order) s += " " + std::to_string(w);
    return s;
}

}  // namespace cachescope
