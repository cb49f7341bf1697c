#include "cachescope/policy/lfu.hpp"

#include <algorithm>
#include <limits>

namespace cachescope {

void LfuPolicy::onHit(std::uint32_t set, std::uint32_t way) {
    std::uint32_t& c = count_[std::size_t{set} * ways_ + way];
    if (c != std::numeric_limits<std::uint32_t>::max()) ++c;
}

std::uint32_t LfuPolicy::victim(std::uint32_t set) const {
    const std::uint32_t* c = count_.data() + std::size_t{set} * ways_;
    return static_cast<std::uint32_t>(std::min_element(c, c + ways_) - c);  // first minimum = lowest way
}

bool LfuPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const LfuPolicy*>(&other);
    return o != nullptr && o->ways_ == ways_ && o->count_ == count_;
}

std::string LfuPolicy::describeSet(std::uint32_t set) const {
    std::string s = "use counts:";
    for (std::uint32_t w = 0; w < ways_; ++w) s += " " + std::to_string(count(set, w));
    return s;
}

}  // namespace cachescope
