// `run --classify` and `compare` end to end (the built binary, from the repository root).

#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;

namespace {

bool isOneErrorLine(const std::string& err, std::initializer_list<std::string> needles) {
    if (countLines(err) != 1 || err.rfind("cachescope: error: ", 0) != 0) return false;
    for (const auto& n : needles)
        if (err.find(n) == std::string::npos) return false;
    return true;
}

// teaching.json with a 4-way L1 (4 sets): 0x0, 0x200, 0x400 (lines 0, 8, 16) all in set 0, which
// now holds all three.
const char* const kFourWay = R"({ "name": "four-way", "caches": [
  { "name": "L1", "size": "1KiB", "line_size": 64, "associativity": 4, "replacement": "lru", "latency": 1 },
  { "name": "L2", "size": "4KiB", "line_size": 64, "associativity": 4, "replacement": "lru", "latency": 10 } ],
  "memory": { "latency": 100 } })";

}  // namespace

TEST_CASE("cli run --classify: thrash-one-set under teaching.json") {
    // traces/thrash-one-set.trace (its header works it out): three lines cycled through one 2-way
    // L1 set: 12 misses = 3 compulsory + 9 conflict (a 16-line fully associative LRU cache would
    // hold all three). L2 (16 sets, 4-way) sees the 12 fills of the same 3 lines: 3 compulsory
    // misses, then hits.
    const CliResult r = runCli("run -c configs/teaching.json --classify traces/thrash-one-set.trace");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("miss classes (3C)\n"
                     "level  misses  compulsory  capacity  conflict\n"
                     "L1         12           3         0         9\n"
                     "L2          3           3         0         0\n") != std::string::npos);
    const CliResult j = runCli("run -c configs/teaching.json --classify --json traces/thrash-one-set.trace");
    REQUIRE(j.status == 0);
    const nlohmann::json report = nlohmann::json::parse(j.out);
    CHECK(report["levels"][0]["compulsory"] == 3);
    CHECK(report["levels"][0]["capacity"] == 0);
    CHECK(report["levels"][0]["conflict"] == 9);
    CHECK(report["levels"][1]["compulsory"] == 3);
    const CliResult c = runCli("run -c configs/teaching.json --classify --csv traces/thrash-one-set.trace");
    REQUIRE(c.status == 0);
    CHECK(c.out.find(",miss_rate,compulsory,capacity,conflict\n") != std::string::npos);
    CHECK(c.out.find("\nL1,1,12,0,12,12,0,12,0,0,0,10,0,0,1,3,0,9\n") != std::string::npos);
}

TEST_CASE("cli run --classify: a kernel's tensors sum to the levels, and classes sum to misses") {
    const CliResult r = runCli("run -c configs/teaching.json --classify --json --kernel matmul --param n=12");
    REQUIRE(r.status == 0);
    const nlohmann::json report = nlohmann::json::parse(r.out);
    REQUIRE(report.contains("regions"));
    for (const auto& level : report["levels"]) {
        const std::string name = level["name"];
        CAPTURE(name);
        CHECK(level["compulsory"].get<std::uint64_t>() + level["capacity"].get<std::uint64_t>() +
                  level["conflict"].get<std::uint64_t>() ==
              level["misses"].get<std::uint64_t>());
        std::uint64_t sum[3] = {0, 0, 0};
        for (const auto& row : report["regions"]) {
            const auto& m = row["miss_classes"][name];
            CHECK(m["compulsory"].get<std::uint64_t>() + m["capacity"].get<std::uint64_t>() +
                      m["conflict"].get<std::uint64_t>() ==
                  row["misses"][name].get<std::uint64_t>());
            sum[0] += m["compulsory"].get<std::uint64_t>();
            sum[1] += m["capacity"].get<std::uint64_t>();
            sum[2] += m["conflict"].get<std::uint64_t>();
        }
        CHECK(sum[0] == level["compulsory"].get<std::uint64_t>());
        CHECK(sum[1] == level["capacity"].get<std::uint64_t>());
        CHECK(sum[2] == level["conflict"].get<std::uint64_t>());
    }
    // Without the flag the counts are the same and no class appears.
    const CliResult plain = runCli("run -c configs/teaching.json --json --kernel matmul --param n=12");
    REQUIRE(plain.status == 0);
    const nlohmann::json p = nlohmann::json::parse(plain.out);
    CHECK(p["levels"][0]["misses"] == report["levels"][0]["misses"]);
    CHECK_FALSE(p["levels"][0].contains("compulsory"));
    CHECK_FALSE(p["regions"][0].contains("miss_classes"));
}

