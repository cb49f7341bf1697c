// Docs that cannot go stale: every ```console block in README.md, docs/ and docs/lessons/ is run
// and its output compared with the excerpt the page shows (docs/testing.md, "Examples in the docs").
//
//   ```console
//   $ cachescope run --config configs/teaching.json traces/thrash-one-set.trace
//   L1          12        0      12    100.00%  ...     <- each shown line must appear in the output,
//   ...                                                    in order; "..." marks lines left out
//   ```
//
// Commands run with bash in a fresh folder per block that links configs/, traces/ and tests/ of the
// checkout, with `cachescope` (and `build/cachescope`) the CLI under test; standard output and
// error are compared together, as a terminal shows them. Runs of spaces compare equal to one space.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_run.hpp"

namespace fs = std::filesystem;
using namespace cachescope::testing;

namespace {

struct Example {
    std::string file;
    std::size_t line = 0;  // of the command
    std::string command;
    std::vector<std::pair<std::size_t, std::string>> expected;  // (line, text)
};
struct Block {
    std::vector<Example> examples;  // run in order, in one folder
};

std::string squeeze(const std::string& s) {
    std::string out;
    bool space = false;
    for (const char c : s) {
        if (c == ' ' || c == '\t' || c == '\r') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::vector<Block> readBlocks(const fs::path& path, const std::string& name) {
    std::ifstream in(path);
    std::vector<Block> blocks;
    std::string text;
    std::size_t lineNo = 0;
    bool inConsole = false, inOther = false;
    Example* current = nullptr;
    bool continued = false;
    while (std::getline(in, text)) {
        ++lineNo;
        if (!inConsole && !inOther) {
            if (text.rfind("```console", 0) == 0) {
                inConsole = true;
                blocks.emplace_back();
                current = nullptr;
            } else if (text.rfind("```", 0) == 0) {
                inOther = true;
            }
            continue;
        }
        if (text.rfind("```", 0) == 0) {
            inConsole = inOther = false;
            continue;
        }
        if (inOther) continue;
        if (continued && current != nullptr) {
            current->command += "\n" + text;
            continued = !text.empty() && text.back() == '\\';
            continue;
        }
        if (text.rfind("$ ", 0) == 0) {
            blocks.back().examples.push_back({name, lineNo, text.substr(2), {}});
            current = &blocks.back().examples.back();
            continued = !text.empty() && text.back() == '\\';
            continue;
        }
        const std::string want = squeeze(text);
        if (current != nullptr && !want.empty() && want != "...") current->expected.emplace_back(lineNo, want);
    }
    return blocks;
}

std::vector<fs::path> docPages() {
    const fs::path root = CACHESCOPE_SOURCE_DIR;
    std::vector<fs::path> pages = {root / "README.md"};
    for (const char* dir : {"docs", "docs/lessons"}) {
        std::error_code ec;
        for (const fs::directory_entry& e : fs::directory_iterator(root / dir, ec))
            if (e.path().extension() == ".md") pages.push_back(e.path());
    }
    std::sort(pages.begin(), pages.end());
    return pages;
}

/// Runs one block's commands in a fresh folder; returns every mismatch as a message.
std::vector<std::string> runBlock(const Block& block) {
    const fs::path root = CACHESCOPE_SOURCE_DIR;
    ScratchDir dir;
    for (const char* d : {"configs", "traces", "tests"}) fs::create_directory_symlink(root / d, dir.path / d);
    fs::create_directories(dir.path / "build");
    fs::create_directories(dir.path / ".bin");
    fs::create_symlink(CACHESCOPE_CLI_PATH, dir.path / "build" / "cachescope");
    fs::create_symlink(CACHESCOPE_CLI_PATH, dir.path / ".bin" / "cachescope");
    std::vector<std::string> problems;
    for (const Example& ex : block.examples) {
        const fs::path script = dir.path / ".command.sh", out = dir.path / ".out", err = dir.path / ".err";
        writeFile(script, ex.command + "\n");
        const CliResult r = runShell("cd '" + dir.path.string() + "' && PATH='" + (dir.path / ".bin").string() +
                                         "':\"$PATH\" bash .command.sh </dev/null >'" + out.string() + "' 2>&1",
                                     out, err);
        std::vector<std::string> lines;
        std::istringstream is(r.out);
        for (std::string l; std::getline(is, l);) lines.push_back(squeeze(l));
        std::size_t at = 0;
        for (const auto& [lineNo, want] : ex.expected) {
            std::size_t i = at;
            while (i < lines.size() && lines[i] != want) ++i;
            if (i == lines.size()) {
                problems.push_back(ex.file + ":" + std::to_string(lineNo) + ": `" + want + "` not in the output of `" +
                                   ex.command + "` (line " + std::to_string(ex.line) + ", after the excerpt's line " +
                                   std::to_string(at) + "); it printed:\n" + r.out.substr(0, 3000));
                break;
            }
            at = i + 1;
        }
    }
    return problems;
}

}  // namespace

TEST_CASE("docs: every console example in README.md and docs/ prints what the page shows") {
    std::size_t examples = 0, lines = 0;
    for (const fs::path& page : docPages()) {
        const std::string name = fs::relative(page, CACHESCOPE_SOURCE_DIR).string();
        for (const Block& block : readBlocks(page, name)) {
            for (const Example& ex : block.examples) {
                ++examples;
                lines += ex.expected.size();
            }
            for (const std::string& problem : runBlock(block)) FAIL_CHECK(problem);
        }
    }
    MESSAGE(examples << " examples, " << lines << " expected lines");
    CHECK(examples >= 5);  // the runner found the examples (it would pass vacuously otherwise)
}

TEST_CASE("docs: the example runner finds a missing line and accepts excerpts in order") {
    ScratchDir dir;
    writeFile(dir.path / "page.md",
              "text\n```console\n$ echo 'a   b'; echo c; echo d\na b\n...\nd\n$ printf 'x\\ny\\n' | \\\n  cat\ny\n```\n"
              "```\n$ not run\n```\n```console\n$ echo one\ntwo\n```\n");
    const std::vector<Block> blocks = readBlocks(dir.path / "page.md", "page.md");
    REQUIRE(blocks.size() == 2);
    REQUIRE(blocks[0].examples.size() == 2);
    CHECK(blocks[0].examples[0].expected.size() == 2);  // "a b" and "d"; "..." is not a line
    CHECK(blocks[0].examples[1].command == "printf 'x\\ny\\n' | \\\n  cat");
    CHECK(runBlock(blocks[0]).empty());
    const std::vector<std::string> problems = runBlock(blocks[1]);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].rfind("page.md:16: `two` not in the output of `echo one`", 0) == 0);
}
