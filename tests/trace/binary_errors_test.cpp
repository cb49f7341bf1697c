// The binary trace reader never trusts its input: one test per error message (with its byte
// offset), then every single-byte corruption and every truncation of a small trace, and random
// payloads given valid CRCs so that they reach the decoder.

#include <doctest/doctest.h>

#include "binary_test_util.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/policy/splitmix64.hpp"

using namespace cachescope;
using namespace cachescope::testing;

namespace {

/// The message of the TraceError that reading `file` gives, or "" if it reads fine.
std::string errorOf(const std::string& file) {
    try {
        (void)readBinary(file);
    } catch (const TraceError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

#define CHECK_ERROR(file, part)                     \
    do {                                            \
        const std::string message_ = errorOf(file); \
        CAPTURE(message_);                          \
        CHECK(contains(message_, part));            \
    } while (false)

// One record: a new stream (site 0, read, 4 bytes) whose first address is 0 (code 7: +0).
const std::string kOneRecord = bytes({0xF7, 0x00, 0x00, 0x00, 0x04});

std::vector<Access> smallTrace() {
    std::vector<Access> a;
    SplitMix64 rng(3);
    for (std::uint64_t i = 0; i < 300; ++i) {
        const std::uint64_t r = rng.next();
        a.push_back(Access{0x1000 * (r % 20) + 4 * (i % 7), static_cast<std::uint32_t>(1U << (r >> 8) % 4),
                           static_cast<AccessKind>((r >> 16) % 3), static_cast<std::uint16_t>((r >> 24) % 3)});
    }
    return a;
}

TraceMetadata smallMetadata() {
    TraceMetadata m;
    m.addSite("a", -1, AccessKind::Read);
    m.addSite("b", -1, AccessKind::Write);
    return m;
}

}  // namespace

TEST_CASE("binary errors: header") {
    const std::string good = writeBinary({{0x10, 4, AccessKind::Read, 0}});
    const std::size_t h = headerOf().size();
    CHECK_ERROR("R 0x1000 4\n", "t.cst: byte 0: not a cachescope binary trace: the file starts with \"R 0x1000\"");
    CHECK_ERROR("", "t.cst: byte 0: not a cachescope binary trace");
    CHECK_ERROR(good.substr(0, 5), "t.cst: byte 5: truncated header (expected 3 more bytes)");
    CHECK_ERROR(good.substr(0, 10), "t.cst: byte 10: truncated header (expected 10 more bytes)");
    std::string v = good;
    v[8] = 4;
    CHECK_ERROR(v, "t.cst: byte 8: unsupported version 4 (expected 1 to 3)");
    v[8] = 0;
    CHECK_ERROR(v, "t.cst: byte 8: unsupported version 0 (expected 1 to 3)");
    std::string f = good;
    f[8] = 2;
    f[12] = 1;  // the process flag needs version 3
    CHECK_ERROR(f, "t.cst: byte 12: unsupported flags 0x00000001 (expected 0 before version 3)");
    f[8] = 3;
    f[12] = 2;
    CHECK_ERROR(f, "t.cst: byte 12: unsupported flags 0x00000002 (expected 0 or 1 in version 3)");
    std::string l = good;
    for (int i = 16; i < 20; ++i) l[static_cast<std::size_t>(i)] = '\xff';
    CHECK_ERROR(l, "t.cst: byte 16: metadata length 4294967295 (expected at most 16777216)");
    CHECK_ERROR(good.substr(0, 25), "t.cst: byte 25: truncated header metadata (expected ");
    CHECK_ERROR(good.substr(0, h - 3),
                "t.cst: byte " + std::to_string(h - 3) + ": truncated header CRC (expected 3 more");
    std::string c = good;
    c[21] = static_cast<char>(c[21] ^ 0x20);
    CHECK_ERROR(c, "t.cst: byte " + std::to_string(h - 4) + ": header CRC mismatch: stored 0x");
}

TEST_CASE("binary errors: metadata that is not JSON or not metadata") {
    auto withJson = [](const std::string& json) {
        std::string s(kBinaryTraceMagic, 8);
        appendU32(s, 1);
        appendU32(s, 0);
        appendU32(s, static_cast<std::uint32_t>(json.size()));
        s += json;
        appendU32(s, crc32(s));
        return s + endBlock(0);
    };
    CHECK(errorOf(withJson("{}")).empty());
    CHECK_ERROR(withJson("{"), "t.cst: byte 20: metadata is not valid JSON");
    CHECK_ERROR(withJson(R"({"sites": [{"name": "x", "region": 3}]})"), "t.cst: byte 20: metadata: /sites/0/region");
}

TEST_CASE("binary errors: blocks") {
    const std::string header = headerOf();
    const std::size_t h = header.size();
    const std::string good = header + block(1, kOneRecord) + endBlock(1);
    CHECK(readBinary(good) == std::vector<Access>{{0, 4, AccessKind::Read, 0}});

    CHECK_ERROR(header, "t.cst: byte " + std::to_string(h) + ": missing end block");
    CHECK_ERROR(header + block(1, kOneRecord), "byte " + std::to_string(h + 17) + ": missing end block");
    CHECK_ERROR(good.substr(0, h + 5),
                "byte " + std::to_string(h + 5) + ": truncated block header (expected 7 more bytes)");
    CHECK_ERROR(good.substr(0, h + 14),
                "byte " + std::to_string(h + 14) + ": truncated block payload (expected 3 more bytes)");
    CHECK_ERROR(good.substr(0, good.size() - 1), ": truncated end block (expected 1 more bytes)");
    std::string crc = good;
    crc[h + 13] = static_cast<char>(crc[h + 13] ^ 1);
    CHECK_ERROR(crc, "t.cst: byte " + std::to_string(h + 8) + ": block CRC mismatch: stored 0x");
    std::string big = header + bytes({0x01, 0x00, 0x01, 0x00}) + block(1, kOneRecord).substr(4);  // count 65537
    CHECK_ERROR(big, "byte " + std::to_string(h) + ": block record count 65537 (expected 0 to 65536)");
    CHECK_ERROR(header + block(0, "abcd"),
                "byte " + std::to_string(h + 4) + ": payload of 4 bytes for 0 records (expected 8 in the end block)");
    CHECK_ERROR(header + block(1, std::string(22, '\0')), "payload of 22 bytes for 1 records (expected 1 to 21)");
    CHECK_ERROR(header + block(1, kOneRecord) + endBlock(2),
                "byte " + std::to_string(h + 29) + ": end block says 2 accesses (expected 1, the sum");
    CHECK_ERROR(good + "x", "byte " + std::to_string(good.size()) + ": trailing bytes after the end block");
}

TEST_CASE("binary errors: records") {
    const std::string header = headerOf();
    const std::size_t p = header.size() + 12;  // where the payload starts
    auto trace = [&](std::uint32_t count, const std::string& payload) {
        return header + block(count, payload) + endBlock(count);
    };
    auto at = [&](std::size_t offset) { return "t.cst: byte " + std::to_string(p + offset) + ": "; };
    CHECK_ERROR(trace(1, bytes({0x07})),
                at(0) + "record 0 of the block: stream slot 0 is not defined yet (expected a slot below 0");
    CHECK_ERROR(trace(2, kOneRecord + bytes({0x17})), at(5) + "record 1 of the block: stream slot 1 is not defined");
    CHECK_ERROR(trace(2, kOneRecord + bytes({0xF7, 0x05})), at(6) + "record 1 of the block: stream slot 1 is not");
    // Version 2's escape operations: X = 4j + op.
    CHECK_ERROR(trace(2, kOneRecord + bytes({0xF7, 0x08, 0x00, 0x00, 0x04})),
                at(6) + "record 1 of the block: new stream in slot 2 (expected a slot up to 1)");
    CHECK_ERROR(trace(2, kOneRecord + bytes({0xF7, 0x02, 0x02})),
                at(7) + "record 1 of the block: fork into slot 2 (expected a slot up to 1)");
    CHECK_ERROR(trace(2, kOneRecord + bytes({0xF7, 0x03, 0x01})),
                at(7) + "record 1 of the block: swap into slot 1 (expected a slot below 1)");
    CHECK_ERROR(trace(2, kOneRecord + bytes({0xF7, 0x06, 0x00})),
                at(6) + "record 1 of the block: stream slot 1 is not defined yet (expected a slot below 1)");
    CHECK_ERROR(trace(2, kOneRecord + bytes({0xF7, 0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80})),
                at(7) + "record 1 of the block: fork into slot varint longer than 64 bits");
    CHECK_ERROR(trace(1, bytes({0xFF, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})),
                at(1) + "record 0 of the block: varint longer than 64 bits");
    CHECK_ERROR(trace(1, bytes({0xFF, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02})),
                at(1) + "record 0 of the block: varint longer than 64 bits");  // 10 bytes, but 65 bits
    CHECK_ERROR(trace(1, bytes({0xF7, 0x00, 0x05, 0x00, 0x04})),
                at(2) + "record 0 of the block: bad stream site 5 (expected below 1");
    CHECK_ERROR(trace(1, bytes({0xF7, 0x00, 0x00, 0x03, 0x04})),
                at(3) + "record 0 of the block: access kind 3 (expected 0 read, 1 write or 2 fetch)");
    CHECK_ERROR(trace(1, bytes({0xF7, 0x00, 0x00, 0x00, 0x00})),
                at(4) + "record 0 of the block: stream access size 0 (expected 1 to 65536)");
    CHECK_ERROR(trace(1, bytes({0xF7, 0x00, 0x00, 0x00, 0x81, 0x80, 0x04})),  // varint 65537
                at(4) + "record 0 of the block: stream access size 65537 (expected 1 to 65536)");
    CHECK_ERROR(trace(1, bytes({0xF7, 0x00, 0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10})),
                at(4) + "record 0 of the block: stream access size 4294967296");
    CHECK_ERROR(trace(1, bytes({0xFF, 0x00, 0x00, 0x00, 0x04})), at(0) + "record 0 of the block: runs past the end");
    CHECK_ERROR(trace(1, kOneRecord + bytes({0x00})),
                at(5) + "1 bytes left in the payload after the block's 1 records");
    CHECK_ERROR(trace(2, kOneRecord), at(5) + "payload ends after 1 of the block's 2 records");
    CHECK_ERROR(trace(1, bytes({0xFF, 0x00, 0x00, 0x00, 0x04, 0x01})),  // zigzag 1 = -1: 4 bytes at 2^64 - 1
                at(0) + "record 0 of the block: an access of 4 bytes at 18446744073709551615 runs past the end");
}

TEST_CASE("binary errors: every corrupted byte and every truncation gives a TraceError or the same trace") {
    const auto accesses = smallTrace();
    const std::string file = writeBinary(accesses, smallMetadata());
    std::size_t errors = 0;
    for (std::size_t i = 0; i < file.size(); ++i) {
        for (const unsigned mask : {0x01U, 0x80U, 0xFFU}) {
            std::string bad = file;
            bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
            CAPTURE(i);
            CAPTURE(mask);
            const std::string message = errorOf(bad);
            if (message.empty()) {
                CHECK(readBinary(bad) == accesses);
            } else {
                ++errors;
                CHECK(contains(message, "t.cst: byte "));
            }
        }
    }
    CHECK(errors == 3 * file.size());  // CRC-32 catches every single-byte error
    for (std::size_t len = 0; len < file.size(); ++len) {
        CAPTURE(len);
        CHECK(contains(errorOf(file.substr(0, len)), "t.cst: byte "));
    }
}

TEST_CASE("binary errors: corrupted payloads with valid CRCs reach the decoder and fail cleanly") {
    const auto accesses = smallTrace();
    const TraceMetadata m = smallMetadata();
    const std::string file = writeBinary(accesses, m);
    const std::string header = headerOf(m);
    const std::string payload = file.substr(header.size() + 12, file.size() - header.size() - 12 - 20);
    const auto count = static_cast<std::uint32_t>(accesses.size());
    auto check = [&](const std::string& p) {
        const std::string message = errorOf(header + block(count, p) + endBlock(count));
        CAPTURE(message);
        // Either a precise decoding error, or a trace of exactly `count` accesses.
        if (message.empty()) {
            CHECK(readBinary(header + block(count, p) + endBlock(count)).size() == count);
        } else {
            CHECK(contains(message, "t.cst: byte "));
            CHECK_FALSE(contains(message, "block does not decode"));  // the careful pass found the fault
        }
    };
    for (std::size_t i = 0; i < payload.size(); ++i)
        for (const unsigned value : {0x00U, 0x07U, 0xF0U, 0xFFU, 0x80U}) {
            std::string p = payload;
            p[i] = static_cast<char>(value);
            CAPTURE(i);
            CAPTURE(value);
            check(p);
        }
    SplitMix64 rng(11);
    for (int round = 0; round < 2000; ++round) {
        std::string p(1 + rng.next() % 40, '\0');
        for (char& c : p) c = static_cast<char>(rng.next());
        if (round % 2 == 0 && p.size() >= 5) p.replace(0, 5, kOneRecord);  // start valid, then garbage
        const auto n = static_cast<std::uint32_t>(1 + rng.next() % 6);
        if (p.size() > std::size_t{21} * n) continue;
        const std::string message = errorOf(header + block(n, p) + endBlock(n));
        CAPTURE(message);
        CHECK_FALSE(contains(message, "block does not decode"));
    }
}
