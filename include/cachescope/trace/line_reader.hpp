#pragma once
// Splits a byte stream into lines in constant memory, for the trace readers.
//
// The stream is read in large blocks into one fixed buffer; next() hands out each line as a view
// into that buffer (valid until the next call), without the '\n' and without a trailing '\r'
// (CRLF files are accepted). A line longer than kMaxLineLength bytes is an error, so the buffer
// never grows: memory stays at about blockSize + kMaxLineLength whatever the trace length.
//
//   LineReader lines(std::make_unique<std::istringstream>("R 10\n\nW 20"), "t.trace");
//   std::string_view line;
//   lines.next(line);  // "R 10",  lines.lineNumber() == 1
//   lines.next(line);  // "",      lineNumber() == 2
//   lines.next(line);  // "W 20",  lineNumber() == 3 (no trailing newline is fine)
//   lines.next(line);  // false: end of stream
//
// peek() looks at the lines ahead without consuming them (format detection uses it), within the
// buffer's window.
//
// Block parsers (the trace readers) skip the per-line calls for plain records: buffered() shows
// the complete lines already read (each ends in '\n'; at least kPadding readable bytes follow the
// view), they parse records straight from it, skip() the bytes and lines they took, and hand
// anything unusual (comments, errors, over-long lines, the last line without '\n') to next().

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cachescope {

/// `<file>:<line>: <problem>: found "<text>"; expected <expected>`, with `text` truncated to
/// about 80 characters and control characters escaped.
std::string traceErrorMessage(std::string_view file, std::uint64_t line, std::string_view problem,
                              std::string_view text, std::string_view expected);

/// Opens `path` to be read ("-" = standard input). Throws IoError "'X' is a directory" or
/// "cannot open 'X': <the OS reason>" (e.g. "No such file or directory").
std::unique_ptr<std::istream> openInputFile(const std::string& path);

/// The words of a line of a text event trace (allocation, object-graph): what comes before a '#'
/// comment, split at spaces and tabs (and a '\r' left at the end).
std::vector<std::string_view> lineWords(std::string_view line);

class LineReader {
public:
    static constexpr std::size_t kMaxLineLength = 4096;
    static constexpr std::size_t kDefaultBlockSize = std::size_t{256} * 1024;
    /// Readable bytes after the end of buffered(), so that a parser may load 16 bytes at once.
    static constexpr std::size_t kPadding = 16;

    /// `name` is used in messages. `blockSize` (>= 1) is how much is read from the stream at once;
    /// tests use tiny blocks to exercise lines split across reads.
    LineReader(std::unique_ptr<std::istream> stream, std::string name, std::size_t blockSize = kDefaultBlockSize);

    /// The next line, or false at the end of the stream. Throws TraceError for a line longer than
    /// kMaxLineLength and IoError if the stream fails.
    bool next(std::string_view& line) {
        for (;;) {
            const char* begin = buf_.data() + pos_;
            const std::size_t avail = end_ - pos_;
            const auto* nl = static_cast<const char*>(avail != 0 ? std::memchr(begin, '\n', avail) : nullptr);
            if (nl != nullptr) {
                std::size_t len = static_cast<std::size_t>(nl - begin);
                pos_ += len + 1;
                ++line_;
                if (len != 0 && begin[len - 1] == '\r') --len;
                if (len > kMaxLineLength) throwTooLong(std::string_view(begin, len));
                line = std::string_view(begin, len);
                return true;
            }
            if (avail > kMaxLineLength + 1) {  // +1: a '\r' may still come before the '\n'
                ++line_;
                throwTooLong(std::string_view(begin, avail));
            }
            if (!refill()) return lastLine(line);
        }
    }

    /// Peeks at the line that starts `offset` bytes past the current position and advances
    /// `offset` past it. Returns false when there is no further line to peek: end of stream, the
    /// buffer window is full, or the line is too long (next() will then report it).
    bool peek(std::size_t& offset, std::string_view& line);

    /// The complete lines read ahead of the position, from the next unread byte to just past the
    /// last '\n' in the buffer; empty when no whole line is buffered (next() then reads more).
    std::string_view buffered() const {
        return pos_ < complete_ ? std::string_view(buf_.data() + pos_, complete_ - pos_) : std::string_view();
    }
    /// Consumes `bytes` of buffered() holding `lines` whole lines, as that many next() calls would.
    void skip(std::size_t bytes, std::uint64_t lines) {
        pos_ += bytes;
        line_ += lines;
    }

    /// 1-based number of the line last returned by next() (0 before the first).
    std::uint64_t lineNumber() const { return line_; }
    const std::string& name() const { return name_; }

private:
    bool refill();  // reads more after moving the unread bytes to the front; false at EOF
    bool lastLine(std::string_view& line);  // a final line without '\n'
    [[noreturn]] void throwTooLong(std::string_view text) const;

    std::unique_ptr<std::istream> stream_;
    std::string name_;
    std::vector<char> buf_;
    std::size_t pos_ = 0;  // first unread byte
    std::size_t end_ = 0;  // one past the last byte read
    std::size_t complete_ = 0;  // one past the last '\n' in buf_[0, end_), 0 if none
    std::uint64_t line_ = 0;
    bool eof_ = false;
};

}  // namespace cachescope
