// Translation, hand-worked (docs/mmu.md). Each expected number is derived in the comment above it.

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "cachescope/core/error.hpp"
#include "cachescope/sim/simulator.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;
using namespace cachescope::testutil;

namespace {

constexpr std::uint64_t kPage = 4096;

SimConfig withMmu(std::vector<CacheConfig> caches, std::uint64_t frames, PageReplacementKind repl = PageReplacementKind::Fifo) {
    SimConfig s = simCfg(std::move(caches));
    s.addressing = Addressing::Physical;
    MmuConfig m;
    m.physicalMemory = frames * kPage;
    m.pageReplacement = repl;
    s.mmu = m;
    return s;
}

TlbConfig tlbCfg(std::string name, std::uint32_t entries, std::uint32_t ways, bool full = false) {
    TlbConfig t;
    t.name = std::move(name);
    t.entries = entries;
    t.associativity = ways;
    t.fullyAssociative = full;
    return t;
}

std::uint64_t tlbMisses(const Simulator& s, std::size_t t) { return s.mmu()->tlbs()[t].stats().misses(); }

}  // namespace

TEST_CASE("mmu: PTE addresses decompose the virtual address per level (x86-64, 4 x 9 bits)") {
    // Tables are allocated from physical_memory (here 1 MiB) upward: root at +0, then on the first
    // fault the level-1, level-2 and level-3 tables at +4096, +8192, +12288 (each 512 x 8 B).
    // va = 0x7f12_3456_789a: index_0 = va >> 39 & 511 = 254, index_1 = va >> 30 & 511 = 72,
    // index_2 = va >> 21 & 511 = 418, index_3 = va >> 12 & 511 = 0x567 & 0x1ff = 0x167 = 359.
    SimConfig c = withMmu({cacheCfg("L1", 4096, 64, 4)}, 256);
    Simulator s(c);
    const std::uint64_t va = 0x7f123456789aull;
    CHECK(((va >> 39) & 511) == 254);
    CHECK(((va >> 30) & 511) == 72);
    CHECK(((va >> 21) & 511) == 418);
    CHECK(((va >> 12) & 511) == 359);
    s.access(R(va));
    const std::uint64_t pm = 256 * kPage;
    const Mmu& m = *s.mmu();
    CHECK(m.pteAddress(va, 0) == pm + 254 * 8);
    CHECK(m.pteAddress(va, 1) == pm + 4096 + 72 * 8);
    CHECK(m.pteAddress(va, 2) == pm + 8192 + 418 * 8);
    CHECK(m.pteAddress(va, 3) == pm + 12288 + 359 * 8);
    CHECK(m.stats().pageTablePages == 4);
    CHECK(m.stats().walks == 1);
    CHECK(m.stats().walkMemoryAccesses == 4);
    CHECK(m.stats().pageFaults == 1);
    // The data access went to frame 0 (sequential allocation) at the same offset: line 0x89a >> 6.
    CHECK(s.hierarchy().caches()[0].contains(0x89a >> 6));
}

TEST_CASE("mmu: a two-level 32-bit layout (10 + 10 bits, 4-byte PTEs)") {
    // va = 0x1234_5678: index_0 = va >> 22 = 0x48, index_1 = va >> 12 & 1023 = 0x345.
    SimConfig c = withMmu({cacheCfg("L1", 4096, 64, 4)}, 16);
    c.mmu->bitsPerLevel = {10, 10};
    c.mmu->pteSize = 4;
    Simulator s(c);
    s.access(R(0x12345678));
    const std::uint64_t pm = 16 * kPage;
    CHECK(s.mmu()->pteAddress(0x12345678, 0) == pm + 0x48 * 4);
    CHECK(s.mmu()->pteAddress(0x12345678, 1) == pm + 4096 + 0x345 * 4);
    CHECK(s.mmu()->stats().walkMemoryAccesses == 2);
    CHECK_THROWS_AS(s.access(R(0x1'0000'0000ull)), Error);  // beyond 32 bits
}

