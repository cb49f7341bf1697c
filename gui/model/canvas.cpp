#include "model/canvas.hpp"

#include <algorithm>

namespace cachescope::gui {

Canvas::Canvas(int width, int height, Rgb background) {
    resize(width, height);
    clear(background);
}

void Canvas::resize(int width, int height) {
    width = std::max(width, 0);
    height = std::max(height, 0);
    if (width == width_ && height == height_) return;
    width_ = width;
    height_ = height;
    pixels_.assign(static_cast<std::size_t>(width_) * static_cast<std::size_t>(height_) * 4, 255);
}

Rgb Canvas::at(int x, int y) const {
    const std::uint8_t* p = &pixels_[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x)) * 4];
    return {p[0], p[1], p[2]};
}

PixelRect Canvas::clipped(PixelRect r) const {
    const int x0 = std::max(r.x, 0), y0 = std::max(r.y, 0);
    const int x1 = std::min(r.x + r.w, width_), y1 = std::min(r.y + r.h, height_);
    return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

void Canvas::clear(Rgb c) { fillRect({0, 0, width_, height_}, c); }

void Canvas::fillRect(PixelRect r, Rgb c) {
    r = clipped(r);
    for (int y = r.y; y < r.y + r.h; ++y) {
        std::uint8_t* p = &pixels_[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(r.x)) * 4];
        for (int x = 0; x < r.w; ++x, p += 4) {
            p[0] = c.r;
            p[1] = c.g;
            p[2] = c.b;
            p[3] = 255;
        }
    }
}

void Canvas::strokeRect(PixelRect r, int t, Rgb c) {
    t = std::min({t, r.w, r.h});
    if (t <= 0) return;
    fillRect({r.x, r.y, r.w, t}, c);
    fillRect({r.x, r.y + r.h - t, r.w, t}, c);
    fillRect({r.x, r.y + t, t, r.h - 2 * t}, c);
    fillRect({r.x + r.w - t, r.y + t, t, r.h - 2 * t}, c);
}

void Canvas::blendMask(const std::uint8_t* src, int srcStride, int srcStep, int w, int h, int x, int y, Rgb c,
                       PixelRect clip) {
    const PixelRect box = clipped(clip);
    const int x0 = std::max(x, box.x), y0 = std::max(y, box.y);
    const int x1 = std::min(x + w, box.x + box.w), y1 = std::min(y + h, box.y + box.h);
    for (int py = y0; py < y1; ++py) {
        const std::uint8_t* s = src + static_cast<std::ptrdiff_t>(py - y) * srcStride + static_cast<std::ptrdiff_t>(x0 - x) * srcStep;
        std::uint8_t* d = &pixels_[(static_cast<std::size_t>(py) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x0)) * 4];
        for (int px = x0; px < x1; ++px, s += srcStep, d += 4) {
            const unsigned a = *s;
            if (a == 0) continue;
            // d = c·a + d·(1 − a), rounded.
            d[0] = static_cast<std::uint8_t>((c.r * a + d[0] * (255 - a) + 127) / 255);
            d[1] = static_cast<std::uint8_t>((c.g * a + d[1] * (255 - a) + 127) / 255);
            d[2] = static_cast<std::uint8_t>((c.b * a + d[2] * (255 - a) + 127) / 255);
        }
    }
}

}  // namespace cachescope::gui
