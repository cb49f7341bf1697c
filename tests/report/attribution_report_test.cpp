// Per-tensor and per-statement report rows (summarize with metadata; text and JSON), on the
// hand-worked two-level scenario of tests/sim/attribution_test.cpp.

#include <doctest/doctest.h>

#include <sstream>

#include "cachescope/report/report.hpp"
#include "cachescope/sim/simulator.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;
using namespace cachescope::testutil;

namespace {

Access at(Access a, std::uint16_t site) {
    a.site = site;
    return a;
}

/// Regions X [0x00, 0x20) and Y [0x20, 0x40); sites: 1 "store X" (X), 2 "load Y" (Y), 3 "load X" (X).
TraceMetadata twoRegions() {
    TraceMetadata m;
    m.regions.push_back(Region{"X", 0x00, 0x20, 4, {8}, "row-major", {1}});
    m.regions.push_back(Region{"Y", 0x20, 0x20, 4, {8}, "row-major", {1}});
    m.addSite("store X", 0, AccessKind::Write);
    m.addSite("load Y", 1, AccessKind::Read);
    m.addSite("load X", 0, AccessKind::Read);
    return m;
}

RunSummary handWorked() {
    // L1: direct-mapped, 2 sets of 16 B; L2: 256 B, 4 ways (see the hierarchy test for each step).
    static const TraceMetadata meta = twoRegions();
    Simulator s(simCfg({cacheCfg("L1", 32, 16, 1), cacheCfg("L2", 256, 16, 4)}));
    s.enableAttribution(static_cast<std::uint32_t>(meta.sites.size()));
    s.access(at(W(0x00), 1));  // L1 miss, L2 miss                      (X)
    s.access(at(R(0x20), 2));  // L1 miss, L2 miss; write-back of 0x00 hits L2
    s.access(at(R(0x00), 3));  // L1 miss, L2 hit                       (X)
    s.access(at(R(0x04), 3));  // L1 hit                                (X)
    return summarize(s, RunInfo{"c.json", "t", "binary", 4}, &meta);
}

}  // namespace

TEST_CASE("report attribution: rows by tensor and by statement, hand-worked") {
    const RunSummary s = handWorked();
    // By tensor: X has 3 references: L1 3 accesses, 2 misses; L2 2 accesses, 1 miss.
    //            Y has 1: L1 1 access, 1 miss; L2 1 access, 1 miss.
    //            (write-backs): L2 1 access, 0 misses.
    REQUIRE(s.regions.size() == 3);
    CHECK(s.regions[0].name == "X");
    CHECK(s.regions[0].references == 3);
    CHECK(s.regions[0].accesses == std::vector<std::uint64_t>{3, 2});
    CHECK(s.regions[0].misses == std::vector<std::uint64_t>{2, 1});
    CHECK(s.regions[1].name == "Y");
    CHECK(s.regions[1].misses == std::vector<std::uint64_t>{1, 1});
    CHECK(s.regions[2].name == "(write-backs)");
    CHECK(s.regions[2].references == 0);
    CHECK(s.regions[2].accesses == std::vector<std::uint64_t>{0, 1});
    // By statement: "store X" 1 reference (L1 miss, L2 miss); "load Y"; "load X" 2 references
    // (L1 1 miss of 2 accesses, L2 1 hit); then the write-back row.
    REQUIRE(s.sites.size() == 4);
    CHECK(s.sites[0].name == "store X");
    CHECK(s.sites[0].region == "X");
    CHECK(s.sites[0].misses == std::vector<std::uint64_t>{1, 1});
    CHECK(s.sites[2].name == "load X");
    CHECK(s.sites[2].references == 2);
    CHECK(s.sites[2].accesses == std::vector<std::uint64_t>{2, 1});
    CHECK(s.sites[2].misses == std::vector<std::uint64_t>{1, 0});
    CHECK(s.sites[3].name == "(write-backs)");
}

TEST_CASE("report attribution: text tables and JSON regions") {
    const RunSummary s = handWorked();
    std::ostringstream text;
    printText(text, s);
    // X: L1 2 misses of 3 accesses = 66.67%, L2 1 of 2 = 50.00%.
    CHECK(text.str().find("\nby tensor\n"
                          "tensor         references  L1 misses  L1 miss rate  L2 misses  L2 miss rate\n"
                          "X                       3          2        66.67%          1        50.00%\n"
                          "Y                       1          1       100.00%          1       100.00%\n"
                          "(write-backs)           -          0             -          0         0.00%\n") !=
          std::string::npos);
    CHECK(text.str().find("\nby statement\n") != std::string::npos);
    const nlohmann::ordered_json j = reportJson(s);
    REQUIRE(j.contains("regions"));
    CHECK(j["regions"][0]["name"] == "X");
    CHECK(j["regions"][0]["accesses"] == 3);
    CHECK(j["regions"][0]["misses"]["L1"] == 2);
    CHECK(j["regions"][0]["misses"]["L2"] == 1);
    CHECK(j["regions"][0]["level_accesses"]["L2"] == 2);
    CHECK(j["sites"][2]["region"] == "X");
    // Over all rows, each level's misses sum to the level's misses.
    for (std::size_t c = 0; c < 2; ++c) {
        std::uint64_t sum = 0;
        for (const auto& row : j["regions"]) sum += row["misses"][c == 0 ? "L1" : "L2"].get<std::uint64_t>();
        CHECK(sum == j["levels"][c]["misses"].get<std::uint64_t>());
    }
}

TEST_CASE("report attribution: none without metadata") {
    Simulator s(simCfg({cacheCfg("L1", 32, 16, 1)}));
    s.access(R(0));
    const RunSummary summary = summarize(s, RunInfo{});
    CHECK(summary.regions.empty());
    CHECK_FALSE(reportJson(summary).contains("regions"));
}
