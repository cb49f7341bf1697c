// Static planning (planned) by hand, and on random traces: no two tensors whose lifetimes meet
// share memory, the arena is at least the most block bytes ever live at once, the run hands out
// exactly the planned offsets, and the free-space figures after every event are those of a naive
// scan of the live blocks. A plan beyond the planner's tensor numbers is refused.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <sstream>

#include "cachescope/core/error.hpp"

#include "cachescope/alloc/planned.hpp"
#include "cachescope/alloc/run.hpp"
#include "cachescope/alloc/trace.hpp"

using namespace cachescope::alloc;

namespace {

AllocTrace parse(const std::string& text) {
    std::istringstream in(text);
    return readAllocTrace(in, "t");
}

// Lifetimes: a [0,2], b [1,5], c [3,6], d [4,7]. Largest first: b@0; c meets b -> 192; a meets b
// but not c -> 192; d meets b and c, not a -> 352. Arena 400 = b + c + d, live together at
// events 4-5, so greedy is optimal here.
const char* kExample =
    "alloc a 96\nalloc b 192\nfree a\nalloc c 160\nalloc d 48\nfree b\nfree c\nfree d\n";

}  // namespace

TEST_CASE("alloc planned: the worked example, by hand") {
    const AllocTrace t = parse(kExample);
    PlannedAllocator p;
    p.prepare(t);
    REQUIRE(p.tensors().size() == 4);
    const auto& x = p.tensors();
    CHECK(x[0].first == 0);
    CHECK(x[0].last == 2);
    CHECK(x[1].last == 5);
    CHECK(x[0].offset == 192);  // a
    CHECK(x[1].offset == 0);    // b
    CHECK(x[2].offset == 192);  // c
    CHECK(x[3].offset == 352);  // d
    CHECK(p.arena() == 400);
    // The run places each at its planned offset; the arena is reserved from the start.
    struct Where final : AllocObserver {
        std::vector<std::uint64_t> addresses;
        void onStep(const AllocStep& s) override {
            if (s.event->op == AllocOp::Alloc) addresses.push_back(s.address);
            CHECK(s.reserved == 400);
        }
    } where;
    PlannedAllocator run;
    const AllocStats s = runAllocations(t, run, &where);
    CHECK(where.addresses == std::vector<std::uint64_t>{192, 0, 192, 352});
    CHECK(s.peakReserved == 400);
    CHECK(s.peakLive == 400);
    CHECK(s.failed.empty());
}

TEST_CASE("alloc planned: a smaller tensor takes the gap below a larger one (by hand)") {
    // x 64 [0,2], y 48 [1,4], z 48 [3,6], w 32 [5,7]. By size: x@0; y meets x -> 64; z meets y
    // only -> 0 (fits below y); w meets z only -> 48. Arena 112 = x + y, live together at event 1.
    const AllocTrace t = parse("alloc x 64\nalloc y 48\nfree x\nalloc z 48\nfree y\nalloc w 32\nfree z\nfree w\n");
    PlannedAllocator p;
    p.prepare(t);
    const auto& v = p.tensors();
    CHECK(v[0].offset == 0);
    CHECK(v[1].offset == 64);
    CHECK(v[2].offset == 0);
    CHECK(v[3].offset == 48);
    CHECK(p.arena() == 112);
}

TEST_CASE("alloc planned: realloc is a new block that never shares memory with the old one") {
    const AllocTrace t = parse("alloc a 64\nrealloc a 128\nalloc b 64\nfree a\nfree b\n");
    PlannedAllocator p;
    p.prepare(t);
    const auto& v = p.tensors();
    REQUIRE(v.size() == 3);
    CHECK(v[0].last == 1);   // the old block lives through the realloc event
    CHECK(v[1].first == 1);
    CHECK(v[1].offset == 0);  // 128 first
    CHECK(v[0].offset == 128);
    CHECK(v[2].offset == 128);  // b starts after the old a ended
    CHECK(p.arena() == 192);
}

TEST_CASE("alloc planned: a capacity below the arena fails every allocation") {
    const AllocTrace t = parse(kExample);
    PlannedAllocator p(399);
    const AllocStats s = runAllocations(t, p);
    CHECK(s.failed.size() == 4);
    CHECK(s.peakReserved == 0);
    CHECK(s.ignoredFrees == 4);
    PlannedAllocator q(400);
    CHECK(runAllocations(t, q).failed.empty());
}

