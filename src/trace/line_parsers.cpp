// Line parsing for the three trace formats, in one translation unit so that the per-line parser
// is inlined into each format's read() loop. Each format has a general parser (tokens, comments,
// one named problem per kind of mistake) and a fast path that accepts only plain valid records
// in a single pass and otherwise defers to the general parser; a test checks that both agree.

#include "cachescope/trace/line_parsers.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>

#include "cachescope/core/error.hpp"

namespace cachescope {

namespace {

constexpr bool isBlank(char c) { return c == ' ' || c == '\t'; }

constexpr int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// The line without a '#' comment.
std::string_view stripComment(std::string_view line) {
    const auto hash = line.find('#');
    return hash == std::string_view::npos ? line : line.substr(0, hash);
}

/// Walks the space/tab-separated fields of a line.
class Fields {
public:
    explicit Fields(std::string_view line) : p_(line.data()), e_(line.data() + line.size()) {}
    /// The next field, or an empty view when there is none.
    std::string_view next() {
        while (p_ != e_ && isBlank(*p_)) ++p_;
        const char* b = p_;
        while (p_ != e_ && !isBlank(*p_)) ++p_;
        return {b, static_cast<std::size_t>(p_ - b)};
    }

private:
    const char* p_;
    const char* e_;
};

enum class Num : std::uint8_t { Ok, Bad, Overflow };

std::string_view withoutHexPrefix(std::string_view tok) {
    if (tok.size() >= 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) tok.remove_prefix(2);
    return tok;
}

/// Digit values of the 256 byte values: 0-15 for hex digits, -1 otherwise (one load per
/// character, no branches: random hex digits would mispredict a digit/letter test).
constexpr std::array<std::int8_t, 256> kHexTable = [] {
    std::array<std::int8_t, 256> t{};
    for (int c = 0; c < 256; ++c)
        t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(hexValue(static_cast<char>(c)));
    return t;
}();

/// Hex digits with an optional "0x"; `max` is the largest value allowed.
Num parseHex(std::string_view tok, std::uint64_t max, std::uint64_t& value) {
    tok = withoutHexPrefix(tok);
    if (tok.empty()) return Num::Bad;
    std::size_t i = 0;
    while (i < tok.size() && tok[i] == '0') ++i;  // leading zeros do not count towards 16 digits
    std::uint64_t v = 0;
    int bad = 0;
    for (std::size_t j = i; j < tok.size(); ++j) {
        const int d = kHexTable[static_cast<unsigned char>(tok[j])];
        bad |= d;  // negative (sign bit set) if any character is not a hex digit
        v = (v << 4) | static_cast<std::uint64_t>(d & 0xf);
    }
    if (bad < 0) return Num::Bad;
    if (tok.size() - i > 16 || v > max) return Num::Overflow;
    value = v;
    return Num::Ok;
}

/// Decimal digits only; `max` is the largest value allowed.
Num parseDecimal(std::string_view tok, std::uint64_t max, std::uint64_t& value) {
    if (tok.empty()) return Num::Bad;
    std::size_t i = 0;
    while (i < tok.size() && tok[i] == '0') ++i;
    std::uint64_t v = 0;
    unsigned bad = 0;
    for (std::size_t j = i; j < tok.size(); ++j) {
        const unsigned d = static_cast<unsigned char>(tok[j]) - unsigned{'0'};
        bad |= d > 9 ? 1U : 0U;
        v = v * 10 + d;
    }
    if (bad != 0) return Num::Bad;
    if (tok.size() - i > 19 || v > max) return Num::Overflow;  // 19 digits cannot overflow 64 bits
    value = v;
    return Num::Ok;
}

constexpr std::uint64_t kMaxAddress = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kMaxSize = std::numeric_limits<std::uint32_t>::max();

constexpr std::string_view kBadAddress = "bad address";
constexpr std::string_view kAddressOverflow = "address does not fit in 64 bits";
constexpr std::string_view kMissingAddress = "missing address";
constexpr std::string_view kSizeZero = "size must be at least 1";
constexpr std::string_view kSizeOverflow = "size does not fit in 32 bits";
constexpr std::string_view kSizeTooLarge = "size too large: a reference is at most 65536 bytes";
static_assert(kMaxReferenceSize == 65536, "kSizeTooLarge names the limit");
constexpr std::string_view kPastEnd = "access runs past the end of the 64-bit address space";
constexpr std::string_view kExtraField = "unexpected extra field";

LineParse fail(std::string_view problem) {
    LineParse r;
    r.problem = problem;
    return r;
}

/// Address field into `address`; returns the problem or an empty view.
std::string_view readAddress(std::string_view tok, std::uint64_t& address) {
    if (tok.empty()) return kMissingAddress;
    switch (parseHex(tok, kMaxAddress, address)) {
    case Num::Ok: return {};
    case Num::Bad: return kBadAddress;
    case Num::Overflow: return kAddressOverflow;
    }
    return kBadAddress;
}

/// Size field (hex or decimal) into `size`, >= 1; returns the problem or an empty view.
std::string_view readSize(std::string_view tok, bool hex, std::uint32_t& size) {
    std::uint64_t v = 0;
    const Num n = hex ? parseHex(tok, kMaxSize, v) : parseDecimal(tok, kMaxSize, v);
    if (n == Num::Bad) return hex ? "bad size (not a hex number)" : "bad size (not a decimal number)";
    if (n == Num::Overflow) return kSizeOverflow;
    if (v == 0) return kSizeZero;
    if (v > kMaxReferenceSize) return kSizeTooLarge;
    size = static_cast<std::uint32_t>(v);
    return {};
}

LineParse one(std::uint64_t address, std::uint32_t size, AccessKind kind) {
    LineParse r;
    if (size - 1 > kMaxAddress - address) return fail(kPastEnd);
    r.count = 1;
    r.accesses[0] = Access{address, size, kind};
    return r;
}

bool isHexToken(std::string_view tok) {
    tok = withoutHexPrefix(tok);
    if (tok.empty()) return false;
    for (const char c : tok)
        if (hexValue(c) < 0) return false;
    return true;
}

bool startsWithValgrindMessage(std::string_view line) {
    return line.size() >= 2 && ((line[0] == '=' && line[1] == '=') || (line[0] == '-' && line[1] == '-'));
}

LineParse slowTextLine(std::string_view line) {
    Fields f(stripComment(line));
    const std::string_view kindTok = f.next();
    if (kindTok.empty()) return {};
    AccessKind kind = AccessKind::Read;
    if (kindTok.size() != 1) return fail("unknown access kind");
    switch (kindTok[0]) {
    case 'R':
    case 'r': kind = AccessKind::Read; break;
    case 'W':
    case 'w': kind = AccessKind::Write; break;
    case 'I':
    case 'i': kind = AccessKind::Fetch; break;
    default: return fail("unknown access kind");
    }
    std::uint64_t address = 0;
    if (const auto p = readAddress(f.next(), address); !p.empty()) return fail(p);
    std::uint32_t size = 1;
    if (const auto sizeTok = f.next(); !sizeTok.empty())
        if (const auto p = readSize(sizeTok, false, size); !p.empty()) return fail(p);
    if (!f.next().empty()) return fail(kExtraField);
    return one(address, size, kind);
}

LineParse slowDinLine(std::string_view line) {
    Fields f(stripComment(line));
    const std::string_view label = f.next();
    if (label.empty()) return {};
    if (label.size() != 1 || label[0] < '0' || label[0] > '4') return fail("unknown label");
    AccessKind kind = AccessKind::Read;
    switch (label[0]) {
    case '0':
    case '3': kind = AccessKind::Read; break;  // 3: Dinero's "misc" read, treated as a data read
    case '1': kind = AccessKind::Write; break;
    case '2': kind = AccessKind::Fetch; break;
    default: return fail("cache flush (label 4) is not supported");
    }
    std::uint64_t address = 0;
    if (const auto p = readAddress(f.next(), address); !p.empty()) return fail(p);
    const std::string_view sizeTok = f.next();
    if (!f.next().empty()) return fail(kExtraField);
    if (sizeTok.empty()) {  // classic din: as Dinero IV, 4 bytes at the address rounded down to 4
        return one(address & ~std::uint64_t{3}, 4, kind);
    }
    std::uint32_t size = 0;  // extended din: the address as is, hex size
    if (const auto p = readSize(sizeTok, true, size); !p.empty()) return fail(p);
    return one(address, size, kind);
}

LineParse slowLackeyLine(std::string_view line) {
    if (startsWithValgrindMessage(line)) return {};
    Fields f(stripComment(line));
    const std::string_view kindTok = f.next();
    if (kindTok.empty()) return {};
    if (kindTok.size() != 1) {  // not a record: the traced program's own output ("bin", "total 12")
        LineParse r;
        r.skipped = true;
        return r;
    }
    const char k = kindTok[0];
    if (k != 'I' && k != 'L' && k != 'S' && k != 'M') return fail("unknown access kind");
    const std::string_view pair = f.next();
    if (pair.empty()) return fail(kMissingAddress);
    const auto comma = pair.find(',');
    if (comma == std::string_view::npos) return fail("missing ',' between address and size");
    std::uint64_t address = 0;
    if (const auto p = readAddress(pair.substr(0, comma), address); !p.empty()) return fail(p);
    const std::string_view sizeTok = pair.substr(comma + 1);
    if (sizeTok.empty()) return fail("missing size");
    std::uint32_t size = 0;
    if (const auto p = readSize(sizeTok, false, size); !p.empty()) return fail(p);
    if (!f.next().empty()) return fail(kExtraField);
    const AccessKind kind = k == 'I' ? AccessKind::Fetch : k == 'S' ? AccessKind::Write : AccessKind::Read;
    LineParse r = one(address, size, kind);
    if (k == 'M' && r.count == 1) {  // modify = a load then a store of the same bytes
        r.count = 2;
        r.accesses[1] = Access{address, size, AccessKind::Write};
    }
    return r;
}

// ---- Fast paths -------------------------------------------------------------------------------
// Each accepts only a plainly valid record (no comment, 1-16 hex digits, a small size) in one
// pass over the characters, and otherwise gives up; the general parser above then handles the
// line (comments, blank lines, long numbers) and names the problem. So the fast paths change the
// speed only, never the result.

class Scanner {
public:
    explicit Scanner(std::string_view line) : p_(line.data()), e_(line.data() + line.size()) {}
    bool atEnd() const { return p_ == e_; }
    char peek() const { return *p_; }  // only when !atEnd()
    char take() { return *p_++; }
    /// Skips blanks; true if there was at least one.
    bool blanks() {
        const char* b = p_;
        while (p_ != e_ && isBlank(*p_)) ++p_;
        return p_ != b;
    }
    /// Optional 0x and 1..maxDigits hex digits (leading zeros included).
    bool hex(std::uint64_t& v, std::ptrdiff_t maxDigits) {
        if (e_ - p_ >= 2 && p_[0] == '0' && (p_[1] == 'x' || p_[1] == 'X')) p_ += 2;
        const char* b = p_;
        std::uint64_t x = 0;
        while (p_ != e_) {
            const int d = kHexTable[static_cast<unsigned char>(*p_)];
            if (d < 0) break;
            x = (x << 4) | static_cast<std::uint64_t>(d);
            ++p_;
        }
        const std::ptrdiff_t n = p_ - b;
        v = x;
        return n >= 1 && n <= maxDigits;
    }
    /// 1..9 decimal digits (so the value fits in 32 bits).
    bool decimal(std::uint32_t& v) {
        const char* b = p_;
        std::uint32_t x = 0;
        while (p_ != e_) {
            const unsigned d = static_cast<unsigned char>(*p_) - unsigned{'0'};
            if (d > 9) break;
            x = x * 10 + d;
            ++p_;
        }
        const std::ptrdiff_t n = p_ - b;
        v = x;
        return n >= 1 && n <= 9;
    }

private:
    const char* p_;
    const char* e_;
};

inline bool fits(std::uint64_t address, std::uint32_t size) {
    return size != 0 && size <= kMaxReferenceSize && size - 1 <= kMaxAddress - address;
}

inline bool set(LineParse& r, std::uint64_t address, std::uint32_t size, AccessKind kind) {
    if (!fits(address, size)) return false;
    r.count = 1;
    r.accesses[0] = Access{address, size, kind};
    return true;
}

inline bool fastTextLine(std::string_view line, LineParse& r) {
    Scanner s(line);
    s.blanks();
    if (s.atEnd()) return false;
    AccessKind kind = AccessKind::Read;
    switch (s.take()) {
    case 'R':
    case 'r': kind = AccessKind::Read; break;
    case 'W':
    case 'w': kind = AccessKind::Write; break;
    case 'I':
    case 'i': kind = AccessKind::Fetch; break;
    default: return false;
    }
    std::uint64_t address = 0;
    if (!s.blanks() || !s.hex(address, 16)) return false;
    std::uint32_t size = 1;
    if (!s.atEnd()) {
        if (!s.blanks()) return false;
        if (!s.atEnd()) {
            if (!s.decimal(size)) return false;
            s.blanks();
            if (!s.atEnd()) return false;
        }
    }
    return set(r, address, size, kind);
}

inline bool fastDinLine(std::string_view line, LineParse& r) {
    Scanner s(line);
    s.blanks();
    if (s.atEnd()) return false;
    AccessKind kind = AccessKind::Read;
    switch (s.take()) {
    case '0':
    case '3': kind = AccessKind::Read; break;
    case '1': kind = AccessKind::Write; break;
    case '2': kind = AccessKind::Fetch; break;
    default: return false;
    }
    std::uint64_t address = 0;
    if (!s.blanks() || !s.hex(address, 16)) return false;
    if (!s.atEnd()) {
        if (!s.blanks()) return false;
        if (!s.atEnd()) {  // extended din: hex size, address as is
            std::uint64_t size = 0;
            if (!s.hex(size, 8)) return false;
            s.blanks();
            if (!s.atEnd()) return false;
            return set(r, address, static_cast<std::uint32_t>(size), kind);
        }
    }
    return set(r, address & ~std::uint64_t{3}, 4, kind);
}

inline bool fastLackeyLine(std::string_view line, LineParse& r) {
    Scanner s(line);
    s.blanks();
    if (s.atEnd()) return false;
    const char k = s.take();
    if (k != 'I' && k != 'L' && k != 'S' && k != 'M') return false;
    std::uint64_t address = 0;
    std::uint32_t size = 0;
    if (!s.blanks() || !s.hex(address, 16) || s.atEnd() || s.take() != ',' || !s.decimal(size)) return false;
    s.blanks();
    if (!s.atEnd()) return false;
    const AccessKind kind = k == 'I' ? AccessKind::Fetch : k == 'S' ? AccessKind::Write : AccessKind::Read;
    if (!set(r, address, size, kind)) return false;
    if (k == 'M') {
        r.count = 2;
        r.accesses[1] = Access{address, size, AccessKind::Write};
    }
    return true;
}

inline LineParse textLine(std::string_view line) {
    LineParse r;
    if (fastTextLine(line, r)) [[likely]]
        return r;
    return slowTextLine(line);
}

inline LineParse dinLine(std::string_view line) {
    LineParse r;
    if (fastDinLine(line, r)) [[likely]]
        return r;
    return slowDinLine(line);
}

inline LineParse lackeyLine(std::string_view line) {
    LineParse r;
    if (fastLackeyLine(line, r)) [[likely]]
        return r;
    return slowLackeyLine(line);
}

/// Reads one format line by line; the per-line parser is chosen at compile time and inlined.
template <TraceFormat F>
class LineTraceReader final : public TraceReader {
public:
    explicit LineTraceReader(LineReader lines) : lines_(std::move(lines)) {}

