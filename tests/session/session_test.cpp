// Session: stepping, seeking and runUntil reach exactly the state of a straight run.
// The reference is always an independent plain Simulator fed the same accesses (sim/simulator.hpp),
// never the session itself.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {
namespace {

std::string configPath(const char* name) { return std::string(CACHESCOPE_SOURCE_DIR) + "/configs/" + name; }

/// Every access of a source, read straight through openSource.
std::vector<Access> readAll(const SourceSpec& source) {
    std::unique_ptr<TraceReader> r = openSource(source);
    std::vector<Access> all;
    std::array<Access, 512> block;
    for (std::size_t n; (n = r->read(block)) != 0;) all.insert(all.end(), block.begin(), block.begin() + n);
    return all;
}

/// A plain simulator (no session) after the first `n` accesses.
Simulator straightRun(const SimConfig& config, const std::vector<Access>& accesses, std::size_t n) {
    Simulator sim(config);
    sim.access(std::span<const Access>(accesses.data(), n));
    return sim;
}

TEST_CASE("session: a seekable kernel session steps and seeks to the state of a straight run") {
    const SimConfig config = loadConfig(configPath("teaching.json"));
    const SourceSpec source = SourceSpec::kernelRun("matmul", {"n=8"});
    const std::vector<Access> all = readAll(source);
    REQUIRE(all.size() == 4u * 8 * 8 * 8);  // ijk matmul: A, B, C read, C written per inner step

    SessionOptions options;
    options.seekable = true;
    options.attribution = false;  // the straight run has no attribution
    options.checkpointMemory = 1;  // forces one checkpoint per reference... at most: the interval is >= 1
    Session s(config, source, options);
    REQUIRE(s.length().has_value());
    CHECK(*s.length() == all.size());
    CHECK(s.position() == 0);

    CHECK(s.step(100) == 100);
    CHECK(s.position() == 100);
    CHECK(s.simulator().sameState(straightRun(config, all, 100)));

    s.seek(37);  // backward
    CHECK(s.position() == 37);
    CHECK(s.simulator().sameState(straightRun(config, all, 37)));
    CHECK(!s.simulator().sameState(straightRun(config, all, 38)));

    s.seek(1500);  // forward past every checkpoint taken so far
    CHECK(s.simulator().sameState(straightRun(config, all, 1500)));
    s.stepBack(500);
    CHECK(s.position() == 1000);
    CHECK(s.simulator().sameState(straightRun(config, all, 1000)));

    CHECK(s.runToEnd() == all.size() - 1000);
    CHECK(s.atEnd());
    CHECK(s.simulator().sameState(straightRun(config, all, all.size())));
    s.reset();
    CHECK(s.position() == 0);
    CHECK(s.simulator().sameState(Simulator(config)));
    CHECK(s.referenceAt(5) == all[5]);
}

TEST_CASE("session: standard input cannot be sought") {
    const SimConfig config = loadConfig(configPath("teaching.json"));
    SessionOptions options;
    options.seekable = true;
    CHECK_THROWS_WITH_AS(Session(config, SourceSpec::file("-"), options),
                         doctest::Contains("standard input cannot be sought"), UsageError);
}

}  // namespace
}  // namespace cachescope
