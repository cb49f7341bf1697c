// The binary trace reader: checks the header, then reads and checks one block at a time and
// decodes its records straight into the caller's span, a read() at a time.
//
// The fast decoder checks per record only that the payload has not ended and that the record's
// stream slot is defined: the payload is padded with zero bytes so that no record can read outside
// the buffer. Accesses that run past 2^64 are looked for only when some address is that high.
// When anything is wrong, the block is decoded again from its start by the careful decoder
// (the same code with every check compiled in), which throws the error naming the byte.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>
#include <deque>
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
    std::uint64_t tail = 0;  // an Access's bytes 8-15 for this stream (size, kind, site; process 0): tailOf()
};

/// Bytes 8 to 15 of Access{0, size, kind, site, 0} as one word (a little-endian machine's layout):
/// the decoder stores them with one write, or-ing in the process.
std::uint64_t tailOf(std::uint32_t size, AccessKind kind, std::uint16_t site) {
    Access a{0, size, kind, site, 0};
    std::uint64_t t;
    std::memcpy(&t, reinterpret_cast<const unsigned char*>(&a) + 8, 8);
    return t;
}

class BinaryTraceReader final : public TraceReader {
public:
    BinaryTraceReader(std::unique_ptr<std::istream> in, std::string name) : in_(std::move(in)), name_(std::move(name)) {
        readHeader();
        streams_.resize(kDirectSlots);
    }

