#pragma once
// The MMU: TLB hierarchy, walk caches, multi-level page table in physical memory, demand paging
// with page replacement. It translates one page-sized piece at a time and sends its page-walk
// reads into the cache hierarchy. Semantics: docs/mmu.md.
//
// Like the Hierarchy it is a value: copying it is a snapshot.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cachescope/cache/cache.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/config/topology.hpp"
#include "cachescope/mmu/page_replacement.hpp"
#include "cachescope/policy/splitmix64.hpp"

namespace cachescope {

class Hierarchy;

struct MmuStats {
    std::uint64_t walks = 0;
    std::uint64_t walkMemoryAccesses = 0;             // PTE reads
    std::vector<std::uint64_t> pteServedBy;           // per cache index, then memory last
    std::vector<std::uint64_t> walkCacheLookups;      // per walk cache
    std::vector<std::uint64_t> walkCacheHits;         // per walk cache
    std::uint64_t pageFaults = 0;                     // every fault, first touches included
    std::uint64_t majorFaults = 0;                    // faults on pages that had been evicted
    std::uint64_t pagesWrittenOut = 0;                // dirty pages evicted
    std::uint64_t residentPages = 0;
    std::uint64_t residentPagesPeak = 0;
    std::uint64_t pageTablePages = 0;                 // tables allocated, the root included
    friend bool operator==(const MmuStats&, const MmuStats&) = default;
};

class Mmu {
public:
    /// `config` must be valid and have an mmu.
    explicit Mmu(const SimConfig& config);
    Mmu(const Mmu& other);
    Mmu& operator=(const Mmu& other);
    Mmu(Mmu&&) noexcept = default;
    Mmu& operator=(Mmu&&) noexcept = default;
    ~Mmu();

    /// The translation of one piece that lies within one page (see pageEnd). Performs TLB lookups,
    /// a page fault and a walk as needed; walk reads go into `caches`. Returns the physical address.
    std::uint64_t translate(std::uint64_t va, AccessKind kind, Hierarchy& caches);
    /// Records that the page holding physical address `pa` was accessed (replacer, dirty bit).
    void recordAccess(std::uint64_t pa, AccessKind kind);
    /// The first virtual address after `va`'s page (of the size that maps `va`); 0 on wrap-around.
    std::uint64_t pageEnd(std::uint64_t va) const;

    const MmuConfig& config() const { return config_; }
    const MmuStats& stats() const { return stats_; }
    const std::vector<Cache>& tlbs() const { return tlbs_; }
    const std::vector<Cache>& walkCaches() const { return walkCaches_; }
    const Topology& tlbTopology() const { return tlbTopology_; }
    /// Estimated cycles of translation: TLB and walk-cache lookups, page faults (PTE reads are
    /// counted by the caches and memory).
    std::uint64_t translationCycles() const;
    /// Physical address of the PTE read at `level` when walking `va` (for tests and narration);
    /// nullopt if that table does not exist yet.
    std::optional<std::uint64_t> pteAddress(std::uint64_t va, std::uint32_t level) const;

    bool sameState(const Mmu& other) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;  // page table, frames, replacer: the bulky state
    MmuConfig config_;
    std::vector<Cache> tlbs_;
    std::vector<Cache> walkCaches_;
    Topology tlbTopology_;
    MmuStats stats_;
};

}  // namespace cachescope
