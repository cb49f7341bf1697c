// The lessons' GUI screenshots (docs/lessons/img/*-gui.png) are made by scripts in
// docs/lessons/gui/ (`cachescope-gui --screenshot PNG --script SCRIPT`, the command each lesson
// shows). The screenshots themselves need a display, so this checks what can go stale without
// one: every script parses, opens its own scene (config and source load, kernel parameters are
// valid), every config it compares with loads, and every script is named by a lesson next to a
// screenshot that exists.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "cachescope/config/config.hpp"
#include "model/scene.hpp"

namespace fs = std::filesystem;
using namespace cachescope;
using namespace cachescope::gui;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

/// (script, screenshot) pairs named by the lessons' remake commands:
/// `--screenshot docs/lessons/img/X.png --script docs/lessons/gui/Y.txt`, possibly over two lines.
std::map<std::string, std::string> remakeCommands(const fs::path& root) {
    std::map<std::string, std::string> out;
    for (const fs::directory_entry& e : fs::directory_iterator(root / "docs" / "lessons")) {
        if (e.path().extension() != ".md") continue;
        std::string text = slurp(e.path());
        std::replace(text.begin(), text.end(), '\n', ' ');
        std::istringstream words(text);
        std::string png;
        for (std::string w; words >> w;) {
            if (w == "--screenshot") words >> png;
            if (w == "--script") {
                std::string script;
                words >> script;
                if (script.rfind("docs/lessons/", 0) == 0) out[script] = png;
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("docs: the lessons' GUI scripts parse, open their scenes and are remade by a lesson") {
    const fs::path root = CACHESCOPE_SOURCE_DIR;
    const std::map<std::string, std::string> remade = remakeCommands(root);
    std::size_t scripts = 0;
    for (const fs::directory_entry& e : fs::directory_iterator(root / "docs" / "lessons" / "gui")) {
        if (e.path().extension() != ".txt") continue;
        ++scripts;
        const std::string name = fs::relative(e.path(), root).string();
        CAPTURE(name);
        std::vector<ScriptAction> actions;
        REQUIRE_NOTHROW(actions = parseScript(slurp(e.path()), name));
        // Its own scene first, so that the screenshot does not depend on the GUI's default one.
        REQUIRE_FALSE(actions.empty());
        CHECK(actions.front().kind == ScriptAction::Kind::Open);
        for (const ScriptAction& a : actions) {
            if (a.kind == ScriptAction::Kind::Open) {
                SceneSpec scene = a.scene;
                scene.configPath = (root / scene.configPath).string();
                if (!scene.source.trace.empty()) {
                    CHECK(fs::exists(root / scene.source.trace));
                    scene.source.trace = (root / scene.source.trace).string();
                }
                for (std::string& item : scene.source.mix)  // a --mix's trace files, from the root too
                    if (fs::exists(root / item)) item = (root / item).string();
                CHECK_NOTHROW(openScene(scene, false));
            }
            if (a.kind == ScriptAction::Kind::Compare) CHECK_NOTHROW(loadConfig((root / a.name).string()));
        }
        // A lesson says how to remake its screenshot with this script, and the screenshot is there.
        const auto it = remade.find(name);
        REQUIRE_MESSAGE(it != remade.end(), "no lesson names " << name << " in a --script remake command");
        CHECK(it->second.rfind("docs/lessons/img/", 0) == 0);
        CHECK(fs::exists(root / it->second));
    }
    CHECK(scripts >= 13);  // one per lesson; lesson 10 has three (the compare, the mix, the segments)
    CHECK(remade.size() == scripts);  // no lesson names a script that is not there
}