TEST_CASE("mmu: walks equal last-level TLB misses, PTE reads are levels x walks") {
    SimConfig c = withMmu({cacheCfg("L1", 4096, 64, 4), cacheCfg("L2", 65536, 64, 8)}, 64, PageReplacementKind::Lru);
    c.tlbs = {tlbCfg("L1 TLB", 8, 2), tlbCfg("L2 TLB", 32, 4)};
    Simulator s(c);
    std::mt19937_64 rng(3);
    for (int i = 0; i < 20000; ++i)
        s.access(Access{(rng() % 96) * kPage + rng() % kPage, 4, rng() % 3 == 0 ? AccessKind::Write : AccessKind::Read});
    const MmuStats& st = s.mmu()->stats();
    CHECK(st.walks == tlbMisses(s, 1));
    CHECK(st.walks > 0);
    CHECK(tlbMisses(s, 1) <= tlbMisses(s, 0));
    CHECK(st.walkMemoryAccesses == 4 * st.walks);
    std::uint64_t served = 0;
    for (std::uint64_t n : st.pteServedBy) served += n;
    CHECK(served == st.walkMemoryAccesses);
    // 96 pages over 64 frames: faults beyond the first 64 touches are replacements.
    CHECK(st.pageFaults > 96);
    CHECK(st.majorFaults == st.pageFaults - 96);
    CHECK(st.residentPagesPeak == 64);
}

TEST_CASE("mmu: TLB reach, and 2 MiB pages remove the misses") {
    // A 16-entry fully associative LRU TLB; three passes touching one byte of each of K pages.
    // K = 16: the first pass misses 16 times, then everything hits. K = 17: LRU always evicts the
    // page needed next: 51 misses. Inside one 2 MiB huge page the 17 pages are one TLB entry: 1 miss.
    for (const std::uint64_t k : {16u, 17u}) {
        SimConfig c = withMmu({cacheCfg("L1", 4096, 64, 4)}, 64);
        c.tlbs = {tlbCfg("TLB", 16, 16, true)};
        Simulator s(c);
        for (int pass = 0; pass < 3; ++pass)
            for (std::uint64_t p = 0; p < k; ++p) s.access(R(0x40000000 + p * kPage));
        CHECK(tlbMisses(s, 0) == (k == 16 ? 16 : 51));
        CHECK(s.mmu()->stats().walks == tlbMisses(s, 0));

        c.mmu->hugePages = {HugePageRange{0x40000000, 2 * 1024 * 1024, 2 * 1024 * 1024}};
        Simulator huge(c);
        for (int pass = 0; pass < 3; ++pass)
            for (std::uint64_t p = 0; p < k; ++p) huge.access(R(0x40000000 + p * kPage));
        CHECK(tlbMisses(huge, 0) == 1);
        CHECK(huge.mmu()->stats().walkMemoryAccesses == 3);  // a 2 MiB leaf is at level 2
        CHECK(huge.mmu()->stats().pageFaults == 1);
    }
}

