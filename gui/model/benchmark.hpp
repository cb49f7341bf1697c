#pragma once
// Max-mode simulation speed against the command line's, on the same config and source
// (`cachescope-gui --benchmark-frames N` prints both; docs/performance.md records them).

#include <cstdint>

#include "model/scene.hpp"

namespace cachescope::gui {

struct SimulationSpeed {
    std::uint64_t references = 0;
    double cliSeconds = 0;     // runTrace over a fresh reader, as `cachescope run` does
    double maxModeSeconds = 0; // Player::tick in max mode until the end (chunks + one narration each)
    double cliRate() const { return cliSeconds > 0 ? double(references) / cliSeconds : 0; }
    double maxModeRate() const { return maxModeSeconds > 0 ? double(references) / maxModeSeconds : 0; }
};

/// Runs the scene both ways (opening the session, which encodes the source, is not timed).
SimulationSpeed measureSimulation(const SceneSpec& scene);

}  // namespace cachescope::gui
