// The GUI's views of processes (docs/gui.md): a --mix opened in the GUI's model, the segments
// panel's model (gui/model/segment_view.hpp) and the TLB cells that name their entry's process.
//
// References to check against are computed without the GUI: the mix read straight from the
// session library's reader (openSource) and a streaming Session run as `cachescope run --mix` runs
// it; the segment tables and holes worked by hand from docs/mmu.md ("Segmentation", the worked
// example of configs/teaching-segmentation.json and traces/segments.trace).

#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "cachescope/core/error.hpp"
#include "cachescope/report/report.hpp"
#include "gui_test_util.hpp"
#include "model/cache_view.hpp"
#include "model/segment_view.hpp"
#include "model/tensor_view.hpp"
#include "model/workspace.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

namespace {

/// A mix of `kernels` as processes, `quantum` references a turn, under one of lesson 10's configs.
SceneSpec mixScene(const std::string& config, const std::vector<std::string>& kernels, unsigned quantum) {
    return {sourcePath("docs/lessons/configs/" + config), SourceSpec::mixOf(kernels, quantum)};
}

/// The mix of lesson 10 (docs/lessons/10-processes.md), smaller: two kernels, 40 references a turn.
SceneSpec lessonMix(const std::string& config) {
    return mixScene(config, {"matmul:n=8,order=ijk", "transpose:rows=16,cols=16"}, 40);
}

std::string json(const RunSummary& s) {
    std::ostringstream os;
    printJson(os, s);
    return os.str();
}

SceneSpec segmentsScene() {
    return {sourcePath("configs/teaching-segmentation.json"), SourceSpec::file(sourcePath("traces/segments.trace"))};
}

struct Placed {
    std::string name;
    std::optional<std::uint64_t> base;
    std::uint64_t loads;
};

/// Process 0's table as (name, base, loads) in the table's order (by start: A D C B E).
std::vector<Placed> table(const SegmentsView& v) {
    std::vector<Placed> out;
    for (const SegmentRow& r : v.rows)
        if (r.process == 0) out.push_back({r.segment.name, r.segment.base, r.segment.loads});
    return out;
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> holes(const SegmentsView& v) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    for (const MemoryBlock& b : v.memory)
        if (b.hole) out.emplace_back(b.base, b.size);
    return out;
}

}  // namespace

TEST_CASE("script: open CONFIG mix SOURCE ... [quantum Q] is run --mix's source") {
    auto a = parseScript("open c.json mix matmul:n=8,order=ijk traces/x.trace quantum 40", "s");
    REQUIRE(a.size() == 1);
    CHECK(a[0].kind == ScriptAction::Kind::Open);
    CHECK(a[0].scene.configPath == "c.json");
    CHECK(a[0].scene.source.mix == std::vector<std::string>{"matmul:n=8,order=ijk", "traces/x.trace"});
    CHECK(a[0].scene.source.quantum == 40);
    CHECK(a[0].scene.source.kernel.empty());
    CHECK(a[0].scene.source.trace.empty());
    // Without a quantum: the command line's default (1000).
    a = parseScript("open c.json mix transpose", "s");
    CHECK(a[0].scene.source.mix == std::vector<std::string>{"transpose"});
    CHECK(a[0].scene.source.quantum == 1000);
    CHECK_THROWS_WITH_AS(parseScript("open c.json mix quantum 5", "s.txt"),
                         "s.txt:1: 'open CONFIG mix' needs at least one source before 'quantum'", UsageError);
    CHECK_THROWS_WITH_AS(parseScript("\nopen c.json mix a quantum x", "s.txt"),
                         "s.txt:2: expected a number after 'open', got 'x'", UsageError);
    CHECK(sceneSourceLabel(a[0].scene.source) == "mix quantum=1000: p0 transpose");
    CHECK(parseScript("panel segments", "s")[0].name == "segments");
}