TEST_CASE("alloc planned: on random traces, lifetime-overlapping tensors never overlap in memory") {
    for (std::uint32_t seed = 1; seed <= 4; ++seed) {
        CAPTURE(seed);
        const AllocTrace t = randomAllocTrace(3000, seed, 60);
        PlannedAllocator p;
        p.prepare(t);
        const auto& v = p.tensors();
        for (std::size_t i = 0; i < v.size(); ++i) {
            CHECK(v[i].offset % v[i].align == 0);
            for (std::size_t j = i + 1; j < v.size(); ++j) {
                const bool lifetimes = v[i].first <= v[j].last && v[j].first <= v[i].last;
                const bool memory = v[i].offset < v[j].offset + v[j].size && v[j].offset < v[i].offset + v[i].size;
                REQUIRE_FALSE((lifetimes && memory));
            }
        }
        // The arena holds the most block bytes live at any event (a lower bound for any placement).
        std::uint64_t most = 0;
        for (std::size_t e = 0; e < t.events.size(); ++e) {
            std::uint64_t live = 0;
            for (const auto& x : v)
                if (x.first <= e && e <= x.last) live += x.size;
            most = std::max(most, live);
        }
        CHECK(p.arena() >= most);
        std::uint64_t top = 0;
        for (const auto& x : v) top = std::max(top, x.offset + x.size);
        CHECK(p.arena() == top);
        // Run: every allocation at its planned offset, nothing fails, reserved is the arena.
        PlannedAllocator run;
        const AllocStats s = runAllocations(t, run);
        CHECK(s.failed.empty());
        CHECK(s.peakReserved == p.arena());
    }
}

TEST_CASE("alloc planned: planGreedy places every tensor where a naive greedy planner does") {
    // The naive planner, written apart from planGreedy's time buckets: largest first (ties: the
    // earlier first event, then the index), each at the lowest aligned offset that overlaps no
    // placed tensor whose lifetime meets its own, found by trying 0 and every conflict's end.
    std::mt19937_64 rng(5);
    for (int round = 0; round < 6; ++round) {
        CAPTURE(round);
        std::vector<PlannedAllocator::Tensor> t(round < 3 ? 400 : 1200);
        const std::uint64_t span = round % 3 == 0 ? 3000 : 60000;  // lifetimes over many buckets
        for (auto& x : t) {
            x.size = 16 * (1 + rng() % (rng() % 2 ? 8 : 400));
            const std::uint64_t aligns[] = {16, 16, 64, 256, 4096};
            x.align = aligns[rng() % 5];
            x.first = rng() % span;
            const std::uint64_t len = rng() % 4 == 0 ? rng() % span : rng() % 700;
            x.last = x.first + len;
        }
        std::vector<PlannedAllocator::Tensor> fast = t;
        const std::uint64_t arena = planGreedy(fast);

        std::vector<std::size_t> order(t.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return t[a].size != t[b].size ? t[a].size > t[b].size : t[a].first < t[b].first;
        });
        std::vector<bool> placed(t.size(), false);
        std::uint64_t top = 0;
        for (const std::size_t i : order) {
            std::vector<std::size_t> conflicts;
            for (std::size_t j = 0; j < t.size(); ++j)
                if (placed[j] && t[j].first <= t[i].last && t[i].first <= t[j].last) conflicts.push_back(j);
            // The lowest feasible offset is 0 or a conflict's end rounded up to the alignment.
            std::vector<std::uint64_t> candidates{0};
            for (const std::size_t j : conflicts)
                candidates.push_back((t[j].offset + t[j].size + t[i].align - 1) / t[i].align * t[i].align);
            std::sort(candidates.begin(), candidates.end());
            for (const std::uint64_t off : candidates) {
                const bool free = std::none_of(conflicts.begin(), conflicts.end(), [&](std::size_t j) {
                    return off < t[j].offset + t[j].size && t[j].offset < off + t[i].size;
                });
                if (free) {
                    t[i].offset = off;
                    break;
                }
            }
            placed[i] = true;
            top = std::max(top, t[i].offset + t[i].size);
        }
        for (std::size_t i = 0; i < t.size(); ++i) {
            CAPTURE(i);
            REQUIRE(fast[i].offset == t[i].offset);
        }
        CHECK(arena == top);
    }
}

TEST_CASE("alloc planned: a plan of 2^31 tensors or more is refused with a clear error") {
    // planGreedy and prepare() both call checkPlanSize with the tensor count before reserving
    // anything; the check itself is tested here (2^31 tensors would take 86 GB).
    CHECK(kMaxPlanTensors == 2147483647u);
    CHECK_NOTHROW(checkPlanSize(0));
    CHECK_NOTHROW(checkPlanSize(kMaxPlanTensors));
    CHECK_THROWS_WITH_AS(checkPlanSize(std::uint64_t{1} << 31),
                         "planned: 2,147,483,648 allocations to plan (alloc and realloc events); the static "
                         "planner handles at most 2,147,483,647",
                         cachescope::Error);
    // A count that a 32-bit number would wrap to a small one is refused too.
    CHECK_THROWS_AS(checkPlanSize((std::uint64_t{1} << 32) + 5), cachescope::Error);
}

