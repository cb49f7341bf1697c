// The line readers parse plain records straight from their read buffer (line_parsers.cpp's fast
// path) and everything else line by line. Here random traces mixing every legal spelling (tabs,
// runs of blanks, 0x, upper case, leading zeros, CRLF, comments, blank lines, 16-digit addresses)
// with the odd bad line are read with many buffer and span sizes, and checked against a naive
// parser written here from the format descriptions (README, docs/trace-format.md): the same
// accesses, the same record and skipped-line counts, and an error naming the first bad line.

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/line_parsers.hpp"
#include "cachescope/trace/line_reader.hpp"
#include "trace/trace_test_util.hpp"

using namespace cachescope;

namespace {

// ---- the naive model -------------------------------------------------------------------------

struct NaiveLine {
    bool bad = false;
    bool skipped = false;       // Lackey: not a record (counted)
    std::vector<Access> accesses;  // empty: nothing (blank, comment, valgrind line) unless bad
};

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::string w;
    for (const char c : line) {
        if (c == ' ' || c == '\t') {
            if (!w.empty()) out.push_back(w);
            w.clear();
        } else {
            w += c;
        }
    }
    if (!w.empty()) out.push_back(w);
    return out;
}

/// Hex digits with an optional 0x into v, if the value fits in `bits` bits.
bool naiveHex(std::string s, unsigned bits, std::uint64_t& v) {
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s = s.substr(2);
    if (s.empty()) return false;
    v = 0;
    for (const char c : s) {
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0) return false;
        if ((v >> (bits - 4)) != 0) return false;  // one more digit would not fit
        v = v * 16 + static_cast<std::uint64_t>(d);
    }
    return true;
}

bool naiveDecimal(const std::string& s, std::uint64_t& v) {
    if (s.empty() || s.size() > 30) return false;
    v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
        if (v > 0xffffffffULL) return false;
    }
    return true;
}

bool sizeOk(std::uint64_t address, std::uint64_t size) {
    return size >= 1 && size <= 65536 && address + (size - 1) >= address;
}

NaiveLine naiveParse(TraceFormat format, std::string line) {
    NaiveLine r;
    if (line.size() > LineReader::kMaxLineLength) {
        r.bad = true;
        return r;
    }
    if (format == TraceFormat::Lackey && line.size() >= 2 &&
        ((line[0] == '=' && line[1] == '=') || (line[0] == '-' && line[1] == '-')))
        return r;
    if (const auto hash = line.find('#'); hash != std::string::npos) line = line.substr(0, hash);
    const std::vector<std::string> w = words(line);
    if (w.empty()) return r;
    std::uint64_t address = 0;
    std::uint64_t size = 0;
    if (format == TraceFormat::Din) {
        const std::string& l = w[0];
        if (l.size() != 1 || l[0] < '0' || l[0] > '3' || w.size() < 2 || w.size() > 3 || !naiveHex(w[1], 64, address)) {
            r.bad = true;
            return r;
        }
        const AccessKind kind = l == "1" ? AccessKind::Write : l == "2" ? AccessKind::Fetch : AccessKind::Read;
        if (w.size() == 2) {
            address &= ~std::uint64_t{3};
            size = 4;
        } else if (!naiveHex(w[2], 32, size)) {
            r.bad = true;
            return r;
        }
        r.bad = !sizeOk(address, size);
        if (!r.bad) r.accesses.push_back(Access{address, static_cast<std::uint32_t>(size), kind});
        return r;
    }
    if (format == TraceFormat::Text) {
        const std::string& k = w[0];
        const std::string kinds = "RWIrwi";
        if (k.size() != 1 || kinds.find(k[0]) == std::string::npos || w.size() < 2 || w.size() > 3 ||
            !naiveHex(w[1], 64, address)) {
            r.bad = true;
            return r;
        }
        size = 1;
        if (w.size() == 3 && !naiveDecimal(w[2], size)) {
            r.bad = true;
            return r;
        }
        const AccessKind kind = (k == "W" || k == "w") ? AccessKind::Write
                                : (k == "I" || k == "i") ? AccessKind::Fetch
                                                         : AccessKind::Read;
        r.bad = !sizeOk(address, size);
        if (!r.bad) r.accesses.push_back(Access{address, static_cast<std::uint32_t>(size), kind});
        return r;
    }
    // Lackey
    if (w[0].size() != 1) {
        r.skipped = true;
        return r;
    }
    const char k = w[0][0];
    const auto comma = w.size() >= 2 ? w[1].find(',') : std::string::npos;
    if ((k != 'I' && k != 'L' && k != 'S' && k != 'M') || w.size() != 2 || comma == std::string::npos ||
        !naiveHex(w[1].substr(0, comma), 64, address) || !naiveDecimal(w[1].substr(comma + 1), size) ||
        !sizeOk(address, size)) {
        r.bad = true;
        return r;
    }
    const auto s = static_cast<std::uint32_t>(size);
    r.accesses.push_back(Access{address, s, k == 'I' ? AccessKind::Fetch : k == 'S' ? AccessKind::Write : AccessKind::Read});
    if (k == 'M') r.accesses.push_back(Access{address, s, AccessKind::Write});
    return r;
}

