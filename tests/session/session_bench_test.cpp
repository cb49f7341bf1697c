// The bench's seek/<config> case (bench/bench.hpp) on a tiny kernel: it seeks where it says and
// reports the session it measured.

#include <doctest/doctest.h>

#include "cachescope/bench/bench.hpp"
#include "cachescope/config/config.hpp"

using namespace cachescope;

TEST_CASE("bench: the seek case times every seek of a session over the matmul kernel") {
    BenchOptions o;
    o.n = 4;
    o.runs = 1;
    o.seekConfigs = {loadConfig(std::string(CACHESCOPE_SOURCE_DIR) + "/configs/teaching.json")};
    o.seekN = 8;
    o.seeks = 5;
    const std::vector<BenchResult> results = runBench(o);
    const BenchResult& r = results.back();
    CHECK(r.name == "seek/teaching");
    CHECK(r.accesses == 4u * 8 * 8 * 8);  // the kernel's ijk matmul: 4 references per inner step
    REQUIRE(r.runSeconds.size() == 5);
    // The median of five: the third smallest.
    std::vector<double> sorted = r.runSeconds;
    std::sort(sorted.begin(), sorted.end());
    CHECK(r.seconds == sorted[2]);
    CHECK(r.checkpointInterval == 4096);  // the minimum: 2,048 references need only checkpoint 0
    CHECK(r.checkpointBytes > 0);
    // The replay: about a byte per reference plus the header (the metadata JSON) and block index.
    CHECK(r.bytesPerAccess > 1.0);
    CHECK(r.bytesPerAccess < 4.0);
}
