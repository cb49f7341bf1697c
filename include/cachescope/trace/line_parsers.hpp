#pragma once
// One-line parsers for the three trace formats, and the content-based format detection.
// They never throw: a malformed line comes back with `problem` set, and the reader turns it into
// a TraceError that names the file and line (see traceErrorMessage in line_reader.hpp).
//
//   parseTextLine("W 0x1000 8")          -> 1 access  {0x1000, 8, Write}
//   parseTextLine("  # a comment")       -> 0 accesses (blank lines and comments are skipped)
//   parseDinLine("1 1003")               -> 1 access  {0x1000, 4, Write}  (rounded down, 4 bytes)
//   parseDinLine("1 1003 2")             -> 1 access  {0x1003, 2, Write}  (extended din: hex size)
//   parseLackeyLine(" M 7ff0,8")         -> 2 accesses {0x7ff0, 8, Read}, {0x7ff0, 8, Write}
//   parseTextLine("R 0xZZ 4").problem    == "bad address"
//   parseTextLine("msync 0x1000 8192 p1") -> an msync event (isEvent) of process 1
//
// All formats accept blank lines and '#' comments (whole-line or trailing), spaces or tabs
// between fields, and hex addresses with or without "0x". Lackey also skips valgrind's own
// "==pid==" and "--pid--" lines.

#include <array>
#include <optional>
#include <string_view>

#include "cachescope/core/access.hpp"
#include "cachescope/trace/line_reader.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

struct LineParse {
    unsigned count = 0;  // accesses on this line: 0 (blank, comment), 1, or 2 (Lackey "M")
    std::array<Access, 2> accesses{};
    std::string_view problem;  // non-empty: the line is malformed and this says why
    /// Lackey only: the line is not a record at all (its first word is not one letter, e.g. the
    /// traced program's own output mixed into the log); readers skip it and count it.
    bool skipped = false;
    /// Text only: the line is a control event ("msync 0x1000 4096 [pN]", count 0); its position is
    /// left 0 for the reader to fill.
    bool isEvent = false;
    TraceEvent event{};
    /// With `problem`: what the line should have been, when not the format's record (an msync line).
    std::string_view expected;
};

LineParse parseTextLine(std::string_view line);
LineParse parseDinLine(std::string_view line);
LineParse parseLackeyLine(std::string_view line);

/// What a record of `format` looks like, for the "expected ..." part of error messages.
std::string_view expectedRecord(TraceFormat format);

/// Classifies one line for format detection: nullopt for a line that says nothing (blank,
/// comment, valgrind "=="/"--" line) or that matches no format; otherwise the format whose
/// record shape it has. `ignorable` is set for lines that say nothing.
std::optional<TraceFormat> detectLine(std::string_view line, bool& ignorable);

}  // namespace cachescope

#include <cstddef>
#include <istream>
#include <memory>
#include <string>

namespace cachescope {

/// The reader of a known format (not Auto) over `lines`.
std::unique_ptr<TraceReader> makeLineTraceReader(LineReader lines, TraceFormat format);

/// openTrace() on a stream with a chosen read block size (tests use tiny blocks so that lines
/// straddle reads; openTrace uses LineReader::kDefaultBlockSize).
std::unique_ptr<TraceReader> openTraceWithBlockSize(std::unique_ptr<std::istream> stream, const std::string& name,
                                                    TraceFormat format, std::size_t blockSize);

}  // namespace cachescope
