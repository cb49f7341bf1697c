#pragma once
// The narration's records: what happened to one CPU reference, as plain values a student can
// check by hand and the GUI can show (analysis/narration.hpp explains the whole picture). The
// Narrator (analysis/narrator.hpp) fills them; report/narration_printers.hpp prints them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cachescope/analysis/miss_classes.hpp"
#include "cachescope/core/access.hpp"
#include "cachescope/core/permissions.hpp"
#include "cachescope/mmu/mmu_observer.hpp"

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

/// Why a line left a cache other than by its own replacement.
enum class RemovalReason : std::uint8_t {
    BackInvalidation,  // an inclusive cache below evicted the line ("back-invalidation")
    ExclusiveHandUp,   // an exclusive cache handed the line up to the cache above ("handed up (exclusive)")
    PageEvicted,       // the page holding it was evicted from memory ("page evicted")
    SegmentMoved,      // its segment was swapped out or moved by compaction ("segment moved or swapped out")
};
/// The words the printers use: "back-invalidation", "handed up (exclusive)", "page evicted",
/// "segment moved or swapped out".
std::string_view toString(RemovalReason reason);

/// A line removed from a cache by this step for a reason other than its replacement.
struct Removal {
    std::uint32_t cache = 0;
    std::string cacheName;
    std::uint64_t lineAddress = 0;
    std::uint32_t set = 0;
    std::uint32_t way = 0;
    bool dirty = false;
    RemovalReason reason = RemovalReason::BackInvalidation;
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
    /// 3C class of a miss when a classifier provides one (toString: "compulsory", ...).
    std::optional<MissClass> missClass;
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
    bool file = false;  // a file page (docs/mmap.md): major = read from storage, else found in the page cache
    std::uint32_t readaheadPages = 0;       // a file major fault: pages read ahead in the same request
    std::uint32_t readaheadEvictions = 0;   // pages evicted to make room for them (after `evicted`'s)
    bool readaheadUsed = false;             // a minor fault on a page read ahead, its first use
    bool evictedUnusedReadahead = false;    // the evicted page was read ahead and never mapped (evictedPage: 0)
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

/// Protection and segmentation (docs/mmu.md): the segment lookup of the reference, before any
/// translation. Present when the mmu checks references.
struct SegmentStep {
    std::optional<std::string> segment;  // the segment (or region) selected; nullopt: none
    std::uint64_t start = 0;
    std::uint64_t limit = 0;
    std::uint64_t offset = 0;            // address - start
    Permissions permissions = 0;
    std::optional<FaultKind> fault;      // nullopt: the limit and permission checks passed
    std::uint64_t address = 0;           // passed on: linear (segmented-paging) or physical (segmentation)
    // Segmentation: what placing the segment took (first reference, or after a swap-out).
    std::vector<std::string> swappedOut;  // segments swapped out to make room, in order
    std::optional<std::uint64_t> compactedBytes;  // a compaction moved this many bytes
    std::optional<std::uint64_t> placedAt;        // the segment was placed at this physical base
    std::vector<Removal> removals;                // lines of swapped-out or moved segments
};

/// A page-sized part of a reference (the whole reference without an mmu).
struct Piece {
    std::uint64_t virtualAddress = 0;
    std::uint64_t physicalAddress = 0;
    std::uint32_t size = 0;
    std::optional<Translation> translation;
    std::vector<CacheStep> steps;  // in arrival order; parents come before their children
};

/// The process changed before this reference (docs/mmu.md, "Processes"): what the switch flushed.
struct ContextSwitchStep {
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    std::uint64_t tlbEntriesFlushed = 0;        // valid entries of TLBs without asid
    std::uint64_t walkCacheEntriesFlushed = 0;  // valid walk-cache entries (kept when every TLB has asid)
    friend bool operator==(const ContextSwitchStep&, const ContextSwitchStep&) = default;
};

struct ReferenceNarration {
    std::uint64_t index = 0;  // 0-based position among the trace's accesses
    std::uint32_t process = 0;  // the process that issued it
    std::optional<ContextSwitchStep> contextSwitch;  // set when the process changed before it (with an mmu)
    AccessKind kind = AccessKind::Read;
    std::uint64_t address = 0;
    std::uint32_t size = 0;
    std::string element;    // "A[3][5]" or "code+0x40" when the trace has regions, else empty
    std::string statement;  // the site's name when the trace has sites, else empty
    std::optional<SegmentStep> segment;  // when the mmu checks references (protection, segmentation)
    std::vector<Piece> pieces;           // none after a protection or segmentation fault
    std::uint32_t servedBy = CacheStep::kMemory;  // the farthest level the demand data came from
    std::string servedByName;
    std::uint64_t cycles = 0;  // every latency this reference caused (docs/semantics.md's model)
    /// The trace's control events right after it (before the next reference), as narration lines
    /// (describeMsync: "msync 0x... +N B in process P: K dirty file pages written back").
    std::vector<std::string> events;
};

}  // namespace cachescope
