// Narration (analysis/narration.hpp): records checked against hand-worked cases on the teaching
// configs, and against the simulator's own counters on random configurations of every family.

#include <doctest/doctest.h>

#include <memory>
#include <sstream>

#include "cachescope/analysis/narration.hpp"
#include "cachescope/report/narration_printers.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/sim/simulator.hpp"
#include "reference/mmu_random_case.hpp"
#include "reference/random_case.hpp"

using namespace cachescope;

namespace {

/// A reader over a vector, handing out at most `chunk` accesses per read (so the silent prefix
/// is cut inside and across blocks).
class VectorReader final : public TraceReader {
public:
    explicit VectorReader(std::vector<Access> accesses, std::size_t chunk = 7, const TraceMetadata* metadata = nullptr)
        : accesses_(std::move(accesses)), chunk_(chunk), metadata_(metadata) {}
    std::size_t read(std::span<Access> out) override {
        std::size_t n = 0;
        while (n < out.size() && n < chunk_ && pos_ < accesses_.size()) out[n++] = accesses_[pos_++];
        return n;
    }
    TraceFormat format() const override { return TraceFormat::Text; }
    std::uint64_t records() const override { return pos_; }
    const TraceMetadata* metadata() const override { return metadata_; }

private:
    std::vector<Access> accesses_;
    std::size_t chunk_;
    const TraceMetadata* metadata_;
    std::size_t pos_ = 0;
};

SimConfig teaching() { return loadConfig(CACHESCOPE_SOURCE_DIR "/configs/teaching.json"); }
SimConfig teachingPaging() { return loadConfig(CACHESCOPE_SOURCE_DIR "/configs/teaching-paging.json"); }

Access R(std::uint64_t a, std::uint32_t size = 4) { return {a, size, AccessKind::Read}; }
Access W(std::uint64_t a, std::uint32_t size = 4) { return {a, size, AccessKind::Write}; }

std::vector<ReferenceNarration> narrate(Simulator& sim, std::vector<Access> trace, std::uint64_t from,
                                        std::uint64_t count) {
    VectorReader reader(std::move(trace));
    return narrateTrace(sim, reader, from, count).references;
}

/// Every cache step of a record (demand pieces and page walks), for counting.
std::vector<const CacheStep*> allSteps(const ReferenceNarration& r) {
    std::vector<const CacheStep*> out;
    for (const Piece& p : r.pieces) {
        if (p.translation)
            for (const WalkStep& w : p.translation->walk)
                for (const CacheStep& s : w.steps) out.push_back(&s);
        for (const CacheStep& s : p.steps) out.push_back(&s);
    }
    return out;
}

/// The records' counts equal the simulator's counters (the simulator started from nothing and
/// simulated exactly the narrated references).
void checkCountsAgree(const Simulator& sim, const std::vector<ReferenceNarration>& refs) {
    const Hierarchy& h = sim.hierarchy();
    std::vector<std::uint64_t> accesses(h.caches().size(), 0), misses(h.caches().size(), 0),
        evictions(h.caches().size(), 0), writebacks(h.caches().size(), 0);
    std::uint64_t memReads = 0, memWrites = 0, cycles = 0;
    std::vector<std::uint64_t> tlbLookups, tlbMisses;
    if (sim.mmu() != nullptr) {
        tlbLookups.assign(sim.mmu()->tlbs().size(), 0);
        tlbMisses.assign(sim.mmu()->tlbs().size(), 0);
    }
    std::uint64_t faults = 0, walks = 0;
    for (const ReferenceNarration& r : refs) {
        cycles += r.cycles;
        for (const CacheStep* s : allSteps(r)) {
            if (s->cache == CacheStep::kMemory) {
                ++(s->kind == AccessKind::Write ? memWrites : memReads);
                continue;
            }
            ++accesses[s->cache];
            if (!s->hit) ++misses[s->cache];
            if (s->evicted) ++evictions[s->cache];
            if (s->evicted && s->victimDirty) ++writebacks[s->cache];
        }
        for (const Piece& p : r.pieces) {
            if (!p.translation) continue;
            for (const TlbStep& t : p.translation->tlbs) {
                ++tlbLookups[t.tlb];
                if (!t.hit) ++tlbMisses[t.tlb];
            }
            if (p.translation->fault) {
                ++faults;
                for (const Removal& removal : p.translation->fault->removals)
                    if (removal.dirty) {  // a page eviction writes dirty lines to memory directly
                        ++writebacks[removal.cache];
                        ++memWrites;
                    }
            }
            walks += p.translation->walk.empty() ? 0 : 1;
        }
    }
    for (std::uint32_t c = 0; c < h.caches().size(); ++c) {
        CAPTURE(c);
        CHECK(accesses[c] == h.caches()[c].stats().accesses());
        CHECK(misses[c] == h.caches()[c].stats().misses());
        CHECK(evictions[c] == h.caches()[c].stats().evictions);
        CHECK(writebacks[c] == h.caches()[c].stats().writebacks);
    }
    CHECK(memReads == h.memory().reads);
    CHECK(memWrites == h.memory().writes);
    if (sim.mmu() != nullptr) {
        for (std::size_t t = 0; t < tlbLookups.size(); ++t) {
            CHECK(tlbLookups[t] == sim.mmu()->tlbs()[t].stats().accesses());
            CHECK(tlbMisses[t] == sim.mmu()->tlbs()[t].stats().misses());
        }
        CHECK(faults == sim.mmu()->stats().pageFaults);
    }
    CHECK(cycles == sim.totalCycles());
}

}  // namespace

