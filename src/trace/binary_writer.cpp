// The binary trace writer: buffers up to one block of accesses, encodes it per stream, emits it.

#include <string>
#include <unordered_map>
#include <vector>

#include "binary_format.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/crc32.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope {

namespace {

using namespace binfmt;

class BinaryTraceWriter final : public TraceWriter {
public:
    BinaryTraceWriter(std::ostream& out, const TraceMetadata& metadata) : out_(out), sites_(metadata.sites.size()) {
        pending_.reserve(kBlockRecords);
        streams_.reserve(kBlockRecords);
        std::string header(kBinaryTraceMagic, kMagicBytes);
        // Invalid UTF-8 in a name becomes U+FFFD rather than an exception.
        const std::string json = toJson(metadata).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        if (json.size() > kMaxMetadataBytes)
            throw UsageError("trace metadata is " + std::to_string(json.size()) +
                             " bytes of JSON; the binary format "
                             "holds at most " +
                             std::to_string(kMaxMetadataBytes));
        putU32(header, kBinaryTraceVersion);
        putU32(header, 0);  // flags
        putU32(header, static_cast<std::uint32_t>(json.size()));
        header += json;
        putU32(header, crc32(header));
        emit(header);
    }

    void write(std::span<const Access> block) override {
        for (const Access& a : block) {
            if (a.size == 0 || a.size > kMaxReferenceSize)
                throw TraceError("binary trace writer: access " + std::to_string(total_ + pending_.size()) +
                                 " has size " + std::to_string(a.size) + " (expected 1 to " +
                                 std::to_string(kMaxReferenceSize) + ")");
            if (a.site >= sites_)
                throw TraceError("binary trace writer: access " + std::to_string(total_ + pending_.size()) +
                                 " has site " + std::to_string(a.site) + " (expected a site of the metadata, below " +
                                 std::to_string(sites_) + ")");
            pending_.push_back(a);
            if (pending_.size() == kBlockRecords) flushBlock();
        }
    }

    void finish() override {
        if (finished_) return;
        flushBlock();
        std::string end;
        putU32(end, 0);
        putU32(end, kEndPayloadBytes);
        std::string total;
        putU64(total, total_);
        putU32(end, crc32(total));
        end += total;
        emit(end);
        out_.flush();
        if (!out_) throw IoError("binary trace writer: the output stream failed");
        finished_ = true;
    }

private:
    struct Stream {
        std::uint64_t key = 0;
        std::uint64_t address = 0;  // previous address
        std::uint64_t delta = 0;    // previous delta, bytes
        std::uint32_t size = 1;
    };

    static std::uint64_t keyOf(const Access& a) {
        return std::uint64_t{a.site} << 40 | std::uint64_t{static_cast<std::uint8_t>(a.kind)} << 32 | a.size;
    }

    std::size_t slotOf(std::uint64_t key) {
        const std::size_t direct = std::min<std::size_t>(streams_.size(), kDirectSlots);
        for (std::size_t i = 0; i < direct; ++i)
            if (streams_[i].key == key) return i;
        if (streams_.size() <= kDirectSlots) return streams_.size();
        const auto it = index_.find(key);
        return it == index_.end() ? streams_.size() : it->second;
    }

    void flushBlock() {
        if (pending_.empty()) return;
        payload_.clear();
        streams_.clear();
        index_.clear();
        std::uint64_t last = 0;  // the previous record's address: a new stream starts from it
        for (const Access& a : pending_) {
            const std::uint64_t key = keyOf(a);
            const std::size_t slot = slotOf(key);
            const bool isNew = slot == streams_.size();
            if (isNew) {
                streams_.push_back(Stream{key, last, 0, a.size});
                if (slot >= kDirectSlots) index_.emplace(key, slot);
            }
            Stream& s = streams_[slot];
            const std::uint64_t delta = a.address - s.address;
            unsigned code = kExplicitDelta;
            if (delta == s.delta) {
                code = kSameDelta;
            } else {
                const auto d = static_cast<std::int64_t>(delta);
                const auto size = static_cast<std::int64_t>(s.size);
                if (d % size == 0 && d / size >= 1 - kDeltaBias && d / size <= 14 - kDeltaBias)
                    code = static_cast<unsigned>(d / size + kDeltaBias);
            }
            const unsigned high = isNew || slot >= kDirectSlots ? kEscape : static_cast<unsigned>(slot);
            payload_.push_back(static_cast<char>(high << 4 | code));
            if (isNew) {
                putVarint(payload_, 0);
                putVarint(payload_, a.site);
                payload_.push_back(static_cast<char>(a.kind));
                putVarint(payload_, a.size);
            } else if (slot >= kDirectSlots) {
                putVarint(payload_, slot + 1);
            }
            if (code == kExplicitDelta) putVarint(payload_, zigzag(delta));
            s.delta = delta;
            s.address = a.address;
            last = a.address;
        }
        std::string header;
        putU32(header, static_cast<std::uint32_t>(pending_.size()));
        putU32(header, static_cast<std::uint32_t>(payload_.size()));
        putU32(header, crc32(payload_));
        emit(header);
        emit(payload_);
        total_ += pending_.size();
        pending_.clear();
    }

    void emit(const std::string& bytes) {
        out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out_) throw IoError("binary trace writer: the output stream failed");
    }

    std::ostream& out_;
    std::size_t sites_;
    std::vector<Access> pending_;
    std::vector<Stream> streams_;
    std::unordered_map<std::uint64_t, std::size_t> index_;  // slots >= kDirectSlots by key
    std::string payload_;
    std::uint64_t total_ = 0;
    bool finished_ = false;
};

}  // namespace

std::unique_ptr<TraceWriter> makeBinaryTraceWriter(std::ostream& out, const TraceMetadata& metadata) {
    return std::make_unique<BinaryTraceWriter>(out, metadata);
}

}  // namespace cachescope
