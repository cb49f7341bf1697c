// Exact parallel simulation (sim/parallel.hpp): which configs split and by which bits (worked by
// hand), a line-crossing reference split between shards (counted by hand), and bit-identical
// counters against the sequential Simulator on random configs and traces: every counter of every
// cache, memory, references, attribution by site, the end-of-run flush, the per-process rows and
// context switches, for 2, 4 and 8 shards.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/sim/flush.hpp"
#include "cachescope/sim/parallel.hpp"
#include "cachescope/sim/run.hpp"
#include "cachescope/sim/simulator.hpp"
#include "reference/random_case.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;
using namespace cachescope::testutil;

namespace {

/// Hands out a vector's accesses in blocks of at most `block` (odd sizes: blocks never line up
/// with the split pass's chunks). Throws TraceError after `failAfter` accesses if set.
class VectorReader final : public TraceReader {
public:
    explicit VectorReader(const std::vector<Access>& accesses, std::size_t block = 777,
                          std::size_t failAfter = ~std::size_t{0})
        : accesses_(accesses), block_(block), failAfter_(failAfter) {}
    std::size_t read(std::span<Access> out) override {
        if (pos_ >= failAfter_) throw TraceError("test: the trace breaks here");
        std::size_t n = 0;
        while (n < out.size() && n < block_ && pos_ < accesses_.size()) out[n++] = accesses_[pos_++];
        return n;
    }
    TraceFormat format() const override { return TraceFormat::Text; }
    std::uint64_t records() const override { return pos_; }

private:
    const std::vector<Access>& accesses_;
    std::size_t block_;
    std::size_t failAfter_;
    std::size_t pos_ = 0;
};

constexpr std::uint32_t kSites = 5;  // attribution slots 0..4; sites 5 and up count as 0

/// Compares every counter of a sequential run with the parallel run's merged counters.
void checkIdentical(const SimConfig& config, const std::vector<Access>& trace, std::uint32_t shards) {
    const ShardPlan plan = planShards(config, shards);
    REQUIRE(plan.shards == shards);
    auto open = [&trace] { return std::make_unique<VectorReader>(trace); };

    Simulator seq(config);
    seq.enableAttribution(kSites);
    if (seq.needsFuture()) planFutures(seq, open);
    VectorReader seqReader(trace);
    runTrace(seq, seqReader);
    REQUIRE(seq.followedPlans());

    ParallelSimulator par(config, plan);
    par.enableAttribution(kSites);
    if (par.needsFuture()) par.planFutures(open);
    VectorReader parReader(trace);
    CHECK(runTrace(par, parReader) == trace.size());
    CHECK(par.followedPlans());
    const Simulator merged = par.merged();

    CHECK(merged.references() == seq.references());
    CHECK(merged.hierarchy().references() == seq.hierarchy().references());
    const auto& a = merged.hierarchy().caches();
    const auto& b = seq.hierarchy().caches();
    REQUIRE(a.size() == b.size());
    for (std::uint32_t c = 0; c < a.size(); ++c) {
        INFO("cache " << b[c].name());
        CHECK(a[c].stats() == b[c].stats());
        for (std::uint32_t slot = 0; slot < seq.hierarchy().attributionSlots(); ++slot) {
            CHECK(merged.hierarchy().attributedAccesses(c, slot) == seq.hierarchy().attributedAccesses(c, slot));
            CHECK(merged.hierarchy().attributedMisses(c, slot) == seq.hierarchy().attributedMisses(c, slot));
        }
    }
    CHECK(merged.hierarchy().memory() == seq.hierarchy().memory());
    for (std::uint32_t slot = 0; slot < kSites; ++slot) CHECK(merged.siteReferences(slot) == seq.siteReferences(slot));
    CHECK(merged.totalCycles() == seq.totalCycles());
    const FlushCounts pf = par.flushCounts(), sf = flushCounts(seq.hierarchy());
    CHECK(pf.dirtyLines == sf.dirtyLines);
    CHECK(pf.writebacks == sf.writebacks);
    CHECK(pf.memoryWrites == sf.memoryWrites);
    // Processes: the switches and each process's references and misses of every cache.
    CHECK(merged.contextSwitches() == seq.contextSwitches());
    CHECK(merged.processCount() == seq.processCount());
    CHECK(merged.process() == seq.process());
    CHECK(merged.processStats() == seq.processStats());
}

// ---- random configs with many sets, line sizes that differ between levels, every per-set policy --

using Rng = std::mt19937_64;
std::uint64_t between(Rng& r, std::uint64_t lo, std::uint64_t hi) { return lo + r() % (hi - lo + 1); }
template <class T>
T pickOne(Rng& r, const std::vector<T>& v) {
    return v[between(r, 0, v.size() - 1)];
}

/// A valid config of 1-3 levels (sometimes split L1, inclusive or exclusive levels, write-through
/// and no-write-allocate caches), each cache with 4..256 sets; opt in about one cache in eight.
SimConfig randomConfig(Rng& r) {
    const std::vector<std::string> policies{"lru", "fifo", "plru", "nru", "lfu", "mru", "srrip", "lru", "opt"};
    const std::vector<std::uint32_t> lineSizes{16, 32, 64, 128};
    const std::vector<std::uint32_t> ways{1, 2, 3, 4, 8, 17, 20};
    for (;;) {
        SimConfig config = simCfg({});
        config.seed = r();
        const auto levels = static_cast<unsigned>(between(r, 1, 3));
        const bool split = between(r, 0, 3) == 0;
        std::vector<Inclusion> inclusion(levels + 1, Inclusion::Nine);
        for (unsigned l = 2; l <= levels; ++l)
            inclusion[l] = pickOne(r, std::vector<Inclusion>{Inclusion::Nine, Inclusion::Nine, Inclusion::Inclusive,
                                                             Inclusion::Exclusive});
        unsigned deepestShared = 0, deepestExclusive = 0;
        for (unsigned l = 2; l <= levels; ++l) {
            if (inclusion[l] != Inclusion::Nine) deepestShared = l;
            if (inclusion[l] == Inclusion::Exclusive) deepestExclusive = l;
        }
        const std::uint32_t shared = pickOne(r, lineSizes);
        for (unsigned l = 1; l <= levels; ++l)
            for (unsigned part = 0; part < (l == 1 && split ? 2u : 1u); ++part) {
                CacheConfig c = cacheCfg("L" + std::to_string(l), 0, l <= deepestShared ? shared : pickOne(r, lineSizes),
                                         pickOne(r, ways), pickOne(r, policies));
                if (l == 1 && split) {
                    c.name = part == 0 ? "L1I" : "L1D";
                    c.holds = part == 0 ? Holds::Instructions : Holds::Data;
                }
                c.size = (std::uint64_t{1} << between(r, 2, 8)) * c.associativity * c.lineSize;
                c.inclusion = inclusion[l];
                c.latency = static_cast<std::uint32_t>(between(r, 1, 30));
                if (l > deepestExclusive) {
                    c.writePolicy = between(r, 0, 4) == 0 ? WritePolicy::WriteThrough : WritePolicy::WriteBack;
                    c.writeAllocate = between(r, 0, 4) != 0;
                }
                config.caches.push_back(c);
            }
        try {
            validate(config);  // e.g. opt above an inclusive cache is refused: draw again
            return config;
        } catch (const ConfigError&) {
        }
    }
}

/// `n` accesses over a few times the largest cache, with reuse, sweeps, and unaligned references
/// of up to 300 bytes (many cross lines and shard boundaries); sites 0..6; in one trace of two,
/// turns of 1 to 200 references of processes 0..3 (a process may follow itself).
std::vector<Access> randomTrace(Rng& r, const SimConfig& config, std::size_t n) {
    Rng turns(r());
    const bool processes = turns() % 2 == 0;
    std::uint8_t process = 0;
    std::uint64_t turnLeft = 0;
    std::uint64_t largest = 0;
    for (const CacheConfig& c : config.caches) largest = std::max(largest, c.size);
    const std::uint64_t range = largest * between(r, 1, 4);
    const std::uint64_t base = between(r, 0, 3) == 0 ? between(r, 0, std::uint64_t{1} << 40) : 0;
    std::vector<Access> trace;
    std::vector<std::uint64_t> pool(8, 0);
    std::uint64_t previous = 0;
    for (std::size_t i = 0; i < n; ++i) {
        Access a;
        const std::uint64_t k = between(r, 0, 9);
        a.kind = k < 5 ? AccessKind::Read : k < 8 ? AccessKind::Write : AccessKind::Fetch;
        const std::uint64_t how = between(r, 0, 9);
        std::uint64_t offset = how < 4 ? pool[between(r, 0, 7)] + between(r, 0, 15)
                               : how < 7 ? previous + between(r, 1, 160)
                                         : between(r, 0, range - 1);
        offset %= range;
        previous = offset;
        pool[between(r, 0, 7)] = offset;
        a.address = base + offset;
        a.size = between(r, 0, 9) < 7 ? pickOne(r, std::vector<std::uint32_t>{1, 2, 4, 8})
                                      : static_cast<std::uint32_t>(between(r, 1, 300));
        a.site = static_cast<std::uint16_t>(between(r, 0, 6));
        if (processes) {
            if (turnLeft == 0) {
                process = static_cast<std::uint8_t>(between(turns, 0, 3));
                turnLeft = between(turns, 1, 200);
            }
            --turnLeft;
            a.process = process;
        }
        trace.push_back(a);
    }
    return trace;
}

SimConfig twoLevels(std::string policy1 = "lru", std::string policy2 = "lru") {
    // L1 32 KiB 8-way 64 B lines: 64 sets, address bits 6-11. L2 256 KiB 8-way 128 B lines: 256
    // sets, bits 7-14. Common: bits 7-11.
    return simCfg({cacheCfg("L1", 32 * 1024, 64, 8, std::move(policy1)), cacheCfg("L2", 256 * 1024, 128, 8, std::move(policy2))});
}

}  // namespace

