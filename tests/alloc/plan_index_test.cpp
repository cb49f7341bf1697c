// planGreedy's index (alloc/plan_index.hpp): queries worked by hand, and planGreedy against a
// reference planner written apart from it (TFLite's own loop: gather the conflicts, sort them by
// offset, take the first gap) on random tensors with many seeds, sizes, alignments and lifetimes,
// including the adversarial shapes (everything live at once, equal sizes, whole-trace lifetimes).

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "cachescope/alloc/plan_index.hpp"
#include "cachescope/alloc/planned.hpp"

using namespace cachescope::alloc;
using Tensor = PlannedAllocator::Tensor;

namespace {

// The reference: largest first (ties: earlier first event, then earlier index); each tensor's
// conflicts (placed, lifetime meeting its own) sorted by offset; x = 0, and for each conflict in
// turn, stop if it starts at or above x + size, else x = max(x, its end rounded up).
std::uint64_t referencePlan(std::vector<Tensor>& t) {
    std::vector<std::size_t> order(t.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return t[a].size != t[b].size ? t[a].size > t[b].size : t[a].first < t[b].first;
    });
    std::vector<std::size_t> placed, conflicts;
    std::uint64_t arena = 0;
    for (const std::size_t i : order) {
        const std::uint64_t align = std::max<std::uint64_t>(t[i].align, 16);
        conflicts.clear();
        for (const std::size_t j : placed)
            if (t[j].first <= t[i].last && t[i].first <= t[j].last) conflicts.push_back(j);
        std::sort(conflicts.begin(), conflicts.end(),
                  [&](std::size_t a, std::size_t b) { return t[a].offset < t[b].offset; });
        std::uint64_t x = 0;
        if (t[i].size > 0) {
            for (const std::size_t j : conflicts) {
                if (t[j].offset >= x + t[i].size) break;
                const std::uint64_t end = t[j].offset + t[j].size;
                if (end > x) x = (end + align - 1) / align * align;
            }
            placed.push_back(i);
        }
        t[i].offset = x;
        arena = std::max(arena, x + t[i].size);
    }
    return arena;
}

void checkAgainstReference(std::vector<Tensor> t) {
    std::vector<Tensor> fast = t;
    const std::uint64_t arena = planGreedy(fast);
    const std::uint64_t expected = referencePlan(t);
    for (std::size_t i = 0; i < t.size(); ++i) {
        CAPTURE(i);
        REQUIRE(fast[i].offset == t[i].offset);
    }
    CHECK(arena == expected);
}

}  // namespace

TEST_CASE("alloc plan index: lowestFit by hand") {
    PlanIndex index(5000, 10);  // buckets of 1,024 events
    index.insert(0, 100, 0, 10);
    index.insert(100, 300, 5, 20);
    index.insert(400, 500, 30, 40);
    // [0, 50] meets all three: the gap [300, 400) holds 50 bytes at 304 (300 rounded up to 16).
    CHECK(index.lowestFit(0, 50, 50, 16) == 304);
    // 100 bytes do not fit in it: past the last, at 512.
    CHECK(index.lowestFit(0, 50, 100, 16) == 512);
    // [0, 4] meets only [0, 100): 112; with 256-byte alignment, 256.
    CHECK(index.lowestFit(0, 4, 100, 16) == 112);
    CHECK(index.lowestFit(0, 4, 100, 256) == 256);
    // [21, 29] meets none of them.
    CHECK(index.lowestFit(21, 29, 1000, 16) == 0);
    // A lifetime over three buckets: [1000, 3000] meets a tensor in the last bucket only.
    index.insert(0, 64, 2900, 4000);
    CHECK(index.lowestFit(1000, 3000, 64, 16) == 64);
    CHECK(index.lowestFit(1000, 2899, 64, 16) == 0);
}

TEST_CASE("alloc plan index: a stack of tensors live at once is jumped whole, holes are not") {
    // 100 tensors of 48 bytes, all live over [0, 99], stacked from 0 (a chunk of them has no
    // hole); one more live over [50, 60] of 48 bytes fits only above them, at 4800.
    PlanIndex index(200, 10);
    for (std::uint64_t i = 0; i < 100; ++i) index.insert(48 * i, 48 * i + 48, 0, 99);
    CHECK(index.lowestFit(50, 60, 48, 16) == 4800);
    // Tensors live over [0, 99] at 64 i, 48 bytes each: 16-byte holes, so 16 bytes fit at 48 but
    // not 17 bytes (the next hole of 17 or more is above them all, at 6400 - 16 = 6384).
    PlanIndex holes(200, 10);
    for (std::uint64_t i = 0; i < 100; ++i) holes.insert(64 * i, 64 * i + 48, 0, 99);
    CHECK(holes.lowestFit(10, 20, 16, 16) == 48);
    CHECK(holes.lowestFit(10, 20, 17, 16) == 6384);
    // One tensor of the stack not live in [a, b]: its chunk is not all conflicts, and its slot is
    // the gap.
    PlanIndex mixed(200, 10);
    for (std::uint64_t i = 0; i < 100; ++i) mixed.insert(48 * i, 48 * i + 48, i == 37 ? 50 : 0, 99);
    CHECK(mixed.lowestFit(10, 20, 48, 16) == 48 * 37);
}

