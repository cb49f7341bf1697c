// Files and the page cache (docs/mmap.md), on hand-worked examples: 4 KiB pages, a file "f" of a
// few pages mapped at 0x10000000 (file page p at 0x10000000 + p·4096), LRU unless said otherwise.

#include <doctest/doctest.h>

#include <sstream>

#include "cachescope/core/error.hpp"
#include "cachescope/report/report.hpp"
#include "mmu/page_cache_test_util.hpp"

using namespace cachescope;
using namespace cachescope::test;

namespace {
constexpr std::uint64_t kBase = 0x10000000;
constexpr std::uint64_t kPage = 4096;
std::uint64_t at(std::uint64_t page, std::uint64_t offset = 0) { return kBase + page * kPage + offset; }
}  // namespace

TEST_CASE("page cache: no file-backed region leaves every old counter as it was") {
    Simulator sim(pagingConfig(4));
    sim.mapFiles({anonymousRegion("a", kBase, 8 * kPage)});
    CHECK(sim.mmu()->pageCache().empty());
    for (std::uint64_t p : {0, 1, 2, 3, 4, 0}) touch(sim, at(p), AccessKind::Write);
    const MmuStats& s = sim.mmu()->stats();
    CHECK(s.pageFaults == 6);   // 0 1 2 3, then 4 evicts 0, and 0 comes back
    CHECK(s.majorFaults == 1);  // page 0, evicted before
    CHECK(s.minorFaults == 5);
    CHECK(s.pagesWrittenOut == 2);  // 0 and then 1, both dirty
    CHECK(s.fileMajorFaults == 0);
    CHECK(s.storageBytesRead == 0);
    checkReconciled(sim);
}

TEST_CASE("page cache: sequential reads of a 4-page file, no readahead") {
    Simulator sim(pagingConfig(8));
    sim.mapFiles({fileRegion("data", kBase, 4 * kPage, "f", 4 * kPage), anonymousRegion("buf", kBase + 8 * kPage, kPage)});
    for (int pass = 0; pass < 2; ++pass)
        for (std::uint64_t p = 0; p < 4; ++p) touch(sim, at(p, 8));
    touch(sim, kBase + 8 * kPage, AccessKind::Write);
    const MmuStats& s = sim.mmu()->stats();
    CHECK(s.fileMajorFaults == 4);  // each page once: the second pass finds them mapped
    CHECK(s.minorFaults == 1);      // buf: zero-filled
    CHECK(s.pageFaults == 5);
    CHECK(s.storageReads == 4);
    CHECK(s.storageBytesRead == 4 * kPage);
    CHECK(sim.mmu()->pageCache().pages() == 4);
    CHECK(sim.mmu()->anonymousFrames() == 1);
    CHECK(sim.mmu()->dirtyFilePages() == 0);
    checkReconciled(sim);
}

