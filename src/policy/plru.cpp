#include "cachescope/policy/plru.hpp"

#include <bit>

namespace cachescope {

namespace {

std::uint32_t roundUpPow2(std::uint32_t n) {
    std::uint32_t p = 1;
    while (p < n) p *= 2;
    return p;
}

}  // namespace

PlruPolicy::PlruPolicy(const PolicyParams& p) : ways_(p.ways), leaves_(roundUpPow2(p.ways)) {
    depth_ = static_cast<std::uint32_t>(std::countr_zero(leaves_));
    if (!packed()) {
        bits_.assign(std::size_t{p.sets} * (leaves_ - 1), 0);
        return;
    }
    words_.assign(p.sets, 0);
    for (std::uint32_t d = 0; d < depth_; ++d) {
        const std::uint32_t size = leaves_ >> d;  // leaves under a node of depth d
        for (std::uint32_t n = 1u << d; n < (2u << d); ++n) {
            const std::uint32_t lo = (n - (1u << d)) * size;
            if (lo + size / 2 < ways_) rightAllowed_ |= 1u << n;
        }
    }
    pathMask_.assign(ways_, 0);
    awayBits_.assign(ways_, 0);
    for (std::uint32_t w = 0; w < ways_; ++w)
        for (std::uint32_t n = leaves_ + w; n > 1; n /= 2) {
            pathMask_[w] |= 1u << (n / 2);
            if (n % 2 == 0) awayBits_[w] |= 1u << (n / 2);  // w is under the left child: point right
        }
}

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
    return o != nullptr && o->ways_ == ways_ && o->bits_ == bits_ && o->words_ == words_;
}

std::string PlruPolicy::describeSet(std::uint32_t set) const {
    if (leaves_ == 1) return "tree bits: (none, 1 way)";
    std::string s = "tree bits:";
    for (std::uint32_t n = 0; n + 1 < leaves_; ++n) s += bit(set, n) ? " 1" : " 0";
    return s;
}

}  // namespace cachescope
