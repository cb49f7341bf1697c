#pragma once
// Exact parallel simulation (`run --threads N`): the references are split by address bits that
// index the set in every cache into N shares (N a power of two), each simulated on its own thread
// by its own Simulator through every level; the counters are then summed. The result is
// bit-identical to the sequential run, because no event in one share can change what happens in
// another:
//
//  - Which bits. Cache i takes its set from address bits [L_i, L_i + S_i) (L_i = log2 line size,
//    S_i = log2 sets). The shares use k bits starting at shift = max L_i, with shift + k <=
//    min (L_i + S_i): bits every cache uses for its set index. Two lines in one set of any cache
//    agree on those bits, so every set of every cache belongs to exactly one share.
//      L1 32 KiB 8-way 64 B lines: 64 sets, bits 6..11; L2 256 KiB 8-way 128 B lines: 256 sets,
//      bits 7..14. Shared: bits 7..11, so up to 2^5 = 32 shares; share = (address >> 7) & (N-1).
//  - What moves between levels stays in its share: a fill is the missing line's base address (its
//    bits at and above L of the cache above are kept, and shift >= every L); a victim, a
//    write-back, a back-invalidation (inclusive) or an exclusive cache's victim fill is a line of
//    the same set as the line that caused it; a write-through carries the CPU address. Inclusion
//    and exclusion are therefore shard-local too (validation gives such caches the line size of
//    every cache above them).
//  - Policies: lru, fifo, plru, nru, lfu, mru and srrip keep state per set only (checked in their
//    code: no counter, clock or generator shared by the sets). opt decides by next use within one
//    set: a line's next use is in its own share, and each share's stream is a subsequence of the
//    whole stream, so "which line is used farthest in the future" has the same answer. random and
//    brrip draw from one generator per cache, drrip duels sets through one selector: sequential.
//  - A CPU reference whose bytes cross a 2^shift boundary goes to two (or more) shares as pieces
//    split at that boundary; the hierarchy splits each piece into lines exactly as it would have
//    split the whole reference (2^shift is a multiple of every line size), and such a reference
//    counts once in the references and per-site counts. A reference of a side with no cache (a
//    config with only an L1I, say) goes to memory as one request whatever it covers: it is never
//    split.
//  - Sequential instead (planShards says why): an mmu (TLBs, page walks and page replacement see
//    every page), a fully associative cache or one with a single set, a policy above with shared
//    state, no set-index bit common to every cache.
//
// Each share simulates a config whose caches have 1/N of the sets: the share bits are removed from
// every address it is given (squeezed out: bits [shift, shift + k) dropped, the bits above moved
// down), which maps the share's lines one-to-one onto the smaller caches' lines and sets. So N
// shares together hold about as much state as one sequential simulator, and each share's arrays
// are N times smaller.
//
// The split pass (the calling thread's part) is sequential: it reads each access, computes its
// share and copies it into that share's chunk; full chunks go to the share's thread through a small
// bounded queue. OPT planning (planFutures) runs each share's passes on its own thread, each
// opening the trace and splitting it again itself.

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "cachescope/config/config.hpp"
#include "cachescope/core/access.hpp"
#include "cachescope/sim/flush.hpp"
#include "cachescope/sim/run.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

/// How a config's references can be split, for `threads` threads.
struct ShardPlan {
    std::uint32_t shards = 1;     // shares (a power of two); 1 = run sequentially
    unsigned shift = 0;           // a reference's share: (address >> shift) & (shards - 1)
    unsigned commonBits = 0;      // set-index bits every cache shares from `shift` on (0: none)
    /// Why the run uses fewer shares than `threads` asked for: one line, no trailing period, ""
    /// when the request was met (or was for one thread).
    std::string reason;

    unsigned bits() const;        // log2(shards)
};

/// Decides whether (and how far) `config` can be split exactly, for `threads` threads (0 = one per
/// core, std::thread::hardware_concurrency). shards is the largest power of two <= threads that the
/// config allows; 1 with a reason when it allows none. `config` must be valid.
ShardPlan planShards(const SimConfig& config, std::uint32_t threads);

/// The config one share simulates: every cache with 1/plan.shards of its sets (same ways, lines,
/// policies, latencies). plan.shards must be >= 1 and allowed by planShards.
SimConfig shareConfig(const SimConfig& config, const ShardPlan& plan);

/// plan.shards Simulators, one thread each while a run goes. Use: [enableAttribution],
/// [planFutures], access(...) as often as needed, finish(), then merged() / flushCounts().
class ParallelSimulator {
public:
    /// `config` valid; `plan` from planShards(config, ...) with plan.shards >= 1.
    ParallelSimulator(const SimConfig& config, const ShardPlan& plan);
    ~ParallelSimulator();  // stops the threads (discarding what they were not done with)
    ParallelSimulator(const ParallelSimulator&) = delete;
    ParallelSimulator& operator=(const ParallelSimulator&) = delete;

    const SimConfig& config() const;
    const ShardPlan& plan() const;
    /// Attribution by site in every share (Simulator::enableAttribution); before any access.
    void enableAttribution(std::uint32_t sites);
    /// True if the config uses opt (each share then needs planFutures before the run).
    bool needsFuture() const;
    /// Plans every share's OPT futures (sim/run.hpp planFutures) on its own thread, each reading the
    /// trace `open` gives and keeping its own share. `open` is called from several threads at once.
    /// Returns the passes of the share that needed most. Rethrows the first share's error.
    unsigned planFutures(const TraceOpener& open);

    /// The split pass over a block of CPU references, in order; the threads (started by the first
    /// call) simulate the shares as chunks fill. Rethrows a share thread's error.
    void access(std::span<const Access> block);
    /// Hands over the last chunks and waits until every share simulated everything it was given.
    /// Rethrows a share thread's error.
    void finish();
    /// CPU references handed to access() so far.
    std::uint64_t references() const;
    /// Applies a trace's control event (trace/event.hpp), as Simulator::apply does. A sharded config
    /// has no mmu (planShards): an msync is only counted (merged().msyncs()). Returns 0 (no pages).
    std::uint64_t apply(const TraceEvent& event);

    /// After finish(): a Simulator of the whole config whose counters (every cache, memory,
    /// references, attribution) are the sums of the shares', equal to a sequential run's. Its caches
    /// hold nothing: what depends on the contents (the end-of-run flush) comes from flushCounts().
    Simulator merged() const;
    /// After finish(): flushCounts of the whole hierarchy, the sum of the shares' (each dirty line
    /// lies in one share, and so does everything its flush touches).
    FlushCounts flushCounts() const;
    /// After finish(): every OPT policy of every share saw the stream it was planned for.
    bool followedPlans();
    /// Share `s` (its config is shareConfig; its addresses have the share bits squeezed out).
    const Simulator& share(std::uint32_t s) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// runTrace for a ParallelSimulator: reads `trace` to its end through the split pass, then
/// finish(). Returns the accesses read. Throws what the reader throws (after stopping the threads).
std::uint64_t runTrace(ParallelSimulator& simulator, TraceReader& trace, const RunOptions& options = {});

}  // namespace cachescope
