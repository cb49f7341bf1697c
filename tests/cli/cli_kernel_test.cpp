// The kernel and trace commands end to end: run --kernel, kernels, trace record/convert/info,
// their error messages, and attribution in the JSON report.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;

namespace {

/// Everything fits: 64 KiB, 16 ways, 64-byte lines.
const char* kBigCache = R"({"name": "big", "caches": [{"name": "L1", "size": "64KiB", "line_size": 64,
    "associativity": 16, "replacement": "lru", "latency": 1}], "memory": {"latency": 100}})";

std::uint64_t u64(const nlohmann::json& j) { return j.get<std::uint64_t>(); }

}  // namespace

TEST_CASE("cli run --kernel: compulsory misses of a matmul equal its footprint in lines, by tensor") {
    ScratchDir dir;
    writeFile(dir.path / "big.json", kBigCache);
    // n = 8, 4-byte elements: each matrix is 8*8*4 = 256 B = 4 lines of 64 B, on its own page.
    // Nothing is ever evicted, so the misses are the first touches: 4 per matrix, 12 in all.
    const CliResult r =
        runCli("run --config " + (dir.path / "big.json").string() + " --kernel matmul --param n=8 --json");
    REQUIRE(r.status == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    CHECK(u64(j["references"]) == 4 * 8 * 8 * 8);  // load A, load B, load C, store C per iteration
    CHECK(u64(j["levels"][0]["misses"]) == 12);
    REQUIRE(j.contains("regions"));
    std::map<std::string, nlohmann::json> byName;
    for (const auto& row : j["regions"]) byName[row["name"].get<std::string>()] = row;
    REQUIRE(byName.count("A") == 1);
    CHECK(u64(byName["A"]["accesses"]) == 512);  // A and B are read n^3 times
    CHECK(u64(byName["B"]["accesses"]) == 512);
    CHECK(u64(byName["C"]["accesses"]) == 1024);  // C read and written n^3 times
    for (const char* t : {"A", "B", "C"}) CHECK(u64(byName[t]["misses"]["L1"]) == 4);
    CHECK(j["trace"]["path"].get<std::string>().rfind("kernel matmul", 0) == 0);
    CHECK(j["trace"]["format"] == "kernel");
    REQUIRE(j.contains("sites"));
    std::uint64_t siteAccesses = 0;
    for (const auto& row : j["sites"]) siteAccesses += u64(row["accesses"]);
    CHECK(siteAccesses == 2048);
}

TEST_CASE("cli run --kernel: the text report has the tables by tensor and by statement") {
    const CliResult r = runCli("run --config configs/teaching.json --kernel matmul --param n=8");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\nby tensor\n") != std::string::npos);
    CHECK(r.out.find("\nby statement\n") != std::string::npos);
    CHECK(r.out.find("\nA ") != std::string::npos);
}

TEST_CASE("cli run --kernel: parameter and source errors are one line each, exit 1") {
    struct Case {
        const char* args;
        const char* expect;
    };
    for (const Case& c : {Case{"--kernel nosuchkernel", "nosuchkernel"}, Case{"--kernel matmul --param order=ikx", "ikx"},
                          Case{"--kernel matmul --param nn=8", "nn"}, Case{"--kernel matmul --param n", "n"},
                          Case{"--param n=8 traces/sequential.trace", "--kernel"},
                          Case{"--kernel matmul traces/sequential.trace", "not both"}, Case{"", "--kernel"}}) {
        CAPTURE(c.args);
        const CliResult r = runCli(std::string("run --config configs/teaching.json ") + c.args);
        CHECK(r.status == 1);
        CHECK(r.out.empty());
        CHECK(r.err.rfind("cachescope: error: ", 0) == 0);
        CHECK(r.err.find(c.expect) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
}

TEST_CASE("cli kernels: lists every kernel with its parameters and defaults") {
    const CliResult r = runCli("kernels");
    REQUIRE(r.status == 0);
    for (const char* k : {"matmul:", "conv2d:", "attention:", "softmax:", "layernorm:", "transpose:", "pool2d:"})
        CHECK_MESSAGE(("\n" + r.out).find(std::string("\n") + k) != std::string::npos, k);
    const CliResult one = runCli("kernels matmul");
    REQUIRE(one.status == 0);
    CHECK(one.out.find("order") != std::string::npos);
    CHECK(one.out.find("ikj") != std::string::npos);
    CHECK(runCli("kernels nosuch").status == 1);
}

TEST_CASE("cli trace: record a kernel, describe it, convert it, and get the same simulation") {
    ScratchDir dir;
    const std::string bin = (dir.path / "mm.bin").string();
    const std::string text = (dir.path / "mm.trace").string();
    const std::string back = (dir.path / "mm2.bin").string();
    const CliResult rec = runCli("trace record --kernel matmul --param n=8 --param order=ijk -o " + bin);
    REQUIRE(rec.status == 0);
    CHECK(readFile(bin).rfind("CSTRACE\x1a", 0) == 0);
    // At most 2 bytes per access (issue #4): 2048 accesses plus the header.
    CHECK(readFile(bin).size() < 2 * 2048 + 4096);

    const CliResult info = runCli("trace info --json " + bin);
    REQUIRE(info.status == 0);
    const nlohmann::json ij = nlohmann::json::parse(info.out);
    CHECK(u64(ij["accesses"]) == 2048);
    CHECK(u64(ij["reads"]) == 1536);
    CHECK(u64(ij["writes"]) == 512);
    CHECK(u64(ij["footprint_lines"]) == 12);

    REQUIRE(runCli("trace convert " + bin + " " + text).status == 0);
    CHECK(readFile(text).find("R 0x") != std::string::npos);
    REQUIRE(runCli("trace convert " + text + " " + back).status == 0);

    const std::string run = "run --config configs/teaching.json --json ";
    const nlohmann::json live = nlohmann::json::parse(runCli(run + "--kernel matmul --param n=8 --param order=ijk").out);
    const nlohmann::json fromBin = nlohmann::json::parse(runCli(run + bin).out);
    const nlohmann::json fromText = nlohmann::json::parse(runCli(run + text).out);
    const nlohmann::json fromBack = nlohmann::json::parse(runCli(run + back).out);
    CHECK(fromBin["levels"] == live["levels"]);
    CHECK(fromBin["regions"] == live["regions"]);  // the binary keeps regions and sites
    CHECK(fromText["levels"] == live["levels"]);
    CHECK_FALSE(fromText.contains("regions"));  // text cannot hold them
    CHECK(fromBack["levels"] == live["levels"]);
}

TEST_CASE("cli trace: a truncated binary trace is an error naming the byte offset, nothing is written") {
    ScratchDir dir;
    const std::string bin = (dir.path / "mm.bin").string();
    REQUIRE(runCli("trace record --kernel matmul --param n=8 -o " + bin).status == 0);
    const std::string whole = readFile(bin);
    writeFile(dir.path / "cut.bin", whole.substr(0, whole.size() / 2));
    const std::string cut = (dir.path / "cut.bin").string();
    const CliResult r = runCli("run --config configs/teaching.json " + cut);
    CHECK(r.status == 1);
    CHECK(r.err.find("cut.bin") != std::string::npos);
    CHECK(r.err.find("byte") != std::string::npos);
    const CliResult c = runCli("trace convert " + cut + " " + (dir.path / "out.trace").string());
    CHECK(c.status == 1);
    CHECK_FALSE(std::filesystem::exists(dir.path / "out.trace"));
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()) == 2);
}

TEST_CASE("cli trace convert: unknown output extension asks for --to, --to picks the format") {
    ScratchDir dir;
    const std::string out = (dir.path / "x.out").string();
    const CliResult r = runCli("trace convert traces/sample.din " + out);
    CHECK(r.status == 1);
    CHECK(r.err.find("--to") != std::string::npos);
    REQUIRE(runCli("trace convert --to lackey traces/sample.din " + out).status == 0);
    CHECK(readFile(out).find(" L ") != std::string::npos);
}

TEST_CASE("cli trace record -- PROGRAM: traces a real program under Valgrind Lackey") {
    ScratchDir dir;
    const std::string bin = (dir.path / "prog.bin").string();
    // touch_array writes then reads 1000 ints, then exits with the status given (3 here).
    const CliResult r = runCli("trace record -o " + bin + " -- " + std::string(CACHESCOPE_TOUCH_ARRAY_PATH) + " 3");
    REQUIRE(r.status == 0);
    CHECK(r.err.find("recorded") != std::string::npos);
    CHECK(r.err.find("status 3") != std::string::npos);
    const CliResult info = runCli("trace info --json " + bin);
    REQUIRE(info.status == 0);
    const nlohmann::json j = nlohmann::json::parse(info.out);
    CHECK(u64(j["writes"]) >= 1000);
    CHECK(u64(j["reads"]) >= 1000);
    CHECK(u64(j["fetches"]) > 0);
    // A program that does not exist: one error line naming it, no file.
    const std::string none = (dir.path / "none.bin").string();
    const CliResult missing = runCli("trace record -o " + none + " -- /nonexistent/program");
    CHECK(missing.status == 1);
    CHECK(missing.err.find("/nonexistent/program") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(none));
}
