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
// docs/ is there as real folders of links to the checkout's files, so a command can read a page's
// inputs (docs/lessons/configs/...) and write a picture (`--plot docs/lessons/img/x.svg`): the
// atomic write replaces the link, and the file must then equal the checked-in one
// (CACHESCOPE_UPDATE_GOLDEN=1 copies it into the checkout instead).

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
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

std::vector<fs::path> docPages(const std::vector<const char*>& dirs, bool withReadme) {
    const fs::path root = CACHESCOPE_SOURCE_DIR;
    std::vector<fs::path> pages;
    if (withReadme) pages.push_back(root / "README.md");
    for (const char* dir : dirs) {
        std::error_code ec;
        for (const fs::directory_entry& e : fs::directory_iterator(root / dir, ec))
            if (e.path().extension() == ".md") pages.push_back(e.path());
    }
    std::sort(pages.begin(), pages.end());
    return pages;
}

bool updating() {
    const char* v = std::getenv("CACHESCOPE_UPDATE_GOLDEN");
    return v != nullptr && std::string(v) == "1";
}

/// Recreates root/docs under `to` as real folders holding links to the checkout's files.
void mirrorDocs(const fs::path& root, const fs::path& to) {
    std::error_code ec;
    if (!fs::is_directory(root / "docs", ec)) return;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(root / "docs")) {
        const fs::path rel = fs::relative(e.path(), root);
        if (e.is_directory()) {
            fs::create_directories(to / rel);
        } else {
            fs::create_directories((to / rel).parent_path());
            fs::create_symlink(e.path(), to / rel);
        }
    }
}

/// The files the block's commands wrote under docs/ (links replaced or new files) against the
/// checkout's: a message for each that differs or is not checked in; with `update`, copies them.
std::vector<std::string> checkWrittenDocs(const fs::path& root, const fs::path& dir, const Example& first,
                                          bool update) {
    std::vector<std::string> problems;
    std::error_code ec;
    if (!fs::is_directory(dir / "docs", ec)) return problems;
    std::vector<fs::path> written;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir / "docs"))
        if (!e.is_symlink() && e.is_regular_file()) written.push_back(fs::relative(e.path(), dir));
    std::sort(written.begin(), written.end());
    for (const fs::path& rel : written) {
        const std::string made = readFile(dir / rel);
        const bool present = fs::exists(root / rel);
        if (present && readFile(root / rel) == made) continue;
        if (update) {
            fs::create_directories((root / rel).parent_path());
            writeFile(root / rel, made);
            continue;
        }
        problems.push_back(first.file + ":" + std::to_string(first.line) + ": the block's commands write " +
                           rel.string() + (present ? ", which differs from the checked-in file"
                                                   : ", which is not in the checkout") +
                           " (" + std::to_string(made.size()) + " bytes made); if the change is intended, run " +
                           "CACHESCOPE_UPDATE_GOLDEN=1 build-test/tests/cachescope_tests -tc='docs*' and commit it");
    }
    return problems;
}

/// Runs one block's commands in a fresh folder made from the checkout at `root`; returns every
/// mismatch as a message (and, with `update`, copies the files written under docs/ into `root`).
std::vector<std::string> runBlock(const Block& block, const fs::path& root = CACHESCOPE_SOURCE_DIR,
                                  bool update = false) {
    ScratchDir dir;
    for (const char* d : {"configs", "traces", "tests"}) fs::create_directory_symlink(root / d, dir.path / d);
    mirrorDocs(root, dir.path);
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
    if (!block.examples.empty())
        for (std::string& p : checkWrittenDocs(root, dir.path, block.examples.front(), update))
            problems.push_back(std::move(p));
    return problems;
}

/// Runs every block of `pages`; returns the number of examples and expected lines.
std::pair<std::size_t, std::size_t> runPages(const std::vector<fs::path>& pages) {
    std::size_t examples = 0, lines = 0;
    const bool update = updating();
    for (const fs::path& page : pages) {
        const std::string name = fs::relative(page, CACHESCOPE_SOURCE_DIR).string();
        for (const Block& block : readBlocks(page, name)) {
            for (const Example& ex : block.examples) {
                ++examples;
                lines += ex.expected.size();
            }
            for (const std::string& problem : runBlock(block, CACHESCOPE_SOURCE_DIR, update)) FAIL_CHECK(problem);
        }
    }
    return {examples, lines};
}

}  // namespace

TEST_CASE("docs: every console example in README.md and docs/ prints what the page shows") {
    const auto [examples, lines] = runPages(docPages({"docs"}, true));
    MESSAGE(examples << " examples, " << lines << " expected lines");
    CHECK(examples >= 5);  // the runner found the examples (it would pass vacuously otherwise)
}

TEST_CASE("docs: every console example in docs/lessons/ prints what the lesson shows and makes its pictures") {
    const auto [examples, lines] = runPages(docPages({"docs/lessons"}, false));
    MESSAGE(examples << " examples, " << lines << " expected lines");
    CHECK(examples >= 9);  // one lesson at least has one (it would pass vacuously otherwise)
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

TEST_CASE("docs: a block reads the pages' files and its pictures must equal the checked-in ones") {
    // A checkout of its own: docs/lessons/ with an input and a picture.
    ScratchDir root;
    fs::create_directories(root.path / "docs" / "lessons" / "img");
    writeFile(root.path / "docs" / "lessons" / "input.txt", "from the lesson\n");
    writeFile(root.path / "docs" / "lessons" / "img" / "pic.txt", "old picture\n");
    // Each command writes as cachescope's outputs do: a temporary name, then a rename.
    const std::string write = "printf '%s\\n' \"$1\" > docs/lessons/img/t && mv docs/lessons/img/t docs/lessons/img/";
    writeFile(root.path / "page.md",
              "```console\n$ cat docs/lessons/input.txt\nfrom the lesson\n$ set -- 'old picture'; " + write +
                  "pic.txt\n```\n```console\n$ set -- 'new picture'; " + write + "pic.txt\n```\n```console\n$ set -- x; " +
                  write + "other.txt\n```\n");
    const std::vector<Block> blocks = readBlocks(root.path / "page.md", "page.md");
    REQUIRE(blocks.size() == 3);
    CHECK(runBlock(blocks[0], root.path).empty());  // read an input; made the same picture
    const std::vector<std::string> changed = runBlock(blocks[1], root.path);
    REQUIRE(changed.size() == 1);
    CHECK(changed[0].rfind("page.md:7: the block's commands write docs/lessons/img/pic.txt, which differs from the "
                           "checked-in file (12 bytes made)",
                           0) == 0);
    const std::vector<std::string> added = runBlock(blocks[2], root.path);
    REQUIRE(added.size() == 1);
    CHECK(added[0].find("docs/lessons/img/other.txt, which is not in the checkout") != std::string::npos);
    // The checkout is untouched by the runs; with update they are copied in, and then they agree.
    CHECK(readFile(root.path / "docs" / "lessons" / "img" / "pic.txt") == "old picture\n");
    CHECK_FALSE(fs::exists(root.path / "docs" / "lessons" / "img" / "other.txt"));
    CHECK(runBlock(blocks[1], root.path, true).empty());
    CHECK(runBlock(blocks[2], root.path, true).empty());
    CHECK(readFile(root.path / "docs" / "lessons" / "img" / "pic.txt") == "new picture\n");
    CHECK(readFile(root.path / "docs" / "lessons" / "img" / "other.txt") == "x\n");
    CHECK(runBlock(blocks[1], root.path).empty());
    CHECK(readFile(root.path / "docs" / "lessons" / "input.txt") == "from the lesson\n");
}
