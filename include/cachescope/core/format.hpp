#pragma once
// Small text helpers shared by every layer that makes text (reports, trace info, error messages,
// narration): one place for each, so numbers and addresses read the same everywhere. joinNames,
// for error messages, is in core/names.hpp.

#include <cstdint>
#include <string>
#include <string_view>

namespace cachescope {

/// "0x" and lower-case hex digits, no leading zeros: 4096 -> "0x1000", 0 -> "0x0".
std::string hex(std::uint64_t value);
/// "1234567" -> "1,234,567".
std::string withThousands(std::uint64_t value);
/// A duration for people, two units at most, rounded down: 42 -> "42 s", 192 -> "3 min 12 s",
/// 48600 -> "13 h 30 min", 189000 -> "2 d 4 h"; under a second "0 s".
std::string roughDuration(double seconds);
/// The shortest text that reads back as exactly `value` (0.75, 0.1, 1e-05): CSV and sweep numbers.
std::string shortestNumber(double value);
/// A CSV field, quoted (RFC 4180) only when it contains a comma, quote or line break.
std::string csvField(std::string_view text);

}  // namespace cachescope
