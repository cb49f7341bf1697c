#pragma once
// Statistics are plain structs of counters; derived metrics are functions.

#include <array>
#include <cstdint>

#include "cachescope/core/access.hpp"

namespace cachescope {

constexpr std::size_t kAccessKinds = 3;
constexpr std::size_t kindIndex(AccessKind k) { return static_cast<std::size_t>(k); }

/// Counters of one cache. Every arrival is an access: CPU references at a first-level cache,
/// fills (reads or instruction fetches), write-backs and write-throughs from the cache above.
/// Instruction fetches are reads: reads() includes them, fetches() is the subset.
struct CacheStats {
    std::array<std::uint64_t, kAccessKinds> accessesByKind{};  // indexed by kindIndex()
    std::array<std::uint64_t, kAccessKinds> missesByKind{};
    std::uint64_t evictions = 0;          // valid lines replaced to make room
    std::uint64_t writebacks = 0;         // dirty lines sent to the next level (evicted or back-invalidated)
    std::uint64_t backInvalidations = 0;  // copies removed from caches above by this (inclusive) cache

    std::uint64_t reads() const { return accessesByKind[kindIndex(AccessKind::Read)] + fetches(); }
    std::uint64_t writes() const { return accessesByKind[kindIndex(AccessKind::Write)]; }
    std::uint64_t fetches() const { return accessesByKind[kindIndex(AccessKind::Fetch)]; }
    std::uint64_t accesses() const { return reads() + writes(); }
    std::uint64_t readMisses() const { return missesByKind[kindIndex(AccessKind::Read)] + fetchMisses(); }
    std::uint64_t writeMisses() const { return missesByKind[kindIndex(AccessKind::Write)]; }
    std::uint64_t fetchMisses() const { return missesByKind[kindIndex(AccessKind::Fetch)]; }
    std::uint64_t misses() const { return readMisses() + writeMisses(); }
    std::uint64_t hits() const { return accesses() - misses(); }
    double missRate() const { return accesses() ? double(misses()) / double(accesses()) : 0.0; }

    /// Adds every counter of `other` (shares of one run: sim/parallel.hpp).
    CacheStats& operator+=(const CacheStats& other) {
        for (std::size_t k = 0; k < kAccessKinds; ++k) {
            accessesByKind[k] += other.accessesByKind[k];
            missesByKind[k] += other.missesByKind[k];
        }
        evictions += other.evictions;
        writebacks += other.writebacks;
        backInvalidations += other.backInvalidations;
        return *this;
    }

    friend bool operator==(const CacheStats&, const CacheStats&) = default;
};

struct MemoryStats {
    std::uint64_t reads = 0;   // line fills (and fetches) that reached memory
    std::uint64_t writes = 0;  // write-backs and write-throughs that reached memory
    MemoryStats& operator+=(const MemoryStats& other) {
        reads += other.reads;
        writes += other.writes;
        return *this;
    }
    friend bool operator==(const MemoryStats&, const MemoryStats&) = default;
};

}  // namespace cachescope
