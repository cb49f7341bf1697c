#pragma once
// Compare mode: a second session on the same source under another config, kept at the same
// position as the first (lockstep), and the per-level differences between the two.

#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/session/session.hpp"

namespace cachescope::gui {

struct CompareRow {
    std::string level;  // "L1" (the names of the first config; "L3 / -" when only one has it)
    bool inA = false, inB = false;
    std::uint64_t accessesA = 0, missesA = 0, accessesB = 0, missesB = 0;
    bool differs() const { return inA != inB || missesA != missesB || accessesA != accessesB; }
};

/// One row per cache level index (caches matched by their position from the CPU outward).
std::vector<CompareRow> compareLevels(const Session& a, const Session& b);

/// Moves `follower` to `leader`'s position (a seek; cheap when it is just ahead of it).
void keepInStep(const Session& leader, Session& follower);

}  // namespace cachescope::gui
