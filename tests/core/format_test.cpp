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
