#include "cachescope/policy/rrip.hpp"

#include <algorithm>

namespace cachescope {

void RrpvSets::fill(std::uint32_t set, std::uint32_t way, std::uint8_t insertion) {
    std::uint8_t* r = rrpv_.data() + index(set, 0);
    const std::uint8_t m = *std::max_element(r, r + ways_);
    const auto add = static_cast<std::uint8_t>(kDistant - m);
    if (add != 0)
        for (std::uint32_t w = 0; w < ways_; ++w) r[w] = static_cast<std::uint8_t>(r[w] + add);
    r[way] = insertion;
}

std::uint32_t RrpvSets::victim(std::uint32_t set) const {
    const std::uint8_t* r = rrpv_.data() + index(set, 0);
    return static_cast<std::uint32_t>(std::max_element(r, r + ways_) - r);  // first maximum = lowest way
}

std::string RrpvSets::describe(std::uint32_t set) const {
    std::string s = "RRPV:";
    for (std::uint32_t w = 0; w < ways_; ++w) s += " " + std::to_string(rrpv(set, w));
    return s;
}

}  // namespace cachescope
