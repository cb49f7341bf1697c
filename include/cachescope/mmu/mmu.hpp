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
#include <unordered_set>
#include <vector>

#include "cachescope/cache/cache.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/config/topology.hpp"
#include "cachescope/mmu/mmu_observer.hpp"
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
    ~Mmu() = default;

    /// The translation of one piece that lies within one page (see pageEnd): TLB lookups, a page
    /// fault and a walk as needed (walk reads go into `caches`, evictions invalidate its lines), and
    /// the access recorded for page replacement and the dirty bit. Returns the physical address.
    /// Throws cachescope::Error if `va` is outside the virtual address space.
    std::uint64_t translate(std::uint64_t va, AccessKind kind, Hierarchy& caches);
    /// The same for a piece within one base page when the first TLB on the kind's side hits: no
    /// walk, nothing sent to the caches. Returns false (having changed nothing) otherwise: call
    /// translate() then. Inline: it runs for nearly every access.
    bool translateHit(std::uint64_t va, AccessKind kind, std::uint64_t& pa) {
        const std::uint32_t t = kind == AccessKind::Fetch ? tlbTopology_.firstInstruction : tlbTopology_.firstData;
        if (t == Topology::kMemory || !onlyBasePages_ || (va >> vbitsShift_) >> 1 != 0) return false;
        Cache& tlb = tlbs_[t];
        const std::uint64_t key = va >> pageShift_;
        const std::uint32_t way = tlb.find(key);
        if (way == Cache::kNoWay) return false;
        const std::uint32_t set = tlb.layout().setOfLine(key);
        ++tlb.mutableStats().accessesByKind[kindIndex(kind)];
        tlb.touch(set, way);
        const std::uint64_t base = tlbPageBase_[t][std::size_t{set} * tlb.ways() + way];
        const auto frame = static_cast<std::uint32_t>(base >> pageShift_);
        replacer_->onAccess(frame, nextUse());
        if (kind == AccessKind::Write) frameDirty_[frame] = 1;
        pa = base | (va & pageMask_);
        return true;
    }
    /// The key that identifies `va`'s page (its TLB key): pieces with equal keys touch the same page.
    std::uint64_t pageKey(std::uint64_t va) const { return keyOf(va, pageSizeOf(va)); }
    /// The page number inside a TLB key (a huge page's key also carries its size; see keyOf).
    static std::uint64_t pageNumberOfKey(std::uint64_t key) {
        return (key >> 63) != 0 ? key & ((std::uint64_t{1} << 56) - 1) : key;
    }
    /// For OPT page replacement: the position of the next reference to the same page for every
    /// page-sized piece the simulation will translate, in order (nextPageUses() computes it). Without
    /// it OPT sees every page as never used again.
    void setFuture(std::vector<std::uint64_t> nextUses) {
        future_ = std::move(nextUses);
        piece_ = 0;
    }
    /// From the page keys of every piece in order: the index of the next piece with the same key, or
    /// PageReplacer::kNever.
    static std::vector<std::uint64_t> nextPageUses(const std::vector<std::uint64_t>& keys);
    /// True if every byte of [va, va + size) lies in one base page (and no huge pages are configured).
    bool withinOneBasePage(std::uint64_t va, std::uint32_t size) const {
        return onlyBasePages_ && (va >> pageShift_) == ((va + (size - 1)) >> pageShift_);
    }
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
    /// Heap bytes a copy of this Mmu allocates, beyond the arrays of its TLBs and walk caches (their
    /// Cache objects are counted, their line and policy arrays are not).
    std::uint64_t stateBytes() const;

    /// The OPT policies of the TLBs, then of the walk caches, that use `opt`.
    std::vector<OptPolicy*> optPolicies();
    /// Attaches an observer (nullptr detaches). Not owned; snapshots copy the pointer. translate()
    /// reports to it; translateHit() never does (it stays the untouched fast path), so whoever
    /// attaches one must send every piece through translate() (Simulator::setMmuObserver does).
    void setObserver(MmuObserver* observer) { observer_ = observer; }
    MmuObserver* observer() const { return observer_; }

