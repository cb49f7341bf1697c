#pragma once
// The panels: thin Dear ImGui code that draws the model (app_state.hpp) and turns clicks and keys
// into calls on it. No window, no GL: the panel test runs them with ImGui and no backend.

#include "panels/app_state.hpp"

struct ImFont;

namespace cachescope::gui {

struct Fonts {
    ImFont* regular = nullptr;
    ImFont* presenter = nullptr;  // presenter mode: large
};

/// Adds DejaVu Sans (fonts-dejavu-core) at the normal and presenter sizes to the current ImGui
/// context's atlas if the files exist (Debian's ImGui aborts on a missing font file, so this
/// checks first); ImGui's built-in font otherwise. Call before the atlas is built.
Fonts loadFonts();

/// Applies the GUI's style (dark, Okabe–Ito accents).
void applyStyle();

/// Keyboard shortcuts: space run/pause, Right/Left step/back (Shift: 10), Home/End.
void handleKeys(AppState& state);

/// One frame of every open panel (between ImGui::NewFrame and ImGui::Render). `frameSeconds` is the
/// time since the previous frame (for the player's speed).
void drawFrame(AppState& state, const Fonts& fonts, double frameSeconds);

/// Runs one script action (scene.hpp) on the state.
void runAction(AppState& state, const ScriptAction& action);

}  // namespace cachescope::gui
