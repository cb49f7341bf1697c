#pragma once
// Small text helpers for the kernel framework's error messages (joinNames: core/names.hpp).

#include <string>
#include <vector>

#include "cachescope/core/names.hpp"

namespace cachescope {

/// " (did you mean 'x'?)" for the closest name within a small edit distance, else "".
std::string didYouMean(const std::string& name, const std::vector<std::string>& names);

}  // namespace cachescope
