// The binary trace format: CRC-32, the byte-level worked example of docs/trace-format.md, round
// trips (random accesses, many streams, several blocks), metadata, format detection, compactness.

#include <doctest/doctest.h>

#include <cstring>
#include <fstream>
#include <streambuf>

#include "binary_test_util.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/policy/splitmix64.hpp"

using namespace cachescope;
using namespace cachescope::testing;

namespace {

// Bit-at-a-time CRC-32 straight from the definition: an independent model of the table version.
std::uint32_t naiveCrc32(const std::string& s) {
    std::uint32_t c = 0xFFFFFFFFU;
    for (const char ch : s) {
        c ^= static_cast<unsigned char>(ch);
        for (int i = 0; i < 8; ++i) c = (c & 1U) != 0 ? (c >> 1) ^ 0xEDB88320U : c >> 1;
    }
    return ~c;
}

std::vector<Access> randomAccesses(std::size_t n, std::uint64_t seed, unsigned streams, unsigned sites) {
    SplitMix64 rng(seed);
    std::vector<Access> protos;
    for (unsigned i = 0; i < streams; ++i) {
        const std::uint32_t sizes[] = {1, 2, 4, 8, 16, 64, 3, kMaxReferenceSize};
        protos.push_back(Access{rng.next(), sizes[rng.next() % 8], static_cast<AccessKind>(rng.next() % 3),
                                static_cast<std::uint16_t>(rng.next() % sites)});
    }
    std::vector<Access> out;
    for (std::size_t i = 0; i < n; ++i) {
        Access& p = protos[rng.next() % streams];
        const std::uint64_t r = rng.next();
        switch (r % 5) {
            case 0:
                break;  // same address
            case 1:
                p.address += p.size;
                break;  // next element
            case 2:
                p.address -= std::uint64_t{p.size} * (r >> 8 & 7);
                break;  // small step back
            case 3:
                p.address += (r >> 8) % 100000;
                break;  // any step
            default:
                p.address = (r >> 3) & 0x0FFFFFFFFFFFFFFFULL;
                break;  // anywhere
        }
        p.address = std::min<std::uint64_t>(p.address, ~std::uint64_t{0} - p.size + 1);  // stays inside 64 bits
        out.push_back(p);
    }
    return out;
}

TraceMetadata exampleMetadata() {
    TraceMetadata m;
    m.source = "kernel matmul n=2";
    m.kernel = "matmul";
    m.params = {{"n", "2"}, {"order", "ikj"}, {"elem", "4"}};  // not sorted: order must survive
    m.regions.push_back(Region{"A", 0x10000, 16, 4, {2, 2}, "row-major", {2, 1}});
    m.regions.push_back(Region{"B", 0x11000, 16, 4, {2, 2}, "row-major", {2, 1}});
    m.regions.push_back(Region{"code", 0x20000, 64, 1, {}, "", {}});
    m.addSite("load A[i][k]", 0, AccessKind::Read);
    m.addSite("store B[k][j]", 1, AccessKind::Write);
    m.addSite("fetch", 2, AccessKind::Fetch);
    return m;
}

/// An istream that cannot seek (like a pipe): tellg() gives -1.
class PipeBuf : public std::streambuf {
public:
    explicit PipeBuf(std::string s) : s_(std::move(s)) {}

protected:
    int_type underflow() override {
        if (gptr() != nullptr && gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (done_) return traits_type::eof();
        done_ = true;
        setg(s_.data(), s_.data(), s_.data() + s_.size());
        return s_.empty() ? traits_type::eof() : traits_type::to_int_type(*gptr());
    }

private:
    std::string s_;
    bool done_ = false;
};

class PipeStream : public std::istream {
public:
    explicit PipeStream(std::string s) : std::istream(nullptr), buf_(std::move(s)) { rdbuf(&buf_); }

private:
    PipeBuf buf_;
};

}  // namespace

TEST_CASE("crc32: the standard check value, incremental use, and a bitwise model") {
    CHECK(crc32(std::string_view("123456789")) == 0xCBF43926U);
    CHECK(crc32(std::string_view("")) == 0U);
    CHECK(crc32(std::string_view("a")) == 0xE8B7BE43U);  // zlib's crc32(b"a")
    SplitMix64 rng(7);
    for (std::size_t len = 0; len < 100; ++len) {
        std::string s;
        for (std::size_t i = 0; i < len; ++i) s.push_back(static_cast<char>(rng.next()));
        CAPTURE(len);
        CHECK(crc32(s) == naiveCrc32(s));
        const std::size_t cut = len / 3;
        CHECK(crc32(std::string_view(s).substr(cut), crc32(std::string_view(s).substr(0, cut))) == crc32(s));
    }
}

TEST_CASE("binary format: header layout") {
    TraceMetadata m;
    m.source = "x";
    const std::string file = writeBinary({}, m);
    const std::string json = toJson(m).dump();
    REQUIRE(file.size() == 20 + json.size() + 4 + 20);
    CHECK(file.substr(0, 8) == std::string("CSTRACE\x1a", 8));
    CHECK(file.substr(8, 4) == bytes({2, 0, 0, 0}));   // version 2
    CHECK(file.substr(12, 4) == bytes({0, 0, 0, 0}));  // flags
    std::string length;
    appendU32(length, static_cast<std::uint32_t>(json.size()));
    CHECK(file.substr(16, 4) == length);
    CHECK(file.substr(20, json.size()) == json);
    std::string crc;
    appendU32(crc, naiveCrc32(file.substr(0, 20 + json.size())));
    CHECK(file.substr(20 + json.size(), 4) == crc);
    // The end block of an empty trace: count 0, 8 payload bytes, CRC, total 0.
    CHECK(file.substr(file.size() - 20) == endBlock(0));
    CHECK(readBinary(file).empty());
}

TEST_CASE("binary format: the worked example of docs/trace-format.md, byte by byte") {
    TraceMetadata m;
    m.addSite("load x", -1, AccessKind::Read);    // site 1
    m.addSite("store y", -1, AccessKind::Write);  // site 2
    const std::vector<Access> accesses = {
        {0x1000, 4, AccessKind::Read, 1},  {0x2000, 4, AccessKind::Write, 2}, {0x1004, 4, AccessKind::Read, 1},
        {0x2004, 4, AccessKind::Write, 2}, {0x1008, 4, AccessKind::Read, 1},  {0x2008, 4, AccessKind::Write, 2},
        {0x1000, 4, AccessKind::Read, 1},  {0x5000, 4, AccessKind::Read, 1},
    };
    const std::string file = writeBinary(accesses, m);
    const std::string payload = bytes({
        0xFF, 0x00, 0x01, 0x00, 0x04, 0x80, 0x40,  // new stream 0 (site 1, read, 4 B); +0x1000 from 0: zigzag 8192
        0xFF, 0x04, 0x02, 0x01, 0x04, 0x80, 0x40,  // new stream in slot 1 (X = 4): site 2, write, 4 B; +0x1000
        0x08,                                      // stream 0, code 8: +1 element (4 B) -> 0x1004
        0x18,                                      // stream 1, code 8 -> 0x2004
        0x00,                                      // stream 0, same delta (+4) -> 0x1008
        0x10,                                      // stream 1, same delta -> 0x2008
        0x05,                                      // stream 0, code 5: -2 elements -> 0x1000
        0x0F, 0x80, 0x80, 0x02,                    // stream 0, explicit: zigzag(0x4000) = 32768 -> 0x5000
    });
    REQUIRE(payload.size() == 23);
    const std::string header = headerOf(m);
    std::string expectedBlock = bytes({8, 0, 0, 0, 23, 0, 0, 0});
    appendU32(expectedBlock, naiveCrc32(payload));
    CHECK(file == header + expectedBlock + payload + endBlock(8));
    // The CRCs printed in docs/trace-format.md, computed there with Python's zlib.crc32.
    CHECK(header.size() == 20 + 197 + 4);
    CHECK(header.substr(header.size() - 4) == bytes({0x96, 0x6A, 0xE9, 0xD4}));
    CHECK(expectedBlock.substr(8) == bytes({0x41, 0xEC, 0x35, 0x6E}));
    CHECK(endBlock(8).substr(8, 4) == bytes({0xDC, 0xC4, 0xC7, 0xB6}));
    CHECK(readBinary(file) == accesses);
}

TEST_CASE("binary format: version 2's lanes, forks and contiguous fetches, byte by byte") {
    // No sites (as from din or Lackey): two interleaved read streams share one key, so the writer
    // keeps two lanes of it; fetches of different sizes follow each other (code 14).
    const std::vector<Access> accesses = {
        {0x100, 4, AccessKind::Read, 0},  {0x900, 4, AccessKind::Read, 0},  {0x104, 4, AccessKind::Read, 0},
        {0x904, 4, AccessKind::Read, 0},  {0x108, 4, AccessKind::Read, 0},  {0x908, 4, AccessKind::Read, 0},
        {0x4000, 3, AccessKind::Fetch, 0}, {0x4003, 5, AccessKind::Fetch, 0}, {0x4008, 3, AccessKind::Fetch, 0},
        {0x10C, 4, AccessKind::Read, 0},
    };
    const std::string payload = bytes({
        0xFF, 0x00, 0x00, 0x00, 0x04, 0x80, 0x04,  // new stream in slot 0 (read, 4 B); +0x100 from 0: zigzag 512
        0xFF, 0x02, 0x01, 0x80, 0x20,  // X = 2: fork slot 0 into slot 1 (0x100 is read again soon); +0x800
        0x08,                          // slot 0, +1 element -> 0x104
        0x18,                          // slot 1, +1 element -> 0x904
        0x00,                          // slot 0, the same delta -> 0x108
        0x10,                          // slot 1 -> 0x908
        0xFF, 0x08, 0x00, 0x02, 0x03, 0xF0, 0xDB, 0x01,  // new stream in slot 2 (fetch, 3 B); +0x36f8 from 0x908
        0xFE, 0x0C, 0x00, 0x02, 0x05,  // new stream in slot 3 (fetch, 5 B); code 14: where the last fetch ended
        0x2E,                          // slot 2, code 14: 0x4003 + 5 = 0x4008
        0x00,                          // slot 0, the same delta -> 0x10c
    });
    const std::string file = writeBinary(accesses);
    CHECK(file == headerOf() + block(10, payload) + endBlock(10));
    CHECK(crc32(payload) == 0xFF0BB12CU);  // Python's zlib.crc32 of the same 31 bytes
    CHECK(readBinary(file) == accesses);
}

TEST_CASE("binary format: random accesses round trip, many streams, several blocks, any read size") {
    TraceMetadata m;
    for (int i = 1; i < 40; ++i) m.addSite("s" + std::to_string(i), -1, AccessKind::Read);
    for (const unsigned streams : {1u, 5u, 15u, 16u, 300u}) {
        CAPTURE(streams);
        const auto accesses = randomAccesses(150000, streams, streams, 40);  // 3 blocks
        const std::string file = writeBinary(accesses, m);
        CHECK(readBinary(file) == accesses);
        if (streams == 300) {
            CHECK(readBinary(file, 1) == accesses);
            CHECK(readBinary(file, 65537) == accesses);
        }
    }
}

TEST_CASE("binary format: extreme deltas and sizes survive") {
    const std::uint64_t top = ~std::uint64_t{0};
    const std::vector<Access> accesses = {
        {0, 1, AccessKind::Read, 0},
        {top, 1, AccessKind::Read, 0},  // delta -1 wraps
        {0, 1, AccessKind::Read, 0},
        {top - (kMaxReferenceSize - 1), kMaxReferenceSize, AccessKind::Write, 0},  // the largest, ending at 2^64 - 1
        {0x8000000000000000ULL, 1, AccessKind::Read, 0},
        {0, 1, AccessKind::Read, 0},
        {7, 1, AccessKind::Read, 0},
        {1, 1, AccessKind::Read, 0},  // -6 elements: code 1
    };
    CHECK(readBinary(writeBinary(accesses)) == accesses);
}

TEST_CASE("binary format: a naive ikj matmul costs about one byte per access") {
    // C += A·B, n = 32, float32: per (i, k, j) read A[i][k], read B[k][j], read C[i][j], write C[i][j].
    // A repeats its address and B, C move by +4 bytes: the same delta, one byte each. Only the
    // end of each j loop (every 128 records) and the stream definitions of each block cost more.
    TraceMetadata m;
    for (const char* s : {"A", "B", "C", "C="}) m.addSite(s, -1, AccessKind::Read);
    const std::uint64_t n = 32, a = 0x100000, b = 0x200000, c = 0x300000;
    std::vector<Access> accesses;
    for (std::uint64_t i = 0; i < n; ++i)
        for (std::uint64_t k = 0; k < n; ++k)
            for (std::uint64_t j = 0; j < n; ++j) {
                accesses.push_back({a + (i * n + k) * 4, 4, AccessKind::Read, 1});
                accesses.push_back({b + (k * n + j) * 4, 4, AccessKind::Read, 2});
                accesses.push_back({c + (i * n + j) * 4, 4, AccessKind::Read, 3});
                accesses.push_back({c + (i * n + j) * 4, 4, AccessKind::Write, 4});
            }
    const std::string file = writeBinary(accesses, m);
    const std::size_t overhead = headerOf(m).size() + 2 * 12 + 20;  // header, 2 block headers, end block
    const double perAccess = double(file.size() - overhead) / double(accesses.size());
    // Bytes beyond one per record, worked out by hand:
    // - end of a j loop, same i (32 * 31 = 992 times): A moves +4 (code 8, 1 byte); B moves +4
    //   (same delta); C read and C write jump back 31 elements, -124 bytes: explicit, zigzag 247 is
    //   a 2-byte varint: 2 extra bytes each -> 992 * 4 = 3968;
    // - end of a k loop (i changes, 31 times): C moves +4 (same delta), B jumps back to B[0][0],
    //   -4092 bytes, zigzag 8183 (2 bytes) -> 31 * 2 = 62, except at record 65536 where block 2
    //   starts (i = 16) and B is a new stream: -2;
    // - block 1 defines the streams: 0x100000 from 0 (zigzag 2^21: 4-byte varint), B 0x100000 on,
    //   C 0x100000 on: 1 + 1 + 1 + 1 + 1 + 4 = 9 bytes, 8 extra, three times; the C write stream
    //   starts at the C read's address (code 7): 5 bytes, 4 extra -> 28;
    // - block 2: A at 0x100800 from 0 (zigzag 0x201000: 4 bytes) 8 extra, B 0x200000 - 0x100800
    //   = 0xff800 (zigzag 0x1ff000: 3 bytes) 7 extra, C +0x100800 8 extra, C write 4 -> 27.
    const std::size_t expected = accesses.size() + 3968 + 62 - 2 + 28 + 27;
    CHECK(file.size() - overhead == expected);
    CHECK(perAccess >= 1.0);
    CHECK(perAccess <= 1.04);
    CHECK(readBinary(file) == accesses);
}

TEST_CASE("binary format: metadata survives the header and JSON round trips") {
    const TraceMetadata m = exampleMetadata();
    CHECK(metadataFromJson(toJson(m), "t") == m);
    const std::vector<Access> accesses = {
        {0x10000, 4, AccessKind::Read, 1}, {0x11004, 4, AccessKind::Write, 2}, {0x20000, 4, AccessKind::Fetch, 3}};
    auto reader = openString(writeBinary(accesses, m));
    CHECK(formatName(reader->format()) == "binary");
    REQUIRE(reader->metadata() != nullptr);
    CHECK(*reader->metadata() == m);
    CHECK(reader->metadata()->params[2].first == "elem");  // order kept
    CHECK(readAll(*reader) == accesses);
    CHECK(reader->records() == 3);
    // The text readers carry none.
    CHECK(openString("R 0x10 4\n")->metadata() == nullptr);
}

TEST_CASE("binary format: detection on files, seekable streams and pipes") {
    const std::vector<Access> accesses = {{0x40, 8, AccessKind::Write, 0}, {0x48, 8, AccessKind::Write, 0}};
    const std::string file = writeBinary(accesses);
    TempDir dir;
    const std::string path = dir.write("t.cst", file);
    CHECK(readAll(*openTrace(path)) == accesses);
    CHECK(readAll(*openTrace(path, TraceFormat::Binary)) == accesses);
    CHECK(readAll(*openTrace(std::make_unique<PipeStream>(file), "<stdin>")) == accesses);
    // Not binary: the peeked bytes go back to the text reader, seekable or not.
    const std::vector<Access> text = {{0x1000, 4, AccessKind::Read, 0}, {0x2000, 4, AccessKind::Write, 0}};
    CHECK(readAll(*openTrace(std::make_unique<PipeStream>("R 0x1000 4\nW 0x2000 4\n"), "<stdin>")) == text);
    CHECK(readAll(*openTrace(std::make_unique<PipeStream>("0 1000 4\n1 2000 4\n"), "<stdin>")) == text);
    CHECK(readAll(*openTrace(std::make_unique<PipeStream>("R 0x1\n"), "<stdin>")).size() ==
          1);  // shorter than the magic
    CHECK(readAll(*openTrace(std::make_unique<PipeStream>(""), "<stdin>")).empty());
    CHECK(readString("R 0x1000 4\nW 0x2000 4\n") == text);
    CHECK(looksBinary(file));
    CHECK_FALSE(looksBinary(file.substr(0, 7)));
    CHECK_FALSE(looksBinary("R 0x1000 4"));
}

TEST_CASE("binary format: the format is named 'binary'") {
    CHECK(formatName(parseTraceFormat("binary")) == "binary");
    CHECK(formatName(TraceFormat::Binary) == "binary");
    try {
        (void)parseTraceFormat("bin");
        FAIL("expected a UsageError");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find("binary") != std::string::npos);
    }
}

TEST_CASE("binary format: names that are not UTF-8 are stored with U+FFFD in their place") {
    TraceMetadata m;
    m.source = "bad \xff byte";
    auto reader = openString(writeBinary({}, m));
    REQUIRE(reader->metadata() != nullptr);
    CHECK(reader->metadata()->source == "bad \xef\xbf\xbd byte");  // U+FFFD in UTF-8
}
