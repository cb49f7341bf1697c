// The Mmu's page cache against the naive model of tests/reference/reference_page_cache.hpp on
// random page-level traces: two files (one mapped twice, overlapping), anonymous memory, few frames,
// LRU and FIFO, readahead 0 to 3. Every counter, the frame of every page, and the page cache's
// state at the end must agree.

#include <doctest/doctest.h>

#include <algorithm>

#include "cachescope/policy/splitmix64.hpp"
#include "mmu/page_cache_test_util.hpp"
#include "reference/reference_page_cache.hpp"

using namespace cachescope;
using namespace cachescope::test;

namespace {

/// The Mmu's counters and page-cache state against the reference model's, after a random trace.
void checkCounters(const Simulator& sim, const ReferencePageCache& ref) {
    const MmuStats& s = sim.mmu()->stats();
    const RefCounts& r = ref.counts();
    CHECK(s.pageFaults == r.faults);
    CHECK(s.minorFaults == r.minor);
    CHECK(s.majorFaults == r.swapIns);
    CHECK(s.fileMajorFaults == r.fileMajor);
    CHECK(s.readaheadPagesRead == r.readaheadRead);
    CHECK(s.readaheadPagesUsed == r.readaheadUsed);
    CHECK(s.readaheadPagesWasted == r.readaheadWasted);
    CHECK(s.pageCacheEvictions == r.pageCacheEvictions);
    CHECK(s.fileWritebacks == r.fileWritebacks);
    CHECK(s.msyncWritebacks == r.msyncWritebacks);
    CHECK(s.pagesWrittenOut == r.anonWrittenOut);
    CHECK(sim.mmu()->pageCache().pages() == ref.filePagesCached());
    CHECK(sim.mmu()->dirtyFilePages() == ref.dirtyFilePages());
}

}  // namespace

TEST_CASE("page cache reference: the Mmu agrees with a naive model on random traces") {
    constexpr std::uint64_t kPage = 4096;
    // Virtual pages: file 0 (6 pages) at 0x10000; file 0 again from its page 2 (4 pages) at
    // 0x10010; file 1 (4 pages) at 0x10020; anonymous memory (6 pages) at 0x10030.
    const std::vector<RefMapping> mappings = {{0x10000, 6, 0, 0}, {0x10010, 4, 0, 2}, {0x10020, 4, 1, 0}};
    const std::vector<Region> regions = {
        fileRegion("a", 0x10000 * kPage, 6 * kPage, "f0", 6 * kPage),
        fileRegion("b", 0x10010 * kPage, 4 * kPage, "f0", 6 * kPage, 2 * kPage),
        fileRegion("c", 0x10020 * kPage, 4 * kPage, "f1", 4 * kPage),
        anonymousRegion("anon", 0x10030 * kPage, 6 * kPage),
    };
    const std::vector<std::uint64_t> pool = [&] {
        std::vector<std::uint64_t> v;
        for (const RefMapping& m : mappings)
            for (std::uint64_t p = 0; p < m.pages; ++p) v.push_back(m.firstPage + p);
        for (std::uint64_t p = 0; p < 6; ++p) v.push_back(0x10030 + p);
        return v;
    }();
    SplitMix64 rng(15);
    for (int trial = 0; trial < 120; ++trial) {
        const auto readahead = static_cast<std::uint32_t>(rng.next() % 4);
        const auto frames = std::max(readahead, static_cast<std::uint32_t>(2 + rng.next() % 7));  // readahead <= frames
        const bool lru = rng.next() % 2 == 0;
        CAPTURE(trial);
        CAPTURE(frames);
        CAPTURE(lru);
        CAPTURE(readahead);
        Simulator sim(pagingConfig(frames, lru ? "lru" : "fifo", readahead));
        sim.mapFiles(regions);
        ReferencePageCache ref(frames, lru, readahead, {6, 4}, mappings);
        // Runs of nearby pages (sequential-ish) mixed with random jumps.
        std::uint64_t at = 0;
        for (int i = 0; i < 200; ++i) {
            at = rng.next() % 3 == 0 ? rng.next() % pool.size() : (at + 1) % pool.size();
            const std::uint64_t vpage = pool[at];
            const bool write = rng.next() % 4 == 0;
            sim.access(Access{vpage * kPage + 8 * (rng.next() % 512), 4, write ? AccessKind::Write : AccessKind::Read, 0});
            ref.touch(vpage, write);
        }
        checkCounters(sim, ref);
        for (const std::uint64_t vpage : pool) {
            const std::optional<std::uint64_t> pa = sim.mmu()->physicalAddress(vpage * kPage);
            const std::optional<std::uint32_t> frame = ref.frameOf(vpage);
            CAPTURE(vpage);
            REQUIRE(pa.has_value() == frame.has_value());
            if (pa) CHECK(*pa / kPage == *frame);
        }
        checkReconciled(sim);
    }
}

