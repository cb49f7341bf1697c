// 3C miss classification (analysis/miss_classes.hpp): hand-worked traces, and properties on random
// configs checked against a deliberately naive classifier written separately from the fast one.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <vector>

#include "cachescope/analysis/arrival_thread.hpp"
#include "cachescope/analysis/miss_classes.hpp"
#include "cachescope/sim/hierarchy.hpp"
#include "cachescope/sim/simulator.hpp"
#include "reference/mmu_random_case.hpp"
#include "reference/random_case.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;
using namespace cachescope::testutil;

namespace {

MissClassCounts counts(std::uint64_t compulsory, std::uint64_t capacity, std::uint64_t conflict) {
    return {compulsory, capacity, conflict};
}

/// Runs `trace` through a hierarchy of `config` with a classifier attached; returns both.
struct Classified {
    Hierarchy hierarchy;
    MissClassifier classes;
};

Classified classify(const SimConfig& config, const std::vector<Access>& trace, std::uint32_t sites = 0) {
    Hierarchy h(config);
    if (sites != 0) h.enableAttribution(sites);
    Classified out{h, MissClassifier(h)};
    out.hierarchy.setObserver(&out.classes);
    for (const Access& a : trace) out.hierarchy.access(a);
    out.hierarchy.setObserver(nullptr);
    return out;
}

// The naive reference: per cache a std::set of lines seen and a vector of lines, most recent first,
// searched linearly and cut to the capacity. Fed from the same events, written without the fast
// code's hash table and linked list.
class NaiveClassifier final : public HierarchyObserver {
public:
    explicit NaiveClassifier(const Hierarchy& h) {
        for (const Cache& c : h.caches()) caches_.push_back({c.config().lines(), {}, {}, {}, {}});
        slots_ = h.attributionSlots();
    }
    void onCacheAccess(const CacheEvent& e) override {
        PerCache& pc = caches_[e.cache];
        const bool first = pc.seen.insert(e.line).second;
        const auto it = std::find(pc.stack.begin(), pc.stack.end(), e.line);
        const bool shadowHit = it != pc.stack.end();
        if (shadowHit) pc.stack.erase(it);
        pc.stack.insert(pc.stack.begin(), e.line);
        if (pc.stack.size() > pc.capacity) pc.stack.pop_back();
        if (e.hit) return;
        MissClassCounts& total = pc.counts;
        MissClassCounts& slot = pc.bySlot[e.slot];
        if (first) {
            ++total.compulsory;
            ++slot.compulsory;
        } else if (shadowHit) {
            ++total.conflict;
            ++slot.conflict;
        } else {
            ++total.capacity;
            ++slot.capacity;
        }
    }
    struct PerCache {
        std::uint64_t capacity;
        std::set<std::uint64_t> seen;
        std::vector<std::uint64_t> stack;
        MissClassCounts counts;
        std::map<std::uint32_t, MissClassCounts> bySlot;
    };
    std::vector<PerCache> caches_;
    std::uint32_t slots_ = 0;
};

// Counts distinct lines arriving at each cache and nothing else (for "compulsory = distinct lines").
class DistinctLines final : public HierarchyObserver {
public:
    void onCacheAccess(const CacheEvent& e) override { lines[e.cache].insert(e.line); }
    std::map<std::uint32_t, std::set<std::uint64_t>> lines;
};

constexpr reference::Family kFamilies[] = {
    reference::Family::SingleLevel, reference::Family::TwoLevelNine, reference::Family::WriteMix,
    reference::Family::Inclusive,   reference::Family::Exclusive,    reference::Family::SplitL1,
    reference::Family::ThreeLevels,
};

}  // namespace

