// `cachescope explain`: its options and error messages. Its golden transcripts
// (tests/golden/explain-*.txt) are compared by tests/cli/golden_test.cpp with the other goldens;
// regenerate them after an intended change with
//   CACHESCOPE_UPDATE_GOLDEN=1 build-test/tests/cachescope_tests -tc='golden*'
// and check the diff by hand as described below.
//
// How the goldens were checked by hand when first accepted:
//  explain-teaching-thrash.txt (configs/teaching.json, traces/thrash-one-set.trace, all 12):
//   - header: L1 1 KiB / 64 B / 2 ways = 8 sets → offset bits 0-5, set bits 6-8; L2 4 KiB / 64 B /
//     4 ways = 16 sets → set bits 6-9.
//   - every L1 step: 0x0, 0x200, 0x400 are lines 0, 8, 16, all L1 set 0 (mod 8), tags 0, 1, 2
//     (address >> 9). #0, #1 fill empty ways 0, 1. LRU by hand, ways listed MRU→LRU: after #1
//     "1 0", so #2 evicts way 0 (0x0); then the order alternates "0 1" / "1 0" and each reference
//     evicts the way listed last, which always holds the line needed next: #3 evicts 0x200 (way 1),
//     #4 0x400 (way 0), #5 0x0 (way 1), ... #11 0x0 (way 1). 12 misses (traces/README.md).
//   - every L2 step: lines 0, 8, 16 go to L2 sets 0, 8, 0 (mod 16), tags 0, 0, 1 (address >> 10);
//     misses on #0-#2 (empty ways 0, 0, 1), then hits in the way each line was filled in.
//   - cycles: #0-#2 1 + 10 + 100 = 111 (memory), #3-#11 1 + 10 = 11 (L2).
//  explain-paging-page-crossing.txt (configs/teaching-paging.json, traces/page-crossing.trace):
//   - #0 R 0x103c 8: page 1 offset 0x3c, TLB set 1 (page mod 4) miss, first touch → frame 0;
//     walk: root entry 0 at 0x10000 (tables start after the 64 KiB of memory), level-1 table made
//     by the fault at 0x11000, entry 1 at 0x11004; both from memory (cold). 0x10000 and 0x11000
//     are both L1 set 0 (lines 0x400, 0x440; tags 0x80, 0x88). pa 0x3c: the 8 bytes cross line
//     0x40 → L1 steps at 0x3c (set 0, evicts the LRU 0x10000) and 0x40 (set 1). Cycles: TLB 1 +
//     fault 1000 + 2 PTE reads x 111 + 2 data lines x 111 = 1445.
//   - #1 W 0x1ffc 8: pieces 0x1ffc (page 1, TLB hit, pa 0xffc: L1 set 7, tag 7, offset 60) and
//     0x2000 (page 2, TLB set 2 miss, frame 1, pa 0x1000); its PTEs 0x10000 (entry 0) and 0x11008
//     (entry 2) miss in L1 set 0 (evicted by the data and each other) and hit in L2. 1246 cycles =
//     (1 + 111) + (1 + 1000 + 11 + 11 + 111).
//   - #2 R 0x2ff8 16: pieces 0x2ff8 (page 2 hit, pa 0x1ff8, L1 set 7 next to 0xfc0 dirty from #1)
//     and 0x3000 (page 3, frame 2, pa 0x2000, PTE 0x1100c = entry 3). The PTE read evicts L1's
//     dirty line 0x1000 (written by #1), so a write-back to L2 follows its fill. L2 set 0 is then
//     full: the data's fill evicts its LRU way 2 (line 0x0; "3 1 0 2" before).
//   - #3, #4: TLB hits; pa 0x40 hits in L1 (2 cycles); pa 0x1000 misses L1 and hits L2 (12).

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;
namespace fs = std::filesystem;