TEST_CASE("a mix opened in the GUI steps through the references and stats of run --mix") {
    const SceneSpec scene = lessonMix("processes.json");
    SceneState state;
    REQUIRE(openSceneInto(state, scene));
    Player& p = *state.player;
    // The references: the mix read directly from the session library (8^3*4 + 16*16*2 = 2,560).
    std::vector<Access> direct;
    {
        auto reader = openSource(scene.source);
        std::vector<Access> block(512);
        while (const std::size_t n = reader->read(block)) direct.insert(direct.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
    }
    REQUIRE(direct.size() == 2560);
    REQUIRE(p.length() == direct.size());
    for (std::uint64_t i = 0; i < direct.size(); ++i) {
        const Access a = p.session().referenceAt(i);
        if (a.address != direct[i].address || a.process != direct[i].process || a.kind != direct[i].kind) {
            FAIL_CHECK("reference " << i << " differs");
            break;
        }
    }
    CHECK(direct[39].process == 0);
    CHECK(direct[40].process == 1);  // the quantum: 40 references a turn
    CHECK(direct[80].process == 0);

    // The state at every position the player lands on, forward and backward, is the streaming
    // run's state after as many references (a Session without seeking, as `run` uses).
    SessionOptions classify;
    classify.classify = true;  // as `run --classify`: the GUI classifies too
    Session run(loadConfig(scene.configPath), scene.source, classify);
    auto same = [&](std::uint64_t at) {
        CAPTURE(at);
        Session fresh(loadConfig(scene.configPath), scene.source);
        fresh.step(at);
        CHECK(p.position() == at);
        CHECK(p.session().simulator().sameState(fresh.simulator()));
        CHECK(p.session().simulator().processStats() == fresh.simulator().processStats());
    };
    p.step(41);
    same(41);
    CHECK(p.last()->process == 1);  // reference 40: process 1's first
    p.step(500);
    same(541);
    p.back(300);
    same(241);
    p.seek(1999);
    same(1999);
    // At the end, the whole report (per-process rows, context switches, TLB flushes, 3C classes)
    // is the streaming run's.
    p.runToEnd();
    run.runToEnd();
    CHECK(json(p.session().summary(scene.configPath)) == json(run.summary(scene.configPath)));
    const std::vector<ProcessStats> rows = p.session().simulator().processStats();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].references == 2048);
    CHECK(rows[1].references == 512);
    // 512 / 40: 13 turns of process 1, each with a switch to it and one back.
    CHECK(p.session().simulator().contextSwitches() == 26);
}

TEST_CASE("the tensor view of a mix: each process's tensors, touched by its own references only") {
    // Two 4x4 matmuls as two processes, 4 references a turn: same virtual addresses, own pages.
    const SceneSpec scene = mixScene("processes-asid.json", {"matmul:n=4,order=ijk", "matmul:n=4,order=ijk"}, 4);
    SceneState state;
    REQUIRE(openSceneInto(state, scene));
    REQUIRE(state.touches);
    Player& p = *state.player;
    CHECK(p.session().metadata() == nullptr);  // a mix has no metadata of its own ...
    REQUIRE(p.session().describedProcesses() == 2);
    REQUIRE(p.session().processMetadata(1) != nullptr);  // ... each source has its own
    CHECK(p.session().processMetadata(2) == nullptr);

    auto names = [](const std::vector<TensorGrid>& grids) {
        std::vector<std::string> out;
        for (const TensorGrid& g : grids) out.push_back(g.name);
        return out;
    };
    auto find = [](const std::vector<TensorGrid>& grids, const std::string& name) -> const TensorGrid& {
        for (const TensorGrid& g : grids)
            if (g.name == name) return g;
        FAIL("no tensor " << name);
        return grids.front();
    };
    auto never = [](const TensorGrid& g) {
        return std::count(g.residence.begin(), g.residence.end(), kResidenceNever);
    };
    p.step(1);  // process 0 reads its A[0][0]
    std::vector<TensorGrid> grids = buildTensorGrids(p.session(), *state.touches, &*p.last());
    CHECK(names(grids) == std::vector<std::string>{"p0 A", "p0 B", "p0 C", "p1 A", "p1 B", "p1 C"});
    CHECK(find(grids, "p0 A").residence[0] == 1);  // in L1
    CHECK(find(grids, "p0 A").current == std::pair<std::uint32_t, std::uint32_t>{0, 0});
    CHECK(never(find(grids, "p1 A")) == 16);  // the same addresses, another process: untouched
    CHECK_FALSE(find(grids, "p1 A").current);
    p.step(4);  // references 1..3 of process 0, then process 1's A[0][0]
    CHECK(p.last()->process == 1);
    grids = buildTensorGrids(p.session(), *state.touches, &*p.last());
    // A 4x4 matrix of 4-byte elements is one 64-byte line: touched means every element.
    CHECK(never(find(grids, "p1 A")) == 0);
    CHECK(find(grids, "p1 A").residence[0] == 1);
    CHECK(find(grids, "p1 A").current == std::pair<std::uint32_t, std::uint32_t>{0, 0});
    CHECK(never(find(grids, "p1 B")) == 16);
    CHECK(never(find(grids, "p1 C")) == 16);
    CHECK_FALSE(find(grids, "p0 A").current);
    // Back to the start: every tensor of both processes untouched again.
    p.seek(0);
    grids = buildTensorGrids(p.session(), *state.touches, nullptr);
    for (const TensorGrid& g : grids) CHECK(never(g) == 16);
}

