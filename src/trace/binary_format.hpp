#pragma once
// Constants and byte helpers shared by the binary trace writer and reader (private to src/trace).
// docs/trace-format.md is the specification; the numbers here must match it.

#include <cstddef>
#include <cstdint>
#include <string>

namespace cachescope::binfmt {

inline constexpr std::size_t kMagicBytes = 8;
inline constexpr std::size_t kHeaderFixedBytes = 20;  // magic, version, flags, metadata length
inline constexpr std::uint32_t kMaxMetadataBytes = 16U << 20;
inline constexpr std::uint32_t kBlockRecords = 65536;  // most records in one block
inline constexpr std::uint32_t kMaxRecordBytes = 21;   // longest record a writer emits
inline constexpr std::size_t kBlockHeaderBytes = 12;   // count, payload bytes, CRC
inline constexpr std::uint32_t kEndPayloadBytes = 8;   // the end block's u64 total
inline constexpr unsigned kDirectSlots = 15;           // slots named by the record byte's high nibble
inline constexpr unsigned kEscape = 15;                // high nibble: stream named after the byte
inline constexpr unsigned kSameDelta = 0;              // low nibble: the stream's previous delta again
inline constexpr unsigned kExplicitDelta = 15;         // low nibble: zigzag varint delta follows
inline constexpr int kDeltaBias = 7;                   // codes 1..14 (1..13 in v2): (code - 7) * size
// Version 2 (docs/trace-format.md): code 14 continues where the last access of the stream's kind
// ended; the escape varint X names an operation (X & 3) on a slot (X >> 2).
inline constexpr std::uint32_t kFirstVersion = 1;  // the oldest version the reader accepts
inline constexpr unsigned kContiguous = 14;        // v2 low nibble: address = end of the kind's last access
inline constexpr int kMaxSmallStep = 6;            // v2 codes 1..13: -6 .. +6 elements
inline constexpr unsigned kOpNew = 0;              // X = 4j + 0: a new stream into slot j (j <= defined)
inline constexpr unsigned kOpUse = 1;              // X = 4j + 1: the stream in slot j
inline constexpr unsigned kOpFork = 2;             // X = 4j + 2, varint T: slot T := a copy of slot j
inline constexpr unsigned kOpSwap = 3;             // X = 4j + 3, varint T: slots j and T exchange
// Version 3 (docs/trace-format.md, "Allocation blocks"): the block header's first word holds the
// block type in its high byte and the record count below it.
inline constexpr std::uint32_t kAllocationsVersion = 3;     // the first version with block types
inline constexpr unsigned kBlockTypeShift = 24;
inline constexpr std::uint32_t kBlockCountMask = (1U << kBlockTypeShift) - 1;
inline constexpr unsigned kAccessBlock = 0;                 // accesses (and the end block)
inline constexpr unsigned kAllocationBlock = 1;             // allocation records
inline constexpr std::uint32_t kMaxAllocationPayload = 2U << 20;   // the reader's bound on one block
inline constexpr std::size_t kAllocationFlushBytes = std::size_t{1} << 20;  // the writer's block size
/// Op 4 of an allocation block (docs/trace-format.md, "Control events"): an msync, byte process,
/// varint address, varint size. Ops 0-3 are the allocation records (AllocationOp).
inline constexpr unsigned kMsyncOp = 4;
/// A malformed record can read this far past its first byte (five 10-byte varints at most); the
/// reader pads payloads with this many zero bytes so that decoding never needs a bounds check.
inline constexpr std::size_t kPayloadPadding = 64;

inline void putU32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
}
inline void putU64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
}
inline std::uint32_t getU32(const unsigned char* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}
inline std::uint64_t getU64(const unsigned char* p) {
    return std::uint64_t{getU32(p)} | std::uint64_t{getU32(p + 4)} << 32;
}

/// LEB128: seven bits per byte, least significant first, high bit = more bytes follow.
inline void putVarint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7FU) | 0x80U));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

inline std::uint64_t zigzag(std::uint64_t delta) {  // 0, -1, 1, -2, 2 ... -> 0, 1, 2, 3, 4 ...
    return (delta << 1) ^ (0 - (delta >> 63));
}
inline std::uint64_t unzigzag(std::uint64_t z) { return (z >> 1) ^ (0 - (z & 1U)); }

}  // namespace cachescope::binfmt