struct NaiveTrace {
    std::vector<Access> accesses;   // up to the first bad line
    std::uint64_t records = 0;
    std::uint64_t skipped = 0;
    std::optional<std::uint64_t> badLine;  // 1-based
    std::string badText;
};

NaiveTrace naiveRead(TraceFormat format, const std::string& text) {
    NaiveTrace t;
    std::uint64_t number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        const bool last = nl == std::string::npos;
        if (last) nl = text.size();
        std::string line = text.substr(start, nl - start);
        start = nl + 1;
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const NaiveLine p = naiveParse(format, line);
        if (p.bad) {
            t.badLine = number;
            t.badText = line;
            return t;
        }
        t.skipped += p.skipped ? 1 : 0;
        if (!p.accesses.empty()) ++t.records;
        t.accesses.insert(t.accesses.end(), p.accesses.begin(), p.accesses.end());
    }
    return t;
}

// ---- random traces ---------------------------------------------------------------------------

std::string hexOf(std::uint64_t v, bool upper) {
    std::ostringstream os;
    if (upper) os << std::uppercase;
    os << std::hex << v;
    return os.str();
}

/// One line: usually a plain record, sometimes a legal variant, rarely (1 in `badEvery`) a bad one.
std::string randomLine(std::mt19937_64& rng, TraceFormat format, unsigned badEvery) {
    auto pick = [&](std::initializer_list<const char*> v) { return std::string(*(v.begin() + rng() % v.size())); };
    const unsigned style = static_cast<unsigned>(rng() % 100);
    const std::string sep = style < 80 ? " " : pick({"\t", "  ", " \t", "\t\t "});
    const std::string lead = style < 90 ? "" : pick({" ", "\t", "  "});
    const std::string trail = rng() % 10 != 0 ? "" : pick({" ", "\t", " # note", "\t#"});
    std::uint64_t address = 0;
    switch (rng() % 5) {
    case 0: address = rng() % 0x10000; break;
    case 1: address = 0x10000000 + (rng() % 0x1000000); break;
    case 2: address = rng(); break;  // up to 16 digits
    case 3: address = 0x7ff000000000ULL + (rng() % 0x100000000ULL); break;
    default: address = rng() % 0x100000000ULL; break;
    }
    std::string a = hexOf(address, rng() % 8 == 0);
    if (rng() % 8 == 0) a = std::string(rng() % 6, '0') + a;  // leading zeros (maybe past 16 digits)
    if (rng() % 6 == 0) a = pick({"0x", "0X"}) + a;
    if (rng() % 10 == 0) {
        if (rng() % 3 == 0) return pick({"", "#", "   ", "# comment", "\t"});
        if (format == TraceFormat::Lackey && rng() % 2 == 0) return pick({"==12== Memcheck", "--1-- note", "hello world", "total 12"});
    }
    std::string line;
    if (format == TraceFormat::Din) {
        line = lead + pick({"0", "1", "2", "3"}) + sep + a;
        if (rng() % 2 == 0) line += sep + hexOf(1 + rng() % (rng() % 4 == 0 ? 65536 : 16), rng() % 4 == 0);
    } else if (format == TraceFormat::Text) {
        line = lead + pick({"R", "W", "I", "r", "w", "i"}) + sep + a;
        if (rng() % 2 == 0) line += sep + std::to_string(1 + rng() % (rng() % 4 == 0 ? 65536 : 16));
    } else {
        line = lead + pick({"I ", " L", " S", " M"}) + sep + a + "," + std::to_string(1 + rng() % 16);
    }
    line += trail;
    if (badEvery != 0 && rng() % badEvery == 0) {
        switch (rng() % 7) {
        case 0: line += " x"; break;
        case 1: line = pick({"5", "Q", "RW", "4"}) + " 10"; break;
        case 2: line = line.substr(0, 1); break;
        case 3: line += "g"; break;
        case 4: line = lead + (format == TraceFormat::Din ? "0 " : format == TraceFormat::Text ? "R " : " L ") +
                       "fffffffffffffffff" + (format == TraceFormat::Lackey ? ",4" : ""); break;
        case 5: line = std::string(4100, ' ') + line; break;  // too long, though a record
        default: line += format == TraceFormat::Lackey ? "0000000000" : " 0"; break;
        }
    }
    return line;
}

std::string randomTrace(std::mt19937_64& rng, TraceFormat format, std::size_t lines, unsigned badEvery) {
    std::string text;
    const bool crlf = rng() % 4 == 0;
    for (std::size_t i = 0; i < lines; ++i) {
        text += randomLine(rng, format, badEvery);
        if (i + 1 < lines || rng() % 2 == 0) text += crlf ? "\r\n" : "\n";
    }
    return text;
}

}  // namespace

