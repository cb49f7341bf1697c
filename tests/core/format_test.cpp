// core/format.hpp, core/names.hpp and core/table.hpp: the shared text helpers, on hand-written
// expectations.

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cachescope/core/format.hpp"
#include "cachescope/core/names.hpp"
#include "cachescope/core/table.hpp"

using namespace cachescope;

TEST_CASE("format: hex, thousands, shortest numbers, CSV fields, name lists") {
    CHECK(hex(0) == "0x0");
    CHECK(hex(4096) == "0x1000");
    CHECK(hex(0xdeadbeef) == "0xdeadbeef");
    CHECK(hex(~std::uint64_t{0}) == "0xffffffffffffffff");
    CHECK(withThousands(0) == "0");
    CHECK(withThousands(999) == "999");
    CHECK(withThousands(1000) == "1,000");
    CHECK(withThousands(1234567) == "1,234,567");
    CHECK(shortestNumber(0.75) == "0.75");
    CHECK(shortestNumber(0.1) == "0.1");
    CHECK(shortestNumber(1e-05) == "1e-05");
    CHECK(csvField("L1") == "L1");
    CHECK(csvField("a,b") == "\"a,b\"");
    CHECK(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(joinNames({}).empty());
    CHECK(joinNames({"lru"}) == "lru");
    CHECK(joinNames({"lru", "fifo", "opt"}) == "lru, fifo, opt");
}

TEST_CASE("table: names left, numbers right, two blanks apart, no trailing blanks") {
    std::ostringstream os;
    printTable(os, TextTable{{"level", "misses"}, {{"L1", "3"}, {"L2", "1,024"}, {"memory", ""}}});
    CHECK(os.str() ==
          "level   misses\n"
          "L1           3\n"
          "L2       1,024\n"
          "memory\n");  // the empty right-aligned cell leaves only blanks, which are dropped
}

TEST_CASE("table: an indent and explicit alignment") {
    std::ostringstream os;
    TextTable t{{"name", "shape", "n"}, {{"A", "4x4", "16"}, {"bias", "4", "4"}}};
    t.align = {TextTable::Align::Left, TextTable::Align::Left};  // column 2 keeps the default (right)
    t.indent = "  ";
    printTable(os, t);
    CHECK(os.str() ==
          "  name  shape   n\n"
          "  A     4x4    16\n"
          "  bias  4       4\n");
}

TEST_CASE("table: display width counts code points, wide characters as two") {
    CHECK(displayWidth("") == 0);
    CHECK(displayWidth("S[i][j]") == 7);
    CHECK(displayWidth("S\xC2\xB7V") == 3);              // U+00B7 MIDDLE DOT: 2 bytes, 1 column
    CHECK(displayWidth("K\xE1\xB5\x80") == 2);           // U+1D40 MODIFIER LETTER CAPITAL T: 3 bytes
    CHECK(displayWidth("\xE8\xA1\x8C") == 2);            // U+884C (CJK): 3 bytes, 2 columns
    CHECK(displayWidth("e\xCC\x81") == 1);               // e + U+0301 COMBINING ACUTE: 1 column
    CHECK(displayWidth("\xF0\x9F\x98\x80") == 2);        // U+1F600 emoji: 4 bytes, 2 columns
    CHECK(displayWidth("a\xFF" "b") == 3);               // a stray byte counts as one column
    CHECK(displayWidth("\xE8\xA1") == 2);                // a truncated sequence: each byte one column
}

TEST_CASE("table: a non-ASCII cell does not shift the columns after it") {
    // attention's by-statement table: "load S[i][j] (S·V)" is 19 bytes but 18 columns wide.
    std::ostringstream os;
    printTable(os, TextTable{{"statement", "misses"}, {{"load S[i][j] (S\xC2\xB7V)", "3"}, {"store O[i][t]", "12"}}});
    CHECK(os.str() ==
          "statement           misses\n"
          "load S[i][j] (S\xC2\xB7V)       3\n"
          "store O[i][t]           12\n");
}

TEST_CASE("roughDuration: two units at most, rounded down") {
    CHECK(roughDuration(0) == "0 s");
    CHECK(roughDuration(0.7) == "0 s");
    CHECK(roughDuration(42.9) == "42 s");
    CHECK(roughDuration(60) == "1 min");
    CHECK(roughDuration(192) == "3 min 12 s");
    CHECK(roughDuration(3600) == "1 h");
    CHECK(roughDuration(48600) == "13 h 30 min");
    CHECK(roughDuration(189000) == "2 d 4 h");
    CHECK(roughDuration(-5) == "0 s");
}
