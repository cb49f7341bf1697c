// The sweep curve (analysis/sweep_plot.hpp) on a hand-built table, and `sweep --plot` end to end.

#include <doctest/doctest.h>

#include <string>

#include "cachescope/analysis/sweep_plot.hpp"
#include "cachescope/core/error.hpp"
#include "cli/cli_run.hpp"
#include "plot/xml_check.hpp"

using namespace cachescope;
using namespace cachescope::testing;

namespace {

/// --vary caches.L1.size=1KiB,2KiB,4KiB --vary caches.L1.associativity=1,2 on one trace: 6 runs.
/// L1 misses of run (size s, ways w) are 60 / (s_index + 1) / w out of 120 accesses.
SweepTable handTable() {
    SweepTable t;
    t.identity.vary = {{"caches.L1.size", {"1KiB", "2KiB", "4KiB"}}, {"caches.L1.associativity", {"1", "2"}}};
    t.identity.traces = {"a.trace"};
    t.identity.levels = {"L1", "L2"};
    t.identity.runs = 6;
    for (std::uint64_t c = 0; c < 6; ++c) {
        SweepRow r;
        r.index = c;
        r.combination = c;
        r.values = t.identity.values(c);
        r.traceLabel = "a.trace";
        const std::uint64_t s = c / 2, w = c % 2 + 1;
        r.levels = {{120, 60 / (s + 1) / w}, {60, 6}};
        t.rows.push_back(r);
    }
    return t;
}

}  // namespace

TEST_CASE("sweep chart: one line per associativity, size on a log2 byte axis") {
    const plot::LineChart chart = sweepChart(handTable(), "", "");
    CHECK(chart.title == "Sweep: L1 miss rate against caches.L1.size (a.trace)");
    CHECK(chart.x.label == "caches.L1.size (bytes)");
    CHECK(chart.x.scale == plot::Scale::Log2);
    CHECK(chart.x.bytes);
    CHECK(chart.y.label == "L1 miss rate");
    REQUIRE(chart.series.size() == 2);
    CHECK(chart.series[0].name == "associativity=1");
    CHECK(chart.series[1].name == "associativity=2");
    // ways 1: 60, 30, 20 misses of 120; ways 2: 30, 15, 10.
    REQUIRE(chart.series[0].points.size() == 3);
    CHECK(chart.series[0].points[0].x == 1024);
    CHECK(chart.series[0].points[0].y == doctest::Approx(0.5));
    CHECK(chart.series[0].points[2].x == 4096);
    CHECK(chart.series[0].points[2].y == doctest::Approx(20.0 / 120));
    CHECK(chart.series[1].points[1].y == doctest::Approx(15.0 / 120));
}

TEST_CASE("sweep chart: another x key, another level, error rows left out") {
    SweepTable t = handTable();
    t.rows[5].error = "impossible";
    const plot::LineChart chart = sweepChart(t, "L2", "caches.L1.associativity");
    CHECK(chart.x.label == "caches.L1.associativity");
    CHECK_FALSE(chart.x.bytes);
    REQUIRE(chart.series.size() == 3);  // one per size
    CHECK(chart.series[0].name == "size=1KiB");
    CHECK(chart.series[0].points.size() == 2);
    CHECK(chart.series[2].points.size() == 1);  // 4KiB with 2 ways was an error row
    CHECK(chart.series[0].points[0].y == doctest::Approx(0.1));
}