TEST_CASE("page cache reference: two processes sharing files, with msyncs, agree with the naive model") {
    // Process 0 maps file 0 (6 pages) at 0x10000 and file 1 (4 pages) at 0x10020; process 1 maps
    // file 0 from its page 2 (4 pages) at 0x10000 and file 1 at 0x10040, and anonymous memory (4
    // pages) at 0x10030. The model sees process p's virtual page v as v + (p << 40). Global scope.
    constexpr std::uint64_t kPage = 4096, kP1 = std::uint64_t{1} << 40;
    const std::vector<RefMapping> mappings = {
        {0x10000, 6, 0, 0}, {0x10020, 4, 1, 0}, {kP1 + 0x10000, 4, 0, 2}, {kP1 + 0x10040, 4, 1, 0}};
    const std::vector<Region> regions0 = {fileRegion("a", 0x10000 * kPage, 6 * kPage, "f0", 6 * kPage),
                                          fileRegion("c", 0x10020 * kPage, 4 * kPage, "f1", 4 * kPage)};
    const std::vector<Region> regions1 = {fileRegion("b", 0x10000 * kPage, 4 * kPage, "f0", 6 * kPage, 2 * kPage),
                                          anonymousRegion("anon", 0x10030 * kPage, 4 * kPage),
                                          fileRegion("d", 0x10040 * kPage, 4 * kPage, "f1", 4 * kPage)};
    std::vector<std::uint64_t> pool;  // model page numbers
    for (const RefMapping& m : mappings)
        for (std::uint64_t p = 0; p < m.pages; ++p) pool.push_back(m.firstPage + p);
    for (std::uint64_t p = 0; p < 4; ++p) pool.push_back(kP1 + 0x10030 + p);
    SplitMix64 rng(151);
    for (int trial = 0; trial < 100; ++trial) {
        const auto readahead = static_cast<std::uint32_t>(rng.next() % 4);
        const auto frames = std::max(readahead, static_cast<std::uint32_t>(2 + rng.next() % 7));
        const bool lru = rng.next() % 2 == 0;
        CAPTURE(trial);
        CAPTURE(frames);
        CAPTURE(lru);
        CAPTURE(readahead);
        Simulator sim(pagingConfig(frames, lru ? "lru" : "fifo", readahead));
        sim.mapFiles(regions0, 0);
        sim.mapFiles(regions1, 1);
        ReferencePageCache ref(frames, lru, readahead, {6, 4}, mappings);
        std::uint64_t at = 0;
        for (int i = 0; i < 200; ++i) {
            at = rng.next() % 3 == 0 ? rng.next() % pool.size() : (at + 1) % pool.size();
            const std::uint64_t vpage = pool[at];
            const auto process = static_cast<std::uint8_t>(vpage >> 40);
            const std::uint64_t va = (vpage & (kP1 - 1)) * kPage;
            if (rng.next() % 16 == 0) {  // msync of 1 to 4 pages from here
                const std::uint64_t pages = 1 + rng.next() % 4;
                CHECK(sim.msync(process, va, pages * kPage) == ref.msync(vpage, pages));
                continue;
            }
            const bool write = rng.next() % 4 == 0;
            sim.access(Access{va + 8 * (rng.next() % 512), 4, write ? AccessKind::Write : AccessKind::Read, 0, process});
            ref.touch(vpage, write);
        }
        checkCounters(sim, ref);
        for (const std::uint64_t vpage : pool) {
            const auto process = static_cast<std::uint8_t>(vpage >> 40);
            const std::optional<std::uint64_t> pa = sim.mmu()->physicalAddress((vpage & (kP1 - 1)) * kPage, process);
            const std::optional<std::uint32_t> frame = ref.frameOf(vpage);
            CAPTURE(vpage);
            REQUIRE(pa.has_value() == frame.has_value());
            if (pa) CHECK(*pa / kPage == *frame);
        }
        checkReconciled(sim);
    }
}
