// The locality picture's serving levels, checked on a hand-worked trace and against the
// hierarchy's own counters; its grid against a naive recomputation; the footprint scan; and
// virtual addresses behind an mmu.

#include "cachescope/analysis/locality.hpp"

#include <memory>
#include <sstream>
#include <vector>

#include <doctest/doctest.h>

#include <array>

#include "cachescope/config/config.hpp"
#include "cachescope/sim/hierarchy.hpp"
#include "cachescope/sim/run.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/reader.hpp"
#include "cachescope/trace/reader.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;
using testutil::R;
using testutil::W;

namespace {

constexpr std::uint32_t kL1 = 0, kL2 = 1, kMem = 2;  // tiers of the teaching config

/// One band [0, 4 KiB) of 64 rows: row = 64-byte line number.
std::vector<plot::AddressBand> lineRows() { return {{"low", 0, 0x1000, 0, 64}}; }

// configs/teaching.json: L1 1 KiB 2-way (8 sets, 64 B lines), L2 4 KiB 4-way (16 sets). Lines 0x000,
// 0x400, 0x800, 0xc00 share L1 set 0 and L2 set 0.
struct Step {
    Access access;
    std::uint32_t tier;
};
const std::vector<Step> kWorked = {
    {R(0x0000), kMem},     // cold
    {R(0x0400), kMem},     // cold; L1 set 0 = {0x000, 0x400}
    {R(0x0800), kMem},     // cold; L1 evicts 0x000 (LRU); L2 set 0 holds all three
    {R(0x0000), kL2},      // L1 miss, L2 hit; L1 evicts 0x400
    {R(0x0004), kL1},      // same line: L1 hit
    {R(0x003e, 4), kMem},  // crosses into line 0x040: 0x000 hits L1, 0x040 is cold -> deepest = memory
    {W(0x0800), kL1},      // L1 hit; 0x800 now dirty. L1 set 0 LRU order: 0x000 (older), 0x800
    {R(0x0400), kL2},      // L1 miss (evicts clean 0x000), L2 hit
    {R(0x0c00), kMem},     // L1 miss evicts dirty 0x800 (a write-back that hits L2), L2 miss -> memory
    {R(0x0800), kL2},      // L1 miss (evicts 0x400), L2 hit
};

/// A deterministic pseudo-random trace (64-bit LCG, Knuth's MMIX constants).
std::vector<Access> randomTrace(std::size_t n, std::uint64_t span, bool writes, std::uint64_t seed) {
    std::vector<Access> out;
    std::uint64_t x = seed;
    for (std::size_t i = 0; i < n; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const std::uint64_t address = ((x >> 20) % span) & ~std::uint64_t{3};  // aligned: never crosses a line
        const bool write = writes && ((x >> 60) & 3) == 0;
        out.push_back({address, 4, write ? AccessKind::Write : AccessKind::Read});
    }
    return out;
}

}  // namespace

TEST_CASE("locality serving level: hand-worked trace on the teaching config") {
    const SimConfig config = loadConfig("configs/teaching.json");
    Hierarchy h(config);
    LocalityObserver locality(h, lineRows(), {64, 64, 16});
    FanOutObserver fan;
    fan.add(&locality);
    h.setObserver(fan.collapsed());
    CHECK(locality.tierNames() == std::vector<std::string>{"L1", "L2", "memory"});
    for (std::size_t i = 0; i < kWorked.size(); ++i) {
        CAPTURE(i);
        h.access(kWorked[i].access);
        CHECK(locality.references() == i + 1);
        CHECK(locality.lastTier() == kWorked[i].tier);
    }
    CHECK(locality.referencesByTier() == std::vector<std::uint64_t>{2, 3, 5});
    // The write-back of step 9 reached L2 and hit there; it did not count as a reference.
    CHECK(h.caches()[1].stats().writebacks == 0);
    CHECK(h.caches()[0].stats().writebacks == 1);

    // The picture: one column per reference (64 columns, 10 used), row = line number.
    const plot::LocalityPicture p = locality.picture("worked");
    REQUIRE(p.columns == 10);
    REQUIRE(p.rows == 64);
    CHECK(p.referencesPerColumn == 1);
    auto cell = [&](std::uint32_t row, std::uint32_t column) { return p.cells[std::size_t{row} * p.columns + column]; };
    CHECK(cell(0, 0) == kMem + 1);
    CHECK(cell(16, 1) == kMem + 1);  // 0x400 is line 16
    CHECK(cell(0, 3) == kL2 + 1);
    CHECK(cell(0, 4) == kL1 + 1);
    CHECK(cell(0, 5) == kMem + 1);  // the line-crossing reference is plotted at its first byte
    CHECK(cell(1, 5) == 0);
    CHECK(cell(32, 6) == kL1 + 1);
    CHECK(cell(48, 8) == kMem + 1);
    std::size_t nonEmpty = 0;
    for (const std::uint8_t c : p.cells) nonEmpty += c != 0;
    CHECK(nonEmpty == 10);
}

