#include "cachescope/policy/registry.hpp"

#include <array>

#include "cachescope/core/error.hpp"
#include "cachescope/policy/brrip.hpp"
#include "cachescope/policy/drrip.hpp"
#include "cachescope/policy/fifo.hpp"
#include "cachescope/policy/lfu.hpp"
#include "cachescope/policy/lru.hpp"
#include "cachescope/policy/mru.hpp"
#include "cachescope/policy/nru.hpp"
#include "cachescope/policy/opt.hpp"
#include "cachescope/policy/plru.hpp"
#include "cachescope/policy/random.hpp"
#include "cachescope/policy/srrip.hpp"

namespace cachescope {

namespace {

template <class P>
std::unique_ptr<ReplacementPolicy> make(const PolicyParams& p) {
    return std::make_unique<P>(p);
}

// The one table. Add a policy here and every test that loops over policies() covers it.
const std::array kPolicies{
    PolicyInfo{"lru", "least recently used: evicts the way unused for longest", &make<LruPolicy>, true},
    PolicyInfo{"fifo", "first in, first out: evicts the way filled longest ago; hits change nothing", &make<FifoPolicy>,
               true},
    PolicyInfo{"random", "evicts a way drawn from a seeded splitmix64 generator", &make<RandomPolicy>, false},
    PolicyInfo{"plru", "tree pseudo-LRU: one bit per tree node points toward the victim", &make<PlruPolicy>, true},
    PolicyInfo{"nru", "not recently used: evicts the lowest way whose referenced bit is clear", &make<NruPolicy>, true},
    PolicyInfo{"lfu", "least frequently used: evicts the lowest use count, ties to the lowest way", &make<LfuPolicy>,
               true},
    PolicyInfo{"mru", "most recently used: evicts the way touched last (good for cyclic sweeps)", &make<MruPolicy>,
               true},
    PolicyInfo{"srrip", "static RRIP: 2-bit re-reference prediction, new lines inserted at 2", &make<SrripPolicy>,
               true},
    PolicyInfo{"brrip", "bimodal RRIP: new lines inserted at 3, at 2 with probability 1/32", &make<BrripPolicy>,
               false},
    PolicyInfo{"drrip", "dynamic RRIP: set dueling between srrip and brrip insertion", &make<DrripPolicy>, false},
    PolicyInfo{"opt", "Belady's optimal: evicts the line used farthest in the future (reads the trace twice or more)",
               &make<OptPolicy>, true},
};

}  // namespace

std::span<const PolicyInfo> policies() { return kPolicies; }

const PolicyInfo* findPolicy(std::string_view name) {
    for (const PolicyInfo& p : kPolicies)
        if (p.name == name) return &p;
    return nullptr;
}

std::string policyNames() {
    std::string s;
    for (const PolicyInfo& p : kPolicies) {
        if (!s.empty()) s += ", ";
        s += p.name;
    }
    return s;
}

std::unique_ptr<ReplacementPolicy> makePolicy(std::string_view name, const PolicyParams& params) {
    const PolicyInfo* info = findPolicy(name);
    if (info == nullptr)
        throw ConfigError("unknown replacement policy \"" + std::string(name) + "\"; expected one of: " + policyNames());
    return info->make(params);
}

}  // namespace cachescope
