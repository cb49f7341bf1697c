// Session: stepping, seeking and runUntil reach exactly the state of a straight run.
// The reference is always an independent plain Simulator fed the same accesses (sim/simulator.hpp),
// never the session itself.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/report/narration_printers.hpp"
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
    options.attribution = false;   // the straight run has no attribution
    options.checkpointMemory = 1;  // room for checkpoint 0 only: every seek replays from the start
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
    CHECK(s.checkpointInterval() >= all.size());
}

TEST_CASE("session: checkpoints are at least minCheckpointInterval apart and within the budget") {
    const SimConfig config = loadConfig(configPath("teaching.json"));
    const SourceSpec source = SourceSpec::kernelRun("matmul", {"n=16"});  // 16,384 references
    SessionOptions options;
    options.seekable = true;
    Session s(config, source, options);  // teaching's state is a few KiB: the minimum decides
    CHECK(s.checkpointInterval() == 4096);
    s.runToEnd();
    // Without an mmu or a classifier every checkpoint has the same size: 0, 4096, ..., 16384.
    CHECK(s.checkpointBytes() % 5 == 0);
    const std::uint64_t one = s.checkpointBytes() / 5;
    CHECK(one > 0);
    options.minCheckpointInterval = 1000;
    Session t(config, source, options);
    CHECK(t.checkpointInterval() == 1000);
    t.runToEnd();
    CHECK(t.checkpointBytes() == 17 * one);  // 0, 1000, ..., 16000
    // A budget of three: the interval spreads them over the length, ceil(16384 / 3) = 5462 apart.
    options.checkpointMemory = 3 * one;
    Session u(config, source, options);
    CHECK(u.checkpointInterval() == 5462);
    u.runToEnd();
    CHECK(u.checkpointBytes() == 3 * one);  // 0, 5462, 10924
    // With the classifier the state grows (its shadows learn every line): the third checkpoint no
    // longer fits the budget set at the first one's size, so every other one goes and the
    // interval doubles: 0 and 10924 remain.
    options.classify = true;
    Session probe(config, source, options);
    options.checkpointMemory = 3 * probe.checkpointBytes();  // checkpoint 0 only, so far
    Session v(config, source, options);
    CHECK(v.checkpointInterval() == 5462);
    v.runToEnd();
    CHECK(v.checkpointInterval() == 10924);
    CHECK(v.checkpointBytes() <= options.checkpointMemory);
    v.seek(12345);  // from the checkpoint at 10924
    Session straight(config, source, options);
    straight.step(12345);  // forward from 0
    CHECK(v.simulator().sameState(straight.simulator()));
    for (std::uint32_t c = 0; c < v.classifier()->caches(); ++c)
        CHECK(v.classifier()->counts(c) == straight.classifier()->counts(c));
}

TEST_CASE("session: standard input cannot be sought") {
    const SimConfig config = loadConfig(configPath("teaching.json"));
    SessionOptions options;
    options.seekable = true;
    CHECK_THROWS_WITH_AS(Session(config, SourceSpec::file("-"), options),
                         doctest::Contains("standard input cannot be sought"), UsageError);
}

TEST_CASE("session: narrateNext after a seek tells what narrateTrace tells after a straight run") {
    // teaching-paging: translation, page faults and evictions appear in the narration.
    const SimConfig config = loadConfig(configPath("teaching-paging.json"));
    const SourceSpec source = SourceSpec::kernelRun("matmul", {"n=12"});
    SessionOptions options;
    options.seekable = true;
    options.classify = true;
    options.attribution = false;  // as narrateTrace's simulator
    options.minCheckpointInterval = 500;
    Session s(config, source, options);
    s.runToEnd();  // checkpoints on the way; then every narration follows a seek backward
    for (const std::uint64_t at : {std::uint64_t{0}, std::uint64_t{777}, std::uint64_t{1500}, std::uint64_t{6911}}) {
        CAPTURE(at);
        s.seek(at);
        const ReferenceNarration got = s.narrateNext();
        CHECK(s.position() == at + 1);
        // The analysis library's own driver, on a fresh simulator and reader (OPT not in this config).
        Simulator sim(config);
        MissClassifier classes(sim.hierarchy());
        std::unique_ptr<TraceReader> trace = openSource(source);
        const NarrationResult want = narrateTrace(sim, *trace, at, 1, nullptr, &classes);
        REQUIRE(want.references.size() == 1);
        CHECK(narrationToJson({got}).dump() == narrationToJson(want.references).dump());
    }
    s.seek(*s.length());
    CHECK_THROWS_AS(s.narrateNext(), UsageError);
}

}  // namespace
}  // namespace cachescope

namespace cachescope {

TEST_CASE("session: a config or kernel beyond the memory budget is refused before anything is allocated") {
    // 64 GiB of 64-byte lines = 2^30 lines: about 26.5 GiB of state by config/resources.hpp's bound.
    const SimConfig huge = parseConfig(R"({"caches": [{"size": "64GiB"}]})", "huge.json");
    SourceSpec source = SourceSpec::file("traces/sequential.trace");
    source.memoryBudget = std::uint64_t{1} << 30;
    SessionOptions options;
    options.configLabel = "huge.json";
    std::string message;
    try {
        Session s(huge, source, options);
    } catch (const ConfigError& e) {
        message = e.what();
    }
    CAPTURE(message);
    CHECK(message.rfind("huge.json: /caches/0/size: the simulator's state would need about 26 GiB", 0) == 0);
    // The same budget passes a small config, and reaches the kernel's tensors: softmax 512 x 512
    // float32 is 1 MiB per tensor, so a 1.5 MiB budget stops at the second tensor.
    const SimConfig small = parseConfig(R"({"caches": [{"size": "1KiB"}]})", "small.json");
    CHECK_NOTHROW(Session(small, source, options));
    SourceSpec kernel = SourceSpec::kernelRun("softmax", {"rows=512", "cols=512"});
    kernel.memoryBudget = 3 * (std::uint64_t{1} << 19);
    CHECK_THROWS_WITH_AS(Session(small, kernel, options),
                         doctest::Contains("tensor Y (512x512 elements of 4 bytes)"), UsageError);
}

}  // namespace cachescope
