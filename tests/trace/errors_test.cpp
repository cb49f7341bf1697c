// Every trace error message: file name, line number, what was wrong, the offending text and what
// the format expects. The expected strings are written out here by hand, not taken from the code.

#include <doctest/doctest.h>

#include <string>

#include "cachescope/core/error.hpp"
#include "trace/trace_test_util.hpp"

using namespace cachescope;
using cachescope::testing::openString;
using cachescope::testing::readAll;

namespace {

const std::string kTextExpected = R"("<R|W|I> <hex address> [size] [p<process>]")";
const std::string kDinExpected =
    R"("<label> <hex address>" or "<label> <hex address> <hex size>" with label 0 (read), 1 (write), )"
    R"(2 (instruction fetch) or 3 (misc read))";
const std::string kLackeyExpected = R"("I  <hex address>,<size>" or " <L|S|M> <hex address>,<size>")";

/// The message of the TraceError thrown while reading `text` (forced to `format`), or "" if none.
std::string errorOf(const std::string& text, TraceFormat format, const std::string& name = "dir/x.trace") {
    try {
        auto reader = openString(text, format, name);
        readAll(*reader);
    } catch (const TraceError& e) {
        return e.what();
    }
    return "";
}

/// Two good records, then `bad` on line 3; the message must be exactly the documented shape.
void checkError(TraceFormat format, const std::string& bad, const std::string& problem) {
    const std::string good = format == TraceFormat::Text  ? "R 0x10 4\n# comment\n"
                             : format == TraceFormat::Din ? "0 10\n\n"
                                                          : "==1== Lackey\nI  10,4\n";
    const std::string& expected = format == TraceFormat::Text  ? kTextExpected
                                  : format == TraceFormat::Din ? kDinExpected
                                                               : kLackeyExpected;
    CAPTURE(bad);
    const std::string want = "dir/x.trace:3: " + problem + ": found \"" + bad + "\"; expected " + expected;
    CHECK(errorOf(good + bad + "\nR 0x20 4\n", format) == want);
    // Auto-detected from the good lines, same message; also as the last line without '\n'.
    CHECK(errorOf(good + bad + "\n", TraceFormat::Auto) == want);
    CHECK(errorOf(good + bad, format) == want);
}

}  // namespace

TEST_CASE("trace error text: unknown access kind") {
    checkError(TraceFormat::Text, "X 0x10 4", "unknown access kind");
    checkError(TraceFormat::Text, "RW 0x10 4", "unknown access kind");
}
TEST_CASE("trace error text: missing address") { checkError(TraceFormat::Text, "W", "missing address"); }
TEST_CASE("trace error text: bad address") {
    checkError(TraceFormat::Text, "R 0xZZ 4", "bad address");
    checkError(TraceFormat::Text, "R 0x 4", "bad address");
    checkError(TraceFormat::Text, "R 12g4", "bad address");
    checkError(TraceFormat::Text, "R -10", "bad address");
}
TEST_CASE("trace error text: address over 64 bits") {
    checkError(TraceFormat::Text, "R 0x10000000000000000 4", "address does not fit in 64 bits");
    // 16 significant digits are fine even with leading zeros
    CHECK(cachescope::testing::readString("R 0x0000ffffffffffffffff\n") ==
          std::vector<Access>{{0xffffffffffffffff, 1, AccessKind::Read}});
}
TEST_CASE("trace error text: bad size") {
    checkError(TraceFormat::Text, "R 0x10 4x", "bad size (not a decimal number)");
    checkError(TraceFormat::Text, "R 0x10 0x4", "bad size (not a decimal number)");
    checkError(TraceFormat::Text, "R 0x10 -4", "bad size (not a decimal number)");
}
TEST_CASE("trace error text: size 0") { checkError(TraceFormat::Text, "W 0x10 0", "size must be at least 1"); }
TEST_CASE("trace error text: size over 32 bits") {
    checkError(TraceFormat::Text, "W 0x10 4294967296", "size does not fit in 32 bits");
}
TEST_CASE("trace error: a reference is at most 65536 bytes (kMaxReferenceSize), in every text format") {
    CHECK(cachescope::testing::readString("W 0 65536\n") == std::vector<Access>{{0, 65536U, AccessKind::Write}});
    checkError(TraceFormat::Text, "R 0 4294967295", "size too large: a reference is at most 65536 bytes");
    checkError(TraceFormat::Text, "R 0 65537", "size too large: a reference is at most 65536 bytes");
    checkError(TraceFormat::Din, "0 0 10001", "size too large: a reference is at most 65536 bytes");  // hex
    // The fuzzer's line: 2,949,672,954 bytes made `trace info` insert 46 M lines into a set.
    checkError(TraceFormat::Lackey, " L 00020040,2949672954", "size too large: a reference is at most 65536 bytes");
}
TEST_CASE("trace error text: extra field") {
    checkError(TraceFormat::Text, "R 0x10 4 5", "unexpected extra field");
}
TEST_CASE("trace error text: access past the end of the address space") {
    checkError(TraceFormat::Text, "R 0xffffffffffffffff 2", "access runs past the end of the 64-bit address space");
    checkError(TraceFormat::Text, "R 0xfffffffffffffff0 17", "access runs past the end of the 64-bit address space");
    // the last 16 bytes exactly are fine
    CHECK(cachescope::testing::readString("R 0xfffffffffffffff0 16\n").size() == 1);
}

