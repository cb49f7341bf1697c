// The panels. Layout: a menu bar; the player across the top; cache grids on the left; the access
// inspector and the tensor view on the right. Other panels (statistics, quiz, scene) float above.
// Every Begin() has its End() on every path (Debian's ImGui aborts otherwise).

#include "panels/panels.hpp"
#include "panels/panel_common.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "imgui.h"

#include "cachescope/core/error.hpp"
#include "cachescope/kernels/kernel.hpp"
#include "cachescope/mmu/mmu.hpp"
#include "model/cache_view.hpp"
#include "model/frame_view.hpp"
#include "model/inspect.hpp"
#include "model/inspector.hpp"
#include "model/palette.hpp"
#include "model/segment_view.hpp"
#include "model/stats_view.hpp"
#include "panels/canvas_view.hpp"

namespace cachescope::gui {

namespace {

using Rect = std::pair<ImVec2, ImVec2>;  // position, size

/// Positions of the default layout, recomputed when the display size changes, or of the tiles of
/// "Tile open panels" (AppState::tileAll), recomputed when the open panels change.
struct Layout {
    ImVec2 size{0, 0};
    bool apply = true;
    bool tileAll = false;                 // the mode the windows were last placed in
    std::map<std::string, Rect> tiles;    // by key: the tiles they were last placed in
    std::map<std::string, Rect> placed;  // by title: where the layout puts it
    std::map<std::string, bool> inPlace;                      // by title: it was exactly there last frame
    bool allInPlace() const {
        for (const auto& [title, yes] : inPlace)
            if (!yes) return false;
        return !inPlace.empty();
    }
};
Layout g_layout;

void place(const char* name, ImVec2 pos, ImVec2 size) {
    const ImGuiCond cond = g_layout.apply ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
    ImGui::SetNextWindowPos(pos, cond);
    ImGui::SetNextWindowSize(size, cond);
    g_layout.placed[name] = {pos, size};
}

/// The panels the layout tiles the display with: the default layout's four, or every open one.
bool tiled(const AppState& state, const std::string& key) {
    return state.tileAll || key == "player" || key == "caches" || key == "inspector" || key == "tensors";
}

/// "Tile open panels": the player across the top (its height), below it the other open panels in
/// up to three columns, each panel's area proportional to its weight (grids, B's grids and the
/// tensor view larger, the quiz and the scene picker smaller). Edges on whole pixels, each tile
/// starting where its neighbour ends: no two overlap and together they fill `origin`..+`size`.
std::map<std::string, Rect> tileRects(const AppState& state, ImVec2 origin, ImVec2 size, float playerH) {
    struct Tile {
        const char* key;
        float weight;
    };
    // Column by column (every panel open): the grids, B's grids, the segments; the tensor view, the
    // inspector, the statistics, the TLBs; the quiz and the rest (each column about a third of the weight).
    static constexpr Tile kOrder[] = {{"caches", 3},  {"compare", 3}, {"segments", 2}, {"tensors", 3}, {"inspector", 2},
                                      {"stats", 2},   {"tlb", 2},     {"quiz", 1.5f},   {"heatmap", 2}, {"config", 2},
                                      {"scene", 1.5f}};
    std::map<std::string, Rect> out;
    const auto isOpen = [&](const char* key) {
        const auto it = state.open.find(key);
        return it != state.open.end() && it->second;
    };
    if (isOpen("player")) {
        out["player"] = {origin, ImVec2(size.x, playerH)};
        origin.y += playerH;
        size.y -= playerH;
    }
    std::vector<Tile> open;
    float total = 0;
    for (const Tile& t : kOrder)
        if (isOpen(t.key)) {
            open.push_back(t);
            total += t.weight;
        }
    if (open.empty()) return out;
    const std::size_t cols = open.size() <= 1 ? 1 : open.size() <= 4 ? 2 : 3;
    std::vector<std::vector<Tile>> columns(1);
    float acc = 0;
    for (std::size_t i = 0; i < open.size(); ++i) {
        columns.back().push_back(open[i]);
        acc += open[i].weight;
        const std::size_t panelsLeft = open.size() - i - 1, columnsLeft = cols - columns.size();
        if (columnsLeft > 0 && panelsLeft > 0 &&
            (acc >= total * static_cast<float>(columns.size()) / static_cast<float>(cols) || panelsLeft == columnsLeft))
            columns.emplace_back();
    }
    // Column widths proportional to their weights, so every panel's area is proportional to its own.
    float done = 0, x = origin.x;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        float colWeight = 0;
        for (const Tile& t : columns[c]) colWeight += t.weight;
        done += colWeight;
        const float x1 = c + 1 == columns.size() ? origin.x + size.x : origin.x + std::floor(size.x * done / total);
        float rowDone = 0, y = origin.y;
        for (std::size_t r = 0; r < columns[c].size(); ++r) {
            rowDone += columns[c][r].weight;
            const float y1 = r + 1 == columns[c].size() ? origin.y + size.y : origin.y + std::floor(size.y * rowDone / colWeight);
            out[columns[c][r].key] = {ImVec2(x, y), ImVec2(x1 - x, y1 - y)};
            y = y1;
        }
        x = x1;
    }
    return out;
}

}  // namespace

// Declared in panel_common.hpp (the compare and config panels open their windows with it too).
bool beginPanel(AppState& state, const char* key, const char* title, ImGuiWindowFlags flags) {
    bool& open = state.open[key];
    if (state.focus == key) {
        ImGui::SetNextWindowFocus();
        state.focus.clear();
    }
    // The tiled panels stay behind the floating ones (focus does not raise them), and while all of
    // them are exactly in their places they skip their backgrounds: the frame was cleared to the
    // same colour (gui/app/main.cpp), nothing can be behind them, and under software rendering
    // every pixel filled twice costs (docs/performance.md, "The classroom GUI").
    if (tiled(state, key)) {
        flags |= ImGuiWindowFlags_NoBringToFrontOnFocus;
        if (g_layout.allInPlace()) flags |= ImGuiWindowFlags_NoBackground;
    }
    const bool visible = ImGui::Begin(title, &open, flags);
    if (tiled(state, key)) {
        const auto& [pos, size] = g_layout.placed[title];
        const ImVec2 p = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
        g_layout.inPlace[title] = p.x == pos.x && p.y == pos.y && s.x == size.x && s.y == size.y;
    }
    return visible;
}

