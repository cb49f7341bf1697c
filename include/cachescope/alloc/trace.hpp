#pragma once
// Allocation traces: the text format of docs/alloc.md, one event a line.
//
//   # a comment; blank lines are ignored
//   alloc a 212KiB            # ID SIZE [ALIGN] [SITE]
//   alloc w 4096 64 conv1.im2col
//   realloc a 300KiB
//   free a
//   empty_cache               # torch.cuda.empty_cache(): the caching pool returns unused segments
//
// The reader checks the trace on its own, before any allocator runs: a free or realloc of an ID
// that is not live, a second alloc of a live ID, a negative, malformed or absurd size (above
// kMaxAllocSize), an alignment that is not a power of two (or above kMaxAlign) are TraceErrors
// naming "<file>:<line>", the text found and what was expected.

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cachescope/trace/allocation.hpp"

namespace cachescope {
class TraceWriter;
}

namespace cachescope::alloc {

/// Larger sizes are refused as absurd: 2^48 bytes (256 TiB), the user address space of x86-64.
inline constexpr std::uint64_t kMaxAllocSize = kMaxAllocationSize;
/// Largest alignment accepted: 1 GiB (huge pages).
inline constexpr std::uint64_t kMaxAlign = kMaxAllocationAlign;

enum class AllocOp : unsigned char { Alloc, Free, Realloc, EmptyCache };

struct AllocEvent {
    AllocOp op = AllocOp::Alloc;
    std::uint32_t id = 0;       // dense index into AllocTrace::names
    std::uint64_t size = 0;     // alloc, realloc: bytes requested
    std::uint64_t align = 0;    // alloc: requested alignment (0 = the allocator's default)
    std::uint32_t site = 0;     // alloc: index into AllocTrace::sites (0 = no site given)
    std::uint64_t line = 0;     // 1-based line in the file
};

struct AllocTrace {
    std::string source;               // file name for messages
    std::vector<AllocEvent> events;
    std::vector<std::string> names;   // ID text by AllocEvent::id
    std::vector<std::string> sites;   // sites[0] is "" (no site)
    std::uint64_t msyncs = 0;         // read from a binary trace: its msync events (not kept here)
};

/// Reads an allocation trace from `in`: the text format, or a binary trace (docs/trace-format.md)
/// whose allocation records are read and whose accesses are skipped. `source` names it in
/// messages. Throws TraceError at the first bad line ("trace.alloc:7: free of 'x', which was
/// already freed at line 5") or record ("t.bin: byte 312 (allocation event 7): free of 'x', which
/// was already freed at event 5"); in a binary trace an event's `line` is its number (1-based).
AllocTrace readAllocTrace(std::unique_ptr<std::istream> in, const std::string& source);
AllocTrace readAllocTrace(std::istream& in, const std::string& source);
/// Opens `path` ("-" = standard input) and reads it; IoError if it cannot be opened ("'X' is a
/// directory", "cannot open 'X': No such file or directory").
AllocTrace loadAllocTrace(const std::string& path);

/// True if the first meaningful line of `head` (the start of a text file) is an allocation event:
/// `trace convert` tells allocation traces from access traces so.
bool looksLikeAllocText(std::string_view head);

/// Writes the events of `trace` as allocation records to `out` (a binary trace writer; trace/
/// allocation.hpp). UsageError if the format cannot hold them.
void writeAllocations(TraceWriter& out, const AllocTrace& trace);

/// Writes `trace` in the text format: one comment line ("# " + source), then one event a line, so
/// that event i is on line i + 2 (TraceBuilder numbers its events so). readAllocTrace gives the
/// same events back.
void writeAllocTrace(std::ostream& os, const AllocTrace& trace);

/// A deterministic random trace (the same for a given seed on every platform): `events` events
/// over `slots` IDs x0, x1, ...; each event picks an ID at random and allocates it if it is not
/// live, else frees it (one time in eight reallocates it instead). Sizes are log-uniform from 1 B
/// to 64 KiB, with one allocation in 64 between 64 KiB and 8 MiB; one in eight asks for an
/// alignment of 64, 256 or 4096; sites are site0..site7. `bench --alloc` and the tests use it.
AllocTrace randomAllocTrace(std::uint64_t events, std::uint32_t seed = 1, std::uint32_t slots = 512);

}  // namespace cachescope::alloc
