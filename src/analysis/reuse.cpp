// Exact and sampled LRU stack distances (see reuse.hpp and docs/reuse-distance.md).
//
// The LRU stack is kept in two parts:
//
//   top    the K most recently used blocks, in order, in a small array (move-to-front). Most
//          references of loop nests land here: in an ikj matmul A[i][k], B[k][j], C[i][j] cycle
//          through three blocks for 16 iterations of j, distances 2, 2, 2, 0.
//   rest   every other block, ordered by the logical time at which it left the top. A Fenwick tree
//          over time positions holds one mark per block of the rest (at its time), so the number
//          of rest blocks more recent than time t is marks - prefix(t): O(log n).
//
// Distance of a reference to b: its position p in the top, else K + (rest blocks newer than b's
// time). Then b moves to the front; when the top is full its last block leaves it and takes the
// next time in the rest, which keeps the rest ordered (everything in the top is more recent than
// everything in the rest). Times only grow; when they reach the tree's capacity the live marks are
// renumbered 0..m-1 in order (compaction) and the capacity is set to about 4m, so memory stays
// O(distinct blocks) and the amortized cost O(1) per time step.
//
// Block -> id (dense, 0..D-1) goes through an open-addressing hash map (linear probing); per-id
// state is in flat vectors. Nothing is allocated per reference except when a vector grows.

#include "cachescope/analysis/reuse.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

namespace {

/// The splitmix64 output function (Steele, Lea, Flood 2014): a fixed, well-mixed 64-bit hash.
inline std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// The fixed seed of the sampling hash: results are the same on every run.
constexpr std::uint64_t kSampleSeed = 0x5AD5C0FFEE15BEEFull;

/// Open addressing, linear probing, load factor <= 1/2: block number -> dense id.
class BlockMap {
public:
    BlockMap() { rehash(1024); }

    /// The id of `block`, inserting it with id `next` if absent (then `inserted` is true).
    std::uint32_t findOrInsert(std::uint64_t block, std::uint32_t next, bool& inserted) {
        std::size_t i = slotOf(block);
        for (;;) {
            Slot& s = slots_[i];
            if (s.value == 0) break;
            if (s.key == block) {
                inserted = false;
                return s.value - 1;
            }
            i = (i + 1) & mask_;
        }
        inserted = true;
        slots_[i] = Slot{block, next + 1};
        if (++size_ * 2 > slots_.size()) rehash(slots_.size() * 2);
        return next;
    }

private:
    struct Slot {
        std::uint64_t key = 0;
        std::uint32_t value = 0;  // id + 1; 0 = empty
    };
    std::size_t slotOf(std::uint64_t block) const {
        return static_cast<std::size_t>((block * 0x9E3779B97F4A7C15ull) >> shift_);
    }
    void rehash(std::size_t capacity) {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(capacity, Slot{});
        mask_ = capacity - 1;
        shift_ = 64 - static_cast<unsigned>(std::countr_zero(capacity));
        for (const Slot& s : old) {
            if (s.value == 0) continue;
            std::size_t i = slotOf(s.key);
            while (slots_[i].value != 0) i = (i + 1) & mask_;
            slots_[i] = s;
        }
    }

    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
    unsigned shift_ = 0;
    std::size_t size_ = 0;
};

/// The exact stack-distance engine over block numbers.
class StackDistance {
public:
    static constexpr std::size_t kTop = 8;

    StackDistance() : counts_(kTop, 0) { resetTree(kMinCapacity); }

    static constexpr std::uint64_t kCold = std::numeric_limits<std::uint64_t>::max();

    /// Counts the reference and returns its distance (kCold for a first reference).
    std::uint64_t reference(std::uint64_t block) {
        // The top, most recent first. Position 0 is the "same block as last time" shortcut.
        if (topSize_ != 0 && top_[0] == block) {
            ++counts_[0];
            return 0;
        }
        for (std::size_t p = 1; p < topSize_; ++p) {
            if (top_[p] == block) {
                ++counts_[p];
                const std::uint32_t id = topId_[p];
                for (std::size_t q = p; q > 0; --q) {
                    top_[q] = top_[q - 1];
                    topId_[q] = topId_[q - 1];
                }
                top_[0] = block;
                topId_[0] = id;
                return p;
            }
        }
        return referenceRest(block);
    }

