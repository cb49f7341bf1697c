// The screenshot test (ctest gui_screenshot, run under xvfb-run): runs cachescope-gui --screenshot
// twice on the teaching scene and checks the PNGs against the engine.
//
// Independently of the GUI's model, this program simulates the same scene with the plain
// narration API (narrateTrace) and finds the first reference whose L1 lookup hits and the first
// whose L1 lookup misses (and fills a way). For each, the GUI is stepped to just after that
// reference; then the PNG must have the requested size, must not be blank, and the pixel at the
// probe point of that L1 cell (from --layout-json) must have the hit / miss colour of the palette,
// while the L1 cells the reference did not touch have neither.
//
// Usage: cachescope_gui_screenshot_check PATH/TO/cachescope-gui WORKDIR   (from the source root)

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>
#include <stb_image.h>

#include "cachescope/analysis/narration.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/kernels/kernel.hpp"
#include "model/palette.hpp"

namespace {

int failures = 0;
void check(bool ok, const std::string& what) {
    std::cout << (ok ? "ok    " : "FAIL  ") << what << '\n';
    if (!ok) ++failures;
}

struct Target {
    std::uint64_t index = 0;  // the reference
    std::uint32_t set = 0, way = 0;
};

bool near(const unsigned char* p, cachescope::gui::Rgb c) {
    return std::abs(p[0] - c.r) <= 3 && std::abs(p[1] - c.g) <= 3 && std::abs(p[2] - c.b) <= 3;
}

void shoot(const std::string& gui, const std::string& dir, const Target& t, bool hit) {
    const std::string png = dir + (hit ? "/hit.png" : "/miss.png");
    const std::string layout = dir + (hit ? "/hit.json" : "/miss.json");
    std::filesystem::remove(png);
    const std::string cmd = "'" + gui + "' --screenshot '" + png + "' --size 1280x800 --steps " +
                            std::to_string(t.index + 1) + " --layout-json '" + layout + "'";
    check(std::system(cmd.c_str()) == 0, cmd);
    int w = 0, h = 0, n = 0;
    unsigned char* pixels = stbi_load(png.c_str(), &w, &h, &n, 3);
    check(pixels != nullptr, png + " readable");
    if (pixels == nullptr) return;
    check(w == 1280 && h == 800, png + " is 1280x800");
    std::set<std::uint32_t> colours;
    for (int i = 0; i < w * h; i += 97) {
        const unsigned char* p = pixels + 3 * i;
        colours.insert(static_cast<std::uint32_t>(p[0] << 16 | p[1] << 8 | p[2]));
    }
    check(colours.size() > 20, png + " is not blank (" + std::to_string(colours.size()) + " colours sampled)");

    std::ifstream in(layout);
    const nlohmann::json j = nlohmann::json::parse(in);
    check(j["position"].get<std::uint64_t>() == t.index + 1, "the GUI is at position " + std::to_string(t.index + 1));
    const cachescope::gui::Rgb want = hit ? cachescope::gui::palette::kHit : cachescope::gui::palette::kMiss;
    bool found = false;
    int otherMarked = 0;
    for (const auto& c : j["cells"]) {
        if (c["cache"] != "L1") continue;
        const int x = static_cast<int>(c["probe_x"].get<float>()), y = static_cast<int>(c["probe_y"].get<float>());
        if (x < 0 || y < 0 || x >= w || y >= h) continue;
        const unsigned char* p = pixels + 3 * (static_cast<std::size_t>(y) * w + x);
        if (c["set"] == t.set && c["way"] == t.way) {
            found = true;
            char got[64];
            std::snprintf(got, sizeof got, " (pixel %d,%d is %d,%d,%d)", x, y, p[0], p[1], p[2]);
            check(near(p, want), std::string("L1 set ") + std::to_string(t.set) + " way " + std::to_string(t.way) +
                                     " shows the " + (hit ? "hit" : "miss") + " colour" + got);
        } else if (near(p, cachescope::gui::palette::kHit) || near(p, cachescope::gui::palette::kMiss)) {
            ++otherMarked;
        }
    }
    check(found, "the layout has the L1 cell of the access");
    check(otherMarked == 0, "no other L1 cell is marked hit or miss");
    stbi_image_free(pixels);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: cachescope_gui_screenshot_check GUI WORKDIR\n";
        return 2;
    }
    using namespace cachescope;
    std::filesystem::create_directories(argv[2]);
    // The GUI's default scene, simulated with the narration API.
    Simulator sim(loadConfig("configs/teaching.json"));
    auto trace = openKernelTrace("matmul", {"n=16", "order=ijk"});
    const NarrationResult r = narrateTrace(sim, *trace, 0, 400);
    std::optional<Target> hit, miss;
    for (const ReferenceNarration& n : r.references) {
        for (const CacheStep& s : n.pieces.front().steps) {
            if (s.cache != 0 || s.depth != 0 || s.way == CacheStep::kNoWay) continue;
            // Skip the very first references: pick ones past 100 so the grid has history.
            if (n.index < 100) break;
            if (s.hit && !hit) hit = Target{n.index, s.set, s.way};
            if (!s.hit && !miss) miss = Target{n.index, s.set, s.way};
            break;
        }
    }
    check(hit.has_value() && miss.has_value(), "the engine gives an L1 hit and an L1 miss after reference 100");
    if (hit) shoot(argv[1], argv[2], *hit, true);
    if (miss) shoot(argv[1], argv[2], *miss, false);
    std::cout << (failures == 0 ? "all checks passed\n" : "some checks failed\n");
    return failures == 0 ? 0 : 1;
}
