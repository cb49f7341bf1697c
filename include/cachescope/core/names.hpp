#pragma once
// Lists of names in messages ("expected one of: lru, fifo, ..."). Apart from core/format.hpp so that
// headers which include that one do not bring this name along.

#include <string>
#include <vector>

namespace cachescope {

/// {"a", "b", "c"} -> "a, b, c".
std::string joinNames(const std::vector<std::string>& names);

}  // namespace cachescope
