#pragma once
// The one table of replacement policies: name, one-line description, factory. Configs choose a
// policy by name; `cachescope policies` prints this table; property tests loop over all of it.

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "cachescope/policy/replacement.hpp"

namespace cachescope {

struct PolicyInfo {
    std::string_view name;
    std::string_view description;
    std::unique_ptr<ReplacementPolicy> (*make)(const PolicyParams&);
    bool deterministic;  // false for policies that draw random numbers (random, brrip, drrip)
};

/// Every registered policy, in the order `cachescope policies` lists them.
std::span<const PolicyInfo> policies();

/// The entry named `name`, or nullptr.
const PolicyInfo* findPolicy(std::string_view name);

/// "lru, fifo, random, ..." for error messages.
std::string policyNames();

/// Builds the named policy. Throws ConfigError listing the valid names if unknown.
std::unique_ptr<ReplacementPolicy> makePolicy(std::string_view name, const PolicyParams& params);

}  // namespace cachescope
