#pragma once
// The replay of a seekable session (private to src/session): the source's accesses encoded once in
// the binary trace format (docs/trace-format.md; the same writer and reader as trace files, no
// second codec), held in memory up to a budget and spilled to an unnamed temporary file beyond it,
// with a block index so that any reference index is reached by decoding one block.
//
//   EncodedSource replay(*openSource(spec), 256 << 20);
//   std::unique_ptr<TraceReader> r = replay.readerAt(1'000'000);   // decodes one block to get there
//   r->read(block);                                                // references 1'000'000, ...
//
// Layout: `header_` holds the file header (magic, version, metadata JSON, CRC); the store holds the
// blocks as the writer emitted them (and its end block). blockOffset_[b] is where block b's header
// starts in the store, blockFirst_[b] the index of its first access. A reader positioned at block b
// reads a stream made of header_ followed by the store from blockOffset_[b]: exactly what a binary
// trace file would hold if it started there.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cachescope/trace/event.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope::session_detail {

/// Bytes appended at the end, in memory until `memoryBudget` would be exceeded, then in an unnamed
/// temporary file (mkstemp + unlink: it disappears when closed, also if the process dies).
class ReplayStore {
public:
    explicit ReplayStore(std::uint64_t memoryBudget) : budget_(memoryBudget) {}
    ~ReplayStore();
    ReplayStore(const ReplayStore&) = delete;
    ReplayStore& operator=(const ReplayStore&) = delete;

    void append(const char* data, std::size_t n);
    /// Copies bytes [offset, offset + n) to `to` (all of them must have been appended).
    void read(std::uint64_t offset, char* to, std::size_t n) const;
    std::uint64_t size() const { return size_; }
    bool spilled() const { return fd_ >= 0; }
    /// Bytes held in memory (0 once spilled).
    std::uint64_t memoryBytes() const { return memory_.capacity(); }

private:
    void spill();
    std::uint64_t budget_;
    std::vector<char> memory_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

class EncodedSource {
public:
    /// Reads `source` to its end and encodes it. `metadata` is the source's (nullptr: none; the
    /// encoding then carries the default metadata, whose only site is 0).
    EncodedSource(TraceReader& source, const TraceMetadata* metadata, std::uint64_t memoryBudget);

    std::uint64_t length() const { return length_; }
    /// A reader whose next access is reference `index` (index <= length()). It decodes the block
    /// holding `index` and skips the accesses before it in that block.
    std::unique_ptr<TraceReader> readerAt(std::uint64_t index) const;
    /// Bytes of the encoding (header included), in memory or in the spill file.
    std::uint64_t encodedBytes() const { return header_.size() + store_.size(); }
    /// Bytes the encoding holds in memory (header, blocks unless spilled, the block index).
    std::uint64_t memoryBytes() const;
    bool spilled() const { return store_.spilled(); }
    std::uint64_t blocks() const { return blockOffset_.size(); }
    /// The source's control events (msync; trace/event.hpp), by position: kept beside the blocks
    /// (readerAt's readers carry none), so a seek finds those after any index.
    const std::vector<TraceEvent>& events() const { return events_; }

private:
    std::string header_;
    ReplayStore store_;
    std::vector<std::uint64_t> blockOffset_;  // in the store
    std::vector<std::uint64_t> blockFirst_;   // index of each block's first access
    std::uint64_t length_ = 0;
    std::vector<TraceEvent> events_;
};

}  // namespace cachescope::session_detail
