#pragma once
// A deliberately naive reference model of translation (TLBs, walk caches, page table, demand paging),
// written from docs/mmu.md and docs/policies.md only (never from src/mmu, src/sim or src/policy), so
// that mmu_differential_test.cpp compares two independent implementations of the same contract.
// ReferenceModel (reference_model.hpp) owns one when its config has an mmu and runs it before the
// caches: every reference is split at page boundaries, each piece is translated here, its PTE reads
// go into the cache model, then the piece goes to the caches at its physical address.
//
// Naive data structures, chosen to be obviously correct:
//   - the page table is a std::map from (level, prefix) to the table's physical base, where the
//     prefix of a level-i table is va >> shift_{i-1} (the indices of the levels above it; 0 for the root);
//   - pages are a std::map from (page size, page number) to {resident, frame or base, dirty, evicted};
//   - TLBs and walk caches are RefCaches (sets of Lines with timestamps) whose "line address" is the
//     entry's key, driven by the same policy code as the cache model;
//   - the page replacers are a std::list in load order (fifo) or access order (lru) and a
//     std::vector<bool> of reference bits with a hand (clock).
//
// Tiny worked example (4 KiB pages, 2 levels of 10 bits, pte_size 4, physical_memory 8 KiB = 2 frames,
// sequential frames, no TLB, no walk caches, walk_entry "memory", no caches):
//   root table (1024 x 4 B = 4 KiB) at 8 KiB (the first 4 KiB-aligned address >= physical_memory).
//   read 0x00401000 (index0 = 1, index1 = 1): fault (first touch): level-1 table for prefix 1 at 12 KiB;
//     frame 0; walk reads PTEs at 8 KiB + 1*4 and 12 KiB + 1*4: memory reads 2, then the data read: 3.
//   => page_faults 1, walks 1, walk_memory_accesses 2, page_table_pages 2, resident 1.
//
// Readings chosen where docs/mmu.md leaves room (reported to the lead):
//   - A walk cache at level L is keyed by the prefix va >> shift_L (the indices of levels 0..L); its
//     set is the key modulo its set count. Lookups and fills are those of a cache; a lookup counts one
//     access of kind read in its CacheStats (compare totals only).
//   - A walk cache at a level >= the leaf level of the walked page is not looked up for that page
//     (docs/mmu.md, step 3; settled after the differential test found the doc and engine differing).
//   - TLB lookups count under the piece's kind; TLB fills are not accesses. Unmapping a page
//     invalidates its TLB entries (the policy is told, as for an invalidated cache line); that is not
//     an eviction. Each TLB and walk-cache fill takes the lowest invalid way, else the policy's victim
//     (an eviction).
//   - Invalidating a frame's lines: every valid line of every cache whose address lies in the frame is
//     invalidated; a dirty one adds one write-back to that cache and one write to memory (directly,
//     not through the next level). Writing a dirty page out adds to pages_written_out only.
//   - Tables created by a fault are created top-down (level 1 first). Huge pages are placed at the
//     first address >= the huge cursor (2^52 at the start) aligned to their size.
//   - Random frame allocation draws only while the free list is non-empty; a replaced frame is reused
//     at once and never returns to the list. splitmix64's state starts at the config's seed.
//   - The replacer sees one access per piece (its data access, step 4), after onLoad on a fault.
//   - A huge page's TLB key is its page number with bit 63 set and log2(page size) in bits 56..62
//     (docs/mmu.md; an earlier key without the size let a 2 MiB and a 1 GiB page with the same number
//     share an entry, found here). Residency is keyed by (page size, page number).
//   - pte_reads_served_by: the first cache in which the PTE read (or a fill read it caused) hit, else
//     memory.
// Processes (docs/mmu.md, "Processes"), kept as naive as the rest:
//   - pages are keyed (process, page size, page number); tables (process, level, prefix); a process's
//     root is allocated when it first runs. TLB and walk-cache keys carry the process in the bits the
//     doc names (52-59 base, 48-55 huge) so that the set index is the doc's.
//   - a switch (the process differs from the previous reference's, 0 before the first) invalidates
//     every valid entry of each TLB without asid, and of every walk cache unless all TLBs have asid.
//   - local scope: the victim is the first frame of the replacer's order owned by the faulting
//     process (clock: the sweep skips other processes' frames); none owned: the global victim.

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/config/topology.hpp"
#include "cachescope/core/access.hpp"
#include "cachescope/mmu/mmu.hpp"  // MmuStats only (a plain struct)
#include "reference/reference_model.hpp"

namespace cachescope::reference {

/// splitmix64 exactly as docs/policies.md gives it (seed 1234567 -> 6457827717110365317, ...).
struct SplitMix {
    std::uint64_t state = 0;
    std::uint64_t next() {
        state += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
};

class ReferenceMmu {
public:
    ReferenceMmu(const SimConfig& config, const ReferenceModel& caches);

