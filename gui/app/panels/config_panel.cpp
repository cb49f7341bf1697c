// The config editor panel: every field of the open scene's config, checked by the loader as you type.

#include <cstdio>
#include <string>

#include "cachescope/config/config.hpp"
#include "cachescope/core/atomic_file.hpp"
#include "cachescope/core/error.hpp"
#include "model/config_editor.hpp"
#include "model/palette.hpp"
#include "panels/panel_common.hpp"

namespace cachescope::gui {

// ---- config editor ------------------------------------------------------------------------------------

void drawConfig(AppState& state) {
    if (!beginPanel(state, "config", "Config editor")) {
        ImGui::End();
        return;
    }
    if (!state.editor) state.editor.emplace(state.player->session().config());
    ConfigEditor& ed = *state.editor;
    if (ImGui::Button("Apply")) {
        if (ed.valid()) applyConfig(state, *ed.valid());
    }
    tooltip("Rebuild the simulator with this config and replay to the current position");
    ImGui::SameLine();
    if (ImGui::Button("Revert")) ed = ConfigEditor(state.player->session().config());
    tooltip("Back to the config of the open scene");
    ImGui::SameLine();
    if (state.savePath[0] == '\0') std::snprintf(state.savePath.data(), state.savePath.size(), "edited-config.json");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
    ImGui::InputText("##save", state.savePath.data(), state.savePath.size());
    ImGui::SameLine();
    if (ImGui::Button("Save JSON")) {
        try {
            const std::string text = ed.json();
            writeFileAtomically(state.savePath.data(), [&](std::ostream& out) { out << text << '\n'; });
        } catch (const Error& e) {
            state.error = e.what();
        }
    }
    if (!ed.error().empty()) ImGui::TextColored(colv(palette::kMiss), "%s", ed.error().c_str());
    else ImGui::TextColored(colv(palette::kHit), "valid");
    std::string group;
    for (const std::string& path : ed.fields()) {
        const std::string head = path.substr(0, path.rfind('/'));
        if (head != group) {
            group = head;
            ImGui::Separator();
            std::string title = head;
            const SimConfig& cfg = state.player->session().config();
            if (head.rfind("/caches/", 0) == 0 && std::stoul(head.substr(8)) < cfg.caches.size())
                title = state.player->session().simulator().hierarchy().caches()[std::stoul(head.substr(8))].name() + "  " + head;
            ImGui::TextUnformatted(title.c_str());
            if (head.rfind("/caches/", 0) == 0) {
                const std::size_t i = std::stoul(head.substr(8));
                if (const auto d = ed.cacheDerived(i)) {
                    ImGui::SameLine();
                    ImGui::TextDisabled("  %llu lines, %llu sets: %u set bits, %u offset bits",
                                        static_cast<unsigned long long>(d->lines), static_cast<unsigned long long>(d->sets),
                                        d->setBits, d->offsetBits);
                }
            } else if (head.rfind("/tlbs/", 0) == 0) {
                if (const auto reach = ed.tlbReach(std::stoul(head.substr(6)))) {
                    ImGui::SameLine();
                    ImGui::TextDisabled("  reach %s", formatSize(*reach).c_str());
                }
            }
        }
        char buf[128];
        std::snprintf(buf, sizeof buf, "%s", ed.text(path).c_str());
        const bool flagged = ed.flags(path);
        if (flagged) ImGui::PushStyleColor(ImGuiCol_FrameBg, colv(palette::kMiss));
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
        const std::string label = path.substr(path.rfind('/') + 1) + "##" + path;
        if (ImGui::InputText(label.c_str(), buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue)) ed.set(path, buf);
        if (flagged) ImGui::PopStyleColor();
        if (ImGui::IsItemDeactivatedAfterEdit()) ed.set(path, buf);
        if (flagged) {
            ImGui::SameLine();
            ImGui::TextColored(colv(palette::kMiss), "<- %s", ed.error().substr(ed.errorPath().size() + 2).c_str());
        }
    }
    ImGui::End();
}

}  // namespace cachescope::gui
