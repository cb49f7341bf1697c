// The heap map (plot/heap_map.hpp): blocks as rectangles over address x time, the reserved top, and
// external fragmentation beneath, one panel per allocator. Numbers are written with svgNumber, so
// the same figure always gives the same bytes.

#include "cachescope/plot/heap_map.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <sstream>

#include "cachescope/core/atomic_file.hpp"

namespace cachescope::plot {

namespace {

// Okabe-Ito (without black), then Paul Tol's darker "muted" colors; other groups are grey.
constexpr std::array<const char*, 12> kGroupColors = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                      "#E69F00", "#56B4E9", "#F0E442", "#332288",
                                                      "#882255", "#117733", "#AA4499", "#999933"};
constexpr const char* kOtherColor = "#a8a8a8";
constexpr const char* kUnreserved = "#e4e4e4";

constexpr double kLeft = 100, kPlotWidth = 820, kLegendX = kLeft + kPlotWidth + 24;
constexpr double kHeapHeight = 300, kFragHeight = 80, kFragGap = 34, kPanelTitle = 26, kPanelBottom = 50;
constexpr double kPanelHeight = kPanelTitle + kHeapHeight + kFragGap + kFragHeight + kPanelBottom;
constexpr std::uint32_t kRasterRows = 300;

std::string n(double v) { return svgNumber(v); }

std::string rect(double x, double y, double w, double h, const std::string& attributes) {
    return "<rect x=\"" + n(x) + "\" y=\"" + n(y) + "\" width=\"" + n(w) + "\" height=\"" + n(h) + "\" " +
           attributes + "/>\n";
}

std::string text(double x, double y, const std::string& t, const std::string& attributes = "") {
    return "<text x=\"" + n(x) + "\" y=\"" + n(y) + "\"" + (attributes.empty() ? "" : " " + attributes) + ">" +
           escapeXml(t) + "</text>\n";
}

/// Power-of-two address ticks from 0 to `top`, about 4 to 8 of them.
std::vector<Tick> addressTicks(double top) {
    double step = 16;
    while (top / step > 6) step *= 2;
    std::vector<Tick> ticks;
    for (double v = 0; v <= top + 1e-9; v += step) ticks.push_back({v, byteLabel(v)});
    return ticks;
}

struct Panel {
    const HeapMap& map;
    const std::vector<int>& colorOf;  // group -> color index, -1 = other
    double top = 0;                   // y of the heap area
    double maxAddress = 1;
    double x(double t) const { return kLeft + (map.events ? t / double(map.events) : 0) * kPlotWidth; }
    double y(double address) const { return top + kHeapHeight - address / maxAddress * kHeapHeight; }
    std::string color(std::uint32_t group) const {
        const int c = group < colorOf.size() ? colorOf[group] : -1;
        return c < 0 ? kOtherColor : kGroupColors[static_cast<std::size_t>(c)];
    }
};

/// Ticks of the time axis below y (the bottom of an area), with labels or without.
std::string timeTicks(const Panel& p, double y1, bool labels) {
    std::string s = "<g class=\"x-ticks\" text-anchor=\"middle\">\n";
    for (const Tick& t : linearTicks(0, double(std::max<std::uint64_t>(p.map.events, 1)))) {
        const double px = p.x(t.value);
        s += "<line x1=\"" + n(px) + "\" y1=\"" + n(y1) + "\" x2=\"" + n(px) + "\" y2=\"" + n(y1 + 5) +
             "\" stroke=\"#333333\"/>\n";
        if (labels) s += text(px, y1 + 18, t.label);
    }
    return s + "</g>\n";
}

std::string blocksAsRectangles(const Panel& p) {
    const bool outline = p.map.blocks.size() <= 2000;
    std::string s = "<g class=\"blocks\"" +
                    std::string(outline ? " stroke=\"#222222\" stroke-width=\"0.4\" stroke-opacity=\"0.6\"" : "") +
                    ">\n";
    for (const HeapBlock& b : p.map.blocks) {
        const double x0 = p.x(double(b.begin)), x1 = p.x(double(b.end));
        const double y0 = p.y(double(b.address + b.size)), y1 = p.y(double(b.address));
        // At least half a pixel each way, so a short-lived or small block stays visible.
        s += "<rect class=\"block\" x=\"" + n(x0) + "\" y=\"" + n(std::min(y0, y1 - 0.5)) + "\" width=\"" +
             n(std::max(x1 - x0, 0.5)) + "\" height=\"" + n(std::max(y1 - y0, 0.5)) + "\" fill=\"" + p.color(b.group) +
             "\"><title>" + escapeXml(p.map.groups[b.group].empty() ? "(no site)" : p.map.groups[b.group]) + ": " +
             escapeXml(byteLabel(double(b.size))) + " at " + hexAddress(b.address) + ", events " +
             std::to_string(b.begin) + "-" + std::to_string(b.end) + "</title></rect>\n";
    }
    return s + "</g>\n";
}

/// Cells of one pixel column x kRasterRows rows: a cell takes the group of the block at its centre,
/// else of the first block that touches it.
std::string blocksAsCells(const Panel& p) {
    const auto cols = static_cast<std::uint32_t>(kPlotWidth), rows = kRasterRows;
    std::vector<std::int64_t> owner(std::size_t{cols} * rows, -1);
    std::vector<bool> centre(owner.size(), false);
    const double events = double(std::max<std::uint64_t>(p.map.events, 1));
    const double tPerCol = events / cols, bytesPerRow = p.maxAddress / rows;
    for (const HeapBlock& b : p.map.blocks) {
        const double a0 = double(b.address), a1 = double(b.address + b.size);
        const auto c0 = static_cast<std::uint32_t>(std::min<double>(cols - 1, std::floor(double(b.begin) / tPerCol)));
        const auto c1 = static_cast<std::uint32_t>(std::min<double>(cols, std::max<double>(c0 + 1, std::ceil(double(b.end) / tPerCol))));
        // Rows count from the top: row r covers addresses [maxAddress - (r+1)*bytesPerRow, maxAddress - r*bytesPerRow).
        const auto r0 = static_cast<std::uint32_t>(std::clamp(std::floor((p.maxAddress - a1) / bytesPerRow), 0.0, double(rows - 1)));
        const auto r1 = static_cast<std::uint32_t>(std::clamp(std::ceil((p.maxAddress - a0) / bytesPerRow), double(r0 + 1), double(rows)));
        for (std::uint32_t r = r0; r < r1; ++r) {
            const double ac = p.maxAddress - (r + 0.5) * bytesPerRow;
            for (std::uint32_t c = c0; c < c1; ++c) {
                const double tc = (c + 0.5) * tPerCol;
                const std::size_t cell = std::size_t{r} * cols + c;
                const bool inside = tc >= double(b.begin) && tc < double(b.end) && ac >= a0 && ac < a1;
                if (inside || owner[cell] < 0) {
                    if (!inside && centre[cell]) continue;
                    owner[cell] = b.group;
                    centre[cell] = inside;
                }
            }
        }
    }
    std::map<std::string, std::ostringstream> paths;  // by color
    for (std::uint32_t r = 0; r < rows; ++r)
        for (std::uint32_t c = 0; c < cols;) {
            const std::int64_t g = owner[std::size_t{r} * cols + c];
            std::uint32_t end = c + 1;
            if (g >= 0) {
                const std::string color = p.color(static_cast<std::uint32_t>(g));
                while (end < cols && owner[std::size_t{r} * cols + end] >= 0 &&
                       p.color(static_cast<std::uint32_t>(owner[std::size_t{r} * cols + end])) == color)
                    ++end;
                paths[color] << 'M' << c << ' ' << r << 'h' << (end - c) << "v1h-" << (end - c) << 'z';
            }
            c = end;
        }
    std::string s = "<g class=\"cells\" transform=\"translate(" + n(kLeft) + " " + n(p.top) + ") scale(1 " +
                    fixed(kHeapHeight / rows, 6) + ")\" shape-rendering=\"crispEdges\" stroke=\"none\">\n";
    for (const auto& [color, d] : paths) s += "<path fill=\"" + color + "\" d=\"" + d.str() + "\"/>\n";
    return s + "</g>\n";
}

std::string drawPanel(const Panel& p, std::size_t maxRectangles) {
    const HeapMap& m = p.map;
    std::string s = text(kLeft, p.top - 8, m.title, "class=\"panel-title\" font-weight=\"bold\"");
    s += rect(kLeft, p.top, kPlotWidth, kHeapHeight, "fill=\"" + std::string(kUnreserved) + "\"");
    // The reserved space: white under the step line of the heap top.
    std::string area = "M" + n(p.x(0)) + " " + n(p.y(0));
    std::string line;
    for (std::size_t i = 0; i < m.reserved.size(); ++i) {
        const double y = p.y(m.reserved[i].y);
        const double x0 = p.x(m.reserved[i].x), x1 = p.x(m.reserved[i].x + 1);
        area += "L" + n(x0) + " " + n(y) + "L" + n(x1) + " " + n(y);
        line += (line.empty() ? "M" : "L") + n(x0) + " " + n(y) + "L" + n(x1) + " " + n(y);
    }
    area += "L" + n(p.x(double(m.events))) + " " + n(p.y(0)) + "Z";
    s += "<path class=\"reserved\" fill=\"#ffffff\" d=\"" + area + "\"/>\n";
    s += m.blocks.size() <= maxRectangles ? blocksAsRectangles(p) : blocksAsCells(p);
    if (!line.empty())
        s += "<path class=\"heap-top\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.2\" d=\"" + line + "\"/>\n";
    s += rect(kLeft, p.top, kPlotWidth, kHeapHeight, "fill=\"none\" stroke=\"#333333\"");
    s += "<g class=\"y-ticks\" text-anchor=\"end\" font-size=\"11\">\n";
    for (const Tick& t : addressTicks(p.maxAddress)) {
        const double py = p.y(t.value);
        s += "<line x1=\"" + n(kLeft - 5) + "\" y1=\"" + n(py) + "\" x2=\"" + n(kLeft) + "\" y2=\"" + n(py) +
             "\" stroke=\"#333333\"/>\n";
        s += text(kLeft - 8, py + 4, t.label);
    }
    s += "</g>\n";
    s += timeTicks(p, p.top + kHeapHeight, false);
    s += text(24, p.top + kHeapHeight / 2, "address", "text-anchor=\"middle\" transform=\"rotate(-90 24 " +
                                                          n(p.top + kHeapHeight / 2) + ")\"");

    // External fragmentation beneath, on the same time axis.
    const double ft = p.top + kHeapHeight + kFragGap;
    s += rect(kLeft, ft, kPlotWidth, kFragHeight, "fill=\"#ffffff\" stroke=\"#333333\"");
    s += "<g class=\"y-ticks\" text-anchor=\"end\" font-size=\"11\">\n";
    for (const double v : {0.0, 0.5, 1.0}) {
        const double py = ft + kFragHeight - v * kFragHeight;
        s += "<line x1=\"" + n(kLeft) + "\" y1=\"" + n(py) + "\" x2=\"" + n(kLeft + kPlotWidth) + "\" y2=\"" + n(py) +
             "\" stroke=\"#e0e0e0\"/>\n";
        s += text(kLeft - 8, py + 4, fixed(100 * v, 0) + " %");
    }
    s += "</g>\n";
    std::string points;
    // One point per pixel column at most: the largest value in it, so spikes survive.
    std::vector<double> column(static_cast<std::size_t>(kPlotWidth) + 1, -1);
    for (const Point& f : m.fragmentation) {
        const auto c = static_cast<std::size_t>(std::clamp((p.x(f.x + 0.5) - kLeft), 0.0, kPlotWidth));
        column[c] = std::max(column[c], f.y);
    }
    for (std::size_t c = 0; c < column.size(); ++c)
        if (column[c] >= 0)
            points += (points.empty() ? "" : " ") + n(kLeft + double(c)) + "," + n(ft + kFragHeight - column[c] * kFragHeight);
    s += "<polyline class=\"fragmentation\" fill=\"none\" stroke=\"#D55E00\" stroke-width=\"1.2\" points=\"" +
         points + "\"/>\n";
    s += timeTicks(p, ft + kFragHeight, true);
    s += text(kLeft + kPlotWidth / 2, ft + kFragHeight + 36, "event (time)", "text-anchor=\"middle\"");
    s += text(kLeft - 60, ft - 8, "external fragmentation (1 - largest free / free)", "font-size=\"11\"");
    return s;
}

}  // namespace

