#pragma once
// The MMU: TLB hierarchy, walk caches, multi-level page table in physical memory, demand paging
// with page replacement. It translates one page-sized piece at a time and sends its page-walk
// reads into the cache hierarchy. Semantics: docs/mmu.md.
//
// Like the Hierarchy it is a value: copying it is a snapshot. The copy costs what is live, not what
// is configured: resident pages, allocated page tables and the frames in use are kept in flat hash
// maps and arrays indexed by dense slots (page_replacement.hpp), never in arrays sized by
// physical_memory; the OPT future is shared between copies, not copied.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cachescope/cache/cache.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/config/topology.hpp"
#include "cachescope/mmu/flat_map.hpp"
#include "cachescope/mmu/mmu_observer.hpp"
#include "cachescope/mmu/page_cache.hpp"
#include "cachescope/mmu/page_replacement.hpp"
#include "cachescope/mmu/physical_memory_port.hpp"
#include "cachescope/policy/splitmix64.hpp"

namespace cachescope {

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
    // Files and the page cache (docs/mmap.md); all 0 for traces without file-backed regions, except
    // minorFaults. pageFaults = minorFaults + majorFaults + fileMajorFaults.
    std::uint64_t minorFaults = 0;          // served without storage: zero-filled, or a file page already cached
    std::uint64_t fileMajorFaults = 0;      // a file page not in the page cache: read from storage
    std::uint64_t storageReads = 0;         // storage read requests: one per file major fault, readahead included
    std::uint64_t storageBytesRead = 0;     // (fileMajorFaults + readaheadPagesRead) * page size
    std::uint64_t readaheadPagesRead = 0;   // pages read after the one a major fault needed
    std::uint64_t readaheadPagesUsed = 0;   // of those, mapped (touched) before they were evicted
    std::uint64_t readaheadPagesWasted = 0; // of those, evicted without ever being touched
    std::uint64_t pageCacheEvictions = 0;   // file pages evicted (their mappings all go)
    std::uint64_t fileWritebacks = 0;       // dirty file pages written back on eviction
    std::uint64_t msyncWritebacks = 0;      // dirty file pages written back by msync() (they stay cached, clean)
    std::uint64_t storageBytesWritten = 0;  // (fileWritebacks + msyncWritebacks) * page size
    std::uint64_t bytesCopied = 0;          // bytes read from read()'s copy windows (docs/mmap.md)
    // Processes (docs/mmu.md, "Processes"):
    std::uint64_t tlbEntriesFlushed = 0;              // valid TLB entries dropped by switches
    std::uint64_t walkCacheEntriesFlushed = 0;        // valid walk-cache entries dropped by switches
    friend bool operator==(const MmuStats&, const MmuStats&) = default;
};

/// One way of a TLB, as a value (Mmu::tlbEntries). The way's replacement state is the TLB's Cache
/// policy state (Mmu::tlbs()[t], inspected like any cache).
struct TlbEntryView {
    std::uint32_t set = 0;
    std::uint32_t way = 0;
    bool valid = false;
    // Meaningful if valid:
    std::uint64_t virtualPageNumber = 0;  // virtual address >> log2(pageSize)
    std::uint64_t pageSize = 0;           // bytes
    bool huge = false;
    std::optional<std::uint32_t> frame;   // base pages; nullopt for huge pages (pinned, outside the frames)
    std::uint64_t physicalBase = 0;       // physical address of the page
    std::uint32_t process = 0;            // the address space the entry belongs to
    friend bool operator==(const TlbEntryView&, const TlbEntryView&) = default;
};

