// Processes sharing a file (docs/mmap.md, "Processes sharing a file"): one page cache for every
// process, files known by name. Every expected number is worked by hand in the comment above it;
// 4 KiB pages, file "f" mapped by process 0 at A = 0x10000000 and by process 1 at B = 0x20000000
// (file page p at A + p·4096 and B + p·4096), LRU.

#include <doctest/doctest.h>

#include <string>

#include "cachescope/core/error.hpp"
#include "cachescope/session/session.hpp"
#include "mmu/page_cache_test_util.hpp"

using namespace cachescope;
using namespace cachescope::test;

namespace {
constexpr std::uint64_t kA = 0x10000000, kB = 0x20000000, kPage = 4096;

/// pagingConfig's shape with the scope given: `frames` frames, LRU, `readahead`.
SimConfig scopedConfig(std::uint32_t frames, std::uint32_t readahead, const std::string& scope) {
    return parseConfig(R"({"caches": [{"name": "L1", "size": "1KiB", "associativity": 2}],
        "mmu": {"page_size": "4KiB", "bits_per_level": [10, 10], "pte_size": 4, "physical_memory": )" +
                           std::to_string(frames * kPage) + R"(, "page_replacement": "lru", "readahead": )" +
                           std::to_string(readahead) + R"(, "page_replacement_scope": ")" + scope + R"("},
        "tlbs": [{"entries": 8, "associativity": 2}]})",
                       "page-cache-sharing-test.json");
}

void touchAs(Simulator& sim, std::uint8_t process, std::uint64_t address, AccessKind kind = AccessKind::Read) {
    sim.access(Access{address, 4, kind, 0, process});
}
}  // namespace

