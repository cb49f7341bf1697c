// The config editor panel: every key the loader accepts for the open scene's config (a draft in
// gui/model/config_editor.hpp), checked by the loader as you type, with derived values; add and
// remove caches, TLBs, huge-page ranges and walk caches, the MMU on or off; apply (rebuild and
// replay to the current position), revert, load a preset or a file, save JSON atomically.

#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include "cachescope/config/config.hpp"
#include "cachescope/config/schema.hpp"
#include "cachescope/core/atomic_file.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"
#include "model/config_editor.hpp"
#include "model/palette.hpp"
#include "panels/panel_common.hpp"

namespace cachescope::gui {

namespace {

/// The index in "/caches/3" (the number after `prefix`), nullopt if `group` is not such an item.
std::optional<std::size_t> itemIndex(const std::string& group, const std::string& prefix) {
    if (group.rfind(prefix, 0) != 0 || group.size() == prefix.size()) return std::nullopt;
    const std::string rest = group.substr(prefix.size());
    if (rest.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoul(rest);
}

/// The title and derived values of one group of fields ("/caches/1", "/mmu", ...).
void drawGroupHeader(const ConfigEditor& ed, const std::string& group, std::string& removeItem) {
    ImGui::Separator();
    std::string title = group.empty() ? "config" : group.substr(1);
    const std::string name = ed.text(group + "/name");
    if (!group.empty() && !name.empty()) title = name + "  (" + title + ")";
    ImGui::TextUnformatted(title.c_str());
    bool removable = false;
    if (const auto i = itemIndex(group, "/caches/")) {
        removable = true;
        if (const auto d = ed.cacheDerived(*i)) {
            ImGui::SameLine();
            ImGui::TextDisabled("  %llu lines, %llu sets: %u set bits, %u offset bits",
                                static_cast<unsigned long long>(d->lines), static_cast<unsigned long long>(d->sets),
                                d->setBits, d->offsetBits);
        }
    } else if (const auto t = itemIndex(group, "/tlbs/")) {
        removable = true;
        const auto sets = ed.tlbSets(*t);
        const auto reach = ed.tlbReach(*t);
        ImGui::SameLine();
        ImGui::TextDisabled("  %s sets, reach %s", sets ? std::to_string(*sets).c_str() : "?",
                            reach ? formatSize(*reach).c_str() : "?");
    } else if (const auto w = itemIndex(group, "/mmu/walk_caches/")) {
        removable = true;
        if (const auto sets = ed.walkCacheSets(*w)) {
            ImGui::SameLine();
            ImGui::TextDisabled("  %llu sets; a hit skips the levels up to its level",
                                static_cast<unsigned long long>(*sets));
        }
    } else if (itemIndex(group, "/mmu/huge_pages/")) {
        removable = true;
    } else if (group == "/mmu") {
        if (const auto m = ed.mmuDerived()) {
            std::string spans, huge;
            for (const std::uint64_t s : m->span) spans += (spans.empty() ? "" : ", ") + formatSize(s);
            for (const std::uint64_t s : m->hugePageSizes) huge += (huge.empty() ? "" : ", ") + formatSize(s);
            ImGui::SameLine();
            ImGui::TextDisabled("  %u-bit virtual addresses (%u offset bits); %llu frames", m->virtualBits,
                                m->offsetBits, static_cast<unsigned long long>(m->frames));
            ImGui::TextDisabled("    an entry maps, root first: %s; huge pages may be: %s", spans.c_str(),
                                huge.empty() ? "none (too few levels)" : huge.c_str());
        }
    }
    if (removable) {
        ImGui::SameLine();
        if (ImGui::SmallButton(("remove##" + group).c_str())) removeItem = group;
    }
}

/// What the schema says of a field (cached: the fields are the same from frame to frame).
const std::optional<SchemaKey>& schemaOf(const std::string& path) {
    static std::map<std::string, std::optional<SchemaKey>> known;
    auto it = known.find(path);
    if (it == known.end()) it = known.emplace(path, schemaKey(path)).first;
    return it->second;
}

/// The field's help: the schema's description, and what an empty field means.
std::string fieldHelp(const std::optional<SchemaKey>& key) {
    std::string help = key && !key->description.empty() ? key->description + "\n\n" : "";
    help += "Empty: the key is left out and its default applies";
    if (key && key->defaultValue) help += " (" + *key->defaultValue + ")";
    return help + " (docs/config.md)";
}

/// A drop-down for a key whose every value the schema lists; returns true if the user picked one
/// (its text in `picked`; empty for "default").
bool choiceCombo(const std::string& label, const std::string& current, const SchemaKey& key, std::string& picked) {
    bool changed = false;
    const std::string preview = current.empty() ? "default" + (key.defaultValue ? " (" + *key.defaultValue + ")" : "") : current;
    if (ImGui::BeginCombo(label.c_str(), preview.c_str())) {
        if (ImGui::Selectable("default", current.empty())) {
            picked.clear();
            changed = true;
        }
        for (const std::string& choice : key.choices)
            if (ImGui::Selectable(choice.c_str(), choice == current)) {
                picked = choice;
                changed = true;
            }
        ImGui::EndCombo();
    }
    return changed;
}

}  // namespace

void drawConfig(AppState& state) {
    if (!beginPanel(state, "config", "Config editor")) {
        ImGui::End();
        return;
    }
    if (!state.editor) state.editor.emplace(state.player->session().config());
    ConfigEditor& ed = *state.editor;

    // Apply / revert / load / save.
    ImGui::BeginDisabled(!ed.valid().has_value());
    if (ImGui::Button("Apply")) {
        if (ed.valid()) applyConfig(state, *ed.valid());
    }
    ImGui::EndDisabled();
    tooltip("Rebuild the simulator with this config and replay to the current position");
    ImGui::SameLine();
    if (ImGui::Button("Revert")) ed = ConfigEditor(state.player->session().config());
    tooltip("Back to the config of the open scene");
    ImGui::SameLine();
    if (state.loadPath[0] == '\0')
        std::snprintf(state.loadPath.data(), state.loadPath.size(), "%s", state.scene.configPath.c_str());
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
    ImGui::InputText("##load", state.loadPath.data(), state.loadPath.size());
    ImGui::SameLine();
    presetCombo("##editorpresets", state.sourceDir, state.loadPath);
    ImGui::SameLine();
    if (ImGui::Button("Load")) {
        try {
            ed = ConfigEditor(loadConfig(state.loadPath.data()));
            state.error.clear();
        } catch (const Error& e) {
            state.error = e.what();  // the draft stays as it was
        }
    }
    tooltip("Load a config file (or the preset picked) into the editor; Apply runs it");
    if (state.savePath[0] == '\0') std::snprintf(state.savePath.data(), state.savePath.size(), "edited-config.json");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
    ImGui::InputText("##save", state.savePath.data(), state.savePath.size());
    ImGui::SameLine();
    if (ImGui::Button("Save JSON")) {
        try {
            const std::string text = ed.json();
            writeFileAtomically(state.savePath.data(), [&](std::ostream& out) { out << text << '\n'; });
            state.error.clear();
        } catch (const Error& e) {
            state.error = e.what();
        }
    }
    tooltip("Write the draft as JSON (a temporary file, then renamed)");

    // Structure.
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    if (ImGui::SmallButton("+ cache")) ed.add("/caches");
    ImGui::SameLine();
    bool mmu = ed.hasMmu();
    if (ImGui::Checkbox("MMU", &mmu)) ed.setMmu(mmu);
    tooltip("Translate addresses: the x86-64 layout (4 KiB pages, 4 levels of 9 bits), 1 GiB of frames");
    if (ed.hasMmu()) {
        ImGui::SameLine();
        if (ImGui::SmallButton("+ TLB")) ed.add("/tlbs");
        ImGui::SameLine();
        if (ImGui::SmallButton("+ huge pages")) ed.add("/mmu/huge_pages");
        ImGui::SameLine();
        if (ImGui::SmallButton("+ walk cache")) ed.add("/mmu/walk_caches");
    }

    if (!state.error.empty()) ImGui::TextColored(colv(palette::kMiss), "%s", state.error.c_str());
    if (!ed.error().empty())
        ImGui::TextColored(colv(palette::kMiss), "invalid: %s", ed.error().c_str());
    else
        ImGui::TextColored(colv(palette::kHit), "valid");

    ImGui::BeginChild("fields");
    std::string group = "-";
    std::string removeItem;
    const float labelW = ImGui::GetFontSize() * 10;
    for (const std::string& path : ed.fields()) {
        const std::string head = path.substr(0, path.rfind('/'));
        if (head != group) {
            group = head;
            drawGroupHeader(ed, head, removeItem);
        }
        char buf[256];
        std::snprintf(buf, sizeof buf, "%s", ed.text(path).c_str());
        const bool flagged = ed.flags(path);
        if (flagged) ImGui::PushStyleColor(ImGuiCol_FrameBg, colv(palette::kMiss));
        ImGui::SetNextItemWidth(labelW);
        const std::string label = path.substr(path.rfind('/') + 1) + "##" + path;
        const std::optional<SchemaKey>& key = schemaOf(path);
        if (key && !key->choices.empty()) {  // a closed list of values: pick one
            std::string picked;
            if (choiceCombo(label, buf, *key, picked)) ed.set(path, picked);
            if (flagged) ImGui::PopStyleColor();
        } else {
            if (ImGui::InputTextWithHint(label.c_str(), "default", buf, sizeof buf,
                                         ImGuiInputTextFlags_EnterReturnsTrue))
                ed.set(path, buf);
            if (flagged) ImGui::PopStyleColor();
            if (ImGui::IsItemDeactivatedAfterEdit()) ed.set(path, buf);
        }
        if (ImGui::IsItemHovered()) {  // the schema's descriptions are long: wrap them
            ImGui::BeginTooltip();
            ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32);
            ImGui::TextUnformatted(fieldHelp(key).c_str());
            ImGui::PopTextWrapPos();
            ImGui::EndTooltip();
        }
        if (flagged && state.editorScrolledTo != ed.error()) {
            ImGui::SetScrollHereY(0.3f);  // bring a newly flagged field into view
            state.editorScrolledTo = ed.error();
        }
        if (flagged) {
            ImGui::SameLine();
            const std::string& msg = ed.error();
            ImGui::TextColored(
                colv(palette::kMiss), "<- %s",
                msg.size() > ed.errorPath().size() + 2 ? msg.substr(ed.errorPath().size() + 2).c_str() : msg.c_str());
        }
    }
    ImGui::EndChild();
    if (!removeItem.empty()) ed.remove(removeItem);
    ImGui::End();
}

}  // namespace cachescope::gui
