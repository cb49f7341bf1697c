// What a new user trips over (issue 11, command line and reports): negative values for unsigned
// options, options that swallowed the next positional, per-subcommand help examples, output
// paths checked before a run, skipped Lackey lines and the end-of-run flush in every report, an
// empty trace, the run header, kernels announcing long runs and progress on a terminal.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// The lines after "Example(s):" that start with "  cachescope " (the examples themselves).
std::vector<std::string> exampleLines(const std::string& help) {
    std::vector<std::string> lines;
    const std::size_t start = help.find("Example");  // "Example:" or "Examples:"
    if (start == std::string::npos) return lines;
    std::size_t pos = start;
    while ((pos = help.find('\n', pos)) != std::string::npos) {
        ++pos;
        const std::size_t end = help.find('\n', pos);
        const std::string line = help.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        if (line.rfind("  cachescope ", 0) == 0) lines.push_back(line);
    }
    return lines;
}

/// Runs `cachescope <args>` for at most `seconds` (timeout(1)). With `terminal`, under script(1)
/// so that standard error is a terminal; `out` then holds everything the terminal showed.
CliResult runBounded(const std::string& args, int seconds, bool terminal) {
    ScratchDir scratch;
    const std::string out = (scratch.path / "stdout").string(), err = (scratch.path / "stderr").string();
    const std::string run = "timeout " + std::to_string(seconds) + " '" CACHESCOPE_CLI_PATH "' " + args;
    const std::string command =
        terminal ? "cd '" CACHESCOPE_SOURCE_DIR "' && script -qfec \"" + run + "\" '" + out + "' </dev/null >/dev/null 2>'" +
                       err + "'"
                 : "cd '" CACHESCOPE_SOURCE_DIR "' && " + run + " </dev/null >'" + out + "' 2>'" + err + "'";
    return runShell(command, out, err);
}

/// A two-run sweep CSV (teaching.json, L1 associativity 1 and 2) written into `scratch`; its path.
std::string writeSmallSweep(const ScratchDir& scratch) {
    const std::string part = (scratch.path / "part.csv").string();
    const CliResult made = runCli("sweep -c configs/teaching.json --vary caches.0.associativity=1,2 --csv -o '" + part +
                                  "' traces/thrash-one-set.trace");
    REQUIRE_MESSAGE(made.status == 0, made.err);
    return part;
}

}  // namespace

TEST_CASE("cli: a negative value for an unsigned option is refused, never wrapped around") {
    const std::vector<std::string> commands = {
        "explain -c configs/teaching.json --from -1 traces/thrash-one-set.trace",
        "explain -c configs/teaching.json --count -1 traces/thrash-one-set.trace",
        "explain -c configs/teaching.json --seed -1 traces/thrash-one-set.trace",
        "run -c configs/teaching.json --seed -1 traces/thrash-one-set.trace",
        "bench --n -1",
        "bench --runs -3",
        "trace info --line-size -64 traces/sequential.trace",
        "sweep -c configs/teaching.json --vary caches.L1.size=1KiB -j -1 traces/sequential.trace",
    };
    for (const std::string& command : commands) {
        const CliResult r = runCli(command);
        CHECK_MESSAGE(r.status != 0, command);
        CHECK_MESSAGE(r.out.empty(), command);
        const bool refused = contains(r.err, "negative") || contains(r.err, "not in range");
        CHECK_MESSAGE(refused, command << ": " << r.err);
        CHECK_MESSAGE(!contains(r.err, "18446744073709551615"), command);
    }
    const CliResult from = runCli("explain -c configs/teaching.json --from -1 traces/thrash-one-set.trace");
    CHECK_MESSAGE(contains(from.err, "--from: a negative number is not allowed, got -1"), from.err);
}

TEST_CASE("cli: a repeatable option takes one value per occurrence, the next word stays positional") {
    // Before: --param swallowed the trace ("--param traces/strided.trace: expected name=value").
    const CliResult run = runCli("run -c configs/teaching.json --kernel matmul --param n=4 traces/strided.trace");
    CHECK(run.status == 1);
    CHECK_MESSAGE(contains(run.err, "got trace 'traces/strided.trace' and --kernel matmul"), run.err);
    const CliResult info = runCli("trace info --kernel matmul -p n=4 traces/strided.trace");
    CHECK(info.status == 1);
    CHECK_MESSAGE(contains(info.err, "got trace 'traces/strided.trace'"), info.err);
    // compare -c a.json b.json TRACE: b.json is the trace, TRACE is extra; the message says to repeat -c.
    const CliResult compare =
        runCli("compare -c configs/teaching.json configs/teaching-paging.json traces/strided.trace");
    CHECK(compare.status != 0);
    CHECK_MESSAGE(contains(compare.err, "traces/strided.trace"), compare.err);
    CHECK_MESSAGE(contains(compare.err, "one value"), compare.err);
    // Repeated, as the help shows, it works.
    const CliResult ok =
        runCli("compare -c configs/teaching.json -c configs/teaching-paging.json traces/strided.trace");
    CHECK_MESSAGE(ok.status == 0, ok.err);
    const CliResult params = runCli("run -c configs/teaching.json --kernel matmul --param n=4 --param order=ijk");
    CHECK_MESSAGE(params.status == 0, params.err);
}

