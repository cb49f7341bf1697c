// SVG plots: well-formed XML (checked by an independent checker, itself tested on malformed
// input), the expected elements, escaping, and tick generation on hand-worked ranges.

#include "cachescope/plot/svg.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "cachescope/core/error.hpp"
#include "xml_check.hpp"

using namespace cachescope::plot;
using cachescope::testing::countOf;
using cachescope::testing::xmlError;

namespace {
std::vector<double> values(const std::vector<Tick>& ticks) {
    std::vector<double> v;
    for (const Tick& t : ticks) v.push_back(t.value);
    return v;
}
std::vector<std::string> labels(const std::vector<Tick>& ticks) {
    std::vector<std::string> v;
    for (const Tick& t : ticks) v.push_back(t.label);
    return v;
}
}  // namespace

TEST_CASE("plot xml checker: accepts well-formed documents and rejects malformed ones") {
    CHECK(xmlError("<svg/>") == "");
    CHECK(xmlError("<?xml version=\"1.0\"?>\n<svg a=\"1\" b='2'><g><text>a &amp; b &#60; &#x3c;</text></g><!-- c "
                   "--></svg>\n") == "");
    CHECK(xmlError("<svg><g></svg>") != "");                  // improperly nested
    CHECK(xmlError("<svg><g></g>") != "");                    // never closed
    CHECK(xmlError("<svg></svg><svg></svg>") != "");          // two roots
    CHECK(xmlError("<svg a=1></svg>") != "");                 // unquoted attribute
    CHECK(xmlError("<svg a=\"1\"b=\"2\"></svg>") != "");      // no space between attributes
    CHECK(xmlError("<svg a=\"1\" a=\"2\"></svg>") != "");     // duplicate attribute
    CHECK(xmlError("<svg><text>a & b</text></svg>") != "");   // bare &
    CHECK(xmlError("<svg><text>&nbsp;</text></svg>") != "");  // entity XML does not define
    CHECK(xmlError("<svg><text>a < b</text></svg>") != "");   // bare <
    CHECK(xmlError("<svg a=\"<\"></svg>") != "");             // < in an attribute
    CHECK(xmlError("<html></html>") != "");                   // wrong root
    CHECK(xmlError("text<svg></svg>") != "");                 // text outside the root
    CHECK(xmlError("") != "");                                // no root
}

