// Report printers on hand-built summaries. Every expected string below was worked out by hand from
// the counters (see the comments), not copied from the printers' output.

#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "cachescope/report/report.hpp"

using namespace cachescope;

namespace {

CacheStats makeStats(std::uint64_t reads, std::uint64_t writes, std::uint64_t fetches, std::uint64_t readMisses,
                     std::uint64_t writeMisses, std::uint64_t fetchMisses, std::uint64_t evictions,
                     std::uint64_t writebacks, std::uint64_t backInvalidations = 0) {
    CacheStats s;
    s.accessesByKind[kindIndex(AccessKind::Read)] = reads;
    s.accessesByKind[kindIndex(AccessKind::Write)] = writes;
    s.accessesByKind[kindIndex(AccessKind::Fetch)] = fetches;
    s.missesByKind[kindIndex(AccessKind::Read)] = readMisses;
    s.missesByKind[kindIndex(AccessKind::Write)] = writeMisses;
    s.missesByKind[kindIndex(AccessKind::Fetch)] = fetchMisses;
    s.evictions = evictions;
    s.writebacks = writebacks;
    s.backInvalidations = backInvalidations;
    return s;
}

// Two levels with numbers big enough for thousands separators.
//   L1D: 1,200,000 reads (1,000 miss) + 34,567 writes (234 miss) = 1,234,567 accesses, 1,234 misses,
//        1,233,333 hits, miss rate 1234/1234567 = 0.09995% -> "0.10%"; 1,000 evictions, 12 write-backs.
//   L2:  1,234 fills (reads, 617 miss) + 12 write-backs (writes, 0 miss) = 1,246 accesses, 617 misses,
//        629 hits, miss rate 617/1246 = 49.518% -> "49.52%".
//   memory: 617 reads, 0 writes.
//   cycles = 1,234,567*4 + 1,246*10 + 617*100 = 4,938,268 + 12,460 + 61,700 = 5,012,428
//   AMAT = 5,012,428 / 1,234,567 = 4.0601 -> "4.06"
RunSummary bigSummary() {
    RunSummary s;
    s.info = {"configs/two.json", "traces/big.trace", "text", 1234567};
    s.references = 1234567;
    s.levels.push_back({"L1D", 1, 4, makeStats(1200000, 34567, 0, 1000, 234, 0, 1000, 12), {}});
    s.levels.push_back({"L2", 2, 10, makeStats(1234, 12, 0, 617, 0, 0, 0, 0), {}});
    s.memory = {617, 0};
    s.memoryLatency = 100;
    s.totalCycles = 5012428;
    s.amat = 5012428.0 / 1234567.0;
    s.config = {{"name", "two"}};
    return s;
}

// One split first level with exact miss rates (for CSV and JSON):
//   L1I: 8 fetches, 2 miss -> reads 8, read misses 2, miss rate 0.25
//   L1D: 2 reads (1 miss) + 2 writes (1 miss) -> 4 accesses, 2 misses, miss rate 0.5; 1 eviction, 1 write-back
//   L2 "a,b" (a name that needs CSV quoting): 3 reads + 1 write, all miss -> miss rate 1; 2 back-invalidations
RunSummary smallSummary() {
    RunSummary s;
    s.info = {"c.json", "-", "lackey", 11};
    s.references = 12;
    s.levels.push_back({"L1I", 1, 1, makeStats(0, 0, 8, 0, 0, 2, 0, 0), {}});
    s.levels.push_back({"L1D", 1, 2, makeStats(2, 2, 0, 1, 1, 0, 1, 1), {}});
    s.levels.push_back({"a,b", 2, 10, makeStats(3, 1, 0, 3, 1, 0, 0, 0, 2), {}});
    s.memory = {3, 1};
    s.memoryLatency = 50;
    // cycles = 8*1 + 4*2 + 4*10 + (3+1)*50 = 8 + 8 + 40 + 200 = 256; AMAT = 256/12 = 21.333
    s.totalCycles = 256;
    s.amat = 256.0 / 12.0;
    return s;
}

}  // namespace

