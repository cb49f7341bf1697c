#include "model/scene.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"

namespace cachescope::gui {

SceneSpec teachingScene(const std::string& sourceDir) {
    return {sourceDir + "/configs/teaching.json", SourceSpec::kernelRun("matmul", {"n=16", "order=ijk"})};
}

std::unique_ptr<Session> openScene(const SceneSpec& scene, bool classify) {
    return openScene(loadConfig(scene.configPath), scene.source, classify);
}

std::unique_ptr<Session> openScene(const SimConfig& config, const SourceSpec& source, bool classify) {
    validate(config);  // the Session requires a valid config; an edited one may not be
    SessionOptions options;
    options.seekable = true;
    options.classify = classify;
    // Checkpoints no closer than this: each one copies the state (the 3C shadows included), and a
    // seek replays at tens of millions of references per second, so this spacing keeps max mode
    // near the command line's speed and a seek well within a frame.
    options.minCheckpointInterval = kMinCheckpointInterval;
    return std::make_unique<Session>(config, source, options);
}

const std::vector<std::string>& panelNames() {
    static const std::vector<std::string> names{"player", "caches",   "inspector", "tensors", "stats",  "quiz",
                                                "tlb",    "segments", "heatmap",   "compare", "config", "scene"};
    return names;
}

std::string sceneSourceLabel(const SourceSpec& source) {
    if (!source.mix.empty()) {
        std::string text = "mix quantum=" + std::to_string(source.quantum) + ":";
        for (std::size_t p = 0; p < source.mix.size(); ++p)
            text += (p == 0 ? " p" : ", p") + std::to_string(p) + " " + source.mix[p];
        return text;
    }
    std::string text = source.kernel.empty() ? source.trace : "kernel " + source.kernel;
    for (const std::string& p : source.params) text += " " + p;
    return text;
}

std::vector<ScriptAction> parseScript(const std::string& text, const std::string& source) {
    std::vector<ScriptAction> out;
    std::istringstream lines(text);
    std::string line;
    for (std::size_t lineNo = 1; std::getline(lines, line); ++lineNo) {
        std::istringstream words(line);
        std::vector<std::string> w;
        for (std::string word; words >> word;) w.push_back(word);
        if (w.empty() || w[0][0] == '#') continue;
        const std::string where = source + ":" + std::to_string(lineNo) + ": ";
        auto number = [&](std::size_t i) {
            std::uint64_t v = 0;
            if (i >= w.size()) throw UsageError(where + "'" + w[0] + "' needs a number");
            const auto [p, ec] = std::from_chars(w[i].data(), w[i].data() + w[i].size(), v);
            if (ec != std::errc{} || p != w[i].data() + w[i].size())
                throw UsageError(where + "expected a number after '" + w[0] + "', got '" + w[i] + "'");
            return v;
        };
        ScriptAction a;
        const std::string& verb = w[0];
        if (verb == "step" || verb == "back" || verb == "seek") {
            a.kind = verb == "step" ? ScriptAction::Kind::Step : verb == "back" ? ScriptAction::Kind::Back
                                                                                  : ScriptAction::Kind::Seek;
            a.number = w.size() == 1 && verb != "seek" ? 1 : number(1);
        } else if (verb == "end") {
            a.kind = ScriptAction::Kind::End;
        } else if (verb == "select") {
            a.kind = ScriptAction::Kind::Select;
            if (w.size() < 3) throw UsageError(where + "expected 'select CACHE SET'");
            a.name = w[1];
            a.number = number(2);
        } else if (verb == "panel") {
            a.kind = ScriptAction::Kind::Panel;
            const auto& names = panelNames();
            if (w.size() < 2 || std::find(names.begin(), names.end(), w[1]) == names.end())
                throw UsageError(where + "expected 'panel NAME' with NAME one of player, caches, inspector, "
                                         "tensors, stats, quiz, tlb, segments, heatmap, compare, config, scene");
            a.name = w[1];
        } else if (verb == "quiz" || verb == "presenter") {
            a.kind = verb == "quiz" ? ScriptAction::Kind::Quiz : ScriptAction::Kind::Presenter;
            if (w.size() < 2 || (w[1] != "on" && w[1] != "off"))
                throw UsageError(where + "expected '" + verb + " on' or '" + verb + " off'");
            a.on = w[1] == "on";
        } else if (verb == "open") {
            a.kind = ScriptAction::Kind::Open;
            if (w.size() < 4 || (w[2] != "kernel" && w[2] != "trace" && w[2] != "mix"))
                throw UsageError(where + "expected 'open CONFIG kernel NAME [k=v ...]', 'open CONFIG trace FILE' or "
                                         "'open CONFIG mix SOURCE SOURCE ... [quantum Q]'");
            a.scene.configPath = w[1];
            if (w[2] == "mix") {
                std::size_t end = w.size();
                std::uint64_t quantum = SourceSpec{}.quantum;  // the command line's default
                if (w.size() >= 5 && w[w.size() - 2] == "quantum") {
                    quantum = number(w.size() - 1);
                    end = w.size() - 2;
                }
                if (end <= 3) throw UsageError(where + "'open CONFIG mix' needs at least one source before 'quantum'");
                a.scene.source = SourceSpec::mixOf(std::vector<std::string>(w.begin() + 3, w.begin() + static_cast<std::ptrdiff_t>(end)), quantum);
            } else if (w[2] == "trace") {
                if (w.size() != 4) throw UsageError(where + "'open CONFIG trace FILE' takes one file");
                a.scene.source = SourceSpec::file(w[3]);
            } else {
                a.scene.source = SourceSpec::kernelRun(w[3], std::vector<std::string>(w.begin() + 4, w.end()));
            }
        } else if (verb == "compare") {
            a.kind = ScriptAction::Kind::Compare;
            if (w.size() != 2) throw UsageError(where + "expected 'compare CONFIG'");
            a.name = w[1];
        } else if (verb == "difference") {
            a.kind = ScriptAction::Kind::Difference;
        } else if (verb == "edit") {
            a.kind = ScriptAction::Kind::Edit;
            if (w.size() < 2 || w[1][0] != '/') throw UsageError(where + "expected 'edit PATH TEXT' with PATH a JSON path such as /caches/0/size");
            a.name = w[1];
            for (std::size_t i = 2; i < w.size(); ++i) a.text += (i > 2 ? " " : "") + w[i];
        } else {
            throw UsageError(where + "unknown action '" + verb +
                             "' (expected open, step, back, seek, end, select, panel, quiz, presenter, compare, "
                             "difference or edit)");
        }
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace cachescope::gui
