// The textbook placement exercise, worked by hand (KiB throughout): free blocks of 100, 500, 200,
// 300 and 600 separated by 1 KiB live guards, requests of 212, 417, 112 and 426, a capacity that
// stops the heap from growing. Layout: h1@0 g1@100 h2@101 g2@601 h3@602 g3@802 h4@803 g4@1103
// h5@1104 g5@1704, top 1705.

#include <doctest/doctest.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "cachescope/alloc/fit.hpp"
#include "cachescope/alloc/run.hpp"
#include "cachescope/alloc/trace.hpp"

using namespace cachescope::alloc;

namespace {

constexpr std::uint64_t K = 1024;

std::vector<std::optional<std::uint64_t>> exercise(FitPolicy policy) {
    FitAllocator a(policy, 1705 * K);
    std::vector<std::uint64_t> holes;
    for (std::uint64_t kb : {100, 500, 200, 300, 600}) {
        holes.push_back(a.allocate(kb * K, 0).address);
        a.allocate(1 * K, 0);  // guard
    }
    for (std::uint64_t h : holes) a.release(h);
    REQUIRE(a.freeBlocks().size() == 5);
    std::vector<std::optional<std::uint64_t>> placed;
    for (std::uint64_t kb : {212, 417, 112, 426}) {
        const AllocResult r = a.allocate(kb * K, 0);
        placed.push_back(r.ok ? std::optional<std::uint64_t>(r.address / K) : std::nullopt);
    }
    return placed;
}

}  // namespace

TEST_CASE("alloc placement: first-fit on the textbook exercise") {
    // 212 -> 500@101; 417 -> 600@1104; 112 -> the 288 left at 313; 426 fails.
    const auto p = exercise(FitPolicy::First);
    CHECK(p[0] == 101u);
    CHECK(p[1] == 1104u);
    CHECK(p[2] == 313u);
    CHECK_FALSE(p[3].has_value());
}

TEST_CASE("alloc placement: best-fit on the textbook exercise") {
    // 212 -> 300@803; 417 -> 500@101; 112 -> 200@602; 426 -> 600@1104.
    const auto p = exercise(FitPolicy::Best);
    CHECK(p[0] == 803u);
    CHECK(p[1] == 101u);
    CHECK(p[2] == 602u);
    CHECK(p[3] == 1104u);
}

TEST_CASE("alloc placement: worst-fit on the textbook exercise") {
    // 212 -> 600@1104; 417 -> 500@101; 112 -> the 388 left of 600 at 1316; 426 fails.
    const auto p = exercise(FitPolicy::Worst);
    CHECK(p[0] == 1104u);
    CHECK(p[1] == 101u);
    CHECK(p[2] == 1316u);
    CHECK_FALSE(p[3].has_value());
}

TEST_CASE("alloc placement: next-fit on the textbook exercise") {
    // 212 -> 500@101 (rover 313); 417: 288, 200, 300 too small, 600@1104 (rover 1521);
    // 112 -> the 183 left at 1521; 426: 71, then wraps: 100, 176, 200, 300 too small -> fails.
    const auto p = exercise(FitPolicy::Next);
    CHECK(p[0] == 101u);
    CHECK(p[1] == 1104u);
    CHECK(p[2] == 1521u);
    CHECK_FALSE(p[3].has_value());
}

TEST_CASE("alloc placement: the bundled trace gives the same result and a fragmentation OOM") {
    std::ifstream in(std::string(CACHESCOPE_SOURCE_DIR) + "/traces/textbook-placement.alloc");
    REQUIRE(in);
    const AllocTrace trace = readAllocTrace(in, "textbook-placement.alloc");
    FitAllocator first(FitPolicy::First, 1705 * K);
    const AllocStats s = runAllocations(trace, first);
    REQUIRE(s.failed.size() == 1);
    CHECK(s.failed[0].id == "p4");
    CHECK(s.failed[0].line == 26);
    // Free when 426 failed: 100 + (500-212-112) + 200 + 300 + (600-417) = 959 KiB, enough in total.
    CHECK(s.failed[0].freeBytes == 959 * K);
    CHECK(s.failed[0].headroom == 0);
    CHECK(s.failed[0].fragmentation);
    CHECK(s.fragmentationFailures() == 1);
    // Peak live: all holes and guards = 1705 KiB; the footprint never grew past it.
    CHECK(s.peakLive == 1705 * K);
    CHECK(s.peakReserved == 1705 * K);
    // Leaks: 5 guards (5 KiB) and p1..p3 (741 KiB) never freed.
    REQUIRE(s.leaks.size() == 2);
    CHECK(s.leaks[0].site == "request");
    CHECK(s.leaks[0].bytes == 741 * K);
    CHECK(s.leaks[0].count == 3);
    CHECK(s.leaks[1].site == "guard");
    CHECK(s.leaks[1].bytes == 5 * K);
    CHECK(s.leaks[1].count == 5);
    // External fragmentation at the end: free 100, 176, 200, 300, 183; largest 300 of 959.
    CHECK(s.externalFragEnd == doctest::Approx(1.0 - 300.0 / 959.0));

    FitAllocator best(FitPolicy::Best, 1705 * K);
    const AllocStats b = runAllocations(trace, best);
    CHECK(b.failed.empty());
}

TEST_CASE("alloc placement: internal fragmentation is the rounding to 16 bytes") {
    std::istringstream in("alloc a 1\nalloc b 17\nalloc c 32\n");
    const AllocTrace trace = readAllocTrace(in, "t");
    FitAllocator a(FitPolicy::First);
    const AllocStats s = runAllocations(trace, a);
    // Blocks 16 + 32 + 32 = 80 for 1 + 17 + 32 = 50 requested.
    CHECK(s.requestedTotal == 50);
    CHECK(s.blockTotal == 80);
    CHECK(s.internalFragmentation() == doctest::Approx(30.0 / 80.0));
    CHECK(s.peakReserved == 80);
}

TEST_CASE("alloc placement: alignment leaves a free gap in front and the heap grows over a top free block") {
    FitAllocator a(FitPolicy::First);
    CHECK(a.allocate(16, 0).address == 0);
    const AllocResult r = a.allocate(64, 256);
    CHECK(r.address == 256);
    REQUIRE(a.freeBlocks().size() == 1);
    CHECK(a.freeBlocks().begin()->first == 16);
    CHECK(a.freeBlocks().begin()->second == 240);
    a.release(256);  // merges with the gap: one free block [16, 320)
    REQUIRE(a.freeBlocks().size() == 1);
    CHECK(a.freeBlocks().begin()->second == 304);
    // 400 bytes do not fit in 304; the free block touches the top, so the heap extends it.
    CHECK(a.allocate(400, 0).address == 16);
    CHECK(a.reserved() == 416);
    CHECK(a.freeBlocks().empty());
}