TEST_CASE("planShards: the set-index bits every cache shares, worked by hand") {
    const SimConfig config = twoLevels();
    ShardPlan p = planShards(config, 4);
    CHECK(p.shards == 4);
    CHECK(p.shift == 7);
    CHECK(p.commonBits == 5);
    CHECK(p.bits() == 2);
    CHECK(p.reason.empty());

    p = planShards(config, 64);  // 2^5 = 32 at most
    CHECK(p.shards == 32);
    CHECK(p.reason == "the caches share only 5 set-index bits (address bits 7-11): at most 32 shards");

    p = planShards(config, 3);
    CHECK(p.shards == 2);
    CHECK(p.reason == "shards come in powers of two");

    CHECK(planShards(config, 1).shards == 1);
    CHECK(planShards(config, 1).reason.empty());

    // One level, same line size: L1 4 sets of 16 B lines is bits 4-5.
    p = planShards(simCfg({cacheCfg("L1", 4 * 2 * 16, 16, 2)}), 8);
    CHECK(p.shards == 4);
    CHECK(p.shift == 4);
    CHECK(p.commonBits == 2);
}

TEST_CASE("planShards: configs that run sequentially say why") {
    SimConfig config = twoLevels();
    config.caches[1].fullyAssociative = true;
    config.caches[1].associativity = static_cast<std::uint32_t>(config.caches[1].lines());
    ShardPlan p = planShards(config, 2);
    CHECK(p.shards == 1);
    CHECK(p.reason == "L2 is fully associative: every line shares its one set");

    config = twoLevels();
    config.caches[1].associativity = static_cast<std::uint32_t>(config.caches[1].lines());  // 1 set, not "full"
    CHECK(planShards(config, 2).reason == "L2 has a single set: every line shares its one set");

    for (const char* policy : {"random", "brrip"}) {
        p = planShards(twoLevels("lru", policy), 2);
        CHECK(p.shards == 1);
        CHECK(p.reason == "L2 uses " + std::string(policy) +
                              " replacement, which draws from one random generator for all its sets");
    }
    p = planShards(twoLevels("drrip"), 2);
    CHECK(p.shards == 1);
    CHECK(p.reason == "L1 uses drrip replacement, whose set dueling steers every set through one policy selector");

    // L1 2 sets of 64 B lines (bit 6), L2 128 B lines (bits 7-14): no bit in common.
    config = simCfg({cacheCfg("L1", 2 * 2 * 64, 64, 2), cacheCfg("L2", 256 * 1024, 128, 8)});
    p = planShards(config, 2);
    CHECK(p.shards == 1);
    CHECK(p.reason == "no address bit selects the set in every cache (L1 bit 6, L2 bits 7-14)");

    config = twoLevels();
    config.addressing = Addressing::Physical;
    config.mmu = MmuConfig{};
    config.tlbs = {TlbConfig{}};
    validate(config);
    p = planShards(config, 2);
    CHECK(p.shards == 1);
    CHECK(p.reason == "the config has an mmu: the TLBs, page walks and page replacement serve every set");

    for (const char* policy : {"lru", "fifo", "plru", "nru", "lfu", "mru", "srrip", "opt"})
        CHECK(planShards(twoLevels(policy, "lru"), 2).shards == 2);
}