TEST_CASE("page cache: two processes sharing a file, worked by hand") {
    // 3 frames, readahead 1; file "f" of 3 pages, mapped whole by p0 (region "a" at A) and p1
    // (region "b" at B); p1 also has an anonymous page "buf" at 0x30000000.
    //  1. p0 R A+0: file page 0 not cached: file major fault, frame 0; readahead reads page 1 into
    //     frame 1 (unmapped). Storage: 1 request, 2 pages.
    //  2. p1 R B+0: page 0 is cached: minor fault, p1's page maps frame 0 too.
    //  3. p1 R B+1: page 1 cached (read ahead): minor fault, readahead used 1.
    //  4. p0 R A+1: minor fault (p0 had not mapped it).
    //  5. p1 W B+2: page 2 not cached: file major fault, frame 2 (dirty); page 3 is past the end.
    //  6. p0 R A+2: minor fault.
    // Now: faults 6 = 4 minor + 2 file major; 3 page-cache pages, each mapped twice: 6 resident
    // pages on 3 frames; storage read 3 pages; 1 dirty page (2), written back at the end if it stays.
    Simulator sim(scopedConfig(3, 1, "global"));
    sim.mapFiles({fileRegion("a", kA, 3 * kPage, "f", 3 * kPage)}, 0);
    sim.mapFiles({fileRegion("b", kB, 3 * kPage, "f", 3 * kPage), anonymousRegion("buf", 0x30000000, kPage)}, 1);
    const Mmu& mmu = *sim.mmu();
    REQUIRE(mmu.pageCache().files().size() == 1);  // one file, by name
    REQUIRE(mmu.pageCache().mappings().size() == 2);
    touchAs(sim, 0, kA);
    touchAs(sim, 1, kB);
    touchAs(sim, 1, kB + kPage);
    touchAs(sim, 0, kA + kPage);
    touchAs(sim, 1, kB + 2 * kPage, AccessKind::Write);
    touchAs(sim, 0, kA + 2 * kPage);
    {
        const MmuStats& s = mmu.stats();
        CHECK(s.pageFaults == 6);
        CHECK(s.minorFaults == 4);
        CHECK(s.fileMajorFaults == 2);
        CHECK(s.storageReads == 2);
        CHECK(s.storageBytesRead == 3 * kPage);
        CHECK(s.readaheadPagesRead == 1);
        CHECK(s.readaheadPagesUsed == 1);
        CHECK(s.residentPages == 6);
        CHECK(mmu.residentPagesOf(0) == 3);
        CHECK(mmu.residentPagesOf(1) == 3);
        CHECK(mmu.framesInUse() == 3);
        CHECK(mmu.pageCache().pages() == 3);
        CHECK(mmu.dirtyFilePages() == 1);
        // Both processes' pages of one file page map one frame.
        for (std::uint64_t p = 0; p < 3; ++p) CHECK(mmu.physicalAddress(kA + p * kPage, 0) == mmu.physicalAddress(kB + p * kPage, 1));
        CHECK(mmu.physicalAddress(kA, 0) == 0x0000);
        CHECK(mmu.physicalAddress(kA + 2 * kPage, 0) == 0x2000);
        checkReconciled(sim);
    }
    //  7. p1 W buf: memory full; LRU victim frame 0 (page 0, last used at 2): both mappings go,
    //     clean, no write-back; buf takes frame 0 (minor: zero-filled). Resident 6 - 2 + 1 = 5.
    //  8. p0 R A+0: page 0 not cached: file major fault; victim frame 1 (page 1, used at 4): both
    //     mappings go; page 0 into frame 1. Readahead page 1: memory full, the next victim is
    //     frame 2 (page 2, used at 6), not frame 1: page 2 is evicted (dirty: 1 file write-back,
    //     both mappings go) and page 1 is read into frame 2, unmapped.
    // End: faults 8 = 5 minor + 3 file major; storage 3 requests, 5 pages read; 3 page-cache
    // evictions, 1 write-back, nothing dirty left (writebacks_at_end 0); cached: page 0 (frame 1,
    // mapped by p0) and page 1 (frame 2, read ahead, pending); anonymous: buf (frame 0).
    // Resident pages: p0's A+0 and p1's buf.
    touchAs(sim, 1, 0x30000000, AccessKind::Write);
    touchAs(sim, 0, kA);
    const MmuStats& s = mmu.stats();
    CHECK(s.pageFaults == 8);
    CHECK(s.minorFaults == 5);
    CHECK(s.fileMajorFaults == 3);
    CHECK(s.storageReads == 3);
    CHECK(s.storageBytesRead == 5 * kPage);
    CHECK(s.readaheadPagesRead == 2);
    CHECK(s.readaheadPagesUsed == 1);
    CHECK(s.readaheadPagesWasted == 0);
    CHECK(mmu.pageCache().unusedReadahead() == 1);
    CHECK(s.pageCacheEvictions == 3);
    CHECK(s.fileWritebacks == 1);
    CHECK(s.storageBytesWritten == kPage);
    CHECK(mmu.dirtyFilePages() == 0);
    CHECK(s.residentPages == 2);
    CHECK(mmu.residentPagesOf(0) == 1);
    CHECK(mmu.residentPagesOf(1) == 1);
    CHECK(mmu.pageCache().pages() == 2);
    CHECK(mmu.anonymousFrames() == 1);
    CHECK(mmu.physicalAddress(kA, 0) == 0x1000);
    CHECK(mmu.physicalAddress(0x30000000, 1) == 0x0000);
    CHECK_FALSE(mmu.physicalAddress(kB, 1).has_value());  // p1 has not touched page 0 since it came back
    checkReconciled(sim);
}

