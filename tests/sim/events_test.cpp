// Trace events applied in one place (trace/event.hpp; docs/mmap.md, "msync"): Simulator::apply is
// Simulator::msync for an msync event, ParallelSimulator::apply counts it.

#include <doctest/doctest.h>

#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/sim/parallel.hpp"
#include "mmu/page_cache_test_util.hpp"

namespace cachescope {
namespace {

constexpr std::uint64_t kA = 0x10000000, kPage = 4096;

TraceEvent msyncEvent(std::uint64_t address, std::uint64_t size, std::uint8_t process = 0) {
    return TraceEvent{0, TraceEventKind::Msync, process, address, size};
}

}  // namespace

TEST_CASE("trace events: Simulator::apply of an msync writes back what Simulator::msync does") {
    // 3 frames, file "f" of 3 pages at A (tests/session/msync_session_test.cpp's shape): write all
    // three pages, then msync the first two (2 dirty pages written back), then again (0: clean).
    Simulator applied(test::pagingConfig(3));
    applied.mapFiles({test::fileRegion("data", kA, 3 * kPage, "f", 3 * kPage)});
    for (std::uint64_t p = 0; p < 3; ++p) applied.access(Access{kA + p * kPage, 4, AccessKind::Write, 0});
    Simulator called = applied;
    CHECK(applied.apply(msyncEvent(kA, 2 * kPage)) == 2);
    CHECK(called.msync(0, kA, 2 * kPage) == 2);
    CHECK(applied.apply(msyncEvent(kA, 2 * kPage)) == 0);
    CHECK(called.msync(0, kA, 2 * kPage) == 0);
    CHECK(applied.apply(msyncEvent(kA, 3 * kPage, 1)) == 0);  // process 1 maps nothing
    CHECK(called.msync(1, kA, 3 * kPage) == 0);
    CHECK(applied.msyncs() == 3);
    CHECK(applied.mmu()->stats().msyncWritebacks == 2);
    CHECK(applied.mmu()->dirtyFilePages() == 1);
    CHECK(applied.sameState(called));

    // Without an mmu: counted, nothing written.
    Simulator plain(parseConfig(R"({"caches": [{"name": "L1", "size": "1KiB", "associativity": 2}]})", "c.json"));
    CHECK(plain.apply(msyncEvent(kA, kPage)) == 0);
    CHECK(plain.msyncs() == 1);
}

TEST_CASE("trace events: ParallelSimulator::apply counts each msync once in the merged result") {
    const SimConfig config = parseConfig(R"({"caches": [{"name": "L1", "size": "4KiB", "associativity": 2}]})", "c.json");
    const ShardPlan plan = planShards(config, 2);
    REQUIRE(plan.shards == 2);
    ParallelSimulator par(config, plan);
    std::vector<Access> block;
    for (std::uint64_t i = 0; i < 100; ++i) block.push_back(Access{64 * i, 4, AccessKind::Read, 0});
    CHECK(par.apply(msyncEvent(kA, kPage)) == 0);
    par.access(block);
    CHECK(par.apply(msyncEvent(kA, kPage)) == 0);
    CHECK(par.apply(msyncEvent(kA, 2 * kPage, 3)) == 0);
    par.finish();
    const Simulator merged = par.merged();
    CHECK(merged.msyncs() == 3);
    CHECK(merged.references() == 100);
}

}  // namespace cachescope
