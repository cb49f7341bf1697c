#pragma once
// Side-by-side comparison of several runs of the same trace under different configs
// (`cachescope compare`). Like the run report, it is built from RunSummary values only, so it can be
// tested on hand-built inputs.
//
// Rows: for every cache name (in the order first met: A's caches, then B's new ones, ...) its
// accesses, misses and miss rate (and compulsory / capacity / conflict when the runs were
// classified); then memory reads, memory writes, total cycles and AMAT. A cache that a config does
// not have shows "-" (null in JSON). With exactly two configs, two more columns: B - A and the
// relative change (B - A) / A ("-" when A is 0 or a value is missing); a miss rate's difference is
// in percentage points (pp).
//
//   cachescope compare: trace t.trace (text, 4 records, 4 references)
//     A: a.json
//     B: b.json
//
//   metric              A       B      B - A   change
//   L1 accesses         4       4          0    0.00%
//   L1 misses           3       2         -1  -33.33%
//   L1 miss rate   75.00%  50.00%  -25.00 pp  -33.33%
//   memory reads        3       2         -1  -33.33%
//   ...
//
// JSON: {"tool", "version", "trace": {"path", "format", "records"}, "references", "configs": [file...],
// "rows": [{"level" (cache name, absent for memory/total rows), "metric", "values": [per config,
// null if absent], and with two configs "difference" and "relative_difference" (null when
// undefined)}]}. Metrics: accesses, misses, miss_rate (a fraction), compulsory, capacity,
// conflict, memory_reads, memory_writes, total_cycles, amat.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/report/report.hpp"

namespace cachescope {

struct CompareRow {
    enum class Kind { Count, Rate, Cycles };  // integer, fraction (shown as %), cycles (2 decimals)
    std::string level;                        // cache name; "" for memory and totals
    std::string metric;                       // JSON name: accesses, misses, miss_rate, ...
    Kind kind = Kind::Count;
    std::vector<std::optional<double>> values;  // one per run; nullopt when the run has no such cache

    /// values[1] - values[0] (two runs, both present).
    std::optional<double> difference() const;
    /// (values[1] - values[0]) / values[0] (two runs, both present, values[0] != 0).
    std::optional<double> relativeDifference() const;
};

/// The rows of the comparison of `runs` (the same trace under different configs).
std::vector<CompareRow> compareRows(const std::vector<RunSummary>& runs);

void printCompareText(std::ostream& os, const std::vector<RunSummary>& runs);
nlohmann::ordered_json compareJson(const std::vector<RunSummary>& runs);

}  // namespace cachescope
