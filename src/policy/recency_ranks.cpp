#include "cachescope/policy/recency_ranks.hpp"

#include <algorithm>

namespace cachescope {

RecencyRanks::RecencyRanks(std::uint32_t sets, std::uint32_t ways)
    : ways_(ways), sets_(sets), stamp_(std::size_t{sets} * ways) {
    // Way w starts at rank w: the lowest way is "most recent", so an all-empty set's order matches
    // the cache's lowest-invalid-way-first fill order. Stamps 0, -1, -2, ... give exactly that.
    for (std::size_t s = 0; s < sets; ++s)
        for (std::uint32_t w = 0; w < ways; ++w) stamp_[s * ways + w] = -std::int64_t{w};
    oldest_ = -std::int64_t{ways};
}

std::uint32_t RecencyRanks::rank(std::uint32_t set, std::uint32_t way) const {
    const std::int64_t* p = &stamp_[index(set, 0)];
    std::uint32_t r = 0;
    for (std::uint32_t w = 0; w < ways_; ++w) r += p[w] > p[way] ? 1u : 0u;
    return r;
}

std::uint32_t RecencyRanks::wayOfRank(std::uint32_t set, std::uint32_t r) const {
    if (r == 0) return mostRecent(set);
    if (r + 1 == ways_) return leastRecent(set);
    for (std::uint32_t w = 0; w < ways_; ++w)
        if (rank(set, w) == r) return w;
    return ways_;
}

std::uint32_t RecencyRanks::leastRecent(std::uint32_t set) const {
    const std::int64_t* p = &stamp_[index(set, 0)];
    return static_cast<std::uint32_t>(std::min_element(p, p + ways_) - p);
}

std::uint32_t RecencyRanks::mostRecent(std::uint32_t set) const {
    const std::int64_t* p = &stamp_[index(set, 0)];
    return static_cast<std::uint32_t>(std::max_element(p, p + ways_) - p);
}

std::string RecencyRanks::describe(std::uint32_t set, const std::string& label) const {
    std::vector<std::uint32_t> order(ways_);
    for (std::uint32_t w = 0; w < ways_; ++w) order[rank(set, w)] = w;
    std::string s = label + " ways:";
    for (std::uint32_t w : order) {
        s += ' ';
        s += std::to_string(w);
    }
    return s;
}

bool RecencyRanks::operator==(const RecencyRanks& other) const {
    if (ways_ != other.ways_ || sets_ != other.sets_) return false;
    // Within a set, stamps are distinct, so equal orders means equal ranks: compare the order of
    // every pair of ways (cheap for the way counts tests use; O(ways^2) per set).
    for (std::uint32_t s = 0; s < sets_; ++s) {
        const std::int64_t* a = &stamp_[index(s, 0)];
        const std::int64_t* b = &other.stamp_[other.index(s, 0)];
        for (std::uint32_t i = 0; i < ways_; ++i)
            for (std::uint32_t j = i + 1; j < ways_; ++j)
                if ((a[i] < a[j]) != (b[i] < b[j])) return false;
    }
    return true;
}

}  // namespace cachescope