TEST_CASE("cli: every subcommand's --help shows its own examples") {
    const std::vector<std::string> paths = {"run",          "kernels",       "trace",      "trace record",
                                            "trace convert", "trace info",   "policies",   "config",
                                            "config check",  "config show",  "bench",      "compare",
                                            "sweep",         "sweep merge",  "explain",    "reuse",
                                            "mrc"};
    for (const std::string& path : paths) {
        const CliResult r = runCli(path + " --help");
        CHECK_MESSAGE(r.status == 0, path);
        const std::vector<std::string> examples = exampleLines(r.out);
        CHECK_MESSAGE(!examples.empty(), path);
        for (const std::string& line : examples)
            CHECK_MESSAGE(contains(line, "cachescope " + path), path << ": " << line);
    }
}

TEST_CASE("cli: run --help's Lackey example keeps the program's output out of the trace") {
    const CliResult r = runCli("run --help");
    CHECK(contains(r.out, "--log-fd=3"));
    CHECK(contains(r.out, "cachescope trace record -o a.bin -- ./a.out"));
    CHECK(!contains(r.out, "2>&1 |"));
}

TEST_CASE("cli: bench --help shows its defaults") {
    const CliResult r = runCli("bench --help");
    CHECK(r.status == 0);
    CHECK_MESSAGE(contains(r.out, "=256"), r.out);
    CHECK_MESSAGE(contains(r.out, "=3\n"), r.out);
}

TEST_CASE("cli: output paths are checked before the run, with the real reason") {
    ScratchDir dir;
    fs::create_directories(dir.path / "out");
    // The trace is bad: an output error first proves the check ran before reading it.
    const std::string bad = "R 0x0 4\nthis is not a record\n";
    const std::string slash = (dir.path / "out").string() + "/";
    const CliResult r = runCli("run -c configs/teaching.json -o '" + slash + "' -", &bad);
    CHECK(r.status == 1);
    CHECK_MESSAGE(contains(r.err, "cannot write '" + slash + "': the path ends in '/'"), r.err);
    const CliResult asDir = runCli("run -c configs/teaching.json -o '" + (dir.path / "out").string() + "' -", &bad);
    CHECK_MESSAGE(contains(asDir.err, "it is a directory"), asDir.err);
    const std::string missing = (dir.path / "nope" / "x.svg").string();
    const CliResult plot = runCli("run -c configs/teaching.json --plot '" + missing + "' traces/sequential.trace");
    CHECK(plot.status == 1);
    CHECK_MESSAGE(contains(plot.err, "cannot write '" + missing + "': the directory"), plot.err);
    // sweep shares the check
    const CliResult sweep = runCli("sweep -c configs/teaching.json --vary caches.L1.size=1KiB -o '" + slash +
                                   "' traces/sequential.trace");
    CHECK(sweep.status == 1);
    CHECK_MESSAGE(contains(sweep.err, "ends in '/'"), sweep.err);
    CHECK(fs::is_empty(dir.path / "out"));
}

TEST_CASE("cli: skipped Lackey lines are reported in text, JSON and CSV") {
    // The traced program's output (bin, Documents, total 12) mixed into a Lackey log: 3 lines.
    const std::string log = "==1== Lackey\nbin\nI  10,4\nDocuments\n L 20,8\ntotal 12\n";
    const CliResult text = runCli("run -c configs/teaching.json --trace-format lackey -", &log);
    REQUIRE_MESSAGE(text.status == 0, text.err);
    CHECK(contains(text.out, "\nskipped 3 lines that are not trace records"));
    const CliResult json = runCli("run -c configs/teaching.json --trace-format lackey --json -", &log);
    CHECK(nlohmann::json::parse(json.out)["trace"]["skipped_lines"] == 3);
    const CliResult csv = runCli("run -c configs/teaching.json --trace-format lackey --csv -", &log);
    CHECK(contains(csv.out, "\nskipped lines,,3,,,,,,,,,,,,\n"));
    // Nothing is added when nothing was skipped.
    const CliResult clean = runCli("run -c configs/teaching.json --json traces/sequential.trace");
    CHECK(!nlohmann::json::parse(clean.out)["trace"].contains("skipped_lines"));
}

