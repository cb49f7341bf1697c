// Reference counting and mark-sweep on hand-worked sequences (docs/gc.md): every number below is
// worked out in the comments, from the trace alone.

#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "cachescope/gc/run.hpp"
#include "cachescope/gc/trace.hpp"

using namespace cachescope::gc;

namespace {

GcTrace parse(const std::string& text) {
    std::istringstream in(text);
    return readGcTrace(in, "t.gc");
}

std::vector<std::string> ids(const GcTrace& t, const std::vector<std::uint32_t>& objects) {
    std::vector<std::string> out;
    for (const auto x : objects) out.push_back(t.objects[x].id);
    return out;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("gc: a 3-cycle leaks under reference counting and goes at the first collection after it is dropped") {
    const GcTrace t = parse(
        "new a 10\nnew b 20\nnew c 40\n"   // events 0-2: each a root, count 1
        "ref a b\nref b c\nref c a\n"      // 3-5: a -> b -> c -> a; counts 2, 2, 2
        "unroot b\nunroot c\n"             // 6-7: counts a 2, b 1, c 1; all reachable from a
        "collect\n"                        // 8: marks 3, frees nothing
        "unroot a\n"                       // 9: counts 1, 1, 1; nothing reaches them
        "new d 1\n"                        // 10
        "collect\n");                      // 11: marks d, frees a, b, c
    const GcStats s = runGc(t, {});
    CHECK(s.rc.freedObjects == 0);
    CHECK(s.rcReleases.empty());
    CHECK(s.rc.garbageAtEnd == 3);
    CHECK(s.rc.garbageBytesAtEnd == 70);
    CHECK(s.rc.heldAtEnd == 71);
    CHECK(s.rc.peakHeld == 71);
    CHECK(s.rc.peakAt == 10);

    REQUIRE(s.collections.size() == 2);
    CHECK(s.collections[0].event == 8);
    CHECK(s.collections[0].explicitCollect);
    CHECK(s.collections[0].heapObjects == 3);
    CHECK(s.collections[0].marked.objects == 3);
    CHECK(s.collections[0].marked.edges == 3);
    CHECK(s.collections[0].markedBytes == 70);
    CHECK(s.collections[0].freed.empty());
    CHECK(s.collections[1].event == 11);
    CHECK(s.collections[1].heapObjects == 4);
    CHECK(s.collections[1].heapBytes == 71);
    CHECK(s.collections[1].marked.objects == 1);
    CHECK(s.collections[1].markedBytes == 1);
    CHECK(ids(t, s.collections[1].freed) == Ids{"a", "b", "c"});
    CHECK(s.collections[1].freedBytes == 70);
    CHECK(s.ms.freedObjects == 3);
    CHECK(s.ms.garbageAtEnd == 0);
    CHECK(s.ms.heldAtEnd == 1);
    CHECK(s.ms.peakHeld == 71);  // after `new d`, before the collection at 11

    CHECK(s.peakReachable == 70);
    CHECK(s.peakReachableAt == 2);

    REQUIRE(s.leakedCycles.size() == 1);
    const LeakedCycle& c = s.leakedCycles[0];
    CHECK(ids(t, c.objects) == Ids{"a", "b", "c"});
    CHECK(ids(t, c.onCycle) == Ids{"a", "b", "c"});
    CHECK(c.bytes == 70);
    CHECK(c.garbageAt == 9);
    CHECK(c.collectedAt == 11);
}

TEST_CASE("gc: reference counting frees a chain at once, in order, when its head is dropped") {
    const GcTrace t = parse(
        "new a 1\nnew b 2\nnew c 4\n"  // 0-2: 3 count updates
        "ref a b\nref b c\n"           // 3-4: 2 updates
        "unroot c\nunroot b\n"         // 5-6: 2 updates; b and c held by the chain
        "unroot a\n");                 // 7: a 1 -> 0, freed; drops b (1 -> 0), which drops c: 3 updates
    const GcStats s = runGc(t, {});
    REQUIRE(s.rcReleases.size() == 1);
    CHECK(s.rcReleases[0].event == 7);
    CHECK(ids(t, s.rcReleases[0].objects) == Ids{"a", "b", "c"});
    CHECK(s.rcReleases[0].bytes == 7);
    CHECK(s.rcUpdates == 10);
    CHECK(s.largestCascade() == 3);
    CHECK(s.rc.garbageAtEnd == 0);
    CHECK(s.rc.heldAtEnd == 0);
    CHECK(s.leakedCycles.empty());
    // No threshold and no `collect`: mark-sweep never ran and still holds the garbage.
    CHECK(s.collections.empty());
    CHECK(s.ms.garbageAtEnd == 3);
    CHECK(s.ms.garbageBytesAtEnd == 7);
    CHECK(s.ms.heldAtEnd == 7);
}

TEST_CASE("gc: the threshold starts a collection after the new that reaches it, any collection resets the count") {
    const GcTrace t = parse(
        "new a 60\n"     // 0: 60 since the last collection
        "new b 30\n"     // 1: 90
        "unroot b\n"     // 2: b is garbage
        "new c 10\n"     // 3: 100 >= 100: collection 1 frees b
        "new d 99\n"     // 4: 99
        "new e 1\n"      // 5: 100: collection 2 frees nothing
        "collect\n"      // 6: collection 3 (explicit), 0 since
        "new f 99\n"     // 7: 99
        "new g 1\n");    // 8: 100: collection 4
    const GcStats s = runGc(t, {100});
    REQUIRE(s.collections.size() == 4);
    CHECK(s.collections[0].event == 3);
    CHECK_FALSE(s.collections[0].explicitCollect);
    CHECK(s.collections[0].allocatedSince == 100);
    CHECK(ids(t, s.collections[0].freed) == Ids{"b"});
    CHECK(s.collections[1].event == 5);
    CHECK(s.collections[1].allocatedSince == 100);
    CHECK(s.collections[1].freed.empty());
    CHECK(s.collections[2].event == 6);
    CHECK(s.collections[2].explicitCollect);
    CHECK(s.collections[2].allocatedSince == 0);
    CHECK(s.collections[3].event == 8);
    CHECK(s.collections[3].allocatedSince == 100);
    // Held under mark-sweep, before each event's collection: 60, 90, 90, 100, 169, 170, 170, 269, 270.
    CHECK(s.ms.peakHeld == 270);
    CHECK(s.ms.peakAt == 8);
    // Reference counting freed b at once (event 2).
    REQUIRE(s.rcReleases.size() == 1);
    CHECK(s.rcReleases[0].event == 2);
    CHECK(s.rc.peakHeld == 270);  // a c d e f g: 60 + 10 + 99 + 1 + 99 + 1
    // Threshold 101: 60 + 30 + 10 = 100 at c is not enough; 199 at d is; then e (1), the explicit
    // collect, and f + g = 100 < 101.
    const GcStats t101 = runGc(t, {101});
    REQUIRE(t101.collections.size() == 2);
    CHECK(t101.collections[0].event == 4);
    CHECK(t101.collections[0].allocatedSince == 199);
    CHECK(t101.collections[1].event == 6);
}

TEST_CASE("gc: a self-reference leaks, two references from one object need two unrefs") {
    const GcTrace t = parse(
        "new s 8 Self\nref s s\nunroot s\n"         // 0-2: s keeps itself alive (count 1)
        "new p 1\nnew q 2\nref p q\nref p q\n"     // 3-6: q counted 3 (root + 2)
        "unroot q\nunref p q\n"                    // 7-8: 1 left
        "unref p q\n"                              // 9: 0: freed
        "collect\n");                              // 10: frees s
    const GcStats s = runGc(t, {});
    REQUIRE(s.rcReleases.size() == 1);
    CHECK(s.rcReleases[0].event == 9);
    CHECK(ids(t, s.rcReleases[0].objects) == Ids{"q"});
    REQUIRE(s.leakedCycles.size() == 1);
    CHECK(ids(t, s.leakedCycles[0].onCycle) == Ids{"s"});
    CHECK(s.leakedCycles[0].collectedAt == 10);
    REQUIRE(s.collections.size() == 1);
    // The collectors are independent: mark-sweep frees q too (unreachable since event 9).
    CHECK(ids(t, s.collections[0].freed) == Ids{"s", "q"});
}

TEST_CASE("gc: the simulator is a value: a copy taken midway finishes the same way") {
    const GcTrace t = parse(
        "new a 10\nnew b 20\nref a b\nref b a\nunroot b\nnew c 5\nref c c\nunroot c\n"
        "collect\nunroot a\nnew d 1\ncollect\n");
    GcSimulator sim(t, {16});
    for (int k = 0; k < 6; ++k) sim.step();
    GcSimulator copy = sim;
    while (!sim.done()) sim.step();
    while (!copy.done()) copy.step();
    for (std::uint32_t x = 0; x < t.objects.size(); ++x) {
        CHECK(sim.refCounting().freedAt(x) == copy.refCounting().freedAt(x));
        CHECK(sim.markSweep().freedAt(x) == copy.markSweep().freedAt(x));
        CHECK(sim.refCounting().count(x) == copy.refCounting().count(x));
    }
    // And the copy did not share state with the original: stepping one does not move the other.
    GcSimulator early(t, {16});
    early.step();
    GcSimulator later = early;
    later.step();
    CHECK(early.position() == 1);
    CHECK(later.position() == 2);
    CHECK(early.refCounting().heldBytes() == 10);
    CHECK(later.refCounting().heldBytes() == 30);
    // Threshold 16: `new b` brings 30 bytes (a collection after event 1 frees nothing); c (5) and
    // d (1) stay below it. So c (a self-reference) goes at the `collect` of event 8, and a and b
    // (a 2-cycle) at the one of event 11. Reference counting frees none of them.
    CHECK(sim.markSweep().freedAt(2) == 8);
    CHECK(sim.markSweep().freedAt(0) == 11);
    CHECK(sim.markSweep().freedAt(1) == 11);
    CHECK(sim.refCounting().freedAt(0) == kNever);
    CHECK(sim.refCounting().freedAt(2) == kNever);
}
