#include "model/benchmark.hpp"

#include <algorithm>
#include <chrono>

#include "cachescope/analysis/miss_classes.hpp"
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
    const SimConfig config = loadConfig(scene.configPath);
    for (const bool classify : {false, true}) {
        Simulator sim(config);
        MissClassifier classes(sim.hierarchy());
        if (classify) sim.setArrivalSink(&classes);  // as `run --classify` attaches it: in bulk
        auto reader = openSource(scene.source);
        const auto start = std::chrono::steady_clock::now();
        out.references = runTrace(sim, *reader);
        (classify ? out.cliClassifySeconds : out.cliSeconds) = since(start);
    }
    for (const bool classify : {false, true}) {
        Player player(openScene(scene, classify));
        player.setMaxMode(true);
        player.play();
        const auto start = std::chrono::steady_clock::now();
        while (player.playing()) player.tick(Player::kFrameSeconds);
        (classify ? out.maxModeSeconds : out.maxModePlainSeconds) = since(start);
        if (!classify) continue;
        out.checkpointInterval = player.session().checkpointInterval();
        // Seeks backward land between checkpoints: the worst is just before one.
        for (std::uint64_t k = 16; k-- > 0;) {
            const std::uint64_t target = player.length() * k / 16 + out.checkpointInterval - 1;
            const auto t0 = std::chrono::steady_clock::now();
            player.seek(target);
            out.seekSeconds = std::max(out.seekSeconds, since(t0));
        }
    }
    return out;
}

}  // namespace cachescope::gui
