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
    /// Writes one allocation record after the accesses written so far (trace/allocation.hpp).
    /// Returns false if the format cannot hold allocations (every format but binary): the record is
    /// dropped. The binary writer throws TraceError for a record it cannot store (a name that is
    /// not a word, a size above kMaxAllocationSize, an alignment that is not a power of two).
    virtual bool writeAllocation(const AllocationRecord& record) {
        (void)record;
        return false;
    }
    /// Writes one control event (trace/event.hpp) after the accesses written so far; its position
    /// is ignored (it is where the writer is). Returns false if the format cannot hold events (din,
    /// Lackey): the event is dropped. Text and binary writers throw TraceError for an event they
    /// cannot store (msyncProblem).
    virtual bool writeEvent(const TraceEvent& event) {
        (void)event;
        return false;
    }
    /// Flushes and writes any trailer. Throws IoError if the stream failed.
    virtual void finish() = 0;
};

/// A writer of `format` (Text, Din, Lackey or Binary) onto `out` (not owned; it must outlive the
/// writer). `metadata` goes into the binary header; only the binary format can hold it (the
/// text writer puts its `source` in a leading '#' comment). Throws UsageError for Auto or Kernel.
std::unique_ptr<TraceWriter> makeTraceWriter(std::ostream& out, TraceFormat format, const TraceMetadata& metadata);

/// Reads `in` to its end into `out` (then out.finish()), allocation records and control events
/// included, in order; returns the number of accesses. `droppedAllocations`, if given, gets the
/// number of allocation records `out` could not hold (the text formats hold none);
/// `droppedEvents` the number of control events (din and Lackey hold none).
std::uint64_t copyTrace(TraceReader& in, TraceWriter& out, std::uint64_t* droppedAllocations = nullptr,
                        std::uint64_t* droppedEvents = nullptr);

}  // namespace cachescope
