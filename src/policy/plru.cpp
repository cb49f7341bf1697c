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

// Nodes are numbered 1..P-1 from the root (heap order, children of n are 2n and 2n+1) and leaves
// P..2P-1; node n is stored at index n-1. Walk from w's leaf up to the root.
void PlruPolicy::pointPath(std::uint32_t set, std::uint32_t way, bool toward) {
    std::uint8_t* b = bits_.data() + std::size_t{set} * (leaves_ - 1);
    for (std::uint32_t n = leaves_ + way; n > 1; n /= 2) {
        const bool isRightChild = (n % 2) == 1;
        // Toward w: point at the child containing w; away: at the other one.
        b[n / 2 - 1] = static_cast<std::uint8_t>(isRightChild == toward ? 1 : 0);
    }
}

std::uint32_t PlruPolicy::search(std::uint32_t set, std::vector<PlruStep>* path) const {
    const std::uint8_t* b = bits_.data() + std::size_t{set} * (leaves_ - 1);
    std::uint32_t n = 1;       // current node
    std::uint32_t lo = 0;      // first way under n
    std::uint32_t size = leaves_;
    while (n < leaves_) {
        size /= 2;
        // The right child covers ways [lo+size, lo+2*size); it is all padding if lo+size >= ways.
        const bool right = b[n - 1] != 0 && lo + size < ways_;
        if (path != nullptr) path->push_back({n - 1, right});
        if (right) {
            n = 2 * n + 1;
            lo += size;
        } else {
            n = 2 * n;
        }
    }
    return lo;
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
    return o != nullptr && o->ways_ == ways_ && o->bits_ == bits_;
}

std::string PlruPolicy::describeSet(std::uint32_t set) const {
    if (leaves_ == 1) return "tree bits: (none, 1 way)";
    std::string s = "tree bits:";
    for (std::uint32_t n = 0; n + 1 < leaves_; ++n) s += bit(set, n) ? " 1" : " 0";
    return s;
}

}  // namespace cachescope