TEST_CASE("narration: tag, set and offset of each level, worked by hand (teaching config)") {
    // 0x12345 = 0b1_0010_0011_0100_0101. L1 (64 B lines, 8 sets): offset = low 6 bits = 0x05;
    // line = 0x12345 >> 6 = 0x48d; set = 0x48d mod 8 = 5; tag = 0x48d >> 3 = 0x91.
    // L2 (64 B lines, 16 sets): set = 0x48d mod 16 = 13; tag = 0x48d >> 4 = 0x48. The L2 arrival is
    // L1's fill: the whole line from 0x12340, offset 0.
    Simulator sim(teaching());
    const auto refs = narrate(sim, {R(0x12345, 2)}, 0, 1);
    REQUIRE(refs.size() == 1);
    const std::vector<CacheStep>& s = refs[0].pieces.at(0).steps;
    REQUIRE(s.size() == 3);  // L1, L2 (fill), memory (fill)
    CHECK(s[0].name == "L1");
    CHECK((s[0].role == StepRole::Reference));
    CHECK(s[0].offsetBits == 6);
    CHECK(s[0].setBits == 3);
    CHECK(s[0].offset == 0x05);
    CHECK(s[0].set == 5);
    CHECK(s[0].tag == 0x91);
    CHECK_FALSE(s[0].hit);
    CHECK(s[0].way == 0);  // the lowest empty way
    CHECK_FALSE(s[0].evicted);
    CHECK(s[1].name == "L2");
    CHECK((s[1].role == StepRole::Fill));
    CHECK(s[1].depth == 1);
    CHECK(s[1].parent == 0);
    CHECK(s[1].address == 0x12340);
    CHECK(s[1].size == 64);
    CHECK(s[1].setBits == 4);
    CHECK(s[1].set == 13);
    CHECK(s[1].tag == 0x48);
    CHECK(s[1].offset == 0);
    CHECK(s[2].cache == CacheStep::kMemory);
    CHECK((s[2].role == StepRole::Fill));
    CHECK(s[2].depth == 2);
    CHECK(refs[0].servedByName == "memory");
    CHECK(refs[0].cycles == 1 + 10 + 100);
}

