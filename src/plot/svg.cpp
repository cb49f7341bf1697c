// SVG rendering of line charts, bar charts and the locality picture (see plot/svg.hpp).
//
// Every number is written with snprintf in the C locale ("%.2f" for coordinates), so the same
// chart always gives the same bytes. Every text goes through escapeXml.

#include "cachescope/plot/svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "cachescope/core/atomic_file.hpp"

namespace cachescope::plot {

namespace {

constexpr const char* kFont = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";
// Okabe-Ito colors, in an order where neighbours differ most; yellow (hard on white) last.
constexpr std::array<const char*, 8> kSeriesColors = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                      "#E69F00", "#56B4E9", "#000000", "#F0E442"};
constexpr std::array<const char*, 3> kDashes = {"", "7 4", "2 3"};

/// A coordinate: two decimals, trailing zeros dropped ("12.5", "300").
std::string num(double v) {
    if (std::abs(v) < 0.005) v = 0;  // no "-0"
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), "%.2f", v);
    std::string s = buf.data();
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

/// An integer with thousands separators: 1,234,567.
std::string withCommas(long long v) {
    const bool negative = v < 0;
    std::string digits = std::to_string(negative ? -v : v);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return negative ? "-" + out : out;
}

/// Label of a tick value `v` on a linear axis whose step is `step`.
std::string linearLabel(double v, double step) {
    const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
    if (decimals == 0 && std::abs(v) < 9e15) return withCommas(std::llround(v));
    return fixed(v, decimals);
}

std::string textElement(double x, double y, std::string_view text, const std::string& attributes = "") {
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"" + (attributes.empty() ? "" : " " + attributes) + ">" +
           escapeXml(text) + "</text>\n";
}

std::string header(int width, int height) {
    std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
         std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
         "\" font-family=\"" + kFont + "\" font-size=\"13\">\n";
    s += "<rect x=\"0\" y=\"0\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" fill=\"#ffffff\"/>\n";
    return s;
}

std::string titleElement(int width, const std::string& title) {
    // Bold sans-serif letters are about 0.62 em wide: shrink a long title to fit, down to 9 px.
    const double fit = (width - 20) / (0.62 * double(std::max<std::size_t>(title.size(), 1)));
    const double size = std::clamp(fit, 9.0, 16.0);
    return textElement(
        width / 2.0, 26, title,
        "class=\"title\" text-anchor=\"middle\" font-size=\"" + num(std::floor(size)) + "\" font-weight=\"bold\"");
}

/// The plot area in pixels.
struct Frame {
    double left = 0, top = 0, width = 0, height = 0;
    double right() const { return left + width; }
    double bottom() const { return top + height; }
};

/// Axis labels: x centered below, y rotated on the left.
std::string axisLabels(const Frame& f, const std::string& xLabel, const std::string& yLabel, double yLabelX) {
    std::string s =
        textElement(f.left + f.width / 2, f.bottom() + 44, xLabel, "class=\"x-label\" text-anchor=\"middle\"");
    const double cy = f.top + f.height / 2;
    s += "<text class=\"y-label\" x=\"" + num(yLabelX) + "\" y=\"" + num(cy) +
         "\" text-anchor=\"middle\" transform=\"rotate(-90 " + num(yLabelX) + " " + num(cy) + ")\">" +
         escapeXml(yLabel) + "</text>\n";
    return s;
}

std::string frameRect(const Frame& f) {
    return "<rect class=\"frame\" x=\"" + num(f.left) + "\" y=\"" + num(f.top) + "\" width=\"" + num(f.width) +
           "\" height=\"" + num(f.height) + "\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>\n";
}

/// A numeric axis: its range in axis units (log2 of the value on a log2 axis) and its ticks.
struct Scaled {
    Scale scale = Scale::Linear;
    double lo = 0, hi = 1;  // in axis units
    std::vector<Tick> ticks;
    double unit(double v) const { return scale == Scale::Log2 ? std::log2(v) : v; }
    double fraction(double v) const { return hi > lo ? (unit(v) - lo) / (hi - lo) : 0.5; }
};

