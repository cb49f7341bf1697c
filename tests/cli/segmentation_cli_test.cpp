// Protection and segmentation through the CLI: the reports, --on-fault stop, explain, config
// errors (docs/mmu.md, "Protection" and "Segmentation"). The numbers are those worked in
// traces/segments.trace and docs/mmu.md for configs/teaching-segmentation.json.

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;

namespace {
const std::string kRun = "run -c configs/teaching-segmentation.json ";
const std::string kTrace = " traces/segments.trace";
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("segmentation cli: the JSON report counts the worked example's placements and faults") {
    const CliResult r = runCli(kRun + "--json" + kTrace);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const auto j = nlohmann::json::parse(r.out);
    const auto& s = j["segmentation"];
    CHECK(s["mode"] == "segmentation");
    CHECK(s["placement"] == "first");
    CHECK(s["placements"] == 5);
    CHECK(s["swap_outs"] == 1);
    CHECK(s["compactions"] == 1);
    CHECK(s["bytes_moved"] == 3072);
    CHECK(s["checked"] == 8);
    CHECK(s["faults"] == 3);
    CHECK(s["faults_by_kind"] == nlohmann::json::parse(R"({"unmapped": 1, "permission": 1, "limit": 1})"));
    CHECK(s["faults_by_process"] == nlohmann::json::parse(R"({"0": 3})"));
    REQUIRE(s["first_faults"].size() == 3);
    CHECK(s["first_faults"][0]["reference"] == 5);
    CHECK(s["first_faults"][0]["address"] == "0x20bfc");
    CHECK(s["first_faults"][0]["fault"] == "limit");
    CHECK(s["first_faults"][0]["segment"] == "D");
    CHECK(s["first_faults"][1]["address"] == "0x10000");
    CHECK(s["first_faults"][1]["kind"] == "write");
    CHECK(s["first_faults"][2]["address"] == "0x8");
    // Final places: A swapped out, D moved to 0xc00, C 0x0, B 0x800, E 0x1800: memory full (8 KiB).
    CHECK(s["segments"][0]["base"].is_null());
    CHECK(s["segments"][1]["base"] == "0xc00");
    CHECK(s["segments"][4]["base"] == "0x1800");
    CHECK(s["holes"] == nlohmann::json::array());
    // 5 references reached the caches, one 4-byte access each; the 3 faulting ones did not.
    CHECK(j["references"] == 8);
    CHECK(j["levels"][0]["accesses"] == 5);
}

TEST_CASE("segmentation cli: the text and CSV reports list the first faults") {
    const CliResult text = runCli(kRun + kTrace);
    REQUIRE_MESSAGE(text.status == 0, text.err);
    CHECK(has(text.out, "protection and segmentation (mode segmentation, first-fit placement in 8KiB)"));
    CHECK(has(text.out, "placements: 5, swap-outs: 1, compactions: 1 (3,072 bytes moved)"));
    CHECK(has(text.out, "references checked: 8, faults: 3 (unmapped 1, permission 1, limit 1)"));
    CHECK(has(text.out, "  reference 6: write of 4 bytes at 0x10000 (process 0, site 0): protection fault: \"A\" "
                        "allows r, not w"));
    const CliResult csv = runCli(kRun + "--csv" + kTrace);
    REQUIRE_MESSAGE(csv.status == 0, csv.err);
    CHECK(has(csv.out, "\nfaults,,3,"));
    CHECK(has(csv.out, "\n\nreference,process,site,statement,address,size,kind,fault,segment\n"
                       "5,0,0,(unknown),0x20bfc,8,read,limit,D\n"
                       "6,0,0,(unknown),0x10000,4,write,permission,A\n"
                       "7,0,0,(unknown),0x8,4,read,unmapped,\n"));
}

TEST_CASE("segmentation cli: --on-fault stop ends the run at the first fault with its reference and address") {
    const CliResult r = runCli(kRun + "--on-fault stop" + kTrace);
    CHECK(r.status != 0);
    CHECK(r.out.empty());
    CHECK(has(r.err, "reference 5 (counting from 0): read of 8 bytes at 0x20bfc"));
    CHECK(has(r.err, "(run --on-fault stop)"));
    const CliResult bad = runCli(kRun + "--on-fault ignore" + kTrace);
    CHECK(bad.status != 0);
    CHECK(has(bad.err, "--on-fault"));
}

TEST_CASE("segmentation cli: explain narrates the lookup, the limit check, the compaction and the placement") {
    const CliResult r = runCli("explain -c configs/teaching-segmentation.json --count 6" + kTrace);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    // #4 R 0x50000: E, offset 0; no hole fits; compaction; placed at 0x1800.
    CHECK(has(r.out, "  segment E (start 0x50000, limit 0x800, perm rw): offset 0x50000 - 0x50000 = 0x0, offset + 4 "
                     "<= limit; rw allows a read\n"
                     "    holes too small, enough free in all: COMPACTION moved 3072 bytes\n"));
    CHECK(has(r.out, "    segment E placed at physical 0x1800\n    base + offset = 0x1800\n"));
    // #2 R 0x30000: C, after A was swapped out.
    CHECK(has(r.out, "    no hole fits: segment A swapped out\n"));
    // #5 R 0x20bfc 8: the limit check fails.
    CHECK(has(r.out, "offset 0x20bfc - 0x20000 = 0xbfc; offset + 8 > limit: SEGMENTATION FAULT (limit)"));
    CHECK(has(r.out, "served by nothing (a fault); 0 cycles"));
    const CliResult json = runCli("explain -c configs/teaching-segmentation.json --from 5 --count 1 --json" + kTrace);
    REQUIRE_MESSAGE(json.status == 0, json.err);
    const auto j = nlohmann::json::parse(json.out);
    const auto& seg = j["references"][0]["segment"];
    CHECK(seg["segment"] == "D");
    CHECK(seg["offset"] == 0xbfc);
    CHECK(seg["fault"] == "limit");
    CHECK(j["references"][0]["pieces"].empty());
}

TEST_CASE("segmentation cli: config errors name the JSON path") {
    ScratchDir dir;
    auto error = [&](const std::string& mmu) {
        writeFile(dir.path / "c.json", R"({"caches": [{"size": "1KiB"}], "mmu": )" + mmu + "}");
        const CliResult r = runCli("config check '" + (dir.path / "c.json").string() + "'");
        CHECK(r.status != 0);
        return r.err;
    };
    CHECK(has(error(R"({"mode": "segments"})"), "/mmu/mode: unknown value \"segments\""));
    CHECK(has(error(R"({"segments": [{"name": "A", "start": 0, "limit": 16, "perm": "rwq"}]})"),
              "/mmu/segments/0/perm: expected permissions such as"));
    CHECK(has(error(R"({"segments": [{"name": "A", "start": 0, "limit": 16}, {"name": "B", "start": 8, "limit": 16}]})"),
              "/mmu/segments/1/start: segment \"B\" at 0x8 overlaps segment \"A\""));
    CHECK(has(error(R"({"segments": [{"name": "A", "start": 0, "limit": 16, "base": 64}]})"),
              "/mmu/segments/0/base: \"base\" applies to mode \"segmented-paging\" only"));
    CHECK(has(error(R"({"mode": "segmentation", "walk_caches": [{}]})"), "/mmu/walk_caches: mmu.mode \"segmentation\""));
    CHECK(has(error(R"({"protection": true, "page_replacement": "opt"})"), "/mmu/page_replacement: \"opt\" plans"));
    CHECK(has(error(R"({"protection": "yes"})"), "/mmu/protection: expected true or false"));
    CHECK(has(error(R"({"segments": [{"name": "A", "limit": 16}]})"), "/mmu/segments/0/start: required key missing"));
}

TEST_CASE("protection cli: a kernel run with protection on checks every reference and finds no fault") {
    ScratchDir dir;
    writeFile(dir.path / "p.json", R"({"caches": [{"size": "1KiB", "associativity": 2}],
        "mmu": {"page_size": "4KiB", "physical_memory": "1MiB", "protection": true}})");
    const CliResult r = runCli("run -c '" + (dir.path / "p.json").string() +
                               "' --json --kernel matmul --param n=8 --param fetches=1");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const auto j = nlohmann::json::parse(r.out);
    const auto& s = j["segmentation"];
    CHECK(s["protection"] == true);
    CHECK(s["faults"] == 0);
    // 8^3 iterations x 4 statements (load A, B, C, store C), each after a fetch.
    CHECK(s["checked"] == 2 * 4 * 512);
    CHECK(s["segments"][0]["name"] == "A");
    CHECK(s["segments"][0]["perm"] == "r");
    CHECK(s["segments"][2]["name"] == "C");
    CHECK(s["segments"][2]["perm"] == "rw");
    CHECK(s["segments"][3]["name"] == "code");
    CHECK(s["segments"][3]["perm"] == "x");
}