    std::uint64_t cold() const { return cold_; }
    const std::vector<std::uint64_t>& counts() const { return counts_; }

private:
    static constexpr std::uint64_t kInTop = std::numeric_limits<std::uint64_t>::max();
    static constexpr std::size_t kMinCapacity = 1024;

    std::uint64_t referenceRest(std::uint64_t block) {
        bool inserted = false;
        std::uint64_t distance = kCold;
        if (time_.size() >= std::numeric_limits<std::uint32_t>::max() - 1)
            throw UsageError("reuse distance: more than 4 billion distinct blocks; use a larger block size");
        const std::uint32_t id = map_.findOrInsert(block, static_cast<std::uint32_t>(time_.size()), inserted);
        if (inserted) {
            time_.push_back(kInTop);
            ++cold_;
        } else {
            const std::uint64_t t = time_[id];
            const std::uint64_t newer = marks_ - prefix(t);  // rest blocks used after b left the top
            const std::uint64_t d = topSize_ + newer;
            if (d >= counts_.size()) counts_.resize(std::max<std::size_t>(d + 1, counts_.size() * 2), 0);
            ++counts_[d];
            distance = d;
            update(t, -1);
            --marks_;
            time_[id] = kInTop;
        }
        // b goes to the front of the top; a full top pushes its last block into the rest.
        if (topSize_ == kTop) {
            pushToRest(topId_[kTop - 1]);
        } else {
            ++topSize_;
        }
        for (std::size_t q = topSize_ - 1; q > 0; --q) {
            top_[q] = top_[q - 1];
            topId_[q] = topId_[q - 1];
        }
        top_[0] = block;
        topId_[0] = id;
        return distance;
    }

    void pushToRest(std::uint32_t id) {
        if (now_ == capacity_) compact();
        const std::uint64_t t = now_++;
        time_[id] = t;
        idAt_[t] = id;
        update(t, +1);
        ++marks_;
    }

    /// Marks at times 0..t (inclusive).
    std::uint64_t prefix(std::uint64_t t) const {
        std::uint64_t sum = 0;
        for (std::uint64_t i = t + 1; i > 0; i &= i - 1) sum += tree_[i];
        return sum;
    }
    void update(std::uint64_t t, int delta) {
        for (std::uint64_t i = t + 1; i <= capacity_; i += i & (~i + 1))
            tree_[i] = static_cast<std::uint32_t>(static_cast<std::int64_t>(tree_[i]) + delta);
    }

    void resetTree(std::uint64_t capacity) {
        capacity_ = capacity;
        tree_.assign(capacity + 1, 0);
        idAt_.resize(capacity);
    }

    /// Renumbers the live marks 0..marks-1 in time order and rebuilds the tree with room for at
    /// least as many new times as there are marks.
    void compact() {
        std::uint64_t live = 0;
        for (std::uint64_t t = 0; t < now_; ++t) {
            const std::uint32_t id = idAt_[t];
            if (time_[id] == t) {
                time_[id] = live;
                idAt_[live++] = id;
            }
        }
        const std::uint64_t capacity = std::max<std::uint64_t>(kMinCapacity, std::bit_ceil(4 * live + 4));
        resetTree(capacity);  // keeps idAt_[0..live)
        // Marks at 0..live-1: node i covers times (i - lowbit(i), i], 1-based.
        for (std::uint64_t i = 1; i <= capacity_; ++i) {
            const std::uint64_t lo = i - (i & (~i + 1));
            tree_[i] = static_cast<std::uint32_t>(std::min(i, live) - std::min(lo, live));
        }
        now_ = live;
    }

    std::array<std::uint64_t, kTop> top_{};
    std::array<std::uint32_t, kTop> topId_{};
    std::size_t topSize_ = 0;