TEST_CASE("locality serving level: counts per tier equal the hierarchy's own counters") {
    // Aligned 4-byte references never cross a line, so each is one piece and:
    //   served by L1 = L1 hits; served by L2 or memory = L1 misses;
    //   served by memory = memory reads (only demand misses at L2 fetch: a write-back that misses L2
    //   covers the whole line and allocates without reading memory);
    //   read-only: served by L2 = L2 hits (no write-backs reach L2).
    const SimConfig config = loadConfig("configs/teaching.json");
    for (const bool writes : {false, true}) {
        CAPTURE(writes);
        Hierarchy h(config);
        LocalityObserver locality(h, lineRows());
        h.setObserver(&locality);
        const std::vector<Access> trace = randomTrace(20000, 8192, writes, writes ? 7 : 3);
        h.access(trace);
        const CacheStats& l1 = h.caches()[0].stats();
        const CacheStats& l2 = h.caches()[1].stats();
        const std::vector<std::uint64_t>& by = locality.referencesByTier();
        CHECK(locality.references() == trace.size());
        CHECK(by[kL1] == l1.accesses() - l1.misses());
        CHECK(by[kL2] + by[kMem] == l1.misses());
        CHECK(by[kMem] == h.memory().reads);
        if (!writes) CHECK(by[kL2] == l2.accesses() - l2.misses());
        if (writes) CHECK(l1.writebacks > 0);  // the case is not vacuous
        // Half of the addresses (4 KiB..8 KiB) fall outside the one band: counted, not drawn.
        CHECK(locality.outside() > 0);
        CHECK(locality.outside() < trace.size());
    }
}

TEST_CASE("locality grid: time axis halves as the trace grows, the tier serving most wins (naive recomputation)") {
    const SimConfig config = loadConfig("configs/teaching.json");
    // First the tier of every reference, with a grid wide enough for one column each.
    const std::vector<Access> trace = randomTrace(1000, 4096, true, 11);
    std::vector<std::uint32_t> tiers;
    {
        Hierarchy h(config);
        LocalityObserver one(h, lineRows(), {2000, 64, 16});
        h.setObserver(&one);
        for (const Access& a : trace) {
            h.access(a);
            tiers.push_back(one.lastTier());
        }
    }
    // Then the same run on 7 columns: 1000 references need 1000/7 -> 256 references per column
    // (1, 2, 4, ..., 256 is the first power of two with 7 * 256 >= 1000), ceil(1000/256) = 4 columns.
    Hierarchy h(config);
    LocalityObserver small(h, lineRows(), {7, 64, 16});
    h.setObserver(&small);
    h.access(trace);
    const plot::LocalityPicture p = small.picture("small");
    CHECK(p.referencesPerColumn == 256);
    REQUIRE(p.columns == 4);
    // Naive: count each cell's references per tier, then take the tier with the most (ties: deeper).
    std::vector<std::array<std::uint32_t, 3>> counts(std::size_t{64} * 4, {0, 0, 0});
    for (std::size_t i = 0; i < trace.size(); ++i) ++counts[(trace[i].address / 64) * 4 + i / 256][tiers[i]];
    std::vector<std::uint8_t> naive(counts.size(), 0);
    std::size_t ties = 0;
    for (std::size_t k = 0; k < counts.size(); ++k) {
        std::uint32_t most = 0;
        for (std::uint8_t t = 0; t < 3; ++t)
            if (counts[k][t] > 0 && counts[k][t] >= most) {
                ties += counts[k][t] == most;
                most = counts[k][t];
                naive[k] = static_cast<std::uint8_t>(t + 1);
            }
    }
    CHECK(p.cells == naive);
    CHECK(ties > 0);  // the tie rule is exercised
}

