// `cachescope explain`: golden transcripts (byte for byte with tests/golden/explain-*.txt) and its
// error messages. Regenerate the goldens after an intended change with
//   CACHESCOPE_UPDATE_GOLDEN=1 build-test/tests/cachescope_tests -tc='explain*golden*'
// and check the diff by hand as described below.
//
// How the goldens were checked by hand when first accepted:
//  explain-teaching-thrash.txt (configs/teaching.json, traces/thrash-one-set.trace, all 12):
//   - header: L1 1 KiB / 64 B / 2 ways = 8 sets → offset bits 0-5, set bits 6-8; L2 4 KiB / 64 B /
//     4 ways = 16 sets → set bits 6-9.
//   - every L1 line: 0x0, 0x200, 0x400 are lines 0, 8, 16, all set 0 (mod 8), tags 0, 1, 2
//     (address >> 9). #0, #1 fill empty ways 0, 1; from #2 on each reference misses and the
//     victim is the way listed last in "MRU→LRU ways: a b" (b), which holds the line needed
//     next: #2 replaces tag 0x0, #3 tag 0x1, #4 tag 0x2, ... (12 misses, as traces/README.md says).
//   - every L2 line: lines 0, 8, 16 go to L2 sets 0, 8, 0 (mod 16), tags 0, 0, 1 (address >> 10);
//     misses on #0-#2 (empty ways 0, 0, 1), hits from #3 on in the way the line was filled in.
//   - cycles: an L1 miss served by L2 is 1 + 10 = 11; by memory 1 + 10 + 100 = 111.
//  explain-paging-page-crossing.txt (configs/teaching-paging.json, traces/page-crossing.trace):
//   - #0 R 0x103c 8: page 1 offset 0x3c, TLB set 1 (page mod 4) miss, first touch → frame 0,
//     walk PTEs at 0x10000 (root index 0) and 0x11004 (a new level-1 table at 0x11000, index 1),
//     physical 0x3c; the 8 bytes cross line 0x40 (0x3c..0x43) → two L1 steps, sets 0 and 1.
//   - #1 W 0x1ffc 8 is two pieces: page 1 (TLB hit, pa 0xffc) and page 2 (miss, frame 1, pa
//     0x1000, PTE 0x11008 served by L1: the line 0x11000..0x1103f was read by #0's walk).
//   - #2 R 0x2ff8 16: page 2 (hit, pa 0x1ff8) and page 3 (frame 2, pa 0x2000, PTE 0x1100c in L1).
//   - #3, #4: TLB hits; pa 0x40 and 0x1000 hit in L1.

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;
namespace fs = std::filesystem;

namespace {

struct GoldenCase {
    const char* file;
    const char* args;
};

constexpr GoldenCase kExplainGoldens[] = {
    {"explain-teaching-thrash.txt", "explain --config configs/teaching.json traces/thrash-one-set.trace"},
    {"explain-paging-page-crossing.txt", "explain --config configs/teaching-paging.json traces/page-crossing.trace"},
};

bool updating() {
    const char* v = std::getenv("CACHESCOPE_UPDATE_GOLDEN");
    return v != nullptr && std::string(v) == "1";
}

std::string firstDifference(const std::string& expected, const std::string& actual) {
    std::size_t line = 1, e = 0, a = 0;
    while (e < expected.size() || a < actual.size()) {
        const std::size_t eEnd = std::min(expected.find('\n', e), expected.size());
        const std::size_t aEnd = std::min(actual.find('\n', a), actual.size());
        const std::string el = expected.substr(e, eEnd - e), al = actual.substr(a, aEnd - a);
        if (el != al || (eEnd == expected.size()) != (aEnd == actual.size()))
            return "line " + std::to_string(line) + ": expected '" + el + "', got '" + al + "'";
        e = eEnd + 1;
        a = aEnd + 1;
        ++line;
    }
    return "outputs differ";
}

}  // namespace

TEST_CASE("explain golden: transcripts match tests/golden byte for byte") {
    for (const GoldenCase& g : kExplainGoldens) {
        CAPTURE(g.args);
        const fs::path path = fs::path(CACHESCOPE_SOURCE_DIR) / "tests" / "golden" / g.file;
        const CliResult r = runCli(g.args);
        REQUIRE_MESSAGE(r.status == 0, r.err);
        CHECK(r.err.empty());
        if (updating()) {
            writeFile(path, r.out);
            MESSAGE("rewrote " << path.string());
            continue;
        }
        REQUIRE_MESSAGE(fs::exists(path), "missing golden file; run with CACHESCOPE_UPDATE_GOLDEN=1");
        const std::string expected = readFile(path);
        CHECK_MESSAGE(r.out == expected, firstDifference(expected, r.out));
    }
}

TEST_CASE("explain: --from and --count choose the references; JSON has one record each") {
    const CliResult r =
        runCli("explain -c configs/teaching.json --from 3 --count 2 --json traces/thrash-one-set.trace");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(r.out.find("\"index\": 3") != std::string::npos);
    CHECK(r.out.find("\"index\": 4") != std::string::npos);
    CHECK(r.out.find("\"index\": 5") == std::string::npos);
    CHECK(r.out.find("\"index\": 2") == std::string::npos);
    CHECK(r.out.find("\"policy_before\": \"MRU→LRU ways: 0 1\"") != std::string::npos);  // #3: way 0 newest
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
