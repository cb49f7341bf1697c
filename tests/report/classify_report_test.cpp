// Printers of miss classes (run --classify) and of the comparison (compare), on hand-built inputs.

#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "cachescope/report/compare.hpp"
#include "cachescope/report/report.hpp"

using namespace cachescope;

namespace {

CacheStats readStats(std::uint64_t accesses, std::uint64_t misses) {
    CacheStats s;
    s.accessesByKind[kindIndex(AccessKind::Read)] = accesses;
    s.missesByKind[kindIndex(AccessKind::Read)] = misses;
    return s;
}

/// One level L1: 4 reads, 3 misses = 1 compulsory + 1 capacity + 1 conflict; memory 3 reads.
RunSummary classifiedSummary() {
    RunSummary s;
    s.info = {"c.json", "t.trace", "text", 4};
    s.references = 4;
    s.levels.push_back({"L1", 1, 4, readStats(4, 3), MissClassCounts{1, 1, 1}});
    s.memory.reads = 3;
    s.memoryLatency = 100;
    s.totalCycles = 316;
    s.amat = 79.0;
    s.classified = true;
    return s;
}

std::string text(const RunSummary& s) {
    std::ostringstream os;
    printText(os, s);
    return os.str();
}

std::string csv(const RunSummary& s) {
    std::ostringstream os;
    printCsv(os, s);
    return os.str();
}

}  // namespace

TEST_CASE("classify report: text table of miss classes per level") {
    // Columns: level (5 wide), misses (6), compulsory (10), capacity (8), conflict (8), two blanks
    // apart, numbers right-aligned.
    const std::string t = text(classifiedSummary());
    CHECK(t.find("\nmiss classes (3C)\n"
                 "level  misses  compulsory  capacity  conflict\n"
                 "L1          3           1         1         1\n\nmemory: 3 reads") != std::string::npos);
    RunSummary plain = classifiedSummary();
    plain.classified = false;
    plain.levels[0].missClasses.reset();
    CHECK(text(plain).find("miss classes") == std::string::npos);
}

TEST_CASE("classify report: JSON keys after misses, CSV columns after miss_rate") {
    const nlohmann::ordered_json j = reportJson(classifiedSummary());
    const nlohmann::ordered_json& l1 = j["levels"][0];
    std::vector<std::string> keys;
    for (auto it = l1.begin(); it != l1.end(); ++it) keys.push_back(it.key());
    REQUIRE(keys.size() == 18);
    CHECK(keys[4] == "misses");
    CHECK(keys[5] == "compulsory");
    CHECK(keys[6] == "capacity");
    CHECK(keys[7] == "conflict");
    CHECK(keys[8] == "reads");
    CHECK(l1["compulsory"] == 1);
    CHECK(l1["capacity"] == 1);
    CHECK(l1["conflict"] == 1);

    const std::string c = csv(classifiedSummary());
    CHECK(c ==
          "name,level,accesses,hits,misses,reads,writes,read_misses,write_misses,instruction_fetches,"
          "instruction_fetch_misses,evictions,writebacks,back_invalidations,miss_rate,compulsory,capacity,conflict\n"
          "L1,1,4,1,3,4,0,3,0,0,0,0,0,0,0.75,1,1,1\n"
          "memory,,,,,3,0,,,,,,,,,,,\n");  // 18 fields: 4 empty, reads, writes, 11 empty
    RunSummary plain = classifiedSummary();
    plain.classified = false;
    CHECK(reportJson(plain)["levels"][0].contains("compulsory") == false);
    CHECK(csv(plain).find("compulsory") == std::string::npos);
}

