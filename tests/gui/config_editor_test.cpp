// The config editor's model (gui/model/config_editor.hpp): fields checked by the loader itself, the
// message flagged at the field it names, derived values worked out by hand.

#include <doctest/doctest.h>

#include "cachescope/core/error.hpp"
#include "gui_test_util.hpp"
#include "model/config_editor.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

namespace {
/// validate()'s message for a config built in code (the same validator, reached without JSON).
std::string validateMessage(const SimConfig& c) {
    try {
        validate(c);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("config editor: derived values of the teaching caches, live") {
    ConfigEditor ed(loadConfig(sourcePath("configs/teaching.json")));
    CHECK(ed.error().empty());
    REQUIRE(ed.valid());
    // L1: 1 KiB / 64 B = 16 lines, 2 ways -> 8 sets: 3 set bits, 6 offset bits.
    auto d = ed.cacheDerived(0);
    REQUIRE(d);
    CHECK(d->lines == 16);
    CHECK(d->sets == 8);
    CHECK(d->setBits == 3);
    CHECK(d->offsetBits == 6);
    CHECK(ed.text("/caches/0/size") == "1024");
    ed.set("/caches/0/size", "2KiB");  // 32 lines -> 16 sets
    d = ed.cacheDerived(0);
    REQUIRE(d);
    CHECK(d->sets == 16);
    CHECK(d->setBits == 4);
    REQUIRE(ed.valid());
    CHECK(ed.valid()->caches[0].size == 2048);
    ed.set("/caches/0/associativity", "full");
    CHECK(ed.cacheDerived(0)->sets == 1);
    CHECK(ed.valid()->caches[0].fullyAssociative);
    CHECK_FALSE(ed.tlbReach(0));  // no TLBs here
}

TEST_CASE("config editor: an invalid value is flagged with the loader's message, and fixing it clears it") {
    SimConfig base = loadConfig(sourcePath("configs/teaching.json"));
    ConfigEditor ed(base);
    ed.set("/caches/1/associativity", "3");
    CHECK_FALSE(ed.valid());
    CHECK(ed.errorPath() == "/caches/1/associativity");
    SimConfig bad = base;
    bad.caches[1].associativity = 3;
    CHECK(ed.error() == validateMessage(bad));  // "/caches/1/associativity: must divide the number of lines (64), got 3"
    CHECK(ed.flags("/caches/1/associativity"));
    CHECK(ed.flags("/caches/1"));
    CHECK_FALSE(ed.flags("/caches/0/associativity"));
    CHECK_FALSE(ed.cacheDerived(1));
    ed.set("/caches/1/associativity", "8");
    CHECK(ed.error().empty());
    CHECK(ed.valid());
    CHECK(ed.cacheDerived(1)->sets == 8);  // 64 lines / 8 ways

    ed.set("/caches/0/size", "lots");
    CHECK(ed.errorPath() == "/caches/0/size");
    CHECK_FALSE(ed.cacheDerived(0));
    ed.set("/caches/0/replacement", "lru");  // an unrelated valid edit keeps the first problem flagged
    CHECK(ed.errorPath() == "/caches/0/size");
}

TEST_CASE("config editor: TLB reach and MMU fields of teaching-paging") {
    ConfigEditor ed(loadConfig(sourcePath("configs/teaching-paging.json")));
    REQUIRE(ed.valid());
    CHECK(ed.tlbReach(0) == 8u * 4096u);  // 8 entries of 4 KiB pages
    CHECK(ed.text("/mmu/bits_per_level") == "[10,10]");
    ed.set("/tlbs/0/entries", "16");
    CHECK(ed.tlbReach(0) == 16u * 4096u);
    ed.set("/mmu/bits_per_level", "[10, 9]");
    REQUIRE(ed.valid());
    CHECK(ed.valid()->mmu->bitsPerLevel == std::vector<std::uint32_t>{10, 9});
    const auto& f = ed.fields();
    CHECK(std::find(f.begin(), f.end(), "/tlbs/0/entries") != f.end());
    CHECK(std::find(f.begin(), f.end(), "/mmu/page_size") != f.end());
    // The JSON it saves loads back to the same config.
    CHECK(parseConfig(ed.json(), "saved") == *ed.valid());
}
