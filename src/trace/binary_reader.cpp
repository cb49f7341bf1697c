// The binary trace reader: checks the header, then reads, checks and decodes one block at a time.
//
// Decoding runs twice only when something is wrong: a fast pass without per-record checks (the
// payload is padded with zero bytes so a record can never read outside the buffer, and undefined
// stream slots decode as size-0 accesses), then a look over the block for anything impossible; if
// there is, a careful pass decodes the block again with every check and throws the precise error.

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "binary_format.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/crc32.hpp"

namespace cachescope {

namespace {

using namespace binfmt;

std::string hex32(std::uint32_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s = "0x";
    for (int i = 7; i >= 0; --i) s.push_back(kDigits[(v >> (4 * i)) & 0xFU]);
    return s;
}

std::string printable(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s;
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            s.push_back(static_cast<char>(c));
        } else {
            s += "\\x";
            s.push_back(kDigits[c >> 4]);
            s.push_back(kDigits[c & 0xFU]);
        }
    }
    return s;
}

struct Stream {
    std::uint64_t address = 0;  // previous address
    std::uint64_t delta = 0;    // previous delta, bytes
    std::uint32_t size = 0;     // 0 = slot not defined
    AccessKind kind = AccessKind::Read;
    std::uint16_t site = 0;
};

class BinaryTraceReader final : public TraceReader {
public:
    BinaryTraceReader(std::unique_ptr<std::istream> in, std::string name) : in_(std::move(in)), name_(std::move(name)) {
        readHeader();
        streams_.resize(kDirectSlots);
    }

    std::size_t read(std::span<Access> out) override {
        while (pos_ == len_) {
            if (ended_) return 0;
            readBlock();
        }
        const std::size_t n = std::min(out.size(), len_ - pos_);
        std::memcpy(out.data(), decoded_.data() + pos_, n * sizeof(Access));
        pos_ += n;
        records_ += n;
        return n;
    }

    TraceFormat format() const override { return TraceFormat::Binary; }
    std::uint64_t records() const override { return records_; }
    const TraceMetadata* metadata() const override { return &metadata_; }

private:
    [[noreturn]] void fail(std::uint64_t offset, const std::string& what) const {
        throw TraceError(name_ + ": byte " + std::to_string(offset) + ": " + what);
    }

    /// Reads up to n bytes; returns how many came (fewer only at end of file).
    std::size_t readSome(void* to, std::size_t n) {
        in_->read(static_cast<char*>(to), static_cast<std::streamsize>(n));
        const auto got = static_cast<std::size_t>(in_->gcount());
        if (got < n && in_->bad()) throw IoError(name_ + ": cannot read the trace (I/O error)");
        offset_ += got;
        return got;
    }

    void readExact(void* to, std::size_t n, const char* what) {
        const std::size_t got = readSome(to, n);
        if (got < n)
            fail(offset_, std::string("truncated ") + what + " (expected " + std::to_string(n - got) + " more bytes)");
    }

    void readHeader() {
        std::string header(kHeaderFixedBytes, '\0');
        const std::size_t got = readSome(header.data(), kMagicBytes);
        const std::string_view magic(kBinaryTraceMagic, kMagicBytes);
        if (std::string_view(header.data(), got) != magic.substr(0, got) || got == 0)
            fail(0, "not a cachescope binary trace: the file starts with \"" +
                        printable(std::string_view(header.data(), got)) + "\" (expected the magic \"" +
                        printable(magic) + "\")");
        if (got < kMagicBytes)
            fail(offset_, "truncated header (expected " + std::to_string(kMagicBytes - got) + " more bytes)");
        readExact(header.data() + kMagicBytes, kHeaderFixedBytes - kMagicBytes, "header");
        const auto* h = reinterpret_cast<const unsigned char*>(header.data());
        const std::uint32_t version = getU32(h + 8);
        if (version != kBinaryTraceVersion)
            fail(8, "unsupported version " + std::to_string(version) + " (expected " +
                        std::to_string(kBinaryTraceVersion) + ")");
        const std::uint32_t flags = getU32(h + 12);
        if (flags != 0) fail(12, "unsupported flags " + hex32(flags) + " (expected 0)");
        const std::uint32_t length = getU32(h + 16);
        if (length > kMaxMetadataBytes)
            fail(16, "metadata length " + std::to_string(length) + " (expected at most " +
                         std::to_string(kMaxMetadataBytes) + ")");
        header.resize(kHeaderFixedBytes + length);
        readExact(header.data() + kHeaderFixedBytes, length, "header metadata");
        unsigned char crcBytes[4];
        const std::uint64_t crcOffset = offset_;
        readExact(crcBytes, 4, "header CRC");
        const std::uint32_t stored = getU32(crcBytes), computed = crc32(header);
        if (stored != computed)
            fail(crcOffset, "header CRC mismatch: stored " + hex32(stored) + ", computed " + hex32(computed) +
                                " (expected equal: the header is corrupted)");
        nlohmann::ordered_json json;
        try {
            json = nlohmann::ordered_json::parse(header.begin() + kHeaderFixedBytes, header.end());
        } catch (const nlohmann::json::exception& e) {
            fail(kHeaderFixedBytes, std::string("metadata is not valid JSON: ") + e.what() + " (expected UTF-8 JSON)");
        }
        metadata_ = metadataFromJson(json, name_ + ": byte " + std::to_string(kHeaderFixedBytes) + ": metadata");
    }

