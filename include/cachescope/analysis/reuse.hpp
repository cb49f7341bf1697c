#pragma once
// Reuse distance (LRU stack distance) and the miss-ratio curve of a fully associative LRU cache,
// exact or sampled (SHARDS). docs/reuse-distance.md is the full story.
//
// The trace is seen as a stream of block references at a power-of-two granularity (64 B lines by
// default, or 4 KiB pages): an access spanning k blocks is k references, in ascending address
// order, exactly as a cache splits it (docs/semantics.md). The reuse distance of a reference to
// block b is the number of DISTINCT other blocks referenced since the previous reference to b; a
// first reference is "cold" (infinite distance).
//
//   blocks:    a  b  c  a  b  c  a  a  d  b
//   distance:  -  -  -  2  2  2  2  0  -  3      (- = cold: 4 cold, distances 0,2,2,2,2,3)
//
// A fully associative LRU cache of C blocks keeps exactly the C most recently used blocks, so a
// reference hits iff its distance is < C:  misses(C) = cold + #{references with distance >= C}.
// One pass therefore gives the misses of EVERY cache size (Mattson et al., 1970). Above, a 3-block
// cache misses 4 cold + 1 (the distance-3 reference) = 5 times; a 2-block cache 4 + 5 = 9 times.
//
// Exact mode costs O(log n) per reference (a hash map + a Fenwick tree over time; see reuse.cpp)
// and O(distinct blocks) memory. Sampled mode (SHARDS, Waldspurger et al., FAST'15) keeps only the
// blocks whose hash falls under a threshold (rate R) and scales distances and counts by 1/R: about
// R times the memory, several times faster, with an error stated in docs/reuse-distance.md.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cachescope/core/access.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope {

class TraceReader;

/// The default SHARDS rate (the bench's `mrc/sampled`, the error figures of docs/reuse-distance.md,
/// which also says why 0.01). `cachescope mrc` samples only when given --sample-rate.
inline constexpr double kDefaultSampleRate = 0.01;

/// SHARDS samples a block iff (hash(block) mod kSampleModulus) < T, with T = round(R * modulus).
inline constexpr std::uint64_t kSampleModulus = std::uint64_t{1} << 24;

struct ReuseOptions {
    std::uint64_t blockSize = 64;  // bytes, a power of two (64 = cache lines, 4096 = pages)
    /// 1 = exact; in (0, 1) = SHARDS fixed-rate sampling at this rate (rounded to T / 2^24).
    double sampleRate = 1.0;
    /// Which kinds of access count (all by default, as one unified stream).
    bool reads = true;
    bool writes = true;
    bool fetches = true;
    /// analyzeReuse: also histogram each region (tensor) when the trace has regions and sites.
    bool byRegion = true;
};

/// The references of one tensor (region of the trace's metadata), at the distances of the unified
/// stream: which tensor's references travel far between reuses.
struct RegionReuse {
    std::string name;  // the region's name, or "(other)" for sites of no region
    std::uint64_t references = 0;
    std::uint64_t cold = 0;
    std::vector<std::uint64_t> counts;  // counts[d], trailing zeros trimmed
};

/// The outcome of one pass: a plain value. For a sampled pass every count below except `accesses`
/// and `references` is a count among the SAMPLED references, not yet scaled (see estimate()).
struct ReuseHistogram {
    std::uint64_t blockSize = 64;
    double sampleRate = 1.0;              // the effective rate, T / 2^24 (1 = exact)
    std::uint64_t accesses = 0;           // CPU accesses of the counted kinds
    std::uint64_t references = 0;         // block references they make (all of them, sampled or not)
    std::uint64_t sampledReferences = 0;  // references that entered the analysis (= references if exact)
    std::uint64_t cold = 0;               // first references to a block (= distinct blocks)
    /// counts[d] = references at distance d; trailing zeros trimmed (empty if every one was cold).
    std::vector<std::uint64_t> counts;
    /// Per tensor, when the analyzer was given the trace's metadata (setRegions); empty otherwise.
    /// Every reference is in exactly one row, so the rows sum to the totals above.
    std::vector<RegionReuse> regions;