    BlockMap map_;
    std::vector<std::uint64_t> time_;  // per id: time in the rest, or kInTop
    std::vector<std::uint32_t> tree_;  // Fenwick tree, 1-based, over times 0..capacity-1
    std::vector<std::uint32_t> idAt_;  // per time: the id that got it
    std::uint64_t capacity_ = 0, now_ = 0, marks_ = 0;

    std::vector<std::uint64_t> counts_;
    std::uint64_t cold_ = 0;
};

}  // namespace

namespace {
[[noreturn]] void throwWrapped(const Access& a) {
    throw TraceError("reuse distance: an access of " + std::to_string(a.size) + " bytes at address " +
                     std::to_string(a.address) + " runs past the end of the 64-bit address space");
}
}  // namespace

struct ReuseAnalyzer::Impl {
    ReuseOptions options;
    unsigned shift = 6;
    unsigned kindMask = 7;
    std::uint64_t threshold = kSampleModulus;  // sampled iff hash mod 2^24 < threshold
    bool sampled = false;

    std::uint64_t accesses = 0, references = 0, sampledReferences = 0;
    StackDistance stack;
    // By region: site -> row (regions in metadata order, then "(other)"); sites beyond the table
    // go to "(other)".
    std::vector<RegionReuse> regions;
    std::vector<std::uint32_t> siteRow;

    void countRegion(std::uint16_t site, std::uint64_t distance) {
        RegionReuse& r = regions[site < siteRow.size() ? siteRow[site] : regions.size() - 1];
        ++r.references;
        if (distance == StackDistance::kCold) {
            ++r.cold;
            return;
        }
        if (distance >= r.counts.size()) r.counts.resize(std::max<std::size_t>(distance + 1, 2 * r.counts.size()), 0);
        ++r.counts[distance];
    }
    // The last block referenced and whether it is sampled: a repeat skips the hash. Starts as
    // block 0 with its true decision, so no "have one yet" flag is needed.
    std::uint64_t lastBlock = 0;
    bool lastSampled = false;

    bool isSampled(std::uint64_t b) const { return (mix64(b ^ kSampleSeed) & (kSampleModulus - 1)) < threshold; }

    template <bool Sampled, bool ByRegion>
    void run(std::span<const Access> block) {
        for (const Access& a : block) {
            if (((kindMask >> static_cast<unsigned>(a.kind)) & 1u) == 0) continue;
            ++accesses;
            std::uint64_t b = a.address >> shift;
            const std::uint64_t last = (a.address + (a.size - 1)) >> shift;
            if (last < b) throwWrapped(a);  // trace readers reject these; direct callers may not
            for (;; ++b) {
                ++references;
                if constexpr (Sampled) {
                    if (b != lastBlock) {
                        lastBlock = b;
                        lastSampled = isSampled(b);
                    }
                    if (lastSampled) {
                        ++sampledReferences;
                        const std::uint64_t d = stack.reference(b);
                        if constexpr (ByRegion) countRegion(a.site, d);
                    }
                } else {
                    const std::uint64_t d = stack.reference(b);
                    if constexpr (ByRegion) countRegion(a.site, d);
                }
                if (b == last) break;
            }
        }
    }
};

ReuseAnalyzer::ReuseAnalyzer(const ReuseOptions& options) : impl_(std::make_unique<Impl>()) {
    const std::uint64_t bs = options.blockSize;
    if (bs == 0 || !std::has_single_bit(bs) || bs > (std::uint64_t{1} << 30))
        throw UsageError("block size must be a power of two from 1 B to 1 GiB, got " + std::to_string(bs));
    if (!(options.sampleRate > 0.0 && options.sampleRate <= 1.0))
        throw UsageError("sample rate must be in (0, 1], got " + std::to_string(options.sampleRate));
    impl_->options = options;
    impl_->shift = static_cast<unsigned>(std::countr_zero(bs));
    impl_->kindMask = (options.reads ? 1u : 0u) | (options.writes ? 2u : 0u) | (options.fetches ? 4u : 0u);
    if (options.sampleRate < 1.0) {
        const double t = std::round(options.sampleRate * double(kSampleModulus));
        if (t < 1.0)
            throw UsageError("sample rate " + std::to_string(options.sampleRate) +
                             " is too small: the smallest is 2^-24 (about 6e-8)");
        impl_->threshold = static_cast<std::uint64_t>(t);
        impl_->sampled = impl_->threshold < kSampleModulus;
        impl_->lastSampled = impl_->isSampled(0);
    }
}

