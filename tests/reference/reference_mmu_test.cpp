// Self-tests of the naive translation model (reference_mmu.hpp): small scenarios whose counts are
// worked out by hand in the comments from docs/mmu.md and docs/policies.md, independent of the engine.
// Unless said otherwise: 4 KiB pages, x86-64 layout (4 levels of 9 bits, 8-byte PTEs, 4 KiB tables),
// no caches (so every PTE read and data access is one memory read or write).

#include <doctest/doctest.h>

#include <vector>

#include "reference/reference_mmu.hpp"
#include "reference/reference_model.hpp"

namespace cs = cachescope;
using cs::AccessKind;
using cs::reference::ReferenceModel;

namespace {

constexpr std::uint64_t KiB = 1024;
constexpr std::uint64_t MiB = 1024 * KiB;

cs::MmuConfig mmu(std::uint64_t physicalMemory, cs::PageReplacementKind replacement = cs::PageReplacementKind::Lru) {
    cs::MmuConfig m;
    m.physicalMemory = physicalMemory;
    m.pageReplacement = replacement;
    return m;
}

cs::TlbConfig tlb(const char* name, std::uint32_t entries, std::uint32_t ways, bool full = false) {
    cs::TlbConfig t;
    t.name = name;
    t.entries = entries;
    t.associativity = ways;
    t.fullyAssociative = full;
    return t;
}

cs::SimConfig sim(cs::MmuConfig m, std::vector<cs::TlbConfig> tlbs = {}, std::vector<cs::CacheConfig> caches = {}) {
    cs::SimConfig s;
    s.addressing = cs::Addressing::Physical;
    s.mmu = std::move(m);
    s.tlbs = std::move(tlbs);
    s.caches = std::move(caches);
    return s;
}

cs::CacheConfig l1(std::uint64_t size, std::uint32_t ways) {
    cs::CacheConfig c;
    c.name = "L1";
    c.size = size;
    c.lineSize = 64;
    c.associativity = ways;
    return c;
}

void read(ReferenceModel& m, std::uint64_t a, std::uint32_t size = 1) { m.access({a, size, AccessKind::Read}); }
void write(ReferenceModel& m, std::uint64_t a, std::uint32_t size = 1) { m.access({a, size, AccessKind::Write}); }

}  // namespace

TEST_CASE("reference mmu: splitmix64 matches the numbers of docs/policies.md") {
    cs::reference::SplitMix g{1234567};
    CHECK(g.next() == 6457827717110365317ULL);
    CHECK(g.next() == 3203168211198807973ULL);
}

TEST_CASE("reference mmu: TLB reach of a strided sweep with a fully associative LRU TLB") {
    // An 8-entry fully associative LRU TLB; 3 passes over K pages, one read per page (stride 4 KiB).
    for (std::uint64_t k : {4u, 8u, 9u, 12u}) {
        CAPTURE(k);
        ReferenceModel m(sim(mmu(1 * MiB), {tlb("TLB", 8, 8, true)}));
        for (int pass = 0; pass < 3; ++pass)
            for (std::uint64_t p = 0; p < k; ++p) read(m, p * 4096 + 8);
        const cs::CacheStats& t = m.mmu()->tlbs()[0].stats;
        CHECK(t.accesses() == 3 * k);
        if (k <= 8) {
            CHECK(t.misses() == k);  // K <= N: the first pass misses K times, then everything hits
        } else {
            CHECK(t.misses() == 3 * k);  // K > N: LRU on a cyclic sweep misses every time
            CHECK(t.evictions == 3 * k - 8);
        }
        // Without walk caches every TLB miss walks 4 levels; 1 MiB holds 256 frames: faults = first touches.
        CHECK(m.mmu()->stats().walks == t.misses());
        CHECK(m.mmu()->stats().walkMemoryAccesses == 4 * t.misses());
        CHECK(m.mmu()->stats().pageFaults == k);
        CHECK(m.mmu()->stats().majorFaults == 0);
        CHECK(m.mmu()->stats().residentPagesPeak == k);
        CHECK(m.memory().reads == 4 * t.misses() + 3 * k);  // PTE reads + data reads (no caches)
    }
}

