#pragma once
// JSON text as cachescope writes it: a string that is not valid UTF-8 (a Latin-1 file name, a
// --vary value, bytes from a garbage trace) is written with U+FFFD in place of its bad bytes,
// instead of nlohmann's type_error.316 failing the whole report.

#include <string>

#include <nlohmann/json.hpp>

namespace cachescope {

/// `j` (nlohmann::json or ordered_json: the keys keep their order) as text; `indent` as
/// nlohmann's dump (-1: one line).
template <class Json>
std::string jsonText(const Json& j, int indent = -1) {
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cachescope