    /// Switches process if `a`'s differs, then splits `a` at page boundaries; translates each piece
    /// and sends it to `caches`.
    void access(const Access& a, ReferenceModel& caches);

    const MmuStats& stats() const { return stats_; }
    const std::vector<RefCache>& tlbs() const { return tlbs_; }
    const std::vector<RefCache>& walkCaches() const { return walkCaches_; }
    /// TLB lookups x latency + walk-cache lookups x latency + faults x page_fault_latency.
    std::uint64_t translationCycles() const;
    /// PTE address read at `level` when walking `va`; nullopt if that table does not exist.
    std::optional<std::uint64_t> pteAddress(std::uint64_t va, std::uint32_t level) const {
        return pteAddress(va, level, process_);
    }
    std::optional<std::uint64_t> pteAddress(std::uint64_t va, std::uint32_t level, std::uint32_t process) const;
    /// Physical address of `va` if its page is resident.
    std::optional<std::uint64_t> physicalAddress(std::uint64_t va) const { return physicalAddress(va, process_); }
    std::optional<std::uint64_t> physicalAddress(std::uint64_t va, std::uint32_t process) const;
    std::uint64_t contextSwitches() const { return contextSwitches_; }
    /// Where PTE reads enter: a cache index or Topology::kMemory.
    std::uint32_t walkEntry() const { return walkEntry_; }

private:
    struct PageSlot {
        bool resident = false;
        bool everEvicted = false;
        bool dirty = false;
        std::uint64_t base = 0;   // physical base when resident
        std::uint32_t frame = 0;  // normal pages only
    };
    using PageId = std::tuple<std::uint32_t, std::uint64_t, std::uint64_t>;  // (process, page size, page number)

    std::uint64_t pageSizeOf(std::uint64_t va) const;
    std::uint32_t leafLevelOf(std::uint64_t pageSize) const;
    std::uint32_t shift(std::uint32_t level) const;
    std::uint64_t prefixOf(std::uint64_t va, std::uint32_t level) const;  // key of va's level-`level` table
    std::uint64_t allocateTable(std::uint32_t level);
    void piece(std::uint64_t va, std::uint32_t size, AccessKind kind, ReferenceModel& caches);
    void fault(std::uint64_t va, std::uint64_t pageSize, ReferenceModel& caches);
    std::uint32_t takeFrame(ReferenceModel& caches);
    void evictFrame(std::uint32_t frame, ReferenceModel& caches);
    // Key caches (TLBs, walk caches): lookup (counts), fill, invalidate.
    bool lookup(RefCache& c, std::uint64_t key, AccessKind kind, ReferenceModel& caches);
    void fill(RefCache& c, std::uint64_t key, ReferenceModel& caches);
    void invalidateKey(RefCache& c, std::uint64_t key, ReferenceModel& caches);
    // The replacer.
    void replacerLoad(std::uint32_t frame);
    void replacerAccess(std::uint32_t frame);
    void replacerFree(std::uint32_t frame);
    std::uint32_t replacerVictim();
    void switchTo(std::uint32_t process, ReferenceModel& caches);
    /// A key cache's key with the process in the bits docs/mmu.md names.
    static std::uint64_t withProcess(std::uint64_t key, bool huge, std::uint32_t process) {
        return key | (std::uint64_t{process} << (huge ? 48 : 52));
    }

    MmuConfig cfg_;
    std::uint32_t pageBits_ = 0;
    std::uint64_t frames_ = 0;
    std::uint32_t walkEntry_ = Topology::kMemory;
    std::vector<RefCache> tlbs_;
    std::vector<std::uint32_t> tlbLatency_;
    Topology tlbTopology_;
    std::vector<RefCache> walkCaches_;
    std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint64_t>, std::uint64_t> tables_;  // (process, level, prefix) -> base
    std::uint64_t tableCursor_ = 0;
    std::map<PageId, PageSlot> pages_;
    std::vector<std::optional<PageId>> frameOwner_;
    std::uint64_t nextFrame_ = 0;          // sequential: lowest frame never used
    std::vector<std::uint32_t> freeList_;  // random: the free frames
    SplitMix rng_;
    std::uint64_t hugeCursor_ = std::uint64_t{1} << 52;
    std::list<std::uint32_t> order_;  // fifo: load order; lru: access order (front = oldest)
    std::vector<bool> refBit_;        // clock
    std::uint32_t hand_ = 0;          // clock
    MmuStats stats_;
    std::vector<bool> tlbAsid_;
    std::uint32_t process_ = 0;
    std::uint64_t contextSwitches_ = 0;
};

}  // namespace cachescope::reference
