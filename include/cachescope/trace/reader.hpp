#pragma once
// Streaming trace readers. A reader holds a constant amount of memory whatever the trace length,
// and hands out accesses in blocks so the per-access cost stays in the simulator, not in calls.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "cachescope/core/access.hpp"
#include "cachescope/trace/allocation.hpp"
#include "cachescope/trace/event.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope {

enum class TraceFormat : std::uint8_t {
    Auto,    // detect from content
    Text,    // cachescope text: "R 0x1000 4" (kind R/W/I, hex address, optional decimal size)
    Din,     // Dinero IV din: "label hexaddr" and extended din "label hexaddr hexsize"
    Lackey,  // Valgrind Lackey --trace-mem=yes: "I  addr,size", " L addr,size", " S ...", " M ..."
    Binary,  // cachescope binary (docs/trace-format.md): header with metadata, compact blocks
    Kernel,  // a built-in kernel running live (kernels/kernel.hpp); never a file format
};

std::string_view toString(TraceFormat);
/// "auto", "text", "din", "lackey", "binary" ("kernel" is not a name users give). Throws
/// UsageError listing the valid names otherwise.
TraceFormat parseTraceFormat(std::string_view name);

class TraceReader {
public:
    virtual ~TraceReader() = default;
    /// Fills `out` from the front with the next accesses; returns how many (0 = end of trace).
    /// Throws TraceError naming the file, the line and the offending text on malformed input.
    virtual std::size_t read(std::span<Access> out) = 0;
    /// The next accesses, at most scratch.size(), as a view: into `scratch` once filled (what
    /// read() does, the default), or straight into accesses the reader already holds decoded (a
    /// reader decoding on another thread, trace/decode_thread.hpp), with no copy. The view stays
    /// valid until the next call of view() or read(); it is empty at the end of the trace.
    virtual std::span<const Access> view(std::span<Access> scratch) { return scratch.first(read(scratch)); }
    /// The format being read (never Auto).
    virtual TraceFormat format() const = 0;
    /// Trace records (lines holding an access) read so far. A record may hold two accesses: a
    /// Lackey "M" (modify) line is a load then a store.
    virtual std::uint64_t records() const = 0;
    /// Lines skipped as not being records (Lackey: the traced program's own output), so far.
    virtual std::uint64_t skippedLines() const { return 0; }
    /// Regions and sites, when the trace carries them (binary traces, kernels); nullptr otherwise.
    virtual const TraceMetadata* metadata() const { return nullptr; }
    /// The metadata of process `process`'s references: a reader that interleaves several sources as
    /// processes (--mix) gives each source's; others give metadata() for process 0, nullptr else.
    virtual const TraceMetadata* processMetadata(std::uint32_t process) const {
        return process == 0 ? metadata() : nullptr;
    }
    /// How many processes processMetadata() can describe (1 unless the reader interleaves sources).
    virtual std::uint32_t describedProcesses() const { return 1; }
    /// Where the allocation records of the trace go (binary traces of version 3 hold them;
    /// trace/allocation.hpp), or nullptr (the default) to skip them. The reader hands each record to
    /// the sink from inside read() or view(), before it returns the accesses that follow the record
    /// in the trace: records handed out during a call come after every access of the earlier calls.
    /// Readers of formats without allocations ignore it.
    virtual void setAllocationSink(AllocationSink* sink) { (void)sink; }
    /// Where the trace's control events go (msync; trace/event.hpp), or nullptr (the default) to
    /// drop them. Each event reaches the sink from inside read() or view() with its position (the
    /// accesses before it in the trace), before the call that returns the access after it returns.
    /// Readers of formats without events (din, Lackey, kernels) ignore it.
    virtual void setEventSink(TraceEventSink* sink) { (void)sink; }
};

/// Opens `path` ("-" = standard input) for streaming. With TraceFormat::Auto the format is
/// detected from the first meaningful lines. Throws IoError if the file cannot be opened,
/// TraceError if the format cannot be detected.
std::unique_ptr<TraceReader> openTrace(const std::string& path, TraceFormat format = TraceFormat::Auto);

/// Reads from an already open stream (tests, stdin). `name` is used in messages.
std::unique_ptr<TraceReader> openTrace(std::unique_ptr<std::istream> stream, const std::string& name,
                                       TraceFormat format = TraceFormat::Auto);

}  // namespace cachescope
