// Compare mode (gui/model/compare.hpp) on thrash-one-set: the teaching L1 (2-way, 8 sets) misses all
// 12 references (three lines cycling through one 2-way set); the same 1 KiB as 4-way (4 sets) holds
// all three lines of set 0, so only the 3 first touches miss. L2 is the same in both: its arrivals
// differ (12 fills against 3) but it misses only the 3 first touches in both.

#include <doctest/doctest.h>

#include "gui_test_util.hpp"
#include "model/compare.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

TEST_CASE("compare: two configs in lockstep, differences per level") {
    const SceneSpec scene = teachingOn("traces/thrash-one-set.trace");
    SimConfig fourWay = loadConfig(scene.configPath);
    fourWay.caches[0].associativity = 4;
    auto a = openScene(scene);
    auto b = openScene(fourWay, scene.source);

    a->step(12);
    keepInStep(*a, *b);
    CHECK(b->position() == 12);
    auto rows = compareLevels(*a, *b);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].level == "L1");
    CHECK(rows[0].missesA == 12);
    CHECK(rows[0].missesB == 3);
    CHECK(rows[0].differs());
    CHECK(rows[1].missesA == 3);
    CHECK(rows[1].missesB == 3);
    CHECK(rows[1].accessesA == 12);
    CHECK(rows[1].accessesB == 3);
    CHECK(rows[1].differs());  // same misses, different traffic

    a->seek(3);  // backward too
    keepInStep(*a, *b);
    CHECK(b->position() == 3);
    rows = compareLevels(*a, *b);
    CHECK(rows[0].missesA == 3);
    CHECK(rows[0].missesB == 3);
    CHECK_FALSE(rows[0].differs());

    SimConfig oneLevel = loadConfig(scene.configPath);
    oneLevel.caches.pop_back();
    auto c = openScene(oneLevel, scene.source);
    keepInStep(*a, *c);
    rows = compareLevels(*a, *c);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].inA);
    CHECK_FALSE(rows[1].inB);
    CHECK(rows[1].differs());
}