TEST_CASE("reference mmu: one 2 MiB huge page removes the TLB misses of a sweep") {
    // The same 12-page sweep (which missed 36 times above) inside one 2 MiB huge page: one TLB entry.
    cs::MmuConfig m = mmu(1 * MiB);
    m.hugePages.push_back(cs::HugePageRange{0, 4 * MiB, 2 * MiB});
    ReferenceModel r(sim(m, {tlb("TLB", 8, 8, true)}));
    for (int pass = 0; pass < 3; ++pass)
        for (std::uint64_t p = 0; p < 12; ++p) read(r, p * 4096 + 8);
    const cs::MmuStats& s = r.mmu()->stats();
    CHECK(r.mmu()->tlbs()[0].stats.accesses() == 36);
    CHECK(r.mmu()->tlbs()[0].stats.misses() == 1);
    CHECK(s.walks == 1);
    CHECK(s.walkMemoryAccesses == 3);  // the walk stops at level 2 (shift_2 = 12 + 9 = 21 = log2 2 MiB)
    CHECK(s.pageFaults == 1);
    CHECK(s.pageTablePages == 3);  // root, level 1, level 2; no level-3 table
    CHECK(s.residentPagesPeak == 1);
    // Huge pages live from 2^52 upward: the first at 2^52 exactly.
    CHECK(r.mmu()->physicalAddress(0x5008) == (std::uint64_t{1} << 52) + 0x5008);
    // A second huge page (va 2 MiB..4 MiB) comes next, aligned to 2 MiB.
    read(r, 2 * MiB + 16);
    CHECK(r.mmu()->physicalAddress(2 * MiB + 16) == (std::uint64_t{1} << 52) + 2 * MiB + 16);
    CHECK(r.mmu()->stats().pageTablePages == 3);  // same level-2 table (index2 = 0 and 1)
}

TEST_CASE("reference mmu: without walk caches, walks equal the last-level TLB misses") {
    // DTLB 4 entries 2-way, L2 TLB 16 entries 4-way (both data: the L2 TLB holds everything).
    ReferenceModel m(sim(mmu(256 * KiB), {tlb("DTLB", 4, 2), tlb("STLB", 16, 4)}));
    std::uint64_t x = 12345;
    for (int i = 0; i < 500; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const std::uint64_t page = (x >> 33) % 40;
        if ((x >> 20) % 3 == 0)
            write(m, page * 4096 + (x >> 40) % 4000, 4);
        else
            read(m, page * 4096 + (x >> 40) % 4000, 4);
    }
    const auto& t = m.mmu()->tlbs();
    CHECK(t[0].stats.accesses() == 500);                  // no access crosses a page (offset < 4000)
    CHECK(t[1].stats.accesses() == t[0].stats.misses());  // a DTLB miss goes to the STLB
    CHECK(m.mmu()->stats().walks == t[1].stats.misses());
    CHECK(m.mmu()->stats().walkMemoryAccesses == 4 * t[1].stats.misses());
    CHECK(m.mmu()->stats().pageFaults == 40);  // 64 frames: every page's first touch, nothing evicted
    CHECK(m.mmu()->stats().pageTablePages == 4);
}

TEST_CASE("reference mmu: a page-crossing reference is two pieces") {
    ReferenceModel m(sim(mmu(1 * MiB), {tlb("TLB", 8, 8, true)}));
    read(m, 0xFFE, 4);  // bytes 0xFFE..0x1001: pages 0 and 1
    CHECK(m.mmu()->tlbs()[0].stats.accesses() == 2);
    CHECK(m.mmu()->stats().pageFaults == 2);
    CHECK(m.memory().reads == 2 * 4 + 2);  // two walks of 4 PTE reads, two data pieces
    // Sequential frames: page 0 in frame 0, page 1 in frame 1.
    CHECK(m.mmu()->physicalAddress(0xFFE) == 0xFFE);
    CHECK(m.mmu()->physicalAddress(0x1001) == 0x1001);
}

