#include "cachescope/core/table.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace cachescope {

namespace {

/// Terminal columns of one code point (a subset of Unicode's East Asian Width and general
/// category Mn that covers what reports can contain: names from metadata and trace paths).
std::size_t codePointWidth(std::uint32_t cp) {
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
        (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200B || cp == 0x200D)
        return 0;  // combining marks, zero-width space and joiner
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
        (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
        (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

}  // namespace

std::size_t displayWidth(std::string_view text) {
    std::size_t width = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        bool valid = length != 0 && i + length <= text.size();
        std::uint32_t cp = length == 1 ? lead : length == 2 ? (lead & 0x1Fu) : length == 3 ? (lead & 0x0Fu) : (lead & 0x07u);
        for (std::size_t k = 1; valid && k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            valid = (next & 0xC0) == 0x80;
            cp = (cp << 6) | (next & 0x3Fu);
        }
        if (!valid) {  // a stray byte: one column
            width += 1;
            i += 1;
            continue;
        }
        width += codePointWidth(cp);
        i += length;
    }
    return width;
}

void printTable(std::ostream& os, const TextTable& table) {
    const std::size_t columns = table.header.size();
    std::vector<std::size_t> width(columns);
    for (std::size_t c = 0; c < columns; ++c) {
        width[c] = displayWidth(table.header[c]);
        for (const auto& row : table.rows) width[c] = std::max(width[c], displayWidth(row[c]));
    }
    auto alignOf = [&](std::size_t c) {
        if (c < table.align.size()) return table.align[c];
        return c == 0 ? TextTable::Align::Left : TextTable::Align::Right;
    };
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text = table.indent;
        for (std::size_t c = 0; c < columns; ++c) {
            if (c != 0) text += "  ";
            const std::string pad(width[c] - displayWidth(cells[c]), ' ');
            text += alignOf(c) == TextTable::Align::Left ? cells[c] + pad : pad + cells[c];
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        os << text << '\n';
    };
    line(table.header);
    for (const auto& row : table.rows) line(row);
}

}  // namespace cachescope
