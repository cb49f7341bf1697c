#pragma once
// Max-mode simulation speed against the command line's, on the same config and source
// (`cachescope-gui --benchmark-frames N` prints both; docs/performance.md records them).

#include <cstdint>

#include "model/scene.hpp"

namespace cachescope::gui {

struct SimulationSpeed {
    std::uint64_t references = 0;
    double cliSeconds = 0;          // runTrace over a fresh reader, as `cachescope run` does
    double cliClassifySeconds = 0;  // the same with a 3C classifier attached (`run --classify`)
    double maxModeSeconds = 0;      // Player::tick in max mode to the end, 3C on (the GUI's default)
    double maxModePlainSeconds = 0; // the same on a session without classification
    std::uint64_t checkpointInterval = 0; // references between checkpoints of the GUI's session
    double seekSeconds = 0;               // the slowest of 16 seeks spread over the trace (3C on)
    static double rate(std::uint64_t n, double s) { return s > 0 ? double(n) / s : 0; }
};

/// Runs the scene both ways (opening the session, which encodes the source, is not timed).
SimulationSpeed measureSimulation(const SceneSpec& scene);

}  // namespace cachescope::gui
