#pragma once
// Helpers for the binary trace tests: write accesses to bytes, read bytes back, build blocks by hand.

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/crc32.hpp"
#include "trace_test_util.hpp"

namespace cachescope::testing {

inline std::string writeBinary(const std::vector<Access>& accesses, const TraceMetadata& metadata = {}) {
    std::ostringstream out;
    auto writer = makeBinaryTraceWriter(out, metadata);
    writer->write(accesses);
    writer->finish();
    return out.str();
}

inline std::vector<Access> readBinary(const std::string& bytes, std::size_t chunk = 4096) {
    auto reader = openTrace(std::make_unique<std::istringstream>(bytes), "t.cst", TraceFormat::Binary);
    return readAll(*reader, chunk);
}

inline void appendU32(std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
}
inline void appendU64(std::string& s, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
}

/// A block with a correct CRC: count, payload length, CRC, payload.
inline std::string block(std::uint32_t count, const std::string& payload) {
    std::string s;
    appendU32(s, count);
    appendU32(s, static_cast<std::uint32_t>(payload.size()));
    appendU32(s, crc32(payload));
    return s + payload;
}

inline std::string endBlock(std::uint64_t total) {
    std::string payload;
    appendU64(payload, total);
    return block(0, payload);
}

/// The header a writer emits for `metadata` (a trace with no accesses, minus its end block).
inline std::string headerOf(const TraceMetadata& metadata = {}) {
    const std::string empty = writeBinary({}, metadata);
    return empty.substr(0, empty.size() - 20);  // end block: 12-byte block header + 8-byte total
}

/// A binary trace over a mapped file (a text trace has no file-backed region): three writes to the
/// 3-page file "f" mapped at 0x10000000, two msyncs of its first two pages, then `reads` reads of
/// anonymous pages a page apart from 0x20000000. Worked by hand in
/// tests/session/msync_session_test.cpp: the writes dirty pages 0-2, the first msync writes back
/// pages 0 and 1, the second finds them clean.
inline std::string msyncTrace(unsigned reads) {
    TraceMetadata meta;
    Region r{"data", 0x10000000, 3 * 4096, 1, {}, "bytes", {}};
    r.file = "f";
    r.fileSize = 3 * 4096;
    r.fileAccess = "mmap";
    meta.regions = {r};
    std::ostringstream out;
    auto w = makeBinaryTraceWriter(out, meta);
    w->write(std::vector<Access>{{0x10000000, 4, AccessKind::Write, 0},
                                 {0x10001000, 4, AccessKind::Write, 0},
                                 {0x10002000, 4, AccessKind::Write, 0}});
    w->writeEvent(TraceEvent{0, TraceEventKind::Msync, 0, 0x10000000, 8192});
    w->writeEvent(TraceEvent{0, TraceEventKind::Msync, 0, 0x10000000, 8192});
    std::vector<Access> anonymous;
    for (unsigned i = 0; i < reads; ++i) anonymous.push_back({0x20000000 + std::uint64_t{i} * 4096, 4, AccessKind::Read, 0});
    w->write(anonymous);
    w->finish();
    return out.str();
}

inline std::string bytes(std::initializer_list<unsigned> list) {
    std::string s;
    for (const unsigned b : list) s.push_back(static_cast<char>(b));
    return s;
}

}  // namespace cachescope::testing
