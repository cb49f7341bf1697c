// docs/guide.md cannot miss a command or an option: every subcommand that `cachescope --help`
// lists (and each subcommand's --help in turn), and every option each --help prints, must have
//   - a section in the guide whose heading names the command in backticks (### `cachescope run`),
//   - the option named in backticks in that section, or in a section of the guide it links to
//     (the shared source options are documented once, under "Where the references come from"),
//   - an example command in the guide (a `$ ` line of a console block, or a line of an sh block)
//     that runs the command with the option, or another command whose --help prints the same
//     option with the same text (`--decode-thread` shown once with `run` covers `mrc` too).
// The same holds for cachescope-gui's options when the GUI is built. A new option therefore fails
// this test until the guide documents it with an example (docs/testing.md).

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_run.hpp"

namespace fs = std::filesystem;
using namespace cachescope::testing;

namespace {

struct HelpOption {
    std::vector<std::string> names;  // "-c", "--config"
    std::string text;                // everything --help prints for it, to recognize shared options
};
struct HelpPage {
    std::vector<std::string> subcommands;
    std::vector<HelpOption> options;
};

/// Reads CLI11's --help: "Subcommands:" and "Options:" sections, entries indented by two spaces,
/// continuation lines indented deeper. --help itself is left out.
HelpPage parseHelp(const std::string& help) {
    HelpPage page;
    std::istringstream in(help);
    std::string section;
    HelpOption* current = nullptr;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line[0] != ' ') {
            section = line;
            current = nullptr;
            continue;
        }
        const bool entry = line.size() > 2 && line.compare(0, 2, "  ") == 0 && line[2] != ' ';
        if (section == "Subcommands:" && entry) {
            page.subcommands.push_back(line.substr(2, line.find(' ', 2) - 2));
        } else if (section == "Options:" && entry && line[2] == '-') {
            const std::string first = line.substr(2, line.find(' ', 2) - 2);
            HelpOption option;
            std::istringstream names(first);
            for (std::string name; std::getline(names, name, ',');) option.names.push_back(name);
            option.text = line.substr(2 + first.size());
            current = nullptr;
            if (std::find(option.names.begin(), option.names.end(), "--help") != option.names.end()) continue;
            page.options.push_back(option);
            current = &page.options.back();
        } else if (section == "Options:" && current != nullptr && !line.empty()) {
            current->text += "\n" + line;
        }
    }
    return page;
}

/// GitHub's anchor of a heading: lower case, spaces to '-', other punctuation but '-' and '_' dropped.
std::string anchorOf(const std::string& heading) {
    std::string a;
    for (const char c : heading.substr(heading.find_first_not_of('#'))) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            a += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (c == ' ')
            a += '-';
        else if (c == '-' || c == '_')
            a += c;
    }
    return a.substr(a.find_first_not_of('-'));
}

struct Guide {
    std::map<std::string, std::string> sectionByCommand;  // "cachescope run" -> its section's text
    std::map<std::string, std::string> sectionByAnchor;
    std::vector<std::string> examples;  // commands, continuation lines joined
};

Guide readGuide(const std::string& text) {
    Guide guide;
    std::istringstream in(text);
    std::string anchor, command, fence;
    std::string pending;  // an example continued with a trailing backslash
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("```", 0) == 0) {
            fence = fence.empty() ? (line.size() > 3 ? line.substr(3) : "plain") : "";
            continue;
        }
        if (fence.empty() && line.rfind("#", 0) == 0) {
            anchor = anchorOf(line);
            command.clear();
            const std::size_t open = line.find('`');  // a command's heading names it in backticks
            if (open != std::string::npos) command = line.substr(open + 1, line.find('`', open + 1) - open - 1);
        }
        if (!anchor.empty()) guide.sectionByAnchor[anchor] += line + "\n";
        if (!command.empty()) guide.sectionByCommand[command] += line + "\n";
        std::string example;
        if (fence == "console" && (line.rfind("$ ", 0) == 0 || !pending.empty()))
            example = line.rfind("$ ", 0) == 0 ? line.substr(2) : line;
        else if (fence == "sh")
            example = line;
        if (example.empty() && pending.empty()) continue;
        pending += " " + example;
        if (!example.empty() && example.back() == '\\') continue;
        guide.examples.push_back(pending);
        pending.clear();
    }
    return guide;
}

