#pragma once
// A CPU-side RGBA picture that a panel draws its grid into, shown as one textured quad.
//
// Why: under software rendering (Mesa llvmpipe) every rectangle and glyph ImGui draws costs
// triangle setup and blended fragments; a tensor view of three 64×64 tensors is over 12,000
// quads a frame, the cache grids and the heat-map thousands more. Drawn here instead, a panel's
// grid is one quad whose texture is uploaded (glTexSubImage2D, gui/app/main.cpp) only when its
// content changed. Letters stay: glyphs are copied from ImGui's font atlas with `blendMask`
// (gui/app/panels), so colour is never the only cue.
//
// Plain pixels, no ImGui, no GL: the model tests check what is drawn pixel by pixel. Coordinates
// are integer pixels, (0, 0) top left; everything is clipped to the canvas (and to `clip`).

#include <cstdint>
#include <vector>

#include "model/palette.hpp"

namespace cachescope::gui {

struct PixelRect {
    int x = 0, y = 0, w = 0, h = 0;
    bool contains(int px, int py) const { return px >= x && py >= y && px < x + w && py < y + h; }
};

class Canvas {
public:
    Canvas() = default;
    Canvas(int width, int height, Rgb background = {0, 0, 0});

    int width() const { return width_; }
    int height() const { return height_; }
    /// Resizes (contents undefined until the next clear) if the size differs.
    void resize(int width, int height);
    /// RGBA, rows top to bottom, alpha always 255.
    const std::uint8_t* rgba() const { return pixels_.data(); }
    Rgb at(int x, int y) const;

    void clear(Rgb c);
    void fillRect(PixelRect r, Rgb c);
    /// A frame `thickness` pixels wide inside `r`.
    void strokeRect(PixelRect r, int thickness, Rgb c);
    /// Blends `c` through an 8-bit coverage mask (`src` rows of `srcStride` bytes, `srcStep` bytes
    /// between pixels: 1 for alpha-only, 4 for the alpha byte of RGBA) of size w×h placed at (x, y),
    /// clipped to `clip`.
    void blendMask(const std::uint8_t* src, int srcStride, int srcStep, int w, int h, int x, int y, Rgb c,
                   PixelRect clip);

private:
    PixelRect clipped(PixelRect r) const;
    int width_ = 0, height_ = 0;
    std::vector<std::uint8_t> pixels_;
};

}  // namespace cachescope::gui
