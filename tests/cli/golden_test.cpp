// Golden outputs: `cachescope run` and `cachescope explain` on bundled configs and traces, compared byte for byte with
// tests/golden/<name>. After an intended change of output, regenerate with
//   CACHESCOPE_UPDATE_GOLDEN=1 build/tests/cachescope_tests -tc='golden*'
// and review the diff. The numbers of every golden were checked by hand when first accepted
// (see the notes next to each case).

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;
namespace fs = std::filesystem;

namespace {

struct GoldenCase {
    const char* file;  // under tests/golden/
    const char* args;  // cachescope arguments, run from the repository root
};

constexpr GoldenCase kGoldenCases[] = {
    // teaching config on a trace that keeps hitting one set: every access conflicts.
    {"teaching-thrash-one-set.txt", "run --config configs/teaching.json traces/thrash-one-set.trace"},
    {"teaching-thrash-one-set.json", "run --config configs/teaching.json --json traces/thrash-one-set.trace"},
    {"teaching-thrash-one-set.csv", "run --config configs/teaching.json --csv traces/thrash-one-set.trace"},
    {"teaching-sequential.txt", "run --config configs/teaching.json traces/sequential.trace"},
    {"teaching-page-crossing.txt", "run --config configs/teaching.json traces/page-crossing.trace"},
    {"default-strided.txt", "run --config configs/default.json traces/strided.trace"},
    {"default-sample-din.txt", "run --config configs/default.json traces/sample.din"},
    {"default-lackey-sample.json", "run --config configs/default.json --json traces/lackey-sample.txt"},
    // Step-by-step narration; tests/cli/explain_test.cpp says how each line was checked by hand.
    {"explain-teaching-thrash.txt", "explain --config configs/teaching.json traces/thrash-one-set.trace"},
    {"explain-paging-page-crossing.txt", "explain --config configs/teaching-paging.json traces/page-crossing.trace"},
};

bool updating() {
    const char* v = std::getenv("CACHESCOPE_UPDATE_GOLDEN");
    return v != nullptr && std::string(v) == "1";
}

/// "line N: expected '...', got '...'" for the first differing line.
std::string firstDifference(const std::string& expected, const std::string& actual) {
    std::size_t line = 1;
    std::size_t e = 0;
    std::size_t a = 0;
    while (e < expected.size() || a < actual.size()) {
        const std::size_t eEnd = std::min(expected.find('\n', e), expected.size());
        const std::size_t aEnd = std::min(actual.find('\n', a), actual.size());
        const std::string el = expected.substr(e, eEnd - e);
        const std::string al = actual.substr(a, aEnd - a);
        if (el != al || (eEnd == expected.size()) != (aEnd == actual.size()))
            return "line " + std::to_string(line) + ": expected '" + el + "', got '" + al + "'";
        e = eEnd + 1;
        a = aEnd + 1;
        ++line;
    }
    return "outputs differ";
}

}  // namespace

TEST_CASE("golden: cachescope run and explain outputs match tests/golden byte for byte") {
    for (const GoldenCase& g : kGoldenCases) {
        CAPTURE(g.file);
        CAPTURE(g.args);
        const fs::path path = fs::path(CACHESCOPE_SOURCE_DIR) / "tests" / "golden" / g.file;
        const CliResult r = runCli(g.args);
        REQUIRE_MESSAGE(r.status == 0, r.err);
        CHECK(r.err.empty());
        CHECK_MESSAGE(r.out.find(CACHESCOPE_SOURCE_DIR) == std::string::npos, "absolute path in output");
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