TEST_CASE("explain: --from and --count choose the references, JSON has one record each") {
    const CliResult r =
        runCli("explain -c configs/teaching.json --from 3 --count 2 --json traces/thrash-one-set.trace");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(r.out.find("\"index\": 3") != std::string::npos);
    CHECK(r.out.find("\"index\": 4") != std::string::npos);
    CHECK(r.out.find("\"index\": 5") == std::string::npos);
    CHECK(r.out.find("\"index\": 2") == std::string::npos);
    // #3 (R 0x0) by hand: L1 set 0 holds 0x400 (way 0, newest) and 0x200 (way 1), so LRU evicts
    // way 1 = line 0x200 (512); L2 set 0 still holds line 0x0 in way 0: a hit, 1 + 10 cycles.
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["references"].size() == 2);
    const auto& ref = j["references"][0];
    CHECK(ref["index"] == 3);
    CHECK(ref["kind"] == "read");
    const auto& l1 = ref["pieces"][0]["steps"][0];
    CHECK(l1["cache"] == "L1");
    CHECK(l1["role"] == "reference");
    CHECK(l1["set"] == 0);
    CHECK(l1["tag"] == 0);
    CHECK(l1["policy_before"] == "MRU→LRU ways: 0 1");
    CHECK(l1["set_before"][0]["line_address"] == 1024);
    CHECK(l1["hit"] == false);
    CHECK(l1["way"] == 1);
    CHECK(l1["victim_address"] == 512);
    CHECK(l1["victim_dirty"] == false);
    // Line 0x0 was seen at #0 and only two other lines since: a 16-line fully associative LRU cache
    // would hold it, so the miss is a conflict miss.
    CHECK(l1["miss_class"] == "conflict");
    const auto& l2 = ref["pieces"][0]["steps"][1];
    CHECK(l2["cache"] == "L2");
    CHECK(l2["role"] == "fill");
    CHECK(l2["parent"] == 0);
    CHECK(l2["hit"] == true);
    CHECK(l2["way"] == 0);
    CHECK(ref["served_by"] == "L2");
    CHECK(ref["cycles"] == 11);
    CHECK(j["references"][1]["index"] == 4);
}

TEST_CASE("explain: --from K tells references K.. exactly as a narration from 0 does, miss classes included") {
    // The silent prefix runs on the fast paths with the 3C classifier fed in bulk; the narrated
    // references must not tell the difference. A run from 0 narrates everything event by event.
    for (const char* config : {"configs/teaching.json", "configs/teaching-paging.json"}) {
        CAPTURE(config);
        const std::string common = std::string("explain -c ") + config + " --json traces/matmul-ijk.bin";
        const CliResult all = runCli(common + " --from 0 --count 300");
        REQUIRE_MESSAGE(all.status == 0, all.err);
        const auto whole = nlohmann::json::parse(all.out)["references"];
        REQUIRE(whole.size() == 300);
        std::size_t classified = 0;  // the comparison must cover misses with a class
        for (const std::uint64_t from : {1u, 97u, 250u}) {
            CAPTURE(from);
            const CliResult r = runCli(common + " --from " + std::to_string(from) + " --count 40");
            REQUIRE_MESSAGE(r.status == 0, r.err);
            const auto part = nlohmann::json::parse(r.out)["references"];
            REQUIRE(part.size() == 40);
            for (std::size_t i = 0; i < part.size(); ++i) {
                CAPTURE(i);
                CHECK(part[i] == whole[from + i]);
                classified += part[i].dump().find("\"miss_class\"") != std::string::npos ? 1 : 0;
            }
        }
        CHECK(classified > 10);
    }
}

TEST_CASE("explain: -o writes the file, not stdout") {
    ScratchDir dir;
    const std::string out = (dir.path / "x.txt").string();
    const CliResult r =
        runCli("explain -c configs/teaching.json --count 1 -o '" + out + "' traces/thrash-one-set.trace");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(r.out.empty());
    CHECK(readFile(out).find("#0 read 0x0 (8 B)") != std::string::npos);
}

TEST_CASE("explain error: --from past the end names the number of references") {
    const CliResult r = runCli("explain -c configs/teaching.json --from 12 traces/thrash-one-set.trace");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "cachescope: error: --from 12 is past the end of the trace: it has 12 references (0 to 11)\n");
}

TEST_CASE("explain error: --count 0") {
    const CliResult r = runCli("explain -c configs/teaching.json --count 0 traces/thrash-one-set.trace");
    CHECK(r.status == 1);
    CHECK(r.err ==
          "cachescope: error: --count must be at least 1 (got 0): it is the number of references to explain\n");
}

TEST_CASE("explain error: opt page replacement cannot read the trace from standard input") {
    ScratchDir dir;
    std::string config = readFile(fs::path(CACHESCOPE_SOURCE_DIR) / "configs" / "teaching-paging.json");
    const std::size_t at = config.find("\"page_replacement\": \"fifo\"");
    REQUIRE(at != std::string::npos);
    config.replace(at, std::string("\"page_replacement\": \"fifo\"").size(), "\"page_replacement\": \"opt\"");
    const fs::path path = dir.path / "opt.json";
    writeFile(path, config);
    const std::string input = "R 0x0 4\n";
    const CliResult r = runCli("explain -c '" + path.string() + "' -", &input);
    CHECK(r.status == 1);
    CHECK(r.err ==
          "cachescope: error: \"opt\" (as page_replacement or as a replacement policy) reads the trace more than "
          "once (first to learn the future); give a trace file, not standard input\n");
    // From a file it works: the future is learned from a first pass.
    const fs::path trace = dir.path / "t.trace";
    writeFile(trace, input);
    const CliResult ok = runCli("explain -c '" + path.string() + "' '" + trace.string() + "'");
    CHECK_MESSAGE(ok.status == 0, ok.err);
}