    std::size_t read(std::span<Access> out) override {
        std::size_t n = 0;
        if (hasPending_ && !out.empty()) {
            out[n++] = pending_;
            hasPending_ = false;
        }
        std::string_view line;
        while (n < out.size() && lines_.next(line)) {
            const LineParse p = parse(line);
            if (!p.problem.empty()) [[unlikely]]
                throw TraceError(
                    traceErrorMessage(lines_.name(), lines_.lineNumber(), p.problem, line, expectedRecord(F)));
            if (p.count == 0) {
                skipped_ += p.skipped ? 1 : 0;
                continue;
            }
            ++records_;
            out[n++] = p.accesses[0];
            if (p.count == 2) {
                if (n < out.size()) {
                    out[n++] = p.accesses[1];
                } else {
                    pending_ = p.accesses[1];
                    hasPending_ = true;
                }
            }
        }
        return n;
    }

    TraceFormat format() const override { return F; }
    std::uint64_t records() const override { return records_; }
    std::uint64_t skippedLines() const override { return skipped_; }

private:
    static LineParse parse(std::string_view line) {
        if constexpr (F == TraceFormat::Text) return textLine(line);
        else if constexpr (F == TraceFormat::Din) return dinLine(line);
        else return lackeyLine(line);
    }

    LineReader lines_;
    Access pending_{};  // the store half of a Lackey "M" that did not fit in the caller's span
    bool hasPending_ = false;
    std::uint64_t records_ = 0;
    std::uint64_t skipped_ = 0;
};

}  // namespace

LineParse parseTextLine(std::string_view line) { return textLine(line); }
LineParse parseDinLine(std::string_view line) { return dinLine(line); }
LineParse parseLackeyLine(std::string_view line) { return lackeyLine(line); }

std::unique_ptr<TraceReader> makeLineTraceReader(LineReader lines, TraceFormat format) {
    switch (format) {
    case TraceFormat::Din: return std::make_unique<LineTraceReader<TraceFormat::Din>>(std::move(lines));
    case TraceFormat::Lackey: return std::make_unique<LineTraceReader<TraceFormat::Lackey>>(std::move(lines));
    case TraceFormat::Text: return std::make_unique<LineTraceReader<TraceFormat::Text>>(std::move(lines));
    case TraceFormat::Auto:
    case TraceFormat::Binary:
    case TraceFormat::Kernel: break;
    }
    throw std::invalid_argument("makeLineTraceReader: the format must be a line format");
}

std::string_view expectedRecord(TraceFormat format) {
    switch (format) {
    case TraceFormat::Text: return R"("<R|W|I> <hex address> [size]")";
    case TraceFormat::Din:
        return R"("<label> <hex address>" or "<label> <hex address> <hex size>" with label 0 (read), )"
               R"(1 (write), 2 (instruction fetch) or 3 (misc read))";
    case TraceFormat::Lackey: return R"("I  <hex address>,<size>" or " <L|S|M> <hex address>,<size>")";
    case TraceFormat::Auto:
    case TraceFormat::Binary:
    case TraceFormat::Kernel: break;
    }
    return "a text, din or lackey record";
}

std::optional<TraceFormat> detectLine(std::string_view line, bool& ignorable) {
    ignorable = false;
    if (startsWithValgrindMessage(line)) {
        ignorable = true;
        return std::nullopt;
    }
    std::size_t i = 0;
    while (i < line.size() && isBlank(line[i])) ++i;
    if (i == line.size() || line[i] == '#') {
        ignorable = true;
        return std::nullopt;
    }
    // Lackey: a kind letter, blanks, hex digits, ',', a decimal digit.
    {
        const char k = line[i];
        std::size_t j = i + 1;
        if ((k == 'I' || k == 'L' || k == 'S' || k == 'M') && j < line.size() && isBlank(line[j])) {
            while (j < line.size() && isBlank(line[j])) ++j;
            const std::size_t hexStart = j;
            while (j < line.size() && hexValue(line[j]) >= 0) ++j;
            if (j > hexStart && j + 1 < line.size() && line[j] == ',' && line[j + 1] >= '0' && line[j + 1] <= '9')
                return TraceFormat::Lackey;
        }
    }
    Fields f(stripComment(line));
    const std::string_view first = f.next();
    const std::string_view second = f.next();
    if (first.size() != 1 || !isHexToken(second)) return std::nullopt;
    const char c = first[0];
    if (c >= '0' && c <= '4') return TraceFormat::Din;
    if (c == 'R' || c == 'r' || c == 'W' || c == 'w' || c == 'I' || c == 'i') return TraceFormat::Text;
    return std::nullopt;
}

}  // namespace cachescope
