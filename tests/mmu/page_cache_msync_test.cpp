// msync (docs/mmap.md, "msync"): dirty file pages written back at an msync, at eviction and at the
// end of the run, worked by hand. 4 KiB pages, file "f" of 3 pages mapped by process 0 at
// A = 0x10000000 and by process 1 at B = 0x20000000, 2 frames, LRU, no readahead.

#include <doctest/doctest.h>

#include <sstream>

#include "cachescope/report/report.hpp"
#include "mmu/page_cache_test_util.hpp"

using namespace cachescope;
using namespace cachescope::test;

namespace {
constexpr std::uint64_t kA = 0x10000000, kB = 0x20000000, kPage = 4096;
void touchAs(Simulator& sim, std::uint8_t process, std::uint64_t address, AccessKind kind) {
    sim.access(Access{address, 4, kind, 0, process});
}
}  // namespace

TEST_CASE("page cache: write-backs at msync, at eviction and at the end, worked by hand") {
    Simulator sim(pagingConfig(2));
    sim.mapFiles({fileRegion("a", kA, 3 * kPage, "f", 3 * kPage)}, 0);
    sim.mapFiles({fileRegion("b", kB, 3 * kPage, "f", 3 * kPage)}, 1);
    const Mmu& mmu = *sim.mmu();
    //  1. p0 W A+0: file major fault, page 0 in frame 0, dirty.
    //  2. p0 W A+1: file major fault, page 1 in frame 1, dirty.
    touchAs(sim, 0, kA, AccessKind::Write);
    touchAs(sim, 0, kA + kPage, AccessKind::Write);
    REQUIRE(mmu.dirtyFilePages() == 2);
    //  3. msync of p0's first page: page 0 is written back (1 request) and is clean; page 1 is not
    //     in the range. An msync of anonymous memory, or of a process with no mapping there, writes
    //     nothing.
    CHECK(sim.msync(0, kA, kPage) == 1);
    CHECK(sim.msync(0, kA + 16 * kPage, kPage) == 0);
    CHECK(sim.msync(2, kA, 3 * kPage) == 0);
    CHECK(mmu.stats().msyncWritebacks == 1);
    CHECK(mmu.dirtyFilePages() == 1);
    CHECK(mmu.physicalAddress(kA, 0) == 0x0000);  // still cached and mapped
    //  4. p0 R A+2: memory full; the LRU victim is frame 0 (page 0, used at 1): clean since the
    //     msync, so nothing is written; page 2 in frame 0.
    touchAs(sim, 0, kA + 2 * kPage, AccessKind::Read);
    CHECK(mmu.stats().fileWritebacks == 0);
    //  5. p0 R A+0: the victim is frame 1 (page 1, used at 2), dirty: 1 write-back on eviction;
    //     page 0 comes back into frame 1, clean.
    touchAs(sim, 0, kA, AccessKind::Read);
    CHECK(mmu.stats().fileWritebacks == 1);
    //  6. p0 W A+2: page 2 (frame 0) is mapped; now dirty.
    touchAs(sim, 0, kA + 2 * kPage, AccessKind::Write);
    CHECK(mmu.dirtyFilePages() == 1);
    //  So far: 4 file major faults (storage reads), write-backs: 1 at msync, 1 on eviction, and page
    //  2 would be written at the end. The report counts the end's write-back apart.
    {
        const RunSummary s = summarize(sim, RunInfo{});
        REQUIRE(s.translation->pageCache);
        const auto j = reportJson(s)["mmu"]["page_cache"];
        CHECK(j["file_writebacks"] == 1);
        CHECK(j["msync_writebacks"] == 1);
        CHECK(j["writebacks_at_end"] == 1);
        CHECK(j["storage_bytes_written"] == 3 * kPage);
        std::ostringstream text;
        printText(text, s);
        CHECK(text.str().find("file write-backs: 1 on eviction, 1 at msync, 1 at the end of the run (12,288 bytes)") !=
              std::string::npos);
    }
    //  7. msync from process 1, which never touched the file: its mapping shows pages 0-2, and the
    //     msync writes back every dirty cached page among them: page 2 (dirtied by p0; the frame
    //     is shared). Nothing is left for the end.
    CHECK(sim.msync(1, kB, 3 * kPage) == 1);
    const MmuStats& s = mmu.stats();
    CHECK(s.msyncWritebacks == 2);
    CHECK(s.fileWritebacks == 1);
    CHECK(mmu.dirtyFilePages() == 0);
    CHECK(s.fileMajorFaults == 4);
    CHECK(s.storageBytesWritten == 3 * kPage);
    // Storage time (docs/mmap.md): 4 reads + 3 writes = 7 requests of 100 µs, 7 pages at 2 GiB/s:
    // 7 × 100,000 + 28,672 × 10^9 / 2^31 = 700,000 + 13,351.4 → 713,351 ns (the config's defaults).
    REQUIRE(mmu.config().storage.latencyNs == 100000);
    REQUIRE(mmu.config().storage.bandwidth == (std::uint64_t{2} << 30));
    CHECK(mmu.storageNanoseconds() == 713351);
    checkReconciled(sim);
    // A JSON report without msyncs has no msync key: runs without msync read as before.
    Simulator none(pagingConfig(2));
    none.mapFiles({fileRegion("a", kA, 3 * kPage, "f", 3 * kPage)});
    touchAs(none, 0, kA, AccessKind::Write);
    CHECK_FALSE(reportJson(summarize(none, RunInfo{}))["mmu"]["page_cache"].contains("msync_writebacks"));
}