TEST_CASE("page cache: a shared file page belongs to the page cache under local scope") {
    // The rule (docs/mmap.md): a file page is no process's own; under local scope a fault may evict
    // the faulting process's anonymous pages or any page-cache page (every mapping of it goes).
    // 3 frames, no readahead; file "f" of 1 page mapped by p0 at A and p1 at B; anonymous pages
    // X = 0x30000000 (p0), Y = 0x30000000 and Z = 0x30001000 (p1).
    //  1. p0 W X: minor, frame 0.   2. p1 R B: file major, frame 1.   3. p0 R A: minor (shared).
    //  4. p1 W Y: minor, frame 2. Memory full; LRU order: frame 0 (X), 1 (file page), 2 (Y).
    //  5. p1 W Z: global: the victim is X (p0's, dirty: written out); Z in frame 0.
    //             local: p1's candidates are Y and the file page: the file page (frame 1) is
    //             evicted, both mappings go (clean); Z in frame 1.
    //  6. p0 R A: global: still mapped, no fault.
    //             local: file major fault; p0's candidates are X (frame 0) and no page-cache page:
    //             X is evicted (dirty: written out); the file page comes back into frame 0.
    auto run = [](const std::string& scope) {
        Simulator sim(scopedConfig(3, 0, scope));
        sim.mapFiles({fileRegion("a", kA, kPage, "f", kPage), anonymousRegion("x", 0x30000000, kPage)}, 0);
        sim.mapFiles({fileRegion("b", kB, kPage, "f", kPage), anonymousRegion("yz", 0x30000000, 2 * kPage)}, 1);
        touchAs(sim, 0, 0x30000000, AccessKind::Write);
        touchAs(sim, 1, kB);
        touchAs(sim, 0, kA);
        touchAs(sim, 1, 0x30000000, AccessKind::Write);
        touchAs(sim, 1, 0x30001000, AccessKind::Write);
        touchAs(sim, 0, kA);
        return sim;
    };
    const Simulator global = run("global");
    const MmuStats& g = global.mmu()->stats();
    CHECK(g.pageFaults == 5);
    CHECK(g.minorFaults == 4);
    CHECK(g.fileMajorFaults == 1);
    CHECK(g.pagesWrittenOut == 1);
    CHECK(g.pageCacheEvictions == 0);
    CHECK(global.mmu()->residentPagesOf(0) == 1);  // A
    CHECK(global.mmu()->residentPagesOf(1) == 3);  // B, Y, Z
    CHECK(global.mmu()->physicalAddress(0x30001000, 1) == 0x0000);
    checkReconciled(global);

    const Simulator local = run("local");
    const MmuStats& l = local.mmu()->stats();
    CHECK(l.pageFaults == 6);
    CHECK(l.minorFaults == 4);
    CHECK(l.fileMajorFaults == 2);
    CHECK(l.pageCacheEvictions == 1);
    CHECK(l.fileWritebacks == 0);
    CHECK(l.pagesWrittenOut == 1);
    CHECK(local.mmu()->residentPagesOf(0) == 1);  // A, in frame 0
    CHECK(local.mmu()->residentPagesOf(1) == 2);  // Y, Z
    CHECK(local.mmu()->physicalAddress(kA, 0) == 0x0000);
    CHECK(local.mmu()->physicalAddress(0x30001000, 1) == 0x1000);
    CHECK_FALSE(local.mmu()->physicalAddress(kB, 1).has_value());
    checkReconciled(local);
}

TEST_CASE("page cache: read() windows count the copies of each process in its own window") {
    // p0's window on "f" is at A, p1 maps nothing there: p1's reads at A are anonymous memory and
    // copy nothing. p1's window is at B. Reads: p0 A+0 (4 bytes), p1 A+0 (4), p1 B+8 (4), p0 B+8
    // (4, p0 has nothing at B): 8 bytes copied. The window pages are one file page: 1 file major
    // fault (p0), 1 minor (p1's window), 2 anonymous first touches.
    Simulator sim(scopedConfig(8, 0, "global"));
    sim.mapFiles({fileRegion("wa", kA, kPage, "f", kPage, 0, "read")}, 0);
    sim.mapFiles({fileRegion("wb", kB, kPage, "f", kPage, 0, "read")}, 1);
    touchAs(sim, 0, kA);
    touchAs(sim, 1, kA);
    touchAs(sim, 1, kB + 8);
    touchAs(sim, 0, kB + 8);
    const MmuStats& s = sim.mmu()->stats();
    CHECK(s.bytesCopied == 8);
    CHECK(s.fileMajorFaults == 1);
    CHECK(s.minorFaults == 3);
    checkReconciled(sim);
}