TEST_CASE("run to a tensor of a mix: every process's tensors listed, each stops at its own process's reference") {
    // Two 4x4 matmuls as two processes, 4 references a turn: the same virtual addresses, so only
    // the process tells p0 A from p1 A.
    const SceneSpec scene = mixScene("processes-asid.json", {"matmul:n=4,order=ijk", "matmul:n=4,order=ijk"}, 4);
    SceneState state;
    REQUIRE(openSceneInto(state, scene));
    Player& p = *state.player;
    const std::vector<TensorChoice> choices = tensorChoices(p.session());
    std::vector<std::string> names;
    for (const TensorChoice& c : choices) names.push_back(c.name);
    CHECK(names == std::vector<std::string>{"p0 A", "p0 B", "p0 C", "p1 A", "p1 B", "p1 C"});
    REQUIRE(choices.size() == 6);
    CHECK(choices[3].stop.kind == StopKind::TensorAccess);
    CHECK(choices[3].stop.process == 1);
    CHECK(choices[3].stop.region == 0);

    // The stops to expect, found without the session's search: the mix read straight from the
    // reader, the first reference at or after `from` of `process` touching the region's bytes.
    std::vector<Access> direct;
    {
        auto reader = openSource(scene.source);
        std::vector<Access> block(512);
        while (const std::size_t n = reader->read(block))
            direct.insert(direct.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
    }
    auto nextTouch = [&](std::uint64_t from, const TensorChoice& c) {
        const Region& r = p.session().processMetadata(c.stop.process)->regions[c.stop.region];
        for (std::uint64_t i = from; i < direct.size(); ++i) {
            const Access& a = direct[i];
            if (a.process == c.stop.process && a.address < r.base + r.size && r.base < a.address + a.size) return i;
        }
        return std::uint64_t{direct.size()};
    };
    const std::uint64_t p1A = nextTouch(0, choices[3]);
    CHECK(p1A >= 4);  // process 0 reads its A first: the same addresses, not process 1's tensor
    CHECK(direct[0].process == 0);
    REQUIRE(p.runToEvent(choices[3].stop));
    CHECK(p.position() == p1A + 1);
    CHECK(p.last()->process == 1);
    // On from there: process 0's C, then process 1's C, each at its own next reference.
    for (const std::size_t k : {std::size_t{2}, std::size_t{5}, std::size_t{1}, std::size_t{4}}) {
        CAPTURE(choices[k].name);
        const std::uint64_t expected = nextTouch(p.position(), choices[k]);
        REQUIRE(expected < direct.size());
        REQUIRE(p.runToEvent(choices[k].stop));
        CHECK(p.position() == expected + 1);
        CHECK(p.last()->process == choices[k].stop.process);
    }

    // A process the source does not have: refused before anything is simulated.
    StopCondition none;
    none.kind = StopKind::TensorAccess;
    none.process = 2;
    const std::uint64_t at = p.position();
    CHECK_THROWS_WITH_AS(p.session().runUntil(none),
                         "runUntil: there is no region 0 of process 2 (its source has 0; the source describes 2 "
                         "processes)",
                         UsageError);
    CHECK(p.position() == at);
}

TEST_CASE("segments view: the worked example of teaching-segmentation.json, step by step and back") {
    SceneState state;
    REQUIRE(openSceneInto(state, segmentsScene()));
    Player& p = *state.player;
    const Simulator& sim = p.session().simulator();
    const std::uint64_t K = 1024;
    // Before any reference: the table, nothing placed, one hole of all 8 KiB.
    std::optional<SegmentsView> v = buildSegmentsView(sim);
    REQUIRE(v);
    CHECK((v->mode == MmuMode::Segmentation));
    CHECK(v->physicalMemory == 8 * K);
    for (const SegmentRow& r : v->rows) CHECK(r.state == SegmentState::NotLoaded);
    CHECK(holes(*v) == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0, 8 * K}});

    // The view lists exactly what the engine's inspection reports.
    auto matchesEngine = [&](const SegmentsView& view) {
        const Segmentation& seg = *sim.segmentation();
        std::size_t row = 0;
        for (std::uint32_t proc = 0; proc < seg.processes(); ++proc)
            for (const SegmentView& s : seg.segments(proc)) {
                REQUIRE(row < view.rows.size());
                CHECK(view.rows[row].process == proc);
                CHECK(view.rows[row].segment == s);
                ++row;
            }
        CHECK(row == view.rows.size());
        std::uint64_t free = 0;
        for (const auto& [base, size] : seg.holes()) free += size;
        CHECK(view.freeBytes == free);
    };

    // After A and D (references 0, 1): A at 0x0, D at 0x1000, the hole [0x1c00, 0x2000).
    p.step(2);
    v = buildSegmentsView(sim);
    matchesEngine(*v);
    std::vector<Placed> t = table(*v);
    REQUIRE(t.size() == 5);
    CHECK(t[0].name == "A");
    CHECK(t[0].base == 0x0u);
    CHECK(t[1].name == "D");
    CHECK(t[1].base == 0x1000u);
    CHECK_FALSE(t[2].base);  // C, B, E not placed yet
    CHECK(holes(*v) == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0x1c00, K}});
    CHECK(v->memory.size() == 3);  // A, D, the hole

    // After C (reference 2): A swapped out, C at 0x0: holes [0x800, 0x1000) and [0x1c00, 0x2000).
    p.step(1);
    v = buildSegmentsView(sim);
    matchesEngine(*v);
    t = table(*v);
    CHECK(v->rows[0].state == SegmentState::SwappedOut);  // A
    CHECK(t[2].name == "C");
    CHECK(t[2].base == 0x0u);
    CHECK(v->rows[2].state == SegmentState::Present);
    CHECK(holes(*v) == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0x800, 2 * K}, {0x1c00, K}});
    CHECK(v->stats.swapOuts == 1);

    // After E (reference 4): B at 0x800, D compacted down to 0xc00, E at 0x1800; memory full.
    p.step(2);
    v = buildSegmentsView(sim);
    matchesEngine(*v);
    t = table(*v);
    CHECK(t[1].base == 0xc00u);   // D
    CHECK(t[3].base == 0x800u);   // B
    CHECK(t[4].base == 0x1800u);  // E
    CHECK(holes(*v).empty());
    CHECK(v->freeBytes == 0);
    std::vector<std::pair<std::string, std::uint64_t>> order;  // physical memory in address order
    for (const MemoryBlock& b : v->memory) order.emplace_back(v->rows[b.row].segment.name, b.base);
    CHECK(order == std::vector<std::pair<std::string, std::uint64_t>>{{"C", 0x0}, {"B", 0x800}, {"D", 0xc00}, {"E", 0x1800}});
    CHECK(v->stats.compactions == 1);
    CHECK(v->stats.bytesMoved == 3 * K);

    // Back to reference 2: exactly the state after A and D again.
    p.seek(2);
    v = buildSegmentsView(sim);
    matchesEngine(*v);
    CHECK(table(*v)[1].base == 0x1000u);
    CHECK(holes(*v) == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0x1c00, K}});

    // The event log: every placement, swap-out, compaction and fault, at its reference.
    REQUIRE(state.segments);
    std::vector<std::string> log;
    for (const SegmentEvent& e : state.segments->events()) log.push_back(describeSegmentEvent(e));
    CHECK(log == std::vector<std::string>{
                     "#0 p0 A placed at 0x0 (4KiB)",
                     "#1 p0 D placed at 0x1000 (3KiB)",
                     "#2 p0 A swapped out from 0x0 (4KiB)",
                     "#2 p0 C placed at 0x0 (2KiB)",
                     "#3 p0 B placed at 0x800 (1KiB)",
                     "#4 compaction: 3,072 bytes moved",
                     "#4 p0 E placed at 0x1800 (2KiB)",
                     "#5 p0 limit fault at 0x20bfc in D",
                     "#6 p0 permission fault at 0x10000 in A",
                     "#7 p0 unmapped fault at 0x8",
                 });
    CHECK(state.segments->before(0) == 0);
    CHECK(state.segments->before(2) == 2);
    CHECK(state.segments->before(3) == 4);  // reference 2 swapped A out and placed C
    CHECK(state.segments->before(8) == 10);
}

