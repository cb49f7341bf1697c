#pragma once
// The strip of physical frames in the TLB and page-table panel: one cell per pageable frame with
// the page it holds (virtual page number), its dirty and referenced bits and its owner, the next
// frame page replacement would take, and the clock hand. Built from the engine's values
// (Mmu::residentPages, Mmu::nextVictimFrame, Mmu::clockHand); large memories show their first
// `maxFrames` frames (the count of the rest is given).

#include <cstdint>
#include <optional>
#include <vector>

#include "cachescope/mmu/mmu.hpp"

namespace cachescope::gui {

struct FrameCell {
    bool resident = false;
    std::uint64_t virtualPageNumber = 0;  // when resident
    bool dirty = false;
    std::optional<bool> referenced;  // clock's reference bit; nullopt for other replacers
    std::uint32_t owner = 0;         // process (always 0 until processes exist)
    bool nextVictim = false;         // the frame the next fault would evict, once memory is full
    bool hand = false;               // the clock hand points here
};

struct FrameStrip {
    std::uint64_t frames = 0;      // pageable frames in all
    std::uint64_t inUse = 0;
    std::vector<FrameCell> cells;  // frames 0 .. min(frames, maxFrames) - 1
};

FrameStrip buildFrameStrip(const Mmu& mmu, std::uint32_t maxFrames);

}  // namespace cachescope::gui