    void readBlock() {
        const std::uint64_t blockOffset = offset_;
        unsigned char h[kBlockHeaderBytes];
        const std::size_t got = readSome(h, kBlockHeaderBytes);
        if (got == 0) fail(offset_, "missing end block (expected a block header; the trace was cut short)");
        if (got < kBlockHeaderBytes)
            fail(offset_,
                 "truncated block header (expected " + std::to_string(kBlockHeaderBytes - got) + " more bytes)");
        const std::uint32_t count = getU32(h), bytes = getU32(h + 4), stored = getU32(h + 8);
        if (count > kBlockRecords)
            fail(blockOffset, "block record count " + std::to_string(count) + " (expected 0 to " +
                                  std::to_string(kBlockRecords) + ")");
        if (count == 0 ? bytes != kEndPayloadBytes : (bytes < count || bytes > std::uint64_t{count} * kMaxRecordBytes))
            fail(blockOffset + 4,
                 "payload of " + std::to_string(bytes) + " bytes for " + std::to_string(count) + " records (expected " +
                     (count == 0
                          ? std::to_string(kEndPayloadBytes) + " in the end block"
                          : std::to_string(count) + " to " + std::to_string(std::uint64_t{count} * kMaxRecordBytes)) +
                     ")");
        payload_.resize(bytes + kPayloadPadding);
        std::fill(payload_.begin() + bytes, payload_.end(), 0);
        payloadOffset_ = offset_;
        readExact(payload_.data(), bytes, count == 0 ? "end block" : "block payload");
        const std::uint32_t computed = crc32(payload_.data(), bytes);
        if (stored != computed)
            fail(blockOffset + 8, "block CRC mismatch: stored " + hex32(stored) + ", computed " + hex32(computed) +
                                      " (expected equal: the block is corrupted)");
        if (count == 0) {
            const std::uint64_t total = getU64(payload_.data());
            if (total != blocksTotal_)
                fail(payloadOffset_, "end block says " + std::to_string(total) + " accesses (expected " +
                                         std::to_string(blocksTotal_) + ", the sum of the blocks' counts)");
            char extra = 0;
            if (readSome(&extra, 1) != 0)
                fail(offset_ - 1, "trailing bytes after the end block (expected end of file)");
            ended_ = true;
            pos_ = len_ = 0;
            return;
        }
        if (decoded_.size() < count) decoded_.resize(count);  // grows to one block at most
        if (streams_.size() < count + kDirectSlots) streams_.resize(count + kDirectSlots);
        if (!decode<false>(count, bytes)) {
            decode<true>(count, bytes);                                              // throws the precise error
            fail(payloadOffset_, "block does not decode (expected valid records)");  // not reached
        }
        blocksTotal_ += count;
        pos_ = 0;
        len_ = count;
    }

    /// Varint of at most 10 bytes (64 bits); false if longer or too large.
    static bool varint(const unsigned char*& p, std::uint64_t& v) {
        std::uint64_t r = 0;
        for (unsigned i = 0; i < 10; ++i) {
            const unsigned b = p[i];
            r |= std::uint64_t{b & 0x7FU} << (7 * i);
            if ((b & 0x80U) == 0) {
                if (i == 9 && b > 1) return false;
                p += i + 1;
                v = r;
                return true;
            }
        }
        return false;
    }

