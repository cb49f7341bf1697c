#pragma once
// Helpers for the page-cache tests: a small paging config, file-backed regions, and the check that
// every counter of docs/mmap.md agrees with the page cache's state at the end of a run.

#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope::test {

/// teaching-paging's shape (4 KiB pages, 2 levels of 10 bits, one 8-entry TLB, a 1 KiB L1) with
/// `frames` frames, `replacement` and `readahead`.
inline SimConfig pagingConfig(std::uint32_t frames, const std::string& replacement = "lru", std::uint32_t readahead = 0) {
    return parseConfig(R"({"caches": [{"name": "L1", "size": "1KiB", "associativity": 2}],
        "mmu": {"page_size": "4KiB", "bits_per_level": [10, 10], "pte_size": 4,
                "physical_memory": )" + std::to_string(frames * 4096ull) +
                           R"(, "page_replacement": ")" + replacement + R"(", "readahead": )" +
                           std::to_string(readahead) + R"(},
        "tlbs": [{"entries": 8, "associativity": 2}]})",
                       "page-cache-test.json");
}

inline Region fileRegion(std::string name, std::uint64_t base, std::uint64_t size, std::string file,
                         std::uint64_t fileSize, std::uint64_t offset = 0, std::string access = "mmap") {
    Region r{std::move(name), base, size, 1, {}, "bytes", {}};
    r.file = std::move(file);
    r.fileSize = fileSize;
    r.fileOffset = offset;
    r.fileAccess = std::move(access);
    return r;
}

inline Region anonymousRegion(std::string name, std::uint64_t base, std::uint64_t size) {
    return Region{std::move(name), base, size, 1, {}, "bytes", {}};
}

inline void touch(Simulator& sim, std::uint64_t address, AccessKind kind = AccessKind::Read) {
    sim.access(Access{address, 4, kind, 0});
}

/// Every relation docs/mmap.md states between the counters and the state at the end.
inline void checkReconciled(const Simulator& sim) {
    const Mmu& mmu = *sim.mmu();
    const MmuStats& s = mmu.stats();
    const PageCache& pc = mmu.pageCache();
    const std::uint64_t page = mmu.config().pageSize;
    CHECK(s.pageFaults == s.minorFaults + s.majorFaults + s.fileMajorFaults);
    CHECK(s.storageReads == s.fileMajorFaults);
    CHECK(s.storageBytesRead == (s.fileMajorFaults + s.readaheadPagesRead) * page);
    CHECK(s.storageBytesWritten == (s.fileWritebacks + s.msyncWritebacks) * page);
    // Every file page read is cached now or was evicted.
    CHECK(s.fileMajorFaults + s.readaheadPagesRead == pc.pages() + s.pageCacheEvictions);
    CHECK(s.readaheadPagesRead == s.readaheadPagesUsed + s.readaheadPagesWasted + pc.unusedReadahead());
    // The page cache's own bookkeeping against a count of its entries.
    std::uint64_t entries = 0, unused = 0, fileMappers = 0;
    std::set<std::uint32_t> fileFrames;
    pc.forEach([&](std::uint32_t, const PageCache::Entry& e) {
        ++entries;
        unused += e.readaheadUnused ? 1 : 0;
        fileMappers += e.mappers.size();
        fileFrames.insert(e.frame);
        CHECK((e.readaheadUnused ? e.mappers.empty() : !e.mappers.empty()));
    });
    CHECK(entries == pc.pages());
    CHECK(unused == pc.unusedReadahead());
    CHECK(fileFrames.size() == pc.pages());
    // Mapped pages: every virtual page the MMU maps is a file page's mapper or an anonymous page.
    const std::vector<ResidentPageView> resident = mmu.residentPages();
    CHECK(resident.size() == s.residentPages);
    std::set<std::uint32_t> anonymousFrames;
    for (const ResidentPageView& v : resident) {
        if (v.frame && fileFrames.count(*v.frame) == 0) anonymousFrames.insert(*v.frame);
    }
    CHECK(resident.size() == fileMappers + anonymousFrames.size());
    CHECK(anonymousFrames.size() == mmu.anonymousFrames());
    CHECK(pc.pages() + mmu.anonymousFrames() == mmu.framesInUse());
    CHECK(mmu.dirtyFilePages() <= pc.pages());
}

}  // namespace cachescope::test
