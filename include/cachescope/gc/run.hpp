#pragma once
// Runs both collectors over an object-graph trace, side by side (docs/gc.md), and gathers what
// they did into plain counters; the printers are in gc/report.hpp.
//
// GcSimulator is the whole state as a value (the graph, both collectors, the position): copy it
// for a snapshot, step() it one event at a time. Each step also goes to an optional observer.
// runGc() steps through the whole trace and fills GcStats.

#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/gc/collectors.hpp"
#include "cachescope/gc/graph.hpp"
#include "cachescope/gc/trace.hpp"

namespace cachescope::gc {

struct GcOptions {
    std::uint64_t threshold = 0;  // mark-sweep: bytes allocated between collections; 0 = only `collect`
};

/// What happened at one event, after it.
struct GcStep {
    std::size_t index = 0;                    // into the trace's events
    const GcEvent* event = nullptr;
    const std::vector<std::uint32_t>* rcFreed = nullptr;  // freed by reference counting, in order
    std::uint64_t rcUpdates = 0;              // count increments and decrements
    const Collection* collection = nullptr;   // mark-sweep's collection after this event, or null
    std::uint64_t reachableBytes = 0;         // what the program can still reach
    std::uint64_t rcHeldBytes = 0;            // made and not freed, under each collector; for
    std::uint64_t msHeldBytes = 0;            // mark-sweep before this event's collection
};

class GcObserver {
public:
    virtual ~GcObserver() = default;
    virtual void onStep(const GcStep& step) = 0;
};

class GcSimulator {
public:
    GcSimulator(const GcTrace& trace, GcOptions options);

    bool done() const { return next_ == trace_->events.size(); }
    std::size_t position() const { return next_; }
    /// Applies the next event; the step (and what it points to) is valid until the next call.
    const GcStep& step();

    const GcTrace& trace() const { return *trace_; }
    const ObjectGraph& graph() const { return graph_; }
    const RefCounter& refCounting() const { return rc_; }
    const MarkSweep& markSweep() const { return ms_; }

private:
    const GcTrace* trace_;
    ObjectGraph graph_;
    RefCounter rc_;
    MarkSweep ms_;
    std::vector<std::uint64_t> garbageBytes_;  // per event: bytes that became unreachable after it
    std::uint64_t reachable_ = 0;
    std::size_t next_ = 0;
    std::vector<std::uint32_t> rcFreed_;
    Collection collection_;
    GcStep step_;
};

/// What reference counting freed at one event.
struct RcRelease {
    std::size_t event = 0;
    std::vector<std::uint32_t> objects;  // in the order it freed them
    std::uint64_t bytes = 0;
};

/// Objects reference counting never freed although the program could not reach them: a cycle
/// (or cycles) and whatever only they hold, as Python's gc with DEBUG_LEAK lists its garbage.
struct LeakedCycle {
    std::vector<std::uint32_t> objects;  // the whole group (connected by references), in order of `new`
    std::vector<std::uint32_t> onCycle;  // those on a cycle (in a strongly connected component)
    std::uint64_t bytes = 0;
    std::size_t garbageAt = 0;           // the event after which the last of them became unreachable
    std::size_t collectedAt = kNever;    // the collection (event) after which mark-sweep had freed all
};

/// One collector's totals.
struct CollectorTotals {
    std::uint64_t freedObjects = 0, freedBytes = 0;
    std::uint64_t peakHeld = 0;           // most bytes made and not freed after any event
    std::size_t peakAt = 0;               // the first event where it was reached
    std::uint64_t heldAtEnd = 0;
    std::uint64_t garbageAtEnd = 0, garbageBytesAtEnd = 0;  // unreachable but not freed at the end
};

struct GcStats {
    std::uint64_t threshold = 0;
    std::uint64_t events = 0, objects = 0, bytesMade = 0, collectEvents = 0;
    std::uint64_t peakReachable = 0;  // the least any collector could hold
    std::size_t peakReachableAt = 0;
    CollectorTotals rc, ms;
    std::vector<RcRelease> rcReleases;  // every event at which reference counting freed something
    std::uint64_t rcUpdates = 0;
    std::vector<Collection> collections;
    std::vector<LeakedCycle> leakedCycles;

    /// The most objects one event made reference counting free (its longest pause); 0 if none.
    std::uint64_t largestCascade() const;
};

GcStats runGc(const GcTrace& trace, GcOptions options, GcObserver* observer = nullptr);

/// The groups of objects reference counting leaked by the end of `sim`'s run (see LeakedCycle).
std::vector<LeakedCycle> leakedCycles(const GcSimulator& sim);

}  // namespace cachescope::gc
