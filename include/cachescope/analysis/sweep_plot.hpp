#pragma once
// The sweep curve: one level's miss rate against one varied key, one line per combination of the
// other varied keys (and per trace when there are several).
//
// Example: --vary caches.L1.size=1KiB,2KiB,4KiB --vary caches.L1.associativity=1,2 on one trace
// gives two lines, "caches.L1.associativity=1" and "...=2", each through three points
// (1024, miss rate), (2048, ...), (4096, ...). The x key is the first --vary whose values are all
// numbers or sizes ("32KiB"), unless one is named; the x axis is log2 (with byte labels when the
// key ends in "size") when every value is a positive power of two, linear otherwise. Error rows
// (--skip-invalid) are left out.

#include <string>

#include "cachescope/analysis/sweep.hpp"
#include "cachescope/plot/svg.hpp"

namespace cachescope {

/// The chart of `table` for the cache (or TLB) named `level` (empty = the first cache that saw
/// references in some run) against the --vary path `x` (empty = the first numeric one); a y axis
/// of 0..1 when every miss rate is 0. Throws UsageError naming the valid choices when `level` or
/// `x` names nothing, or when no --vary is numeric.
plot::LineChart sweepChart(const SweepTable& table, const std::string& level, const std::string& x);

/// True if some --vary of `table` has values that are all numbers or sizes (sweepChart can draw it).
bool hasNumericVary(const SweepTable& table);

/// For a sweep that varies only words (replacement=lru,fifo,opt): one bar per run, its level's miss
/// rate, labelled with the run's values (and its trace when there are several), in run order.
/// `level` as for sweepChart. Error rows are left out.
plot::BarChart sweepBars(const SweepTable& table, const std::string& level);

}  // namespace cachescope