TEST_CASE("shareConfig: each cache keeps its ways and lines, with 1/N of the sets") {
    const SimConfig config = twoLevels();
    const SimConfig share = shareConfig(config, planShards(config, 4));
    REQUIRE(share.caches.size() == 2);
    CHECK(share.caches[0].sets() == 16);
    CHECK(share.caches[0].ways() == 8);
    CHECK(share.caches[0].lineSize == 64);
    CHECK(share.caches[1].sets() == 64);
    CHECK(share.caches[1].lineSize == 128);
    validate(share);
}

TEST_CASE("a reference crossing a shard boundary counts once, its lines in both shards (by hand)") {
    // One direct-mapped cache of 4 sets x 64 B lines; 2 shards by address bit 6. A read of 8 bytes
    // at 0x3C covers line 0 (0x3C-0x3F, shard 0) and line 1 (0x40-0x43, shard 1): one reference,
    // two L1 accesses, two misses, two memory reads. Then a read of line 1 hits.
    const SimConfig config = simCfg({cacheCfg("L1", 4 * 64, 64, 1)});
    const ShardPlan plan = planShards(config, 2);
    REQUIRE(plan.shards == 2);
    REQUIRE(plan.shift == 6);
    ParallelSimulator par(config, plan);
    par.enableAttribution(3);
    const std::vector<Access> trace{{0x3C, 8, AccessKind::Read, 2}, {0x40, 4, AccessKind::Read, 2}};
    par.access(trace);
    par.finish();
    CHECK(par.references() == 2);
    CHECK(par.share(0).references() == 1);  // the first piece
    CHECK(par.share(1).references() == 2);  // the second piece, then the read of line 1
    const Simulator merged = par.merged();
    CHECK(merged.references() == 2);
    CHECK(merged.siteReferences(2) == 2);
    const CacheStats& l1 = merged.hierarchy().caches()[0].stats();
    CHECK(l1.accesses() == 3);
    CHECK(l1.misses() == 2);
    CHECK(merged.hierarchy().memory().reads == 2);
    CHECK(merged.hierarchy().attributedAccesses(0, 2) == 3);
    CHECK(merged.hierarchy().attributedMisses(0, 2) == 2);
}

