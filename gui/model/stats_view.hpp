#pragma once
// The statistics panel's tables: per level (accesses, misses, hit rate, 3C, write-backs) and per
// statement (accesses and misses at the first data cache), and the same as CSV for "copy".

#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/session/session.hpp"

namespace cachescope::gui {

struct LevelRow {
    std::string name;
    std::uint64_t accesses = 0, misses = 0;
    std::uint64_t compulsory = 0, capacity = 0, conflict = 0;  // 0 without classification
    std::uint64_t writebacks = 0;
    double hitRate() const { return accesses == 0 ? 0.0 : double(accesses - misses) / double(accesses); }
};

struct StatementRow {
    std::string name;
    std::uint64_t accesses = 0, misses = 0;
};

struct StatsTable {
    std::vector<LevelRow> levels;
    std::vector<StatementRow> statements;  // sites with at least one access (attribution on)
};

StatsTable buildStatsTable(const Session& session);

/// "section,name,accesses,misses,hit_rate,compulsory,capacity,conflict,writebacks" rows for the
/// levels, then "statement,..." rows (their 3C and write-back columns empty).
std::string statsCsv(const StatsTable& table);

}  // namespace cachescope::gui