TEST_CASE("page cache: readahead of 2, sequential and shuffled") {
    SUBCASE("sequential 0..5: 0 reads 1 2; 3 reads 4 5") {
        Simulator sim(pagingConfig(8, "lru", 2));
        sim.mapFiles({fileRegion("data", kBase, 6 * kPage, "f", 6 * kPage)});
        for (std::uint64_t p = 0; p < 6; ++p) touch(sim, at(p));
        const MmuStats& s = sim.mmu()->stats();
        CHECK(s.fileMajorFaults == 2);
        CHECK(s.minorFaults == 4);
        CHECK(s.readaheadPagesRead == 4);
        CHECK(s.readaheadPagesUsed == 4);
        CHECK(s.storageReads == 2);
        CHECK(s.storageBytesRead == 6 * kPage);
        checkReconciled(sim);
    }
    SUBCASE("shuffled 5 0 3 1 4 2: 5 (last page, nothing ahead), 0 reads 1 2, 3 reads 4 (5 is cached)") {
        Simulator sim(pagingConfig(8, "lru", 2));
        sim.mapFiles({fileRegion("data", kBase, 6 * kPage, "f", 6 * kPage)});
        for (std::uint64_t p : {5, 0, 3, 1, 4, 2}) touch(sim, at(p));
        const MmuStats& s = sim.mmu()->stats();
        CHECK(s.fileMajorFaults == 3);
        CHECK(s.minorFaults == 3);
        CHECK(s.readaheadPagesRead == 3);
        CHECK(s.readaheadPagesUsed == 3);
        checkReconciled(sim);
    }
    SUBCASE("shuffled without readahead: one major fault per page") {
        Simulator sim(pagingConfig(8, "lru", 0));
        sim.mapFiles({fileRegion("data", kBase, 6 * kPage, "f", 6 * kPage)});
        for (std::uint64_t p : {5, 0, 3, 1, 4, 2}) touch(sim, at(p));
        CHECK(sim.mmu()->stats().fileMajorFaults == 6);
        CHECK(sim.mmu()->stats().readaheadPagesRead == 0);
        checkReconciled(sim);
    }
    SUBCASE("2 frames: readahead stops where it would evict the page the fault is for") {
        // 0: major into frame 0, 1 read ahead into frame 1; 2 would need a victim, and LRU names
        // frame 0 (loaded before 1): stop. 1: minor. 2: major, evicts 0 (LRU), reads 3 (evicting 1),
        // stops before 4. 3: minor. 4: major, evicts 2, reads 5 (evicting 3). 5: minor.
        Simulator sim(pagingConfig(2, "lru", 2));
        sim.mapFiles({fileRegion("data", kBase, 6 * kPage, "f", 6 * kPage)});
        for (std::uint64_t p = 0; p < 6; ++p) touch(sim, at(p));
        const MmuStats& s = sim.mmu()->stats();
        CHECK(s.fileMajorFaults == 3);
        CHECK(s.minorFaults == 3);
        CHECK(s.readaheadPagesRead == 3);
        CHECK(s.readaheadPagesUsed == 3);
        CHECK(s.pageCacheEvictions == 4);
        CHECK(s.readaheadPagesWasted == 0);
        CHECK(sim.mmu()->physicalAddress(at(4)) == 0 * kPage);
        CHECK(sim.mmu()->physicalAddress(at(5)) == 1 * kPage);
        checkReconciled(sim);
    }
    SUBCASE("pages read ahead and evicted untouched are wasted") {
        // 3 frames, FIFO: 0 reads 1 2; then anonymous pages a, b evict 0 and 1 (1 never touched).
        Simulator sim(pagingConfig(3, "fifo", 2));
        sim.mapFiles({fileRegion("data", kBase, 6 * kPage, "f", 6 * kPage), anonymousRegion("a", kBase + 8 * kPage, 2 * kPage)});
        touch(sim, at(0));
        touch(sim, kBase + 8 * kPage);
        touch(sim, kBase + 9 * kPage);
        const MmuStats& s = sim.mmu()->stats();
        CHECK(s.readaheadPagesRead == 2);
        CHECK(s.readaheadPagesWasted == 1);
        CHECK(s.readaheadPagesUsed == 0);
        CHECK(sim.mmu()->pageCache().unusedReadahead() == 1);  // page 2 is still there
        checkReconciled(sim);
    }
}

TEST_CASE("page cache: two mappings of one file share its pages") {
    Simulator sim(pagingConfig(2));
    const std::uint64_t b = kBase + 16 * kPage;
    sim.mapFiles({fileRegion("a", kBase, 2 * kPage, "f", 2 * kPage), fileRegion("b", b, 2 * kPage, "f", 2 * kPage),
                  anonymousRegion("x", kBase + 32 * kPage, 2 * kPage)});
    touch(sim, at(0));
    touch(sim, at(1), AccessKind::Write);
    touch(sim, b);
    touch(sim, b + kPage);
    const MmuStats& s = sim.mmu()->stats();
    CHECK(s.fileMajorFaults == 2);
    CHECK(s.minorFaults == 2);  // b's pages are found in the page cache
    CHECK(sim.mmu()->framesInUse() == 2);
    CHECK(s.residentPages == 4);  // four virtual pages, two frames
    CHECK(sim.mmu()->physicalAddress(at(0)) == sim.mmu()->physicalAddress(b));
    CHECK(sim.mmu()->physicalAddress(at(1, 12)) == sim.mmu()->physicalAddress(b + kPage + 12));
    CHECK(sim.mmu()->dirtyFilePages() == 1);  // written through a, dirty for b too
    checkReconciled(sim);
    // Two anonymous pages need both frames: LRU evicts file page 0 (both mappings go), then file
    // page 1, which is dirty: written back.
    touch(sim, kBase + 32 * kPage);
    touch(sim, kBase + 33 * kPage);
    CHECK(s.pageCacheEvictions == 2);
    CHECK(s.fileWritebacks == 1);
    CHECK(s.storageBytesWritten == kPage);
    CHECK_FALSE(sim.mmu()->physicalAddress(at(0)));
    CHECK_FALSE(sim.mmu()->physicalAddress(b));
    CHECK(s.residentPages == 2);
    CHECK(s.majorFaults == 0);  // no anonymous page came back from swap
    checkReconciled(sim);
    // Page 0 again through b: read from storage again (evicting the anonymous page x0).
    touch(sim, b);
    CHECK(s.fileMajorFaults == 3);
    checkReconciled(sim);
}

TEST_CASE("page cache: a copy window counts the bytes read() copies") {
    Simulator sim(pagingConfig(4));
    sim.mapFiles({fileRegion("window", kBase, 2 * kPage, "f", 2 * kPage, 0, "read"),
                  anonymousRegion("buf", kBase + 4 * kPage, kPage)});
    for (std::uint64_t off = 0; off < 64; off += 8) {
        sim.access(Access{at(1, off), 8, AccessKind::Read, 0});
        sim.access(Access{kBase + 4 * kPage + off, 8, AccessKind::Write, 0});
    }
    CHECK(sim.mmu()->stats().bytesCopied == 64);
    CHECK(sim.mmu()->stats().fileMajorFaults == 1);
    checkReconciled(sim);
}

