// Trace readers: each format on hand-written inputs, detection, spans, long traces, files.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "trace/trace_test_util.hpp"

using namespace cachescope;
using cachescope::testing::openString;
using cachescope::testing::formatName;
using cachescope::testing::readAll;
using cachescope::testing::readString;
using cachescope::testing::TempDir;

namespace {
constexpr auto R = AccessKind::Read;
constexpr auto W = AccessKind::Write;
constexpr auto F = AccessKind::Fetch;
using Accesses = std::vector<Access>;
}  // namespace

TEST_CASE("trace text: hand-written records, defaults, case, 0x, tabs and comments") {
    const std::string text =
        "# header comment\n"
        "R 0x1000 4\n"
        "w 1004\t8   # trailing comment\n"
        "\n"
        "   \t \n"
        "I 0X4000FF\n"
        "  r\t0xabcdef 16\n"
        "W 0 1\n"
        "i ffffffffffffffff\n";
    const Accesses expected{{0x1000, 4, R},   {0x1004, 8, W}, {0x4000ff, 1, F},
                            {0xabcdef, 16, R}, {0x0, 1, W},    {0xffffffffffffffff, 1, F}};
    CHECK(readString(text, TraceFormat::Text) == expected);
    CHECK(readString(text) == expected);  // detected as text
    CHECK(formatName(openString(text)->format()) == "text");
}

TEST_CASE("trace din: labels 0-3, address rounded down to 4, size 4") {
    const std::string din =
        "0 1000\n"
        "1 1001\n"
        "2 1002\n"
        "3 1003\n"
        "0 0x1007\n"
        "2 ffffffffffffffff\n";
    const Accesses expected{{0x1000, 4, R}, {0x1000, 4, W}, {0x1000, 4, F},
                            {0x1000, 4, R}, {0x1004, 4, R}, {0xfffffffffffffffc, 4, F}};
    CHECK(readString(din, TraceFormat::Din) == expected);
    CHECK(readString(din) == expected);
    CHECK(formatName(openString(din)->format()) == "din");
}

TEST_CASE("trace din: extended records keep the address and take a hex size") {
    const std::string din =
        "0 1001 2\n"
        "1 0x2003 10\n"   // 0x10 = 16 bytes
        "2 400 0X4\n"
        "0 1000\n";       // classic and extended may be mixed
    const Accesses expected{{0x1001, 2, R}, {0x2003, 16, W}, {0x400, 4, F}, {0x1000, 4, R}};
    CHECK(readString(din, TraceFormat::Din) == expected);
}

TEST_CASE("trace lackey: I/L/S, M is a read then a write, valgrind lines skipped") {
    const std::string lackey =
        "==123== Lackey, an example Valgrind tool\n"
        "==123== \n"
        "--123-- a verbose message\n"
        "I  04001234,3\n"
        " L 1ffefff8a0,8\n"
        " S 1ffefff8a8,4\n"
        "\n"
        " M 0401ffb0,16\n"
        "I  04001237,5\n"
        "==123== Counted 1 call to main()\n";
    const Accesses expected{{0x04001234, 3, F}, {0x1ffefff8a0, 8, R}, {0x1ffefff8a8, 4, W},
                            {0x0401ffb0, 16, R}, {0x0401ffb0, 16, W}, {0x04001237, 5, F}};
    CHECK(readString(lackey, TraceFormat::Lackey) == expected);
    CHECK(readString(lackey) == expected);
    CHECK(formatName(openString(lackey)->format()) == "lackey");
    // Five records (valgrind's "==" and "--" lines and the blank line are not records);
    // the M record gave two accesses.
    auto reader = openString(lackey);
    CHECK(readAll(*reader).size() == 6);
    CHECK(reader->records() == 5);
}

TEST_CASE("trace: a last line without a newline is read") {
    CHECK(readString("R 10 4\nW 20 2") == Accesses{{0x10, 4, R}, {0x20, 2, W}});
    CHECK(readString("0 10\n1 23") == Accesses{{0x10, 4, R}, {0x20, 4, W}});
    CHECK(readString("I  10,4\n M 20,2") == Accesses{{0x10, 4, F}, {0x20, 2, R}, {0x20, 2, W}});
    CHECK(readString("R 10") == Accesses{{0x10, 1, R}});
}

