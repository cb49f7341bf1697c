#include "cachescope/policy/lru.hpp"

namespace cachescope {

LruPolicy::LruPolicy(const PolicyParams& p) : ranks_(p.sets, p.ways) {}

bool LruPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const LruPolicy*>(&other);
    return o != nullptr && o->ranks_ == ranks_;
}

std::string LruPolicy::describeSet(std::uint32_t set) const { return ranks_.describe(set, "MRU→LRU"); }

}  // namespace cachescope