TEST_CASE("miss classes: direct-mapped, two lines of one set alternating (a b a b)") {
    // 4 lines of 16 B, direct-mapped: set = line mod 4. a = line 0, b = line 4: both set 0.
    //   a  miss  first arrival                    compulsory   shadow (MRU first): a
    //   b  miss  first arrival, evicts a          compulsory   shadow: b a
    //   a  miss  the 4-line shadow holds a        conflict     shadow: a b
    //   b  miss  the shadow holds b               conflict
    const SimConfig cfg = simCfg({cacheCfg("L1", 64, 16, 1)});
    Hierarchy h(cfg);
    MissClassifier classes(h);
    h.setObserver(&classes);
    CHECK_FALSE(classes.lastClass(0).has_value());
    const std::vector<std::optional<MissClass>> expected = {MissClass::Compulsory, MissClass::Compulsory,
                                                            MissClass::Conflict, MissClass::Conflict};
    const std::uint64_t lines[] = {0, 4, 0, 4};
    for (std::size_t i = 0; i < 4; ++i) {
        h.access(R(lines[i] * 16));
        CHECK(classes.lastEventMissed(0));
        CHECK((classes.lastClass(0) == expected[i]));
    }
    CHECK(classes.counts(0) == counts(2, 0, 2));
    CHECK(classes.counts(0).total() == h.caches()[0].stats().misses());
    CHECK(classes.shadow(0).contents() == std::vector<std::uint64_t>{4, 0});
    // A hit leaves the last class as it was and says the last arrival did not miss.
    h.access(R(4 * 16));
    CHECK_FALSE(classes.lastEventMissed(0));
    CHECK((classes.lastClass(0) == MissClass::Conflict));
}

TEST_CASE("miss classes: cyclic sweep over capacity + 1 lines, fully associative LRU") {
    // 4 lines, fully associative LRU; lines 0..4 read in order, 3 rounds = 15 reads. LRU always
    // evicts the line needed next, so every read misses: round 1 = 5 compulsory; rounds 2 and 3: the
    // shadow (the same cache) misses too = 10 capacity; no conflict.
    CacheConfig l1 = cacheCfg("L1", 64, 16, 4);
    l1.fullyAssociative = true;
    std::vector<Access> trace;
    for (int round = 0; round < 3; ++round)
        for (std::uint64_t line = 0; line < 5; ++line) trace.push_back(R(line * 16));
    const Classified r = classify(simCfg({l1}), trace);
    CHECK(r.hierarchy.caches()[0].stats().misses() == 15);
    CHECK(r.classes.counts(0) == counts(5, 10, 0));
    CHECK((r.classes.lastClass(0) == MissClass::Capacity));
}

TEST_CASE("miss classes: a lower level is classified on its own arrival stream") {
    // Lines of 16 B. L1: 4 lines direct-mapped (set = line mod 4); L2: 2 lines direct-mapped
    // (set = line mod 2). c = line 1, d = line 3, a = line 0, b = line 4.
    // CPU reads: c d a b c d a.
    //   L1: c d a b miss (compulsory; b evicts a from set 0); c, d hit; a misses: the 4-line shadow
    //       (stream c d a b c d) holds a -> conflict.            L1 = 4 compulsory, 0, 1 conflict
    //   L2 sees only L1's misses: c d a b a. c d a b compulsory (b evicts a from set 0); a misses:
    //       the 2-line shadow of L2's stream holds b, a -> conflict.  L2 = 4 compulsory, 0, 1
    //   (On the CPU stream the 2-line shadow would hold d, c before the last a: capacity. It must not.)
    const SimConfig cfg = simCfg({cacheCfg("L1", 64, 16, 1), cacheCfg("L2", 32, 16, 1)});
    std::vector<Access> trace;
    for (const std::uint64_t line : {1, 3, 0, 4, 1, 3, 0}) trace.push_back(R(line * 16));
    const Classified r = classify(cfg, trace);
    CHECK(r.hierarchy.caches()[0].stats().misses() == 5);
    CHECK(r.hierarchy.caches()[1].stats().accesses() == 5);
    CHECK(r.hierarchy.caches()[1].stats().misses() == 5);
    CHECK(r.classes.counts(0) == counts(4, 0, 1));
    CHECK(r.classes.counts(1) == counts(4, 0, 1));
}