TEST_CASE("trace: CRLF line endings are accepted") {
    CHECK(readString("# c\r\nR 10 4\r\n\r\nW 20 2\r\n") == Accesses{{0x10, 4, R}, {0x20, 2, W}});
    CHECK(readString("0 10\r\n1 23 2\r\n") == Accesses{{0x10, 4, R}, {0x23, 2, W}});
    CHECK(readString("==1== x\r\nI  10,4\r\n M 20,2\r\n") ==
          Accesses{{0x10, 4, F}, {0x20, 2, R}, {0x20, 2, W}});
    CHECK(readString("R 10 4\r") == Accesses{{0x10, 4, R}});  // CR at the very end
}

TEST_CASE("trace: an empty trace is valid and yields no access") {
    for (const char* text : {"", "\n\n", "# only a comment\n\n  # another\n", "   "}) {
        auto reader = openString(text);
        CHECK(formatName(reader->format()) == "text");
        CHECK(readAll(*reader).empty());
    }
    auto lackey = openString("==1== Lackey\n==1== \n");
    CHECK(formatName(lackey->format()) == "lackey");
    CHECK(readAll(*lackey).empty());
    CHECK(readString("", TraceFormat::Din).empty());
    // read() keeps returning 0 at the end
    auto r = openString("R 1\n");
    std::vector<Access> buf(4);
    CHECK(r->read(buf) == 1);
    CHECK(r->read(buf) == 0);
    CHECK(r->read(buf) == 0);
}

TEST_CASE("trace detection: each format, after comments, blank and valgrind lines") {
    CHECK(formatName(openString("\n# c\nR 0x10 4\n")->format()) == "text");
    CHECK(formatName(openString("w 10\n")->format()) == "text");
    CHECK(formatName(openString("I 0x10\n")->format()) == "text");  // no comma: not lackey
    CHECK(formatName(openString("# c\n\n2 400\n")->format()) == "din");
    CHECK(formatName(openString("4 0\n")->format()) == "din");  // flush is din, rejected when read
    CHECK(formatName(openString("1 0x10 4\n")->format()) == "din");
    CHECK(formatName(openString("I  04001234,3\n")->format()) == "lackey");
    CHECK(formatName(openString(" L 10,8\n")->format()) == "lackey");
    CHECK(formatName(openString("==9== hello\n S 10,8\n")->format()) == "lackey");
    CHECK(formatName(openString(" M 10,8\n")->format()) == "lackey");
    // The lines looked at during detection are still read afterwards.
    CHECK(readString("# c\n\nR 10 4\nW 14 4\n") == Accesses{{0x10, 4, R}, {0x14, 4, W}});
    CHECK(readString("2 400\n0 1000\n") == Accesses{{0x400, 4, F}, {0x1000, 4, R}});
    CHECK(readString("==1== x\n L 10,8\n") == Accesses{{0x10, 8, R}});
}

TEST_CASE("trace detection: failure names the file, line and text and lists the formats") {
    try {
        openString("# comment\n\nhello world\nR 10\n", TraceFormat::Auto, "traces/odd.trace");
        FAIL("expected a TraceError");
    } catch (const TraceError& e) {
        CHECK(std::string(e.what()) ==
              "traces/odd.trace:3: cannot detect the trace format: found \"hello world\"; expected a cachescope "
              "text record (\"R 0x1000 4\"), a Dinero IV din record (\"0 1000\") or a Valgrind Lackey record "
              "(\" L 1ffefff8a0,8\"); name the format with --trace-format text|din|lackey");
    }
    CHECK_THROWS_AS(openString("R zz\n"), TraceError);   // kind but no hex token
    CHECK_THROWS_AS(openString("7 100\n"), TraceError);  // label out of range
    CHECK_THROWS_AS(openString("X 100\n"), TraceError);
}

