// The panels under ImGui with no backend (GUIDE §5): DisplaySize set, the font atlas built, every
// panel drawn for a few frames on a real session. Checks that they run without tripping ImGui's
// asserts (Debian's libimgui.a aborts on an unbalanced Begin/End), that the cache grid lays out one
// cell per shown way, and that user errors end up in the window, not in a crash.

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_internal.h"  // GImGui->Windows: where each window really is

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "model/cache_view.hpp"
#include "model/palette.hpp"
#include "panels/panel_common.hpp"
#include "panels/panels.hpp"

using namespace cachescope;
using namespace cachescope::gui;

namespace doctest {
template <>
struct StringMaker<cachescope::gui::Rgb> {
    static String convert(cachescope::gui::Rgb c) {
        return ("rgb(" + std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + ")").c_str();
    }
};
}  // namespace doctest

namespace {

struct ImGuiHarness {
    Fonts fonts;
    ImGuiHarness() {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(1280, 800);
        io.DeltaTime = 1.f / 60.f;
        fonts = loadFonts();
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
        applyStyle();
    }
    ~ImGuiHarness() { ImGui::DestroyContext(); }
    void frame(AppState& state, double dt = 0) {
        ImGui::NewFrame();
        drawFrame(state, fonts, dt);
        ImGui::Render();
    }
};

AppState teaching() {
    AppState s;
    s.sourceDir = CACHESCOPE_SOURCE_DIR;
    REQUIRE(openSceneInto(s, teachingScene(CACHESCOPE_SOURCE_DIR)));
    return s;
}

std::size_t cellsOf(const AppState& s, const std::string& cache) {
    std::size_t n = 0;
    for (const CellRect& c : s.cells) n += c.cache == cache ? 1 : 0;
    return n;
}

}  // namespace

TEST_CASE("every panel draws on the teaching scene, at every position kind") {
    ImGuiHarness ui;
    AppState s = teaching();
    for (auto& [name, open] : s.open) open = true;
    ui.frame(s);  // position 0: nothing narrated yet
    s.player->step(150);
    ui.frame(s);
    s.presenter = true;
    ui.frame(s);
    s.presenter = false;
    s.player->runToEnd();
    ui.frame(s);
    // teaching.json: L1 8 sets x 2 ways and L2 16 sets x 4 ways; at 1280x800 the left column has
    // room for all 8 L1 sets, so 16 L1 cells are laid out.
    CHECK(cellsOf(s, "L1") == 16);
    CHECK(cellsOf(s, "L2") > 0);
    CHECK(cellsOf(s, "L2") % 4 == 0);
}

TEST_CASE("the L1 cell probe points lie inside their cells and inside the display") {
    ImGuiHarness ui;
    AppState s = teaching();
    s.player->step(10);
    ui.frame(s);
    ui.frame(s);
    REQUIRE(!s.cells.empty());
    for (const CellRect& c : s.cells) {
        CHECK(c.probeX > c.x);
        CHECK(c.probeX < c.x + c.w);
        CHECK(c.probeY > c.y);
        CHECK(c.probeY < c.y + c.h);
        CHECK(c.x + c.w <= 1280);
    }
}

TEST_CASE("keyboard: Right steps, Left steps back, Home resets, End runs to the end, Space runs") {
    ImGuiHarness ui;
    AppState s = teaching();
    ImGuiIO& io = ImGui::GetIO();
    // Without a backend the key map is ours to fill: arbitrary distinct indices.
    io.KeyMap[ImGuiKey_RightArrow] = 1;
    io.KeyMap[ImGuiKey_LeftArrow] = 2;
    io.KeyMap[ImGuiKey_Home] = 3;
    io.KeyMap[ImGuiKey_End] = 4;
    io.KeyMap[ImGuiKey_Space] = 5;
    auto press = [&](int key) {
        io.KeysDown[key] = true;
        ui.frame(s);
        io.KeysDown[key] = false;
        ui.frame(s);
    };
    press(1);
    CHECK(s.player->position() == 1);
    press(1);
    press(1);
    CHECK(s.player->position() == 3);
    press(2);
    CHECK(s.player->position() == 2);
    press(4);
    CHECK(s.player->atEnd());
    CHECK(s.player->position() == 4 * 16 * 16 * 16);  // matmul n=16: loads of A, B, C and a store of C per (i, j, k)
    press(3);
    CHECK(s.player->position() == 0);
    press(5);
    CHECK(s.player->playing());
}

