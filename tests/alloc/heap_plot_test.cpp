// The heap map (alloc/heap_plot.hpp, plot/heap_map.hpp): well-formed SVG, one rectangle per block
// with the block's lifetime and address, coordinates inside the canvas, the grid for big traces.

#include <doctest/doctest.h>

#include <regex>
#include <sstream>

#include "cachescope/alloc/fit.hpp"
#include "cachescope/alloc/heap_plot.hpp"
#include "cachescope/alloc/run.hpp"
#include "cachescope/alloc/workload.hpp"
#include "plot/xml_check.hpp"

using namespace cachescope;
using namespace cachescope::alloc;
using cachescope::testing::countOf;
using cachescope::testing::xmlError;

namespace {

AllocTrace tiny() {
    std::istringstream in(
        "alloc a 64 weights\n"
        "alloc b 32 act\n"
        "alloc c 16 act\n"
        "free b\n"
        "alloc d 16 grad\n"
        "free c\n");
    return readAllocTrace(in, "tiny.alloc");
}

plot::HeapMap mapOf(const AllocTrace& t, const char* name = "first-fit") {
    FitAllocator a(FitPolicy::First);
    HeapMapRecorder rec(t);
    runAllocations(t, a, &rec);
    return rec.heapMap(name);
}

/// Every x/y/width/height attribute value in the document, with its element's canvas size.
void checkInsideCanvas(const std::string& svg) {
    std::smatch m;
    REQUIRE(std::regex_search(svg, m, std::regex("width=\"([0-9.]+)\" height=\"([0-9.]+)\" viewBox")));
    const double width = std::stod(m[1]), height = std::stod(m[2]);
    const std::regex rect("<rect class=\"block\" x=\"([-0-9.]+)\" y=\"([-0-9.]+)\" width=\"([-0-9.]+)\" height=\"([-0-9.]+)\"");
    std::size_t n = 0;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), rect); it != std::sregex_iterator(); ++it, ++n) {
        const double x = std::stod((*it)[1]), y = std::stod((*it)[2]), w = std::stod((*it)[3]), h = std::stod((*it)[4]);
        CHECK(x >= 0);
        CHECK(y >= 0);
        CHECK(w > 0);
        CHECK(h > 0);
        CHECK(x + w <= width);
        CHECK(y + h <= height);
    }
    CHECK(n == countOf(svg, "class=\"block\""));
}

}  // namespace

TEST_CASE("heap map recorder: each block's lifetime, address and site") {
    const AllocTrace t = tiny();
    const plot::HeapMap m = mapOf(t);
    CHECK(m.events == 6);
    REQUIRE(m.blocks.size() == 4);
    // First fit: a [0,64), b [64,96), c [96,112); b freed at event 3; d takes b's hole at 64.
    CHECK(m.blocks[0].address == 0);
    CHECK(m.blocks[0].begin == 0);
    CHECK(m.blocks[0].end == 6);  // never freed: runs to the end
    CHECK(m.blocks[1].address == 64);
    CHECK(m.blocks[1].end == 3);
    CHECK(m.blocks[2].address == 96);
    CHECK(m.blocks[2].end == 5);
    CHECK(m.blocks[3].address == 64);
    CHECK(m.blocks[3].begin == 4);
    CHECK(m.groups[m.blocks[3].group] == "grad");
    REQUIRE(m.reserved.size() == 6);
    CHECK(m.reserved.back().y == 112);
    // After "free b": free 32 bytes in one piece, so no external fragmentation; after "free c"
    // (event 5) the free space is [80,96) and [96,112) merged: 32 bytes at 80, still one piece.
    CHECK(m.fragmentation[3].y == 0);
    // After "alloc d" (event 4): free is [80,96) only, one piece.
    CHECK(m.fragmentation[4].y == 0);
}

TEST_CASE("heap map SVG: well-formed, one rectangle per block, inside the canvas") {
    const AllocTrace t = tiny();
    plot::HeapMapFigure f = heapMapFigure(t, {mapOf(t)});
    const std::string svg = plot::renderSvg(f);
    CHECK(xmlError(svg, "svg") == "");
    CHECK(countOf(svg, "<rect class=\"block\"") == 4);  // the 4 successful allocations
    CHECK(countOf(svg, "class=\"panel\"") == 1);
    CHECK(countOf(svg, "class=\"fragmentation\"") == 1);
    CHECK(svg.find(">Heap map: tiny.alloc<") != std::string::npos);
    CHECK(svg.find(">weights<") != std::string::npos);  // legend names the sites
    checkInsideCanvas(svg);
    CHECK(plot::renderSvg(f) == svg);  // deterministic
}

TEST_CASE("heap map SVG: a realloc ends one block and starts another") {
    std::istringstream in("alloc a 16 kv\nrealloc a 48\nrealloc a 80\n");
    const AllocTrace t = readAllocTrace(in, "r.alloc");
    const plot::HeapMap m = mapOf(t);
    REQUIRE(m.blocks.size() == 3);
    CHECK(m.blocks[0].end == 1);
    CHECK(m.blocks[1].begin == 1);
    CHECK(m.groups[m.blocks[2].group] == "kv");  // the realloc keeps the site
    CHECK(countOf(plot::renderSvg(heapMapFigure(t, {m})), "<rect class=\"block\"") == 3);
}

TEST_CASE("heap map SVG: many blocks become a grid, one panel per allocator") {
    const WorkloadResult r = runWorkload("transformer-decode", {"tokens=8"});
    plot::HeapMapFigure f = heapMapFigure(r.trace, {mapOf(r.trace, "a"), mapOf(r.trace, "b")});
    f.maxRectangles = 10;
    const std::string svg = plot::renderSvg(f);
    CHECK(xmlError(svg, "svg") == "");
    CHECK(countOf(svg, "class=\"block\"") == 0);
    CHECK(countOf(svg, "class=\"cells\"") == 2);
    CHECK(countOf(svg, "class=\"panel\"") == 2);
    CHECK(svg.find(">a<") != std::string::npos);
    CHECK(svg.find(">b<") != std::string::npos);
    // The largest tensor over time (the embedding, live throughout) leads the legend.
    const auto legend = plot::largestGroups(f.panels[0], 3);
    REQUIRE(!legend.empty());
    CHECK(f.panels[0].groups[legend[0]] == "embed");
}
