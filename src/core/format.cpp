#include "cachescope/core/format.hpp"

#include <array>
#include <charconv>

namespace cachescope {

std::string hex(std::uint64_t value) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::array<char, 16> buf{};
    std::size_t n = 0;
    do {
        buf[n++] = kDigits[value & 0xF];
        value >>= 4;
    } while (value != 0);
    std::string s = "0x";
    while (n > 0) s += buf[--n];
    return s;
}

std::string withThousands(std::uint64_t value) {
    const std::string digits = std::to_string(value);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string roughDuration(double seconds) {
    const std::uint64_t s = seconds > 0 && seconds < 1e15 ? static_cast<std::uint64_t>(seconds) : 0;
    auto two = [](std::uint64_t big, const char* bigUnit, std::uint64_t small, const char* smallUnit) {
        std::string text = std::to_string(big) + " " + bigUnit;
        if (small != 0) text += " " + std::to_string(small) + " " + smallUnit;
        return text;
    };
    if (s < 60) return std::to_string(s) + " s";
    if (s < 3600) return two(s / 60, "min", s % 60, "s");
    if (s < 86400) return two(s / 3600, "h", s % 3600 / 60, "min");
    return two(s / 86400, "d", s % 86400 / 3600, "h");
}

std::string shortestNumber(double value) {
    std::array<char, 64> buf{};
    const auto result = std::to_chars(buf.data(), buf.data() + buf.size(), value);
    return std::string(buf.data(), result.ptr);
}

std::string csvField(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

}  // namespace cachescope
