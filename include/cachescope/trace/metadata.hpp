#pragma once
// What a trace knows about the program that produced it: the named memory regions (tensors) it
// touches and the statements (sites) that issue its accesses. Kernels produce it, the binary
// format stores it, reports use it to attribute accesses and misses to tensors and statements.
//
// Site ids index `sites`; site 0 is always "(unknown)" (an Access whose statement is not known).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/core/access.hpp"

namespace cachescope {

/// A named, contiguous range of addresses: one tensor (or the kernel's code).
struct Region {
    std::string name;                  // "A", "input", "im2col", ...
    std::uint64_t base = 0;            // first byte
    std::uint64_t size = 0;            // bytes, padding included
    std::uint32_t elementSize = 1;     // bytes per element
    std::vector<std::uint64_t> shape;  // logical dimensions, outermost first (e.g. {N, C, H, W})
    std::string layout;                // how shape maps to memory: "row-major", "NCHW", "NHWC", ...
    /// Distance in elements between consecutive indices of each dimension (padding included);
    /// same length as shape. Empty for regions that are not arrays (code).
    std::vector<std::uint64_t> strides;

    bool contains(std::uint64_t address) const { return address - base < size; }
    friend bool operator==(const Region&, const Region&) = default;
};

/// A statement of the program that issues accesses, e.g. "load B[k][j]".
struct Site {
    std::string name;
    std::int32_t region = -1;  // index into TraceMetadata::regions; -1 if not one region
    AccessKind kind = AccessKind::Read;
    friend bool operator==(const Site&, const Site&) = default;
};

struct TraceMetadata {
    /// What produced the trace, for people: "kernel matmul n=64 order=ikj", "valgrind ./a.out".
    std::string source;
    /// Kernel name and its resolved parameters (every parameter, defaults included), if any.
    std::string kernel;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<Region> regions;  // sorted by base, disjoint
    std::vector<Site> sites{Site{"(unknown)", -1, AccessKind::Read}};

    /// Index of the region holding `address`, if any (binary search).
    std::optional<std::size_t> regionOf(std::uint64_t address) const;
    /// Appends a site and returns its id. Throws std::length_error beyond 65,535 sites.
    std::uint16_t addSite(std::string name, std::int32_t region, AccessKind kind);

    friend bool operator==(const TraceMetadata&, const TraceMetadata&) = default;
};

/// The JSON form stored in binary trace headers and printed by `trace info --json`:
///   {"source": ..., "kernel": ..., "params": {"n": "64", ...},
///    "regions": [{"name", "base", "size", "element_size", "shape", "layout", "strides"}],
///    "sites": [{"name", "region", "kind"}]}      (site 0 included)
nlohmann::ordered_json toJson(const TraceMetadata& metadata);
/// Parses toJson's form. Throws TraceError naming `where` and the JSON path on anything else
/// (missing keys, wrong types, overlapping regions, a site naming a region that does not exist).
TraceMetadata metadataFromJson(const nlohmann::json& json, const std::string& where);
/// The same for an ordered_json (what toJson returns and the binary reader parses): keeps the
/// order of `params`, which nlohmann::json would sort by name, so metadataFromJson(toJson(m)) == m.
TraceMetadata metadataFromJson(const nlohmann::ordered_json& json, const std::string& where);

}  // namespace cachescope
