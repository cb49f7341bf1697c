#include "cachescope/policy/replacement.hpp"

namespace cachescope {

std::string_view toString(PolicyKind kind) {
    switch (kind) {
        case PolicyKind::Lru:
            return "lru";
        case PolicyKind::Fifo:
            return "fifo";
        case PolicyKind::Mru:
            return "mru";
        case PolicyKind::Random:
            return "random";
        case PolicyKind::Plru:
            return "plru";
        case PolicyKind::Nru:
            return "nru";
        case PolicyKind::Lfu:
            return "lfu";
        case PolicyKind::Srrip:
            return "srrip";
        case PolicyKind::Brrip:
            return "brrip";
        case PolicyKind::Drrip:
            return "drrip";
        case PolicyKind::Opt:
            return "opt";
        case PolicyKind::Custom:
            return "custom";
    }
    return "?";
}

std::string_view duelingRoleName(DuelingRole role) {
    switch (role) {
        case DuelingRole::SrripLeader:
            return "SRRIP leader";
        case DuelingRole::BrripLeader:
            return "BRRIP leader";
        case DuelingRole::Follower:
            return "follower";
    }
    return "?";
}

}  // namespace cachescope