TEST_CASE("cli: an empty trace says it holds no references") {
    const std::string comments = "# nothing but a comment\n\n";
    const CliResult r = runCli("run -c configs/teaching.json --trace-format text -", &comments);
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK_MESSAGE(contains(r.err, "standard input holds no references"), r.err);
    ScratchDir dir;
    writeFile(dir.path / "empty.trace", "");
    const CliResult file = runCli("run -c configs/teaching.json --trace-format text '" +
                                  (dir.path / "empty.trace").string() + "'");
    CHECK(file.status == 1);
    CHECK_MESSAGE(contains(file.err, "empty.trace holds no references"), file.err);
}

TEST_CASE("cli run --flush: hand-worked on the teaching config, in text, JSON and CSV") {
    // teaching: L1 1 KiB 2-way (8 sets), L2 4 KiB 4-way (16 sets), 64 B lines.
    // W 0x0: L1 and L2 miss; L1 holds 0x0 dirty, L2 0x0 clean.
    // R 0x400, R 0x800: L1 set 0 again; 0x800 evicts dirty 0x0 -> written back into L2 (dirty there).
    // W 0x40: L1 set 1, dirty; L2 fetched it clean.
    // End: dirty lines L1 1 (0x40), L2 1 (0x0); memory writes during the run: 0.
    // Flush: L1 writes back 0x40 (L2 holds it); L2 writes back 0x0 and 0x40; memory receives 2.
    const std::string trace = "W 0x0 4\nR 0x400 4\nR 0x800 4\nW 0x40 4\n";
    const CliResult plain = runCli("run -c configs/teaching.json -", &trace);
    REQUIRE_MESSAGE(plain.status == 0, plain.err);
    CHECK(contains(plain.out, "memory: 4 reads, 0 writes\n"));
    CHECK(contains(plain.out, "dirty lines left at the end: 2 (L1 1, L2 1), not written back"));
    const CliResult flushed = runCli("run -c configs/teaching.json --flush -", &trace);
    CHECK(contains(flushed.out, "memory: 4 reads, 0 writes\n"));  // the run's counts are unchanged
    CHECK(contains(flushed.out, "flush at the end (--flush; not in the counts above): write-backs L1 1, L2 2; "
                                "memory writes 2\n"));
    CHECK(!contains(flushed.out, "dirty lines left"));
    const nlohmann::json j = nlohmann::json::parse(runCli("run -c configs/teaching.json --flush --json -", &trace).out);
    CHECK(j["flush"]["writebacks"]["L1"] == 1);
    CHECK(j["flush"]["writebacks"]["L2"] == 2);
    CHECK(j["flush"]["memory_writes"] == 2);
    CHECK(j["memory"]["writes"] == 0);
    const nlohmann::json k = nlohmann::json::parse(runCli("run -c configs/teaching.json --json -", &trace).out);
    CHECK(k["dirty_lines_at_end"]["L1"] == 1);
    CHECK(k["dirty_lines_at_end"]["L2"] == 1);
    CHECK(!k.contains("flush"));
    const CliResult csv = runCli("run -c configs/teaching.json --flush --csv -", &trace);
    CHECK(contains(csv.out, ",miss_rate,flush_writebacks\n"));
    CHECK(contains(csv.out, "\nmemory,,,,,4,0,,,,,,,,,2\n"));
}

TEST_CASE("cli run: the header shows the kernel parameters that were set or matter, addresses in hex") {
    const CliResult r = runCli("run -c configs/teaching.json --kernel matmul --param n=8 --param base=0x20000000");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const std::string header = r.out.substr(0, r.out.find('\n'));
    CHECK_MESSAGE(contains(header, "trace kernel matmul n=8 order=ikj elem=4 base=0x20000000 ("), header);
    CHECK_MESSAGE(!contains(header, "m=0"), header);
    CHECK_MESSAGE(!contains(header, "ti=0"), header);
    CHECK_MESSAGE(!contains(header, "268435456"), header);
    // JSON keeps every resolved parameter (it identifies the run), the base in hex.
    const CliResult json = runCli("run -c configs/teaching.json --json --kernel matmul --param n=8");
    const std::string path = nlohmann::json::parse(json.out)["trace"]["path"];
    CHECK_MESSAGE(contains(path, " m=0 n=8 "), path);
    CHECK_MESSAGE(contains(path, " base=0x10000000 "), path);
}

TEST_CASE("cli run: the old kernel parameter name pad works, with a note") {
    const CliResult r = runCli("run -c configs/teaching.json --kernel matmul --param n=4 --param pad=2");
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK_MESSAGE(contains(r.err, "note: --param pad=2 is read as row_pad=2"), r.err);
    CHECK(contains(r.out, "row_pad=2"));
}

