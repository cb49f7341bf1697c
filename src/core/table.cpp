#include "cachescope/core/table.hpp"

#include <algorithm>
#include <cstddef>

namespace cachescope {

void printTable(std::ostream& os, const TextTable& table) {
    const std::size_t columns = table.header.size();
    std::vector<std::size_t> width(columns);
    for (std::size_t c = 0; c < columns; ++c) {
        width[c] = table.header[c].size();
        for (const auto& row : table.rows) width[c] = std::max(width[c], row[c].size());
    }
    auto alignOf = [&](std::size_t c) {
        if (c < table.align.size()) return table.align[c];
        return c == 0 ? TextTable::Align::Left : TextTable::Align::Right;
    };
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text = table.indent;
        for (std::size_t c = 0; c < columns; ++c) {
            if (c != 0) text += "  ";
            const std::string pad(width[c] - cells[c].size(), ' ');
            text += alignOf(c) == TextTable::Align::Left ? cells[c] + pad : pad + cells[c];
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        os << text << '\n';
    };
    line(table.header);
    for (const auto& row : table.rows) line(row);
}

}  // namespace cachescope
