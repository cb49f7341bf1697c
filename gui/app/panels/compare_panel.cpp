// The compare panel: the open source under a second config, in lockstep with the player.

#include <cstdio>
#include <filesystem>
#include <string>

#include "cachescope/core/error.hpp"
#include "model/compare.hpp"
#include "model/palette.hpp"
#include "panels/panel_common.hpp"

namespace cachescope::gui {

// ---- compare ---------------------------------------------------------------------------------------

void drawCompare(AppState& state) {
    if (!beginPanel(state, "compare", "Compare")) {
        ImGui::End();
        return;
    }
    if (state.comparePath[0] == '\0')
        std::snprintf(state.comparePath.data(), state.comparePath.size(), "%s/configs/default.json", state.sourceDir.c_str());
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 22);
    ImGui::InputText("second config", state.comparePath.data(), state.comparePath.size());
    if (ImGui::Button(state.compare ? "Restart" : "Start")) {
        try {
            auto other = openScene(SceneSpec{state.comparePath.data(), state.scene.source});
            keepInStep(state.player->session(), *other);
            state.compare = std::move(other);
            state.compareConfig = std::filesystem::path(state.comparePath.data()).filename().string();
        } catch (const Error& e) {
            state.error = e.what();
        }
    }
    tooltip("Run the same source under the second config, in lockstep with the player");
    if (state.compare) {
        ImGui::SameLine();
        if (ImGui::Button("Stop")) state.compare.reset();
    }
    if (!state.compare) {
        ImGui::TextWrapped("Start runs the open source under a second config at the same position; the table shows "
                           "where the two differ.");
        ImGui::End();
        return;
    }
    const std::string a = std::filesystem::path(state.scene.configPath).filename().string();
    ImGui::Text("A: %s    B: %s    (rows that differ in orange)", a.c_str(), state.compareConfig.c_str());
    if (ImGui::BeginTable("compare", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
        for (const char* h : {"level", "misses A", "misses B", "hit rate A", "hit rate B"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (const CompareRow& r : compareLevels(state.player->session(), *state.compare)) {
            const ImVec4 c = r.differs() ? colv(okabe_ito::kOrange) : colv(palette::kText);
            auto rate = [](std::uint64_t acc, std::uint64_t miss) {
                return acc == 0 ? 0.0 : 100.0 * double(acc - miss) / double(acc);
            };
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextColored(c, "%s", r.level.c_str());
            ImGui::TableNextColumn();
            if (r.inA) ImGui::TextColored(c, "%llu", static_cast<unsigned long long>(r.missesA));
            ImGui::TableNextColumn();
            if (r.inB) ImGui::TextColored(c, "%llu", static_cast<unsigned long long>(r.missesB));
            ImGui::TableNextColumn();
            if (r.inA) ImGui::TextColored(c, "%.1f%%", rate(r.accessesA, r.missesA));
            ImGui::TableNextColumn();
            if (r.inB) ImGui::TextColored(c, "%.1f%%", rate(r.accessesB, r.missesB));
        }
        ImGui::EndTable();
    }
    ImGui::Text("AMAT: A %.2f, B %.2f cycles per reference", state.player->session().simulator().amat(),
                state.compare->simulator().amat());
    ImGui::End();
}

}  // namespace cachescope::gui
