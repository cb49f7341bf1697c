#include "model/frame_view.hpp"

#include <algorithm>

namespace cachescope::gui {

FrameStrip buildFrameStrip(const Mmu& mmu, std::uint32_t maxFrames) {
    FrameStrip s;
    s.frames = mmu.frames();
    s.inUse = mmu.framesInUse();
    s.cells.resize(static_cast<std::size_t>(std::min<std::uint64_t>(s.frames, maxFrames)));
    for (const ResidentPageView& p : mmu.residentPages()) {
        if (!p.frame || *p.frame >= s.cells.size()) continue;  // huge pages hold no pageable frame
        FrameCell& c = s.cells[*p.frame];
        c.resident = true;
        c.virtualPageNumber = p.virtualPageNumber;
        c.dirty = p.dirty;
        c.referenced = p.referenced;
        c.owner = p.owner;
    }
    if (const std::optional<std::uint32_t> v = mmu.nextVictimFrame(); v && *v < s.cells.size()) s.cells[*v].nextVictim = true;
    if (const std::optional<std::uint32_t> h = mmu.clockHand(); h && *h < s.cells.size()) s.cells[*h].hand = true;
    return s;
}

}  // namespace cachescope::gui
