#include "cachescope/policy/rrip.hpp"

#include <algorithm>

namespace cachescope {

RrpvSets::RrpvSets(std::uint32_t sets, std::uint32_t ways)
    : ways_(ways), sets_(sets), wide_(ways > kWideWays), rrpv_(std::size_t{sets} * ways, kDistant) {
    if (!wide_) return;
    const std::size_t slots = std::size_t{sets} * ways;
    offset_.assign(sets, 0);
    count_.assign(std::size_t{sets} * 4, 0);
    for (std::uint32_t s = 0; s < sets; ++s) count_[std::size_t{s} * 4 + kDistant] = ways;
    for (std::uint8_t v = 0; v < 4; ++v) waysOf_.emplace_back(slots, v == kDistant);
}

std::uint8_t RrpvSets::maxWide(std::uint32_t set) const {
    const std::uint32_t* c = &count_[std::size_t{set} * 4];
    for (int v = kDistant; v > 0; --v)
        if (c[(v - offset_[set]) & 3] != 0) return static_cast<std::uint8_t>(v);
    return 0;
}

void RrpvSets::setWide(std::uint32_t set, std::uint32_t way, std::uint8_t value) {
    const std::size_t i = index(set, way);
    const std::uint8_t from = rrpv_[i];
    const auto to = static_cast<std::uint8_t>((value - offset_[set]) & 3);
    if (from == to) return;
    --count_[std::size_t{set} * 4 + from];
    ++count_[std::size_t{set} * 4 + to];
    waysOf_[from].erase(i);
    waysOf_[to].insert(i);
    rrpv_[i] = to;
}

bool RrpvSets::operator==(const RrpvSets& other) const {
    if (ways_ != other.ways_ || sets_ != other.sets_) return false;
    if (!wide_) return rrpv_ == other.rrpv_;
    for (std::uint32_t s = 0; s < sets_; ++s)
        for (std::uint32_t w = 0; w < ways_; ++w)
            if (rrpv(s, w) != other.rrpv(s, w)) return false;
    return true;
}

void RrpvSets::fill(std::uint32_t set, std::uint32_t way, std::uint8_t insertion) {
    if (wide_) {  // age by moving the offset: every stored value now means add more
        offset_[set] = static_cast<std::uint8_t>((offset_[set] + kDistant - maxWide(set)) & 3);
        setWide(set, way, insertion);
        return;
    }
    std::uint8_t* r = rrpv_.data() + index(set, 0);
    const std::uint8_t m = *std::max_element(r, r + ways_);
    const auto add = static_cast<std::uint8_t>(kDistant - m);
    if (add != 0)
        for (std::uint32_t w = 0; w < ways_; ++w) r[w] = static_cast<std::uint8_t>(r[w] + add);
    r[way] = insertion;
}

std::uint32_t RrpvSets::victim(std::uint32_t set) const {
    if (wide_) {
        const std::uint8_t stored = static_cast<std::uint8_t>((maxWide(set) - offset_[set]) & 3);
        return static_cast<std::uint32_t>(waysOf_[stored].next(index(set, 0)) - index(set, 0));
    }
    const std::uint8_t* r = rrpv_.data() + index(set, 0);
    return static_cast<std::uint32_t>(std::max_element(r, r + ways_) - r);  // first maximum = lowest way
}

std::string RrpvSets::describe(std::uint32_t set) const {
    std::string s = "RRPV:";
    for (std::uint32_t w = 0; w < ways_; ++w) s += " " + std::to_string(rrpv(set, w));
    return s;
}

}  // namespace cachescope