namespace {

// ---- player ------------------------------------------------------------------------------------

const char* kEventNames[] = {"miss", "eviction", "write-back", "TLB miss", "page fault", "tensor access"};

void drawPlayer(AppState& state) {
    if (!beginPanel(state, "player", "Player", ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return;
    }
    Player& p = *state.player;
    if (!state.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, colv(palette::kMiss));
        ImGui::TextWrapped("%s", state.error.c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
        if (ImGui::SmallButton("dismiss")) state.error.clear();
    }
    if (ImGui::Button("|<")) p.reset();
    tooltip("Reset to the start (Home)");
    ImGui::SameLine();
    if (ImGui::Button("<")) p.back();
    tooltip("Step back one reference (Left; Shift: 10)");
    ImGui::SameLine();
    if (ImGui::Button(p.playing() ? "Pause" : "Run", ImVec2(ImGui::GetFontSize() * 3.5f, 0))) p.toggle();
    tooltip("Run / pause (Space)");
    ImGui::SameLine();
    if (ImGui::Button(">")) p.step();
    tooltip("Step one reference (Right; Shift: 10)");
    ImGui::SameLine();
    if (ImGui::Button(">|")) p.runToEnd();
    tooltip("Run to the end (End)");
    ImGui::SameLine();
    ImGui::TextUnformatted("|");
    ImGui::SameLine();
    if (ImGui::Button("Run to next")) {
        StopCondition c;
        c.kind = static_cast<StopKind>(state.eventKind);
        if (state.eventStructure > 0) c.structure = static_cast<std::uint32_t>(state.eventStructure - 1);
        if (c.kind == StopKind::TensorAccess) {
            const std::vector<TensorChoice> tensors = tensorChoices(p.session());
            if (state.eventRegion >= 0 && state.eventRegion < static_cast<int>(tensors.size()))
                c = tensors[static_cast<std::size_t>(state.eventRegion)].stop;
        }
        try {
            p.runToEvent(c);
        } catch (const Error& e) {
            state.error = e.what();
        }
    }
    tooltip("Simulate up to and including the next reference that causes the chosen event");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    ImGui::Combo("##event", &state.eventKind, kEventNames, IM_ARRAYSIZE(kEventNames));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    const Simulator& sim = p.session().simulator();
    const auto kind = static_cast<StopKind>(state.eventKind);
    if (kind == StopKind::TensorAccess) {  // every process's tensors, named as the tensor view names them
        const std::vector<TensorChoice> tensors = tensorChoices(p.session());
        const std::string current = state.eventRegion >= 0 && state.eventRegion < static_cast<int>(tensors.size())
                                        ? tensors[static_cast<std::size_t>(state.eventRegion)].name
                                        : "-";
        if (ImGui::BeginCombo("##region", current.c_str())) {
            for (std::size_t r = 0; r < tensors.size(); ++r)
                if (ImGui::Selectable(tensors[r].name.c_str(), state.eventRegion == static_cast<int>(r)))
                    state.eventRegion = static_cast<int>(r);
            ImGui::EndCombo();
        }
    } else if (kind != StopKind::PageFault) {
        const bool tlb = kind == StopKind::TlbMiss;
        std::vector<std::string> names{"any"};
        if (tlb && sim.mmu() != nullptr)
            for (const Cache& t : sim.mmu()->tlbs()) names.push_back(t.name());
        if (!tlb)
            for (const Cache& c : sim.hierarchy().caches()) names.push_back(c.name());
        state.eventStructure = std::min(state.eventStructure, static_cast<int>(names.size()) - 1);
        if (ImGui::BeginCombo("##structure", names[static_cast<std::size_t>(state.eventStructure)].c_str())) {
            for (std::size_t i = 0; i < names.size(); ++i)
                if (ImGui::Selectable(names[i].c_str(), state.eventStructure == static_cast<int>(i)))
                    state.eventStructure = static_cast<int>(i);
            ImGui::EndCombo();
        }
    }
    ImGui::SameLine();
    ImGui::TextUnformatted("|  speed");
    ImGui::SameLine();
    float slider = static_cast<float>(Player::speedToSlider(p.speed()));
    char speedText[32];
    std::snprintf(speedText, sizeof speedText, "%.3g refs/s", p.speed());
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
    if (ImGui::SliderFloat("##speed", &slider, 0.f, 1.f, speedText)) p.setSpeed(Player::sliderToSpeed(slider));
    tooltip("References per second while running (log scale)");
    ImGui::SameLine();
    bool maxMode = p.maxMode();
    if (ImGui::Checkbox("max", &maxMode)) p.setMaxMode(maxMode);
    tooltip("As fast as possible: simulate in chunks and redraw about 30 times a second");

    // The scrubber over the whole trace.
    std::uint64_t pos = p.position();
    const std::uint64_t zero = 0, len = p.length();
    char posText[64];
    std::snprintf(posText, sizeof posText, "%llu / %llu", static_cast<unsigned long long>(pos),
                  static_cast<unsigned long long>(len));
    ImGui::SetNextItemWidth(-1);
    if (ImGui::SliderScalar("##scrub", ImGuiDataType_U64, &pos, &zero, &len, posText)) p.seek(pos);
    tooltip("References simulated so far; drag to seek (checkpoint + replay)");
    ImGui::End();
}

// ---- cache grids -------------------------------------------------------------------------------

// The grid's geometry: a label column, the cells, the policy state, the sets' minimap.
struct GridGeometry {
    float fs = 0;
    int rowH = 0, labelW = 0, policyW = 0, mapW = 0, cellsW = 0, width = 0;
    std::uint32_t fitPerRow = 1;  // readable cells a row holds
};

/// Readable cells hold at least `minCellEm` font sizes: a letter (H, M, E, W) with its margin, or
/// (kProcessCellEm) the letters and a TLB entry's process, "H p1".
constexpr float kLetterCellEm = 1.4f, kProcessCellEm = 3.0f;

GridGeometry gridGeometry(float avail, float minCellEm = kLetterCellEm) {
    GridGeometry g;
    g.fs = ImGui::GetFontSize();
    g.rowH = std::max(4, static_cast<int>(std::floor(g.fs * 1.35f)));
    g.width = std::max(1, static_cast<int>(std::floor(avail)));
    g.labelW = static_cast<int>(g.fs * 3.2f);
    g.mapW = static_cast<int>(g.fs * 0.8f);
    g.policyW = static_cast<int>(std::min(g.fs * 12.f, avail * 0.3f));
    g.cellsW = std::max(3, g.width - g.labelW - g.policyW - g.mapW - 8);
    // A readable cell holds at least one letter (H, M, E, W) with its margin.
    g.fitPerRow = static_cast<std::uint32_t>(std::max(1, static_cast<int>(static_cast<float>(g.cellsW) / (g.fs * minCellEm))));
    return g;
}

Rgb styleColour(ImGuiCol c) {
    const ImVec4 v = ImGui::GetStyleColorVec4(c);
    return {static_cast<std::uint8_t>(v.x * 255.f + 0.5f), static_cast<std::uint8_t>(v.y * 255.f + 0.5f),
            static_cast<std::uint8_t>(v.z * 255.f + 0.5f)};
}

PanelCanvas& canvasFor(AppState& state, const std::string& key) {
    auto [it, fresh] = state.canvases.try_emplace(key);
    if (fresh) it->second.slot = static_cast<int>(state.canvases.size());
    return it->second;
}

/// Draws one cache or TLB grid into its canvas: `height` pixels at most; `build` makes the view
/// model for a focus window of the given number of sets. Wide sets wrap their ways into rows, and
/// past `height` show a window of rows around the current (else the next victim's) way with a
/// minimap of every way of that set under the grid.
/// The caller has just written the grid's headline; a note on the ways' layout follows on its line.
void drawGrid(AppState& state, const std::string& key, std::uint32_t ways, std::uint32_t cacheIndex, float height,
              const std::function<CacheGrid(std::uint32_t)>& build, float minCellEm = kLetterCellEm) {
    const GridGeometry geo = gridGeometry(ImGui::GetContentRegionAvail().x, minCellEm);
    const float fs = geo.fs;
    const int rowH = geo.rowH;
    const std::uint32_t rowsAvail = static_cast<std::uint32_t>(std::max(1.f, height / static_cast<float>(rowH)));
    const std::uint32_t wrapRows = (ways + geo.fitPerRow - 1) / geo.fitPerRow;
    const bool wayWindow = wrapRows > rowsAvail;  // even one set does not fit: a window + a way minimap
    const std::uint32_t maxRows = std::max<std::uint32_t>(1, wayWindow ? rowsAvail - (rowsAvail > 1 ? 1 : 0) : rowsAvail);
    const std::uint32_t rowsPerSet = std::min(wrapRows, maxRows);
    const CacheGrid g = build(std::max<std::uint32_t>(1, maxRows / rowsPerSet));
    // The way of interest: the one the last reference used, else the next victim of the first set shown.
    std::uint32_t focusWay = 0;
    if (g.currentWay && g.currentSet && *g.currentSet >= g.firstSet && *g.currentSet < g.firstSet + g.shownSets)
        focusWay = *g.currentWay;
    else
        for (std::uint32_t w = 0; w < g.ways && g.shownSets > 0; ++w)
            if (g.cell(0, w).nextVictim) focusWay = w;
    const WayLayout l = layoutWays(g.ways, geo.fitPerRow, maxRows, focusWay);
    const bool setMap = g.shownSets < g.sets;
    const int cellW = static_cast<int>(std::clamp(static_cast<float>(geo.cellsW) / static_cast<float>(l.perRow), 3.f, fs * 7));
    const bool text = static_cast<float>(cellW) >= fs * 1.4f && static_cast<float>(rowH) >= fs;
    const int gridH = static_cast<int>(g.shownSets * l.rowsPerSet) * rowH;
    const int stripH = l.windowed(g.ways) ? static_cast<int>(fs * 0.9f) + 4 : 0;
    const int mapH = setMap ? static_cast<int>(std::max(static_cast<float>(gridH), std::min(height, fs * 8))) : 0;

    if (g.shownSets < g.sets) {
        ImGui::SameLine();
        ImGui::TextDisabled("sets %u-%u of %u", g.firstSet, g.firstSet + g.shownSets - 1, g.sets);
    }
    if (l.windowed(g.ways)) {
        ImGui::SameLine();
        ImGui::TextDisabled("ways %u-%u of %u, %u a row", l.firstWay, l.firstWay + l.shownWays - 1, g.ways, l.perRow);
    } else if (l.wrapped()) {
        ImGui::SameLine();
        ImGui::TextDisabled("%u ways a row", l.perRow);
    }
    const ImVec2 origin = pixelCursor();
    PanelCanvas& pc = canvasFor(state, key);
    Canvas& cv = pc.draw;
    cv.resize(geo.width, std::max({gridH + stripH, mapH, 1}));
    cv.clear(styleColour(ImGuiCol_WindowBg));
    ImFont* font = ImGui::GetFont();
    const int textDy = (rowH - static_cast<int>(fs)) / 2;
    const int cellsEnd = geo.labelW + static_cast<int>(l.perRow) * cellW;

    for (std::uint32_t r = 0; r < g.shownSets; ++r) {
        const std::uint32_t set = g.firstSet + r;
        const int y0 = static_cast<int>(r * l.rowsPerSet) * rowH;
        const bool selected = state.selectedSet && *state.selectedSet == set && state.selectedCache == cacheIndex;
        const bool current = g.currentSet && *g.currentSet == set;
        char label[32];
        std::snprintf(label, sizeof label, "%s%u", current ? "> " : "", set);
        canvasText(cv, font, 0, y0 + textDy, current ? palette::kText : palette::kDimText, label, {0, y0, geo.labelW, rowH});
        for (std::uint32_t w = l.firstWay; w < l.firstWay + l.shownWays; ++w) {
            const WayCell& c = g.cell(r, w);
            const PixelRect box{geo.labelW + static_cast<int>(l.columnOf(w)) * cellW, y0 + static_cast<int>(l.rowOf(w)) * rowH,
                                cellW - 2, rowH - 2};
            const Rgb fill = c.hit ? palette::kHit : c.filled ? palette::kMiss : c.valid ? palette::kValid : palette::kInvalid;
            cv.fillRect(box, fill);
            if (c.nextVictim && cellW > 6) cv.strokeRect(box, 2, palette::kVictim);  // clear of the probe pixel
            if (text) {
                // Letters, tag and dirty mark; in a cell too narrow for the tag, the letters and
                // the mark alone (the tooltip has the tag).
                // A TLB entry of a run with processes keeps its "pN" when the page number does not fit.
                std::string t = c.letters();
                if (c.valid) {
                    const std::string tag = cellTagText(g, c), brief = cellShortText(g, c);
                    const std::string full = t.empty() ? tag : t + ' ' + tag;
                    const auto fits = [&](const std::string& x) {
                        return font->CalcTextSizeA(fs, 1e9f, 0, x.c_str()).x <= static_cast<float>(box.w) - fs * 0.5f - 2;
                    };
                    if (fits(full)) {
                        t = full;
                    } else {
                        if (!brief.empty()) t += t.empty() ? brief : " " + brief;
                        if (c.dirty) t += t.empty() ? "d" : " d";
                    }
                }
                canvasText(cv, font, box.x + static_cast<int>(fs * 0.5f), box.y + (rowH - 2 - static_cast<int>(fs)) / 2,
                           c.hit || c.filled ? okabe_ito::kBlack : palette::kText, t.c_str(), {box.x, box.y, box.w - 2, box.h});
            }
            state.cells.push_back({g.name, set, w, origin.x + static_cast<float>(box.x), origin.y + static_cast<float>(box.y),
                                   static_cast<float>(box.w), static_cast<float>(box.h), origin.x + static_cast<float>(box.x + 3),
                                   origin.y + static_cast<float>(box.y + box.h - 3)});
        }
        const int setH = static_cast<int>(l.rowsPerSet) * rowH;
        if (selected) cv.strokeRect({0, y0, cellsEnd + 1, setH - 1}, 2, palette::kSelection);
        if (l.wrapped() && r + 1 < g.shownSets) cv.fillRect({0, y0 + setH - 1, cellsEnd, 1}, palette::kDimText);
        canvasText(cv, font, cellsEnd + 6, y0 + textDy, palette::kDimText, g.policyState[r].c_str(),
                   {cellsEnd + 6, y0, geo.policyW, rowH});
    }
    if (stripH > 0 && g.shownSets > 0) {
        // Every way of the focus set: valid (blue) or empty, the way of interest in the hit/miss
        // colour, the window framed.
        const std::uint32_t fr = g.currentSet && *g.currentSet >= g.firstSet && *g.currentSet < g.firstSet + g.shownSets
                                     ? *g.currentSet - g.firstSet : 0;
        const int x0 = geo.labelW, w = std::max(1, cellsEnd - geo.labelW), y = gridH + 3, h = stripH - 4;
        for (int px = 0; px < w; ++px) {
            const std::uint32_t a = static_cast<std::uint32_t>(std::uint64_t{g.ways} * static_cast<std::uint64_t>(px) / static_cast<std::uint64_t>(w));
            const std::uint32_t b = std::max(a + 1, static_cast<std::uint32_t>(std::uint64_t{g.ways} * static_cast<std::uint64_t>(px + 1) / static_cast<std::uint64_t>(w)));
            std::uint32_t valid = 0;
            for (std::uint32_t k = a; k < b && k < g.ways; ++k) valid += g.cell(fr, k).valid ? 1 : 0;
            cv.fillRect({x0 + px, y, 1, h}, blend(palette::kInvalid, okabe_ito::kSkyBlue, static_cast<int>(40 + 215 * valid / (b - a))));
        }
        const auto xOf = [&](std::uint32_t way) { return x0 + static_cast<int>(std::uint64_t{way} * static_cast<std::uint64_t>(w) / g.ways); };
        if (g.currentWay && fr == (g.currentSet ? *g.currentSet - g.firstSet : 0))
            cv.fillRect({xOf(*g.currentWay) - 1, y - 2, 3, h + 4}, g.currentHit ? palette::kHit : palette::kMiss);
        cv.strokeRect({xOf(l.firstWay) - 1, y - 2, std::max(3, xOf(l.firstWay + l.shownWays) - xOf(l.firstWay) + 2), h + 4}, 1,
                      palette::kText);
    }
    if (setMap) {
        // Occupancy of every set, top to bottom; the focus window framed.
        const int x = geo.width - geo.mapW;
        const float perSet = static_cast<float>(mapH) / static_cast<float>(g.sets);
        const Rgb bg = styleColour(ImGuiCol_WindowBg);
        for (int py = 0; py < mapH; ++py) {
            const auto a = static_cast<std::uint32_t>(static_cast<float>(py) / perSet);
            const auto b = std::min(g.sets, std::max(a + 1, static_cast<std::uint32_t>(static_cast<float>(py + 1) / perSet)));
            std::uint32_t occ = 0;
            for (std::uint32_t k = a; k < b; ++k) occ = std::max(occ, g.occupancy[k]);
            cv.fillRect({x, py, geo.mapW, 1}, blend(bg, okabe_ito::kSkyBlue, 40 + static_cast<int>(215 * occ / std::max(g.ways, 1u))));
        }
        const int top = static_cast<int>(static_cast<float>(g.firstSet) * perSet);
        const int bottom = static_cast<int>(static_cast<float>(g.firstSet + g.shownSets) * perSet);
        cv.strokeRect({x - 1, top, geo.mapW + 2, std::max(3, bottom - top)}, 1, palette::kText);
        if (g.currentSet) {
            const int yc = static_cast<int>((static_cast<float>(*g.currentSet) + 0.5f) * perSet);
            cv.fillRect({x - 4, yc - 1, geo.mapW + 8, 2}, g.currentHit ? palette::kHit : palette::kMiss);
        }
    }
    showCanvas(state.textures, pc);
    // Rows are clickable: selecting a set pins the focus window on it.
    if (ImGui::IsItemHovered()) {
        const ImVec2 m = ImGui::GetMousePos();
        const auto line = static_cast<std::uint32_t>(std::max(0.f, (m.y - origin.y) / static_cast<float>(rowH)));
        const std::uint32_t row = line / l.rowsPerSet;
        const float cx = m.x - origin.x - static_cast<float>(geo.labelW);
        const std::uint32_t way = l.firstWay + (line % l.rowsPerSet) * l.perRow +
                                  static_cast<std::uint32_t>(std::max(0.f, cx / static_cast<float>(cellW)));
        if (row < g.shownSets && cx >= 0 && m.x < origin.x + static_cast<float>(cellsEnd) && way < l.firstWay + l.shownWays) {
            const WayCell& c = g.cell(row, way);
            if (c.tlb)  // a TLB entry: whose translation, of which page, to which frame
                ImGui::SetTooltip("%s set %u way %u\nprocess %u, virtual page %s%s -> %s (physical %s)%s\nH hit, M miss (filled), "
                                  "E evicted",
                                  g.name.c_str(), g.firstSet + row, way, c.tlb->process, hex(c.tlb->virtualPage).c_str(),
                                  c.tlb->huge ? " (huge)" : "",
                                  c.tlb->frame ? ("frame " + std::to_string(*c.tlb->frame)).c_str() : "no frame (huge page)",
                                  hex(c.tlb->physicalBase).c_str(), c.nextVictim ? "\nnext victim" : "");
            else
                ImGui::SetTooltip("%s set %u way %u\n%s\ntag %s, line %s%s%s\nH hit, M miss (filled), E evicted, W written back",
                                  g.name.c_str(), g.firstSet + row, way, c.valid ? "valid" : "empty", hex(c.tag).c_str(),
                                  hex(c.lineAddress).c_str(), c.dirty ? ", dirty" : "", c.nextVictim ? "\nnext victim" : "");
        }
        if (ImGui::IsMouseClicked(0) && row < g.shownSets && cacheIndex != ~std::uint32_t{0}) {
            state.selectedSet = g.firstSet + row;
            state.selectedCache = cacheIndex;
        }
    }
}

/// Pixels a cache's grid needs to show all its sets (wrapped when wide), at the current width.
float gridNeed(const Cache& cache, float minCellEm = kLetterCellEm) {
    const GridGeometry geo = gridGeometry(ImGui::GetContentRegionAvail().x, minCellEm);
    const std::uint32_t rowsPerSet = (cache.ways() + geo.fitPerRow - 1) / geo.fitPerRow;
    return static_cast<float>(cache.sets()) * static_cast<float>(rowsPerSet * static_cast<std::uint32_t>(geo.rowH));
}

void drawCaches(AppState& state) {
    if (!beginPanel(state, "caches", "Cache grids")) {
        ImGui::End();
        return;
    }
    const Simulator& sim = state.player->session().simulator();
    const auto& caches = sim.hierarchy().caches();
    const ReferenceNarration* last = state.player->last() ? &*state.player->last() : nullptr;
    if (state.selectedSet) {
        if (ImGui::SmallButton("follow the current set")) state.selectedSet.reset();
        ImGui::SameLine();
    }
    ImGui::TextDisabled("H hit  M miss  E evicted  W written back  d dirty  yellow frame: next victim");
    // Height per cache: what its sets need if everything fits, else the small caches get what they
    // need and the others share the rest equally (they show a focus window and a minimap).
    const float header = ImGui::GetTextLineHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y * 3 + 2;
    const float avail = ImGui::GetContentRegionAvail().y;
    std::vector<float> need(caches.size()), give(caches.size(), 0.f);
    for (std::size_t c = 0; c < caches.size(); ++c) need[c] = header + gridNeed(caches[c]);
    float left = avail;
    std::size_t unplaced = caches.size();
    for (bool changed = true; changed && unplaced > 0;) {
        changed = false;
        const float share = left / static_cast<float>(unplaced);
        for (std::size_t c = 0; c < caches.size(); ++c)
            if (give[c] == 0.f && need[c] <= share) {
                give[c] = need[c];
                left -= need[c];
                --unplaced;
                changed = true;
            }
    }
    for (std::size_t c = 0; c < caches.size(); ++c)
        if (give[c] == 0.f) give[c] = left / static_cast<float>(std::max<std::size_t>(unplaced, 1));
    for (std::uint32_t c = 0; c < caches.size(); ++c) {
        const Cache& cache = caches[c];
        const float perCache = give[c];
        const std::optional<std::uint32_t> sel = state.selectedCache == c ? state.selectedSet : std::nullopt;
        ImGui::Text("%s  %s, %u sets x %u ways, %u B lines, %s", cache.name().c_str(), formatSize(cache.config().size).c_str(),
                    cache.sets(), cache.ways(), static_cast<unsigned>(cache.config().lineSize), cache.config().replacement.c_str());
        ImGui::SameLine();
        ImGui::TextDisabled("(tag | %u set bits | %u offset bits)", cache.layout().setBits(), cache.layout().lineBits());
        drawGrid(state, "cache " + cache.name(), cache.ways(), c, perCache - header,
                 [&](std::uint32_t rows) { return buildCacheGrid(cache, c, last, rows, sel); });
        ImGui::Spacing();
    }
    ImGui::End();
}

// ---- TLBs and page table -------------------------------------------------------------------------

void drawTlb(AppState& state) {
    if (!beginPanel(state, "tlb", "TLBs and page table")) {
        ImGui::End();
        return;
    }
    const Simulator& sim = state.player->session().simulator();
    const Mmu* mmu = sim.mmu();
    if (mmu == nullptr) {
        ImGui::TextWrapped("No MMU in this config: addresses go to the caches untranslated. Open a config with an "
                           "\"mmu\" (e.g. configs/teaching-paging.json) to see TLBs and the page walk.");
        ImGui::End();
        return;
    }
    const ReferenceNarration* last = state.player->last() ? &*state.player->last() : nullptr;
    const MmuConfig& mc = mmu->config();
    std::string bits;
    for (const std::uint32_t b : mc.bitsPerLevel) bits += (bits.empty() ? "" : " + ") + std::to_string(b);
    ImGui::TextWrapped("pages of %s, %s index bits per level (root first) + %u offset bits; %llu frames",
                formatSize(mc.pageSize).c_str(), bits.c_str(), static_cast<unsigned>(std::countr_zero(mc.pageSize)),
                static_cast<unsigned long long>(mc.frames()));
    const MmuStats& st = mmu->stats();
    const std::string fromFiles =  // file major faults read storage too (docs/mmap.md)
        mmu->pageCache().empty() ? "" : ", from files " + std::to_string(st.fileMajorFaults);
    ImGui::TextWrapped("walks %llu, page faults %llu (major %llu%s), resident pages %llu (peak %llu), "
                "page-table pages %llu",
                static_cast<unsigned long long>(st.walks), static_cast<unsigned long long>(st.pageFaults),
                static_cast<unsigned long long>(st.majorFaults), fromFiles.c_str(),
                static_cast<unsigned long long>(st.residentPages),
                static_cast<unsigned long long>(st.residentPagesPeak), static_cast<unsigned long long>(st.pageTablePages));
    if (!mmu->pageCache().empty())  // file-backed regions (docs/mmap.md): faults that read storage
        ImGui::TextWrapped("files: major faults %llu (readahead %llu pages read, %llu used), minor faults %llu, "
                    "page cache %llu pages, %s read from storage, %s copied by read()",
                    static_cast<unsigned long long>(st.fileMajorFaults),
                    static_cast<unsigned long long>(st.readaheadPagesRead),
                    static_cast<unsigned long long>(st.readaheadPagesUsed),
                    static_cast<unsigned long long>(st.minorFaults),
                    static_cast<unsigned long long>(mmu->pageCache().pages()), formatSize(st.storageBytesRead).c_str(),
                    formatSize(st.bytesCopied).c_str());
    const bool processes = runsProcesses(state.player->session());
    if (processes)  // docs/mmu.md, "Processes"
        ImGui::TextWrapped("process %u running; context switches %llu, TLB entries flushed %llu", unsigned{sim.process()},
                    static_cast<unsigned long long>(sim.contextSwitches()),
                    static_cast<unsigned long long>(st.tlbEntriesFlushed));
    if (!mmu->tlbs().empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("TLB cells: %s", processes ? "pN = the entry's process, then its page number" : "page numbers");
        ImGui::PopStyleColor();
    }
    for (std::uint32_t t = 0; t < mmu->tlbs().size(); ++t) {
        const Cache& tlb = mmu->tlbs()[t];
        ImGui::Text("%s  %u entries, %u sets x %u ways, %s%s", tlb.name().c_str(), tlb.sets() * tlb.ways(), tlb.sets(),
                    tlb.ways(), tlb.config().replacement.c_str(),
                    t < sim.config().tlbs.size() && sim.config().tlbs[t].asid ? ", asid" : "");
        // At most 16 rows each (a fully associative TLB of hundreds of entries wraps, then windows).
        const float cellEm = processes ? kProcessCellEm : kLetterCellEm;  // room for "H p1"
        const float rows = std::min(16.f, std::max(1.f, gridNeed(tlb, cellEm) / std::floor(ImGui::GetFontSize() * 1.35f)));
        drawGrid(state, "tlb " + tlb.name(), tlb.ways(), ~std::uint32_t{0}, rows * std::floor(ImGui::GetFontSize() * 1.35f),
                 [&](std::uint32_t focusSets) { return buildTlbGrid(*mmu, t, last, focusSets, processes); }, cellEm);
    }
    // Physical frames: the page each holds (D dirty, R referenced), the next victim outlined.
    {
        const FrameStrip strip = buildFrameStrip(*mmu, 64);
        ImGui::TextWrapped("frames: %llu of %llu in use%s (%svirtual page; D dirty, R referenced, ^ clock hand)",
                    static_cast<unsigned long long>(strip.inUse), static_cast<unsigned long long>(strip.frames),
                    strip.frames > strip.cells.size() ? " (the first 64 shown)" : "", processes ? "pN owner, " : "");
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float fs = ImGui::GetFontSize();
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        const float cellW = fs * (processes ? 7.5f : 6.5f), cellH = fs * 1.4f;
        const auto perRow = static_cast<std::size_t>(std::max(1.f, ImGui::GetContentRegionAvail().x / cellW));
        for (std::size_t f = 0; f < strip.cells.size(); ++f) {
            const FrameCell& c = strip.cells[f];
            const ImVec2 a(origin.x + static_cast<float>(f % perRow) * cellW, origin.y + static_cast<float>(f / perRow) * cellH);
            const ImVec2 b(a.x + cellW - 2, a.y + cellH - 2);
            dl->AddRectFilled(a, b, col(c.resident ? palette::kValid : palette::kInvalid));
            if (c.nextVictim) dl->AddRect(ImVec2(a.x + 1, a.y + 1), ImVec2(b.x - 1, b.y - 1), col(palette::kVictim), 0, 0, 2);
            std::string t = c.hand ? "^" : "";
            if (c.resident && processes) t += "p" + std::to_string(c.owner) + " ";
            if (c.resident) t += hex(c.virtualPageNumber) + (c.dirty ? " D" : "") + (c.referenced.value_or(false) ? " R" : "");
            const ImVec4 clip(a.x, a.y, b.x - 1, b.y);
            dl->AddText(nullptr, 0, ImVec2(a.x + fs * 0.3f, a.y + (cellH - 2 - fs) / 2), col(palette::kText), t.c_str(),
                        nullptr, 0, &clip);
            if (ImGui::IsMouseHoveringRect(a, b))
                ImGui::SetTooltip("frame %zu: %s", f,
                                  c.resident ? ("virtual page " + hex(c.virtualPageNumber) + ", owner " +
                                                std::to_string(c.owner) + (c.dirty ? ", dirty" : ", clean"))
                                                   .c_str()
                                             : "free");
        }
        const std::size_t rows = (strip.cells.size() + perRow - 1) / perRow;
        ImGui::Dummy(ImVec2(static_cast<float>(std::min(perRow, strip.cells.size())) * cellW,
                            static_cast<float>(rows) * cellH));
    }
    ImGui::Separator();
    if (last == nullptr) {
        ImGui::TextUnformatted("The last reference's translation shows here.");
    } else {
        for (const Piece& p : last->pieces) {
            if (!p.translation) continue;
            const Translation& tr = *p.translation;
            ImGui::Text("virtual %s = page %s | offset %s  ->  physical %s", hex(p.virtualAddress).c_str(),
                        hex(tr.pageNumber).c_str(), hex(tr.offset).c_str(), hex(p.physicalAddress).c_str());
            if (tr.walk.empty()) ImGui::TextColored(colv(palette::kHit), "no walk: a TLB held the translation");
            for (const WalkStep& w : tr.walk)
                ImGui::Text("  level %u: index %llu (%u bits) in the table at %s, entry at %s, served by %s", w.level,
                            static_cast<unsigned long long>(w.index),
                            w.level < mc.bitsPerLevel.size() ? mc.bitsPerLevel[w.level] : 0u, hex(w.tableAddress).c_str(),
                            hex(w.pteAddress).c_str(), w.servedByName.c_str());
            if (tr.fault)
                ImGui::TextColored(colv(palette::kMiss), "  page fault (%s): frame %u%s", tr.fault->major ? "major" : "minor",
                                   tr.fault->frame,
                                   tr.fault->evicted ? (", evicting page " + hex(tr.fault->evictedPage) +
                                                        (tr.fault->evictedDirty ? " (dirty: written out)" : ""))
                                                           .c_str()
                                                     : "");
        }
    }
    ImGui::End();
}

// ---- segments ------------------------------------------------------------------------------------

const char* segmentStateName(SegmentState st) {
    switch (st) {
        case SegmentState::NotLoaded: return "not loaded";
        case SegmentState::Present: return "present";
        case SegmentState::SwappedOut: return "swapped out";
        case SegmentState::Mapped: return "mapped";
    }
    return "";
}

/// A segment's colour: its process's, lighter and darker for alternate segments of the table.
Rgb segmentColour(std::uint32_t process, std::size_t index) {
    return blend(okabe_ito::kBlack, processColour(process), index % 2 == 0 ? 255 : 185);
}

void drawSegments(AppState& state) {
    if (!beginPanel(state, "segments", "Segments")) {
        ImGui::End();
        return;
    }
    const Simulator& sim = state.player->session().simulator();
    const std::optional<SegmentsView> view = buildSegmentsView(sim);
    if (!view) {
        ImGui::TextWrapped("No segments in this config: open one whose mmu has \"mode\": \"segmentation\" or "
                           "\"segmented-paging\", or \"protection\": true (e.g. configs/teaching-segmentation.json "
                           "with traces/segments.trace).");
        ImGui::End();
        return;
    }
    const SegmentsView& v = *view;
    const SegmentationStats& st = v.stats;
    const bool placing = v.mode == MmuMode::Segmentation;
    if (placing) {
        ImGui::Text("mode segmentation, %s-fit placement in %s", std::string(toString(v.placement)).c_str(),
                    formatSize(v.physicalMemory).c_str());
        ImGui::TextWrapped("placements %llu, swap-outs %llu, compactions %llu (%s bytes moved), faults %llu",
                           static_cast<unsigned long long>(st.placements), static_cast<unsigned long long>(st.swapOuts),
                           static_cast<unsigned long long>(st.compactions), withThousands(st.bytesMoved).c_str(),
                           static_cast<unsigned long long>(st.faults));
    } else {
        ImGui::TextWrapped("mode %s%s; references checked %llu, faults %llu", std::string(toString(v.mode)).c_str(),
                           v.mode == MmuMode::Paging ? ", protection on" : "", static_cast<unsigned long long>(st.checked),
                           static_cast<unsigned long long>(st.faults));
    }
    const float fs = ImGui::GetFontSize();
    if (placing && v.physicalMemory > 0) {
        // Physical memory: address to the right, each block as wide as its size.
        ImGui::Text("physical memory: %s free in %zu hole%s, the largest %s", formatSize(v.freeBytes).c_str(),
                    static_cast<std::size_t>(std::count_if(v.memory.begin(), v.memory.end(), [](const MemoryBlock& b) { return b.hole; })),
                    std::count_if(v.memory.begin(), v.memory.end(), [](const MemoryBlock& b) { return b.hole; }) == 1 ? "" : "s",
                    formatSize(v.largestHole).c_str());
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 o = ImGui::GetCursorScreenPos();
        const float w = std::max(10.f, ImGui::GetContentRegionAvail().x - 2), h = std::floor(fs * 2.2f);
        const auto xOf = [&](std::uint64_t a) {
            return o.x + std::floor(static_cast<float>(static_cast<double>(a) / static_cast<double>(v.physicalMemory) * w));
        };
        for (const MemoryBlock& b : v.memory) {
            const ImVec2 a(xOf(b.base), o.y), e(std::max(xOf(b.base + b.size), xOf(b.base) + 1), o.y + h);
            const Rgb fill = b.hole ? palette::kInvalid : segmentColour(b.process, v.rows[b.row].index);
            dl->AddRectFilled(a, e, col(fill));
            dl->AddRect(a, e, col(okabe_ito::kBlack));
            std::string label = b.hole ? "hole" : "p" + std::to_string(b.process) + " " + v.rows[b.row].segment.name;
            const std::string size = formatSize(b.size);
            const ImVec4 clip(a.x + 1, a.y, e.x - 1, e.y);
            const Rgb ink = b.hole ? palette::kDimText : okabe_ito::kBlack;
            dl->AddText(nullptr, 0, ImVec2(a.x + 3, a.y + 1), col(ink), label.c_str(), nullptr, 0, &clip);
            dl->AddText(nullptr, 0, ImVec2(a.x + 3, a.y + h - fs - 1), col(ink), size.c_str(), nullptr, 0, &clip);
            if (ImGui::IsMouseHoveringRect(a, e))
                ImGui::SetTooltip("%s\n[%s, %s): %s", b.hole ? "a hole (free)" : ("process " + std::to_string(b.process) + ", segment " + v.rows[b.row].segment.name).c_str(),
                                  hex(b.base).c_str(), hex(b.base + b.size).c_str(), size.c_str());
        }
        // The address axis: both ends and every block's start that has room.
        float lastEnd = -1e9f;
        for (const MemoryBlock& b : v.memory) {
            const std::string t = hex(b.base);
            const float x = xOf(b.base);
            if (x < lastEnd + fs * 0.5f) continue;
            dl->AddText(ImVec2(x, o.y + h + 1), col(palette::kDimText), t.c_str());
            lastEnd = x + ImGui::CalcTextSize(t.c_str()).x;
        }
        const std::string top = hex(v.physicalMemory);
        const float tw = ImGui::CalcTextSize(top.c_str()).x;
        if (o.x + w - tw > lastEnd + fs * 0.5f) dl->AddText(ImVec2(o.x + w - tw, o.y + h + 1), col(palette::kDimText), top.c_str());
        ImGui::Dummy(ImVec2(w, h + fs + 4));
    }
    // One table per process.
    for (std::uint32_t p = 0; p < v.processes; ++p) {
        if (v.processes > 1) {
            ImGui::PushStyleColor(ImGuiCol_Text, colv(processColour(p)));
            ImGui::Text("process %u", p);
            ImGui::PopStyleColor();
        }
        ImGui::PushID(static_cast<int>(p));
        if (ImGui::BeginTable("segments", placing ? 8 : 7, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
            for (const char* h : {"segment", "start", "limit", "perm", placing ? "physical base" : v.mode == MmuMode::SegmentedPaging ? "linear base" : "-"})
                ImGui::TableSetupColumn(h);
            if (placing) ImGui::TableSetupColumn("state");
            ImGui::TableSetupColumn("references");
            ImGui::TableSetupColumn("loads");
            ImGui::TableHeadersRow();
            for (const SegmentRow& r : v.rows) {
                if (r.process != p) continue;
                const SegmentView& sv = r.segment;
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                if (placing) {
                    const ImVec2 a = ImGui::GetCursorScreenPos();
                    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(a.x, a.y + 2), ImVec2(a.x + fs * 0.7f, a.y + fs),
                                                              col(segmentColour(r.process, r.index)));
                    ImGui::Dummy(ImVec2(fs * 0.8f, fs));
                    ImGui::SameLine();
                }
                ImGui::TextUnformatted(sv.name.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(hex(sv.start).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(formatSize(sv.limit).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(permissionsString(sv.permissions).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(sv.base && v.mode != MmuMode::Paging ? hex(*sv.base).c_str() : "-");
                if (placing) {
                    ImGui::TableNextColumn();
                    const Rgb c = r.state == SegmentState::Present ? palette::kHit : r.state == SegmentState::SwappedOut ? palette::kMiss : palette::kDimText;
                    ImGui::TextColored(colv(c), "%s", segmentStateName(r.state));
                }
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(withThousands(sv.references).c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(withThousands(sv.loads).c_str());
            }
            ImGui::EndTable();
        }
        ImGui::PopID();
    }
    // The events up to now (placements, swap-outs, compactions, faults), the latest last.
    if (state.segments) {
        const std::vector<SegmentEvent>& events = state.segments->events();
        const std::size_t n = state.segments->before(state.player->position());
        ImGui::Text("events so far: %zu of %zu%s", n, events.size(), state.segments->truncated() ? " (the first ones only)" : "");
        if (ImGui::BeginChild("segment events", ImVec2(0, std::max(fs * 4, ImGui::GetContentRegionAvail().y)), true)) {
            const std::size_t first = n > 500 ? n - 500 : 0;  // the latest 500
            for (std::size_t i = first; i < n; ++i) {
                const SegmentEvent& e = events[i];
                const Rgb c = e.kind == SegmentEvent::Kind::Placed ? palette::kText
                              : e.kind == SegmentEvent::Kind::Fault ? palette::kMiss
                                                                     : okabe_ito::kOrange;
                ImGui::TextColored(colv(c), "%s", describeSegmentEvent(e).c_str());
            }
            if (n != state.segmentEventsShown) ImGui::SetScrollHereY(1.0f);  // the latest in view after every move
            state.segmentEventsShown = n;
        }
        ImGui::EndChild();
    }
    ImGui::End();
}

// ---- access inspector --------------------------------------------------------------------------

void drawInspector(AppState& state) {
    if (!beginPanel(state, "inspector", "Access inspector")) {
        ImGui::End();
        return;
    }
    Player& p = *state.player;
    const bool hidden = state.quiz.enabled() && state.quiz.prediction();
    if (!p.last()) {
        ImGui::TextWrapped("Nothing simulated yet: press Step (Right arrow) or Run (Space).");
    } else if (!hidden) {
        const InspectorView v = buildInspector(*p.last(), p.session().simulator());
        ImGui::TextUnformatted(v.title.c_str());
        if (!v.element.empty() || !v.statement.empty()) {
            ImGui::SameLine();
            ImGui::TextColored(colv(okabe_ito::kSkyBlue), "%s  %s", v.element.c_str(), v.statement.c_str());
        }
        if (!v.splits.empty() && ImGui::BeginTable("split", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
            ImGui::TableSetupColumn("level");
            ImGui::TableSetupColumn("tag");
            ImGui::TableSetupColumn("set (bits)");
            ImGui::TableSetupColumn("offset (bits)");
            ImGui::TableSetupColumn("line");
            ImGui::TableHeadersRow();
            for (const AddressSplit& s : v.splits) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(s.level.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(hex(s.tag).c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%u (%u)", s.set, s.setBits);
                ImGui::TableNextColumn();
                ImGui::Text("%s (%u)", hex(s.offset).c_str(), s.offsetBits);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(hex(s.address >> s.offsetBits << s.offsetBits).c_str());
            }
            ImGui::EndTable();
        }
        for (const Sentence& s : v.path) {
            const Rgb c = s.tone == Sentence::Tone::Hit ? palette::kHit : s.tone == Sentence::Tone::Miss ? palette::kMiss : palette::kText;
            ImGui::Indent(static_cast<float>(s.depth + 1) * ImGui::GetFontSize());
            ImGui::PushStyleColor(ImGuiCol_Text, colv(c));
            ImGui::TextWrapped("%s", s.text.c_str());
            ImGui::PopStyleColor();
            ImGui::Unindent(static_cast<float>(s.depth + 1) * ImGui::GetFontSize());
        }
        ImGui::Text("%s", v.outcome.c_str());
        for (const std::string& m : v.missClasses) {
            ImGui::SameLine();
            ImGui::TextColored(colv(okabe_ito::kOrange), "[%s]", m.c_str());
        }
        for (const std::string& e : v.events) ImGui::TextWrapped("%s", e.c_str());  // msync after it
    }
    if (!p.atEnd()) {
        const Access next = p.session().referenceAt(p.position());
        ImGui::Separator();
        ImGui::TextDisabled("next: %s", describeNext(next, elementOf(p.session().processMetadata(next.process), next.address)).c_str());
    }
    ImGui::End();
}

// ---- quiz ----------------------------------------------------------------------------------------

void drawQuiz(AppState& state) {
    if (!beginPanel(state, "quiz", "Quiz")) {
        ImGui::End();
        return;
    }
    Player& p = *state.player;
    bool on = state.quiz.enabled();
    if (ImGui::Checkbox("quiz mode", &on)) state.quiz.setEnabled(on);
    ImGui::SameLine();
    ImGui::Text("score %u / %u", state.quiz.correct(), state.quiz.asked());
    ImGui::SameLine();
    if (ImGui::SmallButton("reset score")) state.quiz.resetScore();
    if (on && !p.atEnd()) {
        const Access next = p.session().referenceAt(p.position());
        ImGui::TextWrapped("Next: %s. Where will its data come from?",
                           describeNext(next, elementOf(p.session().processMetadata(next.process), next.address)).c_str());
        const auto& caches = p.session().simulator().hierarchy().caches();
        for (std::uint32_t c = 0; c <= caches.size(); ++c) {
            const std::uint32_t answer = c < caches.size() ? c : Quiz::kMemory;
            const std::string label = c < caches.size() ? caches[c].name() + " hit" : std::string("memory");
            if (c > 0) ImGui::SameLine();
            if (ImGui::Button(label.c_str())) {
                state.quiz.predict(answer);
                p.step();
                if (p.last()) state.quiz.judge(*p.last());
            }
        }
        if (const auto& a = state.quiz.lastAnswer()) {
            auto name = [&](std::uint32_t i) { return i < caches.size() ? caches[i].name() : std::string("memory"); };
            const bool right = a->first == a->second;
            ImGui::TextColored(colv(right ? palette::kHit : palette::kMiss), "%s you said %s, it came from %s",
                               right ? "Right:" : "Not quite:", name(a->first).c_str(), name(a->second).c_str());
        }
    }
    ImGui::End();
}

// ---- tensor view -------------------------------------------------------------------------------

void legendChip(Rgb c, const char* label) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 a = ImGui::GetCursorScreenPos();
    const float s = ImGui::GetFontSize();
    dl->AddRectFilled(ImVec2(a.x, a.y + 2), ImVec2(a.x + s - 2, a.y + s), col(c));
    ImGui::Dummy(ImVec2(s, s));
    ImGui::SameLine();
    ImGui::TextUnformatted(label);
    ImGui::SameLine();
}

Rgb residenceColour(std::uint8_t r) {
    if (r == kResidenceMemory) return palette::kMemory;
    if (r == kResidenceNever) return palette::kNeverTouched;
    return levelColour(r);
}

void drawTensors(AppState& state) {
    if (!beginPanel(state, "tensors", "Tensor view")) {
        ImGui::End();
        return;
    }
    const Session& s = state.player->session();
    if (!state.touches) {
        ImGui::TextWrapped("This trace has no tensors (no region metadata): run a kernel to see them.");
        ImGui::End();
        return;
    }
    const ReferenceNarration* last = state.player->last() ? &*state.player->last() : nullptr;
    const std::vector<TensorGrid> grids = buildTensorGrids(s, *state.touches, last);
    const Hierarchy& h = s.simulator().hierarchy();
    std::uint32_t levels = 0;
    for (std::uint32_t c = 0; c < h.caches().size(); ++c) levels = std::max(levels, h.level(c));
    for (std::uint32_t l = 1; l <= levels; ++l) legendChip(levelColour(l), ("L" + std::to_string(l)).c_str());
    legendChip(palette::kMemory, "memory");
    legendChip(palette::kNeverTouched, "never touched");
    ImGui::NewLine();
    if (s.simulator().mmu() != nullptr)
        ImGui::TextDisabled("(with an MMU: translated through the resident pages; a page not resident is memory)");
    if (grids.empty()) {
        ImGui::TextUnformatted("No tensors with a shape in this trace.");
        ImGui::End();
        return;
    }
    const float fs = ImGui::GetFontSize();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImVec2 start = pixelCursor();
    const int width = std::max(1, static_cast<int>(avail.x));
    const int colW = width / static_cast<int>(grids.size());
    const int gridTop = static_cast<int>(fs * 2.6f);
    PanelCanvas& pc = canvasFor(state, "tensors");
    Canvas& cv = pc.draw;
    // The height the tallest tensor needs at the cell size its column allows.
    std::vector<int> cells(grids.size());
    int usedH = gridTop + 1;
    for (std::size_t t = 0; t < grids.size(); ++t) {
        const TensorGrid& g = grids[t];
        cells[t] = std::max(1, static_cast<int>(std::floor(std::min((static_cast<float>(colW) - fs) / static_cast<float>(g.cols),
                                                                    (avail.y - fs * 2.8f) / static_cast<float>(g.rows)))));
        usedH = std::max(usedH, gridTop + cells[t] * static_cast<int>(g.rows) + 2);
    }
    cv.resize(width, usedH);
    cv.clear(styleColour(ImGuiCol_WindowBg));
    ImFont* font = ImGui::GetFont();
    for (std::size_t t = 0; t < grids.size(); ++t) {
        const TensorGrid& g = grids[t];
        const int x0 = static_cast<int>(t) * colW;
        const int cell = cells[t];
        const PixelRect column{x0, 0, colW, usedH};
        char head[96];
        std::snprintf(head, sizeof head, "%s  %ux%u", g.name.c_str(), g.rows, g.cols);
        canvasText(cv, font, x0, 0, palette::kText, head, column);
        std::snprintf(head, sizeof head, "%s misses %llu / %llu", h.firstDataCache() != Hierarchy::kMemory
                          ? h.caches()[h.firstDataCache()].name().c_str() : "L1",
                      static_cast<unsigned long long>(g.misses), static_cast<unsigned long long>(g.accesses));
        if (h.attributing())  // per statement counts: a single source's sites (a --mix has none)
            canvasText(cv, font, x0, static_cast<int>(fs * 1.2f), palette::kDimText, head, column);
        const int gap = cell >= 4 ? 1 : 0;
        for (std::uint32_t r = 0; r < g.rows; ++r) {
            for (std::uint32_t c = 0; c < g.cols; ++c) {
                const std::size_t e = std::size_t{r} * g.cols + c;
                const int x = x0 + static_cast<int>(c) * cell, y = gridTop + static_cast<int>(r) * cell;
                cv.fillRect({x, y, cell - gap, cell - gap}, residenceColour(g.residence[e]));
                if (g.lineStart[e] && c != 0 && cell >= 3)  // a cache-line boundary: a dark tick on the left
                    cv.fillRect({x - 1, y, std::max(1, gap + 1), cell}, okabe_ito::kBlack);
            }
        }
        const int w = cell * static_cast<int>(g.cols), hgt = cell * static_cast<int>(g.rows);
        if (g.tile > 0) {
            for (std::uint32_t k = g.tile; k < g.cols; k += g.tile)
                cv.fillRect({x0 + static_cast<int>(k) * cell - 1, gridTop, 2, hgt}, okabe_ito::kYellow);
            for (std::uint32_t k = g.tile; k < g.rows; k += g.tile)
                cv.fillRect({x0, gridTop + static_cast<int>(k) * cell - 1, w, 2}, okabe_ito::kYellow);
        }
        if (g.current) {
            const int x = x0 + static_cast<int>(g.current->second) * cell, y = gridTop + static_cast<int>(g.current->first) * cell;
            cv.strokeRect({x - 2, y - 2, cell + 3, cell + 3}, cell >= 6 ? 2 : 1, {255, 255, 255});
        }
    }
    showCanvas(state.textures, pc);
    // Tooltip for the hovered element.
    const ImVec2 m = ImGui::GetMousePos();
    if (ImGui::IsItemHovered() && colW > 0) {
        const auto t = static_cast<std::size_t>(std::max(0.f, (m.x - start.x) / static_cast<float>(colW)));
        if (t < grids.size()) {
            const TensorGrid& g = grids[t];
            const float gx = m.x - start.x - static_cast<float>(static_cast<int>(t) * colW), gy = m.y - start.y - static_cast<float>(gridTop);
            const auto r = static_cast<std::uint32_t>(std::max(0.f, gy) / static_cast<float>(cells[t]));
            const auto c = static_cast<std::uint32_t>(std::max(0.f, gx) / static_cast<float>(cells[t]));
            if (gx >= 0 && gy >= 0 && r < g.rows && c < g.cols) {
                const std::uint8_t res = g.residence[std::size_t{r} * g.cols + c];
                const std::string where = res == kResidenceMemory ? "memory only"
                                          : res == kResidenceNever ? "never touched"
                                                                     : "fastest level: L" + std::to_string(res);
                ImGui::SetTooltip("%s element (%u, %u): %s", g.name.c_str(), r, c, where.c_str());
            }
        }
    }
    ImGui::End();
}

// ---- statistics -----------------------------------------------------------------------------------

void drawStats(AppState& state) {
    if (!beginPanel(state, "stats", "Statistics")) {
        ImGui::End();
        return;
    }
    const Session& s = state.player->session();
    const StatsTable table = buildStatsTable(s);
    if (ImGui::Button("Copy as CSV")) ImGui::SetClipboardText(statsCsv(table).c_str());
    tooltip("Per level and per statement, as CSV on the clipboard");
    if (ImGui::BeginTable("levels", 8, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
        for (const char* h : {"level", "accesses", "misses", "hit rate", "compulsory", "capacity", "conflict", "write-backs"})
            ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (const LevelRow& r : table.levels) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.name.c_str());
            for (std::uint64_t v : {r.accesses, r.misses}) {
                ImGui::TableNextColumn();
                ImGui::Text("%llu", static_cast<unsigned long long>(v));
            }
            ImGui::TableNextColumn();
            ImGui::Text("%.1f%%", 100.0 * r.hitRate());
            for (std::uint64_t v : {r.compulsory, r.capacity, r.conflict, r.writebacks}) {
                ImGui::TableNextColumn();
                ImGui::Text("%llu", static_cast<unsigned long long>(v));
            }
        }
        ImGui::EndTable();
    }
    ImGui::Text("AMAT %.2f cycles per reference", s.simulator().amat());
    for (std::uint32_t c = 0; c < s.simulator().hierarchy().caches().size(); ++c) {
        const std::vector<float> rates = state.timeline.hitRates(c);
        if (rates.empty()) continue;
        const std::string label = s.simulator().hierarchy().caches()[c].name() + " hit rate";
        ImGui::TextUnformatted(label.c_str());
        // ImGui 1.86: PlotLines with width -1 draws nothing; pass the width.
        ImGui::PlotLines(("##" + label).c_str(), rates.data(), static_cast<int>(rates.size()), 0, nullptr, 0.f, 1.f,
                         ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 3));
    }
    if (!table.statements.empty() && ImGui::BeginTable("sites", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("statement");
        ImGui::TableSetupColumn("accesses");
        ImGui::TableSetupColumn("misses (first level)");
        ImGui::TableHeadersRow();
        for (const StatementRow& r : table.statements) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.name.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%llu", static_cast<unsigned long long>(r.accesses));
            ImGui::TableNextColumn();
            ImGui::Text("%llu", static_cast<unsigned long long>(r.misses));
        }
        ImGui::EndTable();
    }
    ImGui::End();
}

// ---- address heat-map ---------------------------------------------------------------------------

void drawHeatmap(AppState& state) {
    if (!beginPanel(state, "heatmap", "Address heat-map")) {
        ImGui::End();
        return;
    }
    const HeatMap& h = state.heat;
    const std::uint64_t position = state.player->position();
    ImGui::Checkbox("references per address bin so far", &state.heatLineCounts);
    tooltip("Instead of address against time: how often each address bin was referenced up to now");
    ImGui::SameLine();
    ImGui::TextDisabled("%u x %u bins; address upward (%s .. %s)%s", h.timeBins(), h.addressBins(), hex(h.low()).c_str(),
                        hex(h.high()).c_str(), state.heatLineCounts ? "" : "; time to the right, the white line is now");
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float fs = ImGui::GetFontSize();
    const float labelW = std::floor(fs * 4);
    const ImVec2 o = pixelCursor();
    const ImVec2 size(std::max(1.f, std::floor(avail.x - labelW)), std::max(1.f, std::floor(avail.y - fs * 0.5f)));
    // One texel per bin, stretched over the panel (nearest texel): the texture changes only when
    // a new time bin comes into view.
    PanelCanvas& pc = canvasFor(state, "heatmap");
    const Rgb bg = styleColour(ImGuiCol_WindowBg);
    if (state.heatLineCounts)
        paintLineCounts(pc.draw, h, position, static_cast<int>(size.x), okabe_ito::kOrange, bg);
    else
        paintHeatMap(pc.draw, h, position, okabe_ito::kOrange, bg);
    ImGui::SetCursorScreenPos(ImVec2(o.x + labelW, o.y));
    showCanvas(state.textures, pc, size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float ch = size.y / static_cast<float>(std::max(h.addressBins(), 1u));
    // Tensor names at their address range.
    if (const TraceMetadata* meta = state.player->session().metadata())
        for (const Region& r : meta->regions) {
            if (r.shape.empty() || r.base < h.low() || r.base >= h.high()) continue;
            const float y = o.y + size.y - static_cast<float>(h.addressBinOf(r.base)) * ch;
            dl->AddLine(ImVec2(o.x + labelW, y), ImVec2(o.x + labelW + size.x, y), col(palette::kDimText, 120));
            dl->AddText(ImVec2(o.x, y - fs), col(palette::kText), r.name.c_str());
        }
    if (!state.heatLineCounts) {
        const float x = o.x + labelW + (h.length() == 0 ? 0.f : static_cast<float>(position) / static_cast<float>(h.length()) * size.x);
        dl->AddLine(ImVec2(x, o.y), ImVec2(x, o.y + size.y), col(palette::kText), 1.5f);
    }
    ImGui::End();
}

// ---- scene: kernel and config pickers ---------------------------------------------------------------

void resetKernelParams(AppState& state) {
    const KernelInfo& k = kernels()[static_cast<std::size_t>(state.kernelIndex)];
    state.kernelParams.clear();
    for (const KernelParamSpec& p : k.params) state.kernelParams.push_back(p.defaultValue);
}

void drawScene(AppState& state) {
    if (!beginPanel(state, "scene", "Scene")) {
        ImGui::End();
        return;
    }
    if (state.configPath[0] == '\0')
        std::snprintf(state.configPath.data(), state.configPath.size(), "%s", state.scene.configPath.c_str());
    ImGui::InputText("config", state.configPath.data(), state.configPath.size());
    ImGui::SameLine();
    presetCombo("##presets", state.sourceDir, state.configPath);
    if (state.mixSources[0] == '\0' && !state.scene.source.mix.empty()) {  // the open mix, to edit
        std::string text;
        for (const std::string& m : state.scene.source.mix) text += m + "\n";
        std::snprintf(state.mixSources.data(), state.mixSources.size(), "%s", text.c_str());
        state.mixQuantum = static_cast<int>(std::min<std::uint64_t>(state.scene.source.quantum, 1u << 30));
        state.useMix = true;
    }
    int kind = state.useMix ? 2 : state.useTrace ? 1 : 0;
    ImGui::RadioButton("kernel", &kind, 0);
    ImGui::SameLine();
    ImGui::RadioButton("trace file", &kind, 1);
    ImGui::SameLine();
    ImGui::RadioButton("mix of processes", &kind, 2);
    tooltip("Several sources as processes 0, 1, ..., round-robin, a quantum of references a turn (run --mix, docs/mmu.md)");
    state.useTrace = kind == 1;
    state.useMix = kind == 2;
    if (state.useMix) {
        ImGui::TextDisabled("one source a line: a trace file or KERNEL:name=value,... (as run --mix)");
        ImGui::InputTextMultiline("sources", state.mixSources.data(), state.mixSources.size(),
                                  ImVec2(-ImGui::GetFontSize() * 5, ImGui::GetFontSize() * 4.5f));
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        ImGui::InputInt("quantum", &state.mixQuantum);
        tooltip("References per turn (--quantum), at least 1");
    } else if (state.useTrace) {
        ImGui::InputText("trace", state.tracePath.data(), state.tracePath.size());
    } else {
        const auto& ks = kernels();
        if (state.kernelParams.empty()) resetKernelParams(state);
        if (ImGui::BeginCombo("kernel", ks[static_cast<std::size_t>(state.kernelIndex)].name.c_str())) {
            for (std::size_t i = 0; i < ks.size(); ++i)
                if (ImGui::Selectable(ks[i].name.c_str(), state.kernelIndex == static_cast<int>(i))) {
                    state.kernelIndex = static_cast<int>(i);
                    resetKernelParams(state);
                }
            ImGui::EndCombo();
        }
        const KernelInfo& k = ks[static_cast<std::size_t>(state.kernelIndex)];
        for (std::size_t i = 0; i < k.params.size() && i < state.kernelParams.size(); ++i) {
            char buf[128];
            std::snprintf(buf, sizeof buf, "%s", state.kernelParams[i].c_str());
            ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
            if (ImGui::InputText(k.params[i].name.c_str(), buf, sizeof buf)) state.kernelParams[i] = buf;
            tooltip(k.params[i].description.c_str());
        }
    }
    if (ImGui::Button("Open")) {
        SceneSpec scene;
        scene.configPath = state.configPath.data();
        if (state.useMix) {
            std::vector<std::string> sources;
            std::istringstream lines(state.mixSources.data());
            for (std::string line; std::getline(lines, line);) {
                line.erase(0, line.find_first_not_of(" \t"));
                line.erase(line.find_last_not_of(" \t\r") + 1);
                if (!line.empty()) sources.push_back(line);
            }
            // A quantum below 1 reaches the session as 0, which refuses it with the command line's message.
            scene.source = SourceSpec::mixOf(std::move(sources), static_cast<std::uint64_t>(std::max(0, state.mixQuantum)));
            if (scene.source.mix.empty()) scene.source.mix.push_back("");  // mixItemSpec names the empty source
        } else if (state.useTrace) {
            scene.source = SourceSpec::file(state.tracePath.data());
        } else {
            const KernelInfo& k = kernels()[static_cast<std::size_t>(state.kernelIndex)];
            std::vector<std::string> params;
            for (std::size_t i = 0; i < k.params.size() && i < state.kernelParams.size(); ++i)
                params.push_back(k.params[i].name + "=" + state.kernelParams[i]);
            scene.source = SourceSpec::kernelRun(k.name, params);
        }
        openSceneInto(state, scene);
    }
    if (!state.error.empty()) ImGui::TextColored(colv(palette::kMiss), "%s", state.error.c_str());
    ImGui::End();
}

void drawMenu(AppState& state) {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("Panels")) {
        for (const std::string& name : panelNames()) ImGui::MenuItem(name.c_str(), nullptr, &state.open[name]);
        ImGui::Separator();
        if (ImGui::MenuItem("Tile open panels", "T")) state.tileAll = true;
        if (ImGui::MenuItem("Reset layout")) {
            state.tileAll = false;
            g_layout.apply = true;
        }
        ImGui::EndMenu();
    }
    ImGui::MenuItem("Presenter mode", nullptr, &state.presenter);
    ImGui::TextDisabled("  %s  |  %s", sceneSourceLabel(state.scene.source).c_str(),
                        std::filesystem::path(state.scene.configPath).filename().c_str());
    ImGui::EndMainMenuBar();
}

}  // namespace

void drawCacheGrid(AppState& state, const std::string& key, const CacheGrid& g, std::uint32_t cacheIndex, float height) {
    drawGrid(state, key, g.ways, cacheIndex, height, [&](std::uint32_t) { return g; });
}

bool openSceneInto(AppState& state, const SceneSpec& scene) {
    if (!openSceneInto(static_cast<SceneState&>(state), scene)) return false;
    state.editor.reset();
    state.compare.reset();
    state.compareSearch.clear();
    state.compareSearching = false;
    state.selectedSet.reset();
    state.selectedCache = 0;
    return true;
}

Fonts loadFonts() {
    Fonts f;
    ImGuiIO& io = ImGui::GetIO();
    const char* path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    // Latin-1 plus the punctuation, arrows and math signs the engine's texts use ("MRU→LRU", "A·B", "×").
    static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x2190, 0x21FF, 0x2200, 0x22FF, 0};
    if (std::filesystem::exists(path)) {
        // Glyphs rasterised at screen size on whole pixels (no 3x horizontal oversampling): every
        // glyph then maps texel for texel onto the screen, so the window samples the font atlas
        // with the nearest texel (cheaper under software rendering than bilinear filtering, for
        // every pixel ImGui fills) and the canvases copy glyphs without resampling.
        ImFontConfig cfg;
        cfg.OversampleH = 1;
        cfg.OversampleV = 1;
        cfg.PixelSnapH = true;
        f.regular = io.Fonts->AddFontFromFileTTF(path, 15.f, &cfg, ranges);
        f.presenter = io.Fonts->AddFontFromFileTTF(path, 26.f, &cfg, ranges);
    } else {
        f.regular = io.Fonts->AddFontDefault();
    }
    return f;
}

void applyStyle() {
    ImGui::StyleColorsDark();
    ImGuiStyle& s = ImGui::GetStyle();
    s.WindowRounding = 3;
    s.FrameRounding = 2;
    s.Colors[ImGuiCol_WindowBg].w = 1.f;  // opaque: floating panels must not show the text below
    s.Colors[ImGuiCol_PopupBg].w = 1.f;
    s.Colors[ImGuiCol_SliderGrab] = colv(okabe_ito::kSkyBlue);
    s.Colors[ImGuiCol_PlotLines] = colv(okabe_ito::kSkyBlue);
}

void handleKeys(AppState& state) {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput || !state.player) return;
    // 'T' is GLFW_KEY_T, the index the GLFW backend sets in KeysDown (ImGui 1.86 names no T key).
    if (ImGui::IsKeyPressed('T', false)) state.tileAll = true;
    Player& p = *state.player;
    const std::uint64_t n = io.KeyShift ? 10 : 1;
    // ImGui 1.86: IsKeyPressed(ImGuiKey_Space) never fires; go through the key map.
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) p.toggle();
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) p.step(n);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) p.back(n);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home), false)) p.reset();
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End), false)) p.runToEnd();
}

