#pragma once
// Plots of the reuse analyses (analysis/reuse.hpp) as plot values (plot/svg.hpp):
//  - the miss-ratio curve: miss ratio against cache size in bytes on a log2 axis, one series
//    ("exact", or "SHARDS, rate R" for a sampled curve);
//  - the reuse-distance histogram: references per log2 bucket of distance ("0", "1", "2-3",
//    "4-7", ...) and a last bar "cold", on a log10 y axis (a few buckets usually hold most).
// `source` names the trace in the title.

#include <string>

#include "cachescope/analysis/reuse.hpp"
#include "cachescope/plot/svg.hpp"

namespace cachescope {

plot::LineChart mrcChart(const MissRatioCurve& curve, const std::string& source);
plot::BarChart reuseChart(const ReuseHistogram& histogram, const std::string& source);

}  // namespace cachescope
