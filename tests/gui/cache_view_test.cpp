// The cache grid view model (gui/model/cache_view.hpp), hand-worked on the teaching L1 (8 sets,
// 2 ways, LRU, 64-byte lines: a line's set is line mod 8, its tag line >> 3).

#include <doctest/doctest.h>

#include "gui_test_util.hpp"
#include "model/cache_view.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

TEST_CASE("focus window: centred on the focus, clamped at both ends") {
    CHECK(focusWindowStart(100, 10, 50) == 45);
    CHECK(focusWindowStart(100, 10, 3) == 0);
    CHECK(focusWindowStart(100, 10, 99) == 90);
    CHECK(focusWindowStart(8, 16, 3) == 0);  // everything fits
    CHECK(focusWindowStart(8, 8, 7) == 0);
}

TEST_CASE("cache grid after four references of thrash-one-set") {
    Player p = playerOn(teachingOn("traces/thrash-one-set.trace"));
    p.step(4);  // 0x0 0x200 0x400 0x0: set 0 holds 0x400 (way 0) and 0x0 (way 1, just filled)
    const Cache& l1 = p.session().simulator().hierarchy().caches()[0];
    const CacheGrid g = buildCacheGrid(l1, 0, &*p.last(), 16);
    CHECK(g.sets == 8);
    CHECK(g.ways == 2);
    CHECK(g.shownSets == 8);
    CHECK(g.firstSet == 0);
    CHECK(g.offsetBits == 6);
    CHECK(g.setBits == 3);
    REQUIRE(g.currentSet);
    CHECK(*g.currentSet == 0);
    CHECK_FALSE(g.currentHit);

    const WayCell& w0 = g.cell(0, 0);
    const WayCell& w1 = g.cell(0, 1);
    CHECK(w0.valid);
    CHECK(w0.tag == (0x400 / 64) >> 3);  // line 16, tag 2
    CHECK(w0.lineAddress == 0x400);
    CHECK(w1.valid);
    CHECK(w1.tag == 0);
    CHECK(w1.filled);
    CHECK(w1.evicted);       // 0x200 was thrown out of way 1
    CHECK_FALSE(w1.wroteBack);
    CHECK(w1.letters() == "ME");
    CHECK(w0.letters().empty());
    // LRU: 0x400 (way 0) was used before 0x0 (way 1), so way 0 goes next.
    CHECK(w0.nextVictim);
    CHECK_FALSE(w1.nextVictim);
    for (std::uint32_t s = 1; s < 8; ++s) {
        CHECK_FALSE(g.cell(s, 0).valid);
        CHECK(g.cell(s, 0).nextVictim);  // empty sets fill way 0 first
        CHECK(g.occupancy[s] == 0);
    }
    CHECK(g.occupancy[0] == 2);
    // Typed LRU ranks by way (0 = MRU): way 1 (0x0) was used last, way 0 (0x400) before it.
    CHECK(g.policyState[0] == "rank (0 = MRU): 1 0");
    CHECK(g.policyState[1] == "rank (0 = MRU): - -");  // an empty set has no ranks yet
}

TEST_CASE("cache grid: a dirty victim is marked W, a hit H, and the focus follows the selection") {
    // W 0x0 dirties line 0 (set 0); R 0x200 fills way 1; R 0x400 evicts the dirty line 0 (LRU).
    // Then R 0x400 again: a hit in way 0.
    TempTrace t("writeback", "W 0x0 8\nR 0x200 8\nR 0x400 8\nR 0x400 8\n");
    Player p = playerOn(t.scene());
    p.step(3);
    const Cache& l1 = p.session().simulator().hierarchy().caches()[0];
    CacheGrid g = buildCacheGrid(l1, 0, &*p.last(), 8);
    CHECK(g.cell(0, 0).letters() == "MEW");
    CHECK_FALSE(g.cell(0, 0).dirty);  // the new line was only read
    p.step();
    g = buildCacheGrid(l1, 0, &*p.last(), 8);
    CHECK(g.cell(0, 0).letters() == "H");
    CHECK(g.currentHit);

    // A focus window of 4 sets pinned on set 7 shows sets 4..7; the access in set 0 is outside.
    g = buildCacheGrid(l1, 0, &*p.last(), 4, 7u);
    CHECK(g.firstSet == 4);
    CHECK(g.shownSets == 4);
    CHECK(g.cells.size() == 8);
    CHECK(g.occupancy.size() == 8);
    for (const WayCell& c : g.cells) CHECK(c.letters().empty());
}