    bool sampled() const { return sampleRate < 1.0; }
    std::uint64_t distinctBlocks() const { return cold; }
    /// The largest finite distance seen (0 if none).
    std::uint64_t maxDistance() const { return counts.empty() ? 0 : counts.size() - 1; }
};

/// Streams accesses into the analysis; histogram() may be called at any time.
///
///   ReuseAnalyzer r(ReuseOptions{.blockSize = 64});
///   r.add(accesses);                 // any number of blocks of accesses
///   ReuseHistogram h = r.histogram();
class ReuseAnalyzer {
public:
    /// Throws UsageError if blockSize is not a power of two in [1, 2^30] or sampleRate is not in
    /// (0, 1] (or so small that no block could ever be sampled: below 2^-24).
    explicit ReuseAnalyzer(const ReuseOptions& options);
    ~ReuseAnalyzer();
    ReuseAnalyzer(ReuseAnalyzer&&) noexcept;
    ReuseAnalyzer& operator=(ReuseAnalyzer&&) noexcept;

    /// Also histogram each region's references (by their site's region; sites of no region go to
    /// "(other)"). Call before add(); needs the metadata of the trace being added.
    void setRegions(const TraceMetadata& metadata);

    void add(std::span<const Access> accesses);
    void add(const Access& a) { add(std::span<const Access>(&a, 1)); }
    ReuseHistogram histogram() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Reads the whole trace through a ReuseAnalyzer, by region too when the trace has regions and sites.
ReuseHistogram analyzeReuse(TraceReader& trace, const ReuseOptions& options);

/// Log2 buckets of the distances, for display: [0], [1], [2,3], [4,7], ... up to the bucket of
/// maxDistance(); cold references are not in any bucket.
struct ReuseBucket {
    std::uint64_t min = 0, max = 0;  // distances min..max inclusive
    std::uint64_t count = 0;
};
std::vector<ReuseBucket> log2Buckets(const ReuseHistogram& h);

// ---- miss-ratio curve ----------------------------------------------------------------------

/// One cache size of the curve. For a sampled histogram both are estimates (see missRatioAt).
struct MrcPoint {
    std::uint64_t blocks = 0;  // capacity in blocks
    std::uint64_t bytes = 0;   // blocks * blockSize
    std::uint64_t misses = 0;
    double missRatio = 0;  // misses / references
};

struct MissRatioCurve {
    std::uint64_t blockSize = 64;
    double sampleRate = 1.0;           // < 1: the points are SHARDS estimates
    std::uint64_t references = 0;      // block references of the whole trace
    std::uint64_t distinctBlocks = 0;  // exact, or the estimate cold / R when sampled
    std::vector<MrcPoint> points;      // ascending capacity, no duplicates
};

/// Misses of a fully associative LRU cache of `blocks` blocks (>= 1). Exact histograms:
/// cold + #{distance >= blocks}. Sampled ones: the SHARDS_adj estimate: a sampled distance d
/// stands for d / R, so it counts when d >= ceil(blocks * R); the ratio is the sampled misses over
/// R * references (the expected number of sampled references), capped at 1, and the misses are
/// round(ratio * references).
double missRatioAt(const ReuseHistogram& h, std::uint64_t blocks);
std::uint64_t missesAt(const ReuseHistogram& h, std::uint64_t blocks);

/// The default sizes: 1, 2, 4, ... blocks up to the first power of two at which only cold misses
/// remain (1 alone when there is no finite distance). A sampled curve starts at the first power of
/// two >= 1/R instead (128 blocks at R = 0.01): smaller sizes are below the sample's resolution.
std::vector<std::uint64_t> defaultCurveSizes(const ReuseHistogram& h);

/// The curve at the default sizes plus `extraBlocks` (each >= 1), sorted, duplicates removed.
MissRatioCurve missRatioCurve(const ReuseHistogram& h, std::span<const std::uint64_t> extraBlocks = {});

}  // namespace cachescope
