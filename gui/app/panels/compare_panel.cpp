// The compare panel: the open source under a second config (B), in lockstep with the player (A):
// the current reference's outcome in both, the counters side by side with the differing ones
// marked, "run to the next difference", and B's cache grids and TLBs beside A's.
// The logic is gui/model/compare.hpp; this file only draws it.

#include <cstdio>
#include <filesystem>
#include <string>

#include "cachescope/core/error.hpp"
#include "cachescope/mmu/mmu.hpp"
#include "model/compare.hpp"
#include "model/palette.hpp"
#include "panels/panel_common.hpp"

namespace cachescope::gui {

namespace {

/// References "run to the next difference" simulates per frame (in both sessions, narrated). Measured
/// on the shared VM at load 16: about 4.6 us per reference pair in Release (0.6 s for the 131,072 of
/// matmul n=32), so about 9 ms a frame; about 60 us in the Debug build.
constexpr std::uint64_t kSearchChunk = 2000;

std::string formatValue(const std::optional<double>& v, bool percent) {
    if (!v) return "-";
    char buf[64];
    if (percent)
        std::snprintf(buf, sizeof buf, "%.1f%%", *v * 100.0);
    else if (*v == static_cast<double>(static_cast<unsigned long long>(*v)))
        std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(*v));
    else
        std::snprintf(buf, sizeof buf, "%.2f", *v);
    return buf;
}

/// Every cache grid (and TLB grid) of one session, one under the other, in the current column.
void drawSessionGrids(AppState& state, const Player& p, const char* id, bool pinSelection) {
    ImGui::PushID(id);
    const Simulator& sim = p.session().simulator();
    const ReferenceNarration* last = p.last() ? &*p.last() : nullptr;
    const float rowH = std::max(4.f, std::floor(ImGui::GetFontSize() * 1.35f));
    const auto& caches = sim.hierarchy().caches();
    for (std::uint32_t c = 0; c < caches.size(); ++c) {
        const std::optional<std::uint32_t> sel =
            pinSelection && state.selectedCache == c ? state.selectedSet : std::nullopt;
        const CacheGrid g = buildCacheGrid(caches[c], c, last, 16, sel);
        ImGui::Text("%s  %u sets x %u ways", g.name.c_str(), g.sets, g.ways);
        if (g.shownSets < g.sets) {
            ImGui::SameLine();
            ImGui::TextDisabled("(sets %u-%u)", g.firstSet, g.firstSet + g.shownSets - 1);
        }
        drawCacheGrid(state, std::string(id) + " cache " + g.name, g, pinSelection ? c : ~std::uint32_t{0},
                      static_cast<float>(g.shownSets) * rowH);
    }
    if (const Mmu* mmu = sim.mmu()) {
        for (std::uint32_t t = 0; t < mmu->tlbs().size(); ++t) {
            const bool processes = runsProcesses(p.session());
            const CacheGrid g = buildTlbGrid(*mmu, t, last, 8, processes);
            ImGui::Text("%s  %u sets x %u ways (%s)", g.name.c_str(), g.sets, g.ways,
                        processes ? "pN = process, then page number" : "page numbers");
            drawCacheGrid(state, std::string(id) + " tlb " + g.name, g, ~std::uint32_t{0}, static_cast<float>(g.shownSets) * rowH);
        }
    }
    ImGui::PopID();
}

}  // namespace

bool startCompare(AppState& state, const std::string& path) {
    try {
        Comparison cmp(openScene(SceneSpec{path, state.scene.source}), std::filesystem::path(path).filename().string());
        cmp.follow(*state.player);
        state.compare.emplace(std::move(cmp));
        std::snprintf(state.comparePath.data(), state.comparePath.size(), "%s", path.c_str());
        state.compareSearch.clear();
        state.compareSearching = false;
        state.error.clear();
        return true;
    } catch (const Error& e) {
        state.error = e.what();  // the previous comparison (if any) stays
        return false;
    }
}