TEST_CASE("reference mmu: PTE addresses of a known virtual address, x86-64 layout") {
    // va = 3<<39 | 5<<30 | 7<<21 | 9<<12 | 0xABC: indices 3, 5, 7, 9. physical_memory 64 KiB = 0x10000
    // (16 frames); tables of 512 x 8 B = 4 KiB from 0x10000: root 0x10000, then on the first fault
    // level 1 at 0x11000, level 2 at 0x12000, level 3 at 0x13000.
    const std::uint64_t va = (3ULL << 39) | (5ULL << 30) | (7ULL << 21) | (9ULL << 12) | 0xABC;
    ReferenceModel m(sim(mmu(64 * KiB), {}, {l1(4 * KiB, 8)}));
    CHECK(m.mmu()->pteAddress(va, 0) == 0x10000 + 3 * 8);
    CHECK_FALSE(m.mmu()->pteAddress(va, 1).has_value());  // not allocated before the fault
    CHECK(m.mmu()->stats().pageTablePages == 1);
    read(m, va, 4);
    CHECK(m.mmu()->pteAddress(va, 0) == 0x10018);
    CHECK(m.mmu()->pteAddress(va, 1) == 0x11000 + 5 * 8);
    CHECK(m.mmu()->pteAddress(va, 2) == 0x12000 + 7 * 8);
    CHECK(m.mmu()->pteAddress(va, 3) == 0x13000 + 9 * 8);
    CHECK(m.mmu()->physicalAddress(va) == 0xABC);  // frame 0
    CHECK(m.mmu()->stats().pageTablePages == 4);
    // L1: 4 KiB, 64 B lines, 8 ways = 8 sets. The 4 PTE reads miss (lines 0x10000, 0x11000, 0x12000,
    // 0x13000, all set 0), then the data read misses (line 0xA80, set 2): 5 memory reads.
    CHECK(m.mmu()->stats().pteServedBy == std::vector<std::uint64_t>{0, 4});
    CHECK(m.memory().reads == 5);
    // va2 = indices 3, 5, 8, 1: shares the root and level-1 tables; a new level-3 table at 0x14000.
    // PTEs: 0x10018 (L1 hit), 0x11028 (hit), 0x12000 + 64 = 0x12040 (line 0x12040, miss), 0x14008 (miss).
    const std::uint64_t va2 = (3ULL << 39) | (5ULL << 30) | (8ULL << 21) | (1ULL << 12);
    read(m, va2, 4);
    CHECK(m.mmu()->pteAddress(va2, 2) == 0x12040);
    CHECK(m.mmu()->pteAddress(va2, 3) == 0x14008);
    CHECK(m.mmu()->physicalAddress(va2) == 0x1000);  // frame 1
    CHECK(m.mmu()->stats().pteServedBy == std::vector<std::uint64_t>{2, 6});
    CHECK(m.mmu()->stats().pageTablePages == 5);
    CHECK(m.stats(0).accesses() == 10);  // 8 PTE reads + 2 data reads
    CHECK(m.memory().reads == 5 + 3);    // 2 PTE misses + the data read (line 0x1000)
}

TEST_CASE("reference mmu: the 2-level 10/10-bit teaching layout") {
    // 4 KiB pages, 2 levels of 10 bits (V = 32), 4-byte PTEs: tables of 1024 x 4 B = 4 KiB.
    // physical_memory 8 KiB: root at 0x2000. va 0x00401234: index0 = 0x401234 >> 22 = 1,
    // index1 = (0x401234 >> 12) mod 1024 = 1. Level-1 table for prefix 1 at 0x3000.
    cs::MmuConfig c = mmu(8 * KiB);
    c.bitsPerLevel = {10, 10};
    c.pteSize = 4;
    c.walkEntry = "memory";
    ReferenceModel m(sim(c, {}, {l1(1 * KiB, 2)}));
    read(m, 0x00401234);
    CHECK(m.mmu()->pteAddress(0x00401234, 0) == 0x2004);
    CHECK(m.mmu()->pteAddress(0x00401234, 1) == 0x3004);
    CHECK(m.mmu()->physicalAddress(0x00401234) == 0x234);
    // walk_entry "memory": the 2 PTE reads bypass L1, which sees only the data read.
    CHECK(m.mmu()->stats().pteServedBy == std::vector<std::uint64_t>{0, 2});
    CHECK(m.stats(0).accesses() == 1);
    CHECK(m.memory().reads == 3);
    // va 0xFFC00000: index0 = 1023, index1 = 0: a new level-1 table at 0x4000.
    read(m, 0xFFC00000);
    CHECK(m.mmu()->pteAddress(0xFFC00000, 0) == 0x2000 + 1023 * 4);
    CHECK(m.mmu()->pteAddress(0xFFC00000, 1) == 0x4000);
    CHECK(m.mmu()->stats().pageTablePages == 3);
}

