#include "cachescope/policy/plru.hpp"

namespace cachescope {

namespace {

std::uint32_t roundUpPow2(std::uint32_t n) {
    std::uint32_t p = 1;
    while (p < n) p *= 2;
    return p;
}

}  // namespace

PlruPolicy::PlruPolicy(const PolicyParams& p)
    : ways_(p.ways), leaves_(roundUpPow2(p.ways)), bits_(std::size_t{p.sets} * (leaves_ - 1), 0) {}

SetPolicyState PlruPolicy::setState(std::uint32_t set) const {
    PlruTree tree;
    tree.leaves = leaves_;
    for (std::uint32_t n = 0; n + 1 < leaves_; ++n) tree.bits.push_back(bit(set, n));
    tree.victim = search(set, &tree.path);
    SetPolicyState s{.kind = PolicyKind::Plru, .victim = tree.victim};
    s.plruTree = std::move(tree);
    return s;
}

bool PlruPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const PlruPolicy*>(&other);
    return o != nullptr && o->ways_ == ways_ && o->bits_ == bits_;
}

std::string PlruPolicy::describeSet(std::uint32_t set) const {
    if (leaves_ == 1) return "tree bits: (none, 1 way)";
    std::string s = "tree bits:";
    for (std::uint32_t n = 0; n + 1 < leaves_; ++n) s += bit(set, n) ? " 1" : " 0";
    return s;
}

}  // namespace cachescope