void drawCompare(AppState& state) {
    if (!beginPanel(state, "compare", "Compare")) {
        ImGui::End();
        return;
    }
    if (state.comparePath[0] == '\0')
        std::snprintf(state.comparePath.data(), state.comparePath.size(), "%s/configs/default.json",
                      state.sourceDir.c_str());
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 22);
    ImGui::InputText("##second", state.comparePath.data(), state.comparePath.size());
    tooltip("The second config (B): a path, or pick a preset");
    ImGui::SameLine();
    presetCombo("##comparepresets", state.sourceDir, state.comparePath);
    ImGui::SameLine();
    if (ImGui::Button(state.compare ? "Restart" : "Start")) startCompare(state, state.comparePath.data());
    tooltip("Run the same source under the second config, in lockstep with the player");
    if (state.compare) {
        ImGui::SameLine();
        if (ImGui::Button("Stop")) {
            state.compare.reset();
            state.compareSearching = false;
        }
    }
    if (!state.compare) {
        ImGui::TextWrapped(
            "Start runs the open source under a second config (B) at the player's position; every "
            "step, step back, seek, run to event and reset moves both. The panel shows both "
            "outcomes of the current reference, the counters where they differ, and B's grids.");
        if (!state.error.empty()) ImGui::TextColored(colv(palette::kMiss), "%s", state.error.c_str());
        ImGui::End();
        return;
    }
    Comparison& cmp = *state.compare;
    Player& a = *state.player;
    try {
        cmp.follow(a);  // the player may have moved earlier in this frame
    } catch (const Error& e) {
        state.error = e.what();
        state.compare.reset();
        ImGui::End();
        return;
    }
    const std::string nameA = std::filesystem::path(state.scene.configPath).filename().string();
    ImGui::Text("A: %s    B: %s    position %llu", nameA.c_str(), cmp.label().c_str(),
                static_cast<unsigned long long>(a.position()));

    // The current reference in both.
    const auto oa = cmp.outcomeA(a), ob = cmp.outcomeB();
    if (oa && ob) {
        const bool differs = !oa->sameAs(*ob);
        ImGui::Text("reference %llu:", static_cast<unsigned long long>(a.last()->index));
        ImGui::SameLine();
        const ImVec4 c = differs ? colv(okabe_ito::kOrange) : colv(palette::kText);
        ImGui::TextColored(c, "%s A: %s  /  B: %s", differs ? "[differs]" : "[same]", oa->text().c_str(),
                           ob->text().c_str());
        tooltip(
            "The reference's path in each config: the levels it reached with hit or miss (TLBs and page "
            "faults first with an MMU). [differs] when the levels or their hits differ.");
    } else {
        ImGui::TextDisabled("Nothing simulated yet: step the player.");
    }
    if (state.compareSearching) {
        // A chunk per frame, so the window keeps redrawing during a long search.
        switch (cmp.runToNextDifference(a, kSearchChunk)) {
            case Comparison::Search::Found:
                state.compareSearch =
                    "stopped at reference " + std::to_string(a.last()->index) + ", the next whose outcome differs";
                state.compareSearching = false;
                break;
            case Comparison::Search::End:
                state.compareSearch = "no difference up to the end";
                state.compareSearching = false;
                break;
            case Comparison::Search::Limit:
                state.compareSearch = "searching... at reference " + std::to_string(a.position());
                break;
        }
    }
    if (ImGui::Button(state.compareSearching ? "Stop searching" : "Run to the next difference")) {
        state.compareSearching = !state.compareSearching;
        if (state.compareSearching)
            a.pause();
        else
            state.compareSearch = "stopped searching at reference " + std::to_string(a.position());
    }
    tooltip("Steps A and B together until a reference reaches other levels or hits/misses differently");
    if (!state.compareSearch.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", state.compareSearch.c_str());
    }

    // Counters side by side: differing rows in orange with a marker (colour is never the only cue).
    ImGui::Separator();
    const float tableH = std::min(ImGui::GetContentRegionAvail().y * 0.4f, ImGui::GetTextLineHeightWithSpacing() * 14);
    if (ImGui::BeginTable(
            "counters", 5,
            ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg,
            ImVec2(0, tableH))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* h : {"", "structure", "counter", "A", "B"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (const CounterRow& r : compareCounters(a.session(), cmp.b().session())) {
            const bool d = r.differs();
            const ImVec4 c = d ? colv(okabe_ito::kOrange) : colv(palette::kText);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextColored(c, "%s", d ? "!=" : "");
            ImGui::TableNextColumn();
            ImGui::TextColored(c, "%s", r.structure.c_str());
            ImGui::TableNextColumn();
            ImGui::TextColored(c, "%s", r.counter.c_str());
            ImGui::TableNextColumn();
            ImGui::TextColored(c, "%s", formatValue(r.a, r.percent).c_str());
            ImGui::TableNextColumn();
            ImGui::TextColored(c, "%s", formatValue(r.b, r.percent).c_str());
        }
        ImGui::EndTable();
    }

    // The grids of both, side by side.
    if (ImGui::BeginTable("grids", 2, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY)) {
        ImGui::TableSetupColumn(("A: " + nameA).c_str());
        ImGui::TableSetupColumn(("B: " + cmp.label()).c_str());
        ImGui::TableHeadersRow();
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const std::size_t cellsBefore = state.cells.size();
        drawSessionGrids(state, a, "A", true);
        ImGui::TableNextColumn();
        drawSessionGrids(state, cmp.b(), "B", false);
        state.cells.erase(state.cells.begin() + static_cast<std::ptrdiff_t>(cellsBefore),
                          state.cells.end());  // --layout-json lists the cache-grid panel's cells only
        ImGui::EndTable();
    }
    ImGui::End();
}

}  // namespace cachescope::gui