TEST_CASE("locality footprint: named regions, unnamed ranges, gaps left out, rows shared") {
    TraceMetadata m;
    m.regions.push_back({"A", 0x10000, 0x4000, 4, {}, "", {}});
    m.regions.push_back({"B", 0x100000, 0x1000, 4, {}, "", {}});
    m.regions.push_back({"unused", 0x200000, 0x1000, 4, {}, "", {}});
    FootprintScanner scan(&m, {1000, 100, 16});
    std::vector<Access> block = {R(0x10000),   R(0x13ffc), R(0x100010),
                                 R(0x5000),       // outside: chunk 0x5000..0x6000
                                 R(0x6ffe, 4),    // crosses into the next chunk: 0x6000..0x8000
                                 R(0x13ffe, 4)};  // crosses out of A into 0x14000..0x15000
    scan.add(block);
    const std::vector<plot::AddressBand> bands = scan.bands();
    REQUIRE(bands.size() == 4);
    CHECK(bands[0].name == "");
    CHECK(bands[0].begin == 0x5000);
    CHECK(bands[0].end == 0x8000);
    CHECK(bands[1].name == "A");
    CHECK(bands[1].begin == 0x10000);
    CHECK(bands[1].end == 0x14000);
    CHECK(bands[2].name == "");
    CHECK(bands[2].begin == 0x14000);
    // The last unnamed band ends after the last line touched outside the regions: byte 0x14001 of
    // R(0x13ffe, 4) is in line 0x14000, so the band is 0x14000..0x14040 (not its 4 KiB chunk).
    CHECK(bands[2].end == 0x14040);
    CHECK(bands[3].name == "B");
    // Rows: 8 each (4 bands), the 68 others by size: 0x3000 : 0x4000 : 0x40 : 0x1000 of 0x8040
    // -> 25.45, 33.93, 0.13, 8.48 -> 25, 33, 0, 8 (66) + the two largest remainders (0.93 A,
    // 0.48 B) -> 25, 34, 0, 9; then at most one row per 64-byte line: band 2 has one line.
    CHECK(bands[0].rows == 8 + 25);
    CHECK(bands[1].rows == 8 + 34);
    CHECK(bands[2].rows == 1);
    CHECK(bands[3].rows == 8 + 9);
    CHECK(bands[0].firstRow == 0);
    CHECK(bands[1].firstRow == 33);
    CHECK(bands[3].firstRow + bands[3].rows == 93);
}

TEST_CASE("locality footprint: many scattered ranges merge into at most maxUnnamedBands") {
    FootprintScanner scan(nullptr, {1000, 500, 4});
    std::vector<Access> block;
    // Ranges at 1 MiB apart, except two pairs 8 KiB apart: those close first.
    for (std::uint64_t base : {0x100000ULL, 0x102000ULL, 0x300000ULL, 0x500000ULL, 0x502000ULL, 0x700000ULL})
        block.push_back(R(base));
    scan.add(block);
    const std::vector<plot::AddressBand> bands = scan.bands();
    REQUIRE(bands.size() == 4);
    CHECK(bands[0].begin == 0x100000);
    CHECK(bands[0].end == 0x103000);
    CHECK(bands[1].begin == 0x300000);
    CHECK(bands[2].begin == 0x500000);
    CHECK(bands[2].end == 0x503000);
    CHECK(bands[3].end == 0x700040);  // the last line touched, not the end of its 4 KiB chunk
}

