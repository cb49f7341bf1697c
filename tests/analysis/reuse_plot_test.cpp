// Plots of the reuse analyses (analysis/reuse_plot.hpp) on hand-built values, and `--plot` on the
// reuse and mrc commands end to end.

#include <doctest/doctest.h>

#include <string>

#include "cachescope/analysis/reuse_plot.hpp"
#include "cli/cli_run.hpp"
#include "plot/xml_check.hpp"

using namespace cachescope;
using namespace cachescope::testing;

TEST_CASE("reuse chart: log2 buckets, then cold, on a log axis") {
    // a b c a b c a a: cold 3; distances 2 2 2 2 (the second round and a), then 0 (a a).
    ReuseHistogram h;
    h.references = 8;
    h.cold = 3;
    h.counts = {1, 0, 4};
    const plot::BarChart chart = reuseChart(h, "t.trace");
    CHECK(chart.title == "Reuse distances, 64 B blocks: t.trace");
    CHECK(chart.logY);
    CHECK(chart.labels == std::vector<std::string>{"0", "1", "2-3", "cold"});
    CHECK(chart.values == std::vector<double>{1, 0, 4, 3});
}

TEST_CASE("mrc chart: bytes on a log2 axis, a sampled curve names its rate") {
    MissRatioCurve c;
    c.points = {{1, 64, 8, 1.0}, {2, 128, 4, 0.5}, {4, 256, 3, 0.375}};
    plot::LineChart chart = mrcChart(c, "t.trace");
    CHECK(chart.x.scale == plot::Scale::Log2);
    CHECK(chart.x.bytes);
    REQUIRE(chart.series.size() == 1);
    CHECK(chart.series[0].name == "exact");
    REQUIRE(chart.series[0].points.size() == 3);
    CHECK(chart.series[0].points[1].x == 128);
    CHECK(chart.series[0].points[2].y == 0.375);
    c.sampleRate = 0.01;
    CHECK(mrcChart(c, "t.trace").series[0].name == "SHARDS, rate 0.01");
}

TEST_CASE("cli reuse and mrc --plot: well-formed SVGs with the expected bars and curve") {
    ScratchDir dir;
    const std::string reuse = (dir.path / "reuse.svg").string(), mrc = (dir.path / "mrc.svg").string();
    // traces/strided.trace: 64 lines read twice in the same order: 64 cold references, then 64 at
    // distance 63 (bucket 32-63): two nonzero bars. The curve: every size up to 64 lines misses all
    // 128 (ratio 1); 64 lines keep them all (ratio 0.5).
    const CliResult r = runCli("reuse --plot '" + reuse + "' traces/strided.trace");
    REQUIRE(r.status == 0);
    const std::string rs = readFile(reuse);
    CHECK(xmlError(rs) == "");
    CHECK(rs.find(">32-63<") != std::string::npos);
    CHECK(rs.find(">cold<") != std::string::npos);
    const CliResult m = runCli("mrc --plot '" + mrc + "' traces/strided.trace");
    REQUIRE(m.status == 0);
    const std::string ms = readFile(mrc);
    CHECK(xmlError(ms) == "");
    CHECK(countOf(ms, "<polyline") == 1);
    CHECK(ms.find(">exact<") != std::string::npos);
    CHECK(m.out.find("4KiB      64      64      0.5000\n") != std::string::npos);
}

TEST_CASE("reuse chart: --linear gives a linear y axis, same bars") {
    ReuseHistogram h;
    h.blockSize = 64;
    h.cold = 3;
    const plot::BarChart logChart = reuseChart(h, "t.trace");
    const plot::BarChart linear = reuseChart(h, "t.trace", false);
    CHECK(logChart.logY);
    CHECK_FALSE(linear.logY);
    CHECK(linear.labels == logChart.labels);
    CHECK(linear.values == logChart.values);
    CHECK(linear.values.back() == 3);
}