TEST_CASE("page cache: processes must agree on a shared file's size, and map once each") {
    Simulator sim(scopedConfig(4, 0, "global"));
    sim.mapFiles({fileRegion("a", kA, kPage, "f", 2 * kPage)}, 0);
    CHECK_THROWS_WITH_AS(sim.mapFiles({fileRegion("b", kB, kPage, "f", 3 * kPage)}, 1),
                         "region 'b' (file 'f') of process 1 gives the file 12288 bytes, but another mapping of it "
                         "gives 8192 (expected every region of one file to agree on file_size)",
                         TraceError);
    CHECK(sim.mmu()->pageCache().mappings().size() == 1);  // nothing added by the failed call
    CHECK_THROWS_AS(sim.mapFiles({fileRegion("a2", kB, kPage, "f", 2 * kPage)}, 0), TraceError);
    CHECK_THROWS_WITH_AS(sim.mapFiles({fileRegion("c", kB + 16, kPage, "g", 2 * kPage)}, 2),
                         doctest::Contains("region 'c' (file 'g') of process 2 starts at 0x20000010"), TraceError);
    sim.mapFiles({fileRegion("b", kB, kPage, "f", 2 * kPage)}, 1);
    CHECK(sim.mmu()->pageCache().files().size() == 1);
    CHECK(sim.mmu()->pageCache().mappings().size() == 2);
}

TEST_CASE("page cache: a dataloader mixed with itself shares the dataset file") {
    // configs/dataloader.json: 1024 frames (plenty), readahead 8. One dataloader of 16 one-page
    // samples alone: file major faults at pages 0 and 9 (each reads 8 ahead, 9 reads 10..15), 14
    // minor faults on read-ahead pages and 1 on the stats page: 17 faults, 16 pages read.
    // Two of them as processes 0 and 1 share "dataset.bin": still 2 file major faults and 16 pages
    // read; the other process's 16 touches of the file are minor faults, and each has its own
    // stats page: 34 faults = 32 minor + 2 file major. Every page is mapped twice.
    const SimConfig config = loadConfig(std::string(CACHESCOPE_SOURCE_DIR) + "/configs/dataloader.json");
    auto run = [&](SourceSpec source) {
        Session session(config, std::move(source));
        session.runToEnd();
        const MmuStats s = session.simulator().mmu()->stats();
        checkReconciled(session.simulator());
        return std::pair{s, session.simulator().mmu()->pageCache().mappings().size()};
    };
    const std::string item = "dataloader:mode=mmap,samples=16,sample_size=4096,batch=4";
    const auto [one, oneMappings] = run(SourceSpec::kernelRun("dataloader", {"mode=mmap", "samples=16", "sample_size=4096", "batch=4"}));
    CHECK(one.fileMajorFaults == 2);
    CHECK(one.minorFaults == 15);
    CHECK(oneMappings == 1);
    // A --mix of one source is that source as process 0: its file is mapped as when run alone.
    const auto [alone, aloneMappings] = run(SourceSpec::mixOf({item}, 100));
    CHECK(aloneMappings == 1);
    CHECK(alone == one);
    const auto [two, twoMappings] = run(SourceSpec::mixOf({item, item}, 100));
    CHECK(twoMappings == 2);
    CHECK(two.fileMajorFaults == 2);
    CHECK(two.storageBytesRead == 16 * kPage);
    CHECK(two.minorFaults == 32);
    CHECK(two.pageFaults == 34);
    CHECK(two.residentPages == 34);

    // read(): each process copies every byte of the file once: twice the single run's bytes.
    const std::string reader = "dataloader:mode=read,samples=16,sample_size=4096,batch=4";
    const auto [copies, copyMappings] = run(SourceSpec::mixOf({reader, reader}, 100));
    CHECK(copyMappings == 2);
    CHECK(copies.bytesCopied == 2 * 16 * kPage);
    CHECK(copies.fileMajorFaults == 2);
}
