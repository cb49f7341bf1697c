#pragma once
// The cachescope binary trace format (docs/trace-format.md is the specification):
//
//   header  magic "CSTRACE\x1a", version, the metadata as JSON (regions, sites, source), CRC-32
//   blocks  up to kBlockRecords accesses each: record count, payload length, CRC-32, payload
//   end     a block with zero records carrying the total count
//
// Records are encoded per stream (an access's site, kind and size), as deltas from the stream's
// previous address: kernels' regular strides cost one byte per access. Version 2 lets one site
// keep several streams (lanes) at once, so traces without sites (din, Lackey) compress too.
// Version 3 adds allocation blocks (trace/allocation.hpp): alloc, free and realloc records placed
// between the access blocks in trace order, and msync control events (op 4 of those blocks;
// trace/event.hpp).
// Every block starts from a clean state, so a reader can check and decode blocks independently.
//
// Readers never trust the file: truncation, bad CRCs, impossible counts or lengths give a
// TraceError naming the file and the byte offset, never a crash or a hang.

#include <cstdint>
#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include "cachescope/trace/reader.hpp"
#include "cachescope/trace/writer.hpp"

namespace cachescope {

inline constexpr char kBinaryTraceMagic[8] = {'C', 'S', 'T', 'R', 'A', 'C', 'E', '\x1a'};
inline constexpr std::uint32_t kBinaryTraceVersion = 3;  // what the writer writes; the reader takes 1 to 3
/// Version 3 adds to version 2 (docs/trace-format.md): blocks of allocation records (a block type in
/// the high byte of a block's count word) and, with flags bit 0 (kBinaryFlagProcesses), the process id
/// of all of a block's accesses in its header.
inline constexpr std::uint32_t kBinaryTraceProcessVersion = 3;
inline constexpr std::uint32_t kBinaryFlagProcesses = 1;

/// True if `prefix` (the first bytes of a file) starts with the binary magic.
bool looksBinary(std::string_view prefix);

/// Reads the first bytes of `stream` to look for the binary magic, then puts them back (by seeking
/// when the stream can, otherwise by wrapping it, so a pipe works too). True if it is binary.
bool peekBinary(std::unique_ptr<std::istream>& stream);

/// A reader of a binary trace (openTrace detects the magic and calls this). `name` in messages.
std::unique_ptr<TraceReader> openBinaryTrace(std::unique_ptr<std::istream> stream, const std::string& name);

/// `processes`: write version 3 with per-block process ids (a block ends where the process
/// changes); without it an access of a process other than 0 is a TraceError.
std::unique_ptr<TraceWriter> makeBinaryTraceWriter(std::ostream& out, const TraceMetadata& metadata,
                                                   bool processes = false);

}  // namespace cachescope