TEST_CASE("cli compare: two configs on thrash-one-set, checked by hand") {
    // A = teaching (2-way L1): L1 12 accesses 12 misses; L2 12 accesses 3 misses; memory 3 reads;
    //     cycles 12*1 + 12*10 + 3*100 = 432; AMAT 432/12 = 36.00.
    // B = 4-way L1: L1 12 accesses 3 misses; L2 3 accesses 3 misses; memory 3 reads;
    //     cycles 12*1 + 3*10 + 3*100 = 342; AMAT 28.50.
    // B - A: L1 misses -9 (-75%); L1 miss rate 25% - 100% = -75 pp (-75%); L2 accesses -9 (-75%);
    //     L2 miss rate 100% - 25% = +75 pp (+300%); cycles -90 (-90/432 = -20.83%); AMAT -7.50.
    ScratchDir dir;
    writeFile(dir.path / "four-way.json", kFourWay);
    const std::string b = (dir.path / "four-way.json").string();
    const CliResult r = runCli("compare -c configs/teaching.json -c '" + b + "' traces/thrash-one-set.trace");
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    const std::string expected =
        "metric               A        B      B - A    change\n"
        "L1 accesses         12       12          0     0.00%\n"
        "L1 misses           12        3         -9   -75.00%\n"
        "L1 miss rate   100.00%   25.00%  -75.00 pp   -75.00%\n"
        "L2 accesses         12        3         -9   -75.00%\n"
        "L2 misses            3        3          0     0.00%\n"
        "L2 miss rate    25.00%  100.00%  +75.00 pp  +300.00%\n"
        "memory reads         3        3          0     0.00%\n"
        "memory writes        0        0          0         -\n"
        "total cycles       432      342        -90   -20.83%\n"
        "AMAT             36.00    28.50      -7.50   -20.83%\n";
    CHECK(r.out.find(expected) != std::string::npos);
    CHECK(r.out.find("  A: configs/teaching.json\n  B: " + b + "\n") != std::string::npos);

    // --classify adds the classes; --json -o writes the same data to a file.
    const CliResult c = runCli("compare -c configs/teaching.json -c '" + b + "' --classify --json -o '" +
                               (dir.path / "cmp.json").string() + "' traces/thrash-one-set.trace");
    REQUIRE(c.status == 0);
    CHECK(c.out.empty());
    const nlohmann::json j = nlohmann::json::parse(readFile(dir.path / "cmp.json"));
    bool sawConflict = false;
    for (const auto& row : j["rows"]) {
        if (row.value("level", "") == "L1" && row["metric"] == "conflict") {
            sawConflict = true;
            CHECK(row["values"] == nlohmann::json{9, 0});  // 3 lines fit the 4-way set: no conflict
            CHECK(row["difference"] == -9);
        }
        if (row["metric"] == "total_cycles") CHECK(row["values"] == nlohmann::json{432, 342});
    }
    CHECK(sawConflict);
}

TEST_CASE("cli compare: a level only one config has shows '-'") {
    // default.json has L1I/L1D/L2/L3; teaching.json has L1/L2: L1 and L3 rows have a '-'.
    const CliResult r = runCli(
        "compare -c configs/teaching.json -c configs/default.json -c configs/teaching.json traces/sequential.trace");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("  C: configs/teaching.json\n") != std::string::npos);
    const std::size_t at = r.out.find("\nL3 accesses ");
    REQUIRE(at != std::string::npos);
    std::istringstream line(r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1));
    std::string l3, accesses, a, b, c, extra;
    line >> l3 >> accesses >> a >> b >> c;
    CHECK(a == "-");
    CHECK(b != "-");
    CHECK(c == "-");
    CHECK_FALSE(static_cast<bool>(line >> extra));
    CHECK(r.out.find("B - A") == std::string::npos);  // differences only for two configs
}

