// The fast allocators against the naive reference allocators (tests/alloc/reference_allocator.hpp)
// on random traces: the same address for every allocation, and the invariants of a heap after
// every event (no overlap, no two adjacent free blocks, free + live block bytes = reserved, live
// bytes equal the trace's).

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <sstream>

#include "alloc/reference_allocator.hpp"
#include "cachescope/alloc/buddy.hpp"
#include "cachescope/alloc/fit.hpp"
#include "cachescope/alloc/run.hpp"

using namespace cachescope::alloc;
using cachescope::testing::RefBuddyAllocator;
using cachescope::testing::RefFitAllocator;

namespace {

struct Op {
    bool alloc;
    std::uint64_t slot, size, align;
};

std::vector<Op> randomOps(std::uint32_t seed, std::size_t n) {
    std::mt19937_64 rng(seed);
    std::vector<Op> ops;
    std::vector<bool> live(40, false);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t slot = rng() % live.size();
        if (live[slot]) {
            ops.push_back({false, slot, 0, 0});
            live[slot] = false;
        } else {
            const std::uint64_t sizes[] = {1, 16, 24, 100, 256, 1000, 4096, 5000};
            const std::uint64_t aligns[] = {0, 0, 0, 8, 64, 256};
            ops.push_back({true, slot, sizes[rng() % 8] * (1 + rng() % 3), aligns[rng() % 6]});
            live[slot] = true;
        }
    }
    return ops;
}

void checkFitInvariants(const FitAllocator& a) {
    std::map<std::uint64_t, std::pair<std::uint64_t, bool>> all;  // addr -> (size, free)
    for (const auto& [addr, size] : a.freeBlocks()) all[addr] = {size, true};
    for (const auto& [addr, size] : a.liveBlocks()) {
        REQUIRE(all.count(addr) == 0);
        all[addr] = {size, false};
    }
    std::uint64_t expect = 0;
    bool prevFree = false;
    for (const auto& [addr, block] : all) {
        REQUIRE(addr == expect);                   // no overlap and no hole: blocks tile the heap
        const bool twoFree = prevFree && block.second;
        REQUIRE_FALSE(twoFree);  // no two adjacent free blocks
        prevFree = block.second;
        expect = addr + block.first;
    }
    REQUIRE(expect == a.reserved());
}

}  // namespace

TEST_CASE("alloc reference: every fit policy places like the naive reference on random traces") {
    for (FitPolicy policy : {FitPolicy::First, FitPolicy::Next, FitPolicy::Best, FitPolicy::Worst}) {
        for (std::uint64_t capacity : {kUnlimited, std::uint64_t{40000}}) {
            for (std::uint32_t seed = 1; seed <= 5; ++seed) {
                FitAllocator fast(policy, capacity);
                RefFitAllocator ref(std::string(fast.name()), capacity);
                CAPTURE(fast.name());
                CAPTURE(seed);
                CAPTURE(capacity);
                std::vector<std::optional<std::uint64_t>> where(40);
                std::size_t failures = 0;
                for (const Op& op : randomOps(seed, 600)) {
                    if (op.alloc) {
                        const AllocResult r = fast.allocate(op.size, op.align);
                        const auto expect = ref.allocate(op.size, op.align);
                        REQUIRE(r.ok == expect.has_value());
                        // First/next fit search a tree but count the blocks a list walk visits.
                        if (policy == FitPolicy::First || policy == FitPolicy::Next) REQUIRE(r.steps == ref.steps());
                        if (r.ok) {
                            REQUIRE(r.address == *expect);
                            REQUIRE(r.address % std::max<std::uint64_t>(op.align, 16) == 0);
                            where[op.slot] = r.address;
                        } else {
                            ++failures;
                            where[op.slot].reset();
                        }
                    } else if (where[op.slot]) {
                        fast.release(*where[op.slot]);
                        ref.release(*where[op.slot]);
                        where[op.slot].reset();
                    }
                    checkFitInvariants(fast);
                    REQUIRE(fast.freeBlocks().size() ==
                            static_cast<std::size_t>(std::count_if(ref.blocks().begin(), ref.blocks().end(),
                                                                   [](const auto& b) { return b.free; })));
                }
                if (capacity != kUnlimited) CHECK(failures > 0);  // the capacity was reached
            }
        }
    }
}