TEST_CASE("page cache: storage time is requests at the latency plus bytes at the bandwidth") {
    SimConfig c = pagingConfig(8, "lru", 1);
    c.mmu->storage.latencyNs = 1000;
    c.mmu->storage.bandwidth = 4096 * 1000;  // one page per millisecond
    Simulator sim(c);
    sim.mapFiles({fileRegion("data", kBase, 4 * kPage, "f", 4 * kPage)});
    touch(sim, at(0), AccessKind::Write);  // reads 0 and 1: one request, 2 pages
    touch(sim, at(2));                     // reads 2 and 3
    // Reads: 2 requests, 4 pages; the end writes page 0 back: 1 request, 1 page.
    CHECK(sim.mmu()->dirtyFilePages() == 1);
    CHECK(sim.mmu()->storageNanoseconds() == 3 * 1000 + 5 * 1000000);
}

TEST_CASE("page cache: regions it cannot map are errors naming the region") {
    Simulator sim(pagingConfig(4));
    CHECK_THROWS_WITH_AS(sim.mapFiles({fileRegion("data", kBase + 16, kPage, "f", 2 * kPage)}),
                         doctest::Contains("region 'data' (file 'f') starts at 0x10000010"), TraceError);
    CHECK_THROWS_WITH_AS(sim.mapFiles({fileRegion("data", kBase, kPage, "f", 2 * kPage, 100)}),
                         doctest::Contains("must start on a page boundary"), TraceError);
    CHECK_THROWS_WITH_AS(
        sim.mapFiles({fileRegion("data", kBase, 100, "f", 2 * kPage), anonymousRegion("next", kBase + 128, 64)}),
        doctest::Contains("shares a page with region 'next'"), TraceError);
}

TEST_CASE("page cache: file-backed regions round-trip through the metadata JSON, and bad ones are refused") {
    TraceMetadata m;
    m.regions = {fileRegion("data", kBase, 2 * kPage, "f", 3 * kPage, kPage, "read"), anonymousRegion("x", kBase + 4 * kPage, 8)};
    const auto j = toJson(m);
    CHECK(j["regions"][0]["file"] == "f");
    CHECK(j["regions"][0]["file_access"] == "read");
    CHECK_FALSE(j["regions"][1].contains("file"));  // anonymous regions keep their old form
    CHECK(metadataFromJson(j, "t") == m);
    auto bad = j;
    bad["regions"][0]["size"] = 3 * kPage;  // from offset 4096, 3 pages overrun a 3-page file
    CHECK_THROWS_WITH_AS(metadataFromJson(bad, "t"), doctest::Contains("/regions/0/size"), TraceError);
    bad = j;
    bad["regions"][0]["file_access"] = "write";
    CHECK_THROWS_WITH_AS(metadataFromJson(bad, "t"), doctest::Contains("expected \"mmap\" or \"read\""), TraceError);
    bad = j;
    bad["regions"][1]["file_offset"] = 0;
    CHECK_THROWS_WITH_AS(metadataFromJson(bad, "t"), doctest::Contains("given without 'file'"), TraceError);
}

TEST_CASE("page cache: the report adds its block only for traces with file-backed regions") {
    Simulator plain(pagingConfig(4));
    touch(plain, at(0));
    const RunSummary none = summarize(plain, RunInfo{});
    CHECK_FALSE(none.translation->pageCache);
    CHECK_FALSE(reportJson(none)["mmu"].contains("page_cache"));

    Simulator sim(pagingConfig(4, "lru", 1));
    sim.mapFiles({fileRegion("data", kBase, 4 * kPage, "f", 4 * kPage)});
    touch(sim, at(0), AccessKind::Write);  // reads pages 0 and 1
    const RunSummary s = summarize(sim, RunInfo{});
    REQUIRE(s.translation->pageCache);
    const auto j = reportJson(s)["mmu"]["page_cache"];
    CHECK(j["file_major_faults"] == 1);
    CHECK(j["readahead_pages_read"] == 1);
    CHECK(j["readahead_pages_pending"] == 1);
    CHECK(j["writebacks_at_end"] == 1);
    CHECK(j["storage_bytes_written"] == kPage);
    CHECK(j["resident_page_cache_pages"] == 2);
    std::ostringstream text;
    printText(text, s);
    CHECK(text.str().find("faults: 0 minor, 1 file major (read from storage)") != std::string::npos);
    CHECK(text.str().find("file write-backs: 0 on eviction, 1 at the end of the run (4,096 bytes)") != std::string::npos);
}
