#pragma once
// Step-by-step narration: what happened to each CPU reference, as plain value records a student
// can check by hand (and the GUI can show). `cachescope explain` prints them.
//
// A Narrator listens to the Hierarchy (HierarchyObserver) and the Mmu (MmuObserver) while one
// reference is simulated and turns their events into one ReferenceNarration:
//
//   reference 3: read 0x0, 8 bytes
//     piece (one per page-sized part; without an mmu the whole reference)
//       translation: page number, offset, TLB lookups, walk steps (each PTE read's own cache
//                    steps), page fault and the page it evicted, the physical address
//       cache steps, in the order they arrived:
//         L1  read 0x0: tag 0x0 | set 0 | offset 0x0; the set before (lines, policy state);
//             miss → way 0, victim line 0x200 (clean)
//           L2  read 0x0 (fill for L1): ... hit way 0
//
// Worked example (configs/teaching.json: L1 1 KiB 2-way 64 B lines = 8 sets → 6 offset bits,
// 3 set bits): reference "R 0x208 8" is line 0x208 >> 6 = 0x8, set 0x8 mod 8 = 0, tag 0x8 >> 3 = 1,
// offset 0x208 mod 64 = 8. Every split comes from the cache's AddressLayout.
//
// narrateTrace() runs a simulator over a trace, silently up to reference `from`, then narrates
// `count` references. Printers to text and JSON are separate functions (printNarrationText/Json).

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/analysis/miss_classes.hpp"
#include "cachescope/core/access.hpp"
#include "cachescope/mmu/mmu_observer.hpp"
#include "cachescope/sim/observer.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/metadata.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

/// Why an access arrived at a cache (or at memory).
enum class StepRole : std::uint8_t {
    Reference,     // (a line-sized part of) the CPU reference itself
    PteRead,       // a page walk's read of a page-table entry
    Fill,          // a line fetched for the cache above, which missed
    WriteBack,     // a dirty victim of the cache above
    Victim,        // a clean victim of the cache above, moved into this exclusive cache
    WriteThrough,  // a write passed on by a write-through cache above
    WriteAround,   // a write miss passed on by a no-write-allocate cache above
};
std::string_view toString(StepRole role);

/// One way of a set as it was before the access.
struct WayView {
    bool valid = false;
    bool dirty = false;
    std::uint64_t tag = 0;
    std::uint64_t lineAddress = 0;  // first byte of the line
};

/// A line removed from a cache by this step for a reason other than its replacement.
struct Removal {
    std::uint32_t cache = 0;
    std::string cacheName;
    std::uint64_t lineAddress = 0;
    std::uint32_t set = 0;
    std::uint32_t way = 0;
    bool dirty = false;
    std::string reason;  // "back-invalidation", "handed up (exclusive)", "page evicted"
};

/// One arrival at one cache, or at memory.
struct CacheStep {
    static constexpr std::uint32_t kMemory = ~std::uint32_t{0};
    static constexpr std::uint32_t kNoWay = ~std::uint32_t{0};

    std::uint32_t cache = kMemory;  // index into Hierarchy::caches(), or kMemory
    std::string name;               // "L1", ..., "memory"
    StepRole role = StepRole::Reference;
    std::uint32_t depth = 0;   // 0 = from the CPU or the walker; d+1 = caused by a step of depth d
    std::int32_t parent = -1;  // index of the step that caused it in the same list, or -1
    AccessKind kind = AccessKind::Read;
    std::uint64_t address = 0;
    std::uint32_t size = 0;

    // The address split by this cache's AddressLayout (caches only).
    unsigned offsetBits = 0;
    unsigned setBits = 0;
    std::uint64_t tag = 0;
    std::uint32_t set = 0;
    std::uint64_t offset = 0;
    std::vector<WayView> setBefore;  // the set's ways before the access
    std::string policyBefore;        // ReplacementPolicy::describeSet before the access

    bool hit = false;
    std::uint32_t way = kNoWay;  // way hit or filled; kNoWay when a miss did not allocate
    bool evicted = false;
    std::uint64_t victimTag = 0;
    std::uint64_t victimAddress = 0;  // first byte of the victim line
    bool victimDirty = false;         // true: written back to the next level
    std::vector<Removal> removals;
    /// 3C class of a miss ("compulsory", "capacity", "conflict") when a classifier provides one.
    std::optional<std::string> missClass;
    std::uint32_t latency = 0;  // cycles this arrival costs (the cache's or memory's latency)
};

struct TlbStep {
    std::uint32_t tlb = 0;
    std::string name;
    std::uint32_t set = 0;
    bool hit = false;
    std::uint32_t way = CacheStep::kNoWay;  // way hit
    std::uint32_t latency = 0;
    // Filled after the walk (every TLB that missed gets the translation).
    bool filled = false;
    std::uint32_t fillWay = 0;
    bool evicted = false;
    std::uint64_t victimPage = 0;  // page number of the entry replaced
};

struct WalkCacheStep {
    std::uint32_t walkCache = 0;
    std::string name;
    std::uint32_t level = 0;
    bool hit = false;
    std::uint32_t latency = 0;
};

struct WalkStep {
    std::uint32_t level = 0;
    std::uint64_t index = 0;         // entry index in the level's table
    std::uint64_t tableAddress = 0;  // physical address of the table (pteAddress - index * pte size)
    std::uint64_t pteAddress = 0;
    std::uint32_t servedBy = CacheStep::kMemory;
    std::string servedByName;
    std::vector<CacheStep> steps;  // the PTE read through the caches
};

