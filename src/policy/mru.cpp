#include "cachescope/policy/mru.hpp"

namespace cachescope {

bool MruPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const MruPolicy*>(&other);
    return o != nullptr && o->ranks_ == ranks_;
}

std::string MruPolicy::describeSet(std::uint32_t set) const { return ranks_.describe(set, "MRU→LRU"); }

}  // namespace cachescope
