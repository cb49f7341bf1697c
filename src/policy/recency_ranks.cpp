#include "cachescope/policy/recency_ranks.hpp"

namespace cachescope {

RecencyRanks::RecencyRanks(std::uint32_t sets, std::uint32_t ways) : ways_(ways), sets_(sets), packed_(ways <= 16) {
    // Way w starts at rank w: the lowest way is "most recent", so an all-empty set's order matches
    // the cache's lowest-invalid-way-first fill order.
    if (packed_) {
        std::uint64_t initial = ~std::uint64_t{0};  // unused nibbles stay 0xF
        for (std::uint32_t w = 0; w < ways; ++w) initial = (initial & ~(std::uint64_t{0xF} << (4 * w))) | (std::uint64_t{w} << (4 * w));
        order_.assign(sets, initial);
    } else {
        stamp_.resize(std::size_t{sets} * ways);
        for (std::size_t s = 0; s < sets; ++s)
            for (std::uint32_t w = 0; w < ways; ++w) stamp_[s * ways + w] = -std::int64_t{w};
        oldest_ = -std::int64_t{ways};
    }
}

std::uint32_t RecencyRanks::rank(std::uint32_t set, std::uint32_t way) const {
    if (packed_) return position(order_[set], way);
    const std::int64_t* p = &stamp_[index(set, 0)];
    std::uint32_t r = 0;
    for (std::uint32_t w = 0; w < ways_; ++w) r += p[w] > p[way] ? 1u : 0u;
    return r;
}

std::uint32_t RecencyRanks::wayOfRank(std::uint32_t set, std::uint32_t r) const {
    if (packed_) return static_cast<std::uint32_t>((order_[set] >> (4 * r)) & 0xF);
    if (r == 0) return mostRecent(set);
    if (r + 1 == ways_) return leastRecent(set);
    for (std::uint32_t w = 0; w < ways_; ++w)
        if (rank(set, w) == r) return w;
    return ways_;
}

std::uint32_t RecencyRanks::extremeStamp(std::uint32_t set, bool largest) const {
    const std::int64_t* p = &stamp_[index(set, 0)];
    std::uint32_t best = 0;
    for (std::uint32_t w = 1; w < ways_; ++w) best = (largest ? p[w] > p[best] : p[w] < p[best]) ? w : best;
    return best;
}

std::string RecencyRanks::describe(std::uint32_t set, const std::string& label) const {
    std::string s = label + " ways:";
    for (std::uint32_t r = 0; r < ways_; ++r) {
        s += ' ';
        s += std::to_string(wayOfRank(set, r));
    }
    return s;
}

bool RecencyRanks::operator==(const RecencyRanks& other) const {
    if (ways_ != other.ways_ || sets_ != other.sets_) return false;
    if (packed_) return order_ == other.order_;
    // Within a set stamps are distinct, so equal pairwise orders means equal ranks.
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
