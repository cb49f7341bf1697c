#pragma once
// Decoding a trace on a second thread: the reader runs ahead on a producer thread, filling blocks
// of accesses, while the caller (the simulating thread) takes them whole, as views, with no copy
// and no synchronisation per access (one hand-over per block of kDecodeBlock accesses: a store to an
// atomic counter, and a wake-up only when the other side had to sleep).
//
//   auto reader = decodeOnThread(openTrace("big.din"));   // starts the producer thread
//   std::array<Access, 4096> scratch;
//   for (std::span<const Access> v; !(v = reader->view(scratch)).empty();) simulator.access(v);
//
// Results are those of the inner reader, access for access; records() counts what the caller has
// taken so far (not what the producer decoded ahead). An error of the inner reader (TraceError,
// IoError, ...) reaches the caller after every access decoded before it, as the same exception.
// Destroying the reader early (a limit reached, an error elsewhere) stops and joins the producer.
// Control events (msync; trace/event.hpp) travel with the block being decoded when the inner reader
// met them and reach the caller's sink when it takes that block (events after the last access: a
// last block of no accesses), with the inner reader's positions.
//
// Only readers whose records hold one access each are run on a thread (text, din, binary): a
// Lackey "M" record holds two and Lackey counts skipped lines, neither of which can be placed
// inside a block without per-access bookkeeping, so Lackey readers are returned unchanged (inline).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "cachescope/trace/reader.hpp"

namespace cachescope {

/// Whether trace files are decoded on a second thread: `auto` (when the process may run on more
/// than one CPU), `on` (always) or `off` (inline, on the simulating thread).
enum class DecodeThread : std::uint8_t { Auto, On, Off };

std::string_view toString(DecodeThread mode);
/// "auto", "on", "off"; throws UsageError naming the valid values otherwise.
DecodeThread parseDecodeThread(std::string_view name);

/// CPUs this process may run on (its affinity mask; at least 1).
unsigned availableCpus();
/// The decision for `mode` on a machine with `cpus` CPUs: On -> true, Off -> false, Auto -> cpus > 1.
bool useDecodeThread(DecodeThread mode, unsigned cpus = availableCpus());

/// Accesses per block handed from the producer to the caller, and blocks in flight (the producer
/// fills one while the caller reads another; at most kDecodeSlots are decoded ahead).
inline constexpr std::size_t kDecodeBlock = 16384;
inline constexpr std::size_t kDecodeSlots = 4;

/// `inner` read on a producer thread (started here), or `inner` itself for a Lackey reader (see
/// above). `blockAccesses` (>= 1) sets the block size; tests use small blocks.
std::unique_ptr<TraceReader> decodeOnThread(std::unique_ptr<TraceReader> inner,
                                            std::size_t blockAccesses = kDecodeBlock);

}  // namespace cachescope