TEST_CASE("locality with an mmu: references plotted at their virtual addresses, page-crossing ones once") {
    // teaching-paging: 4 KiB pages, frames taken in order from physical 0, so the physical
    // addresses (0x0000...) are far from the virtual ones (0x40000...). Walks read PTEs through L1.
    std::string text;
    std::size_t accesses = 0;
    for (std::uint64_t a = 0x40000; a < 0x43000; a += 40, ++accesses)
        text += "R 0x" + [&] {
            std::ostringstream os;
            os << std::hex << a;
            return os.str();
        }() + " 4\n";
    text += "R 0x40ffe 4\nW 0x41ffc 8\n";  // two page-crossing references
    accesses += 2;
    auto open = [&] { return openTrace(std::make_unique<std::istringstream>(text), "mmu.trace", TraceFormat::Text); };
    auto scan = open();
    const std::vector<plot::AddressBand> bands = scanBands(*scan);
    REQUIRE(bands.size() == 1);
    CHECK(bands[0].begin == 0x40000);
    CHECK(bands[0].end == 0x43000);

    Simulator sim(loadConfig("configs/teaching-paging.json"));
    LocalityObserver locality(sim.hierarchy(), bands);
    sim.hierarchy().setObserver(&locality);
    auto trace = open();
    TappedReader tapped(*trace, locality);
    runTrace(sim, tapped, {});
    CHECK(sim.hierarchy().references() == accesses + 2);  // the crossing ones reach the caches in two pieces
    CHECK(locality.references() == accesses);
    CHECK(locality.outside() == 0);  // physical addresses would all fall outside the band
    const plot::LocalityPicture p = locality.picture("mmu");
    std::uint64_t total = 0;
    for (const std::uint64_t n : p.tierReferences) total += n;
    CHECK(total == accesses);
}

TEST_CASE("locality rows: row = floor(offset * rows / size), as the axis ticks assume, the last row is used") {
    // One 4 KiB band of 500 rows (8.192 bytes per row). With the old ceil(4096/500) = 9 bytes per
    // row, 0x400 fell on row 113 (12 rows off its tick at row 125) and rows 456..499 stayed empty.
    const SimConfig config = loadConfig("configs/teaching.json");
    Hierarchy h(config);
    LocalityObserver locality(h, {{"", 0, 4096, 0, 500}}, {16, 500, 16});
    h.setObserver(&locality);
    h.access(Access{0x400, 4, AccessKind::Read});
    h.access(Access{0xffc, 4, AccessKind::Read});
    const plot::LocalityPicture p = locality.picture("rows");
    REQUIRE(p.rows == 500);
    REQUIRE(p.columns == 2);
    CHECK(p.cells[std::size_t{125} * 2 + 0] != 0);  // 1024 * 500 / 4096 = 125
    CHECK(p.cells[std::size_t{499} * 2 + 1] != 0);  // 4092 * 500 / 4096 = 499.5
}

TEST_CASE("locality footprint: a 1 KiB trace gets one row per line, not 500 hairlines") {
    // traces/sequential.trace reads 0x10000..0x103ff: 16 lines.
    const std::vector<plot::AddressBand> bands = scanBands(*openTrace("traces/sequential.trace"));
    REQUIRE(bands.size() == 1);
    CHECK(bands[0].begin == 0x10000);
    CHECK(bands[0].end == 0x10400);
    CHECK(bands[0].rows == 16);
}

TEST_CASE("locality footprint: two processes at the same virtual addresses get bands of their own") {
    // --mix: both processes name a region A at 0x10000; process 1 also touches 0x5000 outside it.
    TraceMetadata m0, m1;
    m0.regions.push_back({"A", 0x10000, 0x1000, 4, {}, "", {}});
    m1.regions.push_back({"A", 0x10000, 0x1000, 4, {}, "", {}});
    FootprintScanner scan(std::vector<const TraceMetadata*>{&m0, &m1}, {1000, 100, 16});
    std::vector<Access> block = {Access(0x10000, 4, AccessKind::Read, 0, 0), Access(0x10040, 4, AccessKind::Read, 0, 1),
                                 Access(0x5000, 4, AccessKind::Write, 0, 1)};
    scan.add(block);
    const std::vector<plot::AddressBand> bands = scan.bands();
    REQUIRE(bands.size() == 3);
    CHECK(bands[0].name == "p0 A");
    CHECK(bands[0].begin == 0x10000);
    CHECK(bands[1].name == "p1");  // process 1's addresses outside its regions
    CHECK(bands[1].begin == ((std::uint64_t{1} << 56) | 0x5000));
    CHECK(bands[2].name == "p1 A");
    CHECK(bands[2].begin == ((std::uint64_t{1} << 56) | 0x10000));
    CHECK(plotAddress(block[1]) == bands[2].begin + 0x40);

    // One process only (even if it is not process 0): names stay as they were.
    FootprintScanner one(std::vector<const TraceMetadata*>{nullptr, &m1}, {1000, 100, 16});
    one.add(std::span<const Access>(block.data() + 1, 1));
    const std::vector<plot::AddressBand> single = one.bands();
    REQUIRE(single.size() == 1);
    CHECK(single[0].name == "A");
}