/// A resident page, as a value (Mmu::residentPages).
struct ResidentPageView {
    std::uint64_t virtualPageNumber = 0;
    std::uint64_t pageSize = 0;
    bool huge = false;
    std::optional<std::uint32_t> frame;  // nullopt for huge pages
    std::uint64_t physicalBase = 0;
    bool dirty = false;                  // written since loaded (huge pages: never tracked, false)
    std::optional<bool> referenced;      // the page replacer's reference bit (clock only)
    /// The process (address space) that owns the page.
    std::uint32_t owner = 0;
    friend bool operator==(const ResidentPageView&, const ResidentPageView&) = default;
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
    std::uint64_t translate(std::uint64_t va, AccessKind kind, PhysicalMemoryPort& caches);
    /// The same for a piece within one base page when the first TLB on the kind's side hits: no
    /// walk, nothing sent to the caches. Returns false (having changed nothing) otherwise: call
    /// translate() then. Inline: it runs for every access that translateRun leaves.
    bool translateHit(std::uint64_t va, AccessKind kind, std::uint64_t& pa) {
        const std::uint32_t t = kind == AccessKind::Fetch ? tlbTopology_.firstInstruction : tlbTopology_.firstData;
        if (t == Topology::kMemory || !onlyBasePages_ || (va >> vbitsShift_) >> 1 != 0) return false;
        Cache& tlb = tlbs_[t];
        const std::uint64_t key = memoKey(va >> pageShift_, kind);
        HitMemo* m = findMemo(key);
        if (m == nullptr && (m = lookUpFirstTlb(t, key)) == nullptr) return false;
        const MemoWay& w = memoWay_[static_cast<std::size_t>(m - memo_.data())];
        m->lastUse = ++sequence_;
        ++tlb.mutableStats().accessesByKind[kindIndex(kind)];
        tlb.touch(w.set, w.way);
        replacer_->accessSlotInline(w.slot, nextUse());
        if (kind == AccessKind::Write) slotDirty_[w.slot] = 1;
        pa = va + m->delta;
        return true;
    }
    /// True if translateRun may be used: only base pages, every first TLB (instruction and data
    /// side) lru, page replacement not opt and no OPT future. Otherwise every reference goes
    /// through translateHit / translate.
    bool runsHits() const { return runsHits_; }
    /// The TLB-hit path for a run of references (docs/performance.md, "Translation and analyses"):
    /// translates block[0], block[1], ... into out[0], out[1], ... (each a copy with the physical
    /// address) while each lies within one base page, is of the running process and its page is
    /// one the memo of recent first-TLB hits knows (so the first TLB hits); returns how many. The
    /// first reference it leaves needs translateHit / translate (or a process switch).
    /// The run changes exactly what that many translateHit calls would: TLB access counters by
    /// kind, the LRU order of each first TLB's sets, the page replacer's order or reference bits,
    /// dirty bits. It does so once per page at the end of the run, in the order of each page's
    /// last reference (for lru that is the order one reference at a time leaves), so nothing is
    /// pending when it returns. Requires runsHits() and no observer.
    std::size_t translateRun(std::span<const Access> block, Access* out) {
        return tlbTopology_.firstInstruction == tlbTopology_.firstData ? translateRunImpl<false>(block, out)
                                                                       : translateRunImpl<true>(block, out);
    }
    /// The key that identifies `va`'s page in `process` (its TLB key): pieces with equal keys touch
    /// the same page.
    std::uint64_t pageKey(std::uint64_t va, std::uint8_t process = 0) const {
        return keyOf(va, pageSizeOf(va), processBitsOf(pageSizeOf(va).huge, process));
    }
    /// The page number inside a TLB key (a huge page's key also carries its size, every key of a
    /// process other than 0 its process; see keyOf).
    static std::uint64_t pageNumberOfKey(std::uint64_t key) {
        return (key >> 63) != 0 ? key & ((std::uint64_t{1} << kHugeProcessShift) - 1)
                                : key & ((std::uint64_t{1} << kProcessShift) - 1);
    }
    /// The process inside a TLB key.
    static std::uint32_t processOfKey(std::uint64_t key) {
        return static_cast<std::uint32_t>((key >> ((key >> 63) != 0 ? kHugeProcessShift : kProcessShift)) & 0xFF);
    }
    /// Where a key holds its process: bits 52-59 of a base page's key (page numbers of up to 52
    /// bits), bits 48-55 of a huge page's (below its size in bits 56-62).
    static constexpr unsigned kProcessShift = 52;
    static constexpr unsigned kHugeProcessShift = 48;