TEST_CASE("trace: reading in spans of 1 and 3 gives the same accesses as one big span") {
    const std::string inputs[] = {
        "R 0 4\nW 4 4\nI 8 2\n# c\nR c 1\nW 10 8\nR 18 4\nR 1c 4\n",
        "0 0\n1 4\n2 8\n3 c\n0 10\n1 14 2\n2 18\n",
        // M records at every position relative to a span of 3 (the write half may not fit).
        "I  0,4\n M 10,8\n M 20,8\n L 30,8\n M 40,8\n S 50,8\n M 60,8\n M 70,8\n I  80,2\n",
    };
    for (const auto& text : inputs) {
        const Accesses big = readString(text, TraceFormat::Auto, 4096);
        CHECK(big.size() >= 7);
        CHECK(readString(text, TraceFormat::Auto, 1) == big);
        CHECK(readString(text, TraceFormat::Auto, 2) == big);
        CHECK(readString(text, TraceFormat::Auto, 3) == big);
    }
    // Lackey with span 1: the write half of M comes in the next call.
    auto reader = openString(" M 10,8\n");
    Access one[1];
    REQUIRE(reader->read(one) == 1);
    CHECK(one[0] == Access{0x10, 8, R});
    REQUIRE(reader->read(one) == 1);
    CHECK(one[0] == Access{0x10, 8, W});
    CHECK(reader->read(one) == 0);
}

TEST_CASE("trace: tiny read blocks (lines split across reads) give the same accesses") {
    std::string text = "# header\r\n";
    for (int i = 0; i < 200; ++i)
        text += (i % 3 == 0 ? "R " : i % 3 == 1 ? "w 0x" : "I ") + std::to_string(1000 + 7 * i) + " " +
                std::to_string(1 + i % 9) + (i % 4 == 0 ? "\r\n" : "\n");
    text += "R 5";  // no final newline
    const Accesses reference = readString(text);
    REQUIRE(reference.size() == 201);
    CHECK(reference[0] == Access{0x1000, 1, R});
    CHECK(reference[1] == Access{0x1007, 2, W});
    CHECK(reference.back() == Access{0x5, 1, R});
    for (const std::size_t block : {1, 2, 3, 5, 17, 64}) {
        CAPTURE(block);
        auto reader = openTraceWithBlockSize(std::make_unique<std::istringstream>(text), "mem.trace",
                                             TraceFormat::Auto, block);
        CHECK(formatName(reader->format()) == "text");
        CHECK(readAll(*reader, 7) == reference);
    }
    const std::string lackey = "==1== x\n" + std::string("I  400000,4\n M 7ff0,8\n L 1234,2\n S 99,1\n");
    const Accesses lackeyRef{{0x400000, 4, F}, {0x7ff0, 8, R}, {0x7ff0, 8, W}, {0x1234, 2, R}, {0x99, 1, W}};
    for (const std::size_t block : {1, 2, 3, 8}) {
        auto reader = openTraceWithBlockSize(std::make_unique<std::istringstream>(lackey), "l.txt",
                                             TraceFormat::Auto, block);
        CHECK(formatName(reader->format()) == "lackey");
        CHECK(readAll(*reader, 2) == lackeyRef);
    }
}

TEST_CASE("trace: a generated 1e6-line trace file streams correctly (count and checksum)") {
    TempDir dir;
    const auto path = dir.path() / "long.trace";
    constexpr std::uint64_t kLines = 1'000'000;
    std::uint64_t expectedSum = 0;
    {
        std::ofstream out(path, std::ios::binary);
        std::string line;
        std::uint64_t x = 0x9e3779b97f4a7c15ULL;
        for (std::uint64_t i = 0; i < kLines; ++i) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;  // xorshift64: addresses all over the 64-bit space
            const std::uint64_t address = x >> 1;  // < 2^63, so address + size never overflows
            const std::uint32_t size = 1 + static_cast<std::uint32_t>(i % 64);
            const int kind = static_cast<int>(i % 3);
            char buf[64];
            std::snprintf(buf, sizeof buf, "%c 0x%llx %u\n", "RWI"[kind], static_cast<unsigned long long>(address),
                          size);
            out << buf;
            expectedSum = expectedSum * 31 + address + size * 7 + static_cast<std::uint64_t>(kind);
        }
    }
    auto reader = openTrace(path.string());
    CHECK(formatName(reader->format()) == "text");
    std::vector<Access> buf(1000);
    std::uint64_t count = 0;
    std::uint64_t sum = 0;
    for (std::size_t n; (n = reader->read(buf)) != 0;) {
        for (std::size_t i = 0; i < n; ++i) {
            const Access& a = buf[i];
            sum = sum * 31 + a.address + a.size * 7 + static_cast<std::uint64_t>(a.kind);
        }
        count += n;
    }
    CHECK(count == kLines);
    CHECK(sum == expectedSum);
}

