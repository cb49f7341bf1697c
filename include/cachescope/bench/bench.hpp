#pragma once
// `cachescope bench`: simulates in-memory address streams of a float32 n×n×n matmul and measures
// simulated accesses per second. Streams are generated in-process, straight into the simulator.
// A last case, "decode/binary", measures trace decoding instead: the same ikj stream (with sites),
// encoded in the binary trace format in memory, read back through openTrace. Two more, "mrc/exact"
// and "mrc/sampled", run the same ikj stream through the reuse-distance analysis (analysis/reuse.hpp)
// at 64 B lines, exactly and SHARDS-sampled at kDefaultSampleRate.
// Cases "seek/<config name>" (BenchOptions::seekConfigs) open a seekable Session over the matmul
// kernel, run it once to the end (taking the checkpoints), then seek to random positions: `seconds`
// is the median time of one seek (runSeconds: every seek), accesses the session's length.
// Cases "snapshot/<config name>", one per config in BenchOptions::snapshotConfigs, measure the cost
// of a snapshot: the first 1,048,576 references of the ijk stream (n = 64, whatever --n says) go
// through a Simulator of that config, then the Simulator is copied several times; they report the
// median time of one copy and Simulator::snapshotBytes().
// With BenchOptions::files, the suite is instead whole runs from trace files: the ikj and ijk
// streams are written to a temporary folder as din text, as a binary converted from that din, and as
// a binary with the matmul kernel's regions and sites (what `trace record --kernel matmul` writes);
// each case "file/<din|din.bin|kernel.bin>/<order>/<L1|L1-L2-L3>" runs its file through a streaming
// Session to the end, as `cachescope run` does (decoding on a second thread as
// BenchOptions::decodeThread says), timed from open to the end. The kernel binary's L1-L2-L3 runs
// twice more: ".../classify" as `run --classify` (3C classes), ".../explain" as `explain --from
// 4n³-1 --count 1` (openClassifyingFrom, no attribution: every reference but the last stepped
// over keeping what the classes need, the last one narrated). The folder is removed afterwards.
// With BenchOptions::alloc, the suite is instead the allocator simulator (docs/alloc.md): one case
// "alloc/<allocator>" per allocator, a deterministic random allocation trace of allocEvents events
// (alloc::randomAllocTrace, seed 1) run through it with alloc::runAllocations; `accesses` are the
// events, misses[0] the peak reserved bytes.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/trace/decode_thread.hpp"

namespace cachescope {

struct BenchOptions {
    std::uint32_t n = 256;  // matrix dimension; 4·n³ accesses per case
    std::uint32_t runs = 3; // each case is simulated this many times; the median time is reported
    /// One "seek/<name>" case per config: random seeks in a seekable Session over the matmul
    /// kernel (n = seekN: 4·n³ references; 136 gives 10,061,824), `seeks` of them, timed one by one.
    std::vector<SimConfig> seekConfigs;
    std::uint32_t seekN = 136;
    std::uint32_t seeks = 25;
    /// Called before each case starts, with its name (progress display); may be empty.
    std::function<void(const std::string&)> onCaseStart;
    /// One "snapshot/<name>" case per config (e.g. every bundled config); empty = none.
    std::vector<SimConfig> snapshotConfigs;
    /// Runs the trace-file suite (above) instead of the in-memory cases.
    bool files = false;
    /// Runs the allocator suite (above) instead of the in-memory cases.
    bool alloc = false;
    std::uint64_t allocEvents = 1'000'000;
    /// With 2 or more: cases "threads<S>/<order>/<L1|L1-L2-L3>" run the in-memory streams through a
    /// ParallelSimulator (sim/parallel.hpp) of S shards (S = planShards(config, threads).shards),
    /// timed from building it to the end of finish(); with `files`, cases
    /// "threads<S>/file/<kind>/<order>/<config>" do the same for the trace-file runs. Their counts
    /// must equal the sequential cases'.
    std::uint32_t threads = 1;
    /// File cases: whether the files are decoded on a second thread (trace/decode_thread.hpp).
    DecodeThread decodeThread = DecodeThread::Auto;
};

struct BenchResult {
    std::string name;  // "ikj/L1", "ikj/L1-L2-L3", "ikj/L1-L2-L3-MMU", the same for "ijk/", "decode/binary",
                       // "mrc/exact", "mrc/sampled", "snapshot/<config name>"
    std::uint64_t accesses = 0;
    std::vector<std::uint64_t> misses;  // per cache level, outward; mrc cases: a 32 KiB fully associative LRU
    std::vector<std::uint64_t> tlbMisses;  // per TLB level (cases with translation)
    std::uint64_t walks = 0;
    double bytesPerAccess = 0;          // decode cases: size of the encoded trace / accesses; seek cases:
                                        // replay bytes held per reference
    std::uint64_t checkpointInterval = 0;  // seek cases: references between checkpoints
    std::uint64_t checkpointBytes = 0;     // seek cases: all checkpoints after one pass to the end
    std::uint64_t fileBytes = 0;        // file cases: size of the trace file
    double copySeconds = 0;             // snapshot cases: one copy of the Simulator (median)
    std::uint64_t snapshotBytes = 0;    // snapshot cases: Simulator::snapshotBytes() after the run
    double seconds = 0;                 // median over the runs
    std::vector<double> runSeconds;     // every run, in order
    double accessesPerSecond() const { return seconds > 0 ? double(accesses) / seconds : 0.0; }
};

std::vector<BenchResult> runBench(const BenchOptions& options);

/// The references of the bench's n x n x n matmul: 4n³ (A, B and C read, C written, per step).
constexpr std::uint64_t matmulReferences(std::uint32_t n) { return 4 * std::uint64_t{n} * n * n; }

}  // namespace cachescope
