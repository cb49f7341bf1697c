// Line parsers and the line reader on their own: the fast path (plain records) and the general
// path (records with comments) must agree on every line, valid or not; peek does not consume.

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/trace/line_parsers.hpp"
#include "cachescope/trace/line_reader.hpp"

using namespace cachescope;

namespace {

bool sameParse(const LineParse& a, const LineParse& b) {
    if (a.count != b.count || a.problem != b.problem) return false;
    for (unsigned i = 0; i < a.count; ++i)
        if (!(a.accesses[i] == b.accesses[i])) return false;
    return true;
}

/// A random line built from pieces that are valid, nearly valid or wrong in each field.
std::string randomLine(std::mt19937_64& rng, TraceFormat format) {
    const auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
    const std::vector<std::string> sep{" ", "\t", "  ", " \t "};
    const std::vector<std::string> addr{"0",
                                        "10",
                                        "0x1f",
                                        "0X7fff0",
                                        "ffffffffffffffff",
                                        "0xfffffffffffffff0",
                                        "00000000000000001",
                                        "10000000000000000",
                                        "0x",
                                        "zz",
                                        "1g",
                                        "123456789abcdef0"};
    const std::vector<std::string> decSize{"1", "4", "8", "16", "0", "4294967295", "4294967296", "999999999",
                                           "1000000000", "x", "-1", "0x4"};
    const std::vector<std::string> hexSize{"1", "4", "10", "0", "ffffffff", "100000000", "zz", "0x8"};
    std::string line = pick({"", " ", "\t"});
    if (format == TraceFormat::Text) {
        line += pick({"R", "W", "I", "r", "w", "i", "X", "RW", "1"});
        if (rng() % 8 != 0) line += pick(sep) + pick(addr);
        if (rng() % 2 != 0) line += pick(sep) + pick(decSize);
    } else if (format == TraceFormat::Din) {
        line += pick({"0", "1", "2", "3", "4", "5", "01", "R"});
        if (rng() % 8 != 0) line += pick(sep) + pick(addr);
        if (rng() % 2 != 0) line += pick(sep) + pick(hexSize);
    } else {
        line += pick({"I", "L", "S", "M", "l", "X", "==1==", "--1--"});
        if (rng() % 8 != 0) {
            line += pick(sep) + pick(addr);
            if (rng() % 8 != 0) line += ",";
            if (rng() % 8 != 0) line += pick(decSize);
        }
    }
    if (rng() % 6 == 0) line += pick(sep) + pick({"5", "junk"});
    if (rng() % 3 == 0) line += pick({" ", "\t"});
    return line;
}

LineParse parseAs(TraceFormat format, std::string_view line) {
    switch (format) {
    case TraceFormat::Din: return parseDinLine(line);
    case TraceFormat::Lackey: return parseLackeyLine(line);
    default: return parseTextLine(line);
    }
}

}  // namespace

TEST_CASE("trace line parsers: plain and commented lines parse the same (fast and general paths)") {
    std::mt19937_64 rng(12345);
    for (const auto format : {TraceFormat::Text, TraceFormat::Din, TraceFormat::Lackey}) {
        int valid = 0;
        int invalid = 0;
        for (int i = 0; i < 20000; ++i) {
            const std::string line = randomLine(rng, format);
            const LineParse plain = parseAs(format, line);
            const LineParse commented = parseAs(format, line + " # comment");
            CAPTURE(line);
            CHECK(sameParse(plain, commented));
            (plain.problem.empty() ? valid : invalid)++;
        }
        // both kinds of lines were exercised
        CHECK(valid > 1000);
        CHECK(invalid > 1000);
    }
}

TEST_CASE("trace line parsers: single lines") {
    const LineParse w = parseTextLine("W 0x1000 8");
    CHECK(w.count == 1);
    CHECK(w.accesses[0] == Access{0x1000, 8, AccessKind::Write});
    CHECK(parseTextLine("  # a comment").count == 0);
    CHECK(parseTextLine("  # a comment").problem.empty());
    CHECK(parseDinLine("1 1003").accesses[0] == Access{0x1000, 4, AccessKind::Write});
    CHECK(parseDinLine("1 1003 2").accesses[0] == Access{0x1003, 2, AccessKind::Write});
    const LineParse m = parseLackeyLine(" M 7ff0,8");
    CHECK(m.count == 2);
    CHECK(m.accesses[0] == Access{0x7ff0, 8, AccessKind::Read});
    CHECK(m.accesses[1] == Access{0x7ff0, 8, AccessKind::Write});
    CHECK(parseTextLine("R 0xZZ 4").problem == "bad address");
    CHECK(parseLackeyLine("==12== hi").count == 0);
    CHECK(parseLackeyLine("--12-- hi").count == 0);
}

TEST_CASE("trace detection: single lines") {
    bool ignorable = false;
    CHECK(!detectLine("", ignorable).has_value());
    CHECK(ignorable);
    CHECK(!detectLine("  # x", ignorable).has_value());
    CHECK(ignorable);
    CHECK(!detectLine("==1== x", ignorable).has_value());
    CHECK(ignorable);
    CHECK(!detectLine("hello", ignorable).has_value());
    CHECK(!ignorable);
    CHECK((detectLine("I  04001234,3", ignorable) == TraceFormat::Lackey));
    CHECK((detectLine(" S 10,8", ignorable) == TraceFormat::Lackey));
    CHECK((detectLine("I 0x10 4", ignorable) == TraceFormat::Text));
    CHECK((detectLine("r 10", ignorable) == TraceFormat::Text));
    CHECK((detectLine("3 10", ignorable) == TraceFormat::Din));
    CHECK(!detectLine("5 10", ignorable).has_value());   // not a din label
    CHECK(!detectLine("R", ignorable).has_value());      // no address
    CHECK(!detectLine("R 10x", ignorable).has_value());  // not a hex token
    CHECK(!ignorable);
}

TEST_CASE("trace line reader: lines, numbers, CRLF, no final newline, peek does not consume") {
    for (const std::size_t block : {1, 2, 4, 1000}) {
        CAPTURE(block);
        LineReader lines(std::make_unique<std::istringstream>("ab\r\n\ncd\nlast"), "t", block);
        std::size_t offset = 0;
        std::string_view line;
        REQUIRE(lines.peek(offset, line));
        CHECK(line == "ab");
        REQUIRE(lines.peek(offset, line));
        CHECK(line == "");
        REQUIRE(lines.peek(offset, line));
        CHECK(line == "cd");
        REQUIRE(lines.peek(offset, line));
        CHECK(line == "last");
        CHECK(!lines.peek(offset, line));
        CHECK(lines.lineNumber() == 0);
        const std::vector<std::string> expected{"ab", "", "cd", "last"};
        for (std::size_t i = 0; i < expected.size(); ++i) {
            REQUIRE(lines.next(line));
            CHECK(line == expected[i]);
            CHECK(lines.lineNumber() == i + 1);
        }
        CHECK(!lines.next(line));
        CHECK(!lines.next(line));
    }
}