std::vector<std::uint32_t> largestGroups(const HeapMap& map, std::size_t count) {
    std::vector<double> area(map.groups.size(), 0), total(map.groups.size(), 0);
    for (const HeapBlock& b : map.blocks)
        if (b.group < area.size()) {
            area[b.group] += double(b.size) * double(std::max<std::uint64_t>(b.end - b.begin, 1));
            total[b.group] += double(b.size);
        }
    auto ranked = [&](const std::vector<double>& key) {
        std::vector<std::uint32_t> order;
        for (std::uint32_t g = 0; g < key.size(); ++g)
            if (key[g] > 0) order.push_back(g);
        std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
            return key[a] != key[b] ? key[a] > key[b] : map.groups[a] < map.groups[b];
        });
        return order;
    };
    // Half the colors for what fills the picture (bytes x events), half for what is allocated
    // most (bytes over every allocation: the churn, e.g. a KV cache reallocated every token).
    const std::vector<std::uint32_t> byArea = ranked(area), byTotal = ranked(total);
    std::vector<std::uint32_t> out;
    auto take = [&](const std::vector<std::uint32_t>& from, std::size_t upTo) {
        for (const std::uint32_t g : from) {
            if (out.size() >= upTo) break;
            if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
        }
    };
    take(byArea, (count + 1) / 2);
    take(byTotal, count);
    take(byArea, count);
    return out;
}