TEST_CASE("plot linearTicks: 1-2-5 steps on hand-worked ranges") {
    // 0..1 in about 5 intervals: raw step 0.2 -> 2 x 10^-1.
    CHECK(labels(linearTicks(0, 1)) == std::vector<std::string>{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"});
    const std::vector<double> v = values(linearTicks(0, 1));
    REQUIRE(v.size() == 6);
    CHECK(v[3] == doctest::Approx(0.6));
    // 0..100: raw 20 -> 2 x 10 -> 0, 20, ..., 100.
    CHECK(labels(linearTicks(0, 100)) == std::vector<std::string>{"0", "20", "40", "60", "80", "100"});
    // 0..7: raw 1.4 -> 2 -> 0, 2, 4, 6 (8 would be past the end).
    CHECK(values(linearTicks(0, 7)) == std::vector<double>{0, 2, 4, 6});
    // 3..27: raw 4.8 -> 5 -> 5, 10, 15, 20, 25.
    CHECK(values(linearTicks(3, 27)) == std::vector<double>{5, 10, 15, 20, 25});
    // 0..1e6: raw 2e5 -> 2 x 10^5; labels with thousands separators.
    CHECK(labels(linearTicks(0, 1e6)) ==
          std::vector<std::string>{"0", "200,000", "400,000", "600,000", "800,000", "1,000,000"});
    // -1..1: raw 0.4 -> 0.5.
    CHECK(labels(linearTicks(-1, 1)) == std::vector<std::string>{"-1.0", "-0.5", "0.0", "0.5", "1.0"});
    // A single value gives one tick.
    CHECK(linearTicks(4, 4).size() == 1);
}

TEST_CASE("plot log2Ticks: powers of two, thinned to at most maxTicks") {
    // 1..1e6 spans 2^0..2^19 (20 powers): every second one, from a multiple of 2: 2^0, 2^2, ..., 2^18.
    const std::vector<Tick> t = log2Ticks(1, 1e6, false);
    REQUIRE(t.size() == 10);
    CHECK(t.front().value == 1);
    CHECK(t[1].value == 4);
    CHECK(t.back().value == 262144);
    CHECK(t.back().label == "262,144");
    // Byte labels: 1 KiB..1 MiB is 2^10..2^20 (11 powers) -> every second: 1 KiB, 4 KiB, ..., 1 MiB.
    CHECK(labels(log2Ticks(1024, 1 << 20, true)) ==
          std::vector<std::string>{"1 KiB", "4 KiB", "16 KiB", "64 KiB", "256 KiB", "1 MiB"});
    // Few powers: all of them.
    CHECK(labels(log2Ticks(64, 512, true)) == std::vector<std::string>{"64 B", "128 B", "256 B", "512 B"});
    // Range not on powers: only the powers inside it.
    CHECK(values(log2Ticks(3, 20, false)) == std::vector<double>{4, 8, 16});
}

TEST_CASE("plot log10Ticks and byteLabel") {
    CHECK(labels(log10Ticks(1, 5000)) == std::vector<std::string>{"1", "10", "100", "1,000", "10,000"});
    CHECK(byteLabel(512) == "512 B");
    CHECK(byteLabel(4096) == "4 KiB");
    CHECK(byteLabel(1.5 * 1024 * 1024) == "1.5 MiB");
    CHECK(byteLabel(std::pow(2.0, 31)) == "2 GiB");
    CHECK(hexAddress(0x7f0000001000ULL) == "0x7f0000001000");
    CHECK(fixed(-0.0001, 2) == "0.00");
}

TEST_CASE("plot escapeXml escapes the five special characters") {
    CHECK(escapeXml("a<b & \"c\" 'd' >") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos; &gt;");
    CHECK(escapeXml(std::string("x\x01y")) == "x y");  // control characters are not XML
}

TEST_CASE("plot LineChart: one polyline per series, legend, title, axis labels, escaping") {
    LineChart chart;
    chart.title = "MRC <matmul> & \"friends\"";
    chart.x = {"cache size (bytes)", Scale::Log2, true, std::nullopt, std::nullopt};
    chart.y = {"miss ratio", Scale::Linear, false, 0.0, 1.0};
    chart.series.push_back({"exact", {{1024, 0.9}, {2048, 0.5}, {4096, 0.25}, {8192, 0.1}}});
    chart.series.push_back({"sampled <1%>", {{1024, 0.88}, {2048, 0.52}, {4096, 0.24}, {8192, 0.11}}});
    chart.series.push_back({"lru & 8-way", {{0, 0.5}, {1024, 0.95}, {8192, 0.2}}});  // x = 0: left out
    const std::string svg = renderSvg(chart);
    CHECK(xmlError(svg) == "");
    CHECK(countOf(svg, "<polyline") == 3);
    CHECK(svg.find("MRC &lt;matmul&gt; &amp; &quot;friends&quot;") != std::string::npos);
    CHECK(svg.find("<matmul>") == std::string::npos);
    CHECK(svg.find(">exact</text>") != std::string::npos);
    CHECK(svg.find(">sampled &lt;1%&gt;</text>") != std::string::npos);
    CHECK(svg.find(">lru &amp; 8-way</text>") != std::string::npos);
    CHECK(svg.find(">cache size (bytes)</text>") != std::string::npos);
    CHECK(svg.find(">miss ratio</text>") != std::string::npos);
    CHECK(svg.find(">1 KiB</text>") != std::string::npos);
    CHECK(svg.find(">8 KiB</text>") != std::string::npos);
    CHECK(svg.find(">0.2</text>") != std::string::npos);
    CHECK(svg.find("viewBox=\"0 0 820 480\"") != std::string::npos);
    // The third series has 2 usable points: 2 pairs in its points attribute.
    const std::size_t third = svg.find("data-series=\"lru &amp; 8-way\"");
    REQUIRE(third != std::string::npos);
    const std::string points = svg.substr(svg.find("points=\"", third) + 8);
    CHECK(countOf(points.substr(0, points.find('"')), ",") == 2);
    // Deterministic.
    CHECK(renderSvg(chart) == svg);
}

TEST_CASE("plot LineChart: x positions follow the log2 scale") {
    // x from 1 KiB to 4 KiB: 2 KiB is half-way on a log2 axis, not a third of the way.
    LineChart chart;
    chart.x = {"size", Scale::Log2, true, 1024.0, 4096.0};
    chart.y = {"y", Scale::Linear, false, 0.0, 1.0};
    chart.series.push_back({"s", {{1024, 0}, {2048, 0}, {4096, 0}}});
    const std::string svg = renderSvg(chart);
    const std::size_t p = svg.find("points=\"") + 8;
    std::string pts = svg.substr(p, svg.find('"', p) - p);
    double x0 = 0, x1 = 0, x2 = 0, y = 0;
    REQUIRE(std::sscanf(pts.c_str(), "%lf,%lf %lf,%lf %lf,%lf", &x0, &y, &x1, &y, &x2, &y) == 6);
    CHECK(x1 - x0 == doctest::Approx(x2 - x1).epsilon(0.01));
}

TEST_CASE("plot BarChart: one bar per nonzero bucket, labels, log y") {
    BarChart chart;
    chart.title = "Reuse distance";
    chart.xLabel = "reuse distance (distinct lines)";
    chart.yLabel = "references";
    chart.labels = {"0", "1", "2-3", "4-7", "cold"};
    chart.values = {1000, 0, 30, 1, 64};  // a count of 1 has height 0 on a log axis: drawn 1.5 px tall
    for (const bool logY : {false, true}) {
        chart.logY = logY;
        const std::string svg = renderSvg(chart);
        CHECK(xmlError(svg) == "");
        CHECK(countOf(svg, "<rect x=") == 1 + 4);  // background, 4 nonzero bars (the frame is <rect class=...)
        CHECK(svg.find("<title>2-3: 30</title>") != std::string::npos);
        CHECK(svg.find("<title>4-7: 1</title>") != std::string::npos);
        CHECK(svg.find(">cold</text>") != std::string::npos);
        CHECK(svg.find(">reuse distance (distinct lines)</text>") != std::string::npos);
        CHECK(svg.find(">references</text>") != std::string::npos);
        CHECK(svg.find(">1,000</text>") != std::string::npos);
        if (logY) CHECK(svg.find(">10</text>") != std::string::npos);
    }
}

TEST_CASE("plot LocalityPicture: cells as runs, one path per tier served, bands in hex, legend") {
    LocalityPicture p;
    p.title = "A & B";
    p.columns = 4;
    p.rows = 3;
    // Row 0: L1 L1 mem .   Row 1: . L2 L2 L2   Row 2: (empty)
    p.cells = {1, 1, 3, 0, 0, 2, 2, 2, 0, 0, 0, 0};
    p.referencesPerColumn = 2;
    p.references = 8;
    p.tierNames = {"L1", "L2", "memory"};
    p.tierReferences = {4, 3, 1};
    p.bands = {{"A<0>", 0x1000, 0x1100, 0, 2}, {"", 0x900000, 0x900040, 2, 1}};
    const std::string svg = renderSvg(p);
    CHECK(xmlError(svg) == "");
    CHECK(countOf(svg, "<path ") == 3);
    // Runs: L1 = one run of 2 at (0,0); L2 = one run of 3 at (1,1); memory = one cell at (2,0).
    CHECK(svg.find("data-tier=\"L1\" fill=\"#0072B2\" d=\"M0 0h2v1h-2z\"") != std::string::npos);
    CHECK(svg.find("data-tier=\"L2\" fill=\"#009E73\" d=\"M1 1h3v1h-3z\"") != std::string::npos);
    CHECK(svg.find("data-tier=\"memory\" fill=\"#D55E00\" d=\"M2 0h1v1h-1z\"") != std::string::npos);
    CHECK(svg.find(">0x1000</text>") != std::string::npos);
    CHECK(svg.find(">0x900000</text>") != std::string::npos);
    CHECK(svg.find(">0x900040</text>") != std::string::npos);  // end of the last band
    CHECK(svg.find(">A&lt;0&gt; (256 B)</text>") != std::string::npos);
    CHECK(svg.find(">L1 (50.0 %)</text>") != std::string::npos);
    CHECK(svg.find(">memory (12.5 %)</text>") != std::string::npos);
    CHECK(svg.find(">A &amp; B</text>") != std::string::npos);
    CHECK(svg.find("one cell = 2 references") != std::string::npos);
    // Tick grid lines go under the cells, not across them.
    CHECK(svg.find("class=\"x-ticks\"") < svg.find("class=\"cells\""));
}

TEST_CASE("plot tierColors: distinct, memory last in vermillion") {
    const std::vector<std::string> c = tierColors(4);
    REQUIRE(c.size() == 4);
    CHECK(c.back() == "#D55E00");
    CHECK(c[0] != c[1]);
    CHECK(c[1] != c[2]);
    CHECK(c[2] != c[3]);
}

TEST_CASE("plot writeSvg: the rendered text, atomically, an unwritable path leaves nothing") {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("cachescope-plot-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    BarChart chart;
    chart.title = "t";
    chart.labels = {"a"};
    chart.values = {3};
    const std::string path = (dir / "bars.svg").string();
    writeSvg(path, chart);
    std::ifstream in(path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == renderSvg(chart));
    const std::string bad = (dir / "no-such-dir" / "bars.svg").string();
    CHECK_THROWS_AS(writeSvg(bad, chart), cachescope::IoError);
    CHECK(!std::filesystem::exists(bad));
    std::filesystem::remove_all(dir);
}

TEST_CASE("plot LocalityPicture: labels of bands a few pixels apart do not overlap, long names are cut") {
    LocalityPicture p;
    p.title = "close";
    p.columns = 1;
    p.rows = 500;
    p.cells.assign(500, 1);
    p.tierNames = {"L1", "memory"};
    // Band 1 starts 2 rows (2 px) below band 0: its address label would print over band 0's.
    p.bands = {{"a-region-with-a-very-long-name", 0x1ffeffd000, 0x1ffeffd100, 0, 2},
               {"b", 0x1fff001000, 0x1fff002000, 2, 498}};
    const std::string svg = renderSvg(p);
    CHECK(svg.find(">0x1ffeffd000<") != std::string::npos);
    CHECK(svg.find(">0x1fff001000<") == std::string::npos);  // left out: 2 px below the first
    CHECK(svg.find("a-region-with-a-very-long-name") == std::string::npos);  // ellipsized
    CHECK(svg.find("one cell = 1 reference x one address slice; its color = the level that served most of them") !=
          std::string::npos);
}
