#pragma once
// What `cachescope trace info` prints: a one-pass summary of a trace.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/trace/metadata.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

struct RegionInfo {
    std::string name;
    std::uint64_t accesses = 0, reads = 0, writes = 0;
    std::uint64_t footprintLines = 0;  // distinct lines of this region touched
};

struct TraceInfo {
    std::string name;
    TraceFormat format = TraceFormat::Text;
    std::uint64_t records = 0;
    std::uint64_t accesses = 0, reads = 0, writes = 0, fetches = 0;
    std::uint64_t bytes = 0;              // sum of access sizes
    std::uint64_t msyncs = 0;             // msync events (trace/event.hpp; printed when not 0)
    std::uint64_t minAddress = 0, maxAddress = 0;  // of the first and last byte touched
    std::uint32_t lineSize = 64, pageSize = 4096;
    std::uint64_t footprintLines = 0;     // distinct lines touched (a line-crossing access touches two)
    std::uint64_t footprintPages = 0;
    std::optional<TraceMetadata> metadata;
    std::vector<RegionInfo> regions;      // one per metadata region, plus "(outside regions)" if any
};

/// Reads `trace` to its end. Memory grows with the footprint (a hash set of lines and pages).
TraceInfo traceInfo(TraceReader& trace, const std::string& name, std::uint32_t lineSize = 64,
                    std::uint32_t pageSize = 4096);

void printTraceInfo(std::ostream& os, const TraceInfo& info);
nlohmann::ordered_json traceInfoJson(const TraceInfo& info);

}  // namespace cachescope