    // ---- processes (docs/mmu.md, "Processes") ----
    /// The process whose references are translated now (0 at the start).
    std::uint8_t process() const { return process_; }
    /// A context switch to `process` (!= process()): every TLB without `asid` is flushed (and the
    /// walk caches, unless every TLB has `asid`), counted in stats(); the process's page table is
    /// created at its first switch. Throws cachescope::Error if the virtual address space is too
    /// wide to hold several processes' keys.
    void switchTo(std::uint8_t process);
    /// Resident base pages of `process` (those page replacement can evict; huge pages are pinned).
    std::uint32_t residentPagesOf(std::uint8_t process) const { return residentByProcess_[process]; }
    /// For OPT page replacement: the position of the next reference to the same page for every
    /// page-sized piece the simulation will translate, in order (nextPageUses() computes it). Without
    /// it OPT sees every page as never used again.
    /// Shared, not copied: snapshots point at the same immutable vector.
    void setFuture(std::shared_ptr<const std::vector<std::uint64_t>> nextUses) {
        future_ = std::move(nextUses);
        futureData_ = future_ ? future_->data() : nullptr;
        futureSize_ = future_ ? future_->size() : 0;
        piece_ = 0;
        decideRuns();
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

    // ---- files and the page cache (docs/mmap.md) ---------------------------------------------------
    /// Maps the file-backed regions among `regions` (Region::file) into `process`'s address space.
    /// Call once per process (under --mix, once for each source's regions) before the first
    /// translation; files are known by name, so processes mapping one file share its cached pages.
    /// Regions without a file stay anonymous, and with none the MMU behaves exactly as before files
    /// existed. Throws TraceError for a region it cannot map (PageCache::addMappings) or one inside
    /// a huge-page range; then nothing is mapped.
    void mapFiles(const std::vector<Region>& regions, std::uint8_t process = 0);
    const PageCache& pageCache() const { return pageCache_; }
    /// True if some region is read()'s copy window: Simulator then calls countCopies on every block.
    bool countsCopies() const { return pageCache_.hasCopyWindows(); }
    /// Adds the bytes of every read in a copy window of its process to stats().bytesCopied.
    void countCopies(std::span<const Access> block);
    /// msync(2) of [va, va + size) in `process`: every dirty cached page of the files its mappings
    /// in that range show is written back (one storage request each, msyncWritebacks) and is clean
    /// afterwards; it stays cached and mapped. Anonymous memory and pages not cached are skipped.
    /// Returns the pages written. (docs/mmap.md, "msync")
    std::uint64_t msync(std::uint8_t process, std::uint64_t va, std::uint64_t size);
    /// Dirty file pages in the page cache now: what the end of the run writes back.
    std::uint64_t dirtyFilePages() const;
    /// Frames holding anonymous pages now (huge pages are not frames and are not counted).
    std::uint64_t anonymousFrames() const { return framesInUse() - pageCache_.pages(); }
    /// Estimated storage time in nanoseconds: every read request and write-back, the end-of-run
    /// write-back of dirtyFilePages() included, each `storage.latency_ns` plus its bytes at
    /// `storage.bandwidth` (docs/mmap.md).
    std::uint64_t storageNanoseconds() const;

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
    std::optional<std::uint64_t> pteAddress(std::uint64_t va, std::uint32_t level) const {
        return pteAddress(va, level, process_);
    }
    /// The same in the page table of `process`.
    std::optional<std::uint64_t> pteAddress(std::uint64_t va, std::uint32_t level, std::uint8_t process) const;

    bool sameState(const Mmu& other) const;

    // ---- inspection: values, no side effects ------------------------------------------------------
    /// Every way of TLB `tlb` (an index into tlbs()), set by set, way by way.
    std::vector<TlbEntryView> tlbEntries(std::uint32_t tlb) const;
    /// The resident pages in order of physical address (base pages by frame, then huge pages).
    std::vector<ResidentPageView> residentPages() const;
    /// The physical address `va` maps to now, if its page is resident; nullopt otherwise (and for
    /// addresses outside the virtual address space). Changes nothing: no TLB lookup, no fault.
    std::optional<std::uint64_t> physicalAddress(std::uint64_t va) const { return physicalAddress(va, process_); }
    /// The same in the address space of `process`.
    std::optional<std::uint64_t> physicalAddress(std::uint64_t va, std::uint8_t process) const;
    /// Pageable frames (physical_memory / page_size), those holding a page, and those free.
    std::uint32_t frames() const { return replacer_->frames(); }
    std::uint32_t framesInUse() const { return replacer_->loadedFrames(); }
    std::uint32_t freeFrames() const { return frames() - framesInUse(); }
    /// True if `frame` (< frames()) holds no page.
    bool frameFree(std::uint32_t frame) const { return !replacer_->loaded(frame); }
    /// Page-table pages allocated per level (level 0, the root: 1); they sum to stats().pageTablePages.
    std::vector<std::uint64_t> pageTablePagesPerLevel() const;
    /// The clock replacer's hand (a frame number); nullopt for other page replacement policies.
    std::optional<std::uint32_t> clockHand() const { return replacer_->hand(); }
    /// The frame the page replacer would evict at the next fault, or nullopt while a frame is free
    /// (a fault then takes a free frame and evicts nothing).
    std::optional<std::uint32_t> nextVictimFrame() const;
    const PageReplacer& pageReplacer() const { return *replacer_; }

    /// Heap bytes a copy of this Mmu allocates, beyond the arrays of its TLBs and walk caches (their
    /// Cache objects are counted, their line and policy arrays are not). The shared OPT future is
    /// not counted: copies do not copy it.
    std::uint64_t stateBytes() const;

    /// The OPT policies of the TLBs, then of the walk caches, that use `opt`.
    std::vector<OptPolicy*> optPolicies();
    /// Attaches an observer (nullptr detaches). Not owned; snapshots copy the pointer. translate()
    /// reports to it; translateHit() never does (it stays the untouched fast path), so whoever
    /// attaches one must send every piece through translate() (Simulator::setObservers does).
    void setObserver(MmuObserver* observer) { observer_ = observer; }
    MmuObserver* observer() const { return observer_; }

private:
    struct Page {
        std::uint64_t base = 0;   // physical address of the page
        std::uint32_t frame = 0;  // pageable frame number (unused for huge pages)
        std::uint32_t slot = PageReplacer::kNoSlot;  // the frame's slot in the replacer (base pages)
        bool huge = false;
    };
    /// What a TLB way translates to: the page's physical base and, for the TLB-hit path, its slot.
    struct TlbTarget {
        std::uint64_t base = 0;
        std::uint32_t slot = PageReplacer::kNoSlot;
    };
    /// A page translateHit found in a first TLB, or translate() filled into one, remembered so the
    /// next hit on it skips the TLB's set scan (and stays in translateRun's run): valid while that TLB way holds the page, so a TLB fill or invalidation of a way
    /// forgets what was remembered of it (forgetWay). kMemoEntries entries in pairs, a pair chosen
    /// by a multiplicative hash of the key (the pages a loop nest walks at once, A, B and C of a
    /// matmul, rarely share one), the older of the two replaced. More entries than a first TLB
    /// usually has, so a loop that walks as many pages as the TLB holds (a matmul's column of B)
    /// finds them all here.
    ///
    /// Split in two parallel arrays so translateRun's loop reads 32 bytes an entry: what it needs per
    /// reference (HitMemo, memo_) and where the page sits in its TLB (MemoWay, memoWay_), read once a
    /// page per run.
    struct HitMemo {
        std::uint64_t key = kNoMemoKey;  // memoKey of the page (of the running process)
        std::uint64_t delta = 0;         // physical base - virtual base of the page (mod 2^64): pa = va + delta
        std::uint64_t lastUse = 0;       // sequence_ at its last reference
        std::uint64_t kinds = 0;         // translateRun: the AccessKind values referenced in the run, ORed (bit 0: a write)
    };
    struct MemoWay {
        std::uint32_t tlb = 0;
        std::uint32_t set = 0;
        std::uint32_t way = 0;
        std::uint32_t slot = PageReplacer::kNoSlot;
    };
    static_assert(sizeof(HitMemo) == 32, "translateRun indexes the memo with a shift");
    static_assert(static_cast<unsigned>(AccessKind::Write) == 1 && static_cast<unsigned>(AccessKind::Read) == 0 &&
                      static_cast<unsigned>(AccessKind::Fetch) == 2,
                  "translateRun: kind & 1 is a write, kind >> 1 the instruction side");
    static constexpr std::uint64_t kNoMemoKey = ~std::uint64_t{0};  // never a memoKey (page numbers < 2^63)
    static constexpr std::size_t kMemoEntries = 256;
    static constexpr unsigned kMemoPairBits = 7;  // log2(kMemoEntries / 2)
    static_assert(std::size_t{2} << kMemoPairBits == kMemoEntries);
    /// The memo's key of a page: its number (in the running process), then a bit for the side
    /// (1: the instruction side) when the two sides have different first TLBs.
    std::uint64_t memoKey(std::uint64_t pageNumber, AccessKind kind) const {
        return (pageNumber << 1) | std::uint64_t{splitSides_ && kind == AccessKind::Fetch};
    }
    /// The memo's key of the base page whose TLB key is `key`, held in TLB `t` (a first TLB: its
    /// side is the fetch side if it is the instruction side's and the two sides differ).
    std::uint64_t memoKeyOfTlb(std::uint32_t t, std::uint64_t key) const {
        return (pageNumberOfKey(key) << 1) | std::uint64_t{splitSides_ && t == tlbTopology_.firstInstruction};
    }
    /// The first entry of the pair that may hold `key`.
    static std::size_t memoPair(std::uint64_t key) { return ((key * 0x9E3779B97F4A7C15ull) >> (64 - kMemoPairBits)) << 1; }
    HitMemo* findMemo(std::uint64_t key) {
        HitMemo* m = &memo_[memoPair(key)];
        return m[0].key == key ? m : m[1].key == key ? m + 1 : nullptr;
    }
    /// Forgets what the memo remembers of way (set, way) of TLB `t`, which held TLB key `key` (of
    /// any process). An entry that points at the way has the memo key of the page the way holds,
    /// so only that key's pair is looked at.
    void forgetWay(std::uint32_t t, std::uint32_t set, std::uint32_t way, std::uint64_t key) {
        if ((key >> 63) != 0) return;  // a huge page: never in the memo
        const std::size_t pair = memoPair(memoKeyOfTlb(t, key));
        for (std::size_t i = pair; i < pair + 2; ++i) {
            const MemoWay& w = memoWay_[i];
            if (w.tlb == t && w.set == set && w.way == way) memo_[i].key = kNoMemoKey;
        }
    }
    /// After translate() filled way (set, way) of TLB `t` with `key` (of the running process), mapped
    /// to `target`: if `t` is a first TLB, the memo remembers the page now, so the next reference to
    /// it stays in translateRun's run instead of looking the TLB up again.
    void rememberFill(std::uint32_t t, std::uint32_t set, std::uint32_t way, std::uint64_t key, const TlbTarget& target);
    /// Puts the page whose TLB way is (t, set, way) in the memo under `memoKey`, in place of the
    /// older entry of its pair; returns the entry.
    HitMemo* remember(std::uint64_t memoKey, std::uint32_t t, std::uint32_t set, std::uint32_t way, const TlbTarget& target);
    /// translateHit's TLB lookup when the memo does not know the page: on a hit, remembers it in
    /// the memo and returns its entry; nullptr on a miss. Out of line, so translateHit stays small
    /// enough to inline.
    [[gnu::noinline]] HitMemo* lookUpFirstTlb(std::uint32_t t, std::uint64_t memoKey);
    // The loop per reference: the page-crossing and process checks, the memo lookup (one multiply,
    // a 32-byte entry), the count by kind (one add into a small array), the kinds ORed into the
    // entry, its last use (and its first in the run, once), the 16-byte copy and the physical
    // address. Everything else waits for settleRun, once per page.
    template <bool kSplit>
    std::size_t translateRunImpl(std::span<const Access> block, Access* out) {
        const std::size_t n = block.size();
        const std::uint64_t start = sequence_;
        const std::uint8_t process = process_;
        const unsigned shift = pageShift_;
        HitMemo* const memo = memo_.data();
        HitMemo** const touched = touched_.data();
        std::size_t touchedCount = 0;
        std::uint64_t counts[kAccessKinds] = {};
        const Access* const first = block.data();
        const Access* const end = first + n;
        const Access* a = first;
        std::uint64_t use = start;
        for (; a != end; ++a, ++out) {
            const std::uint64_t va = a->address;
            const std::uint64_t page = va >> shift;
            const unsigned kind = static_cast<unsigned>(a->kind);
            if (a->process != process || ((va + (a->size - 1)) >> shift) != page) break;
            std::uint64_t key = page << 1;  // memoKey
            if constexpr (kSplit) key |= kind >> 1;
            HitMemo* m = memo + memoPair(key);
            if (m->key != key && (++m)->key != key) break;
            ++counts[kind];
            m->kinds |= kind;
            if (m->lastUse <= start) touched[touchedCount++] = m;  // its first reference in the run
            m->lastUse = ++use;
            *out = *a;
            out->address = va + m->delta;
        }
        const auto count = static_cast<std::size_t>(a - first);
        if (count != 0) settleRun(start, count, counts, touchedCount);
        return count;
    }
    /// The end of translateRun: what its `count` references changed, applied (see translateRun);
    /// touched_[0, touchedCount) are the memo entries the run referenced, in order of first reference.
    void settleRun(std::uint64_t start, std::size_t count, const std::uint64_t (&counts)[kAccessKinds], std::size_t touchedCount);
    /// runsHits_ from the config, the TLBs' policies and the future.
    void decideRuns();
    struct PageSize {
        unsigned shift = 12;
        std::uint32_t leafLevel = 0;
        bool huge = false;
    };

    PageSize pageSizeOf(std::uint64_t va) const;
    /// A TLB entry's key: the page number; a huge page's also carries bit 63 and log2(its size) in
    /// bits 56-62, so pages of different sizes never share an entry; `processBits` (processBitsOf)
    /// keeps the pages of different processes apart.
    std::uint64_t keyOf(std::uint64_t va, const PageSize& ps, std::uint64_t processBits) const {
        return (va >> ps.shift) | processBits |
               (ps.huge ? (std::uint64_t{1} << 63) | (std::uint64_t{ps.shift} << 56) : 0);
    }
    std::uint64_t keyOf(std::uint64_t va, const PageSize& ps) const {
        return keyOf(va, ps, ps.huge ? hugeProcessBits_ : processBits_);
    }
    static std::uint64_t processBitsOf(bool huge, std::uint8_t process) {
        return std::uint64_t{process} << (huge ? kHugeProcessShift : kProcessShift);
    }
    void fault(std::uint64_t key, std::uint64_t va, const PageSize& ps, std::uint64_t nextUse, PhysicalMemoryPort& caches);
    /// A free frame, or one evicted for it; loaded into the replacer with `nextUse`, its slot's
    /// per-slot state grown and cleared. Returns the frame.
    std::uint32_t takeFrame(std::uint64_t nextUse, PhysicalMemoryPort& caches);
    /// A fault on a page of file mapping `m` (docs/mmap.md): a minor fault if the file page is
    /// cached, else a major one that reads it (and up to `readahead` pages after it). Returns the
    /// frame the page maps to.
    std::uint32_t faultFile(std::uint64_t key, std::uint64_t va, const FileMapping& m, std::uint64_t nextUse,
                            PhysicalMemoryPort& caches, bool& major);
    void evict(std::uint32_t frame, PhysicalMemoryPort& caches);
    /// Removes `key`'s page from every TLB (the memo of translateHit too).
    void dropFromTlbs(std::uint64_t key);
    /// The frame a fault evicts when none is free: the replacer's victim, among the faulting
    /// process's own anonymous pages and the page cache's pages under local scope (if any).
    std::uint32_t chooseVictim();
    /// Random frame allocation: draws a free frame (the lazy Fisher–Yates below).
    std::uint32_t drawRandomFrame();
    std::uint64_t tableBase(std::uint32_t level, std::uint64_t va);  // allocates when missing
    /// Which level-`level` table `va` uses: the address bits above that table's index (0 for the root).
    /// With the process in bits 52-59, so each process has its own tables (prefixes are below 2^52).
    std::uint64_t tablePrefix(std::uint32_t level, std::uint64_t va, std::uint8_t process) const {
        return (level == 0 ? 0 : va >> (shift_[level] + config_.bitsPerLevel[level])) | processBitsOf(false, process);
    }
    std::uint64_t tablePrefix(std::uint32_t level, std::uint64_t va) const { return tablePrefix(level, va, process_); }
    void walk(std::uint64_t va, const PageSize& ps, PhysicalMemoryPort& caches);
    void fillTlb(std::uint32_t t, std::uint64_t key, const Page& page);
    void recordAccess(const Page& page, AccessKind kind, std::uint64_t nextUse);
    /// The next use of the piece being translated (consumes one entry of the future, if any).
    std::uint64_t nextUse() { return piece_ < futureSize_ ? futureData_[piece_++] : PageReplacer::kNever; }

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
    std::vector<std::uint8_t> tlbAsid_;              // per TLB: entries kept across context switches
    std::vector<std::vector<TlbTarget>> tlbTarget_;  // per TLB, per slot (set * ways + way)
    std::array<HitMemo, kMemoEntries> memo_{};       // recent first-TLB hits (translateHit, translateRun)
    std::array<MemoWay, kMemoEntries> memoWay_{};    // where each memo_ entry's page sits in its TLB
    std::array<HitMemo*, kMemoEntries> touched_{};   // translateRun's scratch: the entries a run referenced
    std::uint64_t sequence_ = 0;                     // memo references so far (HitMemo::lastUse)
    bool splitSides_ = false;                        // the two sides have different first TLBs (memoKey)
    bool runsHits_ = false;                          // runsHits()
    std::vector<Cache> walkCaches_;
    Topology tlbTopology_;
    MmuStats stats_;

    std::vector<FlatMap<std::uint64_t>> tables_;  // per level: prefix -> physical base of the table
    std::uint64_t nextTable_ = 0;
    FlatMap<Page> pages_;                         // resident pages by key
    FlatMap<std::uint8_t> evicted_;               // keys of pages evicted (for major faults); values unused
    // Per replacer slot (PageReplacer::slotOf(frame)): the key of the page in that frame, its dirty bit.
    std::vector<std::uint64_t> slotKey_;
    std::vector<std::uint8_t> slotDirty_;
    std::uint64_t nextUnusedFrame_ = 0;           // sequential allocation
    // Random allocation draws like a Fisher–Yates shuffle of the array free = [0, 1, ..., frames-1]:
    // r = rng % freeCount_, take free[r], move the last free entry into position r. Positions hold
    // their own number unless freeMoved_ says otherwise, so the state is one entry per draw at most,
    // and the frames come out exactly as from the dense array.
    std::uint64_t freeCount_ = 0;
    FlatMap<std::uint32_t> freeMoved_;            // position -> frame, where they differ
    SplitMix64 frameRng_{0};
    std::uint64_t nextHuge_ = std::uint64_t{1} << 52;
    std::unique_ptr<PageReplacer> replacer_;
    std::shared_ptr<const std::vector<std::uint64_t>> future_;  // OPT: next use of every piece, in order
    const std::uint64_t* futureData_ = nullptr;  // future_->data(), for the hot path
    std::uint64_t futureSize_ = 0;
    std::uint64_t piece_ = 0;            // pieces translated so far (index into the future)
    MmuObserver* observer_ = nullptr;    // narration; consulted only outside translateHit
    PageCache pageCache_;                // file pages in frames; empty without file-backed regions
    std::uint8_t process_ = 0;           // the process being translated
    std::uint64_t processBits_ = 0;      // processBitsOf(false, process_): ORed into base-page keys
    std::uint64_t hugeProcessBits_ = 0;  // processBitsOf(true, process_)
    std::array<std::uint32_t, 256> residentByProcess_{};  // resident base pages per process
};

}  // namespace cachescope
