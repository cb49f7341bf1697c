#pragma once
// Protection and segmentation in front of paging (docs/mmu.md, "Protection" and "Segmentation").
//
// Every process has a segment table: (name, start, limit, base, permissions), from the config's
// `mmu.segments` or from the trace's regions (one segment per region, the code included). A
// reference at virtual address va selects the segment with the greatest start <= va (the segment
// it was computed from: an overrun of A past its end still names A); offset = va - start.
//   paging + protection:  no segment arithmetic; the reference must lie inside one region
//                         ([start, start + limit)) and the region's permissions must allow it.
//   segmented-paging:     offset + size <= limit and permissions, then linear = base + offset
//                         goes to the pages (base defaults to start: the flat model, linear = va).
//   segmentation:         the same checks, then physical = the segment's place in physical
//                         memory + offset. A segment is placed at its first reference (first,
//                         best or worst fit among the holes); when no hole is large enough but
//                         the holes together are, memory is compacted (a counted event, bytes
//                         moved); when they are not, the least recently used segment is swapped
//                         out (its hole may be too small for the next one: external fragmentation).
// A reference that breaks a rule is a fault: counted (by kind, process and site), the first few
// listed, and not simulated further (it reaches neither the pages nor the caches).
//
// Every table is per process (a process id, 0 for every reference today); physical memory and
// its holes are shared by all processes.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/core/access.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/permissions.hpp"
#include "cachescope/mmu/mmu_observer.hpp"
#include "cachescope/mmu/physical_memory_port.hpp"

namespace cachescope {

struct TraceMetadata;

inline constexpr std::size_t kFaultKinds = 3;

/// One fault, as reported (the first few of a run are kept).
struct SegmentFault {
    std::uint64_t reference = 0;  // index of the reference in the run, from 0
    std::uint32_t process = 0;
    std::uint16_t site = 0;
    std::uint64_t address = 0;  // virtual
    std::uint32_t size = 0;
    AccessKind kind = AccessKind::Read;
    FaultKind fault = FaultKind::Unmapped;
    std::string segment;             // the segment or region selected; "" if none
    Permissions permissions = 0;     // its permissions
    std::uint64_t offset = 0;        // address - its start
    std::uint64_t limit = 0;         // its limit
    friend bool operator==(const SegmentFault&, const SegmentFault&) = default;
};

/// A fault when the run is told to stop at the first one (`run --on-fault stop`).
class SegmentFaultError : public Error {
public:
    SegmentFaultError(const SegmentFault& fault, std::string message) : Error(std::move(message)), fault_(fault) {}
    const SegmentFault& fault() const { return fault_; }

private:
    SegmentFault fault_;
};

/// A segment of a process's table, as a value.
struct SegmentView {
    std::string name;
    std::uint64_t start = 0;
    std::uint64_t limit = 0;
    Permissions permissions = kPermReadWrite;
    /// segmented-paging: the linear base. segmentation: the physical base while resident.
    std::optional<std::uint64_t> base;
    std::uint64_t references = 0;  // references that selected it and passed the checks
    std::uint64_t loads = 0;       // segmentation: times placed in physical memory
    friend bool operator==(const SegmentView&, const SegmentView&) = default;
};

struct SegmentationStats {
    std::uint64_t checked = 0;  // references looked up
    std::uint64_t faults = 0;
    std::uint64_t faultsByKind[kFaultKinds] = {};
    std::map<std::uint32_t, std::uint64_t> faultsByProcess;
    std::map<std::uint16_t, std::uint64_t> faultsBySite;
    std::vector<SegmentFault> firstFaults;  // at most kListedFaults
    // segmentation (placement in physical memory):
    std::uint64_t placements = 0;   // segments placed (first loads and reloads)
    std::uint64_t swapOuts = 0;     // segments swapped out to make room
    std::uint64_t compactions = 0;
    std::uint64_t bytesMoved = 0;   // by compactions
    friend bool operator==(const SegmentationStats&, const SegmentationStats&) = default;
};

class Segmentation {
public:
    static constexpr std::size_t kListedFaults = 10;
    /// `mmu` must be valid. Every process's table starts with the config's segments (if any).
    explicit Segmentation(const MmuConfig& mmu);

    /// Gives `process` one segment per region of `metadata` (permissions: Region::effectivePermissions),
    /// unless the config lists segments. nullptr or no regions: the table stays as it is.
    void setRegions(std::uint32_t process, const TraceMetadata* metadata);

    /// True if references are checked: a segmentation mode, or protection with a table that is not
    /// empty (paging with protection and a trace without regions checks nothing).
    bool checks(std::uint32_t process) const;

    /// Looks up one reference (index `reference` in the run) of `process`. Returns the address to
    /// pass on (paging: va; segmented-paging: linear; segmentation: physical), or nullopt on a fault
    /// (recorded). Segmentation may swap out and move segments, invalidating their lines through
    /// `caches`. Throws Error when a segmentation mode has no segment at all for the process.
    std::optional<std::uint64_t> map(std::uint32_t process, const Access& a, std::uint64_t reference,
                                     PhysicalMemoryPort& caches);

    const SegmentationStats& stats() const { return stats_; }
    /// The latest fault (meaningful once stats().faults > 0).
    const SegmentFault& lastFault() const { return last_; }
    MmuMode mode() const { return mode_; }
    SegmentPlacement placement() const { return placement_; }
    std::uint64_t physicalMemory() const { return memory_; }
    /// Processes with a table (0 .. n-1).
    std::uint32_t processes() const { return static_cast<std::uint32_t>(tables_.size()); }
    std::vector<SegmentView> segments(std::uint32_t process) const;
    /// Segmentation: the free holes of physical memory, address -> bytes.
    const std::map<std::uint64_t, std::uint64_t>& holes() const { return holes_; }
    std::uint64_t freeBytes() const;

    void setObserver(MmuObserver* observer) { observer_ = observer; }
    /// "write of 4 bytes at 0x2000 (site 3): permission fault in segment "A" (r), offset 0x0".
    static std::string describe(const SegmentFault& fault);

private:
    struct Segment {
        std::string name;
        std::uint64_t start = 0;
        std::uint64_t limit = 0;
        std::uint64_t base = 0;  // segmented-paging: linear; segmentation: physical, while resident
        Permissions permissions = kPermReadWrite;
        bool resident = false;
        std::uint64_t lastUse = 0;
        std::uint64_t references = 0;
        std::uint64_t loads = 0;
    };
    struct Table {
        std::vector<Segment> segments;  // sorted by start, disjoint
    };
    Table& table(std::uint32_t process);
    /// The segment with the greatest start <= va, if any.
    std::optional<std::size_t> select(const Table& t, std::uint64_t va) const;
    void fault(std::uint32_t process, const Access& a, std::uint64_t reference, FaultKind kind, const Segment* s);
    void place(std::uint32_t process, Segment& s, PhysicalMemoryPort& caches);
    void freeRange(std::uint64_t base, std::uint64_t size);
    void compact(PhysicalMemoryPort& caches);

    MmuMode mode_;
    bool protection_;
    SegmentPlacement placement_;
    std::uint64_t memory_;
    bool configSegments_;
    Table configTable_;  // the config's segments, before any placement: a new process's table
    std::vector<Table> tables_;
    std::map<std::uint64_t, std::uint64_t> holes_;  // segmentation: address -> size, coalesced
    std::uint64_t tick_ = 0;
    SegmentationStats stats_;
    SegmentFault last_;
    MmuObserver* observer_ = nullptr;
};

}  // namespace cachescope
