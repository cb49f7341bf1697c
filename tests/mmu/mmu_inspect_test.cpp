// MMU inspection as values (mmu.hpp "inspection"): TLB entries, resident pages, frames, page-table
// pages per level, the clock hand and reference bits, the next victim. Every expected value is
// worked out by hand in the comment above it.

#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "cachescope/mmu/page_replacement.hpp"
#include "cachescope/sim/simulator.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;
using namespace cachescope::testutil;

namespace {

constexpr std::uint64_t kPage = 4096;

SimConfig withMmu(std::uint64_t frames, PageReplacementKind repl) {
    SimConfig s = simCfg({cacheCfg("L1", 4096, 64, 4)});
    s.addressing = Addressing::Physical;
    MmuConfig m;
    m.physicalMemory = frames * kPage;
    m.pageReplacement = repl;
    s.mmu = m;
    return s;
}

TlbConfig tlb(std::uint32_t entries, std::uint32_t ways) {
    TlbConfig t;
    t.name = "TLB";
    t.entries = entries;
    t.associativity = ways;
    return t;
}

}  // namespace

TEST_CASE("mmu inspect: a TLB entry after one access, then a second page in the same set") {
    // A 4-entry 2-way TLB has 2 sets; the set is the page number's low bit. va 0x12345678:
    // page number 0x12345 (odd: set 1), the first fault takes frame 0 (sequential), filled into the
    // lowest invalid way, 0. Then va 0x12347000: page 0x12347, set 1 again, frame 1, way 1.
    SimConfig c = withMmu(16, PageReplacementKind::Lru);
    c.tlbs = {tlb(4, 2)};
    Simulator s(c);
    s.access(R(0x12345678));
    std::vector<TlbEntryView> e = s.mmu()->tlbEntries(0);
    REQUIRE(e.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(e[i].set == i / 2);
        CHECK(e[i].way == i % 2);
        CHECK(e[i].valid == (i == 2));
    }
    CHECK(e[2].virtualPageNumber == 0x12345);
    CHECK(e[2].pageSize == 4096);
    CHECK_FALSE(e[2].huge);
    CHECK(e[2].frame == 0u);
    CHECK(e[2].physicalBase == 0);
    s.access(W(0x12347000));
    e = s.mmu()->tlbEntries(0);
    CHECK(e[3].valid);
    CHECK(e[3].virtualPageNumber == 0x12347);
    CHECK(e[3].frame == 1u);
    CHECK(e[3].physicalBase == 4096);
    CHECK_FALSE(e[0].valid);
    CHECK_FALSE(e[1].valid);
}

TEST_CASE("mmu inspect: a huge page's TLB entry and resident page") {
    // A 2 MiB huge page range at 0x4000_0000 (docs/mmu.md: huge pages are placed from 2^52 upward,
    // aligned to their size). va 0x4012_3456: huge page number 0x40123456 >> 21 = 0x200.
    SimConfig c = withMmu(16, PageReplacementKind::Fifo);
    c.tlbs = {tlb(4, 4)};
    c.mmu->hugePages = {HugePageRange{0x40000000, 4 << 20, 2 << 20}};
    Simulator s(c);
    s.access(R(0x40123456));
    const auto e = s.mmu()->tlbEntries(0);
    CHECK(e[0].valid);
    CHECK(e[0].huge);
    CHECK(e[0].virtualPageNumber == 0x200);
    CHECK(e[0].pageSize == 2 << 20);
    CHECK_FALSE(e[0].frame.has_value());
    CHECK(e[0].physicalBase == std::uint64_t{1} << 52);
    const auto pages = s.mmu()->residentPages();
    REQUIRE(pages.size() == 1);
    CHECK(pages[0].huge);
    CHECK(pages[0].virtualPageNumber == 0x200);
    CHECK(pages[0].physicalBase == std::uint64_t{1} << 52);
    CHECK(s.mmu()->framesInUse() == 0);  // huge pages are pinned outside the pageable frames
}