TEST_CASE("classify report: by-tensor columns and regions/sites miss_classes in JSON") {
    RunSummary s = classifiedSummary();
    AttributionRow a{"A", "", 4, {4}, {3}, {MissClassCounts{1, 1, 1}}};
    s.regions.push_back(a);
    AttributionRow site{"load A", "A", 4, {4}, {3}, {MissClassCounts{1, 1, 1}}};
    s.sites.push_back(site);
    const std::string t = text(s);
    CHECK(t.find("tensor  references  L1 misses  L1 miss rate  L1 compulsory  L1 capacity  L1 conflict\n"
                 "A                4          3        75.00%              1            1            1\n") !=
          std::string::npos);
    // The by-statement table keeps its columns.
    CHECK(t.find("statement  tensor  references  L1 misses  L1 miss rate\n") != std::string::npos);
    const nlohmann::ordered_json j = reportJson(s);
    CHECK(j["regions"][0]["miss_classes"]["L1"] ==
          nlohmann::ordered_json{{"compulsory", 1}, {"capacity", 1}, {"conflict", 1}});
    CHECK(j["sites"][0]["miss_classes"]["L1"]["conflict"] == 1);
}

namespace {

/// Run A: L1 10 accesses 5 misses, L2 5 accesses 2 misses; B: L1 10 accesses 2 misses, no L2.
std::vector<RunSummary> twoRuns() {
    RunSummary a;
    a.info = {"a.json", "t.trace", "text", 10};
    a.references = 10;
    a.levels.push_back({"L1", 1, 1, readStats(10, 5)});
    a.levels.push_back({"L2", 2, 10, readStats(5, 2)});
    a.memory = {2, 0};
    a.totalCycles = 10 + 50 + 200;  // 260
    a.amat = 26.0;
    RunSummary b = a;
    b.info.configFile = "b.json";
    b.levels.pop_back();
    b.levels[0].stats = readStats(10, 2);
    b.memory = {2, 1};
    b.totalCycles = 10 + 300;  // 310
    b.amat = 31.0;
    return {a, b};
}

}  // namespace

TEST_CASE("compare report: text table with a level only one config has") {
    std::ostringstream os;
    printCompareText(os, twoRuns());
    // Differences by hand: L1 misses 2 - 5 = -3, -3/5 = -60%; miss rate 20% - 50% = -30 pp, -60%;
    // memory writes 0 -> 1: +1, change undefined; cycles +50 = +19.23% (50/260); AMAT +5 = +19.23%.
    CHECK(os.str() ==
          "cachescope compare: trace t.trace (text, 10 records, 10 references)\n"
          "  A: a.json\n"
          "  B: b.json\n"
          "\n"
          "metric              A       B      B - A   change\n"
          "L1 accesses        10      10          0    0.00%\n"
          "L1 misses           5       2         -3  -60.00%\n"
          "L1 miss rate   50.00%  20.00%  -30.00 pp  -60.00%\n"
          "L2 accesses         5       -          -        -\n"
          "L2 misses           2       -          -        -\n"
          "L2 miss rate   40.00%       -          -        -\n"
          "memory reads        2       2          0    0.00%\n"
          "memory writes       0       1         +1        -\n"
          "total cycles      260     310        +50  +19.23%\n"
          "AMAT            26.00   31.00      +5.00  +19.23%\n"
          "\n"
          "change = (B - A) / A; miss rates differ in percentage points (pp)\n");
}

TEST_CASE("compare report: JSON rows, nulls for a missing level, differences only for two runs") {
    const nlohmann::ordered_json j = compareJson(twoRuns());
    CHECK(j["configs"] == nlohmann::ordered_json{"a.json", "b.json"});
    const nlohmann::ordered_json& rows = j["rows"];
    REQUIRE(rows.size() == 10);
    CHECK(rows[1]["level"] == "L1");
    CHECK(rows[1]["metric"] == "misses");
    CHECK(rows[1]["values"] == nlohmann::ordered_json{5, 2});
    CHECK(rows[1]["difference"] == -3);
    CHECK(rows[1]["relative_difference"].get<double>() == doctest::Approx(-0.6));
    CHECK(rows[3]["values"][1].is_null());
    CHECK(rows[3]["difference"].is_null());
    CHECK(rows[7]["metric"] == "memory_writes");
    CHECK_FALSE(rows[7].contains("level"));
    CHECK(rows[7]["relative_difference"].is_null());
    std::vector<RunSummary> three = twoRuns();
    three.push_back(three[0]);
    const nlohmann::ordered_json j3 = compareJson(three);
    CHECK_FALSE(j3["rows"][0].contains("difference"));
    CHECK(j3["rows"][0]["values"].size() == 3);
}