TEST_CASE("cli run: a long kernel run says how many references before it starts") {
    // matmul n=2048: 4·2048³ = 34,359,738,368 references; stopped after 3 s, long after the announcement.
    const CliResult r = runBounded("run -c configs/teaching.json --kernel matmul --param n=2048", 3, false);
    CHECK_MESSAGE(contains(r.err, "cachescope: kernel matmul n=2048 order=ikj elem=4 will simulate "
                                  "34,359,738,368 references\n"),
                  r.err);
    CHECK(r.out.empty());
    // On a pipe or a file there is no progress line.
    CHECK_MESSAGE(!contains(r.err, "references ("), r.err);
    // Short runs say nothing.
    const CliResult small = runCli("run -c configs/teaching.json --kernel matmul --param n=8");
    CHECK(small.status == 0);
    CHECK(small.err.empty());
}

TEST_CASE("cli run: progress with the time left on a terminal") {
    // script(1) gives the run a terminal; the progress line appears after half a second (and the
    // first 4 M references); 15 s leaves room for a sanitizer build on a loaded machine.
    const CliResult r = runBounded("run -c configs/teaching.json --kernel matmul --param n=2048", 15, true);
    CHECK_MESSAGE(contains(r.out, " of 34,359,738,368 references ("), r.out);
    CHECK_MESSAGE(contains(r.out, " left"), r.out);
}

TEST_CASE("cli run --json: a file name that is not UTF-8 (Latin-1) still gives JSON, with U+FFFD") {
    ScratchDir scratch;
    const std::string latin1 = (scratch.path / "caf\xe9.trace").string();  // "café" in Latin-1
    std::filesystem::copy_file(std::string(CACHESCOPE_SOURCE_DIR) + "/traces/thrash-one-set.trace", latin1);
    const CliResult r = runCli("run -c configs/teaching.json --json '" + latin1 + "'");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const nlohmann::json j = nlohmann::json::parse(r.out);  // throws (fails the test) on bad JSON
    CHECK(r.out.find("caf\xef\xbf\xbd.trace") != std::string::npos);  // é's byte became U+FFFD
    CHECK(j.is_object());
}

TEST_CASE("cli sweep merge: counts in a sweep header must be whole numbers in range (no silent casts)") {
    ScratchDir scratch;
    const std::string part = writeSmallSweep(scratch);
    std::ifstream in(part);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(text.find("\"shards\":1,") != std::string::npos);
    // 1e125 was undefined behaviour (float-cast-overflow); 4294967297.0 was read as 1; 2.5 as 2.
    for (const std::string bad : {"1e125", "4294967297.0", "2.5", "-1"}) {
        CAPTURE(bad);
        std::string edited = text;
        edited.replace(edited.find("\"shards\":1,"), 11, "\"shards\":" + bad + ",");
        const std::string file = (scratch.path / "bad.csv").string();
        std::ofstream(file) << edited;
        const CliResult r = runCli("sweep merge '" + (scratch.path / "out.csv").string() + "' '" + file + "'");
        CHECK(r.status == 1);
        CHECK_MESSAGE(contains(r.err, "\"shards\": expected a whole number from 0 to 4294967295, found"), r.err);
        CHECK(!std::filesystem::exists(scratch.path / "out.csv"));
    }
}

TEST_CASE("cli sweep merge: a small file claiming 2^27 runs is refused from what it holds") {
    // 27 two-value --vary entries in the header mean 2^27 runs; merge used to allocate per claimed
    // run (2.1 GB) before saying they are missing. Its memory now follows the rows present.
    ScratchDir scratch;
    const std::string part = writeSmallSweep(scratch);
    std::ifstream in(part);
    std::string header, columns;
    std::getline(in, header);
    std::getline(in, columns);
    const std::string prefix = "# cachescope sweep ";
    REQUIRE(header.rfind(prefix, 0) == 0);
    nlohmann::ordered_json id = nlohmann::ordered_json::parse(header.substr(prefix.size()));
    const nlohmann::ordered_json one = id["vary"][0];
    id["vary"] = nlohmann::ordered_json::array();
    for (int k = 0; k < 27; ++k) id["vary"].push_back(one);
    id["runs"] = std::uint64_t{1} << 27;
    std::string repeated;
    for (int k = 0; k < 27; ++k) repeated += (k ? "," : "") + std::string("caches.0.associativity");
    columns.replace(columns.find("caches.0.associativity"), std::string("caches.0.associativity").size(), repeated);
    const std::string file = (scratch.path / "claims.csv").string();
    std::ofstream(file) << prefix << id.dump() << '\n' << columns << '\n';
    const CliResult r = runCli("sweep merge '" + (scratch.path / "out.csv").string() + "' '" + file + "'");
    CHECK(r.status == 1);
    CHECK_MESSAGE(contains(r.err, "missing runs 0, 1, 2,"), r.err);
    CHECK_MESSAGE(contains(r.err, "(134217728 in all) of 134217728 (they belong to shard 0/1)"), r.err);
}
