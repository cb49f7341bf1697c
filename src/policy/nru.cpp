#include "cachescope/policy/nru.hpp"

#include <algorithm>

namespace cachescope {

NruPolicy::NruPolicy(const PolicyParams& p)
    : ways_(p.ways), ref_(std::size_t{p.sets} * p.ways, 0), wide_(p.ways > 16) {
    if (!wide_) return;
    set_.assign(p.sets, 0);
    clear_ = BitTree(ref_.size(), true);
}

void NruPolicy::onInvalidate(std::uint32_t set, std::uint32_t way) {
    const std::size_t i = std::size_t{set} * ways_ + way;
    if (wide_ && ref_[i] != 0) {
        --set_[set];
        clear_.insert(i);
    }
    ref_[i] = 0;
}

void NruPolicy::touch(std::uint32_t set, std::uint32_t way) {
    const std::size_t base = std::size_t{set} * ways_;
    std::uint8_t* r = ref_.data() + base;
    if (wide_) {
        if (r[way] != 0) return;
        r[way] = 1;
        clear_.erase(base + way);
        if (++set_[set] < ways_) return;
        for (std::uint32_t w = 0; w < ways_; ++w)  // a new epoch: only `way` stays marked
            if (w != way) {
                r[w] = 0;
                clear_.insert(base + w);
            }
        set_[set] = 1;
        return;
    }
    r[way] = 1;
    if (std::all_of(r, r + ways_, [](std::uint8_t b) { return b != 0; })) {
        std::fill(r, r + ways_, std::uint8_t{0});
        r[way] = 1;
    }
}

std::uint32_t NruPolicy::victim(std::uint32_t set) const {
    if (wide_) {
        const std::size_t base = std::size_t{set} * ways_;
        const std::size_t i = clear_.next(base);
        return i < base + ways_ ? static_cast<std::uint32_t>(i - base) : 0;
    }
    const std::uint8_t* r = ref_.data() + std::size_t{set} * ways_;
    const auto w = static_cast<std::uint32_t>(std::find(r, r + ways_, std::uint8_t{0}) - r);
    return w < ways_ ? w : 0;  // no 0 bit only happens with one way
}

bool NruPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const NruPolicy*>(&other);
    return o != nullptr && o->ways_ == ways_ && o->ref_ == ref_;
}

std::string NruPolicy::describeSet(std::uint32_t set) const {
    std::string s = "ref bits:";
    for (std::uint32_t w = 0; w < ways_; ++w) s += referenced(set, w) ? " 1" : " 0";
    return s;
}

}  // namespace cachescope
