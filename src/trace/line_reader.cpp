#include "cachescope/trace/line_reader.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "cachescope/core/error.hpp"

namespace cachescope {

namespace {
constexpr std::size_t kShownChars = 80;
}  // namespace

std::string traceErrorMessage(std::string_view file, std::uint64_t line, std::string_view problem,
                              std::string_view text, std::string_view expected) {
    std::string msg;
    msg.reserve(file.size() + problem.size() + expected.size() + kShownChars + 48);
    msg.append(file);
    msg += ':';
    msg += std::to_string(line);
    msg += ": ";
    msg.append(problem);
    msg += ": found \"";
    const bool truncated = text.size() > kShownChars;
    for (const char c : text.substr(0, kShownChars)) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            msg += '\\';
            msg += c;
        } else if (u < 0x20 || u >= 0x7f) {  // control characters and bytes that are not ASCII
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\x%02x", static_cast<unsigned>(u));
            msg += esc;
        } else {
            msg += c;
        }
    }
    if (truncated) msg += "...";
    msg += "\"; expected ";
    msg.append(expected);
    return msg;
}

std::vector<std::string_view> lineWords(std::string_view line) {
    line = line.substr(0, line.find('#'));
    std::vector<std::string_view> words;
    std::size_t i = 0;
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; };
    while (i < line.size()) {
        while (i < line.size() && space(line[i])) ++i;
        const std::size_t start = i;
        while (i < line.size() && !space(line[i])) ++i;
        if (i > start) words.push_back(line.substr(start, i - start));
    }
    return words;
}

LineReader::LineReader(std::unique_ptr<std::istream> stream, std::string name, std::size_t blockSize)
    : stream_(std::move(stream)), name_(std::move(name)) {
    if (!stream_) throw std::invalid_argument("LineReader: null stream");
    // Room for one maximal partial line plus '\r' kept at the front, and a whole block after it.
    buf_.resize(kMaxLineLength + 2 + std::max<std::size_t>(blockSize, 1) + kPadding);
}

bool LineReader::refill() {
    if (eof_) return false;
    if (pos_ != 0) {
        std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
        end_ -= pos_;
        complete_ = complete_ > pos_ ? complete_ - pos_ : 0;
        pos_ = 0;
    }
    const std::size_t want = buf_.size() - kPadding - end_;
    if (want == 0) return false;  // window full (only peek() can get here)
    stream_->read(buf_.data() + end_, static_cast<std::streamsize>(want));
    const auto got = static_cast<std::size_t>(stream_->gcount());
    if (stream_->bad()) throw IoError("error while reading trace '" + name_ + "'");
    const auto* nl = static_cast<const char*>(got != 0 ? ::memrchr(buf_.data() + end_, '\n', got) : nullptr);
    if (nl != nullptr) complete_ = static_cast<std::size_t>(nl - buf_.data()) + 1;
    end_ += got;
    if (got < want) eof_ = true;
    return got != 0;
}

bool LineReader::lastLine(std::string_view& line) {
    if (pos_ == end_) return false;
    const char* begin = buf_.data() + pos_;
    std::size_t len = end_ - pos_;
    pos_ = end_;
    ++line_;
    if (begin[len - 1] == '\r') --len;
    if (len > kMaxLineLength) throwTooLong(std::string_view(begin, len));
    line = std::string_view(begin, len);
    return true;
}

void LineReader::throwTooLong(std::string_view text) const {
    throw TraceError(traceErrorMessage(name_, line_, "line too long", text,
                                       "at most " + std::to_string(kMaxLineLength) + " bytes per line"));
}

bool LineReader::peek(std::size_t& offset, std::string_view& line) {
    for (;;) {
        const std::size_t start = pos_ + offset;
        const std::size_t avail = end_ - start;
        const char* begin = buf_.data() + start;
        const auto* nl = static_cast<const char*>(avail != 0 ? std::memchr(begin, '\n', avail) : nullptr);
        if (nl != nullptr) {
            std::size_t len = static_cast<std::size_t>(nl - begin);
            offset += len + 1;
            if (len != 0 && begin[len - 1] == '\r') --len;
            if (len > kMaxLineLength) return false;
            line = std::string_view(begin, len);
            return true;
        }
        if (avail > kMaxLineLength + 1) return false;
        if (!eof_) {
            // refill() moves the unread bytes (pos_ onwards) to the front: offsets stay valid.
            if (refill()) continue;
            if (!eof_) return false;  // the window is full
        }
        // End of stream: a last line without '\n', if any.
        begin = buf_.data() + pos_ + offset;
        std::size_t len = end_ - (pos_ + offset);
        if (len == 0) return false;
        offset += len;
        if (begin[len - 1] == '\r') --len;
        if (len > kMaxLineLength) return false;
        line = std::string_view(begin, len);
        return true;
    }
}

}  // namespace cachescope