TEST_CASE("alloc plan index: a chunk's largest hole stays exact as tensors fill it") {
    // Five tensors live over [0, 99] (one chunk): [0, 48), [96, 144), [200, 248): holes of 48 at
    // 48 and 56 at 144, the largest. The summary is updated without a pass unless a tensor lands
    // in the largest hole; a hole too small would let the walk jump over a gap that fits.
    PlanIndex index(200, 10);
    index.insert(0, 48, 0, 99);
    index.insert(96, 144, 0, 99);
    index.insert(200, 248, 0, 99);
    CHECK(index.lowestFit(10, 20, 56, 16) == 144);
    CHECK(index.lowestFit(10, 20, 57, 16) == 256);  // 248 rounded up to 16
    index.insert(144, 200, 0, 99);                  // fills the largest hole: 48 at 48 is left
    CHECK(index.lowestFit(10, 20, 48, 16) == 48);
    CHECK(index.lowestFit(10, 20, 49, 16) == 256);
    index.insert(48, 96, 0, 99);                    // no hole left
    CHECK(index.lowestFit(10, 20, 16, 16) == 256);
    index.insert(300, 320, 0, 99);                  // beside the span: a hole of 52 at 248
    CHECK(index.lowestFit(10, 20, 44, 16) == 256);  // 248 rounded up; 256 + 44 <= 300
    CHECK(index.lowestFit(10, 20, 45, 16) == 320);  // 256 + 45 > 300
    CHECK(index.lowestFit(10, 20, 52, 8) == 248);   // the whole hole, at 8-byte alignment
}

TEST_CASE("alloc plan index: a retired bucket's chunks are reused, with nothing of it left") {
    // Bucket 0 (events 0..1023): 1,000 tensors of 64 bytes stacked from 0, all live over [0, 1000].
    PlanIndex index(5000, 10);
    for (std::uint64_t i = 0; i < 1000; ++i) index.insert(64 * i, 64 * i + 64, 0, 1000);
    CHECK(index.lowestFit(10, 20, 64, 16) == 64000);
    const std::size_t chunks = index.chunksAllocated();
    CHECK(chunks >= 1000 / 32);
    // Retired, then the same shape in bucket 2 (events 2048..3071), shifted up by 16 bytes: no
    // new chunk, and bucket 2 sees only its own tensors (16 bytes free at 0, the top at 64,016).
    index.retire(0);
    for (std::uint64_t i = 0; i < 1000; ++i) index.insert(16 + 64 * i, 16 + 64 * i + 64, 2048, 3000);
    CHECK(index.chunksAllocated() == chunks);
    CHECK(index.lowestFit(2100, 2200, 16, 16) == 0);
    CHECK(index.lowestFit(2100, 2200, 17, 16) == 64016);
    // A tensor over buckets 1..2 sees bucket 2's stack; bucket 1 is empty.
    CHECK(index.lowestFit(1500, 2100, 32, 16) == 64016);
    CHECK(index.lowestFit(1500, 1600, 64, 16) == 0);
}

TEST_CASE("alloc plan index: planGreedy matches the reference planner on random tensors") {
    for (std::uint32_t seed = 1; seed <= 60; ++seed) {
        CAPTURE(seed);
        std::mt19937_64 rng(seed);
        const std::size_t n = 50 + rng() % 700;
        const std::uint64_t span = std::uint64_t{1} << (8 + rng() % 8);  // events: 256 .. 32,768
        const int sizes = static_cast<int>(rng() % 4);
        const std::uint64_t aligns[] = {0, 1, 8, 16, 16, 32, 64, 256, 4096};
        std::vector<Tensor> t(n);
        for (auto& x : t) {
            switch (sizes) {
                case 0: x.size = 16 * (1 + rng() % 64); break;         // block sizes
                case 1: x.size = 1 + rng() % 5000; break;              // any sizes
                case 2: x.size = 16 * (1 + rng() % 3); break;          // many ties
                default: x.size = rng() % 8 == 0 ? 0 : 1 << (rng() % 20);  // powers of two, some empty
            }
            x.align = aligns[rng() % 9];
            x.first = rng() % span;
            const std::uint64_t kind = rng() % 8;
            const std::uint64_t len = kind == 0 ? span : kind == 1 ? rng() % span : rng() % (span / 8 + 1);
            x.last = std::min(span, x.first + len);  // some to the end, some across many buckets
        }
        checkAgainstReference(t);
    }
}