TEST_CASE("a bad config keeps the previous scene and shows the loader's message") {
    ImGuiHarness ui;
    AppState s = teaching();
    s.player->step(5);
    SceneSpec bad = teachingScene(CACHESCOPE_SOURCE_DIR);
    bad.configPath = std::string(CACHESCOPE_SOURCE_DIR) + "/tests/data/does-not-exist.json";
    std::string expected;
    try {
        loadConfig(bad.configPath);
    } catch (const Error& e) {
        expected = e.what();
    }
    REQUIRE(!expected.empty());
    CHECK_FALSE(openSceneInto(s, bad));
    CHECK(s.error == expected);
    CHECK(s.player->position() == 5);  // the old session is still there
    ui.frame(s);                       // and the window draws with the message in it
}

TEST_CASE("with an MMU the TLB panel draws the TLB grid and the walk") {
    ImGuiHarness ui;
    AppState s;
    s.sourceDir = CACHESCOPE_SOURCE_DIR;
    SceneSpec paging{std::string(CACHESCOPE_SOURCE_DIR) + "/configs/teaching-paging.json",
                     SourceSpec::kernelRun("matmul", {"n=8"})};
    REQUIRE(openSceneInto(s, paging));
    for (auto& [name, open] : s.open) open = true;
    ui.frame(s);
    s.player->step(40);
    ui.frame(s);
    ui.frame(s);
    // teaching-paging.json: one TLB of 8 entries, 2-way: 4 sets x 2 ways.
    CHECK(cellsOf(s, "TLB") == 8);
    CHECK(cellsOf(s, "L1") == 16);
}

TEST_CASE("a mix of two kernels and a segmentation scene draw every panel, the segments panel included") {
    ImGuiHarness ui;
    AppState s;
    s.sourceDir = CACHESCOPE_SOURCE_DIR;
    const std::string root = CACHESCOPE_SOURCE_DIR;
    SceneSpec mix{root + "/docs/lessons/configs/processes-asid.json",
                  SourceSpec::mixOf({"matmul:n=8,order=ijk", "transpose:rows=16,cols=16"}, 40)};
    REQUIRE(openSceneInto(s, mix));
    for (auto& [name, open] : s.open) open = true;
    ui.frame(s);
    s.player->step(100);  // both processes ran
    ui.frame(s);
    ui.frame(s);
    CHECK(s.error.empty());
    CHECK(cellsOf(s, "TLB") == 8);  // the fully associative 8-entry TLB, one cell per entry
    // The run-to-tensor picker lists both processes' tensors (tensorChoices): p1's chosen, drawn.
    s.eventKind = static_cast<int>(StopKind::TensorAccess);
    s.eventRegion = 3;
    ui.frame(s);
    CHECK(s.error.empty());
    // The segments panel says there are none; then a scene with segments.
    REQUIRE(ImGui::FindWindowByName("Segments") != nullptr);
    SceneSpec segments{root + "/configs/teaching-segmentation.json", SourceSpec::file(root + "/traces/segments.trace")};
    REQUIRE(openSceneInto(s, segments));
    REQUIRE(s.segments);
    for (std::uint64_t at : {0, 3, 5, 8}) {
        s.player->seek(at);
        ui.frame(s);
        ui.frame(s);
    }
    CHECK(s.error.empty());
    CHECK(s.segments->before(s.player->position()) == 10);
}