Scaled scaleAxis(const Axis& axis, double dataLo, double dataHi) {
    Scaled s;
    s.scale = axis.scale;
    if (axis.scale == Scale::Log2) {
        double lo = axis.min.value_or(dataLo > 0 ? std::exp2(std::floor(std::log2(dataLo))) : 1.0);
        double hi = axis.max.value_or(dataHi > 0 ? std::exp2(std::ceil(std::log2(dataHi))) : 2.0);
        if (!(lo > 0)) lo = 1;
        if (!(hi > lo)) hi = lo * 2;
        s.lo = std::log2(lo);
        s.hi = std::log2(hi);
        s.ticks = log2Ticks(lo, hi, axis.bytes);
        return s;
    }
    double lo = axis.min.value_or(dataLo);
    double hi = axis.max.value_or(dataHi);
    if (!(hi > lo)) {  // one value, or no data
        const double pad = std::abs(lo) > 0 ? std::abs(lo) * 0.5 : 1.0;
        if (!axis.min) lo -= pad;
        if (!axis.max) hi = lo + 2 * pad;
        if (!(hi > lo)) hi = lo + 1;
    }
    // Round a range taken from the data out to whole ticks.
    const std::vector<Tick> first = linearTicks(lo, hi);
    const double step = first.size() >= 2 ? first[1].value - first[0].value : 0;
    if (step > 0) {
        if (!axis.min) lo = std::floor(lo / step + 1e-9) * step;
        if (!axis.max) hi = std::ceil(hi / step - 1e-9) * step;
    }
    s.lo = lo;
    s.hi = hi;
    s.ticks = linearTicks(lo, hi);
    return s;
}

std::string xTicks(const Frame& f, const Scaled& x) {
    std::string s = "<g class=\"x-ticks\" text-anchor=\"middle\">\n";
    for (const Tick& t : x.ticks) {
        const double px = f.left + x.fraction(t.value) * f.width;
        s += "<line x1=\"" + num(px) + "\" y1=\"" + num(f.top) + "\" x2=\"" + num(px) + "\" y2=\"" + num(f.bottom()) +
             "\" stroke=\"#e0e0e0\"/>\n";
        s += "<line x1=\"" + num(px) + "\" y1=\"" + num(f.bottom()) + "\" x2=\"" + num(px) + "\" y2=\"" +
             num(f.bottom() + 5) + "\" stroke=\"#333333\"/>\n";
        s += textElement(px, f.bottom() + 20, t.label);
    }
    return s + "</g>\n";
}

std::string yTicks(const Frame& f, const Scaled& y) {
    std::string s = "<g class=\"y-ticks\" text-anchor=\"end\">\n";
    for (const Tick& t : y.ticks) {
        const double py = f.bottom() - y.fraction(t.value) * f.height;
        s += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(py) + "\" x2=\"" + num(f.right()) + "\" y2=\"" + num(py) +
             "\" stroke=\"#e0e0e0\"/>\n";
        s += "<line x1=\"" + num(f.left - 5) + "\" y1=\"" + num(py) + "\" x2=\"" + num(f.left) + "\" y2=\"" + num(py) +
             "\" stroke=\"#333333\"/>\n";
        s += textElement(f.left - 8, py + 4, t.label);
    }
    return s + "</g>\n";
}

double ceilDiv(double a, double b) { return std::ceil(a / b - 1e-9); }

}  // namespace

// ---- building blocks ------------------------------------------------------------------------

std::string ellipsize(std::string_view text, std::size_t max) {
    return text.size() <= max ? std::string(text) : std::string(text.substr(0, max - 3)) + "...";
}

std::string escapeXml(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                // Control characters other than tab and newline are not allowed in XML 1.0.
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
                    out += ' ';
                else
                    out += c;
        }
    }
    return out;
}

std::string fixed(double value, int decimals) {
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), "%.*f", std::clamp(decimals, 0, 12), value);
    std::string s = buf.data();
    if (s.find_first_not_of("-0.") == std::string::npos && s.front() == '-') s.erase(0, 1);
    return s;
}

std::string svgNumber(double value) { return num(value); }
std::string svgDocumentHeader(int width, int height) { return header(width, height); }
std::string svgTitle(int width, const std::string& title) { return titleElement(width, title); }

