#pragma once
// Helpers for the kernel tests: run a kernel into a vector, and map an address back to
// (region name, element indices) using only the metadata (base, element size, strides).

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

/// Where an access points: region name, element indices, kind. Comparable, printable.
struct Element {
    std::string region;
    std::vector<std::uint64_t> index;
    AccessKind kind = AccessKind::Read;
    friend bool operator==(const Element&, const Element&) = default;
};

inline std::ostream& operator<<(std::ostream& os, const Element& e) {
    os << (e.kind == AccessKind::Write ? "W " : e.kind == AccessKind::Read ? "R " : "I ") << e.region;
    for (auto i : e.index) os << "[" << i << "]";
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
