#include "cachescope/policy/drrip.hpp"

#include <algorithm>

namespace cachescope {

DrripPolicy::DrripPolicy(const PolicyParams& p)
    : sets_(p.sets), stride_(std::max<std::uint32_t>(2, p.sets / 32)), rrpv_(p.sets, p.ways), gen_(p.seed) {}

DrripPolicy::Role DrripPolicy::role(std::uint32_t set) const {
    if (sets_ == 1) return Role::Follower;
    if (set % stride_ == 0) return Role::SrripLeader;
    if (set % stride_ == stride_ - 1) return Role::BrripLeader;
    return Role::Follower;
}

void DrripPolicy::onFill(std::uint32_t set, std::uint32_t way) {
    const std::uint64_t draw = gen_.next();  // every fill advances the generator
    bool asBrrip = false;
    switch (role(set)) {
        case Role::SrripLeader:
            psel_ = std::min(psel_ + 1, kPselMax);
            break;
        case Role::BrripLeader:
            psel_ = psel_ > 0 ? psel_ - 1 : 0;
            asBrrip = true;
            break;
        case Role::Follower:
            asBrrip = psel_ > kPselInit;
            break;
    }
    rrpv_.fill(set, way, asBrrip ? brripInsertion(draw) : RrpvSets::kLong);
}

bool DrripPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const DrripPolicy*>(&other);
    return o != nullptr && o->sets_ == sets_ && o->psel_ == psel_ && o->rrpv_ == rrpv_ && o->gen_ == gen_;
}

std::string DrripPolicy::describeSet(std::uint32_t set) const {
    return rrpv_.describe(set) + " (" + std::string(duelingRoleName(role(set))) + ", PSEL " + std::to_string(psel_) + ")";
}

SetPolicyState DrripPolicy::setState(std::uint32_t set) const {
    SetPolicyState s{.kind = PolicyKind::Drrip, .victim = victim(set)};
    s.duelingRole = role(set);
    s.psel = psel_;
    s.generatorState = gen_.state();
    return s;
}

}  // namespace cachescope