    std::size_t read(std::span<Access> out) override {
        while (done_ == count_) {
            if (ended_) return 0;
            readBlock();
        }
        const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(out.size(), count_ - done_));
        if (!(version_ == 1 ? decode<false, 1>(out.data(), n) : decode<false, 2>(out.data(), n))) preciseError();
        records_ += n;
        return n;
    }

    TraceFormat format() const override { return TraceFormat::Binary; }
    std::uint64_t records() const override { return records_; }
    const TraceMetadata* metadata() const override { return &metadata_; }
    void setAllocationSink(AllocationSink* sink) override { sink_ = sink; }
    void setEventSink(TraceEventSink* sink) override { events_ = sink; }

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
        if (version < kFirstVersion || version > kBinaryTraceProcessVersion)
            fail(8, "unsupported version " + std::to_string(version) + " (expected " + std::to_string(kFirstVersion) +
                        " to " + std::to_string(kBinaryTraceProcessVersion) + ")");
        version_ = version;
        const std::uint32_t flags = getU32(h + 12);
        const std::uint32_t allowed = version >= kBinaryTraceProcessVersion ? kBinaryFlagProcesses : 0;
        if ((flags & ~allowed) != 0)
            fail(12, "unsupported flags " + hex32(flags) + " (expected " +
                         (allowed != 0 ? std::string("0 or 1 in version 3") : std::string("0 before version 3")) + ")");
        processes_ = (flags & kBinaryFlagProcesses) != 0;
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
        const std::uint32_t word = getU32(h), bytes = getU32(h + 4), stored = getU32(h + 8);
        // Before version 3 the whole word is the count (so a type byte reads as a count too large).
        const unsigned type = version_ >= kAllocationsVersion ? word >> kBlockTypeShift : kAccessBlock;
        const std::uint32_t count = version_ >= kAllocationsVersion ? word & kBlockCountMask : word;
        if (type == kAllocationBlock) {
            readAllocationBlock(blockOffset, count, bytes, stored);
            return;
        }
        if (type != kAccessBlock)
            fail(blockOffset, "block type " + std::to_string(type) + " (expected 0 for accesses or 1 for allocations)");
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
        // Version 3 with processes: a data block's header has the process id after the CRC.
        unsigned char processBytes[4] = {0, 0, 0, 0};
        const bool hasProcess = processes_ && count != 0;
        if (hasProcess) {
            readExact(processBytes, 4, "block header");
            const std::uint32_t process = getU32(processBytes);
            if (process >= kMaxProcesses)
                fail(blockOffset + kBlockHeaderBytes, "block process id " + std::to_string(process) +
                                                          " (expected 0 to " + std::to_string(kMaxProcesses - 1) + ")");
            process_ = static_cast<std::uint8_t>(process);
        }
        payload_.resize(bytes + kPayloadPadding);
        std::fill(payload_.begin() + bytes, payload_.end(), 0);
        payloadOffset_ = offset_;
        readExact(payload_.data(), bytes, count == 0 ? "end block" : "block payload");
        const std::uint32_t computed = crc32(payload_.data(), bytes, hasProcess ? crc32(processBytes, 4) : 0);
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
            return;
        }
        if (streams_.size() < count + kDirectSlots) streams_.resize(count + kDirectSlots);  // one block at most
        blocksTotal_ += count;
        count_ = count;
        bytes_ = bytes;
        startBlock();
    }

    /// An allocation block (version 3): checked whole, then its records go to the sink in order.
    void readAllocationBlock(std::uint64_t blockOffset, std::uint32_t count, std::uint32_t bytes, std::uint32_t stored) {
        if (count == 0 || count > kBlockRecords)
            fail(blockOffset, "allocation block record count " + std::to_string(count) + " (expected 1 to " +
                                  std::to_string(kBlockRecords) + ")");
        if (bytes < count || bytes > kMaxAllocationPayload)
            fail(blockOffset + 4, "allocation block payload of " + std::to_string(bytes) + " bytes for " +
                                      std::to_string(count) + " records (expected " + std::to_string(count) + " to " +
                                      std::to_string(kMaxAllocationPayload) + ")");
        std::vector<unsigned char> payload(bytes + kPayloadPadding, 0);
        const std::uint64_t start = offset_;
        readExact(payload.data(), bytes, "allocation block payload");
        const std::uint32_t computed = crc32(payload.data(), bytes);
        if (stored != computed)
            fail(blockOffset + 8, "allocation block CRC mismatch: stored " + hex32(stored) + ", computed " +
                                      hex32(computed) + " (expected equal: the block is corrupted)");
        const unsigned char* const begin = payload.data();
        const unsigned char* const end = begin + bytes;
        const unsigned char* p = begin;
        auto at = [&](const unsigned char* q) { return start + static_cast<std::uint64_t>(q - begin); };
        std::uint32_t n = 0;
        auto recordFail = [&](const unsigned char* q, const std::string& what) {
            fail(at(q), "allocation record " + std::to_string(n) + " of the block: " + what);
        };
        auto number = [&](const char* what) {
            const unsigned char* q = p;
            std::uint64_t v = 0;
            if (!varint(p, v)) recordFail(q, std::string(what) + " varint longer than 64 bits");
            if (p > end) recordFail(q, std::string(what) + " runs past the end of the payload");
            return v;
        };
        // An ID or site: an index into the file's table, or the next index and then the new name.
        auto name = [&](std::deque<std::string>& table, bool site) -> std::string_view {
            const char* what = site ? "site" : "ID";
            const unsigned char* q = p;
            const std::uint64_t index = number(what);
            if (index < table.size()) return table[index];
            if (index > table.size())
                recordFail(q, std::string(what) + " " + std::to_string(index) + " (expected below " +
                                  std::to_string(table.size()) + ", or " + std::to_string(table.size()) + " for a new " +
                                  what + " whose name follows)");
            q = p;
            const std::uint64_t length = number("name length");
            if (length == 0 || length > kMaxAllocationName || length > static_cast<std::uint64_t>(end - p))
                recordFail(q, std::string(what) + " name of " + std::to_string(length) + " bytes (expected 1 to " +
                                  std::to_string(std::min<std::uint64_t>(kMaxAllocationName,
                                                                          static_cast<std::uint64_t>(end - p))) +
                                  ")");
            std::string text(reinterpret_cast<const char*>(p), static_cast<std::size_t>(length));
            if (const std::string problem = allocationNameProblem(text, site); !problem.empty())
                recordFail(p, std::string(what) + " name \"" + printable(text) + "\" " + problem);
            p += length;
            table.push_back(std::move(text));
            return table.back();
        };
        std::vector<AllocationRecord> records(count);
        std::vector<std::pair<std::uint32_t, TraceEvent>> events;  // (record index, event)
        for (; n < count; ++n) {
            if (p >= end)
                fail(at(end), "allocation block payload ends after " + std::to_string(n) + " of its " +
                                  std::to_string(count) + " records (expected more records)");
            AllocationRecord& r = records[n];
            r.offset = at(p);
            const unsigned op = *p++;
            if (op == kMsyncOp) {  // a control event: process, address, size
                const unsigned char* q = p;
                const unsigned process = *p++;
                if (p > end) recordFail(q, "msync process runs past the end of the payload");
                if (process != 0 && !processes_)
                    recordFail(q, "msync of process " + std::to_string(process) +
                                      " (expected 0: the file has no process ids, flags bit 0 clear)");
                const std::uint64_t address = number("msync address");
                q = p;
                const std::uint64_t size = number("msync size");
                if (const std::string problem = msyncProblem(address, size); !problem.empty()) recordFail(q, problem);
                events.emplace_back(n, TraceEvent{blocksTotal_, TraceEventKind::Msync,
                                                  static_cast<std::uint8_t>(process), address, size});
                continue;
            }
            if (op > static_cast<unsigned>(AllocationOp::EmptyCache))
                recordFail(p - 1, "operation " + std::to_string(op) +
                                      " (expected 0 alloc, 1 free, 2 realloc, 3 empty_cache or 4 msync)");
            r.op = static_cast<AllocationOp>(op);
            if (r.op != AllocationOp::EmptyCache) r.id = name(allocIds_, false);
            if (r.op == AllocationOp::Alloc || r.op == AllocationOp::Realloc) {
                const unsigned char* q = p;
                r.size = number("size");
                if (r.size > kMaxAllocationSize)
                    recordFail(q, "size " + std::to_string(r.size) + " (expected at most " +
                                      std::to_string(kMaxAllocationSize) + ")");
            }
            if (r.op == AllocationOp::Alloc) {
                const unsigned char* q = p;
                const unsigned align = *p++;
                if (p > end) recordFail(q, "alignment runs past the end of the payload");
                if (align > 31)
                    recordFail(q, "alignment code " + std::to_string(align) +
                                      " (expected 0 for none or k + 1 for 2^k, k up to 30)");
                r.align = align == 0 ? 0 : std::uint64_t{1} << (align - 1);
                r.site = name(allocSites_, true);
            }
        }
        if (p != end)
            fail(at(p), std::to_string(end - p) + " bytes left in the allocation block payload after its " +
                            std::to_string(count) + " records (expected none)");
        auto event = events.begin();
        for (std::uint32_t i = 0; i < count; ++i) {
            if (event != events.end() && event->first == i) {
                if (events_ != nullptr) events_->onTraceEvent(event->second);
                ++event;
            } else if (sink_ != nullptr) {
                sink_->onAllocation(records[i]);
            }
        }
    }

    /// The decoder's state at the start of the current block's payload.
    void startBlock() {
        for (unsigned i = 0; i < kDirectSlots; ++i) streams_[i] = Stream{};
        cursor_ = payload_.data();
        last_ = 0;
        lastEnd_[0] = lastEnd_[1] = lastEnd_[2] = 0;
        defined_ = 0;
        done_ = 0;
    }

    /// The fast decoder found something wrong in the current block: decode it again from its
    /// start with every check, which throws the error naming the byte.
    [[noreturn]] void preciseError() {
        startBlock();
        std::vector<Access> scratch(count_);
        if (version_ == 1)
            decode<true, 1>(scratch.data(), count_);
        else
            decode<true, 2>(scratch.data(), count_);
        fail(payloadOffset_, "block does not decode (expected valid records)");  // not reached
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

    /// Decodes the next k records of the current block into out[0..k), straight into the
    /// caller's span. Fast (Checked = false): returns false on anything wrong, checking per record
    /// only that the payload has not ended. Checked: throws a TraceError naming the byte.
    template <bool Checked, int Version>
    bool decode(Access* const out, const std::uint32_t k) {
        const std::uint32_t count = count_, bytes = bytes_;
        const unsigned char* const begin = payload_.data();
        const unsigned char* const end = begin + bytes;
        const unsigned char* p = cursor_;
        Stream* const streams = streams_.data();
        std::size_t defined = defined_;
        std::uint64_t last = last_;
        std::uint64_t lastEnd[3] = {lastEnd_[0], lastEnd_[1], lastEnd_[2]};
        const std::uint32_t first = done_;
        std::uint64_t addresses = 0;  // all addresses or-ed together
        const std::size_t sites = metadata_.sites.size();
        const std::uint8_t process = process_;
        const std::uint64_t processBits = std::uint64_t{process} << 40;  // Access::process in tail words
        auto at = [&](const unsigned char* q) { return payloadOffset_ + static_cast<std::uint64_t>(q - begin); };
        auto recordText = [&](std::uint32_t n) { return "record " + std::to_string(n) + " of the block: "; };
        for (std::uint32_t i = 0; i < k; ++i) {
            const std::uint32_t n = first + i;
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
                if (slot >= defined) [[unlikely]] {
                    if constexpr (Checked)
                        fail(at(record), recordText(n) + "stream slot " + std::to_string(slot) +
                                             " is not defined yet (expected a slot below " + std::to_string(defined) +
                                             " or an escape)");
                    return false;
                }
            } else {
                const unsigned char* q = p;
                std::uint64_t x = 0;
                if (!varint(p, x)) {
                    if constexpr (Checked) fail(at(q), recordText(n) + "varint longer than 64 bits");
                    return false;
                }
                // Version 1: X = 0 a new stream appended, X >= 1 slot X - 1. Version 2: X = 4j + op.
                const unsigned op = Version == 1 ? (x == 0 ? kOpNew : kOpUse) : static_cast<unsigned>(x & 3U);
                const std::uint64_t j = Version == 1 ? (x == 0 ? defined : x - 1) : x >> 2;
                if (op == kOpNew) {  // a new stream: site, kind, size
                    if (j > defined) {
                        if constexpr (Checked)
                            fail(at(q), recordText(n) + "new stream in slot " + std::to_string(j) +
                                            " (expected a slot up to " + std::to_string(defined) + ")");
                        return false;
                    }
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
                    if (!varint(p, size) || size == 0 || size > kMaxReferenceSize) {
                        if constexpr (Checked)
                            fail(at(q),
                                 recordText(n) + "stream access size " +
                                     (p == q ? std::string("varint longer than 64 bits") : std::to_string(size)) +
                                     " (expected 1 to " + std::to_string(kMaxReferenceSize) + ")");
                        return false;
                    }
                    if (j == defined) ++defined;
                    s = streams + j;
                    *s = Stream{last, 0, static_cast<std::uint32_t>(size), static_cast<AccessKind>(kind),
                                static_cast<std::uint16_t>(site),
                                tailOf(static_cast<std::uint32_t>(size), static_cast<AccessKind>(kind),
                                       static_cast<std::uint16_t>(site))};
                } else if (j >= defined) {
                    if constexpr (Checked)
                        fail(at(q), recordText(n) + "stream slot " + std::to_string(j) +
                                        " is not defined yet (expected a slot below " + std::to_string(defined) + ")");
                    return false;
                } else if (op == kOpUse) {
                    s = streams + j;
                } else {  // fork or swap: into slot T
                    std::uint64_t t = 0;
                    q = p;
                    if (!varint(p, t) || t > defined || (op == kOpSwap && t == defined)) {
                        if constexpr (Checked)
                            fail(at(q), recordText(n) + (op == kOpFork ? "fork" : "swap") + " into slot " +
                                            (p == q ? std::string("varint longer than 64 bits") : std::to_string(t)) +
                                            " (expected a slot " + (op == kOpFork ? "up to " : "below ") +
                                            std::to_string(defined) + ")");
                        return false;
                    }
                    if (op == kOpFork) {
                        if (t == defined) ++defined;
                        streams[t] = streams[j];
                    } else {
                        std::swap(streams[t], streams[j]);
                    }
                    s = streams + t;
                }
            }
            if (code != kSameDelta) {
                if (code < kContiguous || (Version == 1 && code == kContiguous)) [[likely]] {
                    s->delta = static_cast<std::uint64_t>(static_cast<std::int64_t>(code) - kDeltaBias) * s->size;
                } else if (code == kContiguous) {
                    s->delta = lastEnd[static_cast<unsigned>(s->kind)] - s->address;
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
            if constexpr (Version != 1) lastEnd[static_cast<unsigned>(s->kind)] = last + s->size;
            addresses |= last;
            if constexpr (std::endian::native == std::endian::little && offsetof(Access, process) == 13 &&
                          sizeof(Access) == 16) {  // two stores: the address, then size/kind/process/site
                out[i].address = s->address;
                const std::uint64_t tail = s->tail | processBits;
                std::memcpy(reinterpret_cast<unsigned char*>(&out[i]) + 8, &tail, 8);
            } else {
                out[i] = Access{s->address, s->size, s->kind, s->site, process};
            }
            if constexpr (Checked) {
                if (p > end)
                    fail(at(record), recordText(n) + "runs past the end of the payload (expected it to end within " +
                                         std::to_string(bytes) + " bytes)");
                if (out[i].address + (out[i].size - 1) < out[i].address)
                    fail(at(record), recordText(n) + "an access of " + std::to_string(out[i].size) + " bytes at " +
                                         std::to_string(out[i].address) +
                                         " runs past the end of the address space (expected it to fit in 64 bits)");
            }
        }
        if (first + k == count && p != end) {
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
            // An access can only run past 2^64 if its address is at least 2^64 - (2^32 - 1): when no
            // address has one of the top two bits set (all but exotic traces), skip the check.
            if ((addresses >> 62) != 0)
                for (std::uint32_t i = 0; i < k; ++i)
                    if (out[i].address + (out[i].size - 1) < out[i].address) return false;
        }
        cursor_ = p;
        defined_ = defined;
        last_ = last;
        for (unsigned kind = 0; kind < 3; ++kind) lastEnd_[kind] = lastEnd[kind];
        done_ = first + k;
        return true;
    }

    std::unique_ptr<std::istream> in_;
    std::string name_;
    std::uint64_t offset_ = 0;         // bytes consumed from the stream
    std::uint64_t payloadOffset_ = 0;  // where the current payload starts
    TraceMetadata metadata_;
    std::vector<unsigned char> payload_;
    std::vector<Stream> streams_;
    // Decoder state within the current block (blocks are independent: startBlock() resets it).
    std::uint32_t count_ = 0, bytes_ = 0;  // the block's record count and payload length
    std::uint32_t done_ = 0;               // records decoded and handed out
    const unsigned char* cursor_ = nullptr;
    std::uint64_t last_ = 0;   // the previous record's address
    std::uint64_t lastEnd_[3] = {0, 0, 0};  // v2, per kind: where the last access of it ended
    std::uint32_t version_ = kBinaryTraceVersion;
    bool processes_ = false;     // version 3 with flags bit 0: blocks carry a process id
    std::uint8_t process_ = 0;   // the current block's
    std::size_t defined_ = 0;  // streams defined so far
    std::uint64_t records_ = 0;
    std::uint64_t blocksTotal_ = 0;
    bool ended_ = false;
    // Allocation records (version 3): where they go, and the file-wide tables of ID and site names
    // (a deque: the records' views into it stay valid as it grows). Site 0 is "no site".
    AllocationSink* sink_ = nullptr;
    TraceEventSink* events_ = nullptr;  // msync records (op 4 of an allocation block)
    std::deque<std::string> allocIds_;
    std::deque<std::string> allocSites_{std::string()};
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
