// Attribution of cache accesses and misses to the statements (sites) that caused them
// (Hierarchy::enableAttribution, docs/semantics.md "Attribution").

#include <doctest/doctest.h>

#include <random>

#include "cachescope/sim/simulator.hpp"
#include "reference/random_case.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;
using namespace cachescope::testutil;

namespace {

Access at(Access a, std::uint16_t site) {
    a.site = site;
    return a;
}

/// Every cache's slots sum to its own counters.
void checkSums(const Hierarchy& h) {
    for (std::uint32_t c = 0; c < h.caches().size(); ++c) {
        std::uint64_t accesses = 0, misses = 0;
        for (std::uint32_t s = 0; s < h.attributionSlots(); ++s) {
            accesses += h.attributedAccesses(c, s);
            misses += h.attributedMisses(c, s);
        }
        CHECK(accesses == h.caches()[c].stats().accesses());
        CHECK(misses == h.caches()[c].stats().misses());
    }
}

struct NullObserver : HierarchyObserver {};

}  // namespace

TEST_CASE("attribution: hand-worked two levels, a write-back charged to the write-back slot") {
    // L1: direct-mapped, 2 sets of 16 B (0x00 and 0x20 share set 0). L2: 256 B, 4 ways.
    Hierarchy h(simCfg({cacheCfg("L1", 32, 16, 1), cacheCfg("L2", 256, 16, 4)}));
    h.enableAttribution(3);  // sites 0 (unknown), 1, 2
    // site 1 writes 0x00: L1 miss, L2 fill miss (both site 1); the L1 line is dirty.
    h.access(at(W(0x00), 1));
    // site 2 reads 0x20: L1 miss, L2 fill miss (site 2); the dirty 0x00 goes to L2 as a write that
    // hits there: charged to the write-back slot.
    h.access(at(R(0x20), 2));
    // site 1 reads 0x00: L1 miss, L2 hit (site 1); the clean victim 0x20 goes nowhere.
    h.access(at(R(0x00), 1));
    // site 2 reads 0x04: an L1 hit on the hot path (site 2).
    h.access(at(R(0x04), 2));
    CHECK(h.attributedAccesses(0, 1) == 2);
    CHECK(h.attributedMisses(0, 1) == 2);
    CHECK(h.attributedAccesses(0, 2) == 2);
    CHECK(h.attributedMisses(0, 2) == 1);
    CHECK(h.attributedAccesses(1, 1) == 2);
    CHECK(h.attributedMisses(1, 1) == 1);
    CHECK(h.attributedAccesses(1, 2) == 1);
    CHECK(h.attributedMisses(1, 2) == 1);
    CHECK(h.attributedAccesses(1, h.writebackSlot()) == 1);
    CHECK(h.attributedMisses(1, h.writebackSlot()) == 0);
    CHECK(h.attributedAccesses(0, 0) == 0);
    checkSums(h);
}

TEST_CASE("attribution: site ids beyond the table are charged to site 0") {
    Hierarchy h(simCfg({cacheCfg("L1", 64, 16, 1)}));
    h.enableAttribution(2);
    h.access(at(R(0x00), 7));
    h.access(at(R(0x00), 7));
    CHECK(h.attributedAccesses(0, 0) == 2);
    CHECK(h.attributedMisses(0, 0) == 1);
}

TEST_CASE("attribution: slots sum to every cache's counters and do not change the results (random cases)") {
    using reference::Family;
    for (Family family : {Family::SingleLevel, Family::TwoLevelNine, Family::WriteMix, Family::Inclusive,
                          Family::Exclusive, Family::SplitL1, Family::ThreeLevels, Family::Plain}) {
        for (std::uint64_t seed = 1; seed <= 25; ++seed) {
            reference::RandomCase rc = reference::makeCase(family, seed);
            std::mt19937_64 rng(seed);
            for (Access& a : rc.trace) a.site = static_cast<std::uint16_t>(rng() % 6);  // 5 = beyond the table
            const std::string familyText = reference::familyName(family);
            CAPTURE(familyText);
            CAPTURE(seed);
            Hierarchy plain(rc.config), fast(rc.config), observed(rc.config);
            fast.enableAttribution(5);
            observed.enableAttribution(5);
            NullObserver none;
            observed.setObserver(&none);
            plain.access(rc.trace);
            fast.access(rc.trace);
            observed.access(rc.trace);
            checkSums(fast);
            for (std::uint32_t c = 0; c < fast.caches().size(); ++c) {
                CHECK(fast.caches()[c].stats() == plain.caches()[c].stats());
                for (std::uint32_t s = 0; s < fast.attributionSlots(); ++s) {
                    CHECK(fast.attributedAccesses(c, s) == observed.attributedAccesses(c, s));
                    CHECK(fast.attributedMisses(c, s) == observed.attributedMisses(c, s));
                }
            }
        }
    }
}