TEST_CASE("applying an edited config rebuilds the session at the same position, a bad one keeps it") {
    ImGuiHarness ui;
    AppState s = teaching();
    s.open["config"] = true;
    s.player->step(300);
    ui.frame(s);
    REQUIRE(s.editor);
    SimConfig bigger = s.player->session().config();
    bigger.caches[0].size = 2048;
    CHECK(applyConfig(s, bigger));
    CHECK(s.player->position() == 300);
    CHECK(s.player->session().simulator().hierarchy().caches()[0].sets() == 16);
    ui.frame(s);
    // 16 sets now: more L1 rows than the 8 before (both caches have 16 sets and share the height).
    CHECK(cellsOf(s, "L1") > 16);
    CHECK(cellsOf(s, "L1") % 2 == 0);
    SimConfig broken = bigger;
    broken.caches[0].associativity = 3;
    CHECK_FALSE(applyConfig(s, broken));
    CHECK_FALSE(s.error.empty());
    CHECK(s.player->position() == 300);
    CHECK(s.player->session().simulator().hierarchy().caches()[0].sets() == 16);
    ui.frame(s);
}

TEST_CASE("compare mode follows the player every frame, backward too") {
    ImGuiHarness ui;
    AppState s = teaching();
    s.open["compare"] = true;
    s.compare.emplace(openScene(SceneSpec{std::string(CACHESCOPE_SOURCE_DIR) + "/configs/default.json", s.scene.source}),
                      "default.json");
    s.player->step(200);
    ui.frame(s);
    CHECK(s.compare->b().position() == 200);
    REQUIRE(s.compare->b().last());
    CHECK(s.compare->b().last()->index == 199);
    const std::size_t l1Cells = cellsOf(s, "L1");
    s.player->back(150);
    ui.frame(s);
    CHECK(s.compare->b().position() == 50);
    // B's grids are drawn in the compare panel but not listed as the cache-grid panel's cells.
    CHECK(cellsOf(s, "L1") == l1Cells);
    CHECK(cellsOf(s, "L1D") == 0);
}

TEST_CASE("the config editor panel edits MMU, huge pages and walk caches without crashing on bad values") {
    ImGuiHarness ui;
    AppState s = teaching();
    s.open["config"] = true;
    ui.frame(s);
    REQUIRE(s.editor);
    s.editor->setMmu(true);
    s.editor->add("/tlbs");
    s.editor->add("/mmu/huge_pages");
    s.editor->add("/mmu/walk_caches");
    ui.frame(s);
    CHECK(s.editor->valid());
    s.editor->set("/mmu/page_size", "3000");
    ui.frame(s);
    CHECK(s.editor->flags("/mmu/page_size"));
    s.editor->set("/mmu/page_size", "4KiB");
    s.editor->remove("/mmu/huge_pages/0");
    ui.frame(s);
    CHECK(s.editor->valid());
}

TEST_CASE("compare mode: the search for the next difference goes on a chunk per frame and stops at one") {
    ImGuiHarness ui;
    AppState s = teaching();
    REQUIRE(startCompare(s, std::string(CACHESCOPE_SOURCE_DIR) + "/docs/images/gui-scripts/teaching-4way.json"));
    CHECK(s.open["compare"] == false);  // starting does not open the panel; the menu or a script does
    s.open["compare"] = true;
    s.player->step(300);
    s.compareSearching = true;
    for (int frame = 0; frame < 200 && s.compareSearching; ++frame) ui.frame(s);
    CHECK_FALSE(s.compareSearching);
    CHECK(s.compare->b().position() == s.player->position());
    CHECK(s.compare->differsNow(*s.player));
    CHECK(s.compareSearch.rfind("stopped at reference", 0) == 0);
    CHECK_FALSE(startCompare(s, "no/such/config.json"));
    CHECK(s.error.find("no/such/config.json") != std::string::npos);
    CHECK(s.compare.has_value());  // the comparison that ran stays
}