TEST_CASE("narration: an LRU victim and the set's state before it (thrash-one-set, reference 2)") {
    // 0x0, 0x200, 0x400 are all in L1 set 0 (lines 0, 8, 16; mod 8 = 0). After 0x0 (way 0) and
    // 0x200 (way 1) the LRU order is MRU→LRU 1 0, so 0x400 evicts way 0 = line 0x0 (tag 0), clean.
    // In L2 (16 sets) 0x400 is line 16, set 0, where only 0x0 lives: it misses into empty way 1.
    Simulator sim(teaching());
    const auto refs = narrate(sim, {R(0x0, 8), R(0x200, 8), R(0x400, 8)}, 2, 1);
    REQUIRE(refs.size() == 1);
    CHECK(refs[0].index == 2);
    const std::vector<CacheStep>& s = refs[0].pieces.at(0).steps;
    REQUIRE(s.size() == 3);
    const CacheStep& l1 = s[0];
    CHECK(l1.set == 0);
    CHECK(l1.tag == 2);  // 0x400 >> 9
    REQUIRE(l1.setBefore.size() == 2);
    CHECK(l1.setBefore[0].valid);
    CHECK(l1.setBefore[0].lineAddress == 0x0);
    CHECK(l1.setBefore[0].tag == 0);
    CHECK(l1.setBefore[1].valid);
    CHECK(l1.setBefore[1].lineAddress == 0x200);
    CHECK(l1.setBefore[1].tag == 1);
    CHECK(l1.policyBefore == "MRU→LRU ways: 1 0");
    CHECK_FALSE(l1.hit);
    CHECK(l1.way == 0);
    CHECK(l1.evicted);
    CHECK(l1.victimAddress == 0x0);
    CHECK(l1.victimTag == 0);
    CHECK_FALSE(l1.victimDirty);
    const CacheStep& l2 = s[1];
    CHECK(l2.set == 0);
    CHECK(l2.tag == 1);  // 0x400 >> 10
    CHECK(l2.setBefore[0].valid);
    CHECK(l2.setBefore[0].lineAddress == 0x0);
    CHECK_FALSE(l2.setBefore[1].valid);
    CHECK_FALSE(l2.hit);
    CHECK(l2.way == 1);
    CHECK_FALSE(l2.evicted);
}

TEST_CASE("narration: a dirty victim is written back after the fill") {
    // W 0x0 makes L1 set 0 way 0 dirty; R 0x200 fills way 1; R 0x400 evicts way 0 (LRU), dirty.
    // docs/semantics.md: the fill goes down before the victim's write-back, so the steps are
    // L1 miss → L2 fill (miss) → memory read, then L2 write-back of line 0x0 (64 B), which hits:
    // L2 still holds 0x0 from the first write's fill.
    Simulator sim(teaching());
    const auto refs = narrate(sim, {W(0x0), R(0x200), R(0x400)}, 2, 1);
    REQUIRE(refs.size() == 1);
    const std::vector<CacheStep>& s = refs[0].pieces.at(0).steps;
    REQUIRE(s.size() == 4);
    CHECK(s[0].setBefore[0].dirty);
    CHECK(s[0].evicted);
    CHECK(s[0].victimDirty);
    CHECK(s[0].victimAddress == 0x0);
    CHECK((s[1].role == StepRole::Fill));
    CHECK(s[2].cache == CacheStep::kMemory);
    CHECK(s[3].name == "L2");
    CHECK((s[3].role == StepRole::WriteBack));
    CHECK(s[3].parent == 0);
    CHECK((s[3].kind == AccessKind::Write));
    CHECK(s[3].address == 0x0);
    CHECK(s[3].size == 64);
    CHECK(s[3].hit);
    CHECK(sim.hierarchy().caches()[0].stats().writebacks == 1);
    CHECK(refs[0].servedByName == "memory");
    CHECK(refs[0].cycles == 1 + 10 + 100 + 10);
}

TEST_CASE("narration: a TLB miss, a page fault and a 2-level walk (teaching-paging)") {
    // va 0x1234: page 1, offset 0x234. TLB (4 sets): set 1 mod 4 = 1, a miss. First touch: frame 0
    // (sequential), so pa = 0x234. Tables live after the 64 KiB of physical memory: the root at
    // 0x10000, the level-1 table made by the fault at 0x11000. PTE addresses: level 0 index
    // 0x1234 >> 22 = 0 → 0x10000; level 1 index (0x1234 >> 12) mod 1024 = 1 → 0x11000 + 4*1.
    Simulator sim(teachingPaging());
    const auto refs = narrate(sim, {R(0x1234)}, 0, 1);
    REQUIRE(refs.size() == 1);
    REQUIRE(refs[0].pieces.size() == 1);
    const Piece& p = refs[0].pieces[0];
    REQUIRE(p.translation);
    const Translation& t = *p.translation;
    CHECK(t.pageNumber == 1);
    CHECK(t.offset == 0x234);
    REQUIRE(t.tlbs.size() == 1);
    CHECK(t.tlbs[0].set == 1);
    CHECK_FALSE(t.tlbs[0].hit);
    CHECK(t.tlbs[0].filled);
    REQUIRE(t.fault);
    CHECK_FALSE(t.fault->major);
    CHECK(t.fault->frame == 0);
    CHECK_FALSE(t.fault->evicted);
    REQUIRE(t.walk.size() == 2);
    CHECK(t.walk[0].level == 0);
    CHECK(t.walk[1].level == 1);
    CHECK(t.walk[0].index == 0);
    CHECK(t.walk[1].index == 1);
    CHECK(t.walk[0].tableAddress == 0x10000);
    CHECK(t.walk[1].tableAddress == 0x11000);
    CHECK(t.walk[0].pteAddress == 0x10000);
    CHECK(t.walk[1].pteAddress == 0x11004);
    CHECK(t.walk[0].pteAddress == sim.mmu()->pteAddress(0x1234, 0).value());
    CHECK(t.walk[1].pteAddress == sim.mmu()->pteAddress(0x1234, 1).value());
    for (const WalkStep& w : t.walk) {
        CHECK(w.servedByName == "memory");  // cold caches
        REQUIRE(w.steps.size() == 3);
        CHECK((w.steps[0].role == StepRole::PteRead));
        CHECK(w.steps[0].address == w.pteAddress);
        CHECK(w.steps[0].size == 4);
    }
    CHECK(t.physicalAddress == 0x234);
    CHECK(p.physicalAddress == 0x234);
    REQUIRE(p.steps.size() == 3);
    CHECK(p.steps[0].address == 0x234);
    CHECK(p.steps[0].set == 0);  // 0x234 >> 6 = 8, mod 8 = 0
    // TLB 1 + fault 1000 + two PTE reads (1 + 10 + 100 each) + the data (1 + 10 + 100).
    CHECK(refs[0].cycles == 1 + 1000 + 2 * 111 + 111);
    CHECK(refs[0].cycles == sim.totalCycles());
}