ReuseAnalyzer::~ReuseAnalyzer() = default;
ReuseAnalyzer::ReuseAnalyzer(ReuseAnalyzer&&) noexcept = default;
ReuseAnalyzer& ReuseAnalyzer::operator=(ReuseAnalyzer&&) noexcept = default;

void ReuseAnalyzer::setRegions(const TraceMetadata& metadata) {
    impl_->regions.clear();
    for (const Region& r : metadata.regions) impl_->regions.push_back(RegionReuse{r.name, 0, 0, {}});
    impl_->regions.push_back(RegionReuse{"(other)", 0, 0, {}});
    const auto other = static_cast<std::uint32_t>(metadata.regions.size());
    impl_->siteRow.clear();
    for (const Site& site : metadata.sites)
        impl_->siteRow.push_back(site.region >= 0 && std::size_t(site.region) < metadata.regions.size()
                                     ? static_cast<std::uint32_t>(site.region)
                                     : other);
}

void ReuseAnalyzer::add(std::span<const Access> accesses) {
    const bool byRegion = !impl_->regions.empty();
    if (impl_->sampled) {
        byRegion ? impl_->run<true, true>(accesses) : impl_->run<true, false>(accesses);
    } else {
        byRegion ? impl_->run<false, true>(accesses) : impl_->run<false, false>(accesses);
    }
}

ReuseHistogram ReuseAnalyzer::histogram() const {
    ReuseHistogram h;
    h.blockSize = impl_->options.blockSize;
    h.sampleRate = impl_->sampled ? double(impl_->threshold) / double(kSampleModulus) : 1.0;
    h.accesses = impl_->accesses;
    h.references = impl_->references;
    h.sampledReferences = impl_->sampled ? impl_->sampledReferences : impl_->references;
    h.cold = impl_->stack.cold();
    h.counts = impl_->stack.counts();
    while (!h.counts.empty() && h.counts.back() == 0) h.counts.pop_back();
    h.regions = impl_->regions;
    for (RegionReuse& r : h.regions)
        while (!r.counts.empty() && r.counts.back() == 0) r.counts.pop_back();
    return h;
}

ReuseHistogram analyzeReuse(TraceReader& trace, const ReuseOptions& options) {
    ReuseAnalyzer analyzer(options);
    const TraceMetadata* metadata = trace.metadata();
    if (options.byRegion && metadata != nullptr && !metadata->regions.empty() && metadata->sites.size() > 1)
        analyzer.setRegions(*metadata);
    std::vector<Access> block(4096);
    for (std::size_t got; (got = trace.read(block)) != 0;) analyzer.add(std::span<const Access>(block.data(), got));
    return analyzer.histogram();
}

std::vector<ReuseBucket> log2Buckets(const ReuseHistogram& h) {
    std::vector<ReuseBucket> buckets;
    if (h.counts.empty()) return buckets;
    buckets.push_back(ReuseBucket{0, 0, h.counts[0]});
    for (std::uint64_t lo = 1; lo <= h.maxDistance(); lo *= 2) {
        ReuseBucket b{lo, 2 * lo - 1, 0};
        for (std::uint64_t d = lo; d <= b.max && d <= h.maxDistance(); ++d) b.count += h.counts[d];
        buckets.push_back(b);
    }
    return buckets;
}

