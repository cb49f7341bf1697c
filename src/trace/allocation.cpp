#include "cachescope/trace/allocation.hpp"

namespace cachescope {

std::string allocationNameProblem(std::string_view name, bool site) {
    if (name.empty()) return "is empty (expected a word)";
    if (name.size() > kMaxAllocationName)
        return "is " + std::to_string(name.size()) + " bytes long (expected at most " +
               std::to_string(kMaxAllocationName) + ")";
    for (const char c : name)  // what separates words and lines in the text format, and comments
        if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == '#')
            return "holds a space, tab, line break or '#' (expected one word, as the text format reads it)";
    if (site && ((name[0] >= '0' && name[0] <= '9') || name[0] == '-'))
        return "starts with a digit or '-' (expected a site name; the text format would read it as an alignment)";
    return {};
}

}  // namespace cachescope
