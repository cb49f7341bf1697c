// The seekable session's encoded source (replay.hpp): the binary trace writer and reader, run
// over memory (or an unnamed temporary file) instead of a trace file.

#include "replay.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <ostream>
#include <streambuf>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope::session_detail {

namespace {

constexpr std::size_t kBlockHeaderBytes = 12;  // docs/trace-format.md: u32 count, u32 payload bytes, u32 CRC

std::uint32_t u32At(const char* p) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(p[i]);
    return v;
}

/// The writer's output: into `header` until switched, then appended to the store.
class StoreWriteBuf final : public std::streambuf {
public:
    StoreWriteBuf(std::string& header, ReplayStore& store) : header_(&header), store_(store) {}
    void toStore() { header_ = nullptr; }

protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        if (header_ != nullptr)
            header_->append(s, static_cast<std::size_t>(n));
        else
            store_.append(s, static_cast<std::size_t>(n));
        return n;
    }
    int_type overflow(int_type ch) override {
        if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
        const char c = traits_type::to_char_type(ch);
        xsputn(&c, 1);
        return ch;
    }

private:
    std::string* header_;
    ReplayStore& store_;
};

/// Reads the header, then the store from `offset` on, as one stream (what a binary reader opens).
class ReplayReadBuf final : public std::streambuf {
public:
    ReplayReadBuf(const std::string& header, const ReplayStore& store, std::uint64_t offset)
        : header_(header), store_(store), next_(offset) {
        char* h = const_cast<char*>(header_.data());  // streambuf's get area is non-const; never written
        setg(h, h, h + header_.size());
    }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        const std::uint64_t left = store_.size() - next_;
        if (left == 0) return traits_type::eof();
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer_.size()));
        store_.read(next_, buffer_.data(), n);
        next_ += n;
        setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
        return traits_type::to_int_type(*gptr());
    }

private:
    const std::string& header_;
    const ReplayStore& store_;
    std::uint64_t next_;
    std::array<char, 1 << 16> buffer_{};
};

/// An istream that owns its ReplayReadBuf (openBinaryTrace takes ownership of the stream).
class ReplayIstream final : public std::istream {
public:
    ReplayIstream(const std::string& header, const ReplayStore& store, std::uint64_t offset)
        : std::istream(nullptr), buf_(header, store, offset) {
        rdbuf(&buf_);
    }

private:
    ReplayReadBuf buf_;
};

[[noreturn]] void spillError(const std::string& what) {
    throw IoError("session replay: " + what + ": " + std::strerror(errno));
}

}  // namespace

// ---- ReplayStore --------------------------------------------------------------------------------

ReplayStore::~ReplayStore() {
    if (fd_ >= 0) ::close(fd_);
}

void ReplayStore::spill() {
    const char* dir = std::getenv("TMPDIR");
    std::string path = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/cachescope-replay-XXXXXX";
    fd_ = ::mkstemp(path.data());
    if (fd_ < 0) spillError("cannot create a temporary file in " + path.substr(0, path.rfind('/')));
    ::unlink(path.c_str());  // unnamed from now on: removed when closed
    std::vector<char> held = std::move(memory_);
    memory_ = {};
    const std::uint64_t size = size_;
    size_ = 0;
    append(held.data(), static_cast<std::size_t>(size));
}

void ReplayStore::append(const char* data, std::size_t n) {
    if (fd_ < 0 && size_ + n > budget_) spill();
    if (fd_ < 0) {
        memory_.insert(memory_.end(), data, data + n);
        size_ += n;
        return;
    }
    while (n > 0) {
        const ssize_t w = ::pwrite(fd_, data, n, static_cast<off_t>(size_));
        if (w < 0) {
            if (errno == EINTR) continue;
            spillError("cannot write the temporary file");
        }
        data += w;
        n -= static_cast<std::size_t>(w);
        size_ += static_cast<std::uint64_t>(w);
    }
}

void ReplayStore::read(std::uint64_t offset, char* to, std::size_t n) const {
    if (fd_ < 0) {
        std::memcpy(to, memory_.data() + offset, n);
        return;
    }
    while (n > 0) {
        const ssize_t r = ::pread(fd_, to, n, static_cast<off_t>(offset));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) spillError("cannot read the temporary file back");
        to += r;
        n -= static_cast<std::size_t>(r);
        offset += static_cast<std::uint64_t>(r);
    }
}

// ---- EncodedSource ------------------------------------------------------------------------------

EncodedSource::EncodedSource(TraceReader& source, const TraceMetadata* metadata, std::uint64_t memoryBudget)
    : store_(memoryBudget) {
    StoreWriteBuf buf(header_, store_);
    std::ostream out(&buf);
    const TraceMetadata none;
    // With process ids (version 3): a source of several processes replays as it ran; a block
    // header then has 4 more bytes (the process), which the index below skips.
    const std::unique_ptr<TraceWriter> writer =
        makeBinaryTraceWriter(out, metadata != nullptr ? *metadata : none, /*processes=*/true);
    buf.toStore();  // the constructor wrote the header; blocks follow
    struct Collect final : TraceEventSink {
        std::vector<TraceEvent>& into;
        explicit Collect(std::vector<TraceEvent>& v) : into(v) {}
        void onTraceEvent(const TraceEvent& e) override { into.push_back(e); }
    } collect(events_);
    source.setEventSink(&collect);
    struct Unset {
        TraceReader& source;
        ~Unset() { source.setEventSink(nullptr); }
    } unset{source};
    std::array<Access, 4096> block;
    for (std::size_t n; (n = source.read(block)) != 0;) writer->write(std::span<const Access>(block.data(), n));
    writer->finish();

    // The block index, from the block headers (docs/trace-format.md); the end block has count 0.
    std::array<char, kBlockHeaderBytes> h;
    for (std::uint64_t offset = 0; offset + kBlockHeaderBytes <= store_.size();) {
        store_.read(offset, h.data(), h.size());
        const std::uint32_t count = u32At(h.data()), payload = u32At(h.data() + 4);
        if (count == 0) break;
        blockOffset_.push_back(offset);
        blockFirst_.push_back(length_);
        length_ += count;
        offset += kBlockHeaderBytes + 4 + payload;  // + the process field
    }
}

std::unique_ptr<TraceReader> EncodedSource::readerAt(std::uint64_t index) const {
    // The last block whose first access is at or before `index` (block 0 when there is none).
    const auto it = std::upper_bound(blockFirst_.begin(), blockFirst_.end(), index);
    const std::size_t b = it == blockFirst_.begin() ? 0 : static_cast<std::size_t>(it - blockFirst_.begin()) - 1;
    const std::uint64_t offset = blockOffset_.empty() ? 0 : blockOffset_[b];
    std::unique_ptr<TraceReader> reader =
        openBinaryTrace(std::make_unique<ReplayIstream>(header_, store_, offset), "(session replay)");
    std::uint64_t skip = blockFirst_.empty() ? 0 : index - blockFirst_[b];
    std::array<Access, 4096> scratch;
    while (skip > 0) {
        const std::size_t n =
            reader->read(std::span<Access>(scratch.data(), std::min<std::uint64_t>(skip, scratch.size())));
        if (n == 0) break;
        skip -= n;
    }
    return reader;
}

std::uint64_t EncodedSource::memoryBytes() const {
    return header_.capacity() + store_.memoryBytes() +
           (blockOffset_.capacity() + blockFirst_.capacity()) * sizeof(std::uint64_t);
}

}  // namespace cachescope::session_detail