namespace {

/// The smallest sampled distance that stands for a distance >= blocks: ceil(blocks * R) with
/// R = threshold / 2^24, in integers.
std::uint64_t sampledCut(const ReuseHistogram& h, std::uint64_t blocks) {
    if (!h.sampled()) return blocks;
    const auto t = static_cast<std::uint64_t>(std::llround(h.sampleRate * double(kSampleModulus)));
    const std::uint64_t q = blocks >> 24, r = blocks & (kSampleModulus - 1);
    return q * t + (r * t + kSampleModulus - 1) / kSampleModulus;
}

/// suffix[i] = #{references with distance >= i}, i = 0..counts.size().
std::vector<std::uint64_t> suffixCounts(const ReuseHistogram& h) {
    std::vector<std::uint64_t> suffix(h.counts.size() + 1, 0);
    for (std::size_t i = h.counts.size(); i > 0; --i) suffix[i - 1] = suffix[i] + h.counts[i - 1];
    return suffix;
}

/// Exact: misses / references. Sampled: the SHARDS_adj estimate, sampled misses over the EXPECTED
/// number of sampled references R * references (the paper's correction: sampling a few blocks
/// that are referenced unusually often, or seldom, otherwise skews every ratio), at most 1.
double ratioFrom(const ReuseHistogram& h, const std::vector<std::uint64_t>& suffix, std::uint64_t blocks) {
    if (h.references == 0) return 0.0;
    const std::uint64_t cut = sampledCut(h, std::max<std::uint64_t>(blocks, 1));
    const std::uint64_t far = cut < suffix.size() ? suffix[cut] : 0;
    return std::min(1.0, double(h.cold + far) / (h.sampleRate * double(h.references)));
}

std::uint64_t missesFrom(const ReuseHistogram& h, const std::vector<std::uint64_t>& suffix, std::uint64_t blocks) {
    if (!h.sampled()) {
        const std::uint64_t far = blocks < suffix.size() ? suffix[blocks] : 0;
        return h.cold + far;
    }
    return static_cast<std::uint64_t>(std::llround(ratioFrom(h, suffix, blocks) * double(h.references)));
}

}  // namespace

double missRatioAt(const ReuseHistogram& h, std::uint64_t blocks) { return ratioFrom(h, suffixCounts(h), blocks); }

std::uint64_t missesAt(const ReuseHistogram& h, std::uint64_t blocks) {
    return missesFrom(h, suffixCounts(h), std::max<std::uint64_t>(blocks, 1));
}

std::vector<std::uint64_t> defaultCurveSizes(const ReuseHistogram& h) {
    // A sampled curve starts at the first power of two >= 1/R blocks: below that every true distance
    // under 1/R is a sampled distance of 0, so the sample cannot tell those sizes apart.
    std::vector<std::uint64_t> sizes{
        h.sampled() ? std::bit_ceil(static_cast<std::uint64_t>(std::ceil(1.0 / h.sampleRate - 1e-9))) : 1};
    // Only cold misses remain at C once no sampled distance reaches the cut of C.
    while (sizes.back() < (std::uint64_t{1} << 62) && !h.counts.empty() &&
           sampledCut(h, sizes.back()) <= h.maxDistance())
        sizes.push_back(sizes.back() * 2);
    return sizes;
}

MissRatioCurve missRatioCurve(const ReuseHistogram& h, std::span<const std::uint64_t> extraBlocks) {
    MissRatioCurve curve;
    curve.blockSize = h.blockSize;
    curve.sampleRate = h.sampleRate;
    curve.references = h.references;
    curve.distinctBlocks =
        h.sampled() ? static_cast<std::uint64_t>(std::llround(double(h.cold) / h.sampleRate)) : h.cold;
    std::vector<std::uint64_t> sizes = defaultCurveSizes(h);
    for (const std::uint64_t b : extraBlocks) sizes.push_back(std::max<std::uint64_t>(b, 1));
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    const std::vector<std::uint64_t> suffix = suffixCounts(h);
    for (const std::uint64_t blocks : sizes) {
        MrcPoint p;
        p.blocks = blocks;
        p.bytes = blocks * h.blockSize;
        p.misses = missesFrom(h, suffix, blocks);
        p.missRatio = h.sampled() ? ratioFrom(h, suffix, blocks)
                                  : (h.references == 0 ? 0.0 : double(p.misses) / double(h.references));
        curve.points.push_back(p);
    }
    return curve;
}

}  // namespace cachescope