/// Whether `text` names `option` in backticks: `--json`, `--config FILE`, `-c`.
bool namesOption(const std::string& text, const std::string& option) {
    const std::string needle = "`" + option;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        const char after = at + needle.size() < text.size() ? text[at + needle.size()] : '\0';
        if (after == '`' || after == ' ') return true;
    }
    return false;
}

/// The (command, option words) of every invocation of `program` in an example line: "cachescope
/// trace record -o x.bin" gives ("cachescope trace record", {"-o", "x.bin"}).
std::vector<std::pair<std::string, std::vector<std::string>>> invocations(const std::string& example,
                                                                          const std::string& program,
                                                                          const std::set<std::string>& commands) {
    std::vector<std::string> words;
    std::istringstream in(example);
    for (std::string w; in >> w;) words.push_back(w);
    std::vector<std::pair<std::string, std::vector<std::string>>> found;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i] != program && !words[i].ends_with("/" + program)) continue;
        std::string command = program;
        std::size_t j = i + 1;
        while (j < words.size() && commands.count(command + " " + words[j]) > 0) command += " " + words[j++];
        std::vector<std::string> options;
        for (; j < words.size(); ++j) {
            const std::string& w = words[j];
            if (w == "|" || w == "&&" || w == "||" || w == ";" || w == ">" || w == "<" || w[0] == '#') break;
            options.push_back(w);
        }
        found.emplace_back(command, options);
    }
    return found;
}

bool usesOption(const std::vector<std::string>& words, const HelpOption& option) {
    for (const std::string& w : words)
        for (const std::string& name : option.names)
            if (w == name || w.rfind(name + "=", 0) == 0) return true;
    return false;
}

struct Program {
    std::string name;                               // "cachescope"
    std::map<std::string, HelpPage> pages;          // "cachescope trace record" -> its --help
};

/// Reads `binary --help` and every subcommand's --help, recursively.
Program readProgram(const std::string& name, const std::string& binary) {
    Program program{name, {}};
    std::vector<std::string> todo = {""};
    while (!todo.empty()) {
        const std::string path = todo.back();
        todo.pop_back();
        ScratchDir scratch;
        const CliResult r = runShell("'" + binary + "'" + path + " --help >'" + (scratch.path / "out").string() +
                                         "' 2>'" + (scratch.path / "err").string() + "'",
                                     scratch.path / "out", scratch.path / "err");
        REQUIRE_MESSAGE(r.status == 0, name << path << " --help failed: " << r.err);
        HelpPage page = parseHelp(r.out);
        for (const std::string& sub : page.subcommands) todo.push_back(path + " " + sub);
        program.pages[name + path] = std::move(page);
    }
    return program;
}

/// Every problem of the guide for one program, one message each.
std::vector<std::string> checkGuide(const Guide& guide, const Program& program) {
    std::set<std::string> commands;
    for (const auto& [command, page] : program.pages) commands.insert(command);
    // Which commands' examples count for an option: every command printing the same option and text.
    std::map<std::pair<std::string, std::string>, std::set<std::string>> sharing;
    for (const auto& [command, page] : program.pages)
        for (const HelpOption& o : page.options) sharing[{o.names.back(), o.text}].insert(command);
    std::vector<std::pair<std::string, std::vector<std::string>>> runs;
    for (const std::string& example : guide.examples)
        for (auto& run : invocations(example, program.name, commands)) runs.push_back(std::move(run));

    std::vector<std::string> problems;
    for (const auto& [command, page] : program.pages) {
        const auto section = guide.sectionByCommand.find(command);
        if (section == guide.sectionByCommand.end()) {
            problems.push_back("no section for `" + command + "` (a heading naming it in backticks)");
            continue;
        }
        // The section and the sections of the guide it links to.
        std::string documented = section->second;
        for (std::size_t at = section->second.find("](#"); at != std::string::npos;
             at = section->second.find("](#", at + 1)) {
            const std::size_t end = section->second.find(')', at);
            const auto linked = guide.sectionByAnchor.find(section->second.substr(at + 3, end - at - 3));
            if (linked != guide.sectionByAnchor.end()) documented += linked->second;
        }
        for (const HelpOption& option : page.options) {
            const std::string& longest = option.names.back();
            if (std::none_of(option.names.begin(), option.names.end(),
                             [&](const std::string& n) { return namesOption(documented, n); }))
                problems.push_back("`" + command + " " + longest + "` is not named in its section (`" + longest + "`)");
            const std::set<std::string>& same = sharing[{longest, option.text}];
            if (std::none_of(runs.begin(), runs.end(), [&](const auto& run) {
                    return same.count(run.first) > 0 && usesOption(run.second, option);
                }))
                problems.push_back("`" + command + " " + longest + "` has no example in the guide");
        }
    }
    return problems;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string s;
    for (const std::string& l : lines) s += l + "\n";
    return s;
}

}  // namespace

