#include "cachescope/policy/fifo.hpp"

namespace cachescope {

bool FifoPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const FifoPolicy*>(&other);
    return o != nullptr && o->ranks_ == ranks_;
}

std::string FifoPolicy::describeSet(std::uint32_t set) const { return ranks_.describe(set, "newest→oldest"); }

}  // namespace cachescope