TEST_CASE("attribution: with reads only, each site's counts are the counter deltas of its own accesses") {
    // An independent way to attribute: simulate one access at a time and charge every counter that
    // moved to that access's site. With reads only nothing is ever dirty, so no write-backs exist;
    // exclusive caches (which take clean victims) are left out.
    using reference::Family;
    int checked = 0;
    for (Family family : {Family::SingleLevel, Family::TwoLevelNine, Family::WriteMix, Family::Inclusive,
                          Family::SplitL1, Family::ThreeLevels, Family::Plain}) {
        for (std::uint64_t seed = 1; seed <= 15; ++seed) {
            reference::RandomCase rc = reference::makeCase(family, seed);
            bool exclusive = false;
            for (const CacheConfig& cc : rc.config.caches) exclusive = exclusive || cc.inclusion == Inclusion::Exclusive;
            if (exclusive) continue;
            ++checked;
            std::mt19937_64 rng(seed * 77);
            for (Access& a : rc.trace) {
                if (a.kind == AccessKind::Write) a.kind = AccessKind::Read;
                a.site = static_cast<std::uint16_t>(1 + rng() % 4);
            }
            const std::string familyText = reference::familyName(family);
            CAPTURE(familyText);
            CAPTURE(seed);
            Hierarchy fast(rc.config), stepped(rc.config);
            fast.enableAttribution(5);
            fast.access(rc.trace);
            const std::size_t n = stepped.caches().size();
            std::vector<std::uint64_t> acc(n * 5), mis(n * 5);
            for (const Access& a : rc.trace) {
                std::vector<std::uint64_t> a0(n), m0(n);
                for (std::size_t c = 0; c < n; ++c) {
                    a0[c] = stepped.caches()[c].stats().accesses();
                    m0[c] = stepped.caches()[c].stats().misses();
                }
                stepped.access(a);
                for (std::size_t c = 0; c < n; ++c) {
                    acc[c * 5 + a.site] += stepped.caches()[c].stats().accesses() - a0[c];
                    mis[c * 5 + a.site] += stepped.caches()[c].stats().misses() - m0[c];
                }
            }
            for (std::uint32_t c = 0; c < n; ++c) {
                CHECK(fast.attributedAccesses(c, fast.writebackSlot()) == 0);
                for (std::uint32_t s = 0; s < 5; ++s) {
                    CHECK(fast.attributedAccesses(c, s) == acc[c * 5 + s]);
                    CHECK(fast.attributedMisses(c, s) == mis[c * 5 + s]);
                }
            }
        }
    }
    CHECK(checked > 50);
}

TEST_CASE("attribution: page-table reads are charged to the walk slot, the rest to the sites") {
    SimConfig c = simCfg({cacheCfg("L1", 4096, 64, 4), cacheCfg("L2", 65536, 64, 8)});
    c.addressing = Addressing::Physical;
    MmuConfig m;
    m.physicalMemory = 64 * 4096;
    c.mmu = m;
    TlbConfig t;
    t.name = "TLB";
    t.entries = 8;
    t.associativity = 2;
    c.tlbs = {t};
    Simulator s(c);
    s.enableAttribution(3);
    std::mt19937_64 rng(5);
    std::uint64_t perSite[3] = {0, 0, 0};
    for (int i = 0; i < 5000; ++i) {
        const auto site = static_cast<std::uint16_t>(1 + rng() % 2);
        ++perSite[site];
        s.access(Access{(rng() % 40) * 4096 + rng() % 4000, 4, rng() % 3 ? AccessKind::Read : AccessKind::Write, site});
    }
    const Hierarchy& h = s.hierarchy();
    checkSums(h);
    // PTE reads enter at the first data cache (L1): the walk slot holds exactly them there.
    CHECK(h.attributedAccesses(0, h.walkSlot()) == s.mmu()->stats().walkMemoryAccesses);
    CHECK(s.mmu()->stats().walkMemoryAccesses > 0);
    CHECK(s.siteReferences(1) == perSite[1]);
    CHECK(s.siteReferences(2) == perSite[2]);
    CHECK(s.siteReferences(0) == 0);
}

TEST_CASE("attribution: references per site without translation, counted once by the hierarchy") {
    // With no mmu the Simulator's references per site are the hierarchy's count by slot (one
    // count per reference, before the hot loop). Checked against a plain count of the trace's
    // sites, on blocks and one reference at a time, with an observer attached (the general path)
    // and without, on split and unified first levels (fetches go to the instruction side).
    using reference::Family;
    for (Family family : {Family::SingleLevel, Family::SplitL1, Family::ThreeLevels, Family::WriteMix}) {
        for (std::uint64_t seed = 1; seed <= 10; ++seed) {
            reference::RandomCase rc = reference::makeCase(family, seed);
            std::mt19937_64 rng(seed * 31);
            std::vector<std::uint64_t> want(4, 0);
            for (Access& a : rc.trace) {
                a.site = static_cast<std::uint16_t>(rng() % 6);  // 4 and 5: beyond the table, slot 0
                ++want[a.site < 4 ? a.site : 0];
            }
            const std::string familyText = reference::familyName(family);
            CAPTURE(familyText);
            CAPTURE(seed);
            Simulator blocks(rc.config), single(rc.config), observed(rc.config);
            for (Simulator* s : {&blocks, &single, &observed}) s->enableAttribution(4);
            NullObserver none;
            observed.setObservers(&none, nullptr);
            blocks.access(rc.trace);
            observed.access(rc.trace);
            for (const Access& a : rc.trace) single.access(std::span<const Access>(&a, 1));
            for (const Simulator* s : {&blocks, &single, &observed}) {
                for (std::uint32_t slot = 0; slot < 4; ++slot) CHECK(s->siteReferences(slot) == want[slot]);
                checkSums(s->hierarchy());
            }
            CHECK(blocks.sameState(single));
            for (std::uint32_t c = 0; c < blocks.hierarchy().caches().size(); ++c)
                for (std::uint32_t slot = 0; slot < blocks.hierarchy().attributionSlots(); ++slot)
                    CHECK(blocks.hierarchy().attributedAccesses(c, slot) ==
                          observed.hierarchy().attributedAccesses(c, slot));
        }
    }
}
