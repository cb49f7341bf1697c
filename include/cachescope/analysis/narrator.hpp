#pragma once
// The Narrator: turns the events of one simulated reference into a ReferenceNarration
// (analysis/narration_records.hpp). analysis/narration.hpp explains the records with an example.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "cachescope/analysis/miss_classes.hpp"
#include "cachescope/analysis/narration_records.hpp"
#include "cachescope/core/access.hpp"
#include "cachescope/mmu/mmu_observer.hpp"
#include "cachescope/sim/observer.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope {

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
    void onContextSwitch(const ContextSwitchEvent& e) override;
    void onTranslationEnd(const TranslationEndEvent& e) override;
    void onSegmentLookup(const SegmentLookupEvent& e) override;
    void onSegmentPlaced(std::uint32_t process, const std::string& name, std::uint64_t base,
                         std::uint64_t limit) override;
    void onSegmentSwappedOut(std::uint32_t process, const std::string& name, std::uint64_t base,
                             std::uint64_t limit) override;
    void onCompaction(std::uint64_t bytesMoved) override;

private:
    std::vector<CacheStep>& target();
    Translation& translation();
    SegmentStep& segment();
    void takeRemovalsIntoSegment();
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
    std::uint32_t readaheadEvictions_ = 0;  // evictions after the first, for a fault's readahead
};

}  // namespace cachescope