TEST_CASE("guide: docs/guide.md documents every command and option of cachescope --help, each with an example") {
    const Guide guide = readGuide(readFile(fs::path(CACHESCOPE_SOURCE_DIR) / "docs" / "guide.md"));
    const Program cli = readProgram("cachescope", CACHESCOPE_CLI_PATH);
    // The walk found the command tree (it would pass vacuously on an unreadable --help).
    CHECK(cli.pages.count("cachescope run") == 1);
    CHECK(cli.pages.count("cachescope trace record") == 1);
    CHECK(cli.pages.at("cachescope run").options.size() >= 10);
    const std::vector<std::string> problems = checkGuide(guide, cli);
    CHECK_MESSAGE(problems.empty(), joined(problems));
}

#ifdef CACHESCOPE_GUI_PATH
TEST_CASE("guide: docs/guide.md documents every option of cachescope-gui --help") {
    const Guide guide = readGuide(readFile(fs::path(CACHESCOPE_SOURCE_DIR) / "docs" / "guide.md"));
    const Program gui = readProgram("cachescope-gui", CACHESCOPE_GUI_PATH);
    CHECK(gui.pages.at("cachescope-gui").options.size() >= 8);
    const std::vector<std::string> problems = checkGuide(guide, gui);
    CHECK_MESSAGE(problems.empty(), joined(problems));
}
#endif

TEST_CASE("guide: the coverage check finds a missing section, option and example") {
    const std::string help =
        "tool: a tool\nUsage: tool [OPTIONS] SUBCOMMAND\n\nOptions:\n"
        "  -h,--help                   Print this help message and exit\n\n"
        "Subcommands:\n  go                          Go\n  stop                        Stop\n";
    const std::string goHelp =
        "Go\nUsage: tool go [OPTIONS]\n\nOptions:\n  -h,--help                   Print this help message and exit\n"
        "  -f,--fast                   Fast\n  --level TEXT:{a,b}\n                              Level\n"
        "  --json                      Print as JSON\n\nExamples:\n  tool go --fast\n";
    const HelpPage root = parseHelp(help), go = parseHelp(goHelp);
    REQUIRE(root.subcommands == std::vector<std::string>{"go", "stop"});
    REQUIRE(go.options.size() == 3);  // --help left out
    CHECK(go.options[0].names == std::vector<std::string>{"-f", "--fast"});
    CHECK(go.options[1].text.find("Level") != std::string::npos);  // the continuation line
    const Program program{"tool", {{"tool", root}, {"tool go", go}, {"tool stop", parseHelp("Stop\n")}}};

    const Guide guide = readGuide(
        "# Guide\n\n## Shared\n\n`--level L` chooses.\n\n## `tool go`\n\n| `-f`, `--fast` | fast |\n"
        "See [shared](#shared).\n\n```console\n$ tool go -f --level=a \\\n  --json | head\n```\n\n"
        "## `tool`\n\n```sh\nbuild/tool stop   # --json\n```\n");
    CHECK(guide.sectionByCommand.count("tool go") == 1);
    CHECK(guide.examples.size() == 2);
    // Missing: the section of `tool stop`; `--json` named in `tool go`'s section (only used).
    const std::vector<std::string> problems = checkGuide(guide, program);
    CHECK(problems == std::vector<std::string>{"`tool go --json` is not named in its section (`--json`)",
                                               "no section for `tool stop` (a heading naming it in backticks)"});
    // An option used only after a comment or a pipe has no example.
    const Guide noExample = readGuide("## `tool`\n## `tool go`\n`--fast` `--level` `--json`\n```sh\ntool go --json # --fast\n"
                                      "tool go | x --level a\n```\n## `tool stop`\n");
    CHECK(checkGuide(noExample, program) == std::vector<std::string>{"`tool go --fast` has no example in the guide",
                                                                     "`tool go --level` has no example in the guide"});
}
