// `cachescope run --plot FILE.svg`: the locality picture is written (well-formed SVG), the report
// is unchanged, and failures leave no file behind.

#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "cli/cli_run.hpp"
#include "plot/xml_check.hpp"

using namespace cachescope::testing;

TEST_CASE("cli run --plot: writes a well-formed locality picture, report unchanged") {
    ScratchDir dir;
    const std::string svg = (dir.path / "matmul.svg").string();
    const std::string source = "run --config configs/teaching.json --kernel matmul --param n=16 --param order=ijk";
    const CliResult plain = runCli(source);
    const CliResult plotted = runCli(source + " --plot '" + svg + "'");
    REQUIRE(plain.status == 0);
    REQUIRE(plotted.status == 0);
    CHECK(plotted.out == plain.out);
    CHECK(plotted.err == "");
    REQUIRE(std::filesystem::exists(svg));
    const std::string text = readFile(svg);
    CHECK(xmlError(text) == "");
    CHECK(text.find("Locality: kernel matmul") != std::string::npos);
    // matmul names its tensors A, B, C: one band each, and the legend names the levels.
    CHECK(text.find(">A (1 KiB)</text>") != std::string::npos);
    CHECK(text.find(">B (1 KiB)</text>") != std::string::npos);
    CHECK(text.find(">C (1 KiB)</text>") != std::string::npos);
    CHECK(text.find(">L1 (") != std::string::npos);
    CHECK(text.find(">memory (") != std::string::npos);
    CHECK(text.find("data-tier=\"L1\"") != std::string::npos);
    CHECK(text.size() < 2'000'000);
}

TEST_CASE("cli run --plot: JSON report to a file and the picture, from a trace file") {
    ScratchDir dir;
    const std::string svg = (dir.path / "p.svg").string(), json = (dir.path / "r.json").string();
    const CliResult r =
        runCli("run -c configs/default.json --json -o '" + json + "' --plot '" + svg + "' traces/strided.trace");
    REQUIRE(r.status == 0);
    CHECK(r.out == "");
    CHECK(xmlError(readFile(svg)) == "");
    CHECK(readFile(json) == runCli("run -c configs/default.json --json traces/strided.trace").out);
}

TEST_CASE("cli run --plot: an unwritable path gives one clear error and no file") {
    ScratchDir dir;
    const std::string svg = (dir.path / "missing-dir" / "p.svg").string();
    const CliResult r = runCli("run -c configs/teaching.json --kernel matmul --param n=8 --plot '" + svg + "'");
    CHECK(r.status == 1);
    CHECK(r.err.rfind("cachescope: error: ", 0) == 0);
    CHECK(r.err.find(svg) != std::string::npos);
    CHECK(countOf(r.err, "\n") == 1);
    CHECK(!std::filesystem::exists(svg));
    CHECK(!std::filesystem::exists(dir.path / "missing-dir"));
}

TEST_CASE("cli run --plot: standard input is refused (the trace is read twice)") {
    ScratchDir dir;
    const std::string svg = (dir.path / "p.svg").string();
    const std::string input = "R 0x1000 4\n";
    const CliResult r = runCli("run -c configs/teaching.json --plot '" + svg + "' -", &input);
    CHECK(r.status == 1);
    CHECK(r.err ==
          "cachescope: error: --plot reads the trace twice (once to lay out the address axis); give a trace file "
          "or a kernel, not standard input\n");
    CHECK(!std::filesystem::exists(svg));
}

TEST_CASE("cli run --plot with --mix: the title names every process, each process's tensors a band of their own") {
    ScratchDir dir;
    const std::string svg = (dir.path / "mix.svg").string();
    const CliResult r = runCli("run -c configs/teaching.json --mix matmul:n=8,order=ijk --mix transpose:rows=8,cols=8 "
                               "--quantum 50 --plot '" + svg + "'");
    REQUIRE(r.status == 0);
    const std::string text = readFile(svg);
    CHECK(xmlError(text) == "");
    CHECK(text.find("Locality: p0 matmul:n=8,order=ijk, p1 transpose:rows=8,cols=8 on ") != std::string::npos);
    CHECK(text.find(">p0 A (256 B)</text>") != std::string::npos);
    CHECK(text.find(">p0 C (256 B)</text>") != std::string::npos);
    CHECK(text.find(">p1 ") != std::string::npos);
    CHECK(text.find("(unnamed)") == std::string::npos);
    CHECK(text.find(">0x100000010000000<") == std::string::npos);  // the axis prints virtual addresses
    CHECK(countOf(text, ">0x10000000</text>") == 2);                // A's first byte, in each process
}