std::string hexAddress(std::uint64_t address) {
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "0x%llx", static_cast<unsigned long long>(address));
    return buf.data();
}

std::string byteLabel(double bytes) {
    static constexpr std::array<const char*, 5> kUnits = {"B", "KiB", "MiB", "GiB", "TiB"};
    std::size_t unit = 0;
    double v = bytes;
    while (std::abs(v) >= 1024 && unit + 1 < kUnits.size()) {
        v /= 1024;
        ++unit;
    }
    const bool whole = std::abs(v - std::round(v)) < 1e-9;
    return (whole ? fixed(v, 0) : fixed(v, 1)) + " " + kUnits[unit];
}

std::vector<Tick> linearTicks(double lo, double hi, int target) {
    if (lo > hi) std::swap(lo, hi);
    if (!(hi > lo)) return {Tick{lo, linearLabel(lo, std::abs(lo) > 0 ? std::abs(lo) : 1.0)}};
    const double raw = (hi - lo) / std::max(1, target);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / magnitude;
    const double nice = f <= 1.0 + 1e-9 ? 1 : f <= 2.0 + 1e-9 ? 2 : f <= 5.0 + 1e-9 ? 5 : 10;
    const double step = nice * magnitude;
    const auto first = static_cast<long long>(std::ceil(lo / step - 1e-9));
    const auto last = static_cast<long long>(std::floor(hi / step + 1e-9));
    std::vector<Tick> ticks;
    for (long long k = first; k <= last; ++k) {
        const double v = static_cast<double>(k) * step;
        ticks.push_back({v, linearLabel(v, step)});
    }
    return ticks;
}

std::vector<Tick> log2Ticks(double lo, double hi, bool bytes, int maxTicks) {
    if (!(lo > 0)) lo = 1;
    if (hi < lo) hi = lo;
    const auto e0 = static_cast<long long>(std::ceil(std::log2(lo) - 1e-9));
    const auto e1 = static_cast<long long>(std::floor(std::log2(hi) + 1e-9));
    const long long count = e1 - e0 + 1;
    const long long k =
        std::max<long long>(1, static_cast<long long>(ceilDiv(double(count), double(std::max(1, maxTicks)))));
    // Start on a multiple of k, so the ticks are 1, 4, 16, ... rather than 2, 8, 32, ...
    long long e = e0 >= 0 ? (e0 + k - 1) / k * k : -((-e0) / k * k);
    std::vector<Tick> ticks;
    for (; e <= e1; e += k) {
        const double v = std::exp2(double(e));
        std::string label;
        if (bytes)
            label = byteLabel(v);
        else if (e >= 0 && e < 50)
            label = withCommas(static_cast<long long>(std::llround(v)));
        else
            label = "2^" + std::to_string(e);
        ticks.push_back({v, label});
    }
    return ticks;
}

std::vector<Tick> log10Ticks(double lo, double hi) {
    if (!(lo > 0)) lo = 1;
    if (hi < lo) hi = lo;
    const auto e0 = static_cast<long long>(std::floor(std::log10(lo) + 1e-9));
    const auto e1 = static_cast<long long>(std::ceil(std::log10(hi) - 1e-9));
    const long long k = std::max<long long>(1, static_cast<long long>(ceilDiv(double(e1 - e0 + 1), 10)));
    std::vector<Tick> ticks;
    for (long long e = e0; e <= e1; e += k) {
        const double v = std::pow(10.0, double(e));
        ticks.push_back({v, e >= 0 && e < 16 ? withCommas(std::llround(v)) : "1e" + std::to_string(e)});
    }
    return ticks;
}

std::vector<std::string> tierColors(std::size_t tiers) {
    // Caches from the CPU outward: blue, bluish green, orange, reddish purple, sky blue; memory vermillion.
    static constexpr std::array<const char*, 5> kCaches = {"#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9"};
    std::vector<std::string> colors;
    for (std::size_t i = 0; i + 1 < tiers; ++i) colors.push_back(kCaches[std::min(i, kCaches.size() - 1)]);
    if (tiers > 0) colors.push_back("#D55E00");
    return colors;
}

