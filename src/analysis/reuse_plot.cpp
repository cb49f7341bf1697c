#include "cachescope/analysis/reuse_plot.hpp"

#include <array>
#include <cstdio>

namespace cachescope {

namespace {

std::string blockText(std::uint64_t bytes) { return plot::byteLabel(double(bytes)); }

}  // namespace

plot::LineChart mrcChart(const MissRatioCurve& curve, const std::string& source) {
    plot::LineChart chart;
    chart.title = "Miss-ratio curve, fully associative LRU, " + blockText(curve.blockSize) + " blocks: " +
                  plot::ellipsize(source, 48);
    chart.x = {"cache size (bytes)", plot::Scale::Log2, true, std::nullopt, std::nullopt};
    chart.y = {"miss ratio", plot::Scale::Linear, false, 0.0, 1.0};
    std::string name = "exact";
    if (curve.sampleRate < 1.0) {
        std::array<char, 32> rate{};
        std::snprintf(rate.data(), rate.size(), "%.4g", curve.sampleRate);
        name = std::string("SHARDS, rate ") + rate.data();
    }
    plot::Series series{name, {}};
    for (const MrcPoint& p : curve.points) series.points.push_back({double(p.bytes), p.missRatio});
    chart.series.push_back(std::move(series));
    return chart;
}

plot::BarChart reuseChart(const ReuseHistogram& histogram, const std::string& source, bool logY) {
    plot::BarChart chart;
    chart.title = "Reuse distances, " + blockText(histogram.blockSize) + " blocks: " + plot::ellipsize(source, 56);
    chart.xLabel = "reuse distance (distinct blocks between two references to a block)";
    chart.yLabel = "references";
    chart.logY = logY;
    for (const ReuseBucket& b : log2Buckets(histogram)) {
        chart.labels.push_back(b.min == b.max ? std::to_string(b.min)
                                              : std::to_string(b.min) + "-" + std::to_string(b.max));
        chart.values.push_back(double(b.count));
    }
    chart.labels.push_back("cold");
    chart.values.push_back(double(histogram.cold));
    return chart;
}

}  // namespace cachescope