TEST_CASE("alloc reference: buddy places like the naive reference on random traces") {
    for (std::uint64_t capacity : {kUnlimited, std::uint64_t{65536}}) {
        for (std::uint32_t seed = 1; seed <= 5; ++seed) {
            BuddyAllocator fast(capacity);
            RefBuddyAllocator ref(capacity);
            CAPTURE(seed);
            CAPTURE(capacity);
            std::vector<std::optional<std::uint64_t>> where(40);
            for (const Op& op : randomOps(seed, 400)) {
                if (op.alloc) {
                    const AllocResult r = fast.allocate(op.size, op.align);
                    const auto expect = ref.allocate(op.size, op.align);
                    REQUIRE(r.ok == expect.has_value());
                    REQUIRE(fast.reserved() == ref.arena());
                    if (r.ok) {
                        REQUIRE(r.address == *expect);
                        REQUIRE(r.address % r.blockSize == 0);  // a block sits at a multiple of its size
                        where[op.slot] = r.address;
                    } else {
                        where[op.slot].reset();
                    }
                } else if (where[op.slot]) {
                    fast.release(*where[op.slot]);
                    ref.release(*where[op.slot]);
                    where[op.slot].reset();
                }
                // No free block has a free buddy (they would have merged).
                for (unsigned k = BuddyAllocator::kMinOrder; k < 62; ++k)
                    for (std::uint64_t addr : fast.freeBlocks(k)) {
                        const bool buddyFree = fast.freeBlocks(k).count(addr ^ (std::uint64_t{1} << k)) != 0;
                        REQUIRE_FALSE(buddyFree);
                    }
            }
        }
    }
}

TEST_CASE("alloc reference: live bytes equal the trace's after every event") {
    std::ostringstream text;
    std::mt19937_64 rng(7);
    std::vector<std::uint64_t> liveSize(30, 0);
    std::vector<std::uint64_t> expectLive;
    std::uint64_t live = 0;
    for (int i = 0; i < 500; ++i) {
        const std::uint64_t slot = rng() % liveSize.size();
        if (liveSize[slot] != 0 && rng() % 3 == 0) {
            const std::uint64_t size = 1 + rng() % 3000;
            text << "realloc x" << slot << ' ' << size << '\n';
            live = live - liveSize[slot] + size;
            liveSize[slot] = size;
        } else if (liveSize[slot] != 0) {
            text << "free x" << slot << '\n';
            live -= liveSize[slot];
            liveSize[slot] = 0;
        } else {
            const std::uint64_t size = 1 + rng() % 3000;
            text << "alloc x" << slot << ' ' << size << '\n';
            live += size;
            liveSize[slot] = size;
        }
        expectLive.push_back(live);
    }
    std::istringstream in(text.str());
    const AllocTrace trace = readAllocTrace(in, "random");
    struct Check final : AllocObserver {
        const std::vector<std::uint64_t>* expect;
        std::size_t n = 0;
        void onStep(const AllocStep& step) override {
            REQUIRE(step.liveBytes == (*expect)[step.index]);
            REQUIRE(step.free.largest <= step.free.total);
            REQUIRE(step.free.total <= step.reserved);
            ++n;
        }
    };
    for (const AllocatorInfo& info : allocators()) {
        CAPTURE(info.name);
        auto a = info.make(kUnlimited);
        Check check;
        check.expect = &expectLive;
        const AllocStats s = runAllocations(trace, *a, &check);
        CHECK(check.n == 500);
        CHECK(s.failed.empty());
        CHECK(s.liveAtEnd == live);
        std::uint64_t leaked = 0;
        for (const LeakGroup& g : s.leaks) leaked += g.bytes;
        CHECK(leaked == live);
    }
}
