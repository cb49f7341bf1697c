#include "model/timeline.hpp"

namespace cachescope::gui {

void Timeline::observe(std::uint64_t position, const Hierarchy& hierarchy) {
    while (!samples_.empty() && samples_.back().position > position) samples_.pop_back();
    if (!samples_.empty() && position < samples_.back().position + interval_) return;
    Sample s;
    s.position = position;
    for (const Cache& c : hierarchy.caches()) {
        s.accesses.push_back(c.stats().accesses());
        s.misses.push_back(c.stats().misses());
    }
    samples_.push_back(std::move(s));
}

std::vector<float> Timeline::hitRates(std::uint32_t c) const {
    std::vector<float> out;
    float previous = 0;
    for (std::size_t i = 1; i < samples_.size(); ++i) {
        const std::uint64_t a = samples_[i].accesses[c] - samples_[i - 1].accesses[c];
        const std::uint64_t m = samples_[i].misses[c] - samples_[i - 1].misses[c];
        if (a != 0) previous = static_cast<float>(a - m) / static_cast<float>(a);
        out.push_back(previous);
    }
    return out;
}

}  // namespace cachescope::gui