TEST_CASE("report: thousands separators") {
    CHECK(withThousands(0) == "0");
    CHECK(withThousands(999) == "999");
    CHECK(withThousands(1000) == "1,000");
    CHECK(withThousands(123456) == "123,456");
    CHECK(withThousands(1234567) == "1,234,567");
    CHECK(withThousands(18446744073709551615ULL) == "18,446,744,073,709,551,615");
}

TEST_CASE("report text: hand-worked two-level table") {
    std::ostringstream os;
    printText(os, bigSummary());
    // Column widths: max(header, values): level 5, accesses 9, hits 9, misses 6, miss rate 9,
    // reads 9, writes 6, read misses 11, write misses 12, evictions 9, write-backs 11; 2 spaces apart.
    const std::string expected =
        "cachescope run: config configs/two.json, trace traces/big.trace (text, 1,234,567 records, "
        "1,234,567 references)\n"
        "\n"
        "level" "  " " accesses" "  " "     hits" "  " "misses" "  " "miss rate" "  " "    reads" "  "
        "writes" "  " "read misses" "  " "write misses" "  " "evictions" "  " "write-backs\n"
        "L1D  " "  " "1,234,567" "  " "1,233,333" "  " " 1,234" "  " "    0.10%" "  " "1,200,000" "  "
        "34,567" "  " "      1,000" "  " "         234" "  " "    1,000" "  " "         12\n"
        "L2   " "  " "    1,246" "  " "      629" "  " "   617" "  " "   49.52%" "  " "    1,234" "  "
        "    12" "  " "        617" "  " "           0" "  " "        0" "  " "          0\n"
        "\n"
        "memory: 617 reads, 0 writes\n"
        "latency (cycles): L1D 4, L2 10, memory 100\n"
        "total estimated cycles: 5,012,428\n"
        "AMAT: 4.06 cycles per reference\n";
    CHECK(os.str() == expected);
}

TEST_CASE("report text: a run with no references") {
    RunSummary s;
    s.info = {"c.json", "empty.trace", "text", 0};
    s.levels.push_back({"L1", 1, 4, CacheStats{}, {}});
    s.memoryLatency = 100;
    std::ostringstream os;
    printText(os, s);
    // Every column is as wide as its header; the miss rate of an unused cache is 0.
    const std::string expected =
        "cachescope run: config c.json, trace empty.trace (text, 0 records, 0 references)\n"
        "\n"
        "level  accesses  hits  misses  miss rate  reads  writes  read misses  write misses  evictions  write-backs\n"
        "L1            0     0       0      0.00%      0       0            0             0          0            0\n"
        "\n"
        "memory: 0 reads, 0 writes\n"
        "latency (cycles): L1 4, memory 100\n"
        "total estimated cycles: 0\n"
        "AMAT: 0.00 cycles per reference\n";
    CHECK(os.str() == expected);
}