void drawFrame(AppState& state, const Fonts& fonts, double frameSeconds) {
    state.cells.clear();
    if (!state.player) return;
    try {
        state.player->tick(frameSeconds);
    } catch (const Error& e) {
        state.error = e.what();
        state.player->pause();
    }
    state.timeline.observe(state.player->position(), state.player->session().simulator().hierarchy());
    if (state.compare) {
        try {
            state.compare->follow(*state.player);
        } catch (const Error& e) {
            state.error = e.what();
            state.compare.reset();
        }
    }
    ImFont* font = state.presenter && fonts.presenter ? fonts.presenter : fonts.regular;
    if (font) ImGui::PushFont(font);

    const ImVec2 d = ImGui::GetIO().DisplaySize;
    if (d.x != g_layout.size.x || d.y != g_layout.size.y) {
        g_layout.size = d;
        g_layout.apply = true;
    }
    drawMenu(state);
    const float top = ImGui::GetFrameHeight();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float playerH = ImGui::GetFontSize() + style.FramePadding.y * 2 + style.WindowPadding.y * 2 +
                          ImGui::GetFrameHeightWithSpacing() * 2 + (state.error.empty() ? 0.f : ImGui::GetFontSize() * 2.5f);
    const float bodyY = top + playerH, bodyH = d.y - bodyY;
    const float leftW = std::floor(d.x * 0.5f);
    const float inspectorH = std::floor(bodyH * 0.45f);
    struct Panel {
        const char* key;
        const char* title;
        Rect rect;  // in the default layout
        void (*draw)(AppState&);
    };
    const Panel panels[] = {
        {"player", "Player", {ImVec2(0, top), ImVec2(d.x, playerH)}, drawPlayer},
        {"caches", "Cache grids", {ImVec2(0, bodyY), ImVec2(leftW, bodyH)}, drawCaches},
        {"inspector", "Access inspector", {ImVec2(leftW, bodyY), ImVec2(d.x - leftW, inspectorH)}, drawInspector},
        {"tensors", "Tensor view", {ImVec2(leftW, bodyY + inspectorH), ImVec2(d.x - leftW, bodyH - inspectorH)}, drawTensors},
        {"stats", "Statistics", {ImVec2(d.x * 0.25f, bodyY + 20), ImVec2(d.x * 0.5f, bodyH * 0.7f)}, drawStats},
        {"quiz", "Quiz", {ImVec2(leftW, bodyY + 20), ImVec2(d.x - leftW, ImGui::GetFontSize() * 7)}, drawQuiz},
        {"tlb", "TLBs and page table", {ImVec2(leftW, bodyY + 60), ImVec2(d.x - leftW, bodyH * 0.6f)}, drawTlb},
        {"segments", "Segments", {ImVec2(leftW, bodyY + 30), ImVec2(d.x - leftW, bodyH - 40)}, drawSegments},
        {"heatmap", "Address heat-map", {ImVec2(leftW, bodyY + 80), ImVec2(d.x - leftW, bodyH * 0.55f)}, drawHeatmap},
        {"compare", "Compare", {ImVec2(d.x * 0.08f, bodyY + 10), ImVec2(d.x * 0.84f, bodyH - 20)}, drawCompare},
        {"config", "Config editor", {ImVec2(d.x * 0.2f, bodyY + 30), ImVec2(d.x * 0.6f, bodyH * 0.85f)}, drawConfig},
        {"scene", "Scene", {ImVec2(d.x * 0.3f, bodyY + 40), ImVec2(d.x * 0.4f, bodyH * 0.6f)}, drawScene},
    };
    // Tiled: placed again whenever the open panels (or the player's height) change the tiles.
    std::map<std::string, Rect> tiles;
    if (state.tileAll) tiles = tileRects(state, ImVec2(0, top), ImVec2(d.x, d.y - top), playerH);
    const auto same = [](const std::map<std::string, Rect>& a, const std::map<std::string, Rect>& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
            return x.first == y.first && x.second.first.x == y.second.first.x && x.second.first.y == y.second.first.y &&
                   x.second.second.x == y.second.second.x && x.second.second.y == y.second.second.y;
        });
    };
    if (state.tileAll != g_layout.tileAll || (state.tileAll && !same(tiles, g_layout.tiles))) g_layout.apply = true;
    if (g_layout.apply) {
        g_layout.inPlace.clear();  // only the panels placed from now on count
        g_layout.tileAll = state.tileAll;
        g_layout.tiles = tiles;
    }
    for (const Panel& p : panels) {
        const auto tile = tiles.find(p.key);
        const Rect& r = tile != tiles.end() ? tile->second : p.rect;
        place(p.title, r.first, r.second);
        if (state.open[p.key]) p.draw(state);
    }
    g_layout.apply = false;

    handleKeys(state);
    if (font) ImGui::PopFont();
}

