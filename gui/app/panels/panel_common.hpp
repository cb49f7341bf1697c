#pragma once
// What the panel files share: colour conversion, tooltips, opening a panel's window, and the panels
// that live in their own files (compare_panel.cpp, config_panel.cpp), drawn by drawFrame.

#include "imgui.h"

#include "model/palette.hpp"
#include "panels/app_state.hpp"

namespace cachescope::gui {

inline ImU32 col(Rgb c, int alpha = 255) { return IM_COL32(c.r, c.g, c.b, alpha); }
inline ImVec4 colv(Rgb c) { return ImVec4(c.r / 255.f, c.g / 255.f, c.b / 255.f, 1.f); }

inline void tooltip(const char* text) {
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}

/// Begin() of a panel's window with its close box bound to state.open[key], brought to the front
/// when state.focus names it. The caller calls End() on every path.
inline bool beginPanel(AppState& state, const char* key, const char* title, ImGuiWindowFlags flags = 0) {
    bool& open = state.open[key];
    if (state.focus == key) {
        ImGui::SetNextWindowFocus();
        state.focus.clear();
    }
    const bool visible = ImGui::Begin(title, &open, flags);
    return visible;
}

void drawCompare(AppState& state);  // compare_panel.cpp
void drawConfig(AppState& state);   // config_panel.cpp

}  // namespace cachescope::gui