TEST_CASE("mmu inspect: resident pages, frames and the next victim after an eviction (FIFO, 2 frames)") {
    // W A (page 1): frame 0, dirty. R B (page 2): frame 1. R C (page 3): memory is full, FIFO
    // evicts A (loaded first) from frame 0, written out as dirty; C takes frame 0, clean. W B: B dirty.
    // Resident by frame: [C clean, B dirty]; the next FIFO victim is frame 1 (B, now loaded longest ago).
    Simulator s(withMmu(2, PageReplacementKind::Fifo));
    const Mmu& m = *s.mmu();
    s.access(W(1 * kPage));
    CHECK(m.frames() == 2);
    CHECK(m.framesInUse() == 1);
    CHECK(m.frameFree(1));
    CHECK_FALSE(m.nextVictimFrame().has_value());  // a frame is still free
    s.access(R(2 * kPage));
    s.access(R(3 * kPage));
    s.access(W(2 * kPage + 8));
    const auto pages = m.residentPages();
    REQUIRE(pages.size() == 2);
    CHECK(pages[0].virtualPageNumber == 3);
    CHECK(pages[0].frame == 0u);
    CHECK(pages[0].physicalBase == 0);
    CHECK_FALSE(pages[0].dirty);
    CHECK(pages[1].virtualPageNumber == 2);
    CHECK(pages[1].frame == 1u);
    CHECK(pages[1].physicalBase == kPage);
    CHECK(pages[1].dirty);
    for (const auto& p : pages) {
        CHECK(p.pageSize == kPage);
        CHECK_FALSE(p.referenced.has_value());  // FIFO keeps no reference bit
        CHECK(p.owner == 0);
    }
    CHECK(m.stats().pagesWrittenOut == 1);
    CHECK(m.freeFrames() == 0);
    CHECK_FALSE(m.frameFree(0));
    CHECK(m.nextVictimFrame() == 1u);
    CHECK_FALSE(m.clockHand().has_value());
    // x86-64's 4 levels: pages 1-3 share one table at every level.
    CHECK(m.pageTablePagesPerLevel() == std::vector<std::uint64_t>{1, 1, 1, 1});
}

TEST_CASE("mmu inspect: the clock hand and reference bits after 7 0 1 2 0 3 0 4 2 3 0 3 2 (3 frames)") {
    // The textbook string (Silberschatz) through the MMU with clock; '*' = reference bit set, h = hand.
    //  7 F [7* -  - ] h0      0 F [7* 0* - ] h0      1 F [7* 0* 1*] h0
    //  2 F sweep clears f0 f1 f2, evicts f0 (7)        [2* 0  1 ] h1
    //  0 hit [2* 0* 1 ] h1
    //  3 F clears f1, f2 clear: evicts 1               [2* 0  3*] h0
    //  0 hit [2* 0* 3*] h0
    //  4 F clears f0 f1 f2, evicts f0 (2)              [4* 0  3 ] h1
    //  2 F f1 clear: evicts 0                          [4* 2* 3 ] h2
    //  3 hit [4* 2* 3*] h2
    //  0 F clears f2 f0 f1, evicts f2 (3)              [4  2  0*] h0
    //  3 F f0 clear: evicts 4                          [3* 2  0*] h1
    //  2 hit [3* 2* 0*] h1
    // Faults: 7 0 1 2 3 4 2 0 3 = 9. Every bit is set, so the next sweep clears all three and
    // comes back to the hand: the next victim is frame 1 (page 2).
    Simulator s(withMmu(3, PageReplacementKind::Clock));
    for (const std::uint64_t p : {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2}) s.access(R(p * kPage));
    const Mmu& m = *s.mmu();
    CHECK(m.stats().pageFaults == 9);
    CHECK(m.clockHand() == 1u);
    const auto pages = m.residentPages();
    REQUIRE(pages.size() == 3);
    const std::uint64_t pageInFrame[] = {3, 2, 0};
    for (std::uint32_t f = 0; f < 3; ++f) {
        CHECK(pages[f].frame == f);
        CHECK(pages[f].virtualPageNumber == pageInFrame[f]);
        CHECK(pages[f].referenced == true);
    }
    CHECK(m.nextVictimFrame() == 1u);
    // One more fault (page 5) takes exactly that frame, and the hand moves past it:
    // [3 5* 0] h2, bits of f0 and f2 cleared by the sweep.
    s.access(R(5 * kPage));
    const auto after = m.residentPages();
    CHECK(after[1].virtualPageNumber == 5);
    CHECK(after[0].referenced == false);
    CHECK(after[1].referenced == true);
    CHECK(after[2].referenced == false);
    CHECK(m.clockHand() == 2u);
    CHECK(m.nextVictimFrame() == 2u);  // f2's bit is clear: the hand's frame goes
}

