// The cachescope binary end to end: exit statuses, error lines, report formats, output files.
// Each test runs the real binary (CACHESCOPE_CLI_PATH) from the repository root.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "cachescope/config/config.hpp"
#include "cachescope/config/resources.hpp"
#include "cachescope/policy/registry.hpp"
#include "cli/cli_run.hpp"

using namespace cachescope;
using namespace cachescope::testing;
namespace fs = std::filesystem;

namespace {

/// True if `err` is exactly one line "cachescope: error: ..." containing every `needle`.
bool isOneErrorLine(const std::string& err, std::initializer_list<std::string> needles) {
    if (countLines(err) != 1 || err.rfind("cachescope: error: ", 0) != 0) return false;
    for (const auto& n : needles)
        if (err.find(n) == std::string::npos) return false;
    return true;
}

std::size_t entries(const fs::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

const char* const kRun = "run --config configs/default.json traces/sequential.trace";

}  // namespace

TEST_CASE("cli: --version prints the version") {
    const CliResult r = runCli("--version");
    CHECK(r.status == 0);
    CHECK(r.out == "cachescope " CACHESCOPE_VERSION "\n");
}

TEST_CASE("cli: --help lists the subcommands with examples") {
    const CliResult r = runCli("--help");
    CHECK(r.status == 0);
    for (const char* word : {"run", "policies", "config", "bench", "Examples:"})
        CHECK_MESSAGE(r.out.find(word) != std::string::npos, word);
    const CliResult runHelp = runCli("run --help");
    CHECK(runHelp.status == 0);
    CHECK(runHelp.out.find("--trace-format") != std::string::npos);
    CHECK(runHelp.out.find("cachescope run --config") != std::string::npos);
}

TEST_CASE("cli: usage errors exit non-zero without output") {
    const CliResult none = runCli("");
    CHECK(none.status != 0);
    CHECK(none.out.empty());
    const CliResult both = runCli("run --config configs/default.json --json --csv traces/sequential.trace");
    CHECK(both.status != 0);
    CHECK(both.out.empty());
    const CliResult badFormat = runCli("run --config configs/default.json --trace-format xyz traces/sequential.trace");
    CHECK(badFormat.status != 0);
    CHECK(badFormat.err.find("xyz") != std::string::npos);
}

TEST_CASE("cli policies: lists every registered policy with its description") {
    const CliResult r = runCli("policies");
    CHECK(r.status == 0);
    CHECK(countLines(r.out) == policies().size());
    for (const PolicyInfo& p : policies()) {
        const std::string name(p.name);
        const bool listed = r.out.rfind(name + " ", 0) == 0 || r.out.find("\n" + name + " ") != std::string::npos;
        CHECK_MESSAGE(listed, name);
        CHECK(r.out.find(std::string(p.description)) != std::string::npos);
    }
}

TEST_CASE("cli run: a missing trace is one error line naming the file") {
    const CliResult r = runCli("run --config configs/default.json no-such-trace.trace");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK_MESSAGE(isOneErrorLine(r.err, {"no-such-trace.trace"}), r.err);
}

TEST_CASE("cli run: a missing config is one error line naming the file") {
    const CliResult r = runCli("run --config no-such-config.json traces/sequential.trace");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK_MESSAGE(isOneErrorLine(r.err, {"no-such-config.json"}), r.err);
}

TEST_CASE("cli run: a malformed trace names file and line, and -o creates nothing") {
    ScratchDir dir;
    const fs::path trace = dir.path / "bad.trace";
    writeFile(trace, "R 0x1000 4\nW 0x2000 4\nQ 0x3000 4\nR 0x4000 4\n");
    const fs::path out = dir.path / "report.txt";
    const CliResult r = runCli("run --config configs/default.json --trace-format text -o '" + out.string() + "' '" +
                               trace.string() + "'");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK_MESSAGE(isOneErrorLine(r.err, {trace.string() + ":3"}), r.err);
    CHECK(entries(dir.path) == 1);  // only bad.trace: no report, no temporary file
}

TEST_CASE("cli config check: a bad config names the JSON path") {
    ScratchDir dir;
    const fs::path config = dir.path / "bad.json";
    // 32 KiB of 64-byte lines = 512 lines; 6 ways do not divide them.
    writeFile(config, R"({"caches": [{"size": "32KiB", "associativity": 6}]})");
    const CliResult r = runCli("config check '" + config.string() + "'");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK_MESSAGE(isOneErrorLine(r.err, {"/caches/0/associativity"}), r.err);
}

TEST_CASE("cli config check: a good config prints OK and one line per cache") {
    for (const char* path : {"configs/default.json", "configs/teaching.json"}) {
        const SimConfig config = loadConfig(std::string(CACHESCOPE_SOURCE_DIR) + "/" + path);
        const CliResult r = runCli(std::string("config check ") + path);
        CHECK(r.status == 0);
        CHECK(r.out.rfind(std::string(path) + ": OK\n", 0) == 0);
        // OK, caches, memory latency, "no mmu", the memory estimate
        CHECK(countLines(r.out) == 1 + config.caches.size() + 1 + 1 + 1);
        for (const CacheConfig& c : config.caches) {
            CHECK(r.out.find("  " + c.name + " ") != std::string::npos);
            CHECK(r.out.find(formatSize(c.size) + ",") != std::string::npos);
        }
        CHECK(r.out.find("  no mmu: addresses are used as they are (virtual)\n") != std::string::npos);
    }
}

TEST_CASE("cli config check: summarises the MMU, every TLB and the memory estimate") {
    // teaching-paging.json: its mmu and TLBs, each named with its entries and ways.
    const SimConfig config = loadConfig(std::string(CACHESCOPE_SOURCE_DIR) + "/configs/teaching-paging.json");
    REQUIRE(config.mmu);
    REQUIRE(!config.tlbs.empty());
    const CliResult r = runCli("config check configs/teaching-paging.json");
    CHECK(r.status == 0);
    CHECK(r.out.find("  mmu: " + formatSize(config.mmu->pageSize) + " pages, " +
                     std::to_string(config.mmu->bitsPerLevel.size()) + "-level page table") != std::string::npos);
    CHECK(r.out.find(formatSize(config.mmu->physicalMemory) + " physical memory") != std::string::npos);
    for (const TlbConfig& t : config.tlbs)
        CHECK_MESSAGE(r.out.find("  " + t.name + " ") != std::string::npos, t.name);
    CHECK(r.out.find(" " + std::to_string(config.tlbs.front().entries) + " entries, ") != std::string::npos);
    // The estimate names its largest part by JSON path.
    const MemoryEstimate e = estimateMemory(config);
    CHECK(r.out.find("simulator state: about " + approximateSize(e.total) + " (largest: " + e.largest().path) !=
          std::string::npos);
}

TEST_CASE("cli config show: prints the resolved config as JSON") {
    const CliResult r = runCli("config show configs/default.json");
    CHECK(r.status == 0);
    const SimConfig config = loadConfig(std::string(CACHESCOPE_SOURCE_DIR) + "/configs/default.json");
    CHECK(nlohmann::json::parse(r.out) == toJson(config));
}

TEST_CASE("cli run --json: every documented field, consistent with the latency model") {
    const CliResult r = runCli(std::string(kRun) + " --json");
    REQUIRE(r.status == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    CHECK(j["tool"] == "cachescope");
    CHECK(j["version"] == CACHESCOPE_VERSION);
    CHECK(j["config_file"] == "configs/default.json");
    CHECK(j["trace"]["path"] == "traces/sequential.trace");
    CHECK(j["trace"]["format"] == "text");
    CHECK(j["trace"]["records"].get<std::uint64_t>() > 0);
    CHECK(j["references"].get<std::uint64_t>() > 0);
    const SimConfig config = loadConfig(std::string(CACHESCOPE_SOURCE_DIR) + "/configs/default.json");
    CHECK(j["config"] == toJson(config));
    REQUIRE(j["levels"].size() == config.caches.size());
    std::uint64_t cycles = 0;
    for (std::size_t i = 0; i < config.caches.size(); ++i) {
        const auto& l = j["levels"][i];
        for (const char* key : {"name", "level", "accesses", "hits", "misses", "reads", "writes", "read_misses",
                                "write_misses", "instruction_fetches", "instruction_fetch_misses", "evictions",
                                "writebacks", "back_invalidations", "miss_rate"})
            CHECK_MESSAGE(l.contains(key), key);
        CHECK(l["name"] == config.caches[i].name);
        const auto accesses = l["accesses"].get<std::uint64_t>();
        CHECK(accesses == l["hits"].get<std::uint64_t>() + l["misses"].get<std::uint64_t>());
        CHECK(accesses == l["reads"].get<std::uint64_t>() + l["writes"].get<std::uint64_t>());
        cycles += accesses * config.caches[i].latency;
    }
    const auto memReads = j["memory"]["reads"].get<std::uint64_t>();
    const auto memWrites = j["memory"]["writes"].get<std::uint64_t>();
    cycles += (memReads + memWrites) * config.memory.latency;
    CHECK(j["total_cycles"].get<std::uint64_t>() == cycles);
    CHECK(j["amat"].get<double>() ==
          doctest::Approx(double(cycles) / j["references"].get<double>()).epsilon(1e-12));
}

TEST_CASE("cli run --csv: header, one row per cache, memory row") {
    const CliResult r = runCli(std::string(kRun) + " --csv");
    REQUIRE(r.status == 0);
    const SimConfig config = loadConfig(std::string(CACHESCOPE_SOURCE_DIR) + "/configs/default.json");
    CHECK(r.out.rfind("name,level,accesses,hits,misses,reads,writes,read_misses,write_misses,instruction_fetches,"
                      "instruction_fetch_misses,evictions,writebacks,back_invalidations,miss_rate\n",
                      0) == 0);
    CHECK(countLines(r.out) == 1 + config.caches.size() + 1);
    CHECK(r.out.find("\nmemory,,,,,") != std::string::npos);
}

TEST_CASE("cli run -o: writes the file atomically, nothing on stdout, no temporary left") {
    ScratchDir dir;
    const fs::path out = dir.path / "report.json";
    const CliResult r = runCli(std::string(kRun) + " --json -o '" + out.string() + "'");
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
    CHECK(entries(dir.path) == 1);
    const nlohmann::json j = nlohmann::json::parse(readFile(out));
    CHECK(j["tool"] == "cachescope");
    // The same run to stdout gives the same report.
    const CliResult direct = runCli(std::string(kRun) + " --json");
    CHECK(readFile(out) == direct.out);
}

TEST_CASE("cli run -o: an unwritable destination is one error line naming it") {
    ScratchDir dir;
    const fs::path out = dir.path / "missing-dir" / "report.txt";
    const CliResult r = runCli(std::string(kRun) + " -o '" + out.string() + "'");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK_MESSAGE(isOneErrorLine(r.err, {out.string()}), r.err);
    CHECK(entries(dir.path) == 0);
}

TEST_CASE("cli run: reads the trace from standard input with -") {
    const std::string trace = readFile(fs::path(CACHESCOPE_SOURCE_DIR) / "traces/sequential.trace");
    const CliResult r = runCli("run --config configs/default.json --json -", &trace);
    REQUIRE(r.status == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    CHECK(j["trace"]["path"] == "-");
    const CliResult file = runCli(std::string(kRun) + " --json");
    const nlohmann::json k = nlohmann::json::parse(file.out);
    CHECK(j["levels"] == k["levels"]);
    CHECK(j["memory"] == k["memory"]);
}

TEST_CASE("cli run --seed: overrides the config's seed") {
    const CliResult r = runCli(std::string(kRun) + " --seed 12345 --json");
    REQUIRE(r.status == 0);
    CHECK(nlohmann::json::parse(r.out)["config"]["seed"] == 12345);
}

TEST_CASE("cli bench: tiny run as JSON has the seven simulation cases, the decode case and the two mrc cases") {
    const CliResult r = runCli("bench --n 16 --json");
    REQUIRE(r.status == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    std::set<std::string> names;
    for (const auto& res : j["results"]) {
        names.insert(res["name"].get<std::string>());
        CHECK(res["accesses"] == 4 * 16 * 16 * 16);  // 4·n³
        CHECK(res.contains("seconds"));
        CHECK(res.contains("accesses_per_second"));
        const std::string name = res["name"].get<std::string>();
        if (name == "decode/binary") {
            CHECK(res["misses"].empty());
            CHECK(res["bytes_per_access"].get<double>() >= 1.0);
            continue;
        }
        CHECK(res["misses"].size() == (name.find("L1-L2-L3") != std::string::npos ? 3u : 1u));
        CHECK(res.contains("run_seconds"));
    }
    CHECK(names == std::set<std::string>{"ikj/L1", "ikj/L1-L2-L3", "ikj/L1-L2-L3-MMU", "ijk/L1", "ijk/L1-L2-L3",
                                         "ijk/L1-L2-L3-MMU", "ijk/L1-64MiB-full", "decode/binary", "mrc/exact",
                                         "mrc/sampled"});
    const CliResult text = runCli("bench --n 8");
    CHECK(text.status == 0);
    CHECK(text.out.find("ikj/L1-L2-L3") != std::string::npos);
    // --files: sixteen whole runs from temporary files, with the bytes per access of each kind, and
    // the analyses' time against the plain run (n = 4: 256 references, the last one is 255).
    const CliResult files = runCli("bench --files --n 4 --runs 1");
    CHECK(files.status == 0);
    CHECK(files.out.find("file/din.bin/ijk/L1-L2-L3") != std::string::npos);
    CHECK(files.out.find("bytes per access: din ") != std::string::npos);
    CHECK(files.out.find("file/kernel.bin/ijk/L1-L2-L3/classify") != std::string::npos);
    CHECK(files.out.find("`explain --from 255 --count 1`") != std::string::npos);
    CHECK(files.out.find("kernel.bin/ikj/L1-L2-L3/explain ") != std::string::npos);
}

TEST_CASE("cli run: OPT page replacement reads a trace file twice, standard input is refused") {
    // 2 frames on pages 1 2 3 1 2 3 (one access each), Belady's choice at each fault:
    //   1 F {1}   2 F {1,2}   3 F evict 2 (next use of 1 is sooner) {1,3}   1 hit
    //   2 F evict 1 (never used again; 3 is) {2,3}   3 hit          -> 4 faults.
    ScratchDir dir;
    writeFile(dir.path / "opt.json", R"({"caches": [{"size": "1KiB"}],
        "mmu": {"physical_memory": "8KiB", "page_replacement": "opt"}})");
    writeFile(dir.path / "t.trace", "R 0x1000\nR 0x2000\nR 0x3000\nR 0x1000\nR 0x2000\nR 0x3000\n");
    const std::string config = (dir.path / "opt.json").string(), trace = (dir.path / "t.trace").string();
    const CliResult r = runCli("run --json --config '" + config + "' '" + trace + "'");
    REQUIRE(r.status == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    CHECK(j["mmu"]["page_faults"] == 4);
    const std::string input = "R 0x1000\n";
    const CliResult piped = runCli("run --config '" + config + "' -", &input);
    CHECK(piped.status == 1);
    CHECK(piped.err.find("standard input") != std::string::npos);
}

TEST_CASE("cli run: opt as a cache policy, and --vs-opt on traces/thrash-one-set.trace") {
    // Teaching L1 (2-way, 8 sets): 0x0, 0x200, 0x400 cycle through set 0, 4 rounds. LRU misses all
    // 12; OPT (tests/sim/opt_test.cpp works the same sequence by hand) misses 7. The L2 (4-way, 16
    // sets) holds all three lines: 3 compulsory misses under either policy.
    const CliResult r = runCli("run --config configs/teaching.json --vs-opt traces/thrash-one-set.trace");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("compared with OPT (Belady's optimal replacement, each level on the same stream)\n"
                     "level  misses  OPT misses  above OPT  share of misses\n"
                     "L1         12           7          5           41.67%\n"
                     "L2          3           3          0            0.00%\n") != std::string::npos);
    const CliResult j = runCli("run --json --config configs/teaching.json --vs-opt traces/thrash-one-set.trace");
    REQUIRE(j.status == 0);
    const nlohmann::json report = nlohmann::json::parse(j.out);
    CHECK(report["levels"][0]["misses"] == 12);
    CHECK(report["levels"][0]["opt_misses"] == 7);
    CHECK(report["levels"][1]["opt_misses"] == 3);
    // Without the flag nothing is added.
    const CliResult plain = runCli("run --json --config configs/teaching.json traces/thrash-one-set.trace");
    CHECK_FALSE(nlohmann::json::parse(plain.out)["levels"][0].contains("opt_misses"));

    ScratchDir dir;
    writeFile(dir.path / "opt.json", R"({"caches": [{"size": "1KiB", "associativity": 2, "replacement": "opt"}]})");
    const std::string config = (dir.path / "opt.json").string();
    const CliResult opt = runCli("run --json --config '" + config + "' traces/thrash-one-set.trace");
    REQUIRE(opt.status == 0);
    CHECK(nlohmann::json::parse(opt.out)["levels"][0]["misses"] == 7);
    const std::string input = "R 0x0\n";
    const CliResult piped = runCli("run --config '" + config + "' -", &input);
    CHECK(piped.status == 1);
    CHECK(piped.err == "cachescope: error: \"opt\" (as page_replacement or as a replacement policy) reads the trace "
                       "more than once (first to learn the future); give a trace file, not standard input\n");
    const CliResult vsPiped = runCli("run --config configs/teaching.json --vs-opt -", &input);
    CHECK(vsPiped.status == 1);
    CHECK(vsPiped.err.find("--vs-opt reads the trace again") != std::string::npos);
}

TEST_CASE("cli run: opt in an inclusive L2 is a config error naming the path") {
    ScratchDir dir;
    writeFile(dir.path / "incl.json", R"({"caches": [{"name": "L1", "size": "1KiB"},
        {"name": "L2", "size": "4KiB", "inclusion": "inclusive", "replacement": "opt"}]})");
    const CliResult r = runCli("config check '" + (dir.path / "incl.json").string() + "'");
    CHECK(r.status == 1);
    CHECK(r.err.find("/caches/1/replacement: \"opt\" cannot be planned for \"L2\"") != std::string::npos);
}

TEST_CASE("cli --max-memory: a config too large is refused at once, naming its JSON path, bad sizes are usage errors") {
    ScratchDir dir;
    const std::string config = (dir.path / "big.json").string();
    {
        std::ofstream f(config);
        f << R"({"caches": [{"size": "64GiB"}]})";
    }
    CliResult r = runCli("run --config '" + config + "' traces/sequential.trace");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find(config + ": /caches/0/size: the simulator's state would need about 26 GiB") != std::string::npos);
    CHECK(r.err.find("bad_alloc") == std::string::npos);
    // A 1 KiB budget refuses even the teaching config (its L1 alone needs 544 bytes, L2 ~1.8 KiB).
    r = runCli("run --config configs/teaching.json --max-memory 1KiB traces/sequential.trace");
    CHECK(r.status == 1);
    CHECK(r.err.find("more than the memory budget of 1.0 KiB") != std::string::npos);
    r = runCli("run --config configs/teaching.json --max-memory lots traces/sequential.trace");
    CHECK(r.status != 0);
    CHECK(r.err.find("--max-memory: expected a size such as 4GiB or 512MiB, got \"lots\"") != std::string::npos);
    // Kernels: the tensors count against the same budget.
    r = runCli("run --config configs/teaching.json --max-memory 1MiB --kernel softmax --param rows=512 --param cols=512");
    CHECK(r.status == 1);
    CHECK(r.err.find("tensor Y (512x512 elements of 4 bytes)") != std::string::npos);
}
