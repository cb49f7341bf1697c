// `cmake --install` and the Debian package (docs/install.md): the installed binary finds its presets
// and sample traces from any folder, the man page documents every command, bash completion is in
// place, and the .deb holds the same files and runs after unpacking.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

namespace fs = std::filesystem;
using cachescope::testing::CliResult;
using cachescope::testing::readFile;
using cachescope::testing::runShell;
using cachescope::testing::ScratchDir;

namespace {

/// Runs `command` in the shell with the working folder `cwd` and no CACHESCOPE_DATA_DIR.
CliResult runIn(const fs::path& cwd, const std::string& command) {
    const fs::path out = cwd / ".stdout", err = cwd / ".stderr";
    return runShell("cd '" + cwd.string() + "' && env -u CACHESCOPE_DATA_DIR " + command + " </dev/null >'" +
                        out.string() + "' 2>'" + err.string() + "'",
                    out, err);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// The L1 misses of `cachescope run --json` output.
std::uint64_t l1Misses(const std::string& json) {
    const nlohmann::json j = nlohmann::json::parse(json);
    for (const nlohmann::json& level : j.at("levels"))
        if (level.at("name") == "L1") return level.at("misses").get<std::uint64_t>();
    FAIL("no L1 in the report");
    return 0;
}

/// Checks an installed tree under `prefix` (bin/, share/...) from a folder that has no configs/.
void checkInstalledTree(const fs::path& prefix, const fs::path& elsewhere) {
    const std::string exe = "'" + (prefix / "bin" / "cachescope").string() + "'";
    CHECK(fs::exists(prefix / "share/cachescope/configs/teaching.json"));
    CHECK(fs::exists(prefix / "share/cachescope/traces/thrash-one-set.trace"));
    CHECK(fs::exists(prefix / "share/doc/cachescope/README.md"));
    CHECK(fs::exists(prefix / "share/bash-completion/completions/cachescope"));

    // A preset name and a bundled trace path, from a folder that has neither: thrash-one-set.trace
    // makes the teaching L1 (2-way) miss on all 12 references (README: 3 compulsory, 9 conflict).
    CliResult r = runIn(elsewhere, exe + " run --config teaching traces/thrash-one-set.trace --json");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(l1Misses(r.out) == 12);
    // The same with the preset's file name, and the installed file by its full path.
    r = runIn(elsewhere, exe + " run -c teaching.json --json '" +
                             (prefix / "share/cachescope/traces/thrash-one-set.trace").string() + "'");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(l1Misses(r.out) == 12);

    r = runIn(elsewhere, exe + " config presets");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    for (const char* name : {"teaching", "default", "skylake-client", "zen4", "cortex-a72", "teaching-paging"})
        CHECK_MESSAGE(contains(r.out, std::string(name) + "  "), name);
    CHECK_FALSE(contains(r.out, "schema"));

    // An unknown name: one message naming it and listing the presets, exit status 1.
    r = runIn(elsewhere, exe + " run --config skylake traces/thrash-one-set.trace");
    CHECK(r.status == 1);
    CHECK(contains(r.err, "cannot open config 'skylake'"));
    CHECK(contains(r.err, "the presets are cortex-a72, dataloader, default, skylake-client, teaching, teaching-paging, teaching-segmentation, zen4"));
    // A file in the working folder wins over the preset of the same name.
    cachescope::testing::writeFile(elsewhere / "teaching.json",
                                   R"({"caches": [{"name": "L1", "size": "1KiB", "associativity": 4}]})");
    r = runIn(elsewhere, exe + " run --config teaching.json traces/thrash-one-set.trace --json");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(l1Misses(r.out) == 3);  // 4 ways hold the 3 lines: only the compulsory misses
}

}  // namespace

TEST_CASE("install: cmake --install into a prefix, and the installed binary runs presets and bundled traces from any folder") {
    ScratchDir scratch;
    const fs::path prefix = scratch.path / "prefix";
    const fs::path elsewhere = scratch.path / "elsewhere";
    fs::create_directories(elsewhere);
    const CliResult r = runIn(scratch.path, "'" CACHESCOPE_CMAKE "' --install '" CACHESCOPE_BUILD_DIR "' --prefix '" +
                                                prefix.string() + "'");
    REQUIRE_MESSAGE(r.status == 0, std::string(r.out + r.err));
    checkInstalledTree(prefix, elsewhere);

#if CACHESCOPE_HAVE_MAN
    // The man page is help2man's, with every subcommand's own --help under COMMANDS.
    const std::string man = readFile(prefix / "share/man/man1/cachescope.1");
    CHECK(man.rfind(".\\\" DO NOT MODIFY THIS FILE!", 0) == 0);
    CHECK(contains(man, ".TH CACHESCOPE \"1\""));
    for (const char* cmd : {"run", "trace", "trace record", "sweep", "explain", "alloc", "config", "config presets"})
        CHECK_MESSAGE(contains(man, std::string(".SS \"cachescope ") + cmd + "\""), cmd);
    CHECK(contains(man, "\\-\\-config"));
#endif
}

TEST_CASE("install: the Debian package holds the programs, presets, traces and docs, and runs unpacked") {
    ScratchDir scratch;
    const fs::path elsewhere = scratch.path / "elsewhere";
    fs::create_directories(elsewhere);
    CliResult r = runIn(scratch.path, "'" CACHESCOPE_CPACK "' --config '" CACHESCOPE_BUILD_DIR
                                      "/CPackConfig.cmake' -G DEB -B '" + scratch.path.string() + "/pkg'");
    REQUIRE_MESSAGE(r.status == 0, std::string(r.out + r.err));
    fs::path deb;
    for (const fs::directory_entry& e : fs::directory_iterator(scratch.path / "pkg"))
        if (e.path().extension() == ".deb") deb = e.path();
    REQUIRE_MESSAGE(!deb.empty(), "cpack wrote no .deb");
    CHECK(deb.filename().string().rfind("cachescope_", 0) == 0);

    r = runIn(scratch.path, "dpkg-deb -c '" + deb.string() + "'");
    REQUIRE(r.status == 0);
    for (const char* path : {"./usr/bin/cachescope", "./usr/share/cachescope/configs/teaching.json",
                             "./usr/share/cachescope/traces/matmul-ijk.bin", "./usr/share/doc/cachescope/README.md",
                             "./usr/share/bash-completion/completions/cachescope"})
        CHECK_MESSAGE(contains(r.out, path), path);
    r = runIn(scratch.path, "dpkg-deb -f '" + deb.string() + "' Package Depends");
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "Package: cachescope"));
    CHECK(contains(r.out, "libstdc++6"));  // dpkg-shlibdeps read the binaries' libraries

    // Unpacked anywhere, the binary finds its share/ beside bin/ as it would under /usr.
    r = runIn(scratch.path, "dpkg-deb -x '" + deb.string() + "' root");
    REQUIRE(r.status == 0);
    checkInstalledTree(scratch.path / "root/usr", elsewhere);
}
