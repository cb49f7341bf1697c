#include "cachescope/config/presets.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace cachescope {

namespace fs = std::filesystem;

namespace {

std::optional<fs::path> executableDirectory() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec || exe.empty()) return std::nullopt;
    return exe.parent_path();
}

bool hasConfigs(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir / "configs", ec);
}

bool present(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

}  // namespace

std::vector<fs::path> dataDirectories() {
    std::vector<fs::path> dirs;
    auto add = [&dirs](const fs::path& dir) {
        if (!hasConfigs(dir)) return;
        std::error_code ec;
        const fs::path canonical = fs::weakly_canonical(dir, ec);
        const fs::path& d = ec ? dir : canonical;
        if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
    };
    if (const char* env = std::getenv("CACHESCOPE_DATA_DIR"); env != nullptr && *env != '\0') add(env);
    if (const std::optional<fs::path> exe = executableDirectory()) {
        add(*exe / ".." / "share" / "cachescope");
        add(*exe / "..");
    }
    return dirs;
}

std::optional<fs::path> findPreset(const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") return std::nullopt;
    const bool hasSuffix = name.size() > 5 && name.ends_with(".json");
    for (const fs::path& dir : dataDirectories()) {
        const fs::path p = dir / "configs" / (hasSuffix ? name : name + ".json");
        if (present(p)) return p;
    }
    return std::nullopt;
}

std::optional<fs::path> findBundled(const fs::path& relative) {
    if (relative.empty() || relative.is_absolute()) return std::nullopt;
    for (const fs::path& dir : dataDirectories()) {
        const fs::path p = dir / relative;
        if (present(p)) return p;
    }
    return std::nullopt;
}

std::string resolveBundledPath(const std::string& path) {
    if (path.empty() || path == "-" || present(path)) return path;
    if (const std::optional<fs::path> p = findBundled(path)) return p->string();
    return path;
}

std::string resolveConfigPath(const std::string& path) {
    if (path.empty() || present(path)) return path;
    if (const std::optional<fs::path> p = findPreset(path)) return p->string();
    return resolveBundledPath(path);
}

std::vector<PresetInfo> presets() {
    std::vector<PresetInfo> out;
    for (const fs::path& dir : dataDirectories()) {
        std::error_code ec;
        for (const fs::directory_entry& e : fs::directory_iterator(dir / "configs", ec)) {
            const fs::path& p = e.path();
            if (p.extension() != ".json" || p.stem() == "schema") continue;
            out.push_back({p.stem().string(), p});
        }
        if (!out.empty()) break;
    }
    std::sort(out.begin(), out.end(), [](const PresetInfo& a, const PresetInfo& b) { return a.name < b.name; });
    return out;
}

}  // namespace cachescope
