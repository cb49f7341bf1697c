// The player (gui/model/player.hpp) on traces/thrash-one-set.trace with configs/teaching.json.
// Hand-worked (the trace's own comment): 0x0, 0x200, 0x400 all map to L1 set 0 (2-way LRU) and
// cycle, so every L1 access misses and evicts the line needed next; in L2 (16 sets) they land in
// sets 0, 8, 0 and stay. Reference 3 (R 0x0, round 2) evicts 0x200 from L1 way 1 and hits in L2.

#include <doctest/doctest.h>

#include "gui_test_util.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

namespace {
const CacheStep& l1Step(const ReferenceNarration& n) {
    for (const CacheStep& s : n.pieces.front().steps)
        if (s.cache == 0) return s;
    FAIL("no L1 step");
    return n.pieces.front().steps.front();
}
}  // namespace

TEST_CASE("player: step narrates the reference just simulated") {
    Player p = playerOn(teachingOn("traces/thrash-one-set.trace"));
    CHECK(p.length() == 12);
    CHECK(p.position() == 0);
    CHECK_FALSE(p.last().has_value());

    p.step();
    REQUIRE(p.last());
    CHECK(p.last()->index == 0);
    CHECK(p.last()->servedBy == CacheStep::kMemory);

    p.step(3);  // references 1, 2 silently, 3 narrated
    CHECK(p.position() == 4);
    REQUIRE(p.last());
    CHECK(p.last()->index == 3);
    CHECK(p.last()->address == 0x0);
    const CacheStep& s = l1Step(*p.last());
    CHECK_FALSE(s.hit);
    CHECK(s.set == 0);
    CHECK(s.way == 1);  // 0x200 sat in way 1 and was least recently used
    CHECK(s.evicted);
    CHECK(s.victimAddress == 0x200);
    CHECK_FALSE(s.victimDirty);
    CHECK(p.last()->servedBy == 1);  // L2 hit
}

TEST_CASE("player: back, seek and reset narrate the reference before the new position") {
    Player p = playerOn(teachingOn("traces/thrash-one-set.trace"));
    p.step(4);
    p.back();
    CHECK(p.position() == 3);
    REQUIRE(p.last());
    CHECK(p.last()->index == 2);
    CHECK(l1Step(*p.last()).victimAddress == 0x0);  // 0x400 evicted 0x0 from way 0
    CHECK(l1Step(*p.last()).way == 0);

    p.seek(100);  // clamped to the length
    CHECK(p.position() == 12);
    CHECK(p.atEnd());
    REQUIRE(p.last());
    CHECK(p.last()->index == 11);

    p.back(50);  // clamped at 0
    CHECK(p.position() == 0);
    CHECK_FALSE(p.last());

    p.seek(5);
    p.reset();
    CHECK(p.position() == 0);
    CHECK_FALSE(p.last());
}

TEST_CASE("player: run to the next event") {
    Player p = playerOn(teachingOn("traces/thrash-one-set.trace"));
    // L2 misses at references 0, 1, 2 (first touches) and never again.
    CHECK(p.runToEvent({StopKind::Miss, 1u, 0}));
    CHECK(p.position() == 1);
    CHECK(p.runToEvent({StopKind::Miss, 1u, 0}));
    CHECK(p.position() == 2);
    CHECK(p.runToEvent({StopKind::Miss, 1u, 0}));
    CHECK(p.position() == 3);
    CHECK_FALSE(p.runToEvent({StopKind::Miss, 1u, 0}));
    CHECK(p.atEnd());
    REQUIRE(p.last());
    CHECK(p.last()->index == 11);

    // Evictions in L1 start with the third reference (the set is full after two).
    p.reset();
    CHECK(p.runToEvent({StopKind::Eviction, 0u, 0}));
    CHECK(p.position() == 3);
    // No writes in this trace: no write-back ever.
    CHECK_FALSE(p.runToEvent({StopKind::WriteBack, std::nullopt, 0}));
    CHECK(p.atEnd());
}

TEST_CASE("player: speed, ticks and the log slider") {
    Player p = playerOn(teachingOn("traces/thrash-one-set.trace"));
    CHECK(p.tick(10.0) == 0);  // paused
    p.setSpeed(4.0);
    p.play();
    CHECK(p.tick(0.5) == 2);   // 4 refs/s for half a second
    CHECK(p.tick(0.1) == 0);   // 0.4 owed
    CHECK(p.tick(0.2) == 1);   // 0.4 + 0.8
    CHECK(p.position() == 3);
    CHECK(p.tick(100.0) == 9); // the rest; then it stops by itself
    CHECK(p.atEnd());
    CHECK_FALSE(p.playing());
    p.play();
    CHECK_FALSE(p.playing());  // nothing left to play

    CHECK(Player::sliderToSpeed(0.0) == doctest::Approx(Player::kMinSpeed));
    CHECK(Player::sliderToSpeed(1.0) == doctest::Approx(Player::kMaxSpeed));
    // Log scale: the middle of the slider is the geometric mean.
    CHECK(Player::sliderToSpeed(0.5) == doctest::Approx(std::sqrt(Player::kMinSpeed * Player::kMaxSpeed)));
    CHECK(Player::speedToSlider(Player::sliderToSpeed(0.3)) == doctest::Approx(0.3));
    p.setSpeed(1e9);
    CHECK(p.speed() == Player::kMaxSpeed);
}

TEST_CASE("player: max mode sizes its chunks to about one frame and runs to the end") {
    // 1000 references took 0.1 s; a 1/30 s frame holds a third of them.
    CHECK(Player::nextChunk(1000, 0.1, 1.0 / 30.0) == 333);
    // Much faster than the frame: growth is capped at 4x per frame.
    CHECK(Player::nextChunk(1000, 0.001, 1.0 / 30.0) == 4000);
    CHECK(Player::nextChunk(1000, 0.0, 1.0 / 30.0) == 4000);
    // Never below one reference.
    CHECK(Player::nextChunk(1, 100.0, 1.0 / 30.0) == 1);

    Player p = playerOn(teachingOn("traces/sequential.trace"));
    p.setMaxMode(true);
    p.play();
    int frames = 0;
    while (p.playing() && frames < 1000) {
        p.tick(1.0 / 30.0);
        ++frames;
    }
    CHECK(p.atEnd());
    CHECK(p.position() == 256);
    REQUIRE(p.last());
    CHECK(p.last()->index == 255);
}