TEST_CASE("reference mmu: FIFO paging with 3 frames on Belady's string") {
    // Pages 1 2 3 4 1 2 5 1 2 3 4 5, one read at each page's start, 3 frames, no TLB.
    // FIFO: 1F 2F 3F 4F(-1) 1F(-2) 2F(-3) 5F(-4) 1H 2H 3F(-1) 4F(-2) 5H: 9 faults; the re-touches of
    // 1, 2, 3, 4 are of evicted pages: 4 major faults.
    // With 4 frames (Belady's anomaly): 1F 2F 3F 4F 1H 2H 5F(-1) 1F(-2) 2F(-3) 3F(-4) 4F(-5) 5F(-1):
    // 10 faults, majors 1 2 3 4 5 = 5.
    // Clock with 3 frames: every page is referenced again only while resident, and each victim search
    // finds every bit set or the hand on a cleared frame; it evicts as FIFO here: 9 faults, 4 majors.
    // LRU with 3 frames: 1F 2F 3F 4F(-1) 1F(-2) 2F(-3) 5F(-4) 1H 2H 3F(-5) 4F(-1) 5F(-2): 10 faults,
    // majors: 1, 2, 3, 4, 5 re-touched after eviction = 5.
    const std::uint64_t pages[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    struct Case {
        cs::PageReplacementKind kind;
        std::uint64_t frames, faults, majors;
    };
    for (const Case& c :
         {Case{cs::PageReplacementKind::Fifo, 3, 9, 4}, Case{cs::PageReplacementKind::Fifo, 4, 10, 5},
          Case{cs::PageReplacementKind::Clock, 3, 9, 4}, Case{cs::PageReplacementKind::Lru, 3, 10, 5}}) {
        CAPTURE(c.frames);
        CAPTURE(static_cast<int>(c.kind));
        ReferenceModel m(sim(mmu(c.frames * 4096, c.kind)));
        for (std::uint64_t p : pages) read(m, p * 4096);
        CHECK(m.mmu()->stats().pageFaults == c.faults);
        CHECK(m.mmu()->stats().majorFaults == c.majors);
        CHECK(m.mmu()->stats().residentPages == c.frames);
        CHECK(m.mmu()->stats().residentPagesPeak == c.frames);
        CHECK(m.mmu()->stats().walks == 12);  // no TLB: every reference walks
        CHECK(m.mmu()->stats().pagesWrittenOut == 0);
    }
}

TEST_CASE("reference mmu: an evicted dirty page is written out and its dirty lines written back") {
    // 1 frame, L1 4 KiB write-back, walk_entry "memory" (PTE reads bypass L1: 4 memory reads per walk).
    cs::MmuConfig c = mmu(4 * KiB);
    c.walkEntry = "memory";
    ReferenceModel m(sim(c, {tlb("TLB", 4, 4, true)}, {l1(4 * KiB, 4)}));
    write(m, 0x0, 4);  // fault, walk (4 reads), L1 write miss: fetch (read 5), line 0 dirty
    CHECK(m.isDirty(0, 0x0));
    read(m, 0x1000);  // fault: evict page 0 from frame 0: dirty line 0 -> L1 write-back, memory write;
                      // page 0 was written: written out. Walk (reads 9); frame 0 again: L1 miss (10)
    CHECK(m.mmu()->stats().pagesWrittenOut == 1);
    CHECK(m.stats(0).writebacks == 1);
    CHECK(m.memory().writes == 1);
    CHECK(m.mmu()->physicalAddress(0x1000) == 0x0);
    CHECK_FALSE(m.mmu()->physicalAddress(0x0).has_value());
    read(m, 0x0);  // major fault: page 0's TLB entry left with the eviction, so the TLB misses;
                   // evicts page 1 (clean: nothing written); L1 line 0 clean, dropped; reads 15
    const cs::MmuStats& s = m.mmu()->stats();
    CHECK(s.pageFaults == 3);
    CHECK(s.majorFaults == 1);
    CHECK(s.pagesWrittenOut == 1);
    CHECK(m.mmu()->tlbs()[0].stats.misses() == 3);
    CHECK(m.stats(0).accesses() == 3);
    CHECK(m.stats(0).misses() == 3);
    CHECK(m.stats(0).evictions == 0);  // invalidated lines are not evictions
    CHECK(m.stats(0).writebacks == 1);
    CHECK(m.memory().reads == 15);
    CHECK(m.memory().writes == 1);
}

TEST_CASE("reference mmu: random frame allocation follows the free list and splitmix64") {
    // 4 frames, seed 1234567. Outputs 6457827717110365317 mod 4 = 1: frame 1, list [0, 3, 2];
    // 3203168211198807973 mod 3 = 1: frame 3, list [0, 2].
    cs::SimConfig s = sim(mmu(16 * KiB));
    s.mmu->frameAllocation = cs::FrameAllocation::Random;
    s.seed = 1234567;
    ReferenceModel m(s);
    read(m, 0x7000);
    read(m, 0x9000);
    CHECK(m.mmu()->physicalAddress(0x7000) == 0x1000);
    CHECK(m.mmu()->physicalAddress(0x9000) == 0x3000);
}

TEST_CASE("reference mmu: a walk cache of level 2 skips levels 0..2") {
    // Walk cache at level 2 (key va >> 21): two pages in the same 2 MiB region. The first walk misses
    // it (4 PTE reads) and fills it; the second page's walk hits and reads only the level-3 PTE.
    cs::MmuConfig c = mmu(1 * MiB);
    cs::WalkCacheConfig w;
    w.level = 2;
    w.entries = 4;
    w.associativity = 4;
    c.walkCaches.push_back(w);
    ReferenceModel m(sim(c));
    read(m, 0x1000);
    read(m, 0x2000);
    read(m, 0x200000);  // another 2 MiB region: miss, 4 reads
    const cs::MmuStats& s = m.mmu()->stats();
    CHECK(s.walks == 3);
    CHECK(s.walkCacheLookups == std::vector<std::uint64_t>{3});
    CHECK(s.walkCacheHits == std::vector<std::uint64_t>{1});
    CHECK(s.walkMemoryAccesses == 4 + 1 + 4);
    CHECK(m.mmu()->walkCaches()[0].stats.misses() == 2);
}
