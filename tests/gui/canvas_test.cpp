// The canvases the grids, the tensor view and the heat-map are drawn into (gui/model/canvas.hpp),
// the layout of wide sets (cache_view.hpp: layoutWays) and the heat-map's pictures
// (heatmap.hpp: paintHeatMap, paintLineCounts, countsUpTo), checked pixel by pixel and against
// hand-worked numbers or a naive enumeration.

#include <doctest/doctest.h>

#include "cachescope/config/config.hpp"
#include "gui_test_util.hpp"
#include "model/cache_view.hpp"
#include "model/canvas.hpp"
#include "model/heatmap.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

namespace {
constexpr Rgb kBg{10, 20, 30}, kRed{200, 0, 0}, kWhite{255, 255, 255};

int countOf(const Canvas& c, Rgb colour) {
    int n = 0;
    for (int y = 0; y < c.height(); ++y)
        for (int x = 0; x < c.width(); ++x) n += c.at(x, y) == colour ? 1 : 0;
    return n;
}
}  // namespace

TEST_CASE("canvas: rectangles are clipped to the canvas, frames are hollow") {
    Canvas c(10, 8, kBg);
    CHECK(c.width() == 10);
    CHECK(c.height() == 8);
    CHECK(countOf(c, kBg) == 80);
    c.fillRect({8, 6, 5, 5}, kRed);  // only 2×2 of it is inside
    CHECK(countOf(c, kRed) == 4);
    CHECK(c.at(9, 7) == kRed);
    CHECK(c.at(7, 7) == kBg);
    c.fillRect({-3, -3, 4, 4}, kRed);  // 1×1 inside
    CHECK(c.at(0, 0) == kRed);
    CHECK(countOf(c, kRed) == 5);

    c.clear(kBg);
    c.strokeRect({1, 1, 6, 5}, 2, kWhite);  // 30 pixels minus the 2×1 hole
    CHECK(countOf(c, kWhite) == 30 - 2);
    CHECK(c.at(3, 3) == kBg);
    CHECK(c.at(4, 3) == kBg);
    CHECK(c.at(1, 1) == kWhite);
    CHECK(c.at(6, 5) == kWhite);
    CHECK(c.at(7, 6) == kBg);
    // Every byte of alpha is opaque.
    for (int i = 0; i < c.width() * c.height(); ++i) CHECK(c.rgba()[i * 4 + 3] == 255);
}

TEST_CASE("canvas: a coverage mask blends its colour, rounded, and respects the clip") {
    Canvas c(4, 2, {0, 0, 0});
    // A 3×2 mask: 0, 128, 255 / 255, 255, 64 (stride 3).
    const std::uint8_t mask[] = {0, 128, 255, 255, 255, 64};
    c.blendMask(mask, 3, 1, 3, 2, 1, 0, {200, 100, 0}, {0, 0, 3, 2});  // the clip cuts column 3
    CHECK(c.at(0, 0) == Rgb{0, 0, 0});
    CHECK(c.at(1, 0) == Rgb{0, 0, 0});                  // coverage 0
    CHECK(c.at(2, 0) == Rgb{100, 50, 0});               // 200·128/255 = 100.4, 100·128/255 = 50.2
    CHECK(c.at(3, 0) == Rgb{0, 0, 0});                  // clipped away
    CHECK(c.at(1, 1) == Rgb{200, 100, 0});
    CHECK(c.at(2, 1) == Rgb{200, 100, 0});
    // RGBA source: the alpha byte is the coverage (srcStep 4).
    Canvas d(1, 1, {255, 255, 255});
    const std::uint8_t rgba[] = {255, 255, 255, 51};
    d.blendMask(rgba + 3, 4, 4, 1, 1, 0, 0, {0, 0, 0}, {0, 0, 1, 1});
    CHECK(d.at(0, 0) == Rgb{204, 204, 204});  // 255·(255−51)/255
}

TEST_CASE("wide sets: ways wrapped into rows, then a window of rows around the focus way") {
    // Fits in one row: nothing changes.
    WayLayout l = layoutWays(4, 10, 3, 2);
    CHECK(l.perRow == 4);
    CHECK(l.rowsPerSet == 1);
    CHECK(l.firstWay == 0);
    CHECK(l.shownWays == 4);
    CHECK_FALSE(l.wrapped());
    // 100 ways, 30 a row: 4 rows, all shown.
    l = layoutWays(100, 30, 10, 99);
    CHECK(l.rowsPerSet == 4);
    CHECK(l.shownWays == 100);
    CHECK(l.rowOf(99) == 3);
    CHECK(l.columnOf(99) == 9);
    // 2048 ways (a 128 KiB fully associative cache of 64 B lines), 19 a row, 30 rows: 108 rows in
    // all; way 1000 is in row 52, so rows 37..66 = ways 703..1272 are shown.
    l = layoutWays(2048, 19, 30, 1000);
    CHECK(l.rowsPerSet == 30);
    CHECK(l.firstWay == 703);
    CHECK(l.shownWays == 570);
    CHECK(l.windowed(2048));
    // The last ways: the window ends with the last row (a partial one).
    l = layoutWays(100, 10, 3, 99);
    CHECK(l.firstWay == 70);
    CHECK(l.shownWays == 30);
    l = layoutWays(101, 10, 3, 100);
    CHECK(l.firstWay == 80);
    CHECK(l.shownWays == 21);
}

