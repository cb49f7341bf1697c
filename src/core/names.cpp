#include "cachescope/core/names.hpp"

namespace cachescope {

std::string joinNames(const std::vector<std::string>& names) {
    std::string s;
    for (const std::string& n : names) {
        if (!s.empty()) s += ", ";
        s += n;
    }
    return s;
}

}  // namespace cachescope