namespace {

// The free-space figures recomputed naively at every step: the live blocks (by ID, from the steps
// themselves) sorted by address; free = the arena minus their bytes, largest = the largest gap
// between them, the arena's ends included.
struct NaiveFreeSpace : AllocObserver {
    std::map<std::uint32_t, std::pair<std::uint64_t, std::uint64_t>> live;  // id -> address, block size
    std::size_t steps = 0, mismatches = 0, nonzeroLargest = 0;
    void onStep(const AllocStep& s) override {
        const AllocEvent& ev = *s.event;
        if (ev.op == AllocOp::Free) {
            live.erase(ev.id);
        } else if ((ev.op == AllocOp::Alloc || ev.op == AllocOp::Realloc) && s.ok) {
            live[ev.id] = {s.address, s.blockSize};
        } else if (ev.op == AllocOp::Alloc) {
            live.erase(ev.id);
        }
        std::vector<std::pair<std::uint64_t, std::uint64_t>> blocks;
        std::uint64_t used = 0;
        for (const auto& [id, b] : live) {
            blocks.push_back(b);
            used += b.second;
        }
        std::sort(blocks.begin(), blocks.end());
        FreeSpace want;
        if (s.reserved > 0) {
            want.total = s.reserved - used;
            std::uint64_t at = 0;
            for (const auto& [address, size] : blocks) {
                want.largest = std::max(want.largest, address - at);
                at = address + size;
            }
            want.largest = std::max(want.largest, s.reserved - at);
        }
        ++steps;
        if (want.largest > 0) ++nonzeroLargest;
        if (s.free.total != want.total || s.free.largest != want.largest) {
            if (mismatches++ == 0) {
                MESSAGE("step " << s.index << ": free " << s.free.total << " largest " << s.free.largest
                                << ", naive " << want.total << " " << want.largest);
            }
        }
    }
};

}  // namespace

TEST_CASE("alloc planned: the free bytes and largest free block after every event match a naive scan") {
    std::vector<AllocTrace> traces;
    for (std::uint32_t seed = 1; seed <= 6; ++seed) traces.push_back(randomAllocTrace(4000, seed, seed * 40));
    // A huge block (the arena far beyond the tensors' count), blocks at offset 0 and at the top,
    // a realloc, and a block never freed.
    traces.push_back(parse("alloc big 1099511627776\nalloc a 100\nfree big\nalloc b 5000\nrealloc a 7000\n"
                           "alloc e 40\nalloc c 16\nfree a\nfree b\nalloc d 3\nfree c\nfree d\n"));
    traces.push_back(parse(kExample));
    // One ID, reallocated: two blocks live at once during each realloc, more than the ID count
    // (the free-space structure's slots grow).
    traces.push_back(parse("alloc a 100\nrealloc a 200\nrealloc a 50\nrealloc a 4000\nfree a\n"));
    for (std::size_t k = 0; k < traces.size(); ++k) {
        CAPTURE(k);
        NaiveFreeSpace naive;
        PlannedAllocator p;
        const AllocStats s = runAllocations(traces[k], p, &naive);
        CHECK(s.failed.empty());
        CHECK(naive.steps == traces[k].events.size());
        CHECK(naive.nonzeroLargest > 0);
        CHECK(naive.mismatches == 0);
        // A copy taken mid-run (allocators are values) goes on exactly as the original.
        if (k == 0) {
            PlannedAllocator q;
            q.prepare(traces[k]);
            const auto& v = q.tensors();
            q.allocate(v[0].size, v[0].align);
            q.allocate(v[1].size, v[1].align);
            PlannedAllocator copy = q;
            q.release(v[0].offset);
            copy.release(v[0].offset);
            CHECK(copy.freeSpace().total == q.freeSpace().total);
            CHECK(copy.freeSpace().largest == q.freeSpace().largest);
        }
    }
    // With a capacity below the arena nothing is placed: no free space inside a reserved 0.
    NaiveFreeSpace none;
    PlannedAllocator small(399);
    runAllocations(parse(kExample), small, &none);
    CHECK(none.mismatches == 0);
    CHECK(small.freeSpace().total == 0);
}
