// The narration records' enums in words (analysis/narration_records.hpp).

#include "cachescope/analysis/narration_records.hpp"

namespace cachescope {

std::string_view toString(StepRole role) {
    switch (role) {
        case StepRole::Reference:
            return "reference";
        case StepRole::PteRead:
            return "pte read";
        case StepRole::Fill:
            return "fill";
        case StepRole::WriteBack:
            return "write-back";
        case StepRole::Victim:
            return "victim";
        case StepRole::WriteThrough:
            return "write-through";
        case StepRole::WriteAround:
            return "write-around";
    }
    return "?";
}

std::string_view toString(RemovalReason reason) {
    switch (reason) {
        case RemovalReason::BackInvalidation:
            return "back-invalidation";
        case RemovalReason::ExclusiveHandUp:
            return "handed up (exclusive)";
        case RemovalReason::PageEvicted:
            return "page evicted";
        case RemovalReason::SegmentMoved:
            return "segment moved or swapped out";
    }
    return "?";
}

}  // namespace cachescope