TEST_CASE("segments view: a mix gives each process its own table over one shared memory") {
    // Two copies of segments.trace as processes 0 and 1, one reference a turn: each has its own
    // A..E (the config's table copied per process); physical memory and its holes are shared.
    const SceneSpec scene{sourcePath("configs/teaching-segmentation.json"),
                          SourceSpec::mixOf({sourcePath("traces/segments.trace"), sourcePath("traces/segments.trace")}, 1)};
    SceneState state;
    REQUIRE(openSceneInto(state, scene));
    Player& p = *state.player;
    p.step(2);  // process 0's A, then process 1's A: 4 KiB each fill the 8 KiB
    std::optional<SegmentsView> v = buildSegmentsView(p.session().simulator());
    REQUIRE(v);
    CHECK(v->processes == 2);
    REQUIRE(v->rows.size() == 10);
    CHECK(v->rows[0].process == 0);
    CHECK(v->rows[5].process == 1);
    CHECK(v->rows[0].segment.base == 0x0u);     // p0 A
    CHECK(v->rows[5].segment.base == 0x1000u);  // p1 A
    CHECK(holes(*v).empty());
    REQUIRE(v->memory.size() == 2);
    CHECK(v->memory[0].process == 0);
    CHECK(v->memory[1].process == 1);
    for (std::uint32_t proc = 0; proc < 2; ++proc) {
        const std::vector<SegmentView> engine = p.session().simulator().segmentation()->segments(proc);
        for (std::size_t i = 0; i < engine.size(); ++i) CHECK(v->rows[proc * 5 + i].segment == engine[i]);
    }
    // Without segments there is no view.
    SceneState plain;
    REQUIRE(openSceneInto(plain, teachingOn("traces/segments.trace")));
    CHECK_FALSE(buildSegmentsView(plain.player->session().simulator()));
    CHECK_FALSE(plain.segments);
}

