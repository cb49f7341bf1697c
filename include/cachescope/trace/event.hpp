#pragma once
// Trace control events: records a trace carries between its accesses that are not accesses, and
// that the simulation applies at their exact place in the reference stream (docs/trace-format.md,
// "Control events"). The only one so far is msync(2) of a range of a process (docs/mmap.md).
//
// A reader hands each event to its TraceEventSink (TraceReader::setEventSink) with its *position*:
// the number of accesses of the trace before it. It does so from inside read() or view(), before
// it returns any access after the event (it may return accesses before the event in the same
// call). A consumer therefore keeps the events it was given in a TraceEventQueue and, for each
// block of accesses, simulates up to the next event's position, applies the event, and goes on
// (sim/run.hpp's forEachBlock): no per-access check, blocks are cut where events are.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

namespace cachescope {

enum class TraceEventKind : std::uint8_t { Msync = 0 };

/// Largest msync range: 2^48 bytes (the user address space of x86-64); larger is a corrupt record.
inline constexpr std::uint64_t kMaxMsyncSize = std::uint64_t{1} << 48;

struct TraceEvent {
    std::uint64_t position = 0;  // accesses of the trace before this event
    TraceEventKind kind = TraceEventKind::Msync;
    std::uint8_t process = 0;
    std::uint64_t address = 0;  // msync: [address, address + size), size 1 .. kMaxMsyncSize
    std::uint64_t size = 0;
    bool operator==(const TraceEvent&) const = default;
};

/// Receives the events a reader meets (see above).
class TraceEventSink {
public:
    virtual ~TraceEventSink() = default;
    virtual void onTraceEvent(const TraceEvent& event) = 0;
};

/// The events handed over and not applied yet, in order (positions never decrease).
class TraceEventQueue final : public TraceEventSink {
public:
    void onTraceEvent(const TraceEvent& event) override { pending_.push_back(event); }
    bool empty() const { return pending_.empty(); }
    const TraceEvent& front() const { return pending_.front(); }
    void pop() { pending_.pop_front(); }
    /// Accesses that may be simulated from `position` on before the next event is due: all of
    /// `available` when no event is pending past `position`.
    std::size_t before(std::uint64_t position, std::size_t available) const {
        if (pending_.empty() || pending_.front().position >= position + available) return available;
        return static_cast<std::size_t>(pending_.front().position - position);
    }
    /// Hands every pending event at or before `position` (all the accesses before it were
    /// consumed) to `apply`, in order, and drops it.
    template <class Apply>
    void applyDue(std::uint64_t position, Apply&& apply) {
        for (; !pending_.empty() && pending_.front().position <= position; pending_.pop_front()) apply(pending_.front());
    }
    /// The accesses `block` (the trace's from `position` on) to `consume` in pieces cut where
    /// events are, each event to `apply` once the accesses before it went; `position` advances.
    /// Call applyDue(position, apply) first for the events met before the block's first access.
    template <class Block, class Consume, class Apply>
    void feed(Block block, std::uint64_t& position, Consume&& consume, Apply&& apply) {
        for (std::size_t done = 0; done < block.size();) {
            const std::size_t part = before(position, block.size() - done);
            if (part != 0) consume(block.subspan(done, part));
            done += part;
            position += part;
            applyDue(position, apply);
        }
    }

private:
    std::deque<TraceEvent> pending_;
};

/// Why an msync of [address, address + size) cannot be a trace event (empty if it can): a size of
/// 0 or above kMaxMsyncSize, or a range past the end of the 64-bit address space.
std::string msyncProblem(std::uint64_t address, std::uint64_t size);

/// The narration line of an applied msync: "msync 0x10000000 +8192 B in process 1: 2 dirty file
/// pages written back" (docs/mmap.md, "msync").
std::string describeMsync(const TraceEvent& event, std::uint64_t pagesWritten);

}  // namespace cachescope
