// Cheap snapshots: the MMU's state follows what is live (resident pages, page tables), not
// physical_memory or the trace length; random frame allocation still draws exactly the frames of a
// dense Fisher–Yates shuffle; the byte accounting on a hand-worked case; FlatMap against std::map.

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <vector>

#include "cachescope/mmu/flat_map.hpp"
#include "cachescope/policy/splitmix64.hpp"
#include "cachescope/sim/simulator.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;
using namespace cachescope::testutil;

namespace {

constexpr std::uint64_t kPage = 4096;

SimConfig pagingConfig(std::uint64_t physicalMemory, PageReplacementKind repl, FrameAllocation alloc) {
    SimConfig s = simCfg({cacheCfg("L1", 4096, 64, 4)});
    s.addressing = Addressing::Physical;
    MmuConfig m;
    m.physicalMemory = physicalMemory;
    m.pageReplacement = repl;
    m.frameAllocation = alloc;
    s.mmu = m;
    TlbConfig t;
    t.name = "TLB";
    t.entries = 8;
    t.associativity = 2;
    s.tlbs = {t};
    return s;
}

}  // namespace

TEST_CASE("flat map: the same contents as std::map under random inserts, assignments and erases") {
    std::mt19937_64 rng(5);
    FlatMap<std::uint32_t> fast;
    std::map<std::uint64_t, std::uint32_t> slow;
    for (int i = 0; i < 20000; ++i) {
        const std::uint64_t key = rng() % 300 * 4096;  // clustered keys, as page numbers are
        const auto value = static_cast<std::uint32_t>(rng());
        switch (rng() % 3) {
            case 0: {
                const auto [stored, inserted] = fast.tryEmplace(key, value);
                const auto [it, slowInserted] = slow.try_emplace(key, value);
                REQUIRE(inserted == slowInserted);
                REQUIRE(*stored == it->second);
                break;
            }
            case 1:
                fast.assign(key, value);
                slow[key] = value;
                break;
            default:
                REQUIRE(fast.erase(key) == (slow.erase(key) == 1));
        }
        REQUIRE(fast.size() == slow.size());
    }
    for (std::uint64_t k = 0; k < 300; ++k) {
        const auto it = slow.find(k * 4096);
        const std::uint32_t* v = fast.find(k * 4096);
        REQUIRE((v != nullptr) == (it != slow.end()));
        if (v != nullptr) CHECK(*v == it->second);
    }
    std::size_t visited = 0;
    fast.forEach([&](std::uint64_t key, std::uint32_t value) {
        ++visited;
        CHECK(slow.at(key) == value);
    });
    CHECK(visited == slow.size());
    const FlatMap<std::uint32_t> copy = fast;
    CHECK(copy == fast);
}

TEST_CASE("flat map: the table starts at 8 entries and doubles when it would pass half full") {
    // An entry of FlatMap<std::uint64_t> is a key and a value: 16 bytes.
    FlatMap<std::uint64_t> m;
    CHECK(m.bytes() == 0);
    for (std::uint64_t k = 1; k <= 4; ++k) m.tryEmplace(k, k);
    CHECK(m.bytes() == 8 * 16);  // 4 entries: 2 * 4 <= 8
    m.tryEmplace(5, 5);
    CHECK(m.bytes() == 16 * 16);  // the 5th: 2 * 5 > 8
    for (std::uint64_t k = 1; k <= 5; ++k) CHECK(m.erase(k));
    CHECK(m.empty());
    CHECK(m.bytes() == 16 * 16);  // erasing never shrinks
}

