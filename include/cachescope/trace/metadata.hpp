#pragma once
// What a trace knows about the program that produced it: the named memory regions (tensors) it
// touches and the statements (sites) that issue its accesses. Kernels produce it, the binary
// format stores it, reports use it to attribute accesses and misses to tensors and statements.
//
// Site ids index `sites`; site 0 is always "(unknown)" (an Access whose statement is not known).
//
// Addresses back to elements: elementAt(address) finds the region and, for an array region, the
// element indices, so that
//   address(element) = base + (index[0]*strides[0] + ... + index[d-1]*strides[d-1]) * elementSize
// and address - address(element) < elementSize. Indices come in shape order (the order of the
// region's `layout`: an NHWC tensor gives [n][h][w][c], a transposed B gives [j][k]).
// Worked example: A with shape {2, 3}, 4-byte elements, innermost dimension padded by 1 (kernel
// parameter pad=1), so strides {4, 1}, at base 0x1000:
//   0x1018 = 0x1000 + (1*4 + 2)*4        -> A[1][2], offset 0
//   0x101a                               -> A[1][2], offset 2 (inside the element)
//   0x100c = 0x1000 + (0*4 + 3)*4        -> A, padding (column 3 does not exist): no indices
// Padding bytes (pad=, alignment gaps inside a region, any byte no element covers) are reported as
// ElementRef::Kind::Padding with no indices; regions that are not arrays (no strides, e.g. "code")
// as Kind::Bytes. describeElement() turns the answer into "A[1][2]", "A+0xc (padding)", "code+0x40".

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/core/access.hpp"
#include "cachescope/core/permissions.hpp"

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
    /// File backing (docs/mmap.md). Empty `file`: anonymous memory (the default, what every trace
    /// written before file-backed regions means). Otherwise the region maps bytes
    /// [fileOffset, fileOffset + size) of the file `file`, `fileSize` bytes long (regions naming the
    /// same file share its page-cache pages and must agree on its size). `fileAccess` says how the
    /// program reaches it: "mmap" (loads and stores on a mapping) or "read" (the kernel's window on
    /// the page cache that read() copies from; its reads count as bytes copied).
    std::string file = {};
    std::uint64_t fileSize = 0;
    std::uint64_t fileOffset = 0;
    std::string fileAccess = {};

    bool fileBacked() const { return !file.empty(); }

    /// Read, write, execute (core/permissions.hpp); nullopt = the default: execute-only for the code
    /// (layout "code"), read-write for data, so traces written before permissions mean what they did.
    std::optional<Permissions> permissions = std::nullopt;

    /// The permissions in force: `permissions`, or the default above.
    Permissions effectivePermissions() const {
        return permissions ? *permissions : layout == "code" ? kPermExecute : kPermReadWrite;
    }
    bool contains(std::uint64_t address) const { return address - base < size; }
    /// True if the region is an array: one stride per dimension and elements of at least a byte.
    bool isArray() const { return !strides.empty() && strides.size() == shape.size() && elementSize != 0; }
    /// base + sum(indices[d] * strides[d]) * elementSize: the first byte of an element. `indices`
    /// has one entry per dimension (isArray()); they are not checked against the shape.
    std::uint64_t addressOf(const std::vector<std::uint64_t>& indices) const;
    /// The indices (shape order) of the element holding `address`; nullopt outside the region, for
    /// a region that is not an array, or for a padding byte. TraceMetadata::elementAt is built on it.
    std::optional<std::vector<std::uint64_t>> indicesOf(std::uint64_t address) const;
    friend bool operator==(const Region&, const Region&) = default;
};

/// A statement of the program that issues accesses, e.g. "load B[k][j]".
struct Site {
    std::string name;
    std::int32_t region = -1;  // index into TraceMetadata::regions; -1 if not one region
    AccessKind kind = AccessKind::Read;
    friend bool operator==(const Site&, const Site&) = default;
};

/// Where an address falls in the metadata's regions (TraceMetadata::elementAt).
struct ElementRef {
    enum class Kind : std::uint8_t {
        Element,  // an element of an array region: `indices` has one entry per dimension
        Padding,  // a byte of an array region that belongs to no element; `indices` is empty
        Bytes,    // the region is not an array (Region::isArray() is false); `indices` is empty
    };
    std::size_t region = 0;  // index into TraceMetadata::regions
    Kind kind = Kind::Element;
    std::vector<std::uint64_t> indices;  // shape order
    /// Element: the byte within the element (0 = its first byte); otherwise the byte within the region.
    std::uint64_t offset = 0;
    friend bool operator==(const ElementRef&, const ElementRef&) = default;
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
    /// The region and element holding `address`; nullopt outside every region. O(log regions +
    /// dimensions log dimensions).
    std::optional<ElementRef> elementAt(std::uint64_t address) const;
    /// Appends a site and returns its id. Throws std::length_error beyond 65,535 sites.
    std::uint16_t addSite(std::string name, std::int32_t region, AccessKind kind);

    friend bool operator==(const TraceMetadata&, const TraceMetadata&) = default;
};

/// The element at `address` for people: "A[3][5]" (indices in shape order), "A+0xc (padding)",
/// "code+0x40" for regions that are not arrays; empty if no region holds it.
std::string describeElement(const TraceMetadata& metadata, std::uint64_t address);

/// The JSON form stored in binary trace headers and printed by `trace info --json`:
///   {"source": ..., "kernel": ..., "params": {"n": "64", ...},
///    "regions": [{"name", "base", "size", "element_size", "shape", "layout", "strides", "perm",
///                 and for file-backed regions only "file", "file_size", "file_offset", "file_access"}],
///   ("perm", e.g. "r", "rw", "x", only when the region's permissions are set; Region::permissions)
///    "sites": [{"name", "region", "kind"}]}      (site 0 included)
nlohmann::ordered_json toJson(const TraceMetadata& metadata);
/// Parses toJson's form. Throws TraceError naming `where` and the JSON path on anything else
/// (missing keys, wrong types, overlapping regions, a site naming a region that does not exist).
TraceMetadata metadataFromJson(const nlohmann::json& json, const std::string& where);
/// The same for an ordered_json (what toJson returns and the binary reader parses): keeps the
/// order of `params`, which nlohmann::json would sort by name, so metadataFromJson(toJson(m)) == m.
TraceMetadata metadataFromJson(const nlohmann::ordered_json& json, const std::string& where);

}  // namespace cachescope
