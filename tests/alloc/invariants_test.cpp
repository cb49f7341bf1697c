// Every allocator of the registry on random traces (alloc::randomAllocTrace), with and without a
// capacity: live blocks never overlap (a realloc's new block not even with the old one), each
// block holds its request and is aligned, free space stays inside the reserved space, the
// capacity is respected, and live bytes match the trace.

#include <doctest/doctest.h>

#include <map>

#include "cachescope/alloc/allocator.hpp"
#include "cachescope/alloc/run.hpp"
#include "cachescope/alloc/trace.hpp"

using namespace cachescope::alloc;

namespace {

struct Checker final : AllocObserver {
    const AllocTrace* trace = nullptr;
    bool caching = false;  // the caching pool: device addresses, 512 B alignment
    std::uint64_t capacity = kUnlimited;
    std::map<std::uint64_t, std::uint64_t> live;  // address -> end
    std::vector<std::pair<std::uint64_t, std::uint64_t>> byId;  // (address, block size); size 0 = not live
    std::uint64_t liveBytes = 0;
    std::vector<std::uint64_t> requested;

    void add(std::uint64_t address, std::uint64_t size) {
        const auto next = live.lower_bound(address);
        if (next != live.end()) REQUIRE(address + size <= next->first);
        if (next != live.begin()) REQUIRE(std::prev(next)->second <= address);
        live.emplace(address, address + size);
    }

    void onStep(const AllocStep& s) override {
        const AllocEvent& ev = *s.event;
        if (ev.op == AllocOp::EmptyCache) return;
        auto& mine = byId[ev.id];
        if (ev.op == AllocOp::Free) {
            if (mine.second != 0) {
                REQUIRE(s.address == mine.first);
                live.erase(mine.first);
                liveBytes -= requested[ev.id];
                mine = {0, 0};
            }
        } else if (s.ok) {
            REQUIRE(s.blockSize >= ev.size);
            std::uint64_t align = ev.op == AllocOp::Alloc ? ev.align : 0;
            if (caching) align = 512;
            if (align != 0) REQUIRE(s.address % align == 0);
            add(s.address, s.blockSize);  // the old block (realloc) is still in `live`
            if (!caching) REQUIRE(s.address + s.blockSize <= s.reserved);
            if (mine.second != 0) {
                live.erase(mine.first);
                liveBytes -= requested[ev.id];
            }
            mine = {s.address, s.blockSize};
            requested[ev.id] = ev.size;
            liveBytes += ev.size;
        }
        REQUIRE(s.liveBytes == liveBytes);
        REQUIRE(s.free.largest <= s.free.total);
        REQUIRE(s.free.total <= s.reserved);
        REQUIRE(s.reserved <= capacity);
    }
};

}  // namespace

TEST_CASE("alloc invariants: every allocator on random traces, with and without a capacity") {
    for (std::uint32_t seed = 1; seed <= 3; ++seed) {
        const AllocTrace trace = randomAllocTrace(6000, seed, 100);
        for (std::uint64_t capacity : {kUnlimited, std::uint64_t{8} << 20}) {
            for (const AllocatorInfo& info : allocators()) {
                CAPTURE(info.name);
                CAPTURE(seed);
                CAPTURE(capacity);
                auto a = info.make(capacity);
                Checker c;
                c.trace = &trace;
                c.caching = info.name == "caching-pool";
                c.capacity = capacity;
                c.byId.assign(trace.names.size(), {0, 0});
                c.requested.assign(trace.names.size(), 0);
                const AllocStats s = runAllocations(trace, *a, &c);
                CHECK(s.events == trace.events.size());
                CHECK(s.peakReserved <= capacity);
                // Some requests are above 8 MiB (up to 8 MiB + 64 KiB): every allocator fails some.
                if (capacity != kUnlimited) CHECK_FALSE(s.failed.empty());
            }
        }
    }
}
