#include "cachescope/policy/nru.hpp"

#include <algorithm>

namespace cachescope {

void NruPolicy::touch(std::uint32_t set, std::uint32_t way) {
    std::uint8_t* r = ref_.data() + std::size_t{set} * ways_;
    r[way] = 1;
    if (std::all_of(r, r + ways_, [](std::uint8_t b) { return b != 0; })) {
        std::fill(r, r + ways_, std::uint8_t{0});
        r[way] = 1;
    }
}

std::uint32_t NruPolicy::victim(std::uint32_t set) const {
    const std::uint8_t* r = ref_.data() + std::size_t{set} * ways_;
    const auto w = static_cast<std::uint32_t>(std::find(r, r + ways_, std::uint8_t{0}) - r);
    return w < ways_ ? w : 0;  // no 0 bit only happens with one way
}

bool NruPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const NruPolicy*>(&other);
    return o != nullptr && o->ways_ == ways_ && o->ref_ == ref_;
}

std::string NruPolicy::describeSet(std::uint32_t set) const {
    std::string s = "ref bits:";
    for (std::uint32_t w = 0; w < ways_; ++w) s += referenced(set, w) ? " 1" : " 0";
    return s;
}

}  // namespace cachescope
