#pragma once
// The one plain-text table printer (run reports, compare, trace info, bench). Columns are padded to
// their widest cell (in terminal columns: displayWidth, so "S·V" is 3 wide, not 4) and separated
// by two blanks; the first column is left-aligned (names), the
// others right-aligned (numbers) unless the table says otherwise; lines carry no trailing blanks.
//
//   TextTable t{{"level", "misses"}, {{"L1", "3"}, {"L2", "1,024"}}};
//   printTable(os, t);
//   level  misses
//   L1          3
//   L2      1,024
//
// It lives in core/ (beside core/format.hpp) rather than report/ because trace/ prints tables too
// (`trace info`) and report/ already depends on trace/.

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cachescope {

struct TextTable {
    enum class Align : unsigned char { Left, Right };

    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  // each as long as the header
    /// Per column; missing entries: Left for column 0, Right for the others.
    std::vector<Align> align = {};
    /// Written before every line (e.g. two blanks under a heading).
    std::string indent = {};
};

void printTable(std::ostream& os, const TextTable& table);

/// The columns `text` (UTF-8) takes on a terminal: one per code point, two for East Asian wide
/// and fullwidth characters (CJK, Hangul, fullwidth forms, emoji), none for combining marks.
/// A byte that is not part of valid UTF-8 counts as one column (it is shown escaped or as one
/// replacement character).
std::size_t displayWidth(std::string_view text);

}  // namespace cachescope