TEST_CASE("cli compare: translation rows (TLB, page faults, walks) when a config has an mmu") {
    // traces/strided.trace reads the 64 lines of one 4 KiB page (0x20000-0x20fff) twice. Under
    // teaching-paging.json: 1 page fault, 1 TLB miss (then 127 hits), 1 two-level walk = 2 PTE reads
    // that miss L1 and L2: L1 130 accesses, memory reads 64 + 2. Cycles: L1 130 x 1 + L2 130 x 10 +
    // memory 66 x 100 + TLB 128 x 1 + 1 fault x 1000 = 9,158.
    const CliResult r =
        runCli("compare --json -c configs/teaching.json -c configs/teaching-paging.json traces/strided.trace");
    REQUIRE(r.status == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    auto row = [&](const std::string& level, const std::string& metric) {
        for (const auto& x : j["rows"])
            if (x.value("level", "") == level && x["metric"] == metric) return x["values"];
        return nlohmann::json();
    };
    CHECK(row("TLB", "accesses") == nlohmann::json::array({nullptr, 128}));
    CHECK(row("TLB", "misses") == nlohmann::json::array({nullptr, 1}));
    CHECK(row("", "page_faults") == nlohmann::json::array({nullptr, 1}));
    CHECK(row("", "walks") == nlohmann::json::array({nullptr, 1}));
    CHECK(row("L1", "accesses") == nlohmann::json::array({128, 130}));
    CHECK(row("", "total_cycles") == nlohmann::json::array({7808, 9158}));
    // Without any mmu there are no translation rows.
    const CliResult plain = runCli("compare -c configs/teaching.json -c configs/teaching.json traces/strided.trace");
    CHECK(plain.out.find("page faults") == std::string::npos);
}

TEST_CASE("cli compare: errors") {
    const CliResult none = runCli("compare traces/thrash-one-set.trace");
    CHECK(none.status == 1);
    CHECK(isOneErrorLine(none.err, {"at least two --config", "got 0"}));
    const CliResult one = runCli("compare -c configs/teaching.json traces/thrash-one-set.trace");
    CHECK(one.status == 1);
    CHECK(isOneErrorLine(one.err, {"at least two --config", "got 1"}));
    CHECK(one.out.empty());
    const CliResult bad =
        runCli("compare -c configs/teaching.json -c tests/data/bad-associativity.json traces/thrash-one-set.trace");
    CHECK(bad.status == 1);
    CHECK(isOneErrorLine(bad.err, {"tests/data/bad-associativity.json", "associativity"}));
    CHECK(bad.out.empty());
    const CliResult missing = runCli("compare -c configs/teaching.json -c no-such.json traces/thrash-one-set.trace");
    CHECK(missing.status == 1);
    CHECK(isOneErrorLine(missing.err, {"no-such.json"}));
    const std::string trace = readFile(CACHESCOPE_SOURCE_DIR "/traces/thrash-one-set.trace");
    const CliResult stdinTrace = runCli("compare -c configs/teaching.json -c configs/teaching.json -", &trace);
    CHECK(stdinTrace.status == 1);
    CHECK(isOneErrorLine(stdinTrace.err, {"once per config", "standard input"}));
    // A failed comparison leaves no output file.
    ScratchDir dir;
    const CliResult noFile = runCli("compare -c configs/teaching.json -c no-such.json -o '" +
                                    (dir.path / "out.txt").string() + "' traces/thrash-one-set.trace");
    CHECK(noFile.status == 1);
    CHECK_FALSE(std::filesystem::exists(dir.path / "out.txt"));
}

TEST_CASE("cli compare and run --classify: help footers show examples") {
    const CliResult help = runCli("compare --help");
    CHECK(help.status == 0);
    CHECK(help.out.find("cachescope compare -c") != std::string::npos);
    const CliResult top = runCli("--help");
    CHECK(top.out.find("compare") != std::string::npos);
    const CliResult run = runCli("run --help");
    CHECK(run.out.find("--classify") != std::string::npos);
}
