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
        head_.assign(sets, 0);
        tail_.assign(sets, ways - 1);
        prev_.resize(std::size_t{sets} * ways);
        next_.resize(std::size_t{sets} * ways);
        for (std::size_t s = 0; s < sets; ++s)
            for (std::uint32_t w = 0; w < ways; ++w) {
                prev_[s * ways + w] = w == 0 ? kNone : w - 1;
                next_[s * ways + w] = w + 1 == ways ? kNone : w + 1;
            }
    }
}

void RecencyRanks::unlink(std::uint32_t set, std::uint32_t way) {
    // Never the only way of its list: wide sets have more than 16.
    const std::size_t i = index(set, way);
    const std::uint32_t p = prev_[i], n = next_[i];
    if (p == kNone)
        head_[set] = n;
    else
        next_[index(set, p)] = n;
    if (n == kNone)
        tail_[set] = p;
    else
        prev_[index(set, n)] = p;
}

void RecencyRanks::moveToHead(std::uint32_t set, std::uint32_t way) {
    unlink(set, way);
    const std::size_t i = index(set, way);
    prev_[i] = kNone;
    next_[i] = head_[set];
    prev_[index(set, head_[set])] = way;
    head_[set] = way;
}

void RecencyRanks::moveToTail(std::uint32_t set, std::uint32_t way) {
    unlink(set, way);
    const std::size_t i = index(set, way);
    next_[i] = kNone;
    prev_[i] = tail_[set];
    next_[index(set, tail_[set])] = way;
    tail_[set] = way;
}

std::uint32_t RecencyRanks::rank(std::uint32_t set, std::uint32_t way) const {
    if (packed_) return position(order_[set], way);
    std::uint32_t r = 0;
    for (std::uint32_t w = head_[set]; w != way; w = next_[index(set, w)]) ++r;
    return r;
}

std::uint32_t RecencyRanks::wayOfRank(std::uint32_t set, std::uint32_t r) const {
    if (packed_) return static_cast<std::uint32_t>((order_[set] >> (4 * r)) & 0xF);
    if (r >= ways_) return ways_;
    if (r + 1 == ways_) return leastRecent(set);
    std::uint32_t w = head_[set];
    for (std::uint32_t i = 0; i < r; ++i) w = next_[index(set, w)];
    return w;
}

std::string RecencyRanks::describe(std::uint32_t set, const std::string& label) const {
    std::string s = label + " ways:";
    auto add = [&s](std::uint32_t way) {
        s += ' ';
        s += std::to_string(way);
    };
    if (packed_) {
        for (std::uint32_t r = 0; r < ways_; ++r) add(wayOfRank(set, r));
    } else {  // the list once, head to tail (wayOfRank per rank would walk it ways² / 2 steps)
        for (std::uint32_t w = head_[set]; w != kNone; w = next_[index(set, w)]) add(w);
    }
    return s;
}

bool RecencyRanks::operator==(const RecencyRanks& other) const {
    if (ways_ != other.ways_ || sets_ != other.sets_) return false;
    if (packed_) return order_ == other.order_;
    // A list is its permutation: the same head and successors mean the same ranks.
    return head_ == other.head_ && next_ == other.next_;
}

}  // namespace cachescope