TEST_CASE("mmu: demand paging reproduces Belady's anomaly (FIFO, 3 vs 4 frames)") {
    const std::uint64_t refs[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    for (const std::uint64_t frames : {3u, 4u}) {
        Simulator s(withMmu({cacheCfg("L1", 4096, 64, 4)}, frames));
        for (std::uint64_t p : refs) s.access(R(p * kPage));
        CHECK(s.mmu()->stats().pageFaults == (frames == 3 ? 9 : 10));
    }
}

TEST_CASE("mmu: eviction unmaps the page, writes it out if dirty, and drops its cached lines") {
    // One frame. W A: fault, A dirty, its line dirty in L1. R B: fault evicts A: A written out, its
    // dirty line invalidated (an L1 write-back, a memory write). R A: a major fault evicting B (clean).
    Simulator s(withMmu({cacheCfg("L1", 4096, 64, 4)}, 1));
    s.access(W(0x10000));
    s.access(R(0x20000));
    const MmuStats& st = s.mmu()->stats();
    CHECK(st.pagesWrittenOut == 1);
    CHECK(s.hierarchy().caches()[0].stats().writebacks == 1);
    CHECK(s.hierarchy().memory().writes == 1);
    s.access(R(0x10000));
    CHECK(st.pageFaults == 3);
    CHECK(st.majorFaults == 1);
    CHECK(st.pagesWrittenOut == 1);
    CHECK(st.residentPagesPeak == 1);
    // Frame 0 was reused each time, so A's line came back at the same physical address.
    CHECK(s.hierarchy().caches()[0].contains(0));
}

TEST_CASE("mmu: frame allocation decides conflicts in a physically indexed cache, same seed, same frames") {
    // A direct-mapped 8 KiB cache: bit 12 of the physical address (the frame's parity) picks the
    // half. Two virtual pages used alternately at the same offset: in frames of different parity
    // they never conflict (sequential: frames 0 and 1); in frames of equal parity every access misses.
    // (A TLB keeps walks to the first two accesses, and PTE reads go straight to memory.)
    auto run = [](FrameAllocation alloc, std::uint64_t seed) {
        SimConfig c = withMmu({cacheCfg("L1", 8192, 64, 1)}, 64);
        c.tlbs = {tlbCfg("TLB", 4, 4, true)};
        c.mmu->walkEntry = "memory";
        c.mmu->frameAllocation = alloc;
        c.seed = seed;
        Simulator s(c);
        for (int i = 0; i < 100; ++i) {
            s.access(R(0x100000));
            s.access(R(0x200000));
        }
        return s;
    };
    CHECK(run(FrameAllocation::Sequential, 1).hierarchy().caches()[0].stats().misses() == 2);
    bool sawConflict = false;
    for (std::uint64_t seed = 1; seed <= 16; ++seed) {
        const Simulator a = run(FrameAllocation::Random, seed);
        const Simulator b = run(FrameAllocation::Random, seed);
        CHECK(a.sameState(b));
        const std::uint64_t misses = a.hierarchy().caches()[0].stats().misses();
        CHECK((misses == 2 || misses == 200));
        sawConflict = sawConflict || misses == 200;
    }
    CHECK(sawConflict);
}

TEST_CASE("mmu: references split at page boundaries, a copy is a snapshot") {
    SimConfig c = withMmu({cacheCfg("L1", 4096, 64, 4)}, 8);
    c.tlbs = {tlbCfg("TLB", 4, 4, true)};
    Simulator s(c);
    s.access(R(kPage - 2, 4));  // two pages: two translations, two faults
    CHECK(s.references() == 1);
    CHECK(s.mmu()->stats().pageFaults == 2);
    CHECK(s.mmu()->tlbs()[0].stats().accesses() == 2);
    const Simulator snapshot = s;
    s.access(W(5 * kPage));
    CHECK_FALSE(snapshot.sameState(s));
    Simulator replay = snapshot;
    replay.access(W(5 * kPage));
    CHECK(replay.sameState(s));
}

TEST_CASE("mmu: a run of TLB hits in one block leaves the LRU order of its pages' last references") {
    // One 2-entry, 2-way DTLB (one set) and 2 frames, both lru. Pages A, B, C (16, 32, 48).
    // Block 1: A B A B. A and B fault into frames 0 and 1 (2 DTLB misses); the second A and B hit
    // and the memo of first-TLB hits learns them. Block 2: A B A C B A. Its first three references
    // are one run of hits (Mmu::translateRun); their last references are B, then A, so B is least
    // recently used in the DTLB set and among the pages. C misses: page fault, B's frame 1 is the
    // victim (B leaves the DTLB too), C takes it and B's way. B misses: a major fault; between A
    // (last at reference 3) and C (4) the victim is A's frame 0. A misses: a major fault evicting C
    // (frame 1). Totals: 10 DTLB accesses, 5 misses; 5 page faults, 2 of them major; B in frame 0,
    // A in frame 1. (Touching the pages in the order of their first references, A then B, would
    // evict A for C instead: 4 misses, 4 faults.)
    SimConfig c = withMmu({cacheCfg("L1", 4096, 64, 4)}, 2, PageReplacementKind::Lru);
    c.tlbs = {tlbCfg("DTLB", 2, 2)};
    const std::uint64_t a = 16 * kPage + 8, b = 32 * kPage + 8, cc = 48 * kPage + 8;
    const std::vector<Access> block1 = {R(a), R(b), R(a), R(b)};
    const std::vector<Access> block2 = {R(a), R(b), R(a), R(cc), R(b), R(a)};
    Simulator s(c);
    REQUIRE(s.mmu()->runsHits());
    s.access(block1);
    CHECK(tlbMisses(s, 0) == 2);
    s.access(block2);
    const Mmu& m = *s.mmu();
    CHECK(m.tlbs()[0].stats().accesses() == 10);
    CHECK(tlbMisses(s, 0) == 5);
    CHECK(m.stats().pageFaults == 5);
    CHECK(m.stats().majorFaults == 2);
    CHECK(m.physicalAddress(b) == 0 * kPage + 8);
    CHECK(m.physicalAddress(a) == 1 * kPage + 8);
    CHECK_FALSE(m.physicalAddress(cc).has_value());
    // The same references one at a time (no run is longer than one reference): the same state.
    Simulator one(c);
    for (const auto* block : {&block1, &block2})
        for (const Access& x : *block) one.access(x);
    CHECK(one.sameState(s));
}

TEST_CASE("mmu: a column walk over as many pages as the DTLB holds, then a TLB eviction inside a run") {
    // A 64-entry 4-way DTLB (16 sets, set = page number mod 16), lru, and enough frames: pages 0-63
    // (consecutive numbers: 4 per set, exactly the TLB) are each read 4 times a pass, 1 KiB apart
    // (a matmul's column of B), 10 passes, in one block. Only first touches miss: 64 misses
    // and 64 faults in 64 * 4 * 10 = 2,560 DTLB accesses. Then page 64 (set 0) evicts set 0's least
    // recently used page, page 0 (its last reference came before those of 16, 32, 48), and page 0
    // read again misses (66 misses), evicting page 16, while page 32 still hits: a remembered hit
    // on page 0 must not survive its TLB way being refilled. Pages fault into frames 0, 1, ... in
    // order, so page p is at frame p and page 64 at frame 64.
    SimConfig c = withMmu({cacheCfg("L1", 4096, 64, 4)}, 1024, PageReplacementKind::Lru);
    c.tlbs = {tlbCfg("DTLB", 64, 4)};
    c.tlbs[0].replacement = "lru";
    std::vector<Access> trace;
    for (int pass = 0; pass < 10; ++pass)
        for (std::uint64_t page = 0; page < 64; ++page)
            for (std::uint64_t row = 0; row < 4; ++row) trace.push_back(R(page * kPage + row * 1024 + 8));
    for (const std::uint64_t page : {std::uint64_t{64}, std::uint64_t{0}, std::uint64_t{32}, std::uint64_t{32}})
        for (std::uint64_t row = 0; row < 4; ++row) trace.push_back(R(page * kPage + row * 1024 + 8));
    Simulator s(c), one(c);
    REQUIRE(s.mmu()->runsHits());
    s.access(std::span<const Access>(trace.data(), 2560));
    const Mmu& m = *s.mmu();
    CHECK(m.tlbs()[0].stats().accesses() == 2560);
    CHECK(tlbMisses(s, 0) == 64);
    CHECK(m.stats().pageFaults == 64);
    s.access(std::span<const Access>(trace.data() + 2560, trace.size() - 2560));
    CHECK(m.tlbs()[0].stats().accesses() == 2560 + 16);
    CHECK(tlbMisses(s, 0) == 66);
    CHECK(m.stats().pageFaults == 65);
    CHECK(m.physicalAddress(64 * kPage + 8) == 64 * kPage + 8);
    CHECK(m.physicalAddress(0 * kPage + 8) == 0 * kPage + 8);
    // Set 0 holds pages 0, 32, 48 and 64; page 16 left it.
    std::vector<std::uint64_t> set0;
    for (const TlbEntryView& e : m.tlbEntries(0))
        if (e.set == 0 && e.valid) set0.push_back(e.virtualPageNumber);
    std::sort(set0.begin(), set0.end());
    CHECK(set0 == std::vector<std::uint64_t>{0, 32, 48, 64});
    // The same references one at a time: the same state.
    for (const Access& x : trace) one.access(x);
    CHECK(one.sameState(s));
    CHECK(one.mmu()->tlbEntries(0) == m.tlbEntries(0));
}

namespace {
/// PTE reads served by memory, invalidations ignored: enough for the Mmu alone.
struct MemoryOnly final : PhysicalMemoryPort {
    std::uint32_t readThrough(std::uint32_t, const Access&) override { return Topology::kMemory; }
    void invalidateRange(std::uint64_t, std::uint64_t) override {}
};
}  // namespace

TEST_CASE("mmu: a page translate() put in the first TLB is in the next run at once") {
    // A 4-entry 4-way DTLB, lru, 8 frames. translate(page 5) misses the DTLB: page fault, walk,
    // fill. The memo of first-TLB hits learns the page at that fill, so a block of three
    // references to page 5 is one run of translateRun (3, not 0: before, the first of them left the
    // run to be looked up in the DTLB). Physical addresses: page 5 faulted into frame 0, so
    // 5 * 4096 + x maps to x. DTLB: 1 + 3 accesses, 1 miss.
    SimConfig c = withMmu({cacheCfg("L1", 4096, 64, 4)}, 8, PageReplacementKind::Lru);
    c.tlbs = {tlbCfg("DTLB", 4, 4)};
    c.tlbs[0].replacement = "lru";
    Mmu m(c);
    REQUIRE(m.runsHits());
    MemoryOnly port;
    CHECK(m.translate(5 * kPage + 16, AccessKind::Read, port) == 16);
    const std::vector<Access> block = {R(5 * kPage + 24), W(5 * kPage + 100), R(5 * kPage + 4000, 8)};
    std::vector<Access> out(block.size());
    CHECK(m.translateRun(block, out.data()) == 3);
    CHECK(out[0].address == 24);
    CHECK(out[1].address == 100);
    CHECK((out[1].kind == AccessKind::Write));
    CHECK(out[2].address == 4000);
    CHECK(out[2].size == 8);
    CHECK(m.tlbs()[0].stats().accesses() == 4);
    CHECK(m.tlbs()[0].stats().misses() == 1);
    REQUIRE(m.residentPages().size() == 1);
    CHECK(m.residentPages()[0].dirty);  // the write in the run
    // A reference crossing into page 6 ends the run before it.
    const std::vector<Access> crossing = {R(5 * kPage + 8), R(6 * kPage - 4, 8)};
    CHECK(m.translateRun(crossing, out.data()) == 1);
}

TEST_CASE("mmu: runs of TLB hits count reads, writes and fetches on their own side and set dirty bits") {
    // Split first TLBs (ITLB, DTLB), 4 frames, lru. Block 1 faults the three pages in and lets the
    // memo learn them: the fetch of page 1 on the ITLB, the read of page 2 and the write of page 3
    // on the DTLB. Block 2 (one run: every page known) reads page 2 four times, writes page 2
    // once, writes page 3 twice and fetches page 1 three times: the DTLB counts 4 + 1 + 2 more
    // accesses (block 1 gave it 2 reads and 2 writes: 6 reads and 5 writes in all), the ITLB 3 more
    // fetches (5 in all), no new misses; pages 2 and 3 are dirty, page 1 is not.
    SimConfig c = withMmu({cacheCfg("L1", 4096, 64, 4)}, 4, PageReplacementKind::Lru);
    TlbConfig itlb = tlbCfg("ITLB", 4, 4), dtlb = tlbCfg("DTLB", 4, 4);
    itlb.holds = Holds::Instructions;
    dtlb.holds = Holds::Data;
    c.tlbs = {itlb, dtlb};
    auto fetch = [](std::uint64_t address) { return Access{address, 4, AccessKind::Fetch}; };
    const std::uint64_t p1 = 1 * kPage, p2 = 2 * kPage, p3 = 3 * kPage;
    Simulator s(c);
    REQUIRE(s.mmu()->runsHits());
    s.access(std::vector<Access>{fetch(p1), R(p2), W(p3), fetch(p1 + 4), R(p2 + 4), W(p3 + 4)});
    s.access(std::vector<Access>{R(p2), fetch(p1), R(p2 + 64), W(p3), R(p2 + 8), fetch(p1 + 8), W(p2), R(p2),
                                 W(p3 + 100), fetch(p1)});
    const Mmu& m = *s.mmu();
    const CacheStats& is = m.tlbs()[0].stats();
    const CacheStats& ds = m.tlbs()[1].stats();
    CHECK(is.accessesByKind[kindIndex(AccessKind::Fetch)] == 2 + 3);
    CHECK(is.accesses() == 5);
    CHECK(ds.accessesByKind[kindIndex(AccessKind::Read)] == 2 + 4);
    CHECK(ds.accessesByKind[kindIndex(AccessKind::Write)] == 2 + 3);
    CHECK(ds.accesses() == 11);
    CHECK(is.misses() == 1);
    CHECK(ds.misses() == 2);
    const std::vector<ResidentPageView> pages = m.residentPages();
    REQUIRE(pages.size() == 3);
    for (const ResidentPageView& p : pages) CHECK(p.dirty == (p.virtualPageNumber != 1));
}

TEST_CASE("simulator: without an mmu it is the hierarchy alone") {
    const SimConfig c = simCfg({cacheCfg("L1", 4096, 64, 4)});
    Simulator s(c);
    Hierarchy h(c);
    for (std::uint64_t a = 0; a < 40000; a += 36) {
        s.access(R(a));
        h.access(R(a));
    }
    CHECK(s.mmu() == nullptr);
    CHECK(s.hierarchy().sameState(h));
    CHECK(s.totalCycles() == totalCycles(h));
}

TEST_CASE("mmu: OPT page replacement in a simulation, with the future planned in a first pass") {
    // Belady's string through real accesses: OPT takes 7 faults with 3 frames and 6 with 4 (the
    // counts worked by hand in tests/mmu/page_replacement_test.cpp).
    const std::uint64_t refs[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
    std::vector<Access> trace;
    for (std::uint64_t p : refs) trace.push_back(R(p * kPage + 8, 16));
    for (const std::uint64_t frames : {3u, 4u}) {
        Simulator s(withMmu({cacheCfg("L1", 4096, 64, 4)}, frames, PageReplacementKind::Opt));
        REQUIRE(s.needsFuture());
        std::vector<std::uint64_t> keys;
        s.planPages(trace, keys);
        CHECK(keys.size() == trace.size());
        s.setFuture(keys);
        s.access(trace);
        CHECK(s.mmu()->stats().pageFaults == (frames == 3 ? 7 : 6));
    }
}

TEST_CASE("mmu: OPT in a simulation equals countPageFaults on random page strings") {
    std::mt19937_64 rng(17);
    for (int round = 0; round < 20; ++round) {
        const auto frames = static_cast<std::uint32_t>(1 + rng() % 6);
        std::vector<std::uint64_t> pages;
        std::vector<Access> trace;
        for (int i = 0; i < 300; ++i) {
            const std::uint64_t page = rng() % 12;
            pages.push_back(page);
            // Some references straddle into the next page: the plan must split them as the run does.
            const bool straddle = rng() % 8 == 0;
            trace.push_back(straddle ? R((page + 1) * kPage - 2, 4) : R(page * kPage + rng() % 4000, 4));
            if (straddle) pages.push_back(page + 1);
        }
        Simulator s(withMmu({cacheCfg("L1", 4096, 64, 4)}, frames, PageReplacementKind::Opt));
        std::vector<std::uint64_t> keys;
        s.planPages(trace, keys);
        CHECK(keys.size() == pages.size());
        s.setFuture(keys);
        s.access(trace);
        CHECK(s.mmu()->stats().pageFaults == countPageFaults(PageReplacementKind::Opt, frames, pages));
    }
}
