#pragma once
// Shared by the GUI model tests: sessions on the teaching config over bundled or temporary traces.

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "model/player.hpp"
#include "model/scene.hpp"

namespace cachescope::gui::testing {

inline std::string sourcePath(const std::string& relative) { return std::string(CACHESCOPE_SOURCE_DIR) + "/" + relative; }

inline SceneSpec teachingOn(const std::string& trace) {
    return {sourcePath("configs/teaching.json"), SourceSpec::file(sourcePath(trace))};
}

/// A text trace written to a temporary file (removed by the destructor).
struct TempTrace {
    std::filesystem::path path;
    explicit TempTrace(const std::string& name, const std::string& text)
        : path(std::filesystem::temp_directory_path() / ("cachescope-gui-test-" + name + ".trace")) {
        std::ofstream(path) << text;
    }
    ~TempTrace() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
    SceneSpec scene() const { return {sourcePath("configs/teaching.json"), SourceSpec::file(path.string())}; }
};

inline Player playerOn(const SceneSpec& scene) { return Player(openScene(scene)); }

}  // namespace cachescope::gui::testing