TEST_CASE("segmentation cli: with --mix every process gets its own segments, from its source's regions or the config") {
    // Segments from the regions: each source's tensors become its process's segments (matmul: A, B,
    // C; transpose: its input and output), each placed once at its first reference: 3 + 2
    // placements, no fault (every reference of a kernel lies in one of its tensors).
    ScratchDir dir;
    const auto config = dir.path / "seg-regions.json";
    {
        std::ofstream out(config);
        out << R"({"caches": [{"name": "L1", "size": "1KiB", "line_size": 64, "associativity": 2}],
                   "memory": {"latency": 100}, "addressing": "physical",
                   "mmu": {"page_size": "1KiB", "physical_memory": "64KiB", "mode": "segmentation"}})";
    }
    const CliResult r = runCli("run -c '" + config.string() +
                               "' --json --mix matmul:n=4 --mix transpose:rows=8,cols=8 --quantum 50");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["segmentation"]["placements"] == 5);
    CHECK(j["segmentation"]["faults"] == 0);
    CHECK(j["segmentation"]["checked"] == 4 * 4 * 4 * 4 + 8 * 8 * 2);  // matmul n=4: 4 refs per (i,k,j); transpose: 2 per element

    // The config's segments are every process's table: the worked trace run as two processes
    // faults three times in each (the faults depend only on the table, which both have).
    const CliResult two = runCli(kRun + "--json --mix traces/segments.trace --mix traces/segments.trace --quantum 100");
    REQUIRE_MESSAGE(two.status == 0, two.err);
    const auto t = nlohmann::json::parse(two.out);
    CHECK(t["segmentation"]["faults_by_process"] == nlohmann::json::parse(R"({"0": 3, "1": 3})"));
    CHECK(t["segmentation"]["checked"] == 16);
}