TEST_CASE("wide sets: every layout shows the focus way, in whole rows, within the rows allowed") {
    // A naive enumeration of the window's rules over small sizes.
    for (std::uint32_t ways = 1; ways <= 70; ++ways)
        for (std::uint32_t fit = 1; fit <= 12; ++fit)
            for (std::uint32_t maxRows = 1; maxRows <= 5; ++maxRows)
                for (std::uint32_t focus = 0; focus < ways; ++focus) {
                    const WayLayout l = layoutWays(ways, fit, maxRows, focus);
                    const std::uint32_t perRow = std::min(fit, ways);
                    const std::uint32_t rows = (ways + perRow - 1) / perRow;
                    REQUIRE(l.perRow == perRow);
                    REQUIRE(l.rowsPerSet == std::min(rows, maxRows));
                    REQUIRE(l.firstWay % perRow == 0);
                    REQUIRE(focus >= l.firstWay);
                    REQUIRE(focus < l.firstWay + l.shownWays);
                    REQUIRE(l.shownWays <= l.rowsPerSet * perRow);
                    REQUIRE(l.firstWay + l.shownWays <= ways);
                    // As many ways as the rows allow: a full window, or everything up to the end.
                    REQUIRE((l.shownWays == l.rowsPerSet * perRow || l.firstWay + l.shownWays == ways));
                    if (rows <= maxRows) REQUIRE(l.shownWays == ways);
                }
}

TEST_CASE("wide sets: a 1024-way fully associative L1 fills ways in order, and the grid names the way") {
    // The teaching L1 made 64 KiB and fully associative (1024 ways of 64 B). A cold cache fills
    // its lowest empty way, so the k-th miss fills way k - 1. thrash-one-set cycles 0x0, 0x200,
    // 0x400: three misses, then hits in ways 0, 1, 2.
    SimConfig config = loadConfig(sourcePath("configs/teaching.json"));
    config.caches[0].size = 64 * 1024;
    config.caches[0].fullyAssociative = true;
    Player p(openScene(config, teachingOn("traces/thrash-one-set.trace").source));
    p.step(3);
    const Cache& l1 = p.session().simulator().hierarchy().caches()[0];
    CacheGrid g = buildCacheGrid(l1, 0, &*p.last(), 4);
    CHECK(g.sets == 1);
    CHECK(g.ways == 1024);
    REQUIRE(g.currentWay);
    CHECK(*g.currentWay == 2);
    CHECK_FALSE(g.currentHit);
    CHECK(g.cell(0, 2).filled);
    CHECK(g.cell(0, 3).nextVictim);  // the lowest empty way
    p.step();                        // 0x0 again: a hit in way 0
    g = buildCacheGrid(l1, 0, &*p.last(), 4);
    REQUIRE(g.currentWay);
    CHECK(*g.currentWay == 0);
    CHECK(g.currentHit);
    const WayLayout l = layoutWays(g.ways, 16, 8, *g.currentWay);
    CHECK(l.firstWay == 0);
    CHECK(l.shownWays == 128);
}

TEST_CASE("heat-map pictures: one pixel per bin, address upward, only the bins simulated so far") {
    // 8 references over [0x1000, 0x1100) in 2 time bins × 2 address bins (as in heatmap_test):
    // counts (t0: a0 2, a1 1), (t1: a0 1, a1 2).
    const std::vector<Access> a{{0x1000, 4, AccessKind::Read, 0}, {0x1004, 4, AccessKind::Read, 0},
                                {0x10F0, 4, AccessKind::Read, 0}, {0x0800, 4, AccessKind::Read, 0},
                                {0x1080, 4, AccessKind::Write, 0}, {0x1081, 4, AccessKind::Read, 0},
                                {0x107F, 4, AccessKind::Read, 0}, {0x1100, 4, AccessKind::Read, 0}};
    const HeatMap h(a, 0x1000, 0x1100, 2, 2);
    CHECK(h.binsShown(0) == 0);
    CHECK(h.binsShown(1) == 1);
    CHECK(h.binsShown(4) == 1);
    CHECK(h.binsShown(5) == 2);
    CHECK(heatAlpha(0, 2) == 0);
    CHECK(heatAlpha(2, 2) == 255);
    CHECK(heatAlpha(1, 2) == 60 + 123);  // 195·ln 2 / ln 3 = 123.0

    Canvas c;
    paintHeatMap(c, h, 0, kRed, kBg);
    CHECK(c.width() == 2);
    CHECK(c.height() == 2);
    CHECK(countOf(c, kBg) == 4);  // nothing simulated yet
    paintHeatMap(c, h, 3, kRed, kBg);
    CHECK(c.at(0, 1) == kRed);                        // time bin 0, address bin 0 (bottom row): 2 = max
    CHECK(c.at(0, 0) == blend(kBg, kRed, 183));       // address bin 1: 1 reference
    CHECK(c.at(1, 0) == kBg);                         // time bin 1 not shown yet
    CHECK(c.at(1, 1) == kBg);
    paintHeatMap(c, h, 8, kRed, kBg);
    CHECK(c.at(1, 0) == kRed);
    CHECK(c.at(1, 1) == blend(kBg, kRed, 183));

    // Counts per address bin: after reference 4, bin 0 has 2 and bin 1 has 1; at the end 3 and 3.
    CHECK(h.countsUpTo(4) == std::vector<std::uint64_t>{2, 1});
    CHECK(h.countsUpTo(8) == std::vector<std::uint64_t>{3, 3});
    paintLineCounts(c, h, 4, 10, kRed, kBg);
    CHECK(c.width() == 10);
    CHECK(countOf(c, kRed) == 10 + 5);  // bin 0 (bottom row) full, bin 1 half
    CHECK(c.at(9, 1) == kRed);
    CHECK(c.at(4, 0) == kRed);
    CHECK(c.at(5, 0) == kBg);
}