TEST_CASE("miss classes: a miss that does not allocate still counts, the shadow takes the line") {
    // 2 lines, fully associative LRU, write-through, no-write-allocate.
    //   W a  miss, not allocated, first arrival   compulsory   shadow: a
    //   R a  miss (the cache never took a); the shadow holds a -> conflict
    CacheConfig l1 = cacheCfg("L1", 32, 16, 2);
    l1.fullyAssociative = true;
    l1.writePolicy = WritePolicy::WriteThrough;
    l1.writeAllocate = false;
    const Classified r = classify(simCfg({l1}), {W(0), R(0)});
    CHECK(r.hierarchy.caches()[0].stats().misses() == 2);
    CHECK(r.classes.counts(0) == counts(1, 0, 1));
}

TEST_CASE("miss classes: back-invalidation by an inclusive cache makes conflict misses above") {
    // Lines of 16 B. L1: 2 lines fully associative LRU; L2: inclusive, 2 lines direct-mapped
    // (set = line mod 2). a = line 0, b = line 2: both L2 set 0.
    //   R a  L1 miss compulsory; L2 miss compulsory.
    //   R b  L1 miss compulsory; L2 miss compulsory, evicts a and back-invalidates it from L1.
    //   R a  L1 miss: L1's 2-line shadow holds b, a -> conflict (a fully associative L1 has a
    //        conflict miss: the line was taken away, not pushed out). L2 miss: its shadow holds
    //        b, a -> conflict (it evicts b, back-invalidating it from L1).
    CacheConfig l1 = cacheCfg("L1", 32, 16, 2);
    l1.fullyAssociative = true;
    CacheConfig l2 = cacheCfg("L2", 32, 16, 1);
    l2.inclusion = Inclusion::Inclusive;
    const Classified r = classify(simCfg({l1, l2}), {R(0), R(32), R(0)});
    CHECK(r.hierarchy.caches()[1].stats().backInvalidations == 2);
    CHECK(r.classes.counts(0) == counts(2, 0, 1));
    CHECK(r.classes.counts(1) == counts(2, 0, 1));
}

TEST_CASE("miss classes: an exclusive cache's misses on victims and after hand-up are conflict") {
    // Lines of 16 B. L1: 2 lines direct-mapped (set = line mod 2); L2: exclusive, 4 lines fully
    // associative LRU. a = line 0, b = line 2: both L1 set 0.
    //   R a  L1 miss compulsory -> L2 read a: miss compulsory (an exclusive cache does not allocate).
    //   R b  L1 miss compulsory -> L2 read b: miss compulsory. L1 evicts a (clean) -> write a to L2:
    //        a miss (never allocated); L2's shadow holds a -> conflict. L2 allocates a.
    //   R a  L1 miss: its shadow holds b, a -> conflict -> L2 read a: hit, handed up (removed).
    //        L1 evicts b -> write b to L2: miss; the shadow holds b -> conflict.
    //   L1 = 2 compulsory, 0, 1 conflict; L2 = 2 compulsory, 0, 2 conflict (4 misses, 1 hit).
    CacheConfig l1 = cacheCfg("L1", 32, 16, 1);
    CacheConfig l2 = cacheCfg("L2", 64, 16, 4);
    l2.fullyAssociative = true;
    l2.inclusion = Inclusion::Exclusive;
    const Classified r = classify(simCfg({l1, l2}), {R(0), R(32), R(0)});
    CHECK(r.hierarchy.caches()[1].stats().accesses() == 5);
    CHECK(r.hierarchy.caches()[1].stats().misses() == 4);
    CHECK(r.classes.counts(0) == counts(2, 0, 1));
    CHECK(r.classes.counts(1) == counts(2, 0, 2));
}