TEST_CASE("block parsing: random traces read as the naive parser reads them, any buffer and span size") {
    std::mt19937_64 rng(20261206);
    int withErrors = 0;
    int clean = 0;
    for (const TraceFormat format : {TraceFormat::Din, TraceFormat::Text, TraceFormat::Lackey}) {
        for (int round = 0; round < 60; ++round) {
            const unsigned badEvery = round % 3 == 0 ? 0 : 400;
            const std::string text = randomTrace(rng, format, 50 + rng() % 1500, badEvery);
            const NaiveTrace want = naiveRead(format, text);
            (want.badLine ? withErrors : clean)++;
            const std::size_t blockSize = std::initializer_list<std::size_t>{1, 7, 64, 1000, 70000}.begin()[rng() % 5];
            const std::size_t span = std::initializer_list<std::size_t>{1, 2, 3, 255, 4096}.begin()[rng() % 5];
            CAPTURE(cachescope::testing::formatName(format));
            CAPTURE(round);
            CAPTURE(blockSize);
            CAPTURE(span);
            auto reader =
                openTraceWithBlockSize(std::make_unique<std::istringstream>(text), "r.trace", format, blockSize);
            std::vector<Access> got;
            std::vector<Access> buf(span);
            std::string error;
            try {
                for (std::size_t n; (n = reader->read(buf)) > 0;) got.insert(got.end(), buf.begin(), buf.begin() + n);
            } catch (const TraceError& e) {
                error = e.what();
            }
            if (want.badLine) {
                // The message names the first bad line and says what the single-line parser says.
                const std::string problem = want.badText.size() > LineReader::kMaxLineLength
                                                ? "line too long"
                                                : std::string(format == TraceFormat::Din    ? parseDinLine(want.badText).problem
                                                              : format == TraceFormat::Text ? parseTextLine(want.badText).problem
                                                                                            : parseLackeyLine(want.badText).problem);
                CHECK(error.rfind("r.trace:" + std::to_string(*want.badLine) + ": " + problem + ": found \"", 0) == 0);
                // What came before the error is a prefix of the good records.
                REQUIRE(got.size() <= want.accesses.size());
                CHECK(std::equal(got.begin(), got.end(), want.accesses.begin()));
            } else {
                CHECK(error.empty());
                CHECK(got == want.accesses);
                CHECK(reader->records() == want.records);
                CHECK(reader->skippedLines() == want.skipped);
            }
        }
    }
    CHECK(withErrors > 20);  // both kinds of traces were exercised
    CHECK(clean > 20);
}

TEST_CASE("block parsing: a plain record split across two reads of the buffer, at every byte") {
    // "1 10024000 4\n" repeated: with a block size of 1 to 40 bytes, every record is split at
    // every position across refills, and the first line after a refill takes the general path.
    std::string text;
    std::vector<Access> want;
    for (std::uint64_t i = 0; i < 40; ++i) {
        text += std::to_string(i % 3) + " " + hexOf(0x10024000 + 8 * i, false) + " 4\n";
        want.push_back(Access{0x10024000 + 8 * i, 4, i % 3 == 1 ? AccessKind::Write : i % 3 == 2 ? AccessKind::Fetch : AccessKind::Read});
    }
    for (std::size_t block = 1; block <= 40; ++block) {
        CAPTURE(block);
        auto reader = openTraceWithBlockSize(std::make_unique<std::istringstream>(text), "s.din", TraceFormat::Din, block);
        CHECK(cachescope::testing::readAll(*reader, 5) == want);
        CHECK(reader->records() == 40);
    }
}

TEST_CASE("block parsing: hex digits at every length and every letter case") {
    // 1 to 16 digits, with and without leading zeros past 16 (accepted: leading zeros do not
    // count), every digit value at every position; 17 significant digits is an overflow.
    std::mt19937_64 rng(7);
    for (unsigned digits = 1; digits <= 16; ++digits) {
        for (int round = 0; round < 50; ++round) {
            std::string a;
            std::uint64_t v = 0;
            for (unsigned i = 0; i < digits; ++i) {
                const unsigned d = static_cast<unsigned>(rng() % 16);
                v = v * 16 + d;
                a += "0123456789abcdefABCDEF"[d < 10 ? d : (rng() % 2 == 0 ? d : d + 6)];
            }
            const std::string zeros(round % 3 == 0 ? 3 : 0, '0');
            const std::string line = "R " + zeros + a + " 1\n";
            CAPTURE(line);
            const std::vector<Access> got = cachescope::testing::readString(line, TraceFormat::Text);
            REQUIRE(got.size() == 1);
            CHECK(got[0].address == v);
        }
    }
    CHECK_THROWS_WITH_AS(cachescope::testing::readString("R 1ffffffffffffffff\n", TraceFormat::Text),
                         doctest::Contains("address does not fit in 64 bits"), TraceError);
    CHECK_THROWS_WITH_AS(cachescope::testing::readString("0 10 100000000\n", TraceFormat::Din),
                         doctest::Contains("size does not fit in 32 bits"), TraceError);
}