TEST_CASE("the grids are drawn into canvases: each cell's probe pixel has its fill colour, uploads only on change") {
    ImGuiHarness ui;
    AppState s = teaching();
    s.player->step(150);
    ui.frame(s);
    ui.frame(s);
    REQUIRE(s.canvases.count("cache L1") == 1);
    const PanelCanvas& pc = s.canvases.at("cache L1");
    // The fill of every L1 cell from the view model, read back from the canvas at the probe point.
    const Cache& l1 = s.player->session().simulator().hierarchy().caches()[0];
    const CacheGrid g = buildCacheGrid(l1, 0, &*s.player->last(), 8);
    int hits = 0, misses = 0, checked = 0;
    for (const CellRect& c : s.cells) {
        if (c.cache != "L1") continue;
        const WayCell& w = g.cell(c.set - g.firstSet, c.way);
        const Rgb want = w.hit ? palette::kHit : w.filled ? palette::kMiss : w.valid ? palette::kValid : palette::kInvalid;
        const int x = static_cast<int>(c.probeX - pc.x), y = static_cast<int>(c.probeY - pc.y);
        REQUIRE(x >= 0);
        REQUIRE(y >= 0);
        REQUIRE(x < pc.shown.width());
        REQUIRE(y < pc.shown.height());
        INFO("set ", c.set, " way ", c.way, " at ", x, ",", y);
        CHECK(pc.shown.at(x, y) == want);
        hits += w.hit ? 1 : 0;
        misses += w.filled ? 1 : 0;
        ++checked;
    }
    CHECK(checked == 16);
    CHECK(hits + misses == 1);  // reference 150 touched one L1 way
    // The letters are there: the current cell holds pixels of the text colour (black on hit/miss).
    const std::uint64_t before = pc.uploads;
    ui.frame(s);
    CHECK(pc.uploads == before);  // nothing changed: no upload
    s.player->step();
    ui.frame(s);
    CHECK(pc.uploads == before + 1);
}

TEST_CASE("a fully associative cache of 1024 ways wraps its ways into rows and windows them") {
    ImGuiHarness ui;
    AppState s = teaching();
    SimConfig wide = s.player->session().config();
    wide.caches[0].size = 64 * 1024;
    wide.caches[0].fullyAssociative = true;
    REQUIRE(applyConfig(s, wide));
    s.player->step(200);
    ui.frame(s);
    ui.frame(s);
    // Not all 1024 ways fit: a window of them, every cell inside the display and left of the
    // policy column; several rows (wrapped).
    const std::size_t n = cellsOf(s, "L1");
    CHECK(n > 16);
    CHECK(n < 1024);
    float minY = 1e9f, maxY = 0;
    for (const CellRect& c : s.cells) {
        if (c.cache != "L1") continue;
        CHECK(c.x + c.w <= 640);
        minY = std::min(minY, c.y);
        maxY = std::max(maxY, c.y);
    }
    CHECK(maxY > minY);
    // The way the last reference used is among the cells drawn.
    const Cache& l1 = s.player->session().simulator().hierarchy().caches()[0];
    const CacheGrid g = buildCacheGrid(l1, 0, &*s.player->last(), 1);
    REQUIRE(g.currentWay);
    bool shown = false;
    for (const CellRect& c : s.cells) shown = shown || (c.cache == "L1" && c.way == *g.currentWay);
    CHECK(shown);
}