std::string renderSvg(const HeapMapFigure& figure) {
    const double figureTop = 50;
    const int height = static_cast<int>(figureTop + kPanelHeight * double(std::max<std::size_t>(figure.panels.size(), 1)));
    std::string s = svgDocumentHeader(figure.width, height);
    s += svgTitle(figure.width, figure.title);
    if (figure.panels.empty()) return s + "</svg>\n";

    // Colors follow the first panel's largest groups (every panel shows the same trace).
    const HeapMap& first = figure.panels.front();
    const std::vector<std::uint32_t> legend = largestGroups(first, std::min(figure.legendGroups, kGroupColors.size()));
    std::vector<int> colorOf(first.groups.size(), -1);
    for (std::size_t i = 0; i < legend.size(); ++i) colorOf[legend[i]] = static_cast<int>(i);

    for (std::size_t i = 0; i < figure.panels.size(); ++i) {
        const HeapMap& m = figure.panels[i];
        Panel p{m, colorOf, figureTop + kPanelTitle + kPanelHeight * double(i), 1};
        double top = 16;
        for (const Point& r : m.reserved) top = std::max(top, r.y);
        for (const HeapBlock& b : m.blocks) top = std::max(top, double(b.address + b.size));
        p.maxAddress = top;
        s += "<g class=\"panel\">\n" + drawPanel(p, figure.maxRectangles) + "</g>\n";
    }

    // The legend, right of the first panel.
    const double ly0 = figureTop + kPanelTitle;
    s += "<g class=\"legend\" font-size=\"11\">\n";
    s += text(kLegendX, ly0 + 4, "largest tensors / sites", "font-weight=\"bold\"");
    double ly = ly0 + 16;
    for (std::size_t i = 0; i < legend.size(); ++i, ly += 18) {
        s += rect(kLegendX, ly, 14, 12, "fill=\"" + std::string(kGroupColors[i]) + "\"");
        const std::string& name = first.groups[legend[i]];
        s += text(kLegendX + 20, ly + 10, ellipsize(name.empty() ? "(no site)" : name, 30));
    }
    s += rect(kLegendX, ly, 14, 12, "fill=\"" + std::string(kOtherColor) + "\"");
    s += text(kLegendX + 20, ly + 10, "other");
    ly += 18;
    s += rect(kLegendX, ly, 14, 12, "fill=\"#ffffff\" stroke=\"#333333\" stroke-width=\"0.6\"");
    s += text(kLegendX + 20, ly + 10, "free, inside the reserved space");
    ly += 18;
    s += rect(kLegendX, ly, 14, 12, "fill=\"" + std::string(kUnreserved) + "\"");
    s += text(kLegendX + 20, ly + 10, "not reserved");
    ly += 18;
    s += "<line x1=\"" + n(kLegendX) + "\" y1=\"" + n(ly + 6) + "\" x2=\"" + n(kLegendX + 14) + "\" y2=\"" + n(ly + 6) +
         "\" stroke=\"#000000\" stroke-width=\"1.2\"/>\n";
    s += text(kLegendX + 20, ly + 10, "reserved (heap top)");
    s += "</g>\n";
    return s + "</svg>\n";
}

void writeSvg(const std::string& path, const HeapMapFigure& figure) {
    const std::string t = renderSvg(figure);
    writeFileAtomically(path, [&](std::ostream& os) { os << t; });
}

}  // namespace cachescope::plot
