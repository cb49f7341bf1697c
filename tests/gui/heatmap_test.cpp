// The address heat-map's bins (gui/model/heatmap.hpp), counted by hand.

#include <doctest/doctest.h>

#include "gui_test_util.hpp"
#include "model/heatmap.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

TEST_CASE("heat-map: references binned by time and address") {
    // 8 references over [0x1000, 0x1100): time bins of 4 references, address bins of 0x80 bytes.
    const std::vector<Access> a{{0x1000, 4, AccessKind::Read, 0}, {0x1004, 4, AccessKind::Read, 0},
                                {0x10F0, 4, AccessKind::Read, 0}, {0x0800, 4, AccessKind::Read, 0},  // outside
                                {0x1080, 4, AccessKind::Write, 0}, {0x1081, 4, AccessKind::Read, 0},
                                {0x107F, 4, AccessKind::Read, 0}, {0x1100, 4, AccessKind::Read, 0}};  // outside
    const HeatMap h(a, 0x1000, 0x1100, 2, 2);
    CHECK(h.length() == 8);
    CHECK(h.count(0, 0) == 2);  // 0x1000, 0x1004
    CHECK(h.count(0, 1) == 1);  // 0x10F0
    CHECK(h.count(1, 1) == 2);  // 0x1080, 0x1081
    CHECK(h.count(1, 0) == 1);  // 0x107F
    CHECK(h.maxCount() == 2);
    CHECK(h.timeBinOf(3) == 0);
    CHECK(h.timeBinOf(4) == 1);
    CHECK(h.timeBinOf(100) == 1);  // clamped
    CHECK(h.addressBinOf(0x107F) == 0);
    CHECK(h.addressBinOf(0x1080) == 1);
}

TEST_CASE("heat-map of a source: thrash-one-set's three lines") {
    // 12 references to 0x0, 0x200, 0x400 (no metadata: the range is [0x0, 0x408)). With 3 time
    // bins and 3 address bins of 0x158 bytes: 0x0 -> bin 0, 0x200 -> bin 1, 0x400 -> bin 2; each
    // time bin holds 4 references: two rounds of the cycle overlap each bin.
    const SceneSpec s = teachingOn("traces/thrash-one-set.trace");
    const HeatMap h = HeatMap::ofSource(s.source, nullptr, 3, 3);
    CHECK(h.length() == 12);
    CHECK(h.low() == 0);
    CHECK(h.high() == 0x408);
    std::uint32_t total = 0;
    for (std::uint32_t t = 0; t < 3; ++t)
        for (std::uint32_t b = 0; b < 3; ++b) total += h.count(t, b);
    CHECK(total == 12);
    // References 0..3 = 0x0 0x200 0x400 0x0.
    CHECK(h.count(0, 0) == 2);
    CHECK(h.count(0, 1) == 1);
    CHECK(h.count(0, 2) == 1);
    CHECK(h.maxCount() == 2);
}
