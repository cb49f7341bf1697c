#include "cachescope/policy/random.hpp"

namespace cachescope {

bool RandomPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const RandomPolicy*>(&other);
    return o != nullptr && o->ways_ == ways_ && o->gen_ == gen_;
}

std::string RandomPolicy::describeSet(std::uint32_t set) const {
    return "generator state: " + std::to_string(gen_.state()) + ", next victim: way " + std::to_string(victim(set));
}

}  // namespace cachescope
