#pragma once
// The open scene and what is built from it once: the player over its session, the tensor view's
// touch index, the heat-map, the segment event log, the statistics timeline, and the last user error. The window's state
// (gui/app/panels/app_state.hpp) extends it with what the panels remember.
//
// Opening a scene or applying an edited config builds everything new first and swaps it in only
// when all of it was built: a missing file, a malformed trace or an invalid config leaves the
// previous scene exactly as it was and puts the command line's message in `error`.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "model/heatmap.hpp"
#include "model/player.hpp"
#include "model/scene.hpp"
#include "model/segment_view.hpp"
#include "model/tensor_view.hpp"
#include "model/timeline.hpp"

namespace cachescope::gui {

/// The heat-map's resolution: one texel per bin, stretched over the panel.
inline constexpr std::uint32_t kHeatTimeBins = 512, kHeatAddressBins = 256;

struct SceneState {
    SceneSpec scene;  // what `player` runs
    std::unique_ptr<Player> player;
    std::optional<TouchIndex> touches;  // for the tensor view
    HeatMap heat;                       // for the heat-map panel (kHeatTimeBins × kHeatAddressBins)
    std::optional<SegmentLog> segments;  // configs with segments: the segments panel's event log
    Timeline timeline;
    std::string error;  // the last user error (shown in the window), empty = none
};

/// The preset configs: every configs/*.json under `sourceDir` but the schema, sorted.
std::vector<std::string> presetConfigs(const std::string& sourceDir);

/// Opens `scene` into `state` (position 0). On a user error (IoError, TraceError, ConfigError,
/// UsageError: what `cachescope run` would print after "cachescope: error: ") keeps the current
/// scene and sets state.error. Returns true if it opened.
bool openSceneInto(SceneState& state, const SceneSpec& scene);

/// Rebuilds the session with `config` on the same source and replays to the position it was at.
/// On a user error keeps the current session and sets state.error. Returns true if it applied.
bool applyConfig(SceneState& state, const SimConfig& config);

}  // namespace cachescope::gui
