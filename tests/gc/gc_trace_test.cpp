// The object-graph trace reader (docs/gc.md): the format, the ground truth it records (the event
// after which each object became unreachable), and one message per kind of bad input, naming
// file:line, what was found and what was expected.

#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "cachescope/core/error.hpp"
#include "cachescope/gc/trace.hpp"

using namespace cachescope;
using namespace cachescope::gc;

namespace {

GcTrace parse(const std::string& text) {
    std::istringstream in(text);
    return readGcTrace(in, "t.gc");
}

std::string errorOf(const std::string& text) {
    try {
        parse(text);
    } catch (const TraceError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("gc trace: events, sizes with units, names, comments, blank lines and CRLF") {
    const GcTrace t = parse(
        "# header\n"
        "new a 48 Node\r\n"
        "\n"
        "new b 2KiB   # trailing comment\n"
        "\tref a b\n"
        "ref a b\n"
        "unref a b\n"
        "unroot b\n"
        "root b\n"
        "collect\n");
    REQUIRE(t.events.size() == 8);
    REQUIRE(t.objects.size() == 2);
    CHECK(t.objects[0].id == "a");
    CHECK(t.objects[0].name == "Node");
    CHECK(t.objects[0].size == 48);
    CHECK(t.objects[1].name.empty());
    CHECK(t.objects[1].size == 2048);
    CHECK(t.events[0].op == GcOp::New);
    CHECK(t.events[0].line == 2);
    CHECK(t.events[2].op == GcOp::Ref);
    CHECK(t.events[2].a == 0);
    CHECK(t.events[2].b == 1);
    CHECK(t.events[2].line == 5);
    CHECK(t.events[4].op == GcOp::Unref);
    CHECK(t.events[5].op == GcOp::Unroot);
    CHECK(t.events[6].op == GcOp::Root);
    CHECK(t.events[7].op == GcOp::Collect);
    CHECK(t.events[7].line == 10);
    // b stayed reachable throughout (a points to it twice, then once; then it is a root again).
    CHECK(t.objects[0].garbageAt == kNever);
    CHECK(t.objects[1].garbageAt == kNever);
    CHECK(describe(t.objects[0]) == "a (Node, 48 B)");
    CHECK(describe(t.objects[1]) == "b (2,048 B)");
}

TEST_CASE("gc trace: the event after which each object became unreachable") {
    // 0 new a; 1 new b; 2 new c; 3 ref a b; 4 ref b c; 5 unroot b; 6 unroot c; 7 ref c a;
    // 8 unref a b (b and c unreachable: c -> a does not help them); 9 unroot a (a unreachable).
    const GcTrace t = parse("new a 1\nnew b 2\nnew c 4\nref a b\nref b c\nunroot b\nunroot c\nref c a\nunref a b\nunroot a\n");
    CHECK(t.objects[0].garbageAt == 9);
    CHECK(t.objects[1].garbageAt == 8);
    CHECK(t.objects[2].garbageAt == 8);
    CHECK(t.objects[0].madeAt == 0);
    CHECK(t.objects[2].madeAt == 2);
}

TEST_CASE("gc trace: bad input names the line, the text and what was expected") {
    CHECK(errorOf("new a 1\nmalloc b 2\n") == "t.gc:2: unknown event 'malloc'; expected new, ref, unref, root, unroot or collect");
    CHECK(errorOf("new a 1\nnew a 2\n") ==
          "t.gc:2: new of 'a', which already exists (made at line 1); every object needs its own ID");
    CHECK(errorOf("new a 1\nref a b\n") == "t.gc:2: ref of unknown ID 'b' (no 'new b' before this line)");
    CHECK(errorOf("root x\n") == "t.gc:1: root of unknown ID 'x' (no 'new x' before this line)");
    CHECK(errorOf("new a 1\nnew b 1\nunref a b\n") ==
          "t.gc:3: unref of a missing edge: 'a' does not point to 'b'; expected a 'ref a b' before it");
    CHECK(errorOf("new a 1\nnew b 1\nref a b\nunroot b\nunroot a\nref b b\n") ==
          "t.gc:6: ref of 'b', which is unreachable since line 5 (garbage: the program can no longer name it)");
    CHECK(errorOf("new a 1\nunroot a\nroot a\n") ==
          "t.gc:3: root of 'a', which is unreachable since line 2 (garbage: the program can no longer name it)");
    CHECK(errorOf("new a 1\nroot a\n") == "t.gc:2: root of 'a', which is already a root (since line 1)");
    CHECK(errorOf("new a 1\nnew b 1\nref a b\nunroot b\nunroot b\n") ==
          "t.gc:5: unroot of 'b', which is not a root; expected a 'root b' (or its 'new') before it");
    CHECK(errorOf("new a -5\n") == "t.gc:1: size '-5' is negative; expected a byte count such as 48 or 2MiB");
    CHECK(errorOf("new a lots\n") == "t.gc:1: size 'lots' is not a size; expected a byte count such as 48 or 2MiB");
    CHECK(errorOf("new a 512TiB\n") ==
          "t.gc:1: size '512TiB' is absurd; expected at most 281,474,976,710,656 bytes (256 TiB)");
    CHECK(errorOf("new a\n") == "t.gc:1: 'new a': expected 'new ID SIZE [NAME]'");
    CHECK(errorOf("new a 1 Node extra\n") == "t.gc:1: 'new a 1 Node extra': expected 'new ID SIZE [NAME]'");
    CHECK(errorOf("new a 1\nref a\n") == "t.gc:2: 'ref a': expected 'ref A B'");
    CHECK(errorOf("new a 1\nunref a a a\n") == "t.gc:2: 'unref a a a': expected 'unref A B'");
    CHECK(errorOf("new a 1\nunroot\n") == "t.gc:2: 'unroot': expected 'unroot A'");
    CHECK(errorOf("collect now  # why\n") == "t.gc:1: 'collect now': expected 'collect'");
}

TEST_CASE("gc trace: a missing file is an IoError naming it") {
    CHECK_THROWS_WITH_AS(loadGcTrace("/nonexistent/x.gc"), "cannot open '/nonexistent/x.gc': No such file or directory",
                         IoError);
}