void runAction(AppState& state, const ScriptAction& a) {
    if (a.kind == ScriptAction::Kind::Open) {
        if (!openSceneInto(state, a.scene)) throw UsageError(state.error);
        return;
    }
    Player& p = *state.player;
    switch (a.kind) {
    case ScriptAction::Kind::Step: {
        // In slices, sampling the statistics timeline on the way (as frames would while playing).
        std::uint64_t left = a.number;
        while (left > Timeline::kDefaultInterval && !p.atEnd()) {
            left -= p.session().step(Timeline::kDefaultInterval);
            state.timeline.observe(p.position(), p.session().simulator().hierarchy());
        }
        if (p.atEnd())
            p.seek(p.position());  // the end came inside a slice: narrate the last reference
        else
            p.step(left);
        break;
    }
    case ScriptAction::Kind::Back: p.back(a.number); break;
    case ScriptAction::Kind::Seek: p.seek(a.number); break;
    case ScriptAction::Kind::End: p.runToEnd(); break;
    case ScriptAction::Kind::Select: {
        const auto& caches = p.session().simulator().hierarchy().caches();
        for (std::uint32_t c = 0; c < caches.size(); ++c) {
            if (caches[c].name() != a.name) continue;
            if (a.number >= caches[c].sets())
                throw UsageError("select " + a.name + " " + std::to_string(a.number) + ": the cache has " +
                                 std::to_string(caches[c].sets()) + " sets");
            state.selectedCache = c;
            state.selectedSet = static_cast<std::uint32_t>(a.number);
            return;
        }
        throw UsageError("select: no cache named '" + a.name + "'");
    }
    case ScriptAction::Kind::Panel:
        state.open[a.name] = true;
        state.focus = a.name;
        break;
    case ScriptAction::Kind::Quiz:
        state.quiz.setEnabled(a.on);
        state.open["quiz"] = a.on;
        break;
    case ScriptAction::Kind::Presenter: state.presenter = a.on; break;
    case ScriptAction::Kind::Compare:
        if (!startCompare(state, a.name)) throw UsageError(state.error);
        state.open["compare"] = true;
        state.focus = "compare";
        break;
    case ScriptAction::Kind::Difference:
        if (!state.compare) throw UsageError("difference: compare mode is off (start it with 'compare CONFIG')");
        state.compare->runToNextDifference(p);
        break;
    case ScriptAction::Kind::Edit:
        if (!state.editor) state.editor.emplace(p.session().config());
        state.editor->set(a.name, a.text);
        state.open["config"] = true;
        state.focus = "config";
        break;
    case ScriptAction::Kind::Open: break;
    }
}

}  // namespace cachescope::gui
