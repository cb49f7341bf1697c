// The access inspector's text (gui/model/inspector.hpp) and the quiz (gui/model/quiz.hpp),
// hand-worked on thrash-one-set with configs/teaching.json (L1 8 sets, L2 16 sets, 64-byte lines).

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "cachescope/trace/binary.hpp"
#include "trace/binary_test_util.hpp"

#include "gui_test_util.hpp"
#include "model/inspector.hpp"
#include "model/quiz.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

TEST_CASE("inspector: address split per level, one sentence per step, the served-by line") {
    Player p = playerOn(teachingOn("traces/thrash-one-set.trace"));
    p.step(3);  // reference 2: R 0x400: line 16 -> L1 set 0 tag 2, L2 set 0 tag 1; misses both
    const InspectorView v = buildInspector(*p.last(), p.session().simulator());
    CHECK(v.title == "reference 2: read 0x400 (8 bytes)");
    REQUIRE(v.splits.size() == 2);
    CHECK(v.splits[0].level == "L1");
    CHECK(v.splits[0].set == 0);
    CHECK(v.splits[0].tag == 2);
    CHECK(v.splits[0].offset == 0);
    CHECK(v.splits[0].setBits == 3);
    CHECK(v.splits[0].offsetBits == 6);
    CHECK(v.splits[1].level == "L2");
    CHECK(v.splits[1].set == 0);
    CHECK(v.splits[1].tag == 1);
    CHECK(v.splits[1].setBits == 4);
    // L1 miss evicting 0x0 (clean), L2 miss into an empty way, memory.
    REQUIRE(v.path.size() == 3);
    CHECK(v.path[0].tone == Sentence::Tone::Miss);
    CHECK(v.path[0].text.find("L1 read 0x400: set 0, tag 0x2 - miss") == 0);
    CHECK(v.path[0].text.find("evicting line 0x0 (clean)") != std::string::npos);
    CHECK(v.path[1].depth == 1);
    CHECK(v.path[1].text.find("L2 read 0x400 (fill for the level above): set 0, tag 0x1 - miss") == 0);
    CHECK(v.path[1].text.find("(it was empty)") != std::string::npos);
    CHECK(v.path[2].text.find("memory serves it") != std::string::npos);
    CHECK(v.outcome == "served by memory (111 cycles)");  // 1 + 10 + 100 (teaching latencies)
    // 3C: the third distinct line is a first reference at both levels.
    REQUIRE(v.missClasses.size() == 2);
    CHECK(v.missClasses[0] == "L1: compulsory");

    p.step();  // reference 3: R 0x0 misses in L1 (conflict: a 16-line LRU cache would hold it), hits L2
    const InspectorView w = buildInspector(*p.last(), p.session().simulator());
    REQUIRE(w.path.size() == 2);
    CHECK(w.path[1].tone == Sentence::Tone::Hit);
    CHECK(w.path[1].text.find("hit in way 0") != std::string::npos);
    CHECK(w.missClasses == std::vector<std::string>{"L1: conflict"});
    CHECK(w.outcome == "served by L2 (11 cycles)");
}

TEST_CASE("inspector: the msyncs right after a reference, as explain prints them") {
    // testing::msyncTrace: three writes to a mapped 3-page file, two msyncs of its first two pages
    // (the first writes back pages 0 and 1, the second finds them clean), two anonymous reads.
    const std::filesystem::path path = std::filesystem::temp_directory_path() / "cachescope-gui-test-msync.bin";
    {
        std::ofstream out(path, std::ios::binary);
        out << cachescope::testing::msyncTrace(2);
    }
    struct Remove {
        std::filesystem::path p;
        ~Remove() {
            std::error_code ec;
            std::filesystem::remove(p, ec);
        }
    } cleanup{path};
    Player p = playerOn({sourcePath("configs/teaching-paging.json"), SourceSpec::file(path.string())});
    const std::vector<std::string> msyncs = {
        "then msync 0x10000000 +8,192 B in process 0: 2 dirty file pages written back",
        "then msync 0x10000000 +8,192 B in process 0: 0 dirty file pages written back"};
    p.step(2);  // reference 1: no event after it
    CHECK(buildInspector(*p.last(), p.session().simulator()).events.empty());
    p.step();  // reference 2: the two msyncs follow it
    CHECK(buildInspector(*p.last(), p.session().simulator()).events == msyncs);
    p.step();  // reference 3
    CHECK(buildInspector(*p.last(), p.session().simulator()).events.empty());
    p.back();  // reference 2 narrated again after the seek: the same lines
    CHECK(buildInspector(*p.last(), p.session().simulator()).events == msyncs);
    p.seek(3);
    CHECK(buildInspector(*p.last(), p.session().simulator()).events == msyncs);
    CHECK(p.session().simulator().mmu()->stats().msyncWritebacks == 2);
    p.step(2);  // to the end: the silent part holds no msync
    CHECK(p.atEnd());
    CHECK(p.session().simulator().msyncs() == 2);
}

TEST_CASE("inspector: the next reference in one line") {
    CHECK(describeNext(Access{0x10002000, 8, AccessKind::Write, 0}, "C[0][0]") == "write 0x10002000 (8 bytes) C[0][0]");
    CHECK(describeNext(Access{0x40, 4, AccessKind::Read, 0}, "") == "read 0x40 (4 bytes)");
}

TEST_CASE("quiz: a prediction is judged against where the data came from") {
    Player p = playerOn(teachingOn("traces/thrash-one-set.trace"));
    Quiz q;
    q.setEnabled(true);
    CHECK_FALSE(q.judge(ReferenceNarration{}));  // no prediction: not counted
    CHECK(q.asked() == 0);

    q.predict(Quiz::kMemory);  // reference 0: first touch, from memory
    p.step();
    CHECK(q.judge(*p.last()));
    q.predict(0);  // reference 1 is a first touch too: "L1 hit" is wrong
    p.step();
    CHECK_FALSE(q.judge(*p.last()));
    REQUIRE(q.lastAnswer());
    CHECK(q.lastAnswer()->first == 0);
    CHECK(q.lastAnswer()->second == Quiz::kMemory);
    p.step();
    q.predict(1);  // reference 3 (R 0x0): L1 conflict miss, L2 hit
    p.step();
    CHECK(q.judge(*p.last()));
    CHECK(q.correct() == 2);
    CHECK(q.asked() == 3);
    CHECK_FALSE(q.prediction());
    q.resetScore();
    CHECK(q.asked() == 0);
    CHECK(q.correct() == 0);
}
