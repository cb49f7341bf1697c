// The tensor view's model (gui/model/tensor_view.hpp).
//
// Hand-worked case: matmul n=4 (4-byte elements) with configs/teaching.json. Each 4×4 matrix is
// 64 bytes = exactly one line, and the kernel aligns A, B, C to 4 KiB, so all three lines fall in
// L1 set 0 (2 ways) and in L2 set 0 (4 ways). The first references are A[0][0], B[0][0], C[0][0]
// (load), C[0][0] (store): after one, A is in L1; after three, C's load evicted A (the LRU line)
// from L1, so A lives in L2 only while B and C are in L1.

#include <doctest/doctest.h>

#include <algorithm>

#include "cachescope/kernels/kernel.hpp"
#include "gui_test_util.hpp"
#include "model/inspect.hpp"
#include "model/frame_view.hpp"
#include "model/tensor_view.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

namespace {
SceneSpec matmul4() {
    return {sourcePath("configs/teaching.json"), SourceSpec::kernelRun("matmul", {"n=4", "order=ijk"})};
}
const TensorGrid& grid(const std::vector<TensorGrid>& grids, const std::string& name) {
    for (const TensorGrid& g : grids)
        if (g.name == name) return g;
    FAIL("no tensor " << name);
    return grids.front();
}
bool all(const TensorGrid& g, std::uint8_t residence) {
    for (const std::uint8_t r : g.residence)
        if (r != residence) return false;
    return true;
}
}  // namespace

TEST_CASE("element indices from strides, padding excluded") {
    Region r;
    r.name = "P";
    r.base = 0x1000;
    r.elementSize = 4;
    r.shape = {3, 5};
    r.strides = {8, 1};  // rows padded to 8 elements
    r.size = 3 * 8 * 4;
    CHECK(elementIndexOf(r, 0x1000 + (2 * 8 + 3) * 4) == std::vector<std::uint64_t>{2, 3});
    CHECK(elementIndexOf(r, 0x1000) == std::vector<std::uint64_t>{0, 0});
    CHECK_FALSE(elementIndexOf(r, 0x1000 + (1 * 8 + 6) * 4));  // column 6 is padding
    CHECK(elementIndexOf(r, 0x1000 + 2) == std::vector<std::uint64_t>{0, 0});  // a byte inside element 0
    CHECK_FALSE(elementIndexOf(r, 0x0FFC));                   // outside
    // Column-major strides decompose as well.
    r.strides = {1, 3};
    CHECK(elementIndexOf(r, 0x1000 + (1 + 4 * 3) * 4) == std::vector<std::uint64_t>{1, 4});
}

TEST_CASE("touch index: the first reference touching each line") {
    TraceMetadata meta;
    Region a;
    a.name = "a";
    a.base = 0x1000;
    a.size = 256;  // 4 lines of 64
    meta.regions.push_back(a);
    const std::vector<Access> accesses{{0x1040, 4, AccessKind::Read, 0},   // line 1 at 0
                                       {0x0, 4, AccessKind::Read, 0},      // outside
                                       {0x103E, 4, AccessKind::Write, 0},  // spans lines 0 and 1, at 2
                                       {0x1044, 4, AccessKind::Read, 0}};
    const TouchIndex t(meta, accesses, 64);
    CHECK(t.firstTouch(0, 0x1000) == 2);
    CHECK(t.firstTouch(0, 0x107F) == 0);
    CHECK(t.firstTouch(0, 0x1080) == TouchIndex::kNever);
    CHECK(t.firstTouch(0, 0x10C0) == TouchIndex::kNever);
    CHECK(t.firstTouch(0, 0x2000) == TouchIndex::kNever);
}

