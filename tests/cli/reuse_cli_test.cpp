// `cachescope reuse` and `cachescope mrc` end to end on a tiny trace worked out by hand.

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;

namespace {

// 64 B blocks. Accesses -> block references (distance; - = cold):
//   R 0x0    block 0 (-)
//   R 0x40   block 1 (-)
//   R 0x80   block 2 (-)
//   R 0x0    block 0 (2: blocks 1, 2 since)
//   W 0x7e 4 bytes 0x7e..0x81: block 1 (2: 2, 0), then block 2 (2: 0, 1)
//   R 0x4    block 0 (2: 1, 2)
//   R 0x8    block 0 (0)
// 7 accesses, 8 references, 3 cold, distances {0: 1, 2: 4}.
// Fully associative LRU: misses(C) = 3 + #{d >= C}: C=1: 7, C=2: 7, C=3: 3, C=4: 3.
const char* const kTrace =
    "R 0x0 4\n"
    "R 0x40 4\n"
    "R 0x80 4\n"
    "R 0x0 4\n"
    "W 0x7e 4\n"
    "R 0x4 4\n"
    "R 0x8 4\n";

struct TinyTrace {
    ScratchDir dir;
    std::string path;
    TinyTrace() : path((dir.path / "tiny.trace").string()) { writeFile(path, kTrace); }
};

/// The whitespace-separated fields of the first line of `text` that starts with `prefix`.
std::vector<std::string> rowStarting(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) != 0) continue;
        std::istringstream fields(line);
        std::vector<std::string> out;
        for (std::string f; fields >> f;) out.push_back(f);
        return out;
    }
    return {};
}

bool oneErrorLine(const CliResult& r, const std::string& needle) {
    return r.status == 1 && r.out.empty() && countLines(r.err) == 1 && r.err.rfind("cachescope: error: ", 0) == 0 &&
           r.err.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("cli reuse: the histogram of a tiny trace, in text, JSON and CSV") {
    TinyTrace t;
    const CliResult text = runCli("reuse '" + t.path + "'");
    REQUIRE(text.status == 0);
    CHECK(text.out.find("block size 64B (lines); 7 accesses, 8 block references, 3 distinct blocks") !=
          std::string::npos);
    CHECK(rowStarting(text.out, "[0]") == std::vector<std::string>{"[0]", "1", "12.50%", "12.50%"});
    CHECK(rowStarting(text.out, "[1]") == std::vector<std::string>{"[1]", "0", "0.00%", "12.50%"});
    CHECK(rowStarting(text.out, "[2,3]") == std::vector<std::string>{"[2,3]", "4", "50.00%", "62.50%"});
    CHECK(rowStarting(text.out, "cold") == std::vector<std::string>{"cold", "3", "37.50%", "100.00%"});

    const CliResult json = runCli("reuse --json '" + t.path + "'");
    REQUIRE(json.status == 0);
    const auto j = nlohmann::json::parse(json.out);
    CHECK(j["block_size"] == 64);
    CHECK(j["accesses"] == 7);
    CHECK(j["references"] == 8);
    CHECK(j["distinct_blocks"] == 3);
    CHECK(j["cold"] == 3);
    CHECK(j["histogram"] == nlohmann::json::parse(R"([{"distance":0,"count":1},{"distance":2,"count":4}])"));
    CHECK(j["buckets"].size() == 3);

    const CliResult csv = runCli("reuse --csv '" + t.path + "'");
    REQUIRE(csv.status == 0);
    CHECK(csv.out == "distance,references\n0,1\n2,4\ncold,3\n");

    // Pages: every access is in page 0 (the crossing write too, so 7 references): one cold, then 6
    // at distance 0.
    const CliResult pages = runCli("reuse --granularity page --csv '" + t.path + "'");
    REQUIRE(pages.status == 0);
    CHECK(pages.out == "distance,references\n0,6\ncold,1\n");
}

TEST_CASE("cli reuse: the table by tensor of matmul n=32 ijk") {
    // 64 B lines, 128 B rows (2 lines), each tensor 64 lines. Inner loop over k: A[i][k], B[k][j],
    // C[i][j] read, C[i][j] written.
    // A: the previous reference to A's line was at k-1 (15 times in 16), with B's and C's lines in
    //    between: distance 2; median and 90th percentile 2.
    // B: B[k][j]'s line was last used at j-1 (same line for 16 j), and in between the whole k loop
    //    touched A's 2 lines, the 31 other lines of B's column and C's line: 34.
    // C: the read follows the previous k's write with A's and B's lines between (2), the write
    //    follows the read (0): half at 0, half at 2: median 0, 90th percentile 2.
    const CliResult r = runCli("reuse traces/matmul-ijk.bin");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("By tensor") != std::string::npos);
    CHECK(rowStarting(r.out, "A ") == std::vector<std::string>{"A", "32,768", "64", "2", "2"});
    CHECK(rowStarting(r.out, "B ") == std::vector<std::string>{"B", "32,768", "64", "34", "34"});
    CHECK(rowStarting(r.out, "C ") == std::vector<std::string>{"C", "65,536", "64", "0", "2"});
    const CliResult j = runCli("reuse --json traces/matmul-ijk.bin");
    REQUIRE(j.status == 0);
    const auto json = nlohmann::json::parse(j.out);
    CHECK(json["regions"][1]["name"] == "B");
    CHECK(json["regions"][1]["cold"] == 64);
}

