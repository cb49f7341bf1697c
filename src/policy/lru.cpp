#include "cachescope/policy/lru.hpp"

#include <algorithm>
#include <numeric>

namespace cachescope {

LruPolicy::LruPolicy(const PolicyParams& p) : ways_(p.ways), rank_(std::size_t{p.sets} * p.ways) {
    // Way w starts at rank w: the lowest way is "most recent", so an all-empty set's order matches
    // the cache's lowest-invalid-way-first fill order.
    for (std::size_t s = 0; s < p.sets; ++s)
        std::iota(rank_.begin() + std::ptrdiff_t(s * ways_), rank_.begin() + std::ptrdiff_t((s + 1) * ways_), 0u);
}

void LruPolicy::promote(std::uint32_t set, std::uint32_t way) {
    std::uint32_t* r = &rank_[std::size_t{set} * ways_];
    const std::uint32_t old = r[way];
    for (std::uint32_t w = 0; w < ways_; ++w) r[w] += (r[w] < old) ? 1u : 0u;
    r[way] = 0;
}

void LruPolicy::onInvalidate(std::uint32_t set, std::uint32_t way) {
    std::uint32_t* r = &rank_[std::size_t{set} * ways_];
    const std::uint32_t old = r[way];
    for (std::uint32_t w = 0; w < ways_; ++w) r[w] -= (r[w] > old) ? 1u : 0u;
    r[way] = ways_ - 1;
}

std::uint32_t LruPolicy::victim(std::uint32_t set) const {
    const std::uint32_t* r = &rank_[std::size_t{set} * ways_];
    return static_cast<std::uint32_t>(std::find(r, r + ways_, ways_ - 1) - r);
}

bool LruPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const LruPolicy*>(&other);
    return o != nullptr && o->rank_ == rank_;
}

std::string LruPolicy::describeSet(std::uint32_t set) const {
    std::vector<std::uint32_t> order(ways_);
    for (std::uint32_t w = 0; w < ways_; ++w) order[rank(set, w)] = w;
    std::string s = "MRU→LRU ways:";
    for (std::uint32_t w : order) s += " " + std::to_string(w);
    return s;
}

}  // namespace cachescope
