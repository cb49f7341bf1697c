#pragma once
// Helpers for the kernel tests: run a kernel into a vector, count a site's accesses, and map an
// address back to (region name, element indices) using only the metadata (base, element size,
// strides), independently of TraceMetadata::elementAt.

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cachescope/kernels/kernel.hpp"

namespace cachescope::test {

struct CollectSink : AccessSink {
    std::vector<Access> accesses;
    void consume(std::span<const Access> block) override {
        accesses.insert(accesses.end(), block.begin(), block.end());
    }
};

struct KernelRun {
    TraceMetadata meta;
    std::vector<Access> accesses;
    std::map<std::string, std::vector<double>> values;
};

inline KernelRun runNamed(const std::string& name, const std::vector<std::string>& settings) {
    const KernelInfo& kernel = findKernel(name);
    CollectSink sink;
    KernelRun run;
    run.meta = runKernel(kernel, resolveParams(kernel, settings), sink, &run.values);
    run.accesses = std::move(sink.accesses);
    return run;
}

/// "name=value" settings from a map (tests that write their parameters as a map).
inline std::vector<std::string> settings(const std::map<std::string, std::string>& params) {
    std::vector<std::string> out;
    for (const auto& [name, value] : params) out.push_back(name + "=" + value);
    return out;
}

/// Accesses issued by the site(s) named `site`; the site must exist.
inline std::uint64_t siteCount(const KernelRun& run, const std::string& site) {
    std::uint64_t n = 0;
    bool found = false;
    for (std::size_t id = 0; id < run.meta.sites.size(); ++id)
        if (run.meta.sites[id].name == site) {
            found = true;
            for (const Access& a : run.accesses) n += a.site == id ? 1 : 0;
        }
    REQUIRE_MESSAGE(found, "no site named " << site);
    return n;
}

/// Where an access points: region name, element indices, kind, and (decodeWithSite) the statement.
/// Comparable, printable.
struct Element {
    std::string region;
    std::vector<std::uint64_t> index;
    AccessKind kind = AccessKind::Read;
    std::string site = {};
    friend bool operator==(const Element&, const Element&) = default;
};

inline std::ostream& operator<<(std::ostream& os, const Element& e) {
    os << (e.kind == AccessKind::Write ? "W " : e.kind == AccessKind::Read ? "R " : "I ") << e.region;
    for (auto i : e.index) os << "[" << i << "]";
    if (!e.site.empty()) os << " by '" << e.site << "'";
    return os;
}

/// Decodes an address with the metadata alone; an empty region name if it maps to no element
/// (outside every region, misaligned, or in padding).
inline Element decode(const TraceMetadata& meta, const Access& a) {
    Element e;
    e.kind = a.kind;
    const auto r = meta.regionOf(a.address);
    if (!r) return e;
    const Region& region = meta.regions[*r];
    const std::uint64_t bytes = a.address - region.base;
    if (bytes % region.elementSize != 0 || a.size != region.elementSize) return e;
    std::uint64_t off = bytes / region.elementSize;
    for (std::size_t d = 0; d < region.strides.size(); ++d) {
        const std::uint64_t i = off / region.strides[d];
        off %= region.strides[d];
        if (i >= region.shape[d]) return e;
        e.index.push_back(i);
    }
    if (off != 0) return e;
    e.region = region.name;
    return e;
}

/// decode() plus the name of the access's site.
inline Element decodeWithSite(const TraceMetadata& meta, const Access& a) {
    Element e = decode(meta, a);
    e.site = meta.sites.at(a.site).name;
    return e;
}

inline std::vector<Element> decodeAll(const KernelRun& run) {
    std::vector<Element> out;
    for (const Access& a : run.accesses) out.push_back(decode(run.meta, a));
    return out;
}

/// Number of accesses of `kind` that fall in region `name`.
inline std::uint64_t countIn(const KernelRun& run, const std::string& name, AccessKind kind) {
    std::uint64_t n = 0;
    for (const Access& a : run.accesses) {
        const auto r = run.meta.regionOf(a.address);
        if (r && run.meta.regions[*r].name == name && a.kind == kind) ++n;
    }
    return n;
}

inline const Region& regionNamed(const TraceMetadata& meta, const std::string& name) {
    for (const Region& r : meta.regions)
        if (r.name == name) return r;
    FAIL("no region " << name);
    return meta.regions.front();
}

}  // namespace cachescope::test
