#pragma once
// What the panel files share: colour conversion, tooltips, opening a panel's window, and the panels
// that live in their own files (compare_panel.cpp, config_panel.cpp), drawn by drawFrame.

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "imgui.h"

#include "model/cache_view.hpp"
#include "model/palette.hpp"
#include "model/workspace.hpp"
#include "panels/app_state.hpp"

namespace cachescope::gui {

inline ImU32 col(Rgb c, int alpha = 255) { return IM_COL32(c.r, c.g, c.b, alpha); }
inline ImVec4 colv(Rgb c) { return ImVec4(c.r / 255.f, c.g / 255.f, c.b / 255.f, 1.f); }

inline void tooltip(const char* text) {
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}

/// Begin() of a panel's window with its close box bound to state.open[key], brought to the front
/// when state.focus names it. The caller calls End() on every path.
/// (panels.cpp: the tiled panels stay behind the floating ones and skip their backgrounds while
/// they are all in place.)
bool beginPanel(AppState& state, const char* key, const char* title, ImGuiWindowFlags flags = 0);

/// A "presets" combo (model/workspace.hpp's presetConfigs); choosing one writes its path into
/// `path`. Returns true when one was chosen.
inline bool presetCombo(const char* id, const std::string& sourceDir, std::array<char, 512>& path) {
    bool chosen = false;
    if (ImGui::BeginCombo(id, "presets", ImGuiComboFlags_NoPreview)) {
        for (const std::string& f : presetConfigs(sourceDir))
            if (ImGui::Selectable(std::filesystem::path(f).filename().string().c_str())) {
                std::snprintf(path.data(), path.size(), "%s", f.c_str());
                chosen = true;
            }
        ImGui::EndCombo();
    }
    return chosen;
}

/// More than one process runs (a --mix, or a trace whose references carry processes, once one
/// ran): the TLB grids then name each entry's process.
inline bool runsProcesses(const Session& s) {
    return s.describedProcesses() > 1 || s.simulator().processCount() > 1 || s.simulator().process() != 0;
}

/// One cache or TLB grid as the cache-grid panel draws it (panels.cpp), `height` pixels at most;
/// cacheIndex ~0 for grids whose rows must not move the selection (TLBs, compare mode's B); `key`
/// names its canvas (unique among the grids drawn).
void drawCacheGrid(AppState& state, const std::string& key, const CacheGrid& g, std::uint32_t cacheIndex, float height);

void drawCompare(AppState& state);  // compare_panel.cpp
/// Starts compare mode with the config at `path` on the open source, at the player's position; on
/// a user error keeps what was there and sets state.error. True if it started.
bool startCompare(AppState& state, const std::string& path);  // compare_panel.cpp
void drawConfig(AppState& state);                             // config_panel.cpp

}  // namespace cachescope::gui
