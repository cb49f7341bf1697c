#pragma once
// Small text helpers for the kernel framework's error messages.

#include <string>
#include <vector>

namespace cachescope {

/// "a, b, c"
std::string joinNames(const std::vector<std::string>& names);
/// " (did you mean 'x'?)" for the closest name within a small edit distance, else "".
std::string didYouMean(const std::string& name, const std::vector<std::string>& names);

}  // namespace cachescope
