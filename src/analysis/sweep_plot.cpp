#include "cachescope/analysis/sweep_plot.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <optional>

#include "cachescope/core/error.hpp"
#include "cachescope/core/names.hpp"

namespace cachescope {

namespace {

/// A --vary value as a number: "4KiB" -> 4096, "8" -> 8, "0.5" -> 0.5; nullopt for "lru".
std::optional<double> numeric(const std::string& text) {
    if (const auto size = parseSize(text)) return double(*size);
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && std::isfinite(v)) return v;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

bool allNumeric(const SweepVary& v) {
    for (const std::string& value : v.values)
        if (!numeric(value)) return false;
    return !v.values.empty();
}


/// The level a sweep plot draws: a cache, else a TLB (see sweepChart).
struct PlotLevel {
    std::string name;
    std::optional<std::size_t> cache, tlb;
    const SweepCounts& of(const SweepRow& row) const { return cache ? row.levels[*cache] : row.tlbs[*tlb]; }
};

PlotLevel plotLevel(const SweepTable& table, const std::string& level) {
    const SweepIdentity& id = table.identity;
    // The level: a cache, else a TLB. By default the first cache that saw references in some run
    // (default.json's L1I sees none on a data-only kernel: its curve would be a flat zero).
    std::optional<std::size_t> cache, tlb;
    std::string levelName = level;
    if (level.empty() && !id.levels.empty()) {
        levelName = id.levels.front();
        for (std::size_t i = id.levels.size(); i-- > 0;)
            if (std::any_of(table.rows.begin(), table.rows.end(), [i](const SweepRow& r) {
                    return r.error.empty() && i < r.levels.size() && r.levels[i].accesses > 0;
                }))
                levelName = id.levels[i];
    }
    for (std::size_t i = 0; i < id.levels.size(); ++i)
        if (id.levels[i] == levelName) cache = i;
    for (std::size_t i = 0; i < id.tlbs.size() && !cache; ++i)
        if (id.tlbs[i] == levelName) tlb = i;
    if (!cache && !tlb) {
        std::vector<std::string> names = id.levels;
        names.insert(names.end(), id.tlbs.begin(), id.tlbs.end());
        throw UsageError("--plot-level \"" + level + "\" is not a cache or TLB of the sweep; expected one of: " +
                         joinNames(names));
    }
    return {levelName, cache, tlb};
}

/// A sweep's trace label for a chart title: a kernel's label ("kernel matmul m=0 n=8 ... base=...")
/// without the parameters that are 0 (off, or "same as n") and the layout's defaults, so the
/// parameters that matter fit before the title is ellipsized. Trace paths are unchanged.
std::string titleLabel(const std::string& label) {
    if (label.rfind("kernel ", 0) != 0) return label;
    std::string out;
    std::size_t start = 0;
    while (start <= label.size()) {
        const std::size_t end = std::min(label.find(' ', start), label.size());
        const std::string word = label.substr(start, end - start);
        const bool quiet = word.ends_with("=0") || word == "base=268435456" || word == "base=0x10000000" ||
                           word == "align=4096";
        if (!word.empty() && !quiet) out += (out.empty() ? "" : " ") + word;
        start = end + 1;
    }
    return out;
}

}  // namespace

bool hasNumericVary(const SweepTable& table) {
    return std::any_of(table.identity.vary.begin(), table.identity.vary.end(), allNumeric);
}

plot::BarChart sweepBars(const SweepTable& table, const std::string& level) {
    const SweepIdentity& id = table.identity;
    const PlotLevel pl = plotLevel(table, level);
    plot::BarChart chart;
    std::string varied;
    for (const SweepVary& v : id.vary) varied += (varied.empty() ? "" : ", ") + v.path;
    chart.title = "Sweep: " + pl.name + " miss rate by " + varied;
    if (id.traces.size() == 1) chart.title += " (" + plot::ellipsize(titleLabel(id.traces.front()), 48) + ")";
    chart.xLabel = varied;
    chart.yLabel = pl.name + " miss rate";
    for (const SweepRow& row : table.rows) {
        if (!row.error.empty()) continue;
        std::string label;
        for (const std::string& value : row.values) label += (label.empty() ? "" : ", ") + value;
        if (id.traces.size() > 1) label += (label.empty() ? "" : ", ") + plot::ellipsize(row.traceLabel, 24);
        chart.labels.push_back(label);
        chart.values.push_back(pl.of(row).missRate());
    }
    return chart;
}

plot::LineChart sweepChart(const SweepTable& table, const std::string& level, const std::string& x) {
    const SweepIdentity& id = table.identity;
    const PlotLevel pl = plotLevel(table, level);
    const std::string& levelName = pl.name;
    // The x key.
    std::optional<std::size_t> xi;
    std::vector<std::string> numericPaths;
    for (std::size_t i = 0; i < id.vary.size(); ++i) {
        if (!allNumeric(id.vary[i])) continue;
        numericPaths.push_back(id.vary[i].path);
        if ((x.empty() && !xi) || id.vary[i].path == x) xi = i;
    }
    if (!xi) {
        if (numericPaths.empty())
            throw UsageError("--plot draws a miss rate against a --vary whose values are all numbers or sizes (its x "
                             "axis), such as --vary caches.L1.size=1KiB,2KiB; this sweep varies no such key");
        throw UsageError("--plot-x \"" + x + "\" is not a numeric --vary of the sweep; expected one of: " +
                         joinNames(numericPaths));
    }
    const SweepVary& xv = id.vary[*xi];

    // Legend names use the last part of each path ("associativity=2") unless two paths share it.
    std::vector<std::string> keys;
    for (const SweepVary& v : id.vary) keys.push_back(v.path.substr(v.path.rfind('.') + 1));
    for (std::size_t i = 0; i < keys.size(); ++i)
        for (std::size_t j = 0; j < keys.size(); ++j)
            if (i != j && keys[i] == keys[j]) keys[i] = id.vary[i].path;

    plot::LineChart chart;
    chart.title = "Sweep: " + levelName + " miss rate against " + xv.path;
    if (id.traces.size() == 1) chart.title += " (" + plot::ellipsize(titleLabel(id.traces.front()), 48) + ")";
    bool powersOfTwo = true;
    for (const std::string& v : xv.values) {
        const double d = *numeric(v);
        powersOfTwo = powersOfTwo && d >= 1 && d == std::floor(d) && d < 1.8e19 &&
                      std::has_single_bit(static_cast<std::uint64_t>(d));
    }
    const bool bytes = xv.path.size() >= 4 && xv.path.compare(xv.path.size() - 4, 4, "size") == 0;
    chart.x = {xv.path + (bytes ? " (bytes)" : ""), powersOfTwo ? plot::Scale::Log2 : plot::Scale::Linear,
               bytes && powersOfTwo, std::nullopt, std::nullopt};
    chart.y = {levelName + " miss rate", plot::Scale::Linear, false, 0.0, std::nullopt};

    // One series per (other values, trace), in the order of first appearance (the run order).
    std::map<std::string, std::size_t> seriesOf;
    for (const SweepRow& row : table.rows) {
        if (!row.error.empty()) continue;
        std::string name;
        for (std::size_t i = 0; i < id.vary.size(); ++i)
            if (i != *xi) name += (name.empty() ? "" : ", ") + keys[i] + "=" + row.values[i];
        if (id.traces.size() > 1) name += (name.empty() ? "" : ", ") + plot::ellipsize(row.traceLabel, 24);
        if (name.empty()) name = levelName;
        auto [it, inserted] = seriesOf.try_emplace(name, chart.series.size());
        if (inserted) chart.series.push_back({name, {}});
        chart.series[it->second].points.push_back({*numeric(row.values[*xi]), pl.of(row).missRate()});
    }
    bool allZero = true;
    for (plot::Series& series : chart.series) {
        std::stable_sort(series.points.begin(), series.points.end(),
                         [](const plot::Point& a, const plot::Point& b) { return a.x < b.x; });
        for (const plot::Point& p : series.points) allZero = allZero && p.y == 0;
    }
    if (allZero) chart.y.max = 1.0;  // a miss rate of 0 everywhere: 0..1, not an axis of 0..2
    return chart;
}

}  // namespace cachescope
