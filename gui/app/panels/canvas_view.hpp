#pragma once
// Panels that draw into a Canvas (model/canvas.hpp) and show it as one textured quad: the cache
// and TLB grids, the tensor view and the heat-map. The window (gui/app/main.cpp) turns canvases
// into OpenGL textures through a TextureHost; the panel test runs without one (the canvases are
// still drawn, and it checks their pixels).

#include <cstdint>
#include <string>

#include "imgui.h"

#include "model/canvas.hpp"

namespace cachescope::gui {

/// Where canvases become textures. `texture` returns the ImTextureID of slot `slot` holding
/// `canvas`, uploading the pixels when `changed` (and on first use or a new size).
class TextureHost {
public:
    virtual ~TextureHost() = default;
    virtual void* texture(int slot, const Canvas& canvas, bool changed) = 0;
};

/// One panel's canvas: drawn into `draw` every frame, compared with what was last shown, and
/// uploaded only when they differ (so an unchanged grid costs no upload).
struct PanelCanvas {
    Canvas draw, shown;
    int slot = 0;
    std::uint64_t uploads = 0;  // how often the pixels changed (tests)
    float x = 0, y = 0;         // where `shown` was last put on the screen (its top-left pixel)
};

/// Copies the glyphs of `text` in `font` (ImGui's atlas, already built) into `canvas` with their
/// top-left at (x, y), coloured `c` and clipped to `clip`. Returns the advance in pixels.
int canvasText(Canvas& canvas, ImFont* font, int x, int y, Rgb c, const char* text, PixelRect clip);
/// The same clipped to the canvas.
int canvasText(Canvas& canvas, ImFont* font, int x, int y, Rgb c, const char* text);

/// Moves the cursor to a whole pixel (so a canvas shown there maps texels 1:1 onto pixels and
/// keeps exact colours) and returns it.
ImVec2 pixelCursor();

/// Shows `pc.draw` at the cursor as one ImGui item (an image; a dummy of the same size without a
/// host), after swapping it into `pc.shown` if its pixels changed. `size` stretches it (nearest
/// texel; the heat-map); 0 = its own size.
void showCanvas(TextureHost* host, PanelCanvas& pc, ImVec2 size = ImVec2(0, 0));

}  // namespace cachescope::gui
