#pragma once
// JSON text as cachescope writes it: a string that is not valid UTF-8 (a Latin-1 file name, a
// --vary value, bytes from a garbage trace) is written with U+FFFD in place of its bad bytes,
// instead of nlohmann's type_error.316 failing the whole report.

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace cachescope {

/// `j` (nlohmann::json or ordered_json: the keys keep their order) as text; `indent` as
/// nlohmann's dump (-1: one line).
template <class Json>
std::string jsonText(const Json& j, int indent = -1) {
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// A count read from JSON: `j` must be a whole number from 0 to `max` written as an integer
/// (nlohmann's get<unsigned> would cast 1e125 or 4294967297.0 silently, or undefinedly). Throws
/// std::invalid_argument saying what was found; the caller adds where.
template <class Json>
std::uint64_t wholeNumber(const Json& j, std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
    if (!j.is_number_unsigned() || j.template get<std::uint64_t>() > max)
        throw std::invalid_argument("expected a whole number from 0 to " + std::to_string(max) + ", found " +
                                    jsonText(j));
    return j.template get<std::uint64_t>();
}

}  // namespace cachescope
