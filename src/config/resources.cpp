#include "cachescope/config/resources.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>

#include "cachescope/core/error.hpp"

namespace cachescope {

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::uint64_t mulSat(std::uint64_t a, std::uint64_t b) { return (b != 0 && a > kMax / b) ? kMax : a * b; }
std::uint64_t addSat(std::uint64_t a, std::uint64_t b) { return a > kMax - b ? kMax : a + b; }

/// `lines` lines or entries in `sets` sets, `perLine` bytes each, plus the tag index and policy
/// structures of wide sets.
std::uint64_t arrayBytes(std::uint64_t lines, std::uint64_t sets, std::uint64_t perLine) {
    const bool wide = sets != 0 && lines / sets > kWideSetWays;
    return addSat(mulSat(lines, wide ? perLine + kBytesPerWideLine : perLine),
                  mulSat(sets, wide ? kBytesPerSet : kBytesPerNarrowSet));
}

}  // namespace

const MemoryEstimate::Part& MemoryEstimate::largest() const {
    return *std::max_element(parts.begin(), parts.end(),
                             [](const Part& a, const Part& b) { return a.bytes < b.bytes; });
}

MemoryEstimate estimateMemory(const SimConfig& config) {
    MemoryEstimate e;
    auto add = [&e](std::string path, std::uint64_t bytes) {
        e.parts.push_back({std::move(path), bytes});
        e.total = addSat(e.total, bytes);
    };
    for (std::size_t i = 0; i < config.caches.size(); ++i) {
        const CacheConfig& c = config.caches[i];
        const std::uint64_t lines = c.lineSize == 0 ? 0 : c.lines();
        const std::uint64_t ways = c.fullyAssociative ? lines : c.associativity;
        add("/caches/" + std::to_string(i) + "/size", arrayBytes(lines, ways == 0 ? 0 : lines / ways, kBytesPerLine));
    }
    for (std::size_t i = 0; i < config.tlbs.size(); ++i) {
        const TlbConfig& t = config.tlbs[i];
        add("/tlbs/" + std::to_string(i) + "/entries", arrayBytes(t.entries, t.ways() == 0 ? 0 : t.sets(), kBytesPerTlbEntry));
    }
    if (config.mmu) {
        for (std::size_t i = 0; i < config.mmu->walkCaches.size(); ++i) {
            const WalkCacheConfig& w = config.mmu->walkCaches[i];
            add("/mmu/walk_caches/" + std::to_string(i) + "/entries",
                arrayBytes(w.entries, w.ways() == 0 ? 0 : w.sets(), kBytesPerLine));
        }
        const std::uint64_t frames = config.mmu->pageSize == 0 ? 0 : config.mmu->frames();
        add("/mmu/physical_memory", mulSat(frames, kBytesPerFrame));
    }
    return e;
}

std::uint64_t structureBytes(const SimConfig& config) {
    std::uint64_t bytes = 0;
    for (const MemoryEstimate::Part& p : estimateMemory(config).parts)
        if (p.path != "/mmu/physical_memory") bytes = addSat(bytes, p.bytes);
    return bytes;
}

std::uint64_t defaultMemoryBudget() {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long pageSize = ::sysconf(_SC_PAGE_SIZE);
    constexpr std::uint64_t kFloor = std::uint64_t{256} << 20;
    if (pages <= 0 || pageSize <= 0) return kFloor;
    return std::max(kFloor, mulSat(static_cast<std::uint64_t>(pages), static_cast<std::uint64_t>(pageSize)) / 2);
}

std::string approximateSize(std::uint64_t bytes) {
    static constexpr std::array<const char*, 7> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = static_cast<double>(bytes);
    std::size_t u = 0;
    while (v >= 1024.0 && u + 1 < kUnits.size()) {
        v /= 1024.0;
        ++u;
    }
    std::array<char, 32> buf{};
    if (u == 0)
        std::snprintf(buf.data(), buf.size(), "%llu B", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(buf.data(), buf.size(), v < 10 ? "%.1f %s" : "%.0f %s", v, kUnits[u]);
    return buf.data();
}

void checkMemoryBudget(const SimConfig& config, std::uint64_t budget, const std::string& source) {
    const MemoryEstimate e = estimateMemory(config);
    if (e.total <= budget || e.parts.empty()) return;
    const MemoryEstimate::Part& big = e.largest();
    throw ConfigError((source.empty() ? "" : source + ": ") + big.path + ": the simulator's state would need about " +
                      approximateSize(e.total) + " (" + approximateSize(big.bytes) +
                      " of it for this setting), more than the memory budget of " + approximateSize(budget) +
                      "; make it smaller, or raise the budget with --max-memory");
}

}  // namespace cachescope