TEST_CASE("trace error din: unknown label") {
    checkError(TraceFormat::Din, "5 10", "unknown label");
    checkError(TraceFormat::Din, "01 10", "unknown label");
    CHECK(errorOf("0 10\nr 10\n", TraceFormat::Din) ==
          "dir/x.trace:2: unknown label: found \"r 10\"; expected " + kDinExpected);
}
TEST_CASE("trace error din: cache flush is not supported") {
    checkError(TraceFormat::Din, "4 0", "cache flush (label 4) is not supported");
}
TEST_CASE("trace error din: missing address") { checkError(TraceFormat::Din, "1", "missing address"); }
TEST_CASE("trace error din: bad address") { checkError(TraceFormat::Din, "0 10q0", "bad address"); }
TEST_CASE("trace error din: address over 64 bits") {
    checkError(TraceFormat::Din, "2 123456789abcdef01", "address does not fit in 64 bits");
}
TEST_CASE("trace error din: bad extended size") {
    checkError(TraceFormat::Din, "0 10 zz", "bad size (not a hex number)");
}
TEST_CASE("trace error din: extended size 0") { checkError(TraceFormat::Din, "0 10 0", "size must be at least 1"); }
TEST_CASE("trace error din: extended size over 32 bits") {
    checkError(TraceFormat::Din, "0 10 100000000", "size does not fit in 32 bits");
}
TEST_CASE("trace error din: extra field") { checkError(TraceFormat::Din, "0 10 4 5", "unexpected extra field"); }
TEST_CASE("trace error din: extended access past the end of the address space") {
    checkError(TraceFormat::Din, "1 ffffffffffffffff 2", "access runs past the end of the 64-bit address space");
}

TEST_CASE("trace error lackey: unknown access kind") {
    checkError(TraceFormat::Lackey, " X 10,4", "unknown access kind");
    checkError(TraceFormat::Lackey, " l 10,4", "unknown access kind");
}
TEST_CASE("trace error lackey: missing address") { checkError(TraceFormat::Lackey, " L", "missing address"); }
TEST_CASE("trace error lackey: missing comma") {
    checkError(TraceFormat::Lackey, " S 10", "missing ',' between address and size");
}
TEST_CASE("trace error lackey: bad address") { checkError(TraceFormat::Lackey, " L 1z,4", "bad address"); }
TEST_CASE("trace error lackey: address over 64 bits") {
    checkError(TraceFormat::Lackey, " L 10000000000000000,4", "address does not fit in 64 bits");
}
TEST_CASE("trace error lackey: missing size") { checkError(TraceFormat::Lackey, " L 10,", "missing size"); }
TEST_CASE("trace error lackey: bad size") {
    checkError(TraceFormat::Lackey, " M 10,4k", "bad size (not a decimal number)");
}
TEST_CASE("trace error lackey: size 0") { checkError(TraceFormat::Lackey, " L 10,0", "size must be at least 1"); }
TEST_CASE("trace error lackey: extra field") {
    checkError(TraceFormat::Lackey, " L 10,4 junk", "unexpected extra field");
}
TEST_CASE("trace error lackey: access past the end of the address space") {
    checkError(TraceFormat::Lackey, " S ffffffffffffffff,8", "access runs past the end of the 64-bit address space");
}