TEST_CASE("tensor grids of matmul n=4 follow the hand-worked residence") {
    Player p = playerOn(matmul4());
    const Session& s = p.session();
    REQUIRE(s.metadata() != nullptr);
    const TouchIndex touches(*s.metadata(), s.source(), 64);

    auto grids = buildTensorGrids(s, touches, nullptr);
    REQUIRE(grids.size() == 3);
    for (const TensorGrid& g : grids) {
        CHECK(g.rows == 4);
        CHECK(g.cols == 4);
        CHECK(all(g, kResidenceNever));
        // One line per matrix: only column 0 starts a line.
        for (std::uint32_t e = 0; e < 16; ++e) CHECK(g.lineStart[e] == (e % 4 == 0));
    }

    p.step();  // A[0][0]
    grids = buildTensorGrids(s, touches, &*p.last());
    CHECK(all(grid(grids, "A"), 1));
    CHECK(all(grid(grids, "B"), kResidenceNever));
    REQUIRE(grid(grids, "A").current);
    CHECK(*grid(grids, "A").current == std::pair<std::uint32_t, std::uint32_t>{0, 0});
    CHECK_FALSE(grid(grids, "B").current);

    p.step(3);  // B[0][0], C[0][0] load (evicts A from L1), C[0][0] store
    grids = buildTensorGrids(s, touches, &*p.last());
    CHECK(all(grid(grids, "A"), 2));
    CHECK(all(grid(grids, "B"), 1));
    CHECK(all(grid(grids, "C"), 1));
    CHECK(grid(grids, "A").counts[1] == 16);
    CHECK(grid(grids, "B").counts[0] == 16);
    // Per-tensor L1 counts: A 1 access 1 miss; C 2 accesses (load miss, store hit) 1 miss.
    CHECK(grid(grids, "A").accesses == 1);
    CHECK(grid(grids, "A").misses == 1);
    CHECK(grid(grids, "C").accesses == 2);
    CHECK(grid(grids, "C").misses == 1);

    // Backward: the view is recomputed from the restored state, touches included.
    p.seek(1);
    grids = buildTensorGrids(s, touches, &*p.last());
    CHECK(all(grid(grids, "A"), 1));
    CHECK(all(grid(grids, "C"), kResidenceNever));
}

TEST_CASE("residence without an MMU reads the caches directly") {
    Player p = playerOn(teachingOn("traces/thrash-one-set.trace"));
    p.step(4);  // L1 set 0: 0x400, 0x0; L2 holds all three
    const Simulator& sim = p.session().simulator();
    CHECK(residenceOf(sim, 0x0) == 1);
    CHECK(residenceOf(sim, 0x3F) == 1);
    CHECK(residenceOf(sim, 0x200) == 2);
    CHECK(residenceOf(sim, 0x1000) == kResidenceMemory);
    CHECK(physicalAddressOf(sim, 0x1234) == 0x1234u);
}

TEST_CASE("residence with an MMU translates through the resident pages (Mmu::physicalAddress)") {
    // teaching-paging: sequential frames, so virtual page 0 (the first touched) gets frame 0 and
    // physical addresses equal virtual ones inside it; page 1 is never touched.
    SceneSpec scene = teachingOn("traces/thrash-one-set.trace");
    scene.configPath = sourcePath("configs/teaching-paging.json");
    Player p = playerOn(scene);
    p.step(4);
    const Simulator& sim = p.session().simulator();
    REQUIRE(sim.mmu() != nullptr);
    CHECK(physicalAddressOf(sim, 0x234) == 0x234u);
    CHECK_FALSE(physicalAddressOf(sim, 0x1234).has_value());
    CHECK(residenceOf(sim, 0x0) == 1);
    CHECK(residenceOf(sim, 0x1000) == kResidenceMemory);  // not resident: no line of it is cached
}

TEST_CASE("frame strip: the page in each frame, free frames, and the next victim once memory is full") {
    // teaching-paging: 16 frames, sequential allocation, FIFO. Touch pages 0..16 one after another:
    // pages 0..15 fill frames 0..15, page 16 evicts the first loaded (page 0, frame 0) and takes it.
    std::string text;
    for (std::uint64_t page = 0; page <= 16; ++page) text += "W " + hex(page * 4096) + " 4\n";  // text traces: hex addresses
    TempTrace trace("frames", text);
    SceneSpec scene = trace.scene();
    scene.configPath = sourcePath("configs/teaching-paging.json");
    Player p = playerOn(scene);
    p.step(3);
    FrameStrip s = buildFrameStrip(*p.session().simulator().mmu(), 64);
    CHECK(s.frames == 16);
    CHECK(s.inUse == 3);
    REQUIRE(s.cells.size() == 16);
    CHECK(s.cells[1].resident);
    CHECK(s.cells[1].virtualPageNumber == 1);
    CHECK(s.cells[1].dirty);  // written
    CHECK_FALSE(s.cells[3].resident);
    CHECK_FALSE(std::any_of(s.cells.begin(), s.cells.end(), [](const FrameCell& c) { return c.nextVictim; }));
    p.step(13);  // pages 0..15 resident: memory full, FIFO's next victim is frame 0 (page 0)
    s = buildFrameStrip(*p.session().simulator().mmu(), 64);
    CHECK(s.inUse == 16);
    CHECK(s.cells[0].nextVictim);
    p.step(1);  // page 16 takes frame 0
    s = buildFrameStrip(*p.session().simulator().mmu(), 64);
    CHECK(s.cells[0].virtualPageNumber == 16);
    CHECK(s.cells[1].nextVictim);
    CHECK(buildFrameStrip(*p.session().simulator().mmu(), 4).cells.size() == 4);
}