struct PageFault {
    bool major = false;
    bool huge = false;
    std::uint32_t frame = 0;
    std::uint64_t physicalBase = 0;
    std::uint32_t latency = 0;
    bool evicted = false;  // a resident page was thrown out for the frame
    std::uint64_t evictedPage = 0;
    std::uint32_t evictedFrame = 0;
    bool evictedDirty = false;
    std::vector<Removal> removals;  // the evicted page's lines leaving the caches
};

struct Translation {
    std::uint64_t pageNumber = 0;
    std::uint64_t offset = 0;
    std::uint64_t pageSize = 0;
    bool huge = false;
    std::vector<TlbStep> tlbs;
    std::vector<WalkCacheStep> walkCaches;
    std::vector<WalkStep> walk;
    std::optional<PageFault> fault;
    std::uint64_t physicalAddress = 0;
};

/// A page-sized part of a reference (the whole reference without an mmu).
struct Piece {
    std::uint64_t virtualAddress = 0;
    std::uint64_t physicalAddress = 0;
    std::uint32_t size = 0;
    std::optional<Translation> translation;
    std::vector<CacheStep> steps;  // in arrival order; parents come before their children
};

struct ReferenceNarration {
    std::uint64_t index = 0;  // 0-based position among the trace's accesses
    AccessKind kind = AccessKind::Read;
    std::uint64_t address = 0;
    std::uint32_t size = 0;
    std::string element;    // "A[3][5]" or "code+0x40" when the trace has regions, else empty
    std::string statement;  // the site's name when the trace has sites, else empty
    std::vector<Piece> pieces;
    std::uint32_t servedBy = CacheStep::kMemory;  // the farthest level the demand data came from
    std::string servedByName;
    std::uint64_t cycles = 0;  // every latency this reference caused (docs/semantics.md's model)
};

/// Builds ReferenceNarrations from a simulator's events. Attach it with
/// `simulator.setObservers(&narrator, &narrator)` (or through a FanOutObserver), then for each
/// reference: begin(), simulator.access(), finish().
class Narrator final : public HierarchyObserver, public MmuObserver {
public:
    /// `metadata` may be nullptr. Both must outlive the narrator.
    explicit Narrator(const Simulator& simulator, const TraceMetadata* metadata = nullptr);

    /// Misses are then annotated with the class `classes` gives them (it must observe the caches
    /// ahead of the narrator, so it has classified an event when the narrator hears of it).
    void setMissClassifier(const MissClassifier* classes) { classes_ = classes; }

    void begin(std::uint64_t index, const Access& reference);
    ReferenceNarration finish();

    void onReference(const Access& a) override;
    void onCacheLookup(const CacheLookupEvent& e) override;
    void onCacheAccess(const CacheEvent& e) override;
    void onMemoryAccess(const MemoryEvent& e) override;
    void onInvalidate(const InvalidateEvent& e) override;

    void onTranslationStart(const TranslationStartEvent& e) override;
    void onTlbLookup(const TlbLookupEvent& e) override;
    void onTlbFill(const TlbFillEvent& e) override;
    void onWalkCacheLookup(const WalkCacheEvent& e) override;
    void onWalkStep(const WalkStepEvent& e) override;
    void onPageEvict(const PageEvictEvent& e) override;
    void onPageFault(const PageFaultEvent& e) override;
    void onTranslationEnd(const TranslationEndEvent& e) override;

private:
    std::vector<CacheStep>& target();
    Translation& translation();
    CacheStep& openStep(std::uint32_t cache, AccessKind kind, std::uint64_t address, std::uint32_t size);

    const Simulator* sim_;
    const TraceMetadata* metadata_;
    const MissClassifier* classes_ = nullptr;
    ReferenceNarration current_;
    bool translating_ = false;              // between onTranslationStart and onTranslationEnd
    bool awaitingPiece_ = false;            // a translation ended; its piece reaches the caches next
    std::vector<Removal> pendingRemovals_;  // a page eviction's removals, until its onPageFault
    std::vector<CacheStep> pendingWalk_;    // a PTE read's steps, until its onWalkStep
    std::vector<std::size_t> open_;         // indices (in target()) of arrivals not yet completed
    std::optional<PageEvictEvent> evict_;   // an eviction announced before its fault
};

struct NarrationResult {
    std::vector<ReferenceNarration> references;
    /// Accesses read from the trace: all of them if it ended before from + count.
    std::uint64_t referencesRead = 0;
    bool reachedEnd = false;
};

/// Simulates `trace` on `simulator`: references 0..from-1 silently (blocks, full speed), then
/// narrates references from..from+count-1 (fewer if the trace ends first). `others`, if not null,
/// observes the caches during the whole run (e.g. a miss classifier), the narrator only during the
/// narrated references. The simulator's observers are detached on return.
/// With `classes` (built on this simulator's hierarchy, not yet attached) it is attached for the
/// whole run as well, ahead of the narrator, and every miss step carries its 3C class.
NarrationResult narrateTrace(Simulator& simulator, TraceReader& trace, std::uint64_t from, std::uint64_t count,
                             HierarchyObserver* others = nullptr, MissClassifier* classes = nullptr);

/// The records as text for people (one block per reference); `simulator` supplies the geometry
/// summary printed first.
void printNarrationText(std::ostream& os, const Simulator& simulator, const std::vector<ReferenceNarration>& refs);
/// The records as JSON: {"references": [...]} with every field of the structs above.
nlohmann::ordered_json narrationToJson(const std::vector<ReferenceNarration>& refs);

}  // namespace cachescope