TEST_CASE("mmu snapshot: the state does not grow with physical_memory or the trace length") {
    // 12 pages touched: with sequential allocation the same copy size with 64 KiB (16 frames) as
    // with 16 GiB (4 M frames), for every replacement policy; with random allocation the positions
    // of the free list that moved depend on the frame count (at most one per page drawn: 12, a
    // FlatMap of 32 entries of 16 bytes), so the sizes differ by at most that table. The same after
    // 10 passes as after one.
    std::vector<Access> pass;
    for (std::uint64_t p = 0; p < 12; ++p) pass.push_back(p % 3 == 0 ? W(p * kPage + 64) : R(p * kPage + 64));
    for (const PageReplacementKind repl : {PageReplacementKind::Fifo, PageReplacementKind::Lru,
                                           PageReplacementKind::Clock, PageReplacementKind::Opt})
        for (const FrameAllocation alloc : {FrameAllocation::Sequential, FrameAllocation::Random}) {
            CAPTURE(static_cast<int>(repl));
            CAPTURE(static_cast<int>(alloc));
            Simulator small(pagingConfig(16 * kPage, repl, alloc));
            Simulator large(pagingConfig(std::uint64_t{16} << 30, repl, alloc));
            small.access(pass);
            large.access(pass);
            if (alloc == FrameAllocation::Sequential)
                CHECK(small.snapshotBytes() == large.snapshotBytes());
            else
                CHECK(large.snapshotBytes() <= small.snapshotBytes() + 32 * 16);
            const std::uint64_t once = large.snapshotBytes();
            for (int i = 0; i < 9; ++i) large.access(pass);
            CHECK(large.snapshotBytes() == once);
            // Fixed parts included: the Mmu's memo of first-TLB hits (256 entries of 48 bytes) and
            // translateRun's list of touched entries (256 pointers), about 14 KiB together.
            CHECK(once < 32 * 1024);
            const Simulator copy = large;
            CHECK(copy.sameState(large));
            CHECK(copy.snapshotBytes() == once);
        }
}

TEST_CASE("mmu snapshot: Mmu::stateBytes grows by what a new page adds, worked by hand") {
    // Two levels (10 + 10 bits), FIFO, sequential, no TLBs: pages 0..4 share one level-1 table.
    // A resident page costs: a pages_ entry (key 8 + Page {base 8, frame 4, slot 4, huge 1, padded
    // to 24}) = 32 bytes in a table of 8 entries up to 4 pages, 16 from the 5th; its slot's key (8)
    // and dirty byte (1); in the replacer: a slotOfFrame_ entry (key 8 + slot 4, padded: 16) in the
    // same kind of table, its frameOfSlot_ entry (4), the FIFO list's prev and next (4 + 4).
    SimConfig c = simCfg({cacheCfg("L1", 4096, 64, 4)});
    c.addressing = Addressing::Physical;
    MmuConfig m;
    m.bitsPerLevel = {10, 10};
    m.pteSize = 4;
    m.physicalMemory = 16 * kPage;
    m.pageReplacement = PageReplacementKind::Fifo;
    c.mmu = m;
    Simulator s(c);
    std::vector<std::uint64_t> bytes{s.mmu()->stateBytes()};
    for (std::uint64_t p = 0; p < 5; ++p) {
        s.access(R(p * kPage));
        bytes.push_back(s.mmu()->stateBytes());
    }
    // First page: the level-1 table appears (a FlatMap<uint64> of 8 entries of 16 bytes = 128),
    // pages_ and slotOfFrame_ get their first 8-entry tables (256 + 128), plus 8 + 1 + 4 + 8.
    CHECK(bytes[1] - bytes[0] == 128 + 256 + 128 + 8 + 1 + 4 + 8);
    // Pages 2 to 4: only the per-slot arrays grow.
    for (int i = 2; i <= 4; ++i) CHECK(bytes[i] - bytes[i - 1] == 8 + 1 + 4 + 8);
    // Page 5: pages_ and slotOfFrame_ double (8 more entries each).
    CHECK(bytes[5] - bytes[4] == 8 * 32 + 8 * 16 + 8 + 1 + 4 + 8);
    // And the Simulator adds exactly its fixed parts to the Mmu's.
    Simulator fresh(c);
    CHECK(s.snapshotBytes() - fresh.snapshotBytes() == bytes[5] - bytes[0]);
}

