#pragma once
// The two collectors of the teaching mode, run side by side over the same object-graph events
// (docs/gc.md). Each is a value (copyable: a snapshot), sees the program's graph after every event
// and keeps only what it has freed; neither prints.
//
// Reference counting (RefCounter): every object counts the references to it (from objects it has
// not freed, and 1 while it is a root). When a count drops to 0 the object is freed at once and
// its own references are dropped, which may free more (a cascade). An object on a cycle always
// keeps a count of at least 1, so cycles that the program no longer reaches are never freed:
//
//   new a; new b; ref a b; ref b a      counts a:2 b:2 (a root + the other's reference)
//   unroot a; unroot b                  counts a:1 b:1, nothing reaches them: leaked
//
// Mark-sweep (MarkSweep): nothing happens while the program runs; a collection marks every object
// reachable from the roots (gc/graph.hpp) and then sweeps the heap, freeing every object that is
// not marked, cycles included. A collection runs after an explicit `collect`, and after the `new`
// that brings the bytes allocated since the last collection to the threshold (0 = never by
// bytes). The new object is a root, so it survives the collection its allocation started.

#include <cstdint>
#include <vector>

#include "cachescope/gc/graph.hpp"
#include "cachescope/gc/trace.hpp"

namespace cachescope::gc {

class RefCounter {
public:
    explicit RefCounter(const GcTrace& trace);

    /// Applies `event` (number `index`), after `graph` has applied it, appending the objects it
    /// frees to `freed` in the order it frees them (a breadth-first cascade). Returns the count
    /// updates it made (increments and decrements).
    std::uint64_t apply(std::size_t index, const GcEvent& event, const ObjectGraph& graph,
                        std::vector<std::uint32_t>& freed);

    std::uint32_t count(std::uint32_t object) const { return count_[object]; }
    /// The event after which it freed `object`, or kNever.
    std::size_t freedAt(std::uint32_t object) const { return freedAt_[object]; }
    /// Bytes of objects made and not freed.
    std::uint64_t heldBytes() const { return held_; }

private:
    void release(std::uint32_t object, std::uint32_t by, std::size_t index, const ObjectGraph& graph,
                 std::vector<std::uint32_t>& freed, std::uint64_t& updates);

    const GcTrace* trace_;
    std::vector<std::uint32_t> count_;
    std::vector<std::size_t> freedAt_;
    std::uint64_t held_ = 0;
};

/// One mark-sweep collection: its pause is the marking and the sweep.
struct Collection {
    std::size_t event = 0;          // index of the event after which it ran
    bool explicitCollect = false;   // a `collect` event; otherwise the threshold was reached
    std::uint64_t allocatedSince = 0;  // bytes allocated since the previous collection
    std::uint64_t heapObjects = 0;  // objects in the heap when it began (the sweep visits each)
    std::uint64_t heapBytes = 0;
    MarkWork marked;                // objects reached from the roots, references followed
    std::uint64_t markedBytes = 0;  // bytes of the marked objects (scanned for references)
    std::vector<std::uint32_t> freed;  // in allocation order
    std::uint64_t freedBytes = 0;
};

class MarkSweep {
public:
    /// threshold: collect after the `new` that brings the bytes allocated since the last
    /// collection to at least this many; 0 = only at `collect` events.
    MarkSweep(const GcTrace& trace, std::uint64_t threshold);

    /// Applies `event` (number `index`), after `graph` has applied it; true if a collection ran,
    /// described in `collection`.
    bool apply(std::size_t index, const GcEvent& event, const ObjectGraph& graph, Collection& collection);

    std::size_t freedAt(std::uint32_t object) const { return freedAt_[object]; }
    std::uint64_t heldBytes() const { return held_; }
    std::uint64_t allocatedSinceCollection() const { return allocatedSince_; }
    std::uint64_t threshold() const { return threshold_; }

private:
    void collect(std::size_t index, const ObjectGraph& graph, Collection& collection);

    const GcTrace* trace_;
    std::uint64_t threshold_;
    std::vector<std::uint32_t> heap_;  // made and not freed, in allocation order
    std::vector<std::size_t> freedAt_;
    std::vector<unsigned char> marks_;
    std::uint64_t held_ = 0;
    std::uint64_t allocatedSince_ = 0;
};

}  // namespace cachescope::gc
