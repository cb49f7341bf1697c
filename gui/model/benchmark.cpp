#include "model/benchmark.hpp"

#include <chrono>

#include "cachescope/config/config.hpp"
#include "cachescope/sim/run.hpp"
#include "model/player.hpp"

namespace cachescope::gui {

namespace {
double since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

SimulationSpeed measureSimulation(const SceneSpec& scene) {
    SimulationSpeed out;
    {
        Simulator sim(loadConfig(scene.configPath));
        auto reader = openSource(scene.source);
        const auto start = std::chrono::steady_clock::now();
        out.references = runTrace(sim, *reader);
        out.cliSeconds = since(start);
    }
    Player player(openScene(scene));
    player.setMaxMode(true);
    player.play();
    const auto start = std::chrono::steady_clock::now();
    while (player.playing()) player.tick(Player::kFrameSeconds);
    out.maxModeSeconds = since(start);
    return out;
}

}  // namespace cachescope::gui
