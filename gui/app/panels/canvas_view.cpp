#include "panels/canvas_view.hpp"

#include <cmath>
#include <cstring>
#include <map>
#include <utility>

#include "imgui_internal.h"  // ImTextCharFromUtf8
#include <vector>

namespace cachescope::gui {

namespace {

/// A glyph's coverage at screen size. ImGui's atlas holds glyphs oversampled (3× horizontally by
/// default) and draws them scaled down with bilinear filtering; here each screen pixel gets the
/// box-filtered average of the atlas pixels it covers, computed once per glyph.
struct GlyphMask {
    int x0 = 0, y0 = 0, w = 0, h = 0;  // offset from the pen (top of the line), size
    std::vector<std::uint8_t> alpha;
    float advance = 0;
};

const GlyphMask& maskOf(ImFont* font, unsigned int codepoint) {
    static std::map<std::pair<ImFont*, unsigned int>, GlyphMask> cache;
    auto [it, fresh] = cache.try_emplace({font, codepoint});
    GlyphMask& m = it->second;
    if (!fresh) return m;
    const ImFontGlyph* g = font->FindGlyph(static_cast<ImWchar>(codepoint));
    if (g == nullptr) return m;
    m.advance = g->AdvanceX;
    if (g->Visible == 0) return m;
    ImFontAtlas* atlas = font->ContainerAtlas;
    unsigned char* pixels = nullptr;
    int aw = 0, ah = 0;
    atlas->GetTexDataAsRGBA32(&pixels, &aw, &ah);  // built already: returns the atlas
    m.x0 = static_cast<int>(std::lround(g->X0));
    m.y0 = static_cast<int>(std::lround(g->Y0));
    m.w = std::max(1, static_cast<int>(std::lround(g->X1 - g->X0)));
    m.h = std::max(1, static_cast<int>(std::lround(g->Y1 - g->Y0)));
    const float u0 = g->U0 * static_cast<float>(aw), u1 = g->U1 * static_cast<float>(aw);
    const float v0 = g->V0 * static_cast<float>(ah), v1 = g->V1 * static_cast<float>(ah);
    m.alpha.resize(static_cast<std::size_t>(m.w) * static_cast<std::size_t>(m.h));
    for (int y = 0; y < m.h; ++y)
        for (int x = 0; x < m.w; ++x) {
            const int sx0 = static_cast<int>(std::floor(u0 + (u1 - u0) * static_cast<float>(x) / static_cast<float>(m.w)));
            const int sx1 = std::max(sx0 + 1, static_cast<int>(std::floor(u0 + (u1 - u0) * static_cast<float>(x + 1) / static_cast<float>(m.w))));
            const int sy0 = static_cast<int>(std::floor(v0 + (v1 - v0) * static_cast<float>(y) / static_cast<float>(m.h)));
            const int sy1 = std::max(sy0 + 1, static_cast<int>(std::floor(v0 + (v1 - v0) * static_cast<float>(y + 1) / static_cast<float>(m.h))));
            unsigned sum = 0, n = 0;
            for (int sy = sy0; sy < sy1 && sy < ah; ++sy)
                for (int sx = sx0; sx < sx1 && sx < aw; ++sx, ++n)
                    sum += pixels[(static_cast<std::size_t>(sy) * static_cast<std::size_t>(aw) + static_cast<std::size_t>(sx)) * 4 + 3];
            m.alpha[static_cast<std::size_t>(y) * static_cast<std::size_t>(m.w) + static_cast<std::size_t>(x)] =
                static_cast<std::uint8_t>(n == 0 ? 0 : (sum + n / 2) / n);
        }
    return m;
}

}  // namespace

int canvasText(Canvas& canvas, ImFont* font, int x, int y, Rgb c, const char* text, PixelRect clip) {
    if (font == nullptr) return 0;
    float pen = static_cast<float>(x);
    for (const char* s = text; *s != '\0';) {
        unsigned int cp = 0;
        const int n = ImTextCharFromUtf8(&cp, s, nullptr);
        s += n > 0 ? n : 1;
        if (cp == 0) break;
        const GlyphMask& m = maskOf(font, cp);
        if (!m.alpha.empty())
            canvas.blendMask(m.alpha.data(), m.w, 1, m.w, m.h, static_cast<int>(std::lround(pen)) + m.x0, y + m.y0, c, clip);
        pen += m.advance;
        if (pen > static_cast<float>(clip.x + clip.w)) break;
    }
    return static_cast<int>(std::lround(pen)) - x;
}

int canvasText(Canvas& canvas, ImFont* font, int x, int y, Rgb c, const char* text) {
    return canvasText(canvas, font, x, y, c, text, {0, 0, canvas.width(), canvas.height()});
}

ImVec2 pixelCursor() {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImVec2 whole(std::floor(p.x + 0.5f), std::floor(p.y + 0.5f));
    ImGui::SetCursorScreenPos(whole);
    return whole;
}

void showCanvas(TextureHost* host, PanelCanvas& pc, ImVec2 size) {
    const bool changed = pc.draw.width() != pc.shown.width() || pc.draw.height() != pc.shown.height() ||
                         std::memcmp(pc.draw.rgba(), pc.shown.rgba(),
                                     static_cast<std::size_t>(pc.draw.width()) * static_cast<std::size_t>(pc.draw.height()) * 4) != 0;
    if (changed) {
        std::swap(pc.draw, pc.shown);
        ++pc.uploads;
    }
    pc.x = ImGui::GetCursorScreenPos().x;
    pc.y = ImGui::GetCursorScreenPos().y;
    if (size.x <= 0 || size.y <= 0) size = ImVec2(static_cast<float>(pc.shown.width()), static_cast<float>(pc.shown.height()));
    if (pc.shown.width() == 0 || pc.shown.height() == 0 || size.x < 1 || size.y < 1) {
        ImGui::Dummy(ImVec2(std::max(size.x, 1.f), std::max(size.y, 1.f)));
        return;
    }
    if (host == nullptr) {
        ImGui::Dummy(size);
        return;
    }
    // Drawn with ImGui's ordinary blending. A callback that turned blending off for the (opaque)
    // canvas and a reset callback after it were tried: in table columns and at the end of a
    // window the reset was lost (ImGui 1.86 drops trailing empty commands when it merges draw
    // channels), and the text drawn next showed as white blocks.
    ImGui::Image(host->texture(pc.slot, pc.shown, changed), size);
}

}  // namespace cachescope::gui