TEST_CASE("miss classes: per attribution slot (sites, write-backs)") {
    // Lines of 16 B. L1: 2 lines direct-mapped (a = line 0, b = line 2: both set 0); L2: 1 line.
    // Sites 1 and 2; slots: 0..2 sites, 3 write-backs, 4 walks.
    //   W a (site 1)  L1 miss compulsory [1]; fill: L2 read a miss compulsory [1].
    //   R b (site 2)  L1 miss compulsory [2]; fill: L2 read b miss compulsory [2] (evicts a);
    //                 L1 evicts dirty a: write-back to L2: miss, the 1-line shadow holds b ->
    //                 capacity [write-backs].
    //   R a (site 1)  L1 miss: its shadow holds b, a -> conflict [1]; L2 read a: hit.
    const SimConfig cfg = simCfg({cacheCfg("L1", 32, 16, 1), cacheCfg("L2", 16, 16, 1)});
    Access wa = W(0), rb = R(32), ra = R(0);
    wa.site = 1;
    rb.site = 2;
    ra.site = 1;
    const Classified r = classify(cfg, {wa, rb, ra}, 3);
    REQUIRE(r.classes.attributionSlots() == 5);
    CHECK(r.classes.attributed(0, 1) == counts(1, 0, 1));
    CHECK(r.classes.attributed(1, 1) == counts(1, 0, 0));
    CHECK(r.classes.attributed(0, 2) == counts(1, 0, 0));
    CHECK(r.classes.attributed(1, 2) == counts(1, 0, 0));
    CHECK(r.classes.attributed(0, 3) == counts(0, 0, 0));
    CHECK(r.classes.attributed(1, 3) == counts(0, 1, 0));
    CHECK(r.classes.attributed(1, 0) == counts(0, 0, 0));
    CHECK(r.classes.counts(1) == counts(2, 1, 0));
}

TEST_CASE("miss classes: page-table reads are classified and charged to the walk slot") {
    // With an mmu, walks inject PTE reads into the caches: every class of every cache still sums to
    // its misses, and the walk slot holds exactly the walk misses the hierarchy attributes.
    SimConfig cfg = simCfg({cacheCfg("L1", 256, 16, 2), cacheCfg("L2", 1024, 16, 4)});
    cfg.mmu = MmuConfig{};
    cfg.mmu->physicalMemory = 1 << 20;
    cfg.addressing = Addressing::Physical;
    TlbConfig tlb;
    tlb.entries = 4;
    tlb.associativity = 2;
    cfg.tlbs.push_back(tlb);
    validate(cfg);
    Simulator sim(cfg);
    sim.enableAttribution(2);
    MissClassifier classes(sim.hierarchy());
    sim.hierarchy().setObserver(&classes);
    std::mt19937_64 rng(7);
    for (int i = 0; i < 3000; ++i) {
        Access a = R((rng() % 64) * 4096 + (rng() % 256) * 16);
        a.site = static_cast<std::uint16_t>(rng() % 2);
        sim.access(a);
    }
    const Hierarchy& h = sim.hierarchy();
    CHECK(h.attributedMisses(0, h.walkSlot()) > 0);
    for (std::uint32_t c = 0; c < 2; ++c) {
        CHECK(classes.counts(c).total() == h.caches()[c].stats().misses());
        for (std::uint32_t s = 0; s < h.attributionSlots(); ++s)
            CHECK(classes.attributed(c, s).total() == h.attributedMisses(c, s));
    }
}

TEST_CASE("miss classes: random configs and traces agree with a naive classifier, sums and compulsory") {
    // For every family of random cases: the classes sum to the misses of every cache and of every
    // attribution slot; compulsory = distinct lines that arrived (counted by a separate observer);
    // and every count equals the naive classifier's.
    for (const reference::Family family : kFamilies) {
        for (std::uint64_t seed = 1; seed <= 25; ++seed) {
            reference::RandomCase rc = reference::makeCase(family, seed);
            std::mt19937_64 rng(seed);
            for (Access& a : rc.trace) a.site = static_cast<std::uint16_t>(rng() % 4);
            CAPTURE(reference::familyName(family));
            CAPTURE(seed);
            Hierarchy h(rc.config);
            h.enableAttribution(3);  // sites 0..2; site 3 goes to slot 0
            MissClassifier classes(h);
            NaiveClassifier naive(h);
            DistinctLines distinct;
            FanOutObserver fan;
            fan.add(&classes);
            fan.add(&naive);
            fan.add(&distinct);
            h.setObserver(fan.collapsed());
            for (const Access& a : rc.trace) h.access(a);
            for (std::uint32_t c = 0; c < h.caches().size(); ++c) {
                CAPTURE(c);
                CHECK(classes.counts(c).total() == h.caches()[c].stats().misses());
                CHECK(classes.counts(c).compulsory == distinct.lines[c].size());
                CHECK(classes.shadow(c).distinctLines() == distinct.lines[c].size());
                CHECK(classes.counts(c) == naive.caches_[c].counts);
                for (std::uint32_t s = 0; s < h.attributionSlots(); ++s) {
                    CHECK(classes.attributed(c, s).total() == h.attributedMisses(c, s));
                    CHECK(classes.attributed(c, s) == naive.caches_[c].bySlot[s]);
                }
            }
        }
    }
}

