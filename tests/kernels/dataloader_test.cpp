// The dataloader kernel (docs/kernels.md, docs/mmap.md): its results, its metadata, and its runs on
// a paging config against counts worked out by hand.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "../../src/kernels/builtin.hpp"
#include "cachescope/core/error.hpp"
#include "kernels/kernel_test_util.hpp"
#include "mmu/page_cache_test_util.hpp"

using namespace cachescope;
using namespace cachescope::test;

namespace {

/// The run's accesses through a Simulator whose mmu maps the run's file-backed regions.
Simulator simulate(const KernelRun& run, const SimConfig& config) {
    Simulator sim(config);
    sim.mapFiles(run.meta.regions);
    sim.access(run.accesses);
    return sim;
}

/// The dataset's value, written out here from docs/kernels.md.
double value(std::uint64_t s, std::uint64_t e) { return double((13 * s + 7 * e) % 17) - 8.0; }

}  // namespace

TEST_CASE("dataloader: each batch's mean and standard deviation, sequential and shuffled") {
    for (const std::string mode : {"mmap", "read"})
        for (const std::string order : {"sequential", "shuffled"}) {
            CAPTURE(mode);
            CAPTURE(order);
            // 7 samples of 3 floats in batches of 3 (the last holds 1), 2 epochs.
            const KernelRun run =
                runNamed("dataloader", {"samples=7", "sample_size=12", "batch=3", "epochs=2", "mode=" + mode,
                                        "order=" + order, "seed=5"});
            const std::vector<double>& stats = run.values.at("stats");
            REQUIRE(stats.size() == 2 * 3 * 2);
            for (std::uint64_t epoch = 0; epoch < 2; ++epoch) {
                const std::vector<std::uint64_t> visit = dataloaderOrder(7, order == "shuffled", 5, epoch);
                CHECK(std::set<std::uint64_t>(visit.begin(), visit.end()).size() == 7);  // a permutation
                for (std::uint64_t b = 0; b < 3; ++b) {
                    double sum = 0, sq = 0, n = 0;
                    for (std::uint64_t i = 3 * b; i < std::min<std::uint64_t>(7, 3 * b + 3); ++i)
                        for (std::uint64_t e = 0; e < 3; ++e) {
                            sum += value(visit[i], e);
                            sq += value(visit[i], e) * value(visit[i], e);
                            ++n;
                        }
                    const double mean = sum / n;
                    CHECK(stats[2 * (epoch * 3 + b)] == doctest::Approx(mean).epsilon(1e-6));
                    CHECK(stats[2 * (epoch * 3 + b) + 1] == doctest::Approx(std::sqrt(sq / n - mean * mean)).epsilon(1e-5));
                }
            }
        }
    // The shuffle changes the order from one epoch to the next and is not the identity.
    CHECK(dataloaderOrder(16, true, 1, 0) != dataloaderOrder(16, true, 1, 1));
    CHECK(dataloaderOrder(16, true, 1, 0) != dataloaderOrder(16, false, 1, 0));
}

TEST_CASE("dataloader: the dataset is a file-backed region, mapped or read()") {
    const KernelRun mmap = runNamed("dataloader", {"samples=4", "sample_size=4096"});
    CHECK(mmap.meta.regions[0].name == "dataset");
    CHECK(mmap.meta.regions[0].file == "dataset.bin");
    CHECK(mmap.meta.regions[0].fileSize == 4 * 4096);
    CHECK(mmap.meta.regions[0].fileAccess == "mmap");
    const KernelRun read = runNamed("dataloader", {"samples=4", "sample_size=4096", "mode=read"});
    CHECK(read.meta.regions[0].fileAccess == "read");
    CHECK(read.meta.regions[1].name == "batch");
    CHECK_FALSE(read.meta.regions[1].fileBacked());
    CHECK_THROWS_WITH_AS(runNamed("dataloader", {"sample_size=6"}), doctest::Contains("expected a multiple of 4"),
                         UsageError);
}

TEST_CASE("dataloader: faults and storage reads, worked by hand") {
    // 16 samples of one page each (a 16-page file), batches of 4, memory of 64 frames: nothing is evicted.
    const std::vector<std::string> base = {"samples=16", "sample_size=4096", "batch=4"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> s = base;
        s.insert(s.end(), extra.begin(), extra.end());
        return s;
    };
    SUBCASE("mmap, sequential, no readahead: a major fault per page, stats a minor fault") {
        const Simulator sim = simulate(runNamed("dataloader", with({})), pagingConfig(64));
        const MmuStats& s = sim.mmu()->stats();
        CHECK(s.fileMajorFaults == 16);
        CHECK(s.minorFaults == 1);  // stats: 4 batches x 2 floats, one page
        CHECK(s.storageBytesRead == 16 * 4096);
        CHECK(s.bytesCopied == 0);
        checkReconciled(sim);
    }
    SUBCASE("mmap, sequential, readahead 3: a major fault every 4 pages") {
        const Simulator sim = simulate(runNamed("dataloader", with({})), pagingConfig(64, "lru", 3));
        const MmuStats& s = sim.mmu()->stats();
        CHECK(s.fileMajorFaults == 4);
        CHECK(s.readaheadPagesRead == 12);
        CHECK(s.readaheadPagesUsed == 12);
        CHECK(s.minorFaults == 12 + 1);
        CHECK(s.storageBytesRead == 16 * 4096);
        checkReconciled(sim);
    }
    SUBCASE("read(), 2 epochs: copies move every sample twice; the page cache keeps the file") {
        const Simulator sim = simulate(runNamed("dataloader", with({"mode=read", "epochs=2", "order=shuffled"})),
                                       pagingConfig(64));
        const MmuStats& s = sim.mmu()->stats();
        CHECK(s.bytesCopied == 2 * 16 * 4096);  // the data read
        CHECK(s.fileMajorFaults == 16);         // the second epoch finds every page cached
        CHECK(s.minorFaults == 4 + 1);          // batch buffer (4 pages) and stats
        CHECK(sim.mmu()->pageCache().pages() == 16);
        CHECK(sim.mmu()->anonymousFrames() == 5);
        checkReconciled(sim);
    }
    SUBCASE("mmap, 2 epochs, memory of 8 frames: LRU rereads the whole file each epoch") {
        const Simulator sim = simulate(runNamed("dataloader", with({"epochs=2"})), pagingConfig(8));
        const MmuStats& s = sim.mmu()->stats();
        CHECK(s.fileMajorFaults == 32);
        CHECK(s.storageBytesRead == 32 * 4096);
        checkReconciled(sim);
    }
}