private:
    struct Page {
        std::uint64_t base = 0;   // physical address of the page
        std::uint32_t frame = 0;  // pageable frame number (unused for huge pages)
        bool huge = false;
    };
    struct PageSize {
        unsigned shift = 12;
        std::uint32_t leafLevel = 0;
        bool huge = false;
    };

    PageSize pageSizeOf(std::uint64_t va) const;
    /// A TLB entry's key: the page number; a huge page's also carries bit 63 and log2(its size) in
    /// bits 56-62, so pages of different sizes never share an entry.
    std::uint64_t keyOf(std::uint64_t va, const PageSize& ps) const {
        return (va >> ps.shift) | (ps.huge ? (std::uint64_t{1} << 63) | (std::uint64_t{ps.shift} << 56) : 0);
    }
    void fault(std::uint64_t key, std::uint64_t va, const PageSize& ps, std::uint64_t nextUse, Hierarchy& caches);
    void evict(std::uint32_t frame, Hierarchy& caches);
    std::uint64_t tableBase(std::uint32_t level, std::uint64_t va);  // allocates when missing
    /// Which level-`level` table `va` uses: the address bits above that table's index (0 for the root).
    std::uint64_t tablePrefix(std::uint32_t level, std::uint64_t va) const {
        return level == 0 ? 0 : va >> (shift_[level] + config_.bitsPerLevel[level]);
    }
    void walk(std::uint64_t va, const PageSize& ps, Hierarchy& caches);
    void fillTlb(std::uint32_t t, std::uint64_t key, const Page& page);
    void recordAccess(const Page& page, AccessKind kind, std::uint64_t nextUse);
    /// The next use of the piece being translated (consumes one entry of the future, if any).
    std::uint64_t nextUse() { return piece_ < future_.size() ? future_[piece_++] : PageReplacer::kNever; }

    MmuConfig config_;
    std::vector<unsigned> shift_;        // per level: shift_i of docs/mmu.md
    std::vector<std::uint64_t> tableBytes_;
    unsigned pageShift_ = 12;
    std::uint64_t pageMask_ = 4095;
    unsigned vbitsShift_ = 47;   // virtual bits - 1 (shifting by it, then 1, tests va < 2^bits even at 64)
    bool onlyBasePages_ = true;  // no huge-page ranges configured
    std::uint32_t walkEntry_ = Topology::kMemory;
    std::uint32_t cacheCount_ = 0;

    std::vector<Cache> tlbs_;
    std::vector<std::vector<std::uint64_t>> tlbPageBase_;  // per TLB slot: the page's physical base
    std::vector<Cache> walkCaches_;
    Topology tlbTopology_;
    MmuStats stats_;

    std::vector<std::unordered_map<std::uint64_t, std::uint64_t>> tables_;  // per level: prefix -> base
    std::uint64_t nextTable_ = 0;
    std::unordered_map<std::uint64_t, Page> pages_;      // resident pages by key
    std::unordered_set<std::uint64_t> evicted_;          // keys of pages evicted (for major faults)
    std::vector<std::uint64_t> frameOwner_;              // key of the page in each frame
    std::vector<std::uint8_t> frameDirty_;
    std::uint64_t nextUnusedFrame_ = 0;                  // sequential allocation
    std::vector<std::uint32_t> freeFrames_;              // random allocation
    SplitMix64 frameRng_{0};
    std::uint64_t nextHuge_ = std::uint64_t{1} << 52;
    std::unique_ptr<PageReplacer> replacer_;
    std::vector<std::uint64_t> future_;  // OPT: next use of every piece, in order
    std::uint64_t piece_ = 0;            // pieces translated so far (index into future_)
    MmuObserver* observer_ = nullptr;    // narration; consulted only outside translateHit
};

}  // namespace cachescope