TEST_CASE("TLB cells name their entry's process on a two-process mix with asid") {
    // Lesson 10's mix under processes-asid.json (an 8-entry fully associative TLB with "asid"),
    // 100 references a turn: after 200 references process 0 touched its A, B, C (pages 0x10000,
    // 0x10001, 0x10002) and process 1 its A and B (pages 0x10000 and 0x10001), and with ASIDs
    // the switch flushed nothing: five entries, two pairs with the same page number.
    const SceneSpec scene = mixScene("processes-asid.json", {"matmul:n=16,order=ijk", "transpose:rows=32,cols=32"}, 100);
    SceneState state;
    REQUIRE(openSceneInto(state, scene));
    Player& p = *state.player;
    p.step(200);
    const Mmu& mmu = *p.session().simulator().mmu();
    REQUIRE(mmu.tlbs().size() == 1);
    const CacheGrid g = buildTlbGrid(mmu, 0, &*p.last(), 8, true);
    std::multiset<std::string> labels;
    for (const WayCell& c : g.cells)
        if (c.valid) labels.insert(cellTagText(g, c));
    CHECK(labels == std::multiset<std::string>{"p0 0x10000", "p0 0x10001", "p0 0x10002", "p1 0x10000", "p1 0x10001"});
    // The short label keeps the process; the tooltip's values are the MMU's.
    for (const WayCell& c : g.cells) {
        if (!c.valid) continue;
        REQUIRE(c.tlb);
        CHECK(cellShortText(g, c) == "p" + std::to_string(c.tlb->process));
        REQUIRE(c.tlb->frame);
        CHECK(c.tlb->physicalBase == std::uint64_t{*c.tlb->frame} << 12);  // 4 KiB pages from physical 0
        CHECK(mmu.physicalAddress(c.tlb->virtualPage << 12, static_cast<std::uint8_t>(c.tlb->process)) ==
              c.tlb->physicalBase);
    }
    // A grid that does not name processes shows the page number alone, as before.
    const CacheGrid plain = buildTlbGrid(mmu, 0, &*p.last(), 8, false);
    for (const WayCell& c : plain.cells)
        if (c.valid) {
            CHECK(cellTagText(plain, c).rfind("0x1000", 0) == 0);
            CHECK(cellShortText(plain, c).empty());
        }
}