TEST_CASE("narration: a reference crossing a page is two pieces, each translated") {
    // page-crossing.trace's second line: W 0x1ffc 8 covers 0x1ffc..0x1fff (page 1) and
    // 0x2000..0x2003 (page 2).
    Simulator sim(teachingPaging());
    const auto refs = narrate(sim, {W(0x1ffc, 8)}, 0, 1);
    REQUIRE(refs[0].pieces.size() == 2);
    CHECK(refs[0].pieces[0].virtualAddress == 0x1ffc);
    CHECK(refs[0].pieces[0].size == 4);
    CHECK(refs[0].pieces[0].translation->pageNumber == 1);
    CHECK(refs[0].pieces[1].virtualAddress == 0x2000);
    CHECK(refs[0].pieces[1].size == 4);
    CHECK(refs[0].pieces[1].translation->pageNumber == 2);
    CHECK(refs[0].pieces[1].translation->fault->frame == 1);
    CHECK(refs[0].pieces[1].physicalAddress == 0x1000);
}

TEST_CASE("narration: reference K narrated after a silent prefix equals reference K narrated from 0") {
    for (const std::uint64_t seed : {3u, 11u, 29u}) {
        const reference::MmuCase c = reference::makeMmuCase(seed);
        CAPTURE(seed);
        if (c.trace.size() < 4) continue;
        const std::uint64_t k = c.trace.size() / 2 + 1;
        auto run = [&](std::uint64_t from, std::uint64_t count) {
            Simulator sim(c.config);
            if (sim.needsFuture()) {
                std::vector<std::uint64_t> keys;
                sim.planPages(c.trace, keys);
                sim.setFuture(keys);
            }
            return narrate(sim, c.trace, from, count);
        };
        const auto all = run(0, k + 1);
        const auto one = run(k, 1);
        REQUIRE(all.size() == k + 1);
        REQUIRE(one.size() == 1);
        CHECK(narrationToJson({all.back()}).dump() == narrationToJson(one).dump());
    }
}

TEST_CASE("narration: the records' counts agree with the hierarchy's statistics, every family") {
    using reference::Family;
    for (const Family f : {Family::TwoLevelNine, Family::WriteMix, Family::Inclusive, Family::Exclusive,
                           Family::SplitL1, Family::ThreeLevels}) {
        for (std::uint64_t seed = 1; seed <= 4; ++seed) {
            const reference::RandomCase c = reference::makeCase(f, seed);
            CAPTURE(reference::familyName(f));
            CAPTURE(seed);
            Simulator narrated(c.config);
            const auto refs = narrate(narrated, c.trace, 0, c.trace.size());
            REQUIRE(refs.size() == c.trace.size());
            checkCountsAgree(narrated, refs);
            // Narrating changes nothing: the same state as a plain run.
            Simulator plain(c.config);
            plain.access(c.trace);
            CHECK(plain.sameState(narrated));
        }
    }
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        const reference::MmuCase c = reference::makeMmuCase(seed);
        CAPTURE(seed);
        Simulator narrated(c.config), plain(c.config);
        for (Simulator* s : {&narrated, &plain})
            if (s->needsFuture()) {
                std::vector<std::uint64_t> keys;
                s->planPages(c.trace, keys);
                s->setFuture(keys);
            }
        const auto refs = narrate(narrated, c.trace, 0, c.trace.size());
        checkCountsAgree(narrated, refs);
        plain.access(c.trace);
        CHECK(plain.sameState(narrated));
    }
}

