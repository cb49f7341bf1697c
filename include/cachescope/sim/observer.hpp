#pragma once
// Optional listener for everything the hierarchy does, one value record per event. Narration and
// the GUI use it; when no observer is attached the hot path pays one branch per block.

#include <cstdint>
#include <span>
#include <vector>

#include "cachescope/core/access.hpp"

namespace cachescope {

/// One arrival at one cache, announced before it is looked up: the cache and its policy still hold
/// the state from before the access (narration shows the set as it was). Every arrival is later
/// completed by exactly one CacheEvent for the same cache; arrivals nest (a fill request's arrival
/// below comes, and completes, before the CacheEvent of the access that caused it).
struct CacheLookupEvent {
    std::uint32_t cache = 0;
    AccessKind kind = AccessKind::Read;
    std::uint64_t address = 0;
    std::uint32_t size = 0;
    std::uint64_t line = 0;
    std::uint32_t set = 0;
};

/// One arrival at one cache (a CPU reference piece, a fill request, a write-back, a write-through).
struct CacheEvent {
    std::uint32_t cache = 0;     // index into Hierarchy::caches()
    AccessKind kind = AccessKind::Read;
    std::uint64_t address = 0;   // first byte of this piece
    std::uint32_t size = 0;
    std::uint64_t line = 0;
    std::uint32_t set = 0;
    std::uint32_t way = 0;       // way hit or filled; ~0 when a miss did not allocate
    bool hit = false;
    bool evicted = false;        // the fill replaced a valid line
    std::uint64_t victimLine = 0;
    bool victimDirty = false;
    /// The attribution slot this arrival is charged to (Hierarchy::enableAttribution: a site id,
    /// then write-backs, then walks); 0 when attribution is off.
    std::uint32_t slot = 0;
};

struct MemoryEvent {
    AccessKind kind = AccessKind::Read;  // Read/Fetch: a fill; Write: a write-back or write-through
    std::uint64_t address = 0;
    std::uint32_t size = 0;
};

/// A line removed from a cache for a reason other than its own replacement: back-invalidation by
/// an inclusive cache below, or hand-up from an exclusive cache to the cache above.
struct InvalidateEvent {
    std::uint32_t cache = 0;
    std::uint64_t line = 0;
    std::uint32_t set = 0;
    std::uint32_t way = 0;
    bool dirty = false;
    bool backInvalidation = true;  // false: exclusive hand-up
};

class HierarchyObserver {
public:
    virtual ~HierarchyObserver() = default;
    /// Called once per CPU reference, before its pieces are simulated.
    virtual void onReference(const Access&) {}
    /// Called before each arrival at a cache is looked up (see CacheLookupEvent).
    virtual void onCacheLookup(const CacheLookupEvent&) {}
    virtual void onCacheAccess(const CacheEvent&) {}
    virtual void onMemoryAccess(const MemoryEvent&) {}
    virtual void onInvalidate(const InvalidateEvent&) {}
};

/// One miss among a cache's arrivals handed to an ArrivalSink: lines[index] missed, charged to
/// attribution slot `slot` (CacheEvent::slot).
struct ArrivalMiss {
    std::uint32_t index = 0;
    std::uint32_t slot = 0;
};

/// The cheap way to see every arrival: no event per arrival, but each cache's arrivals in bulk,
/// as the lines that arrived (in order) and which of them missed. The 3C classifier needs no
/// more, and the hierarchy keeps its fast path for first-level hits while one is attached
/// (Hierarchy::setArrivalSink). The arrivals at one cache come in order; different caches' are
/// handed over independently (a cache's batch may come before or after another's).
class ArrivalSink {
public:
    virtual ~ArrivalSink() = default;
    /// The arrivals at cache `cache` since the last call for it. Called when a cache's buffer is
    /// full and at the end of every Hierarchy::access and Hierarchy::inject, so nothing is pending
    /// between calls.
    virtual void onArrivals(std::uint32_t cache, std::span<const std::uint64_t> lines,
                            std::span<const ArrivalMiss> misses) = 0;
};

/// Passes every event on to several observers, in the order they were added (so one run can
/// classify misses, narrate and draw at once). Not owning.
class FanOutObserver final : public HierarchyObserver {
public:
    void add(HierarchyObserver* observer) {
        if (observer != nullptr) observers_.push_back(observer);
    }
    bool empty() const { return observers_.empty(); }
    /// What to hand to Hierarchy::setObserver: nullptr if none was added, the only one if there is
    /// one, else this.
    HierarchyObserver* collapsed() {
        if (observers_.size() <= 1) return observers_.empty() ? nullptr : observers_.front();
        return this;
    }

    void onReference(const Access& a) override {
        for (HierarchyObserver* o : observers_) o->onReference(a);
    }
    void onCacheLookup(const CacheLookupEvent& e) override {
        for (HierarchyObserver* o : observers_) o->onCacheLookup(e);
    }
    void onCacheAccess(const CacheEvent& e) override {
        for (HierarchyObserver* o : observers_) o->onCacheAccess(e);
    }
    void onMemoryAccess(const MemoryEvent& e) override {
        for (HierarchyObserver* o : observers_) o->onMemoryAccess(e);
    }
    void onInvalidate(const InvalidateEvent& e) override {
        for (HierarchyObserver* o : observers_) o->onInvalidate(e);
    }

private:
    std::vector<HierarchyObserver*> observers_;
};

}  // namespace cachescope