TEST_CASE("report json: fields and values of a hand-built summary") {
    const nlohmann::ordered_json j = reportJson(bigSummary());
    const auto expected = nlohmann::json::parse(R"({
        "tool": "cachescope",
        "version": ")" CACHESCOPE_VERSION R"(",
        "config_file": "configs/two.json",
        "trace": {"path": "traces/big.trace", "format": "text", "records": 1234567},
        "references": 1234567,
        "levels": [
          {"name": "L1D", "level": 1, "accesses": 1234567, "hits": 1233333, "misses": 1234, "reads": 1200000,
           "writes": 34567, "read_misses": 1000, "write_misses": 234, "instruction_fetches": 0,
           "instruction_fetch_misses": 0, "evictions": 1000, "writebacks": 12, "back_invalidations": 0,
           "miss_rate": 0.00099954073},
          {"name": "L2", "level": 2, "accesses": 1246, "hits": 629, "misses": 617, "reads": 1234, "writes": 12,
           "read_misses": 617, "write_misses": 0, "instruction_fetches": 0, "instruction_fetch_misses": 0,
           "evictions": 0, "writebacks": 0, "back_invalidations": 0, "miss_rate": 0.4951845907}
        ],
        "memory": {"reads": 617, "writes": 0},
        "total_cycles": 5012428,
        "amat": 4.0601,
        "config": {"name": "two"}
    })");
    // Key order is the documented one.
    std::vector<std::string> keys;
    for (const auto& item : j.items()) keys.push_back(item.key());
    CHECK(keys == std::vector<std::string>{"tool", "version", "config_file", "trace", "references", "levels",
                                           "memory", "total_cycles", "amat", "config"});
    // Compare everything but the floating-point fields exactly, those approximately.
    nlohmann::json actual = nlohmann::json::parse(j.dump());
    CHECK(actual["levels"][0]["miss_rate"].get<double>() == doctest::Approx(0.00099954073).epsilon(1e-7));
    CHECK(actual["levels"][1]["miss_rate"].get<double>() == doctest::Approx(0.4951845907).epsilon(1e-7));
    CHECK(actual["amat"].get<double>() == doctest::Approx(4.0601).epsilon(1e-4));
    nlohmann::json expectedRest = expected;
    for (auto* doc : {&actual, &expectedRest}) {
        (*doc)["levels"][0].erase("miss_rate");
        (*doc)["levels"][1].erase("miss_rate");
        doc->erase("amat");
    }
    CHECK(actual == expectedRest);
    // The level objects list their fields in the documented order too.
    std::vector<std::string> levelKeys;
    for (const auto& item : j["levels"][0].items()) levelKeys.push_back(item.key());
    CHECK(levelKeys == std::vector<std::string>{"name", "level", "accesses", "hits", "misses", "reads", "writes",
                                                "read_misses", "write_misses", "instruction_fetches",
                                                "instruction_fetch_misses", "evictions", "writebacks",
                                                "back_invalidations", "miss_rate"});
}

TEST_CASE("report json: split level with fetches, printed with a final newline") {
    std::ostringstream os;
    printJson(os, smallSummary());
    const std::string text = os.str();
    REQUIRE(!text.empty());
    CHECK(text.back() == '\n');
    const auto j = nlohmann::json::parse(text);
    CHECK(j["trace"]["path"] == "-");
    CHECK(j["trace"]["format"] == "lackey");
    CHECK(j["trace"]["records"] == 11);
    CHECK(j["references"] == 12);
    CHECK(j["levels"][0]["name"] == "L1I");
    CHECK(j["levels"][0]["reads"] == 8);
    CHECK(j["levels"][0]["instruction_fetches"] == 8);
    CHECK(j["levels"][0]["instruction_fetch_misses"] == 2);
    CHECK(j["levels"][0]["read_misses"] == 2);
    CHECK(j["levels"][0]["miss_rate"] == 0.25);
    CHECK(j["levels"][1]["miss_rate"] == 0.5);
    CHECK(j["levels"][2]["level"] == 2);
    CHECK(j["levels"][2]["back_invalidations"] == 2);
    CHECK(j["levels"][2]["miss_rate"] == 1.0);
    CHECK(j["memory"]["writes"] == 1);
    CHECK(j["total_cycles"] == 256);
    CHECK(j["config"].is_null());
}

TEST_CASE("report csv: header, one row per cache, memory row, quoting") {
    std::ostringstream os;
    printCsv(os, smallSummary());
    const std::string expected =
        "name,level,accesses,hits,misses,reads,writes,read_misses,write_misses,instruction_fetches,"
        "instruction_fetch_misses,evictions,writebacks,back_invalidations,miss_rate\n"
        // L1I: 8 accesses, 6 hits, 2 misses, reads 8 (all fetches), 2 read misses
        "L1I,1,8,6,2,8,0,2,0,8,2,0,0,0,0.25\n"
        // L1D: 4 accesses, 2 hits, 2 misses, 2 reads, 2 writes, 1+1 misses, 1 eviction, 1 write-back
        "L1D,1,4,2,2,2,2,1,1,0,0,1,1,0,0.5\n"
        // "a,b": 4 accesses, 0 hits, 4 misses, 3 reads, 1 write, 2 back-invalidations, miss rate 1
        "\"a,b\",2,4,0,4,3,1,3,1,0,0,0,0,2,1\n"
        // memory: 15 fields, only reads (6th) and writes (7th) filled
        "memory,,,,,3,1,,,,,,,,\n";
    CHECK(os.str() == expected);
}