TEST_CASE("miss classes: a fully associative LRU cache has no conflict misses (NINE, write-allocate)") {
    // Such a cache IS its own shadow: it takes every arrival (write-allocate), keeps the `lines`
    // most recent, and nothing removes lines behind its back (NINE, no mmu).
    for (const reference::Family family :
         {reference::Family::SingleLevel, reference::Family::TwoLevelNine, reference::Family::ThreeLevels}) {
        for (std::uint64_t seed = 1; seed <= 25; ++seed) {
            reference::RandomCase rc = reference::makeCase(family, seed);
            for (CacheConfig& c : rc.config.caches) {
                c.fullyAssociative = true;
                c.associativity = static_cast<std::uint32_t>(c.lines());
                c.replacement = "lru";
                c.writeAllocate = true;
                c.inclusion = Inclusion::Nine;
            }
            validate(rc.config);
            CAPTURE(reference::familyName(family));
            CAPTURE(seed);
            const Classified r = classify(rc.config, rc.trace);
            for (std::uint32_t c = 0; c < r.hierarchy.caches().size(); ++c) {
                CHECK(r.classes.counts(c).conflict == 0);
                CHECK(r.classes.counts(c).total() == r.hierarchy.caches()[c].stats().misses());
            }
        }
    }
}

TEST_CASE("miss classes: the LRU shadow against a naive LRU stack on a long random stream") {
    // Many more distinct lines than the capacity (the hash table grows several times) and enough
    // reuse for hits: each access's hit/first flags must match a linear-search LRU stack. The
    // capacities straddle the shadow's array of most recent lines (4): below it the list alone,
    // at it the array alone (evictions from the array), above it both. Half the stream cycles
    // over a few lines (a kernel's interleaved streams), which the array serves.
    for (const std::uint64_t capacity : {1, 2, 3, 4, 5, 6, 37}) {
        CAPTURE(capacity);
        LruShadow shadow(capacity);
        std::vector<std::uint64_t> stack;
        std::set<std::uint64_t> seen;
        std::mt19937_64 rng(3 + capacity);
        std::uint64_t hits = 0;
        for (int i = 0; i < 20000; ++i) {
            const std::uint64_t pick = rng() % 4;
            const std::uint64_t line = pick == 0   ? rng() % 50
                                       : pick == 1 ? rng() % 5000
                                                   : 100000 + (std::uint64_t(i) % (1 + (i / 997) % 7)) * 3 + (rng() % 8 == 0);
            const auto it = std::find(stack.begin(), stack.end(), line);
            const bool hit = it != stack.end();
            if (hit) stack.erase(it);
            stack.insert(stack.begin(), line);
            if (stack.size() > capacity) stack.pop_back();
            const bool first = seen.insert(line).second;
            const LruShadow::Result r = shadow.access(line);
            REQUIRE(r.hit == hit);
            REQUIRE(r.firstReference == first);
            hits += hit;
            if (i % 1000 == 0) REQUIRE(shadow.contents() == stack);
        }
        CHECK(hits > (capacity == 1 ? 300U : 1000U));  // one line: only immediate repeats hit
        CHECK(shadow.contents() == stack);
        CHECK(shadow.distinctLines() == seen.size());
    }
}

TEST_CASE("miss classes: remember marks a line seen without putting it in the shadow or moving anything") {
    // Capacity 2 (the list alone) and 5 (the array of the 4 most recent, then the list).
    for (const std::uint64_t capacity : {2, 5}) {
        CAPTURE(capacity);
        LruShadow shadow(capacity);
        shadow.access(1);
        shadow.access(2);
        const std::vector<std::uint64_t> before = shadow.contents();
        shadow.remember(7);
        shadow.remember(2);  // already seen (and in the shadow): nothing changes
        CHECK(shadow.contents() == before);
        CHECK(shadow.distinctLines() == 3);
        const LruShadow::Result r = shadow.access(7);  // seen, not in the shadow: a capacity miss
        CHECK_FALSE(r.firstReference);
        CHECK_FALSE(r.hit);
        CHECK(shadow.contents().front() == 7);
        CHECK(shadow.access(8).firstReference);  // never remembered: a first reference
        CHECK(shadow.distinctLines() == 4);
    }
}

