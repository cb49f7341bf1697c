#pragma once
// Everything the window shows, in one place: the model objects (player, quiz, view-model inputs)
// and what the panels need to remember between frames (which panels are open, the selection).
// The panels (panels.hpp) only draw this and turn clicks and keys into calls on the model.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/compare.hpp"
#include "model/config_editor.hpp"
#include "model/heatmap.hpp"
#include "model/player.hpp"
#include "model/quiz.hpp"
#include "model/scene.hpp"
#include "model/tensor_view.hpp"
#include "model/timeline.hpp"
#include "model/workspace.hpp"
#include "panels/canvas_view.hpp"

namespace cachescope::gui {

/// A rectangle drawn for one way of one cache grid, in window pixels (for --layout-json: the
/// screenshot test finds the pixels of a cell there). `probe` is a pixel inside the cell that is
/// always the cell's fill colour (no letter, no outline covers it).
struct CellRect {
    std::string cache;
    std::uint32_t set = 0, way = 0;
    float x = 0, y = 0, w = 0, h = 0;
    float probeX = 0, probeY = 0;
};

/// The open scene (scene, player, touches, heat, timeline, error: model/workspace.hpp) and what the
/// panels remember.
struct AppState : SceneState {
    std::string sourceDir;               // where configs/ lives (presets)
    bool heatLineCounts = false;         // the heat-map panel shows references per address bin so far
    std::size_t segmentEventsShown = ~std::size_t{0};  // the segments panel's log: events shown last frame
    Quiz quiz;

    // Selection: the cache and set the grids focus on (nullopt = follow the last reference).
    std::optional<std::uint32_t> selectedSet;
    std::uint32_t selectedCache = 0;

    // Panels (menu "Panels"); the default layout shows the first four.
    std::map<std::string, bool> open{{"player", true}, {"caches", true}, {"inspector", true}, {"tensors", true},
                                     {"stats", false},  {"quiz", false},  {"tlb", false},  {"segments", false}, {"heatmap", false}, {"compare", false}, {"config", false},
                                     {"scene", false}};
    std::string focus;  // a panel to bring to the front on the next frame
    bool tileAll = false;  // "Tile open panels" (key T): every open panel gets its own rectangle
    bool presenter = false;  // large fonts

    // Run-to-event choice in the player.
    int eventKind = 0;      // index into StopKind
    int eventStructure = 0; // 0 = any, else cache/TLB index + 1
    int eventRegion = 0;    // TensorAccess: index into tensorChoices(session) (every process's tensors)

    // Scene editor (the "scene" panel): kernel picker and config picker.
    int kernelIndex = 0;
    std::vector<std::string> kernelParams;  // "k=v" per parameter of the chosen kernel
    std::array<char, 512> configPath{};
    std::array<char, 512> tracePath{};
    bool useTrace = false;
    bool useMix = false;                   // a --mix: the sources below as processes 0, 1, ...
    std::array<char, 1024> mixSources{};   // one trace file or KERNEL:name=value,... per line
    int mixQuantum = 1000;                 // references per turn (--quantum)

    // Config editor (the "config" panel): a draft of the open scene's config, and where Save writes.
    std::optional<ConfigEditor> editor;
    std::array<char, 512> savePath{};
    std::array<char, 512> loadPath{};  // a config file to load into the draft
    std::string editorScrolledTo;      // the message whose field the editor last scrolled to

    // Compare mode: a second session on the same source under another config, kept in lockstep.
    std::optional<Comparison> compare;
    std::array<char, 512> comparePath{};
    std::string compareSearch;     // what the last "run to the next difference" found
    bool compareSearching = false; // a search goes on, a chunk per frame

    // Filled while drawing: where the grid cells are (for --layout-json).
    std::vector<CellRect> cells;

    // The grids, the tensor view and the heat-map are drawn into canvases (by panel key) and shown
    // as textures through `textures` (the window's OpenGL; none in the panel test).
    std::map<std::string, PanelCanvas> canvases;
    TextureHost* textures = nullptr;
};

/// Opens `scene` (model/workspace.hpp: on a user error keeps the current one and puts the message
/// in state.error) and, when it opened, clears the selection, the config draft and compare mode.
/// Returns true if it opened.
bool openSceneInto(AppState& state, const SceneSpec& scene);

}  // namespace cachescope::gui
