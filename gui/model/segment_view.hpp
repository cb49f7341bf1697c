#pragma once
// View model of the segments panel (docs/gui.md): every process's segment table (name, start,
// limit, base, present or swapped out), physical memory as a bar of segments and holes (address
// against size, each block its process's and segment's), and the placement counters. Built from
// the engine's values (Simulator::segmentation(): segments(p), holes(), stats()).
//
// The log of segment events (placements, swap-outs, compactions, faults) must survive seeking
// backward, so it is not collected while the player steps: SegmentLog runs the scene once more
// when it opens (a streaming session with an observer) and keeps every event with the index of
// its reference; the panel shows those before the player's position.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cachescope/mmu/segmentation.hpp"
#include "cachescope/session/session.hpp"

namespace cachescope::gui {

/// Where a segment is: placed in physical memory, swapped out after having been placed, or never
/// placed yet (segmentation); paging and segmented-paging have no placement (always Mapped).
enum class SegmentState : std::uint8_t { NotLoaded, Present, SwappedOut, Mapped };

struct SegmentRow {
    std::uint32_t process = 0;
    std::size_t index = 0;  // in its process's table
    SegmentView segment;    // name, start, limit, permissions, base, references, loads
    SegmentState state = SegmentState::Mapped;
};

/// One stretch of physical memory (segmentation): a placed segment or a hole.
struct MemoryBlock {
    std::uint64_t base = 0;
    std::uint64_t size = 0;
    bool hole = true;
    std::uint32_t process = 0;  // a segment's
    std::size_t row = 0;        // a segment's row in SegmentsView::rows
};

struct SegmentsView {
    MmuMode mode = MmuMode::Paging;
    SegmentPlacement placement = SegmentPlacement::First;
    std::uint64_t physicalMemory = 0;      // segmentation
    std::uint32_t processes = 0;           // tables
    std::vector<SegmentRow> rows;          // process 0's table, then process 1's, ...
    std::vector<MemoryBlock> memory;       // segmentation: [0, physicalMemory) in address order
    std::uint64_t freeBytes = 0, largestHole = 0;
    SegmentationStats stats;
};

/// The segment tables and memory of `simulator` now; nullopt without protection or segmentation.
std::optional<SegmentsView> buildSegmentsView(const Simulator& simulator);

/// One segment event of a run.
struct SegmentEvent {
    enum class Kind : std::uint8_t { Placed, SwappedOut, Compaction, Fault } kind = Kind::Placed;
    std::uint64_t reference = 0;  // index of the reference (from 0) during which it happened
    std::uint32_t process = 0;
    std::string segment;          // Placed, SwappedOut, Fault (the segment selected; "" if none)
    std::uint64_t base = 0;       // Placed, SwappedOut: physical base
    std::uint64_t size = 0;       // Placed, SwappedOut: limit; Compaction: bytes moved
    FaultKind fault = FaultKind::Unmapped;  // Fault
    std::uint64_t address = 0;    // Fault: the virtual address
};

/// Every segment event of a scene, in order (at most `maxEvents`; `truncated` says when more came).
class SegmentLog {
public:
    static constexpr std::size_t kDefaultMaxEvents = 100000;
    SegmentLog() = default;
    /// Runs `source` under `config` (valid, with protection or segmentation) once, streaming.
    SegmentLog(const SimConfig& config, const SourceSpec& source, std::size_t maxEvents = kDefaultMaxEvents);
    const std::vector<SegmentEvent>& events() const { return events_; }
    bool truncated() const { return truncated_; }
    /// The events of references 0 .. position-1 (a prefix of events()): how many.
    std::size_t before(std::uint64_t position) const;

private:
    std::vector<SegmentEvent> events_;
    bool truncated_ = false;
};

/// True if `config` checks references with segments (an mmu with protection or a segmentation mode).
bool hasSegments(const SimConfig& config);

/// "#4 p0 E placed at 0x1800 (2KiB)", "#2 p0 A swapped out from 0x0", "#4 compaction: 3,072 bytes moved",
/// "#5 p0 limit fault at 0x20bfc in D".
std::string describeSegmentEvent(const SegmentEvent& e);

}  // namespace cachescope::gui
