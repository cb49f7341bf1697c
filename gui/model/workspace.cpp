#include "model/workspace.hpp"

#include <algorithm>
#include <filesystem>

#include "cachescope/core/error.hpp"

namespace cachescope::gui {

std::vector<std::string> presetConfigs(const std::string& sourceDir) {
    std::error_code ec;
    std::vector<std::string> files;
    for (const auto& f : std::filesystem::directory_iterator(sourceDir + "/configs", ec))
        if (f.path().extension() == ".json" && f.path().filename() != "schema.json") files.push_back(f.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

namespace {

/// The tensor view's index of first touches, at the smallest line size of the session's caches.
std::optional<TouchIndex> touchesOf(const Session& session, const SourceSpec& source) {
    std::vector<const TraceMetadata*> perProcess;  // a --mix: each process's own regions
    bool any = false;
    for (std::uint32_t p = 0; p < session.describedProcesses(); ++p) {
        perProcess.push_back(session.processMetadata(p));
        any = any || perProcess.back() != nullptr;
    }
    if (!any) return std::nullopt;
    const Hierarchy& h = session.simulator().hierarchy();
    std::uint32_t line = 64;
    if (!h.caches().empty()) {
        line = h.caches().front().config().lineSize;
        for (const Cache& c : h.caches()) line = std::min(line, c.config().lineSize);
    }
    return TouchIndex(perProcess, source, line);
}

/// The segments panel's event log, for configs with segments (a second, streaming run).
std::optional<SegmentLog> segmentLogOf(const SimConfig& config, const SourceSpec& source) {
    if (!hasSegments(config)) return std::nullopt;
    return SegmentLog(config, source);
}

/// Runs `build` (which swaps the new pieces in only once all of them exist); a user error leaves
/// the state as it was and keeps the message.
template <class Build>
bool replaceScene(SceneState& state, Build build) {
    try {
        build();
        state.timeline.clear();
        state.error.clear();
        return true;
    } catch (const Error& e) {
        state.error = e.what();
        return false;
    }
}

}  // namespace

bool openSceneInto(SceneState& state, const SceneSpec& scene) {
    return replaceScene(state, [&] {
        auto session = openScene(scene);
        std::optional<TouchIndex> touches = touchesOf(*session, scene.source);
        HeatMap heat = HeatMap::ofSource(scene.source, session->metadata(), kHeatTimeBins, kHeatAddressBins);
        std::optional<SegmentLog> segments = segmentLogOf(session->config(), scene.source);
        state.player = std::make_unique<Player>(std::move(session));
        state.touches = std::move(touches);
        state.heat = std::move(heat);
        state.segments = std::move(segments);
        state.scene = scene;
    });
}

bool applyConfig(SceneState& state, const SimConfig& config) {
    return replaceScene(state, [&] {
        const std::uint64_t position = state.player ? state.player->position() : 0;
        auto player = std::make_unique<Player>(openScene(config, state.scene.source));
        player->seek(position);
        std::optional<TouchIndex> touches = touchesOf(player->session(), state.scene.source);
        std::optional<SegmentLog> segments = segmentLogOf(config, state.scene.source);
        state.player = std::move(player);
        state.touches = std::move(touches);  // the line size may have changed
        state.segments = std::move(segments);
        const std::string name = std::filesystem::path(state.scene.configPath).filename().string();
        state.scene.configPath = name.rfind("(edited) ", 0) == 0 ? name : "(edited) " + name;
    });
}

}  // namespace cachescope::gui
