#include "cachescope/policy/lfu.hpp"

#include <algorithm>
#include <limits>

namespace cachescope {

LfuPolicy::LfuPolicy(const PolicyParams& p) : ways_(p.ways), count_(std::size_t{p.sets} * p.ways, 0), wide_(p.ways > 16) {
    if (!wide_) return;
    smallest_ = WinnerTree(p.sets, p.ways);
    smallest_.build(count_, fewer);
}

void LfuPolicy::onHit(std::uint32_t set, std::uint32_t way) {
    const std::uint32_t c = count_[std::size_t{set} * ways_ + way];
    if (c != std::numeric_limits<std::uint32_t>::max()) setCount(set, way, c + 1);
}

std::uint32_t LfuPolicy::victim(std::uint32_t set) const {
    if (wide_) return smallest_.winner(set);
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