TEST_CASE("miss classes: resetCounts keeps what the shadows remember") {
    // a b a b in the direct-mapped cache of the first test; reset after the first two; then a b are
    // conflict, not compulsory.
    Hierarchy h(simCfg({cacheCfg("L1", 64, 16, 1)}));
    MissClassifier classes(h);
    h.setObserver(&classes);
    h.access(R(0));
    h.access(R(64));
    classes.resetCounts();
    CHECK_FALSE(classes.lastClass(0).has_value());
    h.access(R(0));
    h.access(R(64));
    CHECK(classes.counts(0) == counts(0, 0, 2));
    CHECK(std::string(toString(MissClass::Capacity)) == "capacity");
}

namespace {

/// Everything a classifier holds that can be compared: counts, per-slot counts, shadows.
void checkSameClasses(const MissClassifier& got, const MissClassifier& want, const Hierarchy& h) {
    REQUIRE(got.caches() == want.caches());
    for (std::uint32_t c = 0; c < got.caches(); ++c) {
        CAPTURE(c);
        CHECK(got.counts(c) == want.counts(c));
        CHECK(got.counts(c).total() == h.caches()[c].stats().misses());
        CHECK(got.shadow(c).distinctLines() == want.shadow(c).distinctLines());
        CHECK(got.shadow(c).contents() == want.shadow(c).contents());
        CHECK(got.lastEventMissed(c) == want.lastEventMissed(c));
        for (std::uint32_t s = 0; s < got.attributionSlots(); ++s) CHECK(got.attributed(c, s) == want.attributed(c, s));
    }
}

/// Sends `trace` in blocks of random sizes (1 to 64 references).
template <class Sim>
void accessInBlocks(Sim& sim, const std::vector<Access>& trace, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (std::size_t i = 0; i < trace.size();) {
        const std::size_t n = std::min<std::size_t>(trace.size() - i, 1 + rng() % 64);
        sim.access(std::span<const Access>(trace.data() + i, n));
        i += n;
    }
}

}  // namespace

TEST_CASE("miss classes: as an arrival sink (in bulk, fast path kept) the classifier counts what it counts as an observer") {
    // Every family, attribution on, blocks of random sizes: the classifier fed in bulk by
    // Hierarchy::setArrivalSink ends with the same counts, per-slot counts and shadow contents as
    // one fed event by event (itself checked against the naive classifier above). Twice: alone
    // (the hierarchy's hot loop runs) and beside an unrelated observer (every reference takes the
    // observed path, which also fills the buffers).
    for (const reference::Family family : kFamilies) {
        for (std::uint64_t seed = 1; seed <= 25; ++seed) {
            reference::RandomCase rc = reference::makeCase(family, seed);
            std::mt19937_64 rng(seed);
            for (Access& a : rc.trace) a.site = static_cast<std::uint16_t>(rng() % 4);
            CAPTURE(reference::familyName(family));
            CAPTURE(seed);
            Hierarchy observed(rc.config);
            observed.enableAttribution(3);
            MissClassifier want(observed);
            NaiveClassifier naive(observed);
            FanOutObserver fan;
            fan.add(&want);
            fan.add(&naive);
            observed.setObserver(&fan);
            for (const Access& a : rc.trace) observed.access(a);
            for (const bool withObserver : {false, true}) {
                CAPTURE(withObserver);
                Hierarchy bulk(rc.config);
                bulk.enableAttribution(3);
                MissClassifier got(bulk);
                DistinctLines other;
                bulk.setArrivalSink(&got);
                if (withObserver) bulk.setObserver(&other);
                accessInBlocks(bulk, rc.trace, seed);
                CHECK(bulk.sameState(observed));
                checkSameClasses(got, want, bulk);
                for (std::uint32_t c = 0; c < got.caches(); ++c) CHECK(got.counts(c) == naive.caches_[c].counts);
            }
        }
    }
}

