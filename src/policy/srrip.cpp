#include "cachescope/policy/srrip.hpp"

namespace cachescope {

bool SrripPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const SrripPolicy*>(&other);
    return o != nullptr && o->rrpv_ == rrpv_;
}

}  // namespace cachescope