TEST_CASE("mmu snapshot: random allocation draws the frames of a dense Fisher-Yates shuffle") {
    // The dense definition: free = [0, 1, ..., frames-1]; each fault takes free[r], r = rng % size,
    // moves the last entry into position r and drops the last. Here with 2^20 frames (4 GiB), where
    // the MMU keeps only the positions that moved, and with 8 frames, where memory fills up and
    // FIFO evictions reuse frames (the dense array is empty by then).
    for (const std::uint64_t frames : {std::uint64_t{1} << 20, std::uint64_t{8}}) {
        for (const std::uint64_t seed : {1u, 2u, 99u}) {
            SimConfig c = pagingConfig(frames * kPage, PageReplacementKind::Fifo, FrameAllocation::Random);
            c.seed = seed;
            Simulator s(c);
            std::vector<std::uint32_t> free(frames);
            for (std::uint32_t f = 0; f < frames; ++f) free[f] = f;
            SplitMix64 rng(seed);
            std::vector<std::uint32_t> loadOrder;  // frames in the order pages were loaded (FIFO)
            std::map<std::uint64_t, std::uint32_t> expected;  // virtual page -> frame
            for (std::uint64_t p = 0; p < 200; ++p) {
                std::uint32_t frame = 0;
                if (!free.empty()) {
                    const std::size_t r = rng.next() % free.size();
                    frame = free[r];
                    free[r] = free.back();
                    free.pop_back();
                } else {
                    frame = loadOrder.front();  // FIFO: the frame loaded longest ago
                    loadOrder.erase(loadOrder.begin());
                    for (auto it = expected.begin(); it != expected.end(); ++it)
                        if (it->second == frame) {
                            expected.erase(it);
                            break;
                        }
                }
                loadOrder.push_back(frame);
                expected[p] = frame;
                s.access(R(p * kPage));
            }
            const auto resident = s.mmu()->residentPages();
            REQUIRE(resident.size() == expected.size());
            for (const ResidentPageView& page : resident) {
                CAPTURE(page.virtualPageNumber);
                CHECK(page.frame == expected.at(page.virtualPageNumber));
                CHECK_FALSE(s.mmu()->frameFree(*page.frame));
            }
            CHECK(s.mmu()->freeFrames() == free.size());
            if (frames > 8) CHECK(s.snapshotBytes() < 64 * 1024);
        }
    }
}

TEST_CASE("mmu snapshot: a copy shares the OPT future and continues exactly as the original") {
    std::vector<Access> trace;
    std::mt19937_64 rng(3);
    for (int i = 0; i < 4000; ++i) trace.push_back(R(rng() % 20 * kPage + rng() % 4000));
    Simulator s(pagingConfig(6 * kPage, PageReplacementKind::Opt, FrameAllocation::Sequential));
    std::vector<std::uint64_t> keys;
    s.planPages(trace, keys);
    const std::uint64_t before = s.snapshotBytes();
    s.setFuture(keys);
    CHECK(s.snapshotBytes() == before);  // 4,000 next uses, not part of a snapshot
    s.access(std::span(trace).first(1500));
    Simulator copy = s;
    s.access(std::span(trace).subspan(1500));
    copy.access(std::span(trace).subspan(1500));
    CHECK(copy.sameState(s));
    // The whole run: as countPageFaults on the same pages (an independent OPT).
    std::vector<std::uint64_t> pages;
    for (const Access& a : trace) pages.push_back(a.address / kPage);
    CHECK(s.mmu()->stats().pageFaults == countPageFaults(PageReplacementKind::Opt, 6, pages));
}

TEST_CASE("snapshot bytes without an mmu: the fixed parts, and attribution's counters worked by hand") {
    // Two caches, no mmu: the Simulator object, two CacheConfigs (the Hierarchy's config) and two
    // Cache objects; their line and policy arrays are not counted, so accesses change nothing.
    // Attribution for 3 sites: 3 site slots + write-backs + walks = 5 slots, two 8-byte counters
    // (accesses, misses) per slot per cache = 2 * 2 * 5 * 8 = 160 bytes, plus 3 references per site
    // counters of 8 bytes = 24, plus the hierarchy's references by slot and side (data, fetches):
    // 2 * 5 * 8 = 80.
    Simulator s(simCfg({cacheCfg("L1", 1024, 64, 2), cacheCfg("L2", 4096, 64, 4)}));
    const std::uint64_t fixed = sizeof(Simulator) + 2 * sizeof(CacheConfig) + 2 * sizeof(Cache);
    CHECK(s.snapshotBytes() == fixed);
    for (std::uint64_t a = 0; a < 100000; a += 40) s.access(R(a));
    CHECK(s.snapshotBytes() == fixed);
    s.enableAttribution(3);
    CHECK(s.snapshotBytes() == fixed + 160 + 24 + 80);
}
