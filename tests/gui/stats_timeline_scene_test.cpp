// Statistics tables and CSV, the hit-rate timeline, and the screenshot script parser.

#include <doctest/doctest.h>

#include "cachescope/core/error.hpp"
#include "gui_test_util.hpp"
#include "model/stats_view.hpp"
#include "model/timeline.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

TEST_CASE("statistics of thrash-one-set: the trace's own hand-worked counts") {
    Player p = playerOn(teachingOn("traces/thrash-one-set.trace"));
    p.runToEnd();
    const StatsTable t = buildStatsTable(p.session());
    REQUIRE(t.levels.size() == 2);
    // L1: 12 misses = 3 compulsory + 9 conflict; L2: 3 misses, 9 hits.
    CHECK(t.levels[0].accesses == 12);
    CHECK(t.levels[0].misses == 12);
    CHECK(t.levels[0].compulsory == 3);
    CHECK(t.levels[0].conflict == 9);
    CHECK(t.levels[0].capacity == 0);
    CHECK(t.levels[1].accesses == 12);
    CHECK(t.levels[1].misses == 3);
    CHECK(t.levels[1].hitRate() == doctest::Approx(0.75));
    CHECK(t.statements.empty());  // a text trace has no statements
}

TEST_CASE("statistics CSV") {
    StatsTable t;
    t.levels.push_back({"L1", 10, 4, 1, 2, 1, 3});
    t.statements.push_back({"load A[i][k]", 8, 2});
    t.statements.push_back({"odd, \"name\"", 0, 0});
    CHECK(statsCsv(t) ==
          "section,name,accesses,misses,hit_rate,compulsory,capacity,conflict,writebacks\n"
          "level,L1,10,4,0.600000,1,2,1,3\n"
          "statement,load A[i][k],8,2,0.750000,,,,\n"
          "statement,\"odd, \"\"name\"\"\",0,0,0.000000,,,,\n");
}

TEST_CASE("timeline: windowed hit rates, truncated on a move backward") {
    Player p = playerOn(teachingOn("traces/thrash-one-set.trace"));
    Timeline tl(4);
    const Hierarchy& h = p.session().simulator().hierarchy();
    tl.observe(0, h);
    p.step(2);
    tl.observe(p.position(), h);  // within the interval: no sample
    CHECK(tl.samples().size() == 1);
    p.step(2);
    tl.observe(p.position(), h);
    p.step(4);
    tl.observe(p.position(), h);
    REQUIRE(tl.samples().size() == 3);
    // L1 never hits; L2: references 0..2 miss, 3 hits (1 of 4), then 4..7 all hit.
    CHECK(tl.hitRates(0) == std::vector<float>{0.f, 0.f});
    CHECK(tl.hitRates(1) == std::vector<float>{0.25f, 1.f});
    p.seek(5);
    tl.observe(p.position(), h);  // drops the sample at 8; 5 is within 4 of 4: no new one
    REQUIRE(tl.samples().size() == 2);
    CHECK(tl.samples().back().position == 4);
}

TEST_CASE("script: every action, and errors naming the line") {
    const auto a = parseScript(
        "# a comment\n\nopen configs/teaching.json kernel matmul n=8 order=ikj\nstep 10\nstep\nback 2\nseek 7\n"
        "end\nselect L1 3\npanel tensors\nquiz on\nopen c.json trace t.trace\n",
        "s.txt");
    REQUIRE(a.size() == 10);
    CHECK(a[0].kind == ScriptAction::Kind::Open);
    CHECK(a[0].scene.configPath == "configs/teaching.json");
    CHECK(a[0].scene.source.kernel == "matmul");
    CHECK(a[0].scene.source.params == std::vector<std::string>{"n=8", "order=ikj"});
    CHECK(a[1].kind == ScriptAction::Kind::Step);
    CHECK(a[1].number == 10);
    CHECK(a[2].number == 1);
    CHECK(a[3].kind == ScriptAction::Kind::Back);
    CHECK(a[3].number == 2);
    CHECK(a[4].kind == ScriptAction::Kind::Seek);
    CHECK(a[4].number == 7);
    CHECK(a[5].kind == ScriptAction::Kind::End);
    CHECK(a[6].kind == ScriptAction::Kind::Select);
    CHECK(a[6].name == "L1");
    CHECK(a[6].number == 3);
    CHECK(a[7].kind == ScriptAction::Kind::Panel);
    CHECK(a[7].name == "tensors");
    CHECK(a[8].kind == ScriptAction::Kind::Quiz);
    CHECK(a[8].on);
    CHECK(a[9].scene.source.trace == "t.trace");

    auto message = [](const std::string& text) {
        try {
            parseScript(text, "s.txt");
        } catch (const UsageError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message("step 2\nstep two\n") == "s.txt:2: expected a number after 'step', got 'two'");
    CHECK(message("jump 3\n") ==
          "s.txt:1: unknown action 'jump' (expected open, step, back, seek, end, select, panel, quiz, presenter, "
          "compare, difference or edit)");
    CHECK(message("seek\n") == "s.txt:1: 'seek' needs a number");
    CHECK(message("panel nowhere\n").find("s.txt:1: expected 'panel NAME'") == 0);
    CHECK(message("quiz maybe\n") == "s.txt:1: expected 'quiz on' or 'quiz off'");
    CHECK(message("presenter\n") == "s.txt:1: expected 'presenter on' or 'presenter off'");
    const auto p = parseScript("presenter on\npresenter off\n", "p.txt");
    REQUIRE(p.size() == 2);
    CHECK(p[0].kind == ScriptAction::Kind::Presenter);
    CHECK(p[0].on);
    CHECK_FALSE(p[1].on);
    CHECK(message("open c.json kernel\n").find("s.txt:1: expected 'open CONFIG kernel NAME") == 0);
    const auto c = parseScript("compare configs/default.json\ndifference\nedit /caches/0/size 2 KiB\n", "c.txt");
    REQUIRE(c.size() == 3);
    CHECK(c[0].kind == ScriptAction::Kind::Compare);
    CHECK(c[0].name == "configs/default.json");
    CHECK(c[1].kind == ScriptAction::Kind::Difference);
    CHECK(c[2].kind == ScriptAction::Kind::Edit);
    CHECK(c[2].name == "/caches/0/size");
    CHECK(c[2].text == "2 KiB");
    CHECK(message("compare\n") == "s.txt:1: expected 'compare CONFIG'");
    CHECK(message("edit size 3\n").find("s.txt:1: expected 'edit PATH TEXT'") == 0);
}