TEST_CASE("sweep chart: errors name the valid choices") {
    const SweepTable t = handTable();
    auto message = [&](const std::string& level, const std::string& x) {
        try {
            sweepChart(t, level, x);
        } catch (const UsageError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message("L3", "") == "--plot-level \"L3\" is not a cache or TLB of the sweep; expected one of: L1, L2");
    CHECK(message("", "seed") ==
          "--plot-x \"seed\" is not a numeric --vary of the sweep; expected one of: caches.L1.size, "
          "caches.L1.associativity");
    SweepTable words = t;
    words.identity.vary = {{"caches.L1.replacement", {"lru", "fifo"}}};
    CHECK(message("", "") == "no error");  // the table above still has numeric varies
    CHECK_THROWS_WITH_AS(sweepChart(words, "", ""),
                         "--plot draws a miss rate against a --vary whose values are all numbers or sizes (its x "
                         "axis), such as --vary caches.L1.size=1KiB,2KiB; this sweep varies no such key",
                         UsageError);
}

TEST_CASE("sweep chart: the default level is the first cache that saw references, all-zero rates span 0..1") {
    // default.json on a data-only kernel: L1I sees nothing, so the curve must be L1D's.
    SweepTable t = handTable();
    t.identity.levels = {"L1I", "L1D", "L2"};
    for (SweepRow& r : t.rows) r.levels = {{0, 0}, r.levels[0], r.levels[1]};
    const plot::LineChart chart = sweepChart(t, "", "");
    CHECK(chart.y.label == "L1D miss rate");
    CHECK_FALSE(chart.y.max.has_value());
    CHECK(chart.series[0].points[0].y == doctest::Approx(0.5));
    // Asked for by name, L1I is still drawn: a flat zero, on a 0..1 axis (was 0..2).
    const plot::LineChart zero = sweepChart(t, "L1I", "");
    CHECK(zero.y.label == "L1I miss rate");
    REQUIRE(zero.y.max.has_value());
    CHECK(*zero.y.max == 1.0);
}

TEST_CASE("cli sweep --plot: a well-formed SVG with one line per associativity, bad level writes nothing") {
    ScratchDir dir;
    const std::string svg = (dir.path / "s.svg").string(), csv = (dir.path / "s.csv").string();
    const CliResult r = runCli("sweep -c configs/teaching.json --vary caches.L1.size=512,1KiB,2KiB "
                               "--vary caches.L1.associativity=1,2 -o '" + csv + "' --plot '" + svg +
                               "' traces/thrash-one-set.trace");
    REQUIRE(r.status == 0);
    const std::string text = readFile(svg);
    CHECK(xmlError(text) == "");
    CHECK(countOf(text, "<polyline") == 2);
    CHECK(text.find("associativity=1") != std::string::npos);
    const CliResult bad = runCli("sweep -c configs/teaching.json --vary caches.L1.size=512,1KiB --plot-level L9 -o '" +
                                 (dir.path / "b.csv").string() + "' --plot '" + (dir.path / "b.svg").string() +
                                 "' traces/thrash-one-set.trace");
    CHECK(bad.status == 1);
    CHECK(bad.err.find("--plot-level \"L9\"") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path / "b.csv"));
    CHECK_FALSE(std::filesystem::exists(dir.path / "b.svg"));
}

TEST_CASE("sweep bars: a sweep of words (policies) gets one bar per run, labelled with its values") {
    SweepTable t;
    t.identity.vary = {{"caches.L1.replacement", {"lru", "fifo", "opt"}}};
    t.identity.traces = {"a.trace"};
    t.identity.levels = {"L1"};
    t.identity.runs = 3;
    const std::uint64_t misses[] = {30, 40, 12};
    for (std::uint64_t c = 0; c < 3; ++c) {
        SweepRow r;
        r.index = c;
        r.combination = c;
        r.values = t.identity.values(c);
        r.traceLabel = "a.trace";
        r.levels = {{120, misses[c]}};
        t.rows.push_back(r);
    }
    CHECK_FALSE(hasNumericVary(t));
    CHECK(hasNumericVary(handTable()));
    const plot::BarChart bars = sweepBars(t, "");
    CHECK(bars.title == "Sweep: L1 miss rate by caches.L1.replacement (a.trace)");
    CHECK(bars.labels == std::vector<std::string>{"lru", "fifo", "opt"});
    REQUIRE(bars.values.size() == 3);
    CHECK(bars.values[0] == doctest::Approx(0.25));
    CHECK(bars.values[1] == doctest::Approx(40.0 / 120));
    CHECK(bars.values[2] == doctest::Approx(0.1));
    CHECK(xmlError(plot::renderSvg(bars)).empty());
}

TEST_CASE("cli sweep --plot over policies only: one bar per policy") {
    ScratchDir dir;
    const std::string svg = (dir.path / "p.svg").string();
    const CliResult r = runCli("sweep -c configs/teaching.json --vary caches.L1.replacement=lru,fifo,opt -o '" +
                               (dir.path / "p.csv").string() + "' --plot '" + svg + "' traces/thrash-one-set.trace");
    REQUIRE(r.status == 0);
    const std::string text = readFile(svg);
    CHECK(xmlError(text).empty());
    CHECK(countOf(text, "<rect x=") >= 3);  // three bars (OPT's rate is not 0 on this trace)
    CHECK(text.find(">lru<") != std::string::npos);
    CHECK(text.find(">opt<") != std::string::npos);
}
