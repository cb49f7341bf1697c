#include "cachescope/policy/registry.hpp"

#include <array>

#include "cachescope/core/error.hpp"
#include "cachescope/policy/lru.hpp"

namespace cachescope {

namespace {

template <class P>
std::unique_ptr<ReplacementPolicy> make(const PolicyParams& p) {
    return std::make_unique<P>(p);
}

// The one table. Add a policy here and every test that loops over policies() covers it.
const std::array kPolicies{
    PolicyInfo{"lru", "least recently used: evicts the way unused for longest", &make<LruPolicy>, true},
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
