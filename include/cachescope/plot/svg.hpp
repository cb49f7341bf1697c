#pragma once
// Plots as standalone SVG files, with no dependency: line charts (miss-ratio curves, sweeps), bar
// charts (reuse-distance histograms) and the locality picture (address against time, colored by
// the level that served each reference). Each plot is a plain value; renderSvg turns it into the
// text of one SVG document. The output is deterministic (fixed number formatting, no dates, no
// random ids), every text is XML-escaped, and axes carry "nice" ticks (1-2-5 steps, or powers of
// two on a log2 axis, optionally labelled as byte sizes: 4 KiB, 1 MiB).
//
//   plot::LineChart chart;
//   chart.title = "Miss-ratio curve: matmul n=64";
//   chart.x = {"cache size (bytes)", plot::Scale::Log2, /*bytes=*/true};
//   chart.y = {"miss ratio", plot::Scale::Linear, false, 0.0, 1.0};
//   chart.series.push_back({"exact", {{1024, 0.9}, {2048, 0.5}, {4096, 0.1}}});
//   plot::writeSvg("mrc.svg", chart);   // atomically; or renderSvg(chart) for the text
//
// docs/plots.md says what each plot shows and how to read it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cachescope::plot {

enum class Scale { Linear, Log2 };

struct Axis {
    std::string label;  // with its unit: "cache size (bytes)", "miss ratio"
    Scale scale = Scale::Linear;
    bool bytes = false;         // tick labels as byte sizes (1 KiB, 4 MiB); for log2 axes
    std::optional<double> min;  // fixed range; otherwise from the data (and rounded to ticks)
    std::optional<double> max;
};

struct Point {
    double x = 0;
    double y = 0;
};

struct Series {
    std::string name;  // shown in the legend
    std::vector<Point> points;
};

/// Lines through points, one per series, with a legend. On a log2 axis points with x <= 0 are
/// left out (they have no place on it).
struct LineChart {
    std::string title;
    Axis x;
    Axis y;
    std::vector<Series> series;
    int width = 820;  // pixels, legend included
    int height = 480;
};

/// Bars over categorical buckets ("0", "1", "2-3", "4-7", ..., "cold"). With logY the y axis is
/// log10 from 1. Zero counts draw no bar; any other is at least 1.5 px tall.
struct BarChart {
    std::string title;
    std::string xLabel;
    std::string yLabel;
    std::vector<std::string> labels;
    std::vector<double> values;  // same length as labels
    bool logY = false;
    int width = 820;
    int height = 480;
};

/// A horizontal band of the locality picture's y axis: one touched address range (a tensor when the
/// trace names its regions), drawn over rows [firstRow, firstRow + rows). Gaps between bands are
/// left out of the axis.
struct AddressBand {
    std::string name;            // region name, or empty
    std::uint64_t begin = 0;     // first byte
    std::uint64_t end = 0;       // one past the last byte
    std::uint32_t firstRow = 0;  // row 0 is the top of the picture
    std::uint32_t rows = 0;
    std::uint64_t labelMask = 0;  // bits XORed off the addresses the axis prints (a process folded in)
};

/// Address against time on a grid of columns x rows cells: a cell holds 0 (no reference) or
/// 1 + the index of the tier (tierNames) that served its deepest reference. Column c covers
/// references [c * referencesPerColumn, (c + 1) * referencesPerColumn).
struct LocalityPicture {
    std::string title;
    std::uint32_t columns = 0;
    std::uint32_t rows = 0;
    std::vector<std::uint8_t> cells;  // row-major: cells[row * columns + column]
    std::uint64_t referencesPerColumn = 1;
    std::uint64_t references = 0;               // references plotted
    std::vector<std::string> tierNames;         // "L1", "L2", ..., "memory" (memory last)
    std::vector<std::uint64_t> tierReferences;  // references each tier served (legend); may be empty
    std::vector<AddressBand> bands;             // top to bottom, by address
};

std::string renderSvg(const LineChart& chart);
std::string renderSvg(const BarChart& chart);
std::string renderSvg(const LocalityPicture& picture);

/// renderSvg written to `path` with writeFileAtomically (IoError naming the path on failure; no
/// file is left behind): what a command's `--plot FILE.svg` calls.
void writeSvg(const std::string& path, const LineChart& chart);
void writeSvg(const std::string& path, const BarChart& chart);
void writeSvg(const std::string& path, const LocalityPicture& picture);

// ---- Building blocks, public for tests and for other plots ---------------------------------

struct Tick {
    double value = 0;
    std::string label;
};

/// Ticks at multiples of a 1-2-5 step covering [lo, hi] with about `target` intervals (at most
/// ~2x as many): 0..1 -> 0, 0.2, 0.4, 0.6, 0.8, 1. lo == hi gives one tick.
std::vector<Tick> linearTicks(double lo, double hi, int target = 5);
/// Powers of two covering [lo, hi] (lo > 0), every k-th one so there are at most `maxTicks`:
/// 1..1e6 -> 2^0, 2^2, ..., 2^18 (10 ticks). With `bytes` the labels are sizes: "64 B", "4 KiB".
std::vector<Tick> log2Ticks(double lo, double hi, bool bytes, int maxTicks = 10);
/// Powers of ten covering [lo, hi] (lo > 0): 1..5000 -> 1, 10, 100, 1000, 10000.
std::vector<Tick> log10Ticks(double lo, double hi);
/// "512 B", "4 KiB", "1.5 MiB", "2 GiB" (binary units, at most one decimal).
std::string byteLabel(double bytes);
/// A number for a tick label with `decimals` digits after the point ("-0" becomes "0").
std::string fixed(double value, int decimals);
/// `text` cut to `max` characters (max >= 4), ending in "..." when it was longer: long trace labels
/// in titles and legends ("kernel matmul m=0 n=16 k=0 order=ikj ti=0 tj=...").
std::string ellipsize(std::string_view text, std::size_t max);
/// Escapes & < > " ' for use in XML text and attribute values.
std::string escapeXml(std::string_view text);
/// Lower-case hex with a 0x prefix: 0x7f0000001000.
std::string hexAddress(std::uint64_t address);

/// Pieces of every plot's SVG, for plots drawn in other files (plot/heap_map.hpp): a coordinate
/// as the plots write it ("12.5", "300"), the XML declaration + <svg> + white background, and the
/// bold centered title (shrunk to fit the width).
std::string svgNumber(double value);
std::string svgDocumentHeader(int width, int height);
std::string svgTitle(int width, const std::string& title);

/// Fill colors of the locality picture's tiers (color-blind safe, Okabe-Ito): the first-level
/// cache, the second, ..., memory always last in vermillion.
std::vector<std::string> tierColors(std::size_t tiers);

}  // namespace cachescope::plot
