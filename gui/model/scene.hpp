#pragma once
// What the GUI has open (a config and a source) and the script of headless runs.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/session/session.hpp"

namespace cachescope::gui {

struct SceneSpec {
    std::string configPath;
    SourceSpec source;
};

/// The scene `cachescope-gui` opens with no arguments: configs/teaching.json, matmul n=16 ijk.
SceneSpec teachingScene(const std::string& sourceDir);

/// References between the checkpoints of a GUI session at least (SessionOptions::minCheckpointInterval;
/// the memory budget stays the session's): docs/gui.md, "Speed".
inline constexpr std::uint64_t kMinCheckpointInterval = 16384;

/// Opens a seekable session on the scene, classifying misses (3C) unless `classify` is false.
/// Throws what loadConfig / Session throw (IoError, ConfigError, TraceError, UsageError) with the
/// CLI's messages.
std::unique_ptr<Session> openScene(const SceneSpec& scene, bool classify = true);
/// The same with a config built in code (the config editor's): validated first (ConfigError).
std::unique_ptr<Session> openScene(const SimConfig& config, const SourceSpec& source, bool classify = true);

/// One action of a screenshot script (`--script FILE`), one per line:
///   open CONFIG kernel NAME [k=v ...]   |   open CONFIG trace FILE
///   open CONFIG mix SOURCE SOURCE ... [quantum Q]   (processes 0, 1, ... as `run --mix SOURCE
///                            --mix SOURCE ... --quantum Q`: a trace file or KERNEL:name=value,...
///                            each, mixItemSpec; Q defaults to the command line's 1000)
///   step N   back N   seek I   end
///   select CACHE SET        (a cache name as in the config, and a set index)
///   panel NAME              (opens and focuses a panel: player, caches, inspector, tensors,
///                            stats, quiz, tlb, segments, heatmap, compare, config, scene)
///   quiz on|off
///   presenter on|off        (large fonts)
///   compare CONFIG          (compare mode: the open source under CONFIG in lockstep)
///   difference              (compare mode: run to the next reference whose outcome differs)
///   edit PATH TEXT          (the config editor's draft: set the field at the JSON path PATH)
/// Blank lines and lines starting with '#' are skipped.
struct ScriptAction {
    enum class Kind : std::uint8_t { Open, Step, Back, Seek, End, Select, Panel, Quiz, Presenter, Compare, Difference, Edit } kind = Kind::Step;
    std::uint64_t number = 0;
    std::string name;  // cache (Select), panel (Panel), config (Compare), field path (Edit)
    std::string text;  // Edit: the field's new text
    SceneSpec scene;   // Open
    bool on = false;   // Quiz, Presenter
};

/// Parses a script's text. Throws UsageError naming `source`, the line and what was expected.
std::vector<ScriptAction> parseScript(const std::string& text, const std::string& source);

/// The panel names that `--panel` and `panel` accept, in menu order.
const std::vector<std::string>& panelNames();

/// The open source in a line for the menu bar: "kernel matmul n=16", a trace path, or
/// "mix quantum=100: p0 matmul:n=16, p1 transpose" (the sources as given).
std::string sceneSourceLabel(const SourceSpec& source);

}  // namespace cachescope::gui