TEST_CASE("trace files: missing file and directory are IoErrors") {
    try {
        openTrace("/nonexistent/dir/x.trace");
        FAIL("expected an IoError");
    } catch (const IoError& e) {
        CHECK(std::string(e.what()) == "cannot open trace '/nonexistent/dir/x.trace': No such file or directory");
    }
    TempDir dir;
    try {
        openTrace(dir.path().string());
        FAIL("expected an IoError");
    } catch (const IoError& e) {
        CHECK(std::string(e.what()) == "cannot open trace '" + dir.path().string() + "': Is a directory");
    }
}

TEST_CASE("trace files: a written file is read, with and without a forced format") {
    TempDir dir;
    const std::string p = dir.write("t.din", "2 400\n0 1003\n1 1004 2");
    CHECK(readAll(*openTrace(p)) == Accesses{{0x400, 4, F}, {0x1000, 4, R}, {0x1004, 2, W}});
    CHECK(readAll(*openTrace(p, TraceFormat::Din)).size() == 3);
    // Forced to the wrong format: the first record is an error naming the file.
    try {
        readAll(*openTrace(p, TraceFormat::Text));
        FAIL("expected a TraceError");
    } catch (const TraceError& e) {
        CHECK(std::string(e.what()).rfind(p + ":1: unknown access kind: found \"2 400\"", 0) == 0);
    }
}

TEST_CASE("trace stdin: '-' reads standard input") {
    std::istringstream fake("R 10 4\n1 0\n");  // a text trace (the second line is a bad text record)
    std::istringstream good("# stdin\nW 20 2\nI 30\n");
    std::streambuf* saved = std::cin.rdbuf(good.rdbuf());
    try {
        auto reader = openTrace("-");
        CHECK(formatName(reader->format()) == "text");
        CHECK(readAll(*reader) == Accesses{{0x20, 2, W}, {0x30, 1, F}});
        std::cin.rdbuf(fake.rdbuf());
        auto bad = openTrace("-");
        CHECK_THROWS_WITH_AS(readAll(*bad), doctest::Contains("<stdin>:2: unknown access kind"), TraceError);
    } catch (...) {
        std::cin.rdbuf(saved);
        throw;
    }
    std::cin.rdbuf(saved);
}

TEST_CASE("trace format names: parseTraceFormat and toString") {
    CHECK(formatName(parseTraceFormat("auto")) == "auto");
    CHECK(formatName(parseTraceFormat("text")) == "text");
    CHECK(formatName(parseTraceFormat("din")) == "din");
    CHECK(formatName(parseTraceFormat("lackey")) == "lackey");
    for (const auto f : {TraceFormat::Auto, TraceFormat::Text, TraceFormat::Din, TraceFormat::Lackey})
        CHECK((parseTraceFormat(toString(f)) == f));
    CHECK(formatName(TraceFormat::Din) == "din");
    try {
        parseTraceFormat("dinero");
        FAIL("expected a UsageError");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()) ==
              "unknown trace format 'dinero': expected one of auto, text, din, lackey, binary");
    }
    CHECK_THROWS_AS(parseTraceFormat(""), UsageError);
    CHECK_THROWS_AS(parseTraceFormat("Text"), UsageError);
}

TEST_CASE("trace detection: a long comment header (larger than the read buffer) is skipped") {
    std::string header;
    while (header.size() < 600 * 1024) header += "# a long header comment line, repeated many times over\n";
    const std::string text = header + "\n2 400\n0 1003\n";
    auto reader = openString(text);
    CHECK(formatName(reader->format()) == "din");
    CHECK(readAll(*reader) == Accesses{{0x400, 4, F}, {0x1000, 4, R}});
    // line numbers still count the consumed header lines
    const auto headerLines = static_cast<std::size_t>(std::count(header.begin(), header.end(), '\n'));
    try {
        readAll(*openString(header + "\n0 10\n9 10\n"));
        FAIL("expected a TraceError");
    } catch (const TraceError& e) {
        CHECK(std::string(e.what()).rfind("mem.trace:" + std::to_string(headerLines + 3) + ": unknown label", 0) == 0);
    }
    try {
        openString(header + "what\n");
        FAIL("expected a TraceError");
    } catch (const TraceError& e) {
        CHECK(std::string(e.what()).rfind("mem.trace:" + std::to_string(headerLines + 1) + ": cannot detect", 0) == 0);
    }
}