TEST_CASE("trace error: line too long, with the text truncated to 80 characters") {
    const std::string longLine = "R 0x10 " + std::string(5000, '1');
    const std::string shown = longLine.substr(0, 80) + "...";
    for (const auto format : {TraceFormat::Text, TraceFormat::Auto}) {
        CHECK(errorOf("R 0x0 4\nW 0x4 4\n" + longLine + "\nR 0 1\n", format) ==
              "dir/x.trace:3: line too long: found \"" + shown + "\"; expected at most 4096 bytes per line");
        CHECK(errorOf("R 0x0 4\nW 0x4 4\n" + longLine, format) ==
              "dir/x.trace:3: line too long: found \"" + shown + "\"; expected at most 4096 bytes per line");
    }
    // Exactly 4096 bytes is allowed (a comment pads the line), with or without CR.
    const std::string maxLine = "R 0x40 2 #" + std::string(4096 - 10, 'c');
    REQUIRE(maxLine.size() == 4096);
    CHECK(cachescope::testing::readString(maxLine + "\n" + maxLine + "\r\n" + maxLine).size() == 3);
    CHECK(errorOf(maxLine + "c\n", TraceFormat::Text).find("x.trace:1: line too long") != std::string::npos);
}

TEST_CASE("trace error: long offending text is truncated and control characters escaped") {
    const std::string bad = "R 0xZZ" + std::string(100, ' ') + "4";
    const std::string msg = errorOf(bad + "\n", TraceFormat::Text);
    CHECK(msg == "dir/x.trace:1: bad address: found \"" + bad.substr(0, 80) + "...\"; expected " + kTextExpected);
    CHECK(errorOf("R 1\x01\n", TraceFormat::Text) ==
          "dir/x.trace:1: bad address: found \"R 1\\x01\"; expected " + kTextExpected);
    CHECK(errorOf("R \"1\"\n", TraceFormat::Text) ==
          "dir/x.trace:1: bad address: found \"R \\\"1\\\"\"; expected " + kTextExpected);
}

TEST_CASE("trace error: bad sample files in tests/data") {
    const std::string data = std::string(CACHESCOPE_SOURCE_DIR) + "/tests/data/";
    const auto messageOf = [](const std::string& path) -> std::string {
        try {
            readAll(*openTrace(path));
        } catch (const TraceError& e) {
            return e.what();
        }
        return "";
    };
    CHECK(messageOf(data + "bad-address.trace") ==
          data + "bad-address.trace:4: bad address: found \"R 0xZZ 4\"; expected " + kTextExpected);
    CHECK(messageOf(data + "flush.din") == data + "flush.din:3: cache flush (label 4) is not supported: found \"4 0\"; "
                                                  "expected " + kDinExpected);
    CHECK(messageOf(data + "lackey-size-zero.txt") ==
          data + "lackey-size-zero.txt:3: size must be at least 1: found \" L 7ff0,0\"; expected " + kLackeyExpected);
    const std::string undetectable = messageOf(data + "undetectable.trace");
    CHECK(undetectable.rfind(data + "undetectable.trace:2: cannot detect the trace format: found \"hello world\"; "
                                    "expected ",
                             0) == 0);
    CHECK(undetectable.find("--trace-format text|din|lackey") != std::string::npos);
}

TEST_CASE("lackey: lines that are not records (the traced program's output) are skipped and counted") {
    // `valgrind --tool=lackey ls / 2>&1 | cachescope run ... -` mixes ls's output into the log.
    auto reader = openString("==1== Lackey\nbin\nI  10,4\nDocuments\n L 20,8\ntotal 12\n", TraceFormat::Lackey, "x");
    const std::vector<Access> got = readAll(*reader);
    CHECK(got == std::vector<Access>{{0x10, 4, AccessKind::Fetch}, {0x20, 8, AccessKind::Read}});
    CHECK(reader->records() == 2);
    CHECK(reader->skippedLines() == 3);
    // A one-letter word that is not I, L, S or M still reads as a broken record.
    checkError(TraceFormat::Lackey, " X 10,4", "unknown access kind");
}

TEST_CASE("trace error: bytes that are not ASCII are escaped like control characters") {
    // "R \xe9\xff 4": a Latin-1 byte and 0xff in a garbage trace must not reach the terminal raw.
    const std::string e = errorOf("R 0x10 4\nR \xe9\xff 4\n", TraceFormat::Text);
    CAPTURE(e);
    CHECK(e.find("found \"R \\xe9\\xff 4\"") != std::string::npos);
    for (const char c : e) CHECK(static_cast<unsigned char>(c) < 0x80);
}
