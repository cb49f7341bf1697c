#include "cachescope/policy/brrip.hpp"

namespace cachescope {

bool BrripPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const BrripPolicy*>(&other);
    return o != nullptr && o->rrpv_ == rrpv_ && o->gen_ == gen_;
}

}  // namespace cachescope