// ---- line chart -------------------------------------------------------------------------------

std::string renderSvg(const LineChart& chart) {
    const bool logX = chart.x.scale == Scale::Log2, logY = chart.y.scale == Scale::Log2;
    double xLo = std::numeric_limits<double>::infinity(), xHi = -xLo, yLo = xLo, yHi = -xLo;
    auto usable = [&](const Point& p) {
        return std::isfinite(p.x) && std::isfinite(p.y) && (!logX || p.x > 0) && (!logY || p.y > 0);
    };
    for (const Series& s : chart.series)
        for (const Point& p : s.points) {
            if (!usable(p)) continue;
            xLo = std::min(xLo, p.x);
            xHi = std::max(xHi, p.x);
            yLo = std::min(yLo, p.y);
            yHi = std::max(yHi, p.y);
        }
    if (!std::isfinite(xLo)) xLo = xHi = yLo = yHi = logX ? 1 : 0;
    if (!std::isfinite(yLo)) yLo = yHi = 0;
    const Scaled x = scaleAxis(chart.x, xLo, xHi);
    const Scaled y = scaleAxis(chart.y, yLo, yHi);

    const double legendWidth = chart.series.empty() ? 0 : 180;
    Frame f;
    f.left = 80;
    f.top = 48;
    f.width = std::max(100.0, chart.width - f.left - 24 - legendWidth);
    f.height = std::max(100.0, chart.height - f.top - 64);

    std::string s = header(chart.width, chart.height);
    s += titleElement(chart.width, chart.title);
    s += "<defs><clipPath id=\"plot-area\"><rect x=\"" + num(f.left) + "\" y=\"" + num(f.top) + "\" width=\"" +
         num(f.width) + "\" height=\"" + num(f.height) + "\"/></clipPath></defs>\n";
    s += xTicks(f, x);
    s += yTicks(f, y);
    s += frameRect(f);
    s += axisLabels(f, chart.x.label, chart.y.label, 22);

    s += "<g class=\"series\" clip-path=\"url(#plot-area)\" fill=\"none\" stroke-width=\"2\" "
         "stroke-linejoin=\"round\">\n";
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const Series& series = chart.series[i];
        const std::string color = kSeriesColors[i % kSeriesColors.size()];
        const std::string dash = kDashes[(i / kSeriesColors.size()) % kDashes.size()];
        std::string points;
        std::vector<std::pair<double, double>> pixels;
        for (const Point& p : series.points) {
            if (!usable(p)) continue;
            const double px = f.left + x.fraction(p.x) * f.width, py = f.bottom() - y.fraction(p.y) * f.height;
            pixels.emplace_back(px, py);
            points += (points.empty() ? "" : " ") + num(px) + "," + num(py);
        }
        s += "<polyline data-series=\"" + escapeXml(series.name) + "\" stroke=\"" + color + "\"" +
             (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + " points=\"" + points + "\"/>\n";
        if (pixels.size() <= 40)  // markers, unless they would merge into a thick line
            for (const auto& [px, py] : pixels)
                s += "<circle cx=\"" + num(px) + "\" cy=\"" + num(py) + "\" r=\"2.5\" fill=\"" + color +
                     "\" stroke=\"none\"/>\n";
    }
    s += "</g>\n";

    if (!chart.series.empty()) {
        const double lx = f.right() + 16;
        s += "<g class=\"legend\">\n";
        for (std::size_t i = 0; i < chart.series.size(); ++i) {
            const double ly = f.top + 8 + 22 * double(i);
            const std::string dash = kDashes[(i / kSeriesColors.size()) % kDashes.size()];
            s += "<line x1=\"" + num(lx) + "\" y1=\"" + num(ly) + "\" x2=\"" + num(lx + 28) + "\" y2=\"" + num(ly) +
                 "\" stroke=\"" + kSeriesColors[i % kSeriesColors.size()] + "\" stroke-width=\"2\"" +
                 (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>\n";
            s += textElement(lx + 36, ly + 4, chart.series[i].name);
        }
        s += "</g>\n";
    }
    return s + "</svg>\n";
}

// ---- bar chart --------------------------------------------------------------------------------

std::string renderSvg(const BarChart& chart) {
    const std::size_t n = std::min(chart.labels.size(), chart.values.size());
    double maxValue = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (std::isfinite(chart.values[i])) maxValue = std::max(maxValue, chart.values[i]);
    Scaled y;
    if (chart.logY) {
        y.ticks = log10Ticks(1, std::max(1.0, maxValue));
        y.lo = 0;
        y.hi = std::log10(std::max(10.0, y.ticks.back().value));
    } else {
        y.ticks = linearTicks(0, maxValue > 0 ? maxValue : 1);
        const double step = y.ticks.size() >= 2 ? y.ticks[1].value - y.ticks[0].value : 1;
        y.lo = 0;
        y.hi = std::max(y.ticks.back().value, std::ceil((maxValue > 0 ? maxValue : 1) / step - 1e-9) * step);
        y.ticks = linearTicks(0, y.hi);
    }
    auto fraction = [&](double v) {
        if (chart.logY) return v >= 1 ? std::log10(v) / y.hi : 0.0;
        return v / y.hi;
    };
    // Log ticks are values; Scaled::fraction would take them as axis units, so place them here.
    Frame f;
    f.left = 90;
    f.top = 48;
    f.width = std::max(100.0, chart.width - f.left - 24);
    const bool rotate = n > 12;
    f.height = std::max(100.0, chart.height - f.top - (rotate ? 96 : 64));

    std::string s = header(chart.width, chart.height);
    s += titleElement(chart.width, chart.title);
    s += "<g class=\"y-ticks\" text-anchor=\"end\">\n";
    for (const Tick& t : y.ticks) {
        const double py = f.bottom() - fraction(t.value) * f.height;
        s += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(py) + "\" x2=\"" + num(f.right()) + "\" y2=\"" + num(py) +
             "\" stroke=\"#e0e0e0\"/>\n";
        s += "<line x1=\"" + num(f.left - 5) + "\" y1=\"" + num(py) + "\" x2=\"" + num(f.left) + "\" y2=\"" + num(py) +
             "\" stroke=\"#333333\"/>\n";
        s += textElement(f.left - 8, py + 4, t.label);
    }
    s += "</g>\n";
    const double slot = n > 0 ? f.width / double(n) : f.width;
    s += "<g class=\"bars\" fill=\"#0072B2\">\n";
    for (std::size_t i = 0; i < n; ++i) {
        const double v = chart.values[i];
        if (!std::isfinite(v) || v <= 0) continue;
        // At least 1.5 px, so a count of 1 (height 0 on a log axis) or a tiny one stays visible.
        const double h = std::max(1.5, fraction(v) * f.height);
        s += "<rect x=\"" + num(f.left + slot * double(i) + slot * 0.1) + "\" y=\"" + num(f.bottom() - h) +
             "\" width=\"" + num(slot * 0.8) + "\" height=\"" + num(h) + "\"><title>" + escapeXml(chart.labels[i]) +
             ": " + escapeXml(std::abs(v - std::round(v)) < 1e-9 ? withCommas(std::llround(v)) : fixed(v, 3)) +
             "</title></rect>\n";
    }
    s += "</g>\n";
    s += "<g class=\"x-ticks\" font-size=\"" + std::string(rotate ? "11" : "13") + "\">\n";
    for (std::size_t i = 0; i < n; ++i) {
        const double px = f.left + slot * (double(i) + 0.5), py = f.bottom() + 18;
        if (rotate)
            s += "<text x=\"" + num(px) + "\" y=\"" + num(py) + "\" text-anchor=\"end\" transform=\"rotate(-45 " +
                 num(px) + " " + num(py) + ")\">" + escapeXml(chart.labels[i]) + "</text>\n";
        else
            s += textElement(px, py, chart.labels[i], "text-anchor=\"middle\"");
    }
    s += "</g>\n";
    s += frameRect(f);
    std::string xl = textElement(f.left + f.width / 2, f.bottom() + (rotate ? 84 : 44), chart.xLabel,
                                 "class=\"x-label\" text-anchor=\"middle\"");
    const double cy = f.top + f.height / 2;
    s += xl + "<text class=\"y-label\" x=\"22\" y=\"" + num(cy) +
         "\" text-anchor=\"middle\" transform=\"rotate(-90 22 " + num(cy) + ")\">" + escapeXml(chart.yLabel) +
         "</text>\n";
    return s + "</svg>\n";
}

// ---- locality picture -------------------------------------------------------------------------

std::string renderSvg(const LocalityPicture& picture) {
    const std::size_t tiers = picture.tierNames.size();
    const std::vector<std::string> colors = tierColors(tiers);
    Frame f;
    f.left = 130;
    f.top = 66;
    f.width = 1000;
    f.height = 500;
    const double bandNames = 130, legend = 170;
    const int width = static_cast<int>(f.right() + bandNames + legend);
    const int height = static_cast<int>(f.bottom() + 64);
    const double sx = picture.columns ? f.width / picture.columns : 1, sy = picture.rows ? f.height / picture.rows : 1;

    std::string s = header(width, height);
    s += titleElement(width, picture.title);
    s += textElement(width / 2.0, 46,
                     "one cell = " + withCommas(static_cast<long long>(picture.referencesPerColumn)) +
                         (picture.referencesPerColumn == 1 ? " reference" : " references") +
                         " x one address slice; its color = the level that served most of them",
                     "class=\"subtitle\" text-anchor=\"middle\" font-size=\"12\" fill=\"#444444\"");
    s += "<rect x=\"" + num(f.left) + "\" y=\"" + num(f.top) + "\" width=\"" + num(f.width) + "\" height=\"" +
         num(f.height) + "\" fill=\"#f4f4f4\"/>\n";

    // Time axis.
    Scaled x;
    x.lo = 0;
    x.hi = double(std::max<std::uint64_t>(1, picture.referencesPerColumn * picture.columns));
    x.ticks = linearTicks(0, double(std::max<std::uint64_t>(picture.references, 1)));
    s += xTicks(f, x);  // before the cells: its grid lines must not cross them

    // Cells: one path per tier, each horizontal run of equal cells one rectangle.
    std::vector<std::ostringstream> paths(tiers);
    const std::size_t expected = std::size_t{picture.columns} * picture.rows;
    if (picture.cells.size() == expected)
        for (std::uint32_t r = 0; r < picture.rows; ++r) {
            const std::uint8_t* row = &picture.cells[std::size_t{r} * picture.columns];
            for (std::uint32_t c = 0; c < picture.columns;) {
                const std::uint8_t v = row[c];
                std::uint32_t end = c + 1;
                while (end < picture.columns && row[end] == v) ++end;
                if (v != 0 && v <= tiers)
                    paths[v - 1u] << 'M' << c << ' ' << r << 'h' << (end - c) << "v1h-" << (end - c) << 'z';
                c = end;
            }
        }
    s += "<g class=\"cells\" transform=\"translate(" + num(f.left) + " " + num(f.top) + ") scale(" + fixed(sx, 6) +
         " " + fixed(sy, 6) + ")\" shape-rendering=\"crispEdges\" stroke=\"none\">\n";
    for (std::size_t t = 0; t < tiers; ++t) {
        const std::string d = paths[t].str();
        if (!d.empty())
            s += "<path data-tier=\"" + escapeXml(picture.tierNames[t]) + "\" fill=\"" + colors[t] + "\" d=\"" + d +
                 "\"/>\n";
    }
    s += "</g>\n";

    // Bands: hex address of each band's first byte, separators where the gaps were left out, names.
    s += "<g class=\"bands\" font-size=\"11\">\n";
    // Labels 11 px high: one that would come within 12 px of the previous one is left out (two
    // regions a few rows apart would print their addresses on top of each other).
    constexpr double kLabelGap = 12;
    double lastAddressLabel = -1e9, lastNameLabel = -1e9;
    for (std::size_t b = 0; b < picture.bands.size(); ++b) {
        const AddressBand& band = picture.bands[b];
        const double top = f.top + band.firstRow * sy, bottom = f.top + (band.firstRow + band.rows) * sy;
        if (b > 0)
            s += "<line x1=\"" + num(f.left - 6) + "\" y1=\"" + num(top) + "\" x2=\"" + num(f.right() + 6) +
                 "\" y2=\"" + num(top) + "\" stroke=\"#555555\" stroke-dasharray=\"4 3\"/>\n";
        if (top + 10 - lastAddressLabel >= kLabelGap) {
            s += textElement(f.left - 8, top + 10, hexAddress(band.begin ^ band.labelMask),
                             "text-anchor=\"end\" font-family=\"DejaVu Sans Mono, monospace\"");
            lastAddressLabel = top + 10;
        }
        if (b + 1 == picture.bands.size() && bottom - lastAddressLabel >= kLabelGap)
            s += textElement(f.left - 8, bottom, hexAddress(band.end ^ band.labelMask),
                             "text-anchor=\"end\" font-family=\"DejaVu Sans Mono, monospace\"");
        // Inner ticks, at multiples of a power of two giving about 4 per band, in tall enough bands.
        const std::uint64_t size = band.end - band.begin;
        if (bottom - top >= 80 && size >= 8) {
            std::uint64_t step = 1;
            while (step < size / 4) step <<= 1;
            for (std::uint64_t a = (band.begin / step + 1) * step; a < band.end && a > band.begin; a += step) {
                const double py = top + double(a - band.begin) / double(size) * (bottom - top);
                if (py - top < 22 || bottom - py < 14 || py + 4 - lastAddressLabel < kLabelGap) continue;
                s += "<line x1=\"" + num(f.left - 5) + "\" y1=\"" + num(py) + "\" x2=\"" + num(f.left) + "\" y2=\"" +
                     num(py) + "\" stroke=\"#333333\"/>\n";
                s += textElement(f.left - 8, py + 4, hexAddress(a ^ band.labelMask),
                                 "text-anchor=\"end\" font-family=\"DejaVu Sans Mono, monospace\"");
                lastAddressLabel = py + 4;
            }
        }
        // Names stop short of the legend (about 20 characters fit in the 130 px column at 11 px).
        const std::string name = band.name.empty() ? "(unnamed)" : band.name;
        const double nameY = std::max((top + bottom) / 2 + 4, lastNameLabel + kLabelGap);
        if (nameY <= f.bottom() + 4) {
            s += textElement(f.right() + 10, nameY,
                             ellipsize(name + " (" + byteLabel(double(band.end - band.begin)) + ")", 20),
                             "class=\"band-name\"");
            lastNameLabel = nameY;
        }
    }
    s += "</g>\n";

    s += frameRect(f);
    s += axisLabels(f, "reference index (time)", "address (hex; gaps between regions left out)", 18);

    // Legend.
    const double lx = f.right() + bandNames + 14;
    s += "<g class=\"legend\">\n";
    s += textElement(lx, f.top + 4, "served by", "font-weight=\"bold\"");
    std::uint64_t total = 0;
    for (const std::uint64_t n : picture.tierReferences) total += n;
    for (std::size_t t = 0; t < tiers; ++t) {
        const double ly = f.top + 20 + 22 * double(t);
        s += "<rect x=\"" + num(lx) + "\" y=\"" + num(ly) + "\" width=\"16\" height=\"14\" fill=\"" + colors[t] +
             "\"/>\n";
        std::string label = picture.tierNames[t];
        if (picture.tierReferences.size() == tiers && total > 0)
            label += " (" + fixed(100.0 * double(picture.tierReferences[t]) / double(total), 1) + " %)";
        s += textElement(lx + 22, ly + 12, label);
    }
    s += "</g>\n";
    return s + "</svg>\n";
}

// ---- files ------------------------------------------------------------------------------------

void writeSvg(const std::string& path, const LineChart& chart) {
    const std::string text = renderSvg(chart);
    writeFileAtomically(path, [&](std::ostream& os) { os << text; });
}
void writeSvg(const std::string& path, const BarChart& chart) {
    const std::string text = renderSvg(chart);
    writeFileAtomically(path, [&](std::ostream& os) { os << text; });
}
void writeSvg(const std::string& path, const LocalityPicture& picture) {
    const std::string text = renderSvg(picture);
    writeFileAtomically(path, [&](std::ostream& os) { os << text; });
}

}  // namespace cachescope::plot
