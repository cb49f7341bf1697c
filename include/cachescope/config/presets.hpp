#pragma once
// Presets and bundled data: the configs/ and traces/ folders that ship with cachescope, found from
// any working folder, so `--config skylake-client` works wherever the user stands.
//
// Data folders, searched in this order (dataDirectories()):
//   1. $CACHESCOPE_DATA_DIR, if set;
//   2. <folder of the running executable>/../share/cachescope   (an installed copy: cmake --install,
//      the .deb: /usr/bin/cachescope -> /usr/share/cachescope);
//   3. <folder of the running executable>/..                    (a build folder inside the source
//      tree: build/cachescope -> the checkout's configs/ and traces/).
// A folder counts only if it holds configs/. A path the user gives is always tried as given first;
// only when nothing exists there is it looked up in the data folders.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cachescope {

std::vector<std::filesystem::path> dataDirectories();

/// `name` as a preset: "skylake-client" or "skylake-client.json" -> <data>/configs/skylake-client.json.
/// Only bare names (no '/') are presets; nullopt when none of the data folders has it.
std::optional<std::filesystem::path> findPreset(const std::string& name);

/// A bundled file by its path relative to a data folder, e.g. "traces/matmul-ijk.bin"; nullopt when
/// `relative` is absolute or no data folder has it.
std::optional<std::filesystem::path> findBundled(const std::filesystem::path& relative);

/// What the user means by a trace or other input `path`: `path` itself if something exists there,
/// else the bundled file of that relative path, else `path` unchanged (so the caller's "cannot open"
/// names it). "-" (standard input) stays as it is.
std::string resolveBundledPath(const std::string& path);
/// The same for a config: also a preset name ("skylake-client").
std::string resolveConfigPath(const std::string& path);

struct PresetInfo {
    std::string name;         // file name without .json
    std::filesystem::path path;
};
/// Every preset of the first data folder that has any, sorted by name (schema.json left out).
std::vector<PresetInfo> presets();

}  // namespace cachescope