TEST_CASE("cli mrc: the curve of a tiny trace, exact and sampled") {
    TinyTrace t;
    const CliResult csv = runCli("mrc --csv '" + t.path + "'");
    REQUIRE(csv.status == 0);
    CHECK(csv.out ==
          "bytes,blocks,misses,miss_ratio\n"
          "64,1,7,0.875000\n"
          "128,2,7,0.875000\n"
          "256,4,3,0.375000\n");
    const CliResult extra = runCli("mrc --csv --sizes 192,128B '" + t.path + "'");
    REQUIRE(extra.status == 0);
    CHECK(extra.out ==
          "bytes,blocks,misses,miss_ratio\n"
          "64,1,7,0.875000\n"
          "128,2,7,0.875000\n"
          "192,3,3,0.375000\n"
          "256,4,3,0.375000\n");

    const CliResult text = runCli("mrc '" + t.path + "'");
    REQUIRE(text.status == 0);
    CHECK(rowStarting(text.out, "128B") == std::vector<std::string>{"128B", "2", "7", "0.8750"});
    CHECK(rowStarting(text.out, "256B") == std::vector<std::string>{"256B", "4", "3", "0.3750"});
    CHECK(text.out.find("sampled") == std::string::npos);

    const CliResult json = runCli("mrc --json --block-size 32 '" + t.path + "'");
    REQUIRE(json.status == 0);
    const auto j = nlohmann::json::parse(json.out);
    CHECK(j["block_size"] == 32);
    CHECK(j["sampled"] == false);
    CHECK(j["points"][0]["bytes"] == 32);

    ScratchDir dir;
    const std::string out = (dir.path / "mrc.txt").string();
    const CliResult sampled = runCli("mrc --sample-rate 0.5 -o '" + out + "' '" + t.path + "'");
    REQUIRE(sampled.status == 0);
    CHECK(sampled.out.empty());
    CHECK(readFile(out).find("sampled at rate 0.5 (SHARDS)") != std::string::npos);

    const CliResult kernel = runCli("mrc --json --kernel matmul --param n=8");
    REQUIRE(kernel.status == 0);
    CHECK(nlohmann::json::parse(kernel.out)["references"] == 4 * 8 * 8 * 8);
}

TEST_CASE("cli reuse/mrc: bad options and missing files are one error line and status 1") {
    TinyTrace t;
    CHECK(oneErrorLine(runCli("reuse --block-size 100 '" + t.path + "'"), "--block-size"));
    CHECK(oneErrorLine(runCli("mrc --block-size 0 '" + t.path + "'"), "--block-size"));
    CHECK(oneErrorLine(runCli("mrc --sample-rate 1.5 '" + t.path + "'"), "--sample-rate: expected a rate in (0, 1]"));
    CHECK(oneErrorLine(runCli("mrc --sample-rate 0 '" + t.path + "'"), "got '0'"));
    CHECK(oneErrorLine(runCli("mrc --sample-rate abc '" + t.path + "'"), "got 'abc'"));
    CHECK(oneErrorLine(runCli("mrc --sample-rate 1e-9 '" + t.path + "'"), "smallest rate"));
    CHECK(oneErrorLine(runCli("mrc --sizes 100 '" + t.path + "'"), "not a multiple of the block size"));
    CHECK(oneErrorLine(runCli("mrc --sizes 4XB '" + t.path + "'"), "--sizes: expected sizes"));
    CHECK(oneErrorLine(runCli("reuse traces/no-such-file.trace"), "no-such-file.trace"));
    CHECK(oneErrorLine(runCli("mrc traces/no-such-file.trace"), "no-such-file.trace"));
}

TEST_CASE("cli: --help lists reuse and mrc with examples") {
    const CliResult r = runCli("--help");
    CHECK(r.out.find("reuse") != std::string::npos);
    CHECK(r.out.find("cachescope mrc") != std::string::npos);
    CHECK(runCli("mrc --help").out.find("--sample-rate 0.01") != std::string::npos);
}

TEST_CASE("cli reuse/mrc --kinds: only the chosen kinds of access count") {
    // Fetches of line 0 and reads of line 1, interleaved: I 0x0, R 0x40, I 0x0, R 0x40.
    // all: blocks 0 1 0 1 -> 2 cold, two references at distance 1. data (or reads): 1 1 -> 1 cold,
    // one at distance 0. fetches: 0 0 -> the same. writes: nothing.
    ScratchDir dir;
    const std::string trace = (dir.path / "mixed.trace").string();
    writeFile(trace, "I 0x0 4\nR 0x40 4\nI 0x0 4\nR 0x40 4\n");
    auto json = [&](const std::string& kinds) {
        const CliResult r = runCli("reuse --json --kinds " + kinds + " '" + trace + "'");
        REQUIRE(r.status == 0);
        return nlohmann::json::parse(r.out);
    };
    const nlohmann::json all = json("all");
    CHECK(all["references"] == 4);
    CHECK(all["cold"] == 2);
    CHECK(all["histogram"] == nlohmann::json::parse(R"([{"distance": 1, "count": 2}])"));
    for (const char* k : {"data", "reads", "fetches"}) {
        CAPTURE(k);
        const nlohmann::json j = json(k);
        CHECK(j["references"] == 2);
        CHECK(j["cold"] == 1);
        CHECK(j["histogram"] == nlohmann::json::parse(R"([{"distance": 0, "count": 1}])"));
    }
    CHECK(json("writes")["references"] == 0);
    const CliResult mrc = runCli("mrc --csv --kinds data '" + trace + "'");
    REQUIRE(mrc.status == 0);
    CHECK(mrc.out == "bytes,blocks,misses,miss_ratio\n64,1,1,0.500000\n");
    const CliResult bad = runCli("reuse --kinds loads '" + trace + "'");
    CHECK(bad.status != 0);
    CHECK(bad.err.find("--kinds") != std::string::npos);
}