TEST_CASE("alloc plan index: planGreedy matches the reference planner on tensors in trace order") {
    // First events that never decrease with the tensor number, as prepare() makes them: planGreedy
    // then ranks each bucket with one packed key (size, place in the list) when the sizes leave
    // room for it, and with the full comparison when they do not (one tensor of 2^58 bytes, with
    // at least 64 entries in a bucket: 59 + 7 bits). Equal first events (ties on size and first
    // event, broken by tensor number) are included.
    for (std::uint32_t seed = 1; seed <= 30; ++seed) {
        CAPTURE(seed);
        std::mt19937_64 rng(seed);
        const std::size_t n = 50 + rng() % 1500;
        const std::uint64_t span = std::uint64_t{1} << (8 + rng() % 8);
        const bool huge = seed % 5 == 0;
        std::vector<Tensor> t(n);
        for (auto& x : t) {
            x.size = 16 * (1 + rng() % (seed % 2 == 0 ? 3 : 64));
            x.align = rng() % 4 == 0 ? 256 : 16;
            x.first = rng() % span;
            const std::uint64_t kind = rng() % 8;
            x.last = std::min(span, x.first + (kind == 0 ? span : rng() % (span / 8 + 1)));
        }
        if (huge) t[rng() % n].size = std::uint64_t{1} << 58;
        std::sort(t.begin(), t.end(), [](const Tensor& a, const Tensor& b) { return a.first < b.first; });
        checkAgainstReference(t);
    }
}

TEST_CASE("alloc plan index: adversarial shapes match the reference planner") {
    std::mt19937_64 rng(7);
    SUBCASE("everything live at once, nested lifetimes") {
        std::vector<Tensor> t(1500);
        for (std::size_t i = 0; i < t.size(); ++i)
            t[i] = Tensor{16 * (1 + rng() % 100), rng() % 3 == 0 ? 256u : 16u, i, 2 * t.size() - i, 0};
        checkAgainstReference(t);
    }
    SUBCASE("one lifetime over the whole trace, the rest short") {
        std::vector<Tensor> t(1500);
        for (std::size_t i = 0; i < t.size(); ++i)
            t[i] = Tensor{16 * (1 + rng() % 100), 16, 5 * i, i == 0 ? 10000 : 5 * i + rng() % 2000, 0};
        checkAgainstReference(t);
    }
    SUBCASE("event numbers far beyond the number of tensors (buckets stay few)") {
        std::vector<Tensor> t(500);
        for (std::size_t i = 0; i < t.size(); ++i) {
            const std::uint64_t first = (std::uint64_t{1} << 40) + (rng() % 1000) * 1000000;
            t[i] = Tensor{16 * (1 + rng() % 100), 16, first, first + rng() % 50000000, 0};
        }
        checkAgainstReference(t);
    }
    SUBCASE("equal sizes, alignment larger than the size") {
        std::vector<Tensor> t(1500);
        for (std::size_t i = 0; i < t.size(); ++i)
            t[i] = Tensor{48, rng() % 2 == 0 ? 64u : 16u, 3 * i, 3 * i + rng() % 3000, 0};
        checkAgainstReference(t);
    }
}

TEST_CASE("alloc plan index: 20,000 equal tensors all live at once stack in order") {
    // Closed form: equal sizes tie, so the earlier first event goes first, each on top of the
    // previous: tensor i at 4096 i, arena 4096 n. A walk that visited every tensor below would
    // take n^2 / 2 = 2e8 steps; the index jumps over each chunk of them whole (n^2 / 32 chunk
    // summaries in all; docs/alloc.md "Speed" has the figures for 100,000).
    const std::size_t n = 20000;
    std::vector<Tensor> t(n);
    for (std::size_t i = 0; i < n; ++i) t[i] = Tensor{4096, 16, i, 2 * n - 1 - i, 0};
    CHECK(planGreedy(t) == 4096 * n);
    for (std::size_t i = 0; i < n; ++i) {
        CAPTURE(i);
        REQUIRE(t[i].offset == 4096 * i);
    }
}