namespace {

struct Drawn {
    std::string name;
    ImVec2 pos, size;
    bool background;
};

/// The top-level windows drawn in the last frame (the menu bar too; not child windows, not
/// ImGui's unused fallback "Debug" window).
std::vector<Drawn> drawnWindows() {
    std::vector<Drawn> out;
    for (ImGuiWindow* w : GImGui->Windows) {
        if (!w->Active || (w->Flags & ImGuiWindowFlags_ChildWindow) != 0) continue;
        if (std::string(w->Name).rfind("Debug##", 0) == 0) continue;
        out.push_back({w->Name, w->Pos, w->Size, (w->Flags & ImGuiWindowFlags_NoBackground) == 0});
    }
    return out;
}

bool overlap(const Drawn& a, const Drawn& b) {  // half-open rectangles: sharing an edge is not overlapping
    return a.pos.x < b.pos.x + b.size.x && b.pos.x < a.pos.x + a.size.x && a.pos.y < b.pos.y + b.size.y &&
           b.pos.y < a.pos.y + a.size.y;
}

/// No two drawn windows overlap, all lie inside the display, and (with no gaps) their areas add up
/// to the display's. Returns the windows by name.
std::map<std::string, Drawn> checkTiling(std::size_t expectWindows) {
    const ImVec2 d = ImGui::GetIO().DisplaySize;
    const std::vector<Drawn> ws = drawnWindows();
    CHECK(ws.size() == expectWindows);
    std::map<std::string, Drawn> byName;
    double area = 0;
    for (std::size_t i = 0; i < ws.size(); ++i) {
        INFO(ws[i].name << " at " << ws[i].pos.x << "," << ws[i].pos.y << " size " << ws[i].size.x << "x" << ws[i].size.y);
        CHECK(ws[i].pos.x >= 0);
        CHECK(ws[i].pos.y >= 0);
        CHECK(ws[i].pos.x + ws[i].size.x <= d.x);
        CHECK(ws[i].pos.y + ws[i].size.y <= d.y);
        area += static_cast<double>(ws[i].size.x) * ws[i].size.y;
        for (std::size_t j = i + 1; j < ws.size(); ++j) {
            INFO("and " << ws[j].name << " at " << ws[j].pos.x << "," << ws[j].pos.y << " size " << ws[j].size.x << "x" << ws[j].size.y);
            CHECK_FALSE(overlap(ws[i], ws[j]));
        }
        byName[ws[i].name] = ws[i];
    }
    CHECK(area == doctest::Approx(static_cast<double>(d.x) * d.y));
    return byName;
}

}  // namespace

TEST_CASE("tile open panels: with every panel open no two windows overlap, they fill the display and skip backgrounds") {
    ImGuiHarness ui;
    AppState s = teaching();
    for (auto& [name, open] : s.open) open = true;
    ui.frame(s);
    s.player->step(150);
    ui.frame(s);
    // The floating default layout overlaps (what the tiles fix).
    {
        const std::vector<Drawn> ws = drawnWindows();
        bool any = false;
        for (std::size_t i = 0; i < ws.size(); ++i)
            for (std::size_t j = i + 1; j < ws.size(); ++j) any = any || overlap(ws[i], ws[j]);
        CHECK(any);
    }
    // Key T (GLFW_KEY_T is 'T') tiles them.
    ImGuiIO& io = ImGui::GetIO();
    io.KeysDown['T'] = true;
    ui.frame(s);
    io.KeysDown['T'] = false;
    CHECK(s.tileAll);
    for (int i = 0; i < 3; ++i) ui.frame(s);
    const auto ws = checkTiling(s.open.size() + 1);  // every panel and the menu bar
    for (const char* title : {"Player", "Cache grids", "Access inspector", "Tensor view", "Statistics", "Quiz",
                              "TLBs and page table", "Segments", "Address heat-map", "Compare", "Config editor", "Scene"}) {
        INFO(std::string(title));
        REQUIRE(ws.count(title) == 1);
        CHECK_FALSE(ws.at(title).background);  // every panel in its place: the cleared frame is its background
        CHECK(ws.at(title).size.x >= 300);      // readable at 1280x800
        if (std::string(title) != "Player") CHECK(ws.at(title).size.y >= 120);  // the player: its own height
    }
    const auto area = [&](const char* t) { return ws.at(t).size.x * ws.at(t).size.y; };
    CHECK(area("Cache grids") > 1.5f * area("Quiz"));
    CHECK(area("Tensor view") > area("Statistics"));
    CHECK(area("Compare") > area("Scene"));

    // Closing one panel tiles the rest again; so does opening it.
    s.open["config"] = false;
    for (int i = 0; i < 3; ++i) ui.frame(s);
    CHECK(checkTiling(s.open.size()).count("Config editor") == 0);
    s.open["config"] = true;
    s.open["heatmap"] = false;
    s.open["scene"] = false;
    for (int i = 0; i < 3; ++i) ui.frame(s);
    checkTiling(s.open.size() - 1);
    // A smaller display: tiled again to fit.
    io.DisplaySize = ImVec2(800, 600);
    for (int i = 0; i < 3; ++i) ui.frame(s);
    checkTiling(s.open.size() - 1);
}
