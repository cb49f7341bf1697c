// Line parsing for the three trace formats, in one translation unit so that the per-line parser
// is inlined into each format's read() loop. Each format has a general parser (tokens, comments,
// one named problem per kind of mistake) and a fast path that accepts only plain valid records
// in a single pass and otherwise defers to the general parser; a test checks that both agree.

#include "cachescope/trace/line_parsers.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
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

/// The optional process field "p<id>" (docs/trace-format.md) into `process`; returns the problem.
std::string_view readProcess(std::string_view tok, std::uint32_t& process) {
    process = 0;
    const std::string_view digits = tok.substr(1);
    if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string_view::npos)
        return "bad process field (expected p and a process id from 0 to 255, such as p1)";
    for (const char c : digits) process = process * 10 + static_cast<std::uint32_t>(c - '0');
    if (process >= kMaxProcesses) return "process id too large (expected at most 255: a run holds up to 256 processes)";
    return {};
}

constexpr std::string_view kExpectedMsync = R"("msync <hex address> <size in bytes, 1 to 2^48> [p<process>]")";

/// "msync 0x<address> <size> [p<process>]": a control event (trace/event.hpp), size in decimal
/// bytes as an access's, 1 to kMaxMsyncSize.
LineParse msyncLine(Fields& f) {
    auto bad = [](std::string_view problem) {
        LineParse r = fail(problem);
        r.expected = kExpectedMsync;
        return r;
    };
    std::uint64_t address = 0;
    if (const auto p = readAddress(f.next(), address); !p.empty()) return bad(p);
    const std::string_view sizeTok = f.next();
    if (sizeTok.empty() || sizeTok[0] == 'p' || sizeTok[0] == 'P') return bad("missing msync size");
    std::uint64_t size = 0;
    switch (parseDecimal(sizeTok, kMaxMsyncSize, size)) {
    case Num::Ok: break;
    case Num::Bad: return bad("bad msync size (not a decimal number)");
    case Num::Overflow: return bad("msync size too large (at most 2^48 bytes)");
    }
    if (size == 0) return bad("msync size must be at least 1");
    if (size - 1 > kMaxAddress - address) return bad("msync range runs past the end of the 64-bit address space");
    std::uint32_t process = 0;
    if (const std::string_view tok = f.next(); !tok.empty()) {
        if (tok[0] != 'p' && tok[0] != 'P') return bad(kExtraField);
        if (const auto p = readProcess(tok, process); !p.empty()) return bad(p);
    }
    if (!f.next().empty()) return bad(kExtraField);
    LineParse r;
    r.isEvent = true;
    r.event = TraceEvent{0, TraceEventKind::Msync, static_cast<std::uint8_t>(process), address, size};
    return r;
}