TEST_CASE("narration: step roles of write-through and no-write-allocate caches") {
    // L1 write-through + write-allocate: a write miss fetches the line (fill), then passes the
    // write on (write-through). L1 write-back + no-write-allocate: a write miss goes around it.
    SimConfig cfg = teaching();
    cfg.caches[0].writePolicy = WritePolicy::WriteThrough;
    {
        Simulator sim(cfg);
        const auto refs = narrate(sim, {W(0x40)}, 0, 1);
        const auto& s = refs[0].pieces[0].steps;
        REQUIRE(s.size() == 4);  // L1, L2 fill, memory, L2 write-through
        CHECK((s[1].role == StepRole::Fill));
        CHECK((s[3].role == StepRole::WriteThrough));
        CHECK(s[3].address == 0x40);
        CHECK(s[3].size == 4);
        CHECK(s[3].hit);
    }
    cfg.caches[0].writePolicy = WritePolicy::WriteBack;
    cfg.caches[0].writeAllocate = false;
    {
        Simulator sim(cfg);
        const auto refs = narrate(sim, {W(0x40)}, 0, 1);
        const auto& s = refs[0].pieces[0].steps;
        REQUIRE(s.size() == 3);  // L1 (not allocated), L2 write-around (miss, allocates), memory fill
        CHECK(s[0].way == CacheStep::kNoWay);
        CHECK((s[1].role == StepRole::WriteAround));
        CHECK((s[2].role == StepRole::Fill));
        CHECK(refs[0].servedByName == "memory");
    }
}

TEST_CASE("narration: the element and statement come from the trace's metadata") {
    TraceMetadata m;
    Region a;
    a.name = "A";
    a.base = 0x1000;
    a.size = 4 * 8 * 4;
    a.elementSize = 4;
    a.shape = {4, 8};
    a.strides = {8, 1};
    m.regions.push_back(a);
    const std::uint16_t site = m.addSite("load A[i][j]", 0, AccessKind::Read);
    // 0x1000 + 4 * (2*8 + 5) = 0x1054 is A[2][5].
    CHECK(describeElement(m, 0x1054) == "A[2][5]");
    CHECK(describeElement(m, 0x0fff).empty());
    Simulator sim(teaching());
    Access x = R(0x1054);
    x.site = site;
    VectorReader reader({x}, 7, &m);
    const auto refs = narrateTrace(sim, reader, 0, 1).references;
    CHECK(refs.at(0).element == "A[2][5]");
    CHECK(refs.at(0).statement == "load A[i][j]");
}

TEST_CASE("narration: a start past the end narrates nothing and tells how many references were read") {
    Simulator sim(teaching());
    VectorReader reader({R(0), R(64), R(128)});
    const NarrationResult r = narrateTrace(sim, reader, 3, 5);
    CHECK(r.references.empty());
    CHECK(r.referencesRead == 3);
    CHECK(r.reachedEnd);
}

TEST_CASE("narration: printers show a miss class when a classifier set one") {
    Simulator sim(teaching());
    auto refs = narrate(sim, {R(0x0)}, 0, 1);
    std::ostringstream before;
    printNarrationText(before, sim, refs);
    CHECK(before.str().find("MISS (") == std::string::npos);
    CHECK(narrationToJson(refs).dump().find("miss_class") == std::string::npos);
    refs[0].pieces[0].steps[0].missClass = MissClass::Compulsory;
    std::ostringstream after;
    printNarrationText(after, sim, refs);
    CHECK(after.str().find("MISS (compulsory), fills empty way 0") != std::string::npos);
    CHECK(narrationToJson(refs)["references"][0]["pieces"][0]["steps"][0]["miss_class"] == "compulsory");
}