TEST_CASE("miss classes: as an arrival sink with an mmu (page-table reads, evictions) and with full buffers") {
    // Random mmu cases through the Simulator in blocks: translation stays on its TLB-hit path, walks
    // inject PTE reads, page evictions invalidate lines. Then one block of 20,000 references on a
    // small cache, so each cache's buffer (4,096 arrivals) fills and is handed over mid-block.
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        CAPTURE(seed);
        const reference::MmuCase mc = reference::makeMmuCase(seed);
        Simulator observed(mc.config);
        observed.enableAttribution(2);
        MissClassifier want(observed.hierarchy());
        observed.setObservers(&want, nullptr);
        for (const Access& a : mc.trace) observed.access(a);
        Simulator bulk(mc.config);
        bulk.enableAttribution(2);
        MissClassifier got(bulk.hierarchy());
        bulk.setArrivalSink(&got);
        accessInBlocks(bulk, mc.trace, seed);
        CHECK(bulk.sameState(observed));
        checkSameClasses(got, want, bulk.hierarchy());
    }
    const SimConfig cfg = simCfg({cacheCfg("L1", 256, 16, 2), cacheCfg("L2", 1024, 16, 4)});
    std::vector<Access> trace;
    std::mt19937_64 rng(11);
    for (int i = 0; i < 20000; ++i) trace.push_back(rng() % 3 == 0 ? W((rng() % 200) * 16) : R((rng() % 200) * 16));
    Hierarchy observed(cfg);
    MissClassifier want(observed);
    observed.setObserver(&want);
    for (const Access& a : trace) observed.access(a);
    Hierarchy bulk(cfg);
    MissClassifier got(bulk);
    bulk.setArrivalSink(&got);
    bulk.access(trace);
    REQUIRE(bulk.caches()[0].stats().accesses() == 20000);
    REQUIRE(bulk.caches()[1].stats().accesses() > 4096);
    CHECK(bulk.sameState(observed));
    checkSameClasses(got, want, bulk);
}

TEST_CASE("miss classes: fed through an ArrivalThread (a second thread) the classifier counts what it counts inline") {
    // Every family, attribution on, blocks of random sizes: one classifier is the hierarchy's sink
    // directly, another takes the same batches from an ArrivalThread's worker, a third observes
    // event by event. After drain() (several times along the way, and at the end) the threaded
    // one holds exactly what the other two hold.
    for (const reference::Family family : kFamilies) {
        for (std::uint64_t seed = 1; seed <= 12; ++seed) {
            reference::RandomCase rc = reference::makeCase(family, 100 + seed);
            std::mt19937_64 rng(seed);
            for (Access& a : rc.trace) a.site = static_cast<std::uint16_t>(rng() % 4);
            CAPTURE(reference::familyName(family));
            CAPTURE(seed);
            Hierarchy observed(rc.config);
            observed.enableAttribution(3);
            MissClassifier want(observed);
            observed.setObserver(&want);
            Hierarchy direct(rc.config);
            direct.enableAttribution(3);
            MissClassifier inlineClasses(direct);
            direct.setArrivalSink(&inlineClasses);
            Hierarchy threaded(rc.config);
            threaded.enableAttribution(3);
            MissClassifier got(threaded);
            ArrivalThread worker(got);
            threaded.setArrivalSink(&worker);
            const std::size_t half = rc.trace.size() / 2;
            const std::vector<Access> first(rc.trace.begin(), rc.trace.begin() + static_cast<std::ptrdiff_t>(half));
            const std::vector<Access> second(rc.trace.begin() + static_cast<std::ptrdiff_t>(half), rc.trace.end());
            for (const std::vector<Access>* part : {&first, &second}) {
                for (const Access& a : *part) observed.access(a);
                accessInBlocks(direct, *part, seed);
                accessInBlocks(threaded, *part, seed);
                worker.drain();
                CHECK(threaded.sameState(observed));
                checkSameClasses(got, want, threaded);
                checkSameClasses(got, inlineClasses, threaded);
            }
        }
    }
}