    /// Decodes the payload into decoded_. Fast (Checked = false): returns false on anything
    /// wrong, checking only what memory safety needs. Checked: throws a TraceError naming the byte.
    template <bool Checked>
    bool decode(std::uint32_t count, std::uint32_t bytes) {
        const unsigned char* const begin = payload_.data();
        const unsigned char* const end = begin + bytes;
        const unsigned char* p = begin;
        Stream* const streams = streams_.data();
        for (unsigned i = 0; i < kDirectSlots; ++i) streams[i] = Stream{};
        std::size_t defined = 0;
        std::uint64_t last = 0;
        Access* const out = decoded_.data();
        const std::size_t sites = metadata_.sites.size();
        auto at = [&](const unsigned char* q) { return payloadOffset_ + static_cast<std::uint64_t>(q - begin); };
        auto recordText = [&](std::uint32_t n) { return "record " + std::to_string(n) + " of the block: "; };
        for (std::uint32_t n = 0; n < count; ++n) {
            if (p >= end) {
                if constexpr (Checked)
                    fail(at(end), "payload ends after " + std::to_string(n) + " of the block's " +
                                      std::to_string(count) + " records (expected more records)");
                return false;
            }
            const unsigned char* const record = p;
            const unsigned h = *p++;
            const unsigned slot = h >> 4, code = h & 0xFU;
            Stream* s = nullptr;
            if (slot != kEscape) [[likely]] {
                s = streams + slot;
                if constexpr (Checked)
                    if (slot >= defined)
                        fail(at(record), recordText(n) + "stream slot " + std::to_string(slot) +
                                             " is not defined yet (expected a slot below " + std::to_string(defined) +
                                             " or an escape)");
            } else {
                const unsigned char* q = p;
                std::uint64_t x = 0;
                if (!varint(p, x)) {
                    if constexpr (Checked) fail(at(q), recordText(n) + "varint longer than 64 bits");
                    return false;
                }
                if (x == 0) {  // a new stream: site, kind, size
                    std::uint64_t site = 0, size = 0;
                    q = p;
                    if (!varint(p, site) || site >= sites) {
                        if constexpr (Checked)
                            fail(at(q), recordText(n) + "bad stream site" +
                                            (p == q ? std::string(" (varint longer than 64 bits)")
                                                    : " " + std::to_string(site) + " (expected below " +
                                                          std::to_string(sites) + ", the metadata's sites)"));
                        return false;
                    }
                    q = p;
                    const unsigned kind = *p++;
                    if (kind > static_cast<unsigned>(AccessKind::Fetch)) {
                        if constexpr (Checked)
                            fail(at(q), recordText(n) + "access kind " + std::to_string(kind) +
                                            " (expected 0 read, 1 write or 2 fetch)");
                        return false;
                    }
                    q = p;
                    if (!varint(p, size) || size == 0 || size > 0xFFFFFFFFU) {
                        if constexpr (Checked)
                            fail(at(q),
                                 recordText(n) + "stream access size " +
                                     (p == q ? std::string("varint longer than 64 bits") : std::to_string(size)) +
                                     " (expected 1 to 4294967295)");
                        return false;
                    }
                    s = streams + defined++;
                    *s = Stream{last, 0, static_cast<std::uint32_t>(size), static_cast<AccessKind>(kind),
                                static_cast<std::uint16_t>(site)};
                } else if (x - 1 < defined) {
                    s = streams + (x - 1);
                } else {
                    if constexpr (Checked)
                        fail(at(q), recordText(n) + "stream slot " + std::to_string(x - 1) +
                                        " is not defined yet (expected a slot below " + std::to_string(defined) + ")");
                    return false;
                }
            }
            if (code != kSameDelta) {
                if (code != kExplicitDelta) [[likely]] {
                    s->delta = static_cast<std::uint64_t>(static_cast<std::int64_t>(code) - kDeltaBias) * s->size;
                } else {
                    const unsigned char* q = p;
                    std::uint64_t z = 0;
                    if (!varint(p, z)) {
                        if constexpr (Checked) fail(at(q), recordText(n) + "delta varint longer than 64 bits");
                        return false;
                    }
                    s->delta = unzigzag(z);
                }
            }
            s->address += s->delta;
            last = s->address;
            out[n] = Access{s->address, s->size, s->kind, s->site};
            if constexpr (Checked) {
                if (p > end)
                    fail(at(record), recordText(n) + "runs past the end of the payload (expected it to end within " +
                                         std::to_string(bytes) + " bytes)");
                if (out[n].address + (out[n].size - 1) < out[n].address)
                    fail(at(record), recordText(n) + "an access of " + std::to_string(out[n].size) + " bytes at " +
                                         std::to_string(out[n].address) +
                                         " runs past the end of the address space (expected it to fit in 64 bits)");
            }
        }
        if (p != end) {
            if constexpr (Checked) {
                if (p > end)
                    fail(at(end), "the block's last record runs past the end of the payload (expected " +
                                      std::to_string(count) + " records in " + std::to_string(bytes) + " bytes)");
                fail(at(p), std::to_string(end - p) + " bytes left in the payload after the block's " +
                                std::to_string(count) + " records (expected none)");
            }
            return false;
        }
        if constexpr (!Checked) {
            // Undefined slots decoded as size 0; wrapping accesses are impossible. One vectorizable pass.
            bool bad = false;
            for (std::uint32_t n = 0; n < count; ++n) {
                const Access& a = out[n];
                bad |= a.size == 0;
                bad |= a.address + (a.size - 1) < a.address;
            }
            if (bad) return false;
        }
        return true;
    }

    std::unique_ptr<std::istream> in_;
    std::string name_;
    std::uint64_t offset_ = 0;         // bytes consumed from the stream
    std::uint64_t payloadOffset_ = 0;  // where the current payload starts
    TraceMetadata metadata_;
    std::vector<unsigned char> payload_;
    std::vector<Stream> streams_;
    std::vector<Access> decoded_;
    std::size_t pos_ = 0, len_ = 0;  // handed out / decoded accesses of the current block
    std::uint64_t records_ = 0;
    std::uint64_t blocksTotal_ = 0;
    bool ended_ = false;
};

}  // namespace

bool looksBinary(std::string_view prefix) {
    return prefix.size() >= kMagicBytes &&
           prefix.substr(0, kMagicBytes) == std::string_view(kBinaryTraceMagic, kMagicBytes);
}

std::unique_ptr<TraceReader> openBinaryTrace(std::unique_ptr<std::istream> stream, const std::string& name) {
    return std::make_unique<BinaryTraceReader>(std::move(stream), name);
}

}  // namespace cachescope
