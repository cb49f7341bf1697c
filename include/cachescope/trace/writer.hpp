#pragma once
// Streaming trace writers, one per file format, so any trace can be converted to any format:
//   text   "R 0x1000 4"            (kinds R, W, I)
//   din    "0 1000 4"              (extended din: label, hex address, hex size)
//   lackey " L 1000,4" / " S ..." / "I  ..."
//   binary docs/trace-format.md    (header with the metadata, compact delta-encoded blocks)
// Writers hold constant memory; finish() completes the file (a binary trace is invalid without it).

#include <memory>
#include <ostream>
#include <span>

#include "cachescope/core/access.hpp"
#include "cachescope/trace/metadata.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

class TraceWriter {
public:
    virtual ~TraceWriter() = default;
    virtual void write(std::span<const Access> block) = 0;
    /// Flushes and writes any trailer. Throws IoError if the stream failed.
    virtual void finish() = 0;
};

/// A writer of `format` (Text, Din, Lackey or Binary) onto `out` (not owned; it must outlive the
/// writer). `metadata` goes into the binary header; only the binary format can hold it (the
/// text writer puts its `source` in a leading '#' comment). Throws UsageError for Auto or Kernel.
std::unique_ptr<TraceWriter> makeTraceWriter(std::ostream& out, TraceFormat format, const TraceMetadata& metadata);

/// Reads `in` to its end into `out` (then out.finish()); returns the number of accesses.
std::uint64_t copyTrace(TraceReader& in, TraceWriter& out);

}  // namespace cachescope
