#include "cachescope/policy/opt.hpp"

#include <sstream>
#include <unordered_map>

namespace cachescope {

OptPolicy::OptPolicy(const PolicyParams& p) : ways_(p.ways), next_(std::size_t{p.sets} * p.ways, kNever), wide_(p.ways > 16) {
    if (!wide_) return;
    farthest_ = WinnerTree(p.sets, p.ways);
    farthest_.build(next_, later);
}

std::uint32_t OptPolicy::victim(std::uint32_t set) const {
    if (wide_) return farthest_.winner(set);
    const std::uint64_t* n = &next_[slot(set, 0)];
    std::uint32_t best = 0;
    for (std::uint32_t w = 1; w < ways_; ++w)
        if (n[w] > n[best]) best = w;
    return best;
}

bool OptPolicy::sameState(const ReplacementPolicy& other) const {
    const auto* o = dynamic_cast<const OptPolicy*>(&other);
    return o != nullptr && o->next_ == next_ && o->arrivals_ == arrivals_ && o->hash_ == hash_ &&
           o->current_ == current_;
}

std::string OptPolicy::describeSet(std::uint32_t set) const {
    std::ostringstream os;
    os << "next use by way:";
    for (std::uint32_t w = 0; w < ways_; ++w) {
        const std::uint64_t n = next_[slot(set, w)];
        os << ' ' << w << ':';
        if (n == kNever)
            os << "never";
        else
            os << '@' << n;
    }
    return os.str();
}

void OptPolicy::startRecording() {
    recording_ = true;
    recorded_.clear();
    arrivals_ = 0;
    hash_ = 0;
}

std::vector<std::uint64_t> OptPolicy::takeRecording() {
    recording_ = false;
    return std::move(recorded_);
}

void OptPolicy::setFuture(std::shared_ptr<const std::vector<std::uint64_t>> future, std::uint64_t streamHash) {
    future_ = std::move(future);
    plannedHash_ = streamHash;
    arrivals_ = 0;
    hash_ = 0;
    current_ = kNever;
}

void OptPolicy::nextUses(std::vector<std::uint64_t>& lines) {
    std::unordered_map<std::uint64_t, std::uint64_t> seen;  // line -> the next index holding it
    for (std::size_t i = lines.size(); i-- > 0;) {
        auto [it, inserted] = seen.try_emplace(lines[i], kNever);
        const std::uint64_t next = it->second;  // kNever if the line was not seen later
        it->second = i;
        lines[i] = next;
    }
}

}  // namespace cachescope
