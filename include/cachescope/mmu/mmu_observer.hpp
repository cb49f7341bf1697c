#pragma once
// Optional listener for what the MMU does while translating one page-sized piece: TLB lookups and
// fills, walk-cache lookups, the page walk's PTE reads, page faults and page evictions. Narration
// (analysis/narration.hpp) and the GUI use it. Nobody pays for it when no observer is attached:
// the Mmu checks the pointer only outside its inline TLB-hit path, and the Simulator routes every
// piece through Mmu::translate (never translateHit) while an observer is attached.
//
// Order of events for one piece, e.g. a TLB miss on a page never touched (2-level table):
//   onTranslationStart → onTlbLookup (miss) → onPageFault → onWalkStep (level 0) →
//   onWalkStep (level 1) → onTlbFill → onTranslationEnd
// The caches' events of a PTE read (HierarchyObserver) come just before its onWalkStep; those of a
// page eviction's invalidations just after its onPageEvict.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cachescope/core/access.hpp"
#include "cachescope/core/permissions.hpp"

namespace cachescope {

struct TranslationStartEvent {
    std::uint64_t virtualAddress = 0;
    AccessKind kind = AccessKind::Read;
    std::uint64_t key = 0;         // the TLB key (Mmu::pageKey)
    std::uint64_t pageNumber = 0;  // virtualAddress >> pageShift
    std::uint64_t offset = 0;      // virtualAddress mod the page size
    unsigned pageShift = 12;       // log2 of the size of the page that maps the address
    bool huge = false;
};

struct TlbLookupEvent {
    std::uint32_t tlb = 0;  // index into Mmu::tlbs()
    std::uint64_t key = 0;
    std::uint32_t set = 0;
    std::uint32_t way = ~std::uint32_t{0};  // the way hit; ~0 on a miss
    bool hit = false;
};

struct TlbFillEvent {
    std::uint32_t tlb = 0;
    std::uint64_t key = 0;
    std::uint32_t set = 0;
    std::uint32_t way = 0;
    bool evicted = false;  // a valid entry was replaced
    std::uint64_t victimKey = 0;
};

struct WalkCacheEvent {
    std::uint32_t walkCache = 0;  // index into Mmu::walkCaches()
    std::uint32_t level = 0;      // the table level it covers
    bool hit = false;
};

struct WalkStepEvent {
    std::uint32_t level = 0;       // 0 = root table
    std::uint64_t index = 0;       // the entry's index in its table (the virtual address's bits for this level)
    std::uint64_t pteAddress = 0;  // physical address of the entry read (Mmu::pteAddress) = table + index * pte size
    std::uint32_t servedBy = 0;    // index of the cache that served the read, or Topology::kMemory
};

struct PageFaultEvent {
    std::uint64_t key = 0;
    bool major = false;  // the page had been evicted before (a file page: it is read from storage)
    bool huge = false;
    std::uint32_t frame = 0;  // the frame given to the page (base pages)
    std::uint64_t physicalBase = 0;
    bool file = false;  // a page of a file-backed region (docs/mmap.md); minor = found in the page cache
    std::uint32_t readaheadPages = 0;  // a file major fault: pages read ahead in the same request
    bool readaheadUsed = false;        // a minor fault on a page read ahead and not touched until now
};

/// A resident page thrown out to make room (before the faulting page gets its frame).
struct PageEvictEvent {
    std::uint64_t key = 0;
    std::uint32_t frame = 0;
    bool dirty = false;  // written since it was loaded: written out
    bool unusedReadahead = false;  // a file page read ahead and never mapped (`key` is then 0)
};

/// The process changed between two references (docs/mmu.md, "Processes").
struct ContextSwitchEvent {
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    std::uint64_t tlbEntriesFlushed = 0;        // by this switch (TLBs without asid)
    std::uint64_t walkCacheEntriesFlushed = 0;  // by this switch
};

struct TranslationEndEvent {
    std::uint64_t virtualAddress = 0;
    std::uint64_t physicalAddress = 0;
};

enum class FaultKind : std::uint8_t {
    Unmapped,    // paging + protection: outside every region; segmentation: below every segment
    Permission,  // the segment or region does not allow the access's kind
    Limit,       // segmentation: offset + size past the segment's limit
};
std::string_view toString(FaultKind kind);  // "unmapped", "permission", "limit" (mmu/segmentation.cpp)

/// One segment lookup and its checks (Segmentation::map), for narration.
struct SegmentLookupEvent {
    std::uint32_t process = 0;
    std::uint64_t virtualAddress = 0;
    std::uint32_t size = 0;
    AccessKind kind = AccessKind::Read;
    std::optional<std::size_t> segment;  // index in the process's table; nullopt: none selected
    std::string name;
    std::uint64_t start = 0;
    std::uint64_t limit = 0;
    std::uint64_t offset = 0;
    Permissions permissions = 0;
    std::optional<FaultKind> fault;      // nullopt: the checks passed
    std::uint64_t address = 0;           // the address passed on (linear or physical), if no fault
};

class MmuObserver {
public:
    virtual ~MmuObserver() = default;
    virtual void onTranslationStart(const TranslationStartEvent&) {}
    virtual void onTlbLookup(const TlbLookupEvent&) {}
    virtual void onTlbFill(const TlbFillEvent&) {}
    virtual void onWalkCacheLookup(const WalkCacheEvent&) {}
    virtual void onWalkStep(const WalkStepEvent&) {}
    virtual void onPageEvict(const PageEvictEvent&) {}
    virtual void onPageFault(const PageFaultEvent&) {}
    virtual void onTranslationEnd(const TranslationEndEvent&) {}
    // Protection and segmentation (mmu/segmentation.hpp), before the reference's translation:
    virtual void onSegmentLookup(const SegmentLookupEvent&) {}
    /// Segmentation: `name` placed at [base, base + limit) (after any swap-outs and compaction).
    virtual void onSegmentPlaced(std::uint32_t /*process*/, const std::string& /*name*/, std::uint64_t /*base*/,
                                 std::uint64_t /*limit*/) {}
    virtual void onSegmentSwappedOut(std::uint32_t /*process*/, const std::string& /*name*/, std::uint64_t /*base*/,
                                     std::uint64_t /*limit*/) {}
    virtual void onCompaction(std::uint64_t /*bytesMoved*/) {}
    virtual void onContextSwitch(const ContextSwitchEvent&) {}
};

/// Passes every translation event on to several observers, in the order they were added
/// (sim/observer.hpp's FanOutObserver's twin for the MMU). Not owning.
class MmuFanOutObserver final : public MmuObserver {
public:
    void add(MmuObserver* o) {
        if (o != nullptr) observers_.push_back(o);
    }
    bool empty() const { return observers_.empty(); }
    /// What to hand to Simulator::setObservers: nullptr if none was added, the only one if there is
    /// one, else this.
    MmuObserver* collapsed() {
        if (observers_.size() <= 1) return observers_.empty() ? nullptr : observers_.front();
        return this;
    }
    void onTranslationStart(const TranslationStartEvent& e) override {
        for (MmuObserver* o : observers_) o->onTranslationStart(e);
    }
    void onTlbLookup(const TlbLookupEvent& e) override {
        for (MmuObserver* o : observers_) o->onTlbLookup(e);
    }
    void onTlbFill(const TlbFillEvent& e) override {
        for (MmuObserver* o : observers_) o->onTlbFill(e);
    }
    void onWalkCacheLookup(const WalkCacheEvent& e) override {
        for (MmuObserver* o : observers_) o->onWalkCacheLookup(e);
    }
    void onWalkStep(const WalkStepEvent& e) override {
        for (MmuObserver* o : observers_) o->onWalkStep(e);
    }
    void onPageEvict(const PageEvictEvent& e) override {
        for (MmuObserver* o : observers_) o->onPageEvict(e);
    }
    void onPageFault(const PageFaultEvent& e) override {
        for (MmuObserver* o : observers_) o->onPageFault(e);
    }
    void onTranslationEnd(const TranslationEndEvent& e) override {
        for (MmuObserver* o : observers_) o->onTranslationEnd(e);
    }
    void onSegmentLookup(const SegmentLookupEvent& e) override {
        for (MmuObserver* o : observers_) o->onSegmentLookup(e);
    }
    void onSegmentPlaced(std::uint32_t process, const std::string& name, std::uint64_t base,
                         std::uint64_t limit) override {
        for (MmuObserver* o : observers_) o->onSegmentPlaced(process, name, base, limit);
    }
    void onSegmentSwappedOut(std::uint32_t process, const std::string& name, std::uint64_t base,
                             std::uint64_t limit) override {
        for (MmuObserver* o : observers_) o->onSegmentSwappedOut(process, name, base, limit);
    }
    void onCompaction(std::uint64_t bytesMoved) override {
        for (MmuObserver* o : observers_) o->onCompaction(bytesMoved);
    }
    void onContextSwitch(const ContextSwitchEvent& e) override {
        for (MmuObserver* o : observers_) o->onContextSwitch(e);
    }

private:
    std::vector<MmuObserver*> observers_;
};

}  // namespace cachescope