TEST_CASE("narration: a page fault that evicts a dirty page, then a major fault (teaching-paging)") {
    // 16 frames, FIFO, frames taken in order. W 0x0 loads page 0 into frame 0 and dirties it;
    // pages 1..15 take frames 1..15; W 0x0 again leaves L1 holding physical line 0x0 dirty. Page 16
    // (va 0x10000) then faults with no free frame: FIFO evicts the oldest, page 0 in frame 0,
    // dirty (written out); its lines leave the caches, L1's dirty 0x0 among them. Page 16 gets frame
    // 0, so pa = 0x0. Reading page 0 again is a major fault that evicts page 1 (next oldest, clean).
    std::vector<Access> trace{W(0x0)};
    for (std::uint64_t page = 1; page < 16; ++page) trace.push_back(R(page * 0x1000));
    trace.push_back(W(0x0));
    trace.push_back(R(0x10000));
    trace.push_back(R(0x0));
    Simulator sim(teachingPaging());
    const auto refs = narrate(sim, trace, 17, 2);
    REQUIRE(refs.size() == 2);
    const Translation& t = *refs[0].pieces.at(0).translation;
    REQUIRE(t.fault);
    CHECK_FALSE(t.fault->major);
    CHECK(t.fault->evicted);
    CHECK(t.fault->evictedPage == 0);
    CHECK(t.fault->evictedFrame == 0);
    CHECK(t.fault->evictedDirty);
    CHECK(t.fault->frame == 0);
    CHECK(t.physicalAddress == 0x0);
    bool l1Dirty = false;
    for (const Removal& r : t.fault->removals) {
        CHECK((r.reason == RemovalReason::PageEvicted));
        CHECK(toString(r.reason) == "page evicted");
        CHECK(r.lineAddress < 0x1000);  // a line of frame 0
        if (r.cacheName == "L1" && r.lineAddress == 0x0 && r.dirty) l1Dirty = true;
    }
    CHECK(l1Dirty);
    const Translation& u = *refs[1].pieces.at(0).translation;
    REQUIRE(u.fault);
    CHECK(u.fault->major);
    CHECK(u.fault->evictedPage == 1);
    CHECK(u.fault->evictedFrame == 1);
    CHECK_FALSE(u.fault->evictedDirty);
    CHECK(u.physicalAddress == 0x1000);
}

TEST_CASE("narration: a long silent prefix with the classifier in bulk narrates what the event-by-event prefix does") {
    // narrateTrace feeds the classifier in bulk during the silent prefix when nothing else listens
    // (the fast paths stay); with another observer attached every prefix reference goes event by
    // event. The narrated references, miss classes included, and the class counts at the end must
    // agree, on random mmu cases (prefixes of 40,000 references, which fill the classifier's
    // buffers many times) and on a teaching config with paging.
    struct Nothing final : HierarchyObserver {};
    std::vector<std::pair<SimConfig, std::vector<Access>>> cases;
    for (const std::uint64_t seed : {2u, 5u, 17u}) {
        const reference::MmuCase c = reference::makeMmuCase(seed);
        std::vector<Access> trace;
        while (trace.size() < 40'050) trace.insert(trace.end(), c.trace.begin(), c.trace.end());
        cases.emplace_back(c.config, std::move(trace));
    }
    std::vector<Access> strided;
    for (std::uint64_t i = 0; i < 40'050; ++i) strided.push_back(i % 3 == 0 ? W(i * 72 % 300'000) : R(i * 1096 % 200'000));
    cases.emplace_back(teachingPaging(), strided);
    for (std::size_t k = 0; k < cases.size(); ++k) {
        CAPTURE(k);
        const auto& [config, trace] = cases[k];
        auto run = [&](bool bulk, std::vector<MissClassCounts>& counts) {
            Simulator sim(config);
            if (sim.needsFuture()) {
                std::vector<std::uint64_t> keys;
                sim.planPages(trace, keys);
                sim.setFuture(keys);
            }
            MissClassifier classes(sim.hierarchy());
            Nothing nothing;
            VectorReader reader(trace, 4096);
            const auto refs = narrateTrace(sim, reader, 40'000, 50, bulk ? nullptr : &nothing, &classes).references;
            for (std::uint32_t c = 0; c < classes.caches(); ++c) counts.push_back(classes.counts(c));
            return narrationToJson(refs).dump();
        };
        std::vector<MissClassCounts> bulkCounts, eventCounts;
        const std::string bulk = run(true, bulkCounts);
        const std::string events = run(false, eventCounts);
        CHECK(bulk == events);
        CHECK(bulk.find("miss_class") != std::string::npos);
        CHECK(bulkCounts == eventCounts);
    }
}
