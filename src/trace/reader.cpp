#include "cachescope/trace/reader.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <streambuf>
#include <string>
#include <system_error>
#include <utility>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/line_parsers.hpp"
#include "cachescope/trace/line_reader.hpp"

namespace cachescope {

std::string_view toString(TraceFormat format) {
    switch (format) {
    case TraceFormat::Auto: return "auto";
    case TraceFormat::Text: return "text";
    case TraceFormat::Din: return "din";
    case TraceFormat::Lackey: return "lackey";
    case TraceFormat::Binary: return "binary";
    case TraceFormat::Kernel: return "kernel";
    }
    return "?";
}

TraceFormat parseTraceFormat(std::string_view name) {
    for (const TraceFormat f :
         {TraceFormat::Auto, TraceFormat::Text, TraceFormat::Din, TraceFormat::Lackey, TraceFormat::Binary})
        if (name == toString(f)) return f;
    throw UsageError("unknown trace format '" + std::string(name) +
                     "': expected one of auto, text, din, lackey, binary");
}

namespace {

bool isValgrindLine(std::string_view line) {
    return line.size() >= 2 && ((line[0] == '=' && line[1] == '=') || (line[0] == '-' && line[1] == '-'));
}

/// Looks at the first meaningful line. Blank and '#' lines at the start mean nothing in every
/// format, so they are consumed; from the first valgrind "=="/"--" line on (meaningful for Lackey
/// only) lines are only peeked at, so that the chosen format still reads them. A trace with no
/// record at all is valid (empty): it is read as text, or as Lackey if it has valgrind lines.
TraceFormat detect(LineReader& lines) {
    std::size_t offset = 0;
    std::string_view line;
    std::uint64_t peeked = 0;  // lines looked at but not consumed
    bool sawValgrind = false;
    while (lines.peek(offset, line)) {
        ++peeked;
        bool ignorable = false;
        if (const auto f = detectLine(line, ignorable)) return *f;
        if (!ignorable)
            throw TraceError(traceErrorMessage(
                lines.name(), lines.lineNumber() + peeked, "cannot detect the trace format", line,
                R"(a cachescope text record ("R 0x1000 4"), a Dinero IV din record ("0 1000") or a Valgrind )"
                R"(Lackey record (" L 1ffefff8a0,8"); name the format with --trace-format text|din|lackey)"));
        sawValgrind = sawValgrind || isValgrindLine(line);
        if (!sawValgrind) {  // consume it: keeps the peek window free for the lines that matter
            std::string_view skipped;
            lines.next(skipped);
            offset = 0;
            peeked = 0;
        }
    }
    return sawValgrind ? TraceFormat::Lackey : TraceFormat::Text;
}

std::unique_ptr<TraceReader> makeReader(LineReader lines, TraceFormat format) {
    if (format == TraceFormat::Auto) format = detect(lines);
    return makeLineTraceReader(std::move(lines), format);
}

/// A stream that gives back `prefix` (bytes already taken from `inner`) and then the rest of
/// `inner`: lets a non-seekable stream (a pipe on stdin) be peeked at for the binary magic.
class PrefixedStreamBuf final : public std::streambuf {
public:
    PrefixedStreamBuf(std::unique_ptr<std::istream> inner, std::string prefix)
        : inner_(std::move(inner)), buf_(std::move(prefix)) {
        setg(buf_.data(), buf_.data(), buf_.data() + buf_.size());
    }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        buf_.resize(kChunk);
        inner_->read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
        const auto got = static_cast<std::size_t>(inner_->gcount());
        if (got == 0) {
            setg(buf_.data(), buf_.data(), buf_.data());
            if (inner_->bad()) throw IoError("cannot read the trace: I/O error");
            return traits_type::eof();
        }
        setg(buf_.data(), buf_.data(), buf_.data() + got);
        return traits_type::to_int_type(*gptr());
    }

private:
    static constexpr std::size_t kChunk = std::size_t{64} * 1024;
    std::unique_ptr<std::istream> inner_;
    std::string buf_;
};

class PrefixedStream final : public std::istream {
public:
    PrefixedStream(std::unique_ptr<std::istream> inner, std::string prefix)
        : std::istream(nullptr), buf_(std::move(inner), std::move(prefix)) {
        rdbuf(&buf_);
    }

private:
    PrefixedStreamBuf buf_;
};

}  // namespace

/// Reads the first bytes to look for the binary magic, then puts them back: by seeking when the
/// stream can, otherwise by wrapping it. Returns true if the stream holds a binary trace.
bool peekBinary(std::unique_ptr<std::istream>& stream) {
    const std::istream::pos_type start = stream->tellg();
    std::string prefix(sizeof kBinaryTraceMagic, '\0');
    stream->read(prefix.data(), static_cast<std::streamsize>(prefix.size()));
    prefix.resize(static_cast<std::size_t>(stream->gcount()));
    const bool binary = looksBinary(prefix);
    stream->clear(stream->rdstate() & std::ios::badbit);
    if (start != std::istream::pos_type(-1) && stream->seekg(start)) return binary;
    stream->clear(stream->rdstate() & std::ios::badbit);
    stream = std::make_unique<PrefixedStream>(std::move(stream), std::move(prefix));
    return binary;
}

std::unique_ptr<TraceReader> openTraceWithBlockSize(std::unique_ptr<std::istream> stream, const std::string& name,
                                                    TraceFormat format, std::size_t blockSize) {
    if (format == TraceFormat::Binary) return openBinaryTrace(std::move(stream), name);
    if (format == TraceFormat::Auto && peekBinary(stream)) return openBinaryTrace(std::move(stream), name);
    return makeReader(LineReader(std::move(stream), name, blockSize), format);
}

std::unique_ptr<TraceReader> openTrace(std::unique_ptr<std::istream> stream, const std::string& name,
                                       TraceFormat format) {
    return openTraceWithBlockSize(std::move(stream), name, format, LineReader::kDefaultBlockSize);
}

std::unique_ptr<TraceReader> openTrace(const std::string& path, TraceFormat format) {
    if (path == "-") return openTrace(std::make_unique<std::istream>(std::cin.rdbuf()), "<stdin>", format);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw IoError("cannot open trace '" + path + "': " + std::strerror(EISDIR));
    errno = 0;
    auto file = std::make_unique<std::ifstream>(path, std::ios::in | std::ios::binary);
    if (!file->is_open()) {
        const int err = errno;
        throw IoError("cannot open trace '" + path + "': " + (err != 0 ? std::strerror(err) : "cannot be opened"));
    }
    return openTrace(std::move(file), path, format);
}

std::unique_ptr<std::istream> openInputFile(const std::string& path) {
    if (path == "-") return std::make_unique<std::istream>(std::cin.rdbuf());
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw IoError("'" + path + "' is a directory");
    errno = 0;
    auto file = std::make_unique<std::ifstream>(path, std::ios::in | std::ios::binary);
    if (!file->is_open()) {
        const int err = errno;
        throw IoError("cannot open '" + path + "': " + (err != 0 ? std::strerror(err) : "cannot be opened"));
    }
    return file;
}

}  // namespace cachescope
