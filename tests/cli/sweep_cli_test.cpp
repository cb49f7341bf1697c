// `cachescope sweep` and `sweep merge` end to end: shards merged back equal the whole sweep byte
// for byte, merge errors, --jobs independence, and a sweep row against a separate `run`.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;
namespace fs = std::filesystem;

namespace {

// 3 sizes x 2 associativities = 6 combinations, x 2 traces = 12 runs; tiny traces (32 lines) whose
// misses change with both keys.
const std::vector<std::string> kSizes = {"512", "1KiB", "2KiB"};
const std::vector<std::string> kWays = {"1", "2"};
const std::vector<std::string> kTraces = {"traces/thrash-one-set.trace", "traces/page-crossing.trace"};
const std::string kSweep =
    "sweep -c configs/teaching.json --vary caches.L1.size=512,1KiB,2KiB --vary caches.L1.associativity=1,2 "
    "traces/thrash-one-set.trace traces/page-crossing.trace";

bool oneErrorLine(const CliResult& r, const std::string& needle) {
    return r.status == 1 && countLines(r.err) == 1 && r.err.rfind("cachescope: error: ", 0) == 0 &&
           r.err.find(needle) != std::string::npos;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TEST_CASE("cli sweep: one row per (combination, trace), first --vary slowest") {
    const CliResult r = runCli(kSweep + " --jobs 2");
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    CHECK(countLines(r.out) == 2 + 12);  // identity line, header, 3 x 2 x 2 rows
    CHECK(r.out.find("\nindex,caches.L1.size,caches.L1.associativity,trace,L1_accesses,L1_misses,L1_miss_rate,"
                     "L2_accesses,L2_misses,L2_miss_rate,memory_reads,memory_writes,total_cycles,amat,error\n") !=
          std::string::npos);
    // index = combination * 2 + trace; combination = size index * 2 + associativity index
    std::size_t index = 0;
    for (const std::string& size : kSizes)
        for (const std::string& ways : kWays)
            for (const std::string& trace : kTraces) {
                const std::string start = "\n" + std::to_string(index++) + "," + size + "," + ways + "," + trace + ",";
                CHECK_MESSAGE(r.out.find(start) != std::string::npos, start);
            }
}

TEST_CASE("cli sweep: replacement opt is planned like in run (thrash-one-set: LRU 12 misses, OPT 7)") {
    // Three lines cycling through one 2-way L1 set, 4 rounds: LRU misses all 12; OPT 7, worked by
    // hand in tests/sim/opt_test.cpp. FIFO behaves as LRU here (no hits): 12.
    const CliResult r = runCli("sweep --json -c configs/teaching.json --vary caches.L1.replacement=lru,opt,fifo "
                               "traces/thrash-one-set.trace");
    REQUIRE(r.status == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    REQUIRE(j["rows"].size() == 3);
    CHECK(j["rows"][0]["levels"][0]["misses"] == 12);
    CHECK(j["rows"][1]["levels"][0]["misses"] == 7);
    CHECK(j["rows"][2]["levels"][0]["misses"] == 12);
}

TEST_CASE("cli sweep: --jobs 1 and --jobs 2 give the same bytes") {
    const CliResult one = runCli(kSweep + " --jobs 1");
    const CliResult two = runCli(kSweep + " --jobs 2");
    REQUIRE(one.status == 0);
    CHECK(one.out == two.out);
    const CliResult jsonOne = runCli(kSweep + " --json --jobs 1");
    const CliResult jsonTwo = runCli(kSweep + " --json --jobs 2");
    REQUIRE(jsonOne.status == 0);
    CHECK(jsonOne.out == jsonTwo.out);
}

TEST_CASE("cli sweep: the union of the shards, merged, is the whole sweep byte for byte") {
    ScratchDir dir;
    for (const bool json : {false, true}) {
        const std::string ext = json ? ".json" : ".csv";
        const CliResult whole = runCli(kSweep + (json ? " --json" : ""));
        REQUIRE(whole.status == 0);
        for (const int n : {1, 2, 3, 5}) {
            if (json && n != 3) continue;  // JSON once is enough; CSV for every count
            CAPTURE(n);
            std::string files;
            for (int i = 0; i < n; ++i) {
                const fs::path part = dir.path / ("part" + std::to_string(i) + "of" + std::to_string(n) + ext);
                const CliResult r = runCli(kSweep + (json ? " --json" : "") + " --jobs 1 --shard " + std::to_string(i) +
                                           "/" + std::to_string(n) + " -o " + q(part));
                REQUIRE(r.status == 0);
                files += " " + q(part);
            }
            const fs::path out = dir.path / ("all" + std::to_string(n) + ext);
            const CliResult merged = runCli("sweep merge " + q(out) + files);
            REQUIRE(merged.status == 0);
            CHECK(readFile(out) == whole.out);
        }
    }
    // CSV and JSON shards mix; the output takes the format of OUT's extension.
    const fs::path mixed = dir.path / "mixed.csv";
    const CliResult r =
        runCli("sweep merge " + q(mixed) + " " + q(dir.path / "part0of2.csv") + " " + q(dir.path / "part1of3.json") +
               " " + q(dir.path / "part0of3.json") + " " + q(dir.path / "part2of3.json"));
    CHECK(r.status == 1);  // a 2-shard file among 3-shard ones is a foreign shard
    CHECK(r.err.find("\"shards\" is 3, not 2") != std::string::npos);
    const fs::path part0of3 = dir.path / "part0of3.csv";
    REQUIRE(runCli(kSweep + " --shard 0/3 -o " + q(part0of3)).status == 0);
    REQUIRE(runCli("sweep merge " + q(mixed) + " " + q(part0of3) + " " + q(dir.path / "part1of3.json") + " " +
                   q(dir.path / "part2of3.json"))
                .status == 0);
    CHECK(readFile(mixed) == runCli(kSweep).out);
}

TEST_CASE("cli sweep merge: missing, duplicate and foreign shards are errors") {
    ScratchDir dir;
    std::vector<fs::path> parts;
    for (int i = 0; i < 3; ++i) {
        parts.push_back(dir.path / ("p" + std::to_string(i) + ".csv"));
        REQUIRE(runCli(kSweep + " --shard " + std::to_string(i) + "/3 -o " + q(parts.back())).status == 0);
    }
    const fs::path out = dir.path / "all.csv";
    // Shard 1 of 3 holds runs 1, 4, 7, 10.
    const CliResult missing = runCli("sweep merge " + q(out) + " " + q(parts[0]) + " " + q(parts[2]));
    CHECK(oneErrorLine(missing, "missing runs 1, 4, 7, 10 of 12 (they belong to shard 1/3)"));
    const CliResult twice =
        runCli("sweep merge " + q(out) + " " + q(parts[0]) + " " + q(parts[1]) + " " + q(parts[2]) + " " + q(parts[1]));
    CHECK(oneErrorLine(twice, "run 1 appears twice"));
    const fs::path foreign = dir.path / "foreign.csv";
    REQUIRE(runCli("sweep -c configs/teaching.json --vary caches.L1.size=512,1KiB,4KiB "
                   "--vary caches.L1.associativity=1,2 traces/thrash-one-set.trace traces/page-crossing.trace --shard "
                   "1/3 -o " +
                   q(foreign))
                .status == 0);
    const CliResult alien = runCli("sweep merge " + q(out) + " " + q(parts[0]) + " " + q(foreign) + " " + q(parts[2]));
    CHECK(oneErrorLine(alien, "belongs to another sweep"));
    CHECK(alien.err.find("\"vary\"") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("cli sweep: every row equals a separate run with the equivalent config") {
    ScratchDir dir;
    const CliResult sweep = runCli(kSweep + " --json");
    REQUIRE(sweep.status == 0);
    const nlohmann::json rows = nlohmann::json::parse(sweep.out)["rows"];
    REQUIRE(rows.size() == 12);
    const std::vector<std::string> bytes = {"512", "1024", "2048"};
    std::size_t index = 0;
    for (std::size_t s = 0; s < kSizes.size(); ++s)
        for (const std::string& ways : kWays)
            for (const std::string& trace : kTraces) {
                CAPTURE(index);
                // teaching.json's caches written out by hand, with this combination's L1.
                const fs::path config = dir.path / ("c" + std::to_string(index) + ".json");
                writeFile(config, R"({"caches": [
                    {"name": "L1", "size": )" +
                                      bytes[s] + R"(, "associativity": )" + ways + R"(, "latency": 1},
                    {"name": "L2", "size": 4096, "associativity": 4, "latency": 10}],
                    "memory": {"latency": 100}})");
                const CliResult run = runCli("run --json -c " + q(config) + " " + trace);
                REQUIRE(run.status == 0);
                const nlohmann::json expected = nlohmann::json::parse(run.out);
                const nlohmann::json& row = rows[index++];
                CHECK(row["trace"] == trace);
                CHECK(row["values"]["caches.L1.associativity"] == std::stoi(ways));
                for (std::size_t l = 0; l < 2; ++l) {
                    CHECK(row["levels"][l]["accesses"] == expected["levels"][l]["accesses"]);
                    CHECK(row["levels"][l]["misses"] == expected["levels"][l]["misses"]);
                    CHECK(row["levels"][l]["miss_rate"] == expected["levels"][l]["miss_rate"]);
                }
                CHECK(row["memory"] == expected["memory"]);
                CHECK(row["total_cycles"] == expected["total_cycles"]);
                CHECK(row["amat"] == expected["amat"]);
            }
    // The numbers do change across the sweep (else the comparison above would prove little):
    // thrash-one-set misses 12 times in L1 at 512 B direct-mapped and 3 times at 2 KiB.
    CHECK(rows[0]["levels"][0]["misses"] == 12);
    CHECK(rows[8]["levels"][0]["misses"] == 3);
}

TEST_CASE("cli sweep: translation columns match a separate run (teaching-paging, TLB entries varied)") {
    ScratchDir dir;
    const std::string text = readFile(fs::path(CACHESCOPE_SOURCE_DIR) / "configs/teaching-paging.json");
    const std::string from = R"("entries": 8)";
    REQUIRE(text.find(from) != std::string::npos);
    std::string edited = text;
    edited.replace(edited.find(from), from.size(), R"("entries": 2)");
    const fs::path config = dir.path / "tlb2.json";
    writeFile(config, edited);
    const CliResult run = runCli("run --json -c " + q(config) + " traces/sample.din");
    REQUIRE(run.status == 0);
    const nlohmann::json expected = nlohmann::json::parse(run.out);
    const CliResult sweep =
        runCli("sweep --json -c configs/teaching-paging.json --vary tlbs.TLB.entries=8,2 traces/sample.din");
    REQUIRE(sweep.status == 0);
    const nlohmann::json rows = nlohmann::json::parse(sweep.out)["rows"];
    const nlohmann::json& row = rows[1];
    // The TLB size matters on this trace (else the comparison would prove little).
    CHECK(rows[0]["tlbs"][0]["misses"] != row["tlbs"][0]["misses"]);
    CHECK(row["tlbs"][0]["accesses"] == expected["tlbs"][0]["accesses"]);
    CHECK(row["tlbs"][0]["misses"] == expected["tlbs"][0]["misses"]);
    CHECK(row["page_faults"] == expected["mmu"]["page_faults"]);
    CHECK(row["walks"] == expected["mmu"]["walks"]);
    CHECK(row["total_cycles"] == expected["total_cycles"]);
}

TEST_CASE("cli sweep: an impossible combination fails, or with --skip-invalid is an error row") {
    const std::string base = "sweep -c configs/teaching.json --vary caches.L1.associativity=2,3 traces/strided.trace";
    const CliResult fails = runCli(base);
    CHECK(oneErrorLine(fails,
                       "combination 1 of 2 (caches.L1.associativity=3): configs/teaching.json: "
                       "/caches/0/associativity"));
    CHECK(fails.out.empty());
    const CliResult skips = runCli(base + " --skip-invalid");
    REQUIRE(skips.status == 0);
    CHECK(skips.out.find("\n1,3,traces/strided.trace,,,,,,,,,,,\"combination 1 of 2") != std::string::npos);
}

TEST_CASE("cli sweep: a bad path and standard input are errors") {
    CHECK(oneErrorLine(runCli("sweep -c configs/teaching.json --vary caches.L1D.size=1KiB traces/strided.trace"),
                       "no element \"L1D\" in caches; valid: L1, L2, or an index 0 to 1"));
    CHECK(oneErrorLine(runCli("sweep -c configs/teaching.json --vary seed=1,2 -"), "not - (standard input)"));
    CHECK(oneErrorLine(runCli("sweep -c configs/teaching.json --shard 2/2 traces/strided.trace"),
                       "I must be less than N"));
}

TEST_CASE("cli sweep: a kernel source is re-run per job, identically") {
    const std::string k =
        "sweep -c configs/teaching.json --vary caches.L1.replacement=lru,fifo,random "
        "--kernel matmul --param n=8";
    const CliResult one = runCli(k + " --jobs 1");
    const CliResult two = runCli(k + " --jobs 2");
    REQUIRE(one.status == 0);
    CHECK(one.out == two.out);
    CHECK(countLines(one.out) == 2 + 3);
    CHECK(one.out.find(",kernel matmul m=0 n=8 ") != std::string::npos);
}