LineParse slowTextLine(std::string_view line) {
    Fields f(stripComment(line));
    const std::string_view kindTok = f.next();
    if (kindTok.empty()) return {};
    if (kindTok == "msync") return msyncLine(f);
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
    std::string_view tok = f.next();
    if (!tok.empty() && tok[0] != 'p' && tok[0] != 'P') {
        if (const auto p = readSize(tok, false, size); !p.empty()) return fail(p);
        tok = f.next();
    }
    // The optional process field: "p" and a decimal process id (docs/trace-format.md).
    std::uint32_t process = 0;
    if (!tok.empty()) {
        if (tok[0] != 'p' && tok[0] != 'P') return fail(kExtraField);
        if (const auto p = readProcess(tok, process); !p.empty()) return fail(p);
    }
    if (!f.next().empty()) return fail(kExtraField);
    LineParse r = one(address, size, kind);
    if (r.count == 1) r.accesses[0].process = static_cast<std::uint8_t>(process);
    return r;
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
//
// They parse straight from the line reader's buffer (LineReader::buffered()): `p` is the start of
// a line that ends in '\n' somewhere ahead, so the '\n' (never a digit, a blank or a kind) stops
// every scan and no per-line length or memchr is needed. A record is a valid line of at most
// kMaxLineLength bytes, which the caller checks from the returned end. They return the pointer
// past the line's '\n' (a "\r\n" ending is accepted, as LineReader does), or nullptr.

constexpr const char* skipBlanks(const char* p) {
    while (isBlank(*p)) ++p;
    return p;
}

/// The end of the line at p ("\n" or "\r\n"): the pointer past the '\n', or nullptr.
constexpr const char* endOfLine(const char* p) {
    if (*p == '\r') ++p;
    return *p == '\n' ? p + 1 : nullptr;
}

/// The hex digits at the start of the 8 bytes at p: returns how many (0 to 8) and sets v to their
/// value. Eight bytes at once (SWAR): each byte is classified as a digit or a letter a-f / A-F
/// without branches, the digits' values packed pairwise. The bytes after the first non-digit may
/// be anything (the line's end and the buffer's padding): they are masked out.
inline unsigned hex8(const char* p, std::uint64_t& v) {
    static_assert(std::endian::native == std::endian::little, "hex8 reads the first character as the lowest byte");
    constexpr std::uint64_t k01 = 0x0101010101010101ULL, k7f = k01 * 0x7f, k80 = k01 * 0x80;
    std::uint64_t c = 0;
    std::memcpy(&c, p, 8);
    const std::uint64_t low = c & k7f;  // no carries between bytes below
    const std::uint64_t d = low ^ (k01 * 0x30);  // '0'..'9' -> 0..9
    const std::uint64_t isDigit = ~(d + k01 * 0x76);  // high bit: d < 10
    const std::uint64_t l = (low | (k01 * 0x20)) ^ (k01 * 0x60);  // 'a'..'f', 'A'..'F' -> 1..6
    const std::uint64_t isLetter = (l + k7f) & ~(l + k01 * 0x79);  // high bit: 1 <= l <= 6
    const std::uint64_t stop = ~((isDigit | isLetter) & ~c) & k80;  // & ~c: bytes >= 0x80 are not ASCII
    const unsigned n = stop == 0 ? 8 : static_cast<unsigned>(std::countr_zero(stop)) / 8;
    if (n == 0) return 0;
    // Digit values (letters have bit 6 set: 'a' & 0xf = 1, + 9 = 10), the first n bytes kept and
    // reversed so the last digit is the lowest byte, then nibbles packed pairwise.
    std::uint64_t x = (c & (k01 * 0x0f)) + ((c >> 6) & k01) * 9;
    x = __builtin_bswap64(x << (8 * (8 - n)));
    x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
    v = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
    return n;
}

/// An optional "0x" and 1..16 hex digits, leading zeros included, into v; the pointer after them,
/// or nullptr. Reads up to 16 bytes past p (LineReader::kPadding).
inline const char* hexAddress(const char* p, std::uint64_t& v) {
    if (p[0] == '0' && (p[1] | 0x20) == 'x') p += 2;  // p[1] exists: the line goes on to its '\n'
    std::uint64_t x = 0;
    const unsigned n = hex8(p, x);
    v = x;
    if (n != 8) return n != 0 ? p + n : nullptr;
    if (kHexTable[static_cast<unsigned char>(p[8])] < 0) return p + 8;  // exactly 8 digits: common
    std::uint64_t y = 0;
    const unsigned m = hex8(p + 8, y);
    if (m == 8 && kHexTable[static_cast<unsigned char>(p[16])] >= 0) return nullptr;  // over 16 digits
    v = (x << (4 * m)) | y;
    return p + 8 + m;
}

/// An optional "0x" and 1..8 hex digits (din's extended size, usually one or two digits) into v;
/// the pointer after them, or nullptr.
inline const char* hexSize(const char* p, std::uint64_t& v) {
    if (p[0] == '0' && (p[1] | 0x20) == 'x') p += 2;
    const char* const b = p;
    std::uint64_t x = 0;
    for (int d; (d = kHexTable[static_cast<unsigned char>(*p)]) >= 0; ++p) x = (x << 4) | static_cast<std::uint64_t>(d);
    v = x;
    const std::ptrdiff_t n = p - b;
    return n >= 1 && n <= 8 ? p : nullptr;
}

/// 1..9 decimal digits (so the value fits in 32 bits) into v; the pointer after them, or nullptr.
inline const char* decimalDigits(const char* p, std::uint32_t& v) {
    const char* const b = p;
    std::uint32_t x = 0;
    for (unsigned d; (d = static_cast<unsigned char>(*p) - unsigned{'0'}) <= 9; ++p) x = x * 10 + d;
    v = x;
    const std::ptrdiff_t n = p - b;
    return n >= 1 && n <= 9 ? p : nullptr;
}

inline bool fits(std::uint64_t address, std::uint64_t size) {
    return size != 0 && size <= kMaxReferenceSize && size - 1 <= kMaxAddress - address;
}

/// One plain record of format F at p into out[0] (and out[1] for a Lackey "M": count 2).
template <TraceFormat F>
inline const char* fastRecord(const char* p, Access* out, unsigned& count) {
    p = skipBlanks(p);
    AccessKind kind = AccessKind::Read;
    const char k = *p++;
    if constexpr (F == TraceFormat::Din) {
        switch (k) {
        case '0':
        case '3': kind = AccessKind::Read; break;
        case '1': kind = AccessKind::Write; break;
        case '2': kind = AccessKind::Fetch; break;
        default: return nullptr;
        }
    } else if constexpr (F == TraceFormat::Text) {
        switch (k) {
        case 'R':
        case 'r': kind = AccessKind::Read; break;
        case 'W':
        case 'w': kind = AccessKind::Write; break;
        case 'I':
        case 'i': kind = AccessKind::Fetch; break;
        default: return nullptr;
        }
    } else {
        switch (k) {
        case 'I': kind = AccessKind::Fetch; break;
        case 'L':
        case 'M': kind = AccessKind::Read; break;
        case 'S': kind = AccessKind::Write; break;
        default: return nullptr;
        }
    }
    if (!isBlank(*p)) return nullptr;
    std::uint64_t address = 0;
    p = hexAddress(skipBlanks(p), address);
    if (p == nullptr) return nullptr;
    std::uint64_t size = 0;
    const char* end = nullptr;
    if constexpr (F == TraceFormat::Lackey) {
        std::uint32_t decimal = 0;
        if (*p != ',' || (p = decimalDigits(p + 1, decimal)) == nullptr) return nullptr;
        size = decimal;
        end = endOfLine(skipBlanks(p));
    } else {
        const char* const q = skipBlanks(p);
        end = endOfLine(q);
        if (end != nullptr) {  // no size: din's classic record (4 bytes at the address rounded down to 4), text's 1 byte
            if constexpr (F == TraceFormat::Din) address &= ~std::uint64_t{3};
            size = F == TraceFormat::Din ? 4 : 1;
        } else {
            if (q == p) return nullptr;  // the size must be a field of its own
            if constexpr (F == TraceFormat::Din) {
                p = hexSize(q, size);  // extended din: hex size, the address as is
            } else {
                std::uint32_t decimal = 0;
                p = decimalDigits(q, decimal);
                size = decimal;
            }
            if (p == nullptr) return nullptr;
            end = endOfLine(skipBlanks(p));
        }
    }
    if (end == nullptr || !fits(address, size)) return nullptr;
    out[0] = Access{address, static_cast<std::uint32_t>(size), kind};
    count = 1;
    if constexpr (F == TraceFormat::Lackey) {
        if (k == 'M') {  // modify = a load then a store of the same bytes
            out[1] = Access{address, static_cast<std::uint32_t>(size), AccessKind::Write};
            count = 2;
        }
    }
    return end;
}

/// Plain records from p (whole lines up to `end`) into w, while w < last (room for a whole record
/// there), stopping at the first line that is not one; returns where it stopped, counts the lines
/// taken. Kept apart from read() so the loop's state stays in registers.
template <TraceFormat F>
[[gnu::noinline]] const char* fastRecords(const char* p, const char* const end, Access*& out, Access* const last, std::uint64_t& lines) {
    Access* w = out;
    std::uint64_t taken = 0;
    while (w < last && p != end) {
        unsigned count = 0;
        const char* const next = fastRecord<F>(p, w, count);
        if (next == nullptr || next - p > static_cast<std::ptrdiff_t>(LineReader::kMaxLineLength + 1)) [[unlikely]]
            break;
        p = next;
        w += count;
        ++taken;
    }
    out = w;
    lines = taken;
    return p;
}

/// Longest line the single-line parsers (parseDinLine ...) try on the fast path; longer plain
/// records are rare and the general parser reads them the same.
constexpr std::size_t kFastLineMax = 256;

/// One line of format F, fast path first. The line is copied with a '\n' after it, as the fast
/// path needs; a line holding '\r' or '\n' goes to the general parser, which reads them as text.
template <TraceFormat F>
LineParse parseLine(std::string_view line) {
    if (line.size() <= kFastLineMax && line.find_first_of("\r\n") == std::string_view::npos) {
        char buf[kFastLineMax + 1 + LineReader::kPadding] = {};
        std::memcpy(buf, line.data(), line.size());
        buf[line.size()] = '\n';
        LineParse r;
        if (fastRecord<F>(buf, r.accesses.data(), r.count) != nullptr) [[likely]]
            return r;
    }
    if constexpr (F == TraceFormat::Text) return slowTextLine(line);
    else if constexpr (F == TraceFormat::Din) return slowDinLine(line);
    else return slowLackeyLine(line);
}

/// Reads one format: plain records straight from the line reader's buffer (fastRecord), every
/// other line one at a time through LineReader::next() and the general parser.
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
        // Room for a whole record: a Lackey "M" needs two accesses.
        constexpr std::size_t kMaxPerRecord = F == TraceFormat::Lackey ? 2 : 1;
        const std::size_t room = out.size() < kMaxPerRecord ? 0 : out.size() - (kMaxPerRecord - 1);
        Access* const o = out.data();
        while (n < out.size()) {
            const std::string_view buffered = lines_.buffered();
            const char* p = buffered.data();
            const char* const end = p + buffered.size();
            std::uint64_t lines = 0;
            if (n < room) {
                Access* w = o + n;
                p = fastRecords<F>(p, end, w, o + room, lines);
                n = static_cast<std::size_t>(w - o);
            }
            lines_.skip(static_cast<std::size_t>(p - buffered.data()), lines);
            records_ += lines;
            if (n == out.size()) break;
            // Anything else: one line through next() (which reads more, or reports an over-long line).
            std::string_view line;
            if (!lines_.next(line)) break;
            const LineParse r = parseLine<F>(line);
            if (!r.problem.empty()) [[unlikely]]
                throw TraceError(traceErrorMessage(lines_.name(), lines_.lineNumber(), r.problem, line,
                                                   r.expected.empty() ? expectedRecord(F) : r.expected));
            if (r.isEvent) {  // text only: one access per record, so records_ accesses came before it
                if (events_ != nullptr) {
                    TraceEvent e = r.event;
                    e.position = records_;
                    events_->onTraceEvent(e);
                }
                continue;
            }
            if (r.count == 0) {
                skipped_ += r.skipped ? 1 : 0;
                continue;
            }
            ++records_;
            out[n++] = r.accesses[0];
            if (r.count == 2) {
                if (n < out.size()) {
                    out[n++] = r.accesses[1];
                } else {
                    pending_ = r.accesses[1];
                    hasPending_ = true;
                }
            }
        }
        return n;
    }

    TraceFormat format() const override { return F; }
    std::uint64_t records() const override { return records_; }
    std::uint64_t skippedLines() const override { return skipped_; }
    void setEventSink(TraceEventSink* sink) override { events_ = sink; }

private:
    LineReader lines_;
    TraceEventSink* events_ = nullptr;
    Access pending_{};  // the store half of a Lackey "M" that did not fit in the caller's span
    bool hasPending_ = false;
    std::uint64_t records_ = 0;
    std::uint64_t skipped_ = 0;
};

}  // namespace

LineParse parseTextLine(std::string_view line) { return parseLine<TraceFormat::Text>(line); }
LineParse parseDinLine(std::string_view line) { return parseLine<TraceFormat::Din>(line); }
LineParse parseLackeyLine(std::string_view line) { return parseLine<TraceFormat::Lackey>(line); }

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
    case TraceFormat::Text: return R"("<R|W|I> <hex address> [size] [p<process>]")";
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
    if (first == "msync") return TraceFormat::Text;  // only the text format has control events
    if (first.size() != 1 || !isHexToken(second)) return std::nullopt;
    const char c = first[0];
    if (c >= '0' && c <= '4') return TraceFormat::Din;
    if (c == 'R' || c == 'r' || c == 'W' || c == 'w' || c == 'I' || c == 'i') return TraceFormat::Text;
    return std::nullopt;
}

}  // namespace cachescope
