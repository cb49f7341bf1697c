#pragma once
// View model of the tensor view: every tensor of the trace's metadata as a grid (rows = all
// dimensions but the last, columns = the last), each element coloured by the fastest cache level
// that holds its line now, or memory (touched before, in no cache), or never touched.
//
// "Touched" must survive seeks backward, so it is not collected from events: a TouchIndex reads
// the source once when a scene opens and remembers, for every line of every region, the first
// reference that touched it; an element is touched at position p if that index is below p.
// With an MMU the caches are physically indexed: an element's virtual address is translated
// through the resident pages first (inspect.hpp's physicalAddressOf).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cachescope/session/session.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope::gui {

/// Residence codes: 1..n = cache level (1 = fastest); then these.
inline constexpr std::uint8_t kResidenceMemory = 0xFD;   // touched, in no cache
inline constexpr std::uint8_t kResidenceNever = 0xFE;    // never touched so far

/// For every line (of `lineSize` bytes) of every region of every process: the index of the first
/// reference that touched it (any byte of it), or kNever. A --mix's processes each have their own
/// regions (Session::processMetadata); a reference touches only its own process's regions.
class TouchIndex {
public:
    static constexpr std::uint64_t kNever = ~std::uint64_t{0};
    TouchIndex() = default;
    /// Reads `source` from the start (a second reader; the session's own is untouched); process p's
    /// regions are those of perProcess[p] (nullptr: none).
    TouchIndex(const std::vector<const TraceMetadata*>& perProcess, const SourceSpec& source, std::uint32_t lineSize);
    /// One process (0): `metadata`'s regions.
    TouchIndex(const TraceMetadata& metadata, const SourceSpec& source, std::uint32_t lineSize)
        : TouchIndex(std::vector<const TraceMetadata*>{&metadata}, source, lineSize) {}
    /// The same from accesses already at hand (tests).
    TouchIndex(const TraceMetadata& metadata, const std::vector<Access>& accesses, std::uint32_t lineSize);

    std::uint64_t firstTouch(std::size_t region, std::uint64_t address) const { return firstTouch(0, region, address); }
    std::uint64_t firstTouch(std::uint32_t process, std::size_t region, std::uint64_t address) const;
    std::uint32_t lineSize() const { return lineSize_; }

private:
    void init(const std::vector<const TraceMetadata*>& perProcess);
    void add(const std::vector<const TraceMetadata*>& perProcess, const Access& a, std::uint64_t index);
    std::uint32_t lineSize_ = 64;
    struct Lines {
        std::uint64_t baseLine = 0;        // the region's first line
        std::vector<std::uint64_t> first;  // per line
    };
    std::vector<std::vector<Lines>> regions_;  // per process, per region
};

struct TensorGrid {
    std::string name;            // "A"; with several processes "p1 A" (as `run --plot` names its bands)
    std::uint32_t process = 0;   // whose region (a --mix's source)
    std::size_t region = 0;      // index in that process's metadata
    std::uint32_t rows = 0, cols = 0;
    std::uint32_t elementSize = 0;
    std::vector<std::uint8_t> residence;  // rows × cols
    /// Per element: true if its line differs from its left neighbour's (a cache-line boundary).
    std::vector<std::uint8_t> lineStart;
    std::uint32_t tile = 0;                           // the kernel's tile parameter, 0 = none
    std::optional<std::pair<std::uint32_t, std::uint32_t>> current;  // the element just accessed
    std::uint64_t accesses = 0, misses = 0;           // at the first data cache, charged to this tensor
    std::uint32_t counts[4] = {0, 0, 0, 0};           // elements in L1, deeper caches, memory, never
};

/// The fastest level holding the line of virtual address `va` of `process` (1-based),
/// kResidenceMemory if no cache does (also when the page of `va` is not resident under an MMU).
std::uint8_t residenceOf(const Simulator& simulator, std::uint64_t va, std::uint32_t process = 0);

/// Every region with a shape (not the code) as a grid, at the session's current position: process
/// 0's, then (a --mix) process 1's, ..., each named "pN NAME" when the source has several processes.
/// `last` marks the element the last reference touched (in its own process's tensors).
std::vector<TensorGrid> buildTensorGrids(const Session& session, const TouchIndex& touches,
                                         const ReferenceNarration* last);

/// A tensor the player's "Run to next tensor access" can stop at.
struct TensorChoice {
    std::string name;           // as the tensor view names it: "A", or "p1 A" with several processes
    StopCondition stop;         // StopKind::TensorAccess with the region and process
};

/// Every region of every process's metadata, process 0's first (a --mix lists each source's), in
/// the order of the metadata; empty when the source has none.
std::vector<TensorChoice> tensorChoices(const Session& session);

}  // namespace cachescope::gui