TEST_CASE("page replacement: peekVictim() is victim() without side effects, for every policy") {
    // Random demand paging (as driveAgainstModel in page_replacement_test.cpp, also freeing random
    // frames): before every victim() call, peekVictim() twice (it must not change anything) and
    // then victim() must agree.
    std::mt19937_64 rng(11);
    for (const auto kind : {PageReplacementKind::Fifo, PageReplacementKind::Lru, PageReplacementKind::Clock,
                            PageReplacementKind::Opt}) {
        for (const std::uint32_t frames : {1u, 3u, 7u}) {
            auto r = makePageReplacer(kind, frames);
            std::vector<std::int64_t> pageOf(frames, -1);
            std::uint64_t checked = 0;
            for (int i = 0; i < 3000; ++i) {
                const auto page = static_cast<std::int64_t>(rng() % (frames + 4));
                const std::uint64_t next = rng() % 5000;
                if (rng() % 16 == 0) {
                    const auto f = static_cast<std::uint32_t>(rng() % frames);
                    if (pageOf[f] >= 0) {
                        r->onFree(f);
                        pageOf[f] = -1;
                    }
                }
                std::uint32_t f = 0;
                while (f < frames && pageOf[f] != page) ++f;
                if (f == frames) {
                    f = 0;
                    while (f < frames && pageOf[f] != -1) ++f;
                    if (f == frames) {
                        const std::uint32_t peeked = r->peekVictim();
                        CHECK(r->peekVictim() == peeked);
                        f = r->victim();
                        REQUIRE(f == peeked);
                        r->onFree(f);
                        ++checked;
                    }
                    pageOf[f] = page;
                    r->onLoad(f, next);
                }
                r->onAccess(f, next);
            }
            CHECK(checked > 100);
        }
    }
}

TEST_CASE("page replacement: the eviction order of fifo, lru and opt, clock has none") {
    // Frames 0..3 loaded in the order 2, 0, 3, 1 with next uses 2:50, 0:10, 3:kNever, 1:50; then
    // frame 2 accessed (next use 70).
    //   fifo: by load                      2 0 3 1
    //   lru:  by last access (2 moves last) 0 3 1 2
    //   opt:  farthest next use first: 3 (never), 2 (70), 1 (50), 0 (10)
    const std::uint32_t loadOrder[] = {2, 0, 3, 1};
    const std::uint64_t nextUse[] = {10, 50, 50, PageReplacer::kNever};
    const std::vector<std::pair<PageReplacementKind, std::vector<std::uint32_t>>> cases = {
        {PageReplacementKind::Fifo, {2, 0, 3, 1}},
        {PageReplacementKind::Lru, {0, 3, 1, 2}},
        {PageReplacementKind::Opt, {3, 2, 1, 0}},
        {PageReplacementKind::Clock, {}},
    };
    for (const auto& [kind, expected] : cases) {
        auto r = makePageReplacer(kind, 4);
        for (const std::uint32_t f : loadOrder) r->onLoad(f, nextUse[f]);
        r->onAccess(2, 70);
        CHECK(r->evictionOrder() == expected);
        if (!expected.empty()) CHECK(r->peekVictim() == expected.front());
    }
}
