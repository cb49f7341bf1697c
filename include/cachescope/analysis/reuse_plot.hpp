#pragma once
// Plots of the reuse analyses (analysis/reuse.hpp) as plot values (plot/svg.hpp):
//  - the miss-ratio curve: miss ratio against cache size in bytes on a log2 axis, one series
//    ("exact", or "SHARDS, rate R" for a sampled curve);
//  - the reuse-distance histogram: references per log2 bucket of distance ("0", "1", "2-3",
//    "4-7", ...) and a last bar "cold", on a log10 y axis (a few buckets usually hold most), or a
//    linear one on request.
// `source` names the trace in the title.

#include <string>

#include "cachescope/analysis/reuse.hpp"
#include "cachescope/plot/svg.hpp"

namespace cachescope {

plot::LineChart mrcChart(const MissRatioCurve& curve, const std::string& source);
/// `logY` false: a linear y axis (`reuse --plot --linear`), where bars compare by height.
plot::BarChart reuseChart(const ReuseHistogram& histogram, const std::string& source, bool logY = true);

}  // namespace cachescope