TEST_CASE("parallel runs are bit-identical to sequential ones on random configs and traces") {
    Rng r(20261206);
    std::uint32_t compared = 0, withOpt = 0, crossing = 0, withProcesses = 0;
    for (int i = 0; i < 60; ++i) {
        const SimConfig config = randomConfig(r);
        const std::vector<Access> trace = randomTrace(r, config, 3000);
        const ShardPlan most = planShards(config, 8);
        INFO("case " << i << ": " << reference::describeConfig(config));
        for (std::uint32_t shards = 2; shards <= most.shards; shards *= 2) {
            checkIdentical(config, trace, shards);
            ++compared;
        }
        if (most.shards > 1) {
            withProcesses += std::any_of(trace.begin(), trace.end(), [](const Access& a) { return a.process != 0; });
            for (const CacheConfig& c : config.caches) withOpt += c.replacement == "opt";
            for (const Access& a : trace) crossing += (a.address >> most.shift) != ((a.address + a.size - 1) >> most.shift);
        }
    }
    // The comparisons above really ran, with OPT and with references split between shards.
    CHECK(compared >= 100);
    CHECK(withOpt >= 5);
    CHECK(crossing >= 1000);
    CHECK(withProcesses >= 20);
}

TEST_CASE("parallel runs match sequential ones on the reference model's random cases") {
    using reference::Family;
    std::uint32_t compared = 0;
    for (const Family family : reference::kAllFamilies) {
        for (std::uint64_t seed = 0; seed < 30; ++seed) {
            const reference::RandomCase rc = reference::makeCase(family, seed);
            const ShardPlan plan = planShards(rc.config, 4);
            if (plan.shards == 1) continue;  // fully associative or single-set levels
            INFO(reference::familyName(family) << " seed " << seed << ": " << reference::describeConfig(rc.config));
            checkIdentical(rc.config, rc.trace, plan.shards);
            ++compared;
        }
    }
    CHECK(compared >= 40);
}

TEST_CASE("a long run hands many chunks to every shard and still matches") {
    // 16,384 accesses per chunk: 300,000 references keep the queues full and recycle chunks.
    Rng r(7);
    SimConfig config = simCfg({cacheCfg("L1", 32 * 1024, 64, 8, "plru"), cacheCfg("L2", 256 * 1024, 64, 8, "srrip"),
                               cacheCfg("L3", 2 * 1024 * 1024, 64, 16, "lru")});
    validate(config);
    const std::vector<Access> trace = randomTrace(r, config, 300000);
    checkIdentical(config, trace, 4);
}

TEST_CASE("a reader error mid-run stops the shard threads and reaches the caller") {
    Rng r(11);
    const SimConfig config = twoLevels();
    const std::vector<Access> trace = randomTrace(r, config, 100000);
    ParallelSimulator par(config, planShards(config, 2));
    VectorReader broken(trace, 4096, 50000);
    CHECK_THROWS_AS(runTrace(par, broken), TraceError);
    // Destroying `par` now joins its threads (the test would hang otherwise).
}
