// Hand-worked sequences for srrip, brrip and drrip (docs/policies.md: 2-bit RRPVs, all 3 initially;
// fill = age by 3 - max, then insert; hit = 0; invalidate = 3; victim = lowest way with the highest
// RRPV). Diagrams list the set's lines by way, lower case = the expected next victim.
//
// Generator facts used below (splitmix64, seed 1234567, worked out independently of this code):
// outputs 1..34 are all != 0 mod 32; output 35 is the first that is 0 mod 32 (the next is 85).

#include <doctest/doctest.h>

#include "cachescope/policy/brrip.hpp"
#include "cachescope/policy/drrip.hpp"
#include "cachescope/policy/srrip.hpp"

using namespace cachescope;

TEST_CASE("policy srrip: hand-worked sequence") {
    SrripPolicy p(PolicyParams{.sets = 1, .ways = 4, .seed = 1});
    CHECK(p.describeSet(0) == "RRPV: 3 3 3 3");
    for (std::uint32_t w = 0; w < 4; ++w) p.onFill(0, w);  // max is 3 each time (empty ways): no aging
    // a B C D
    CHECK(p.describeSet(0) == "RRPV: 2 2 2 2");
    CHECK(p.victim(0) == 0);
    p.onHit(0, 1);
    // a B C D          2 0 2 2
    CHECK(p.victim(0) == 0);
    p.onFill(0, 0);  // E replaces A: max 2 → +1 → 3 1 3 3, E = 2
    // E B c D
    CHECK(p.describeSet(0) == "RRPV: 2 1 3 3");
    CHECK(p.victim(0) == 2);
    p.onHit(0, 3);
    // E B c D          2 1 3 0
    CHECK(p.victim(0) == 2);
    p.onFill(0, 2);  // F replaces C: max 3 → no aging
    // e B F D          2 1 2 0
    CHECK(p.describeSet(0) == "RRPV: 2 1 2 0");
    CHECK(p.victim(0) == 0);
    p.onInvalidate(0, 3);
    // E B F d          2 1 2 3
    CHECK(p.victim(0) == 3);
}

TEST_CASE("policy srrip: a line just filled can be the next victim") {
    SrripPolicy p(PolicyParams{.sets = 1, .ways = 4, .seed = 1});
    for (std::uint32_t w = 0; w < 4; ++w) p.onFill(0, w);
    for (std::uint32_t w = 1; w < 4; ++w) p.onHit(0, w);
    // a B C D          2 0 0 0
    p.onFill(0, 0);  // max 2 → +1 → 3 1 1 1, then way 0 = 2
    // e B C D          2 1 1 1
    CHECK(p.describeSet(0) == "RRPV: 2 1 1 1");
    CHECK(p.victim(0) == 0);
    // Aging by more than 1 at once: hit all, so 0 0 0 0; fill way 0 → max 0 → +3 → 3 3 3 3 → 2 3 3 3.
    for (std::uint32_t w = 0; w < 4; ++w) p.onHit(0, w);
    p.onFill(0, 0);
    CHECK(p.describeSet(0) == "RRPV: 2 3 3 3");
    CHECK(p.victim(0) == 1);
}

TEST_CASE("policy brrip: hand-worked sequence") {
    BrripPolicy p(PolicyParams{.sets = 1, .ways = 4, .seed = 1234567});
    for (std::uint32_t w = 0; w < 4; ++w) p.onFill(0, w);  // outputs 1-4: all insert at 3
    // a B C D          3 3 3 3
    CHECK(p.describeSet(0) == "RRPV: 3 3 3 3");
    CHECK(p.victim(0) == 0);
    p.onHit(0, 1);
    // a B C D          3 0 3 3
    for (int i = 5; i <= 34; ++i) {  // a stream of new lines churns through way 0
        CHECK(p.victim(0) == 0);
        p.onFill(0, 0);
    }
    CHECK(p.describeSet(0) == "RRPV: 3 0 3 3");
    CHECK(p.victim(0) == 0);
    p.onFill(0, 0);  // output 35 = 0 mod 32: inserted at 2 ("long"), max was 3: no aging
    // X B c D          2 0 3 3
    CHECK(p.describeSet(0) == "RRPV: 2 0 3 3");
    CHECK(p.victim(0) == 2);
    p.onFill(0, 2);  // output 36: inserted at 3
    CHECK(p.describeSet(0) == "RRPV: 2 0 3 3");
    p.onInvalidate(0, 1);
    CHECK(p.victim(0) == 1);
}

TEST_CASE("policy drrip: leader sets") {
    using R = DrripPolicy::Role;
    DrripPolicy p128(PolicyParams{.sets = 128, .ways = 2, .seed = 1});  // stride max(2, 4) = 4
    const R expected[] = {R::SrripLeader, R::Follower, R::Follower, R::BrripLeader,
                          R::SrripLeader, R::Follower, R::Follower, R::BrripLeader};
    for (std::uint32_t s = 0; s < 8; ++s) CHECK(p128.role(s) == expected[s]);
    CHECK(p128.role(124) == R::SrripLeader);
    CHECK(p128.role(127) == R::BrripLeader);

    DrripPolicy p1024(PolicyParams{.sets = 1024, .ways = 2, .seed = 1});  // stride 32
    CHECK(p1024.role(0) == R::SrripLeader);
    CHECK(p1024.role(1) == R::Follower);
    CHECK(p1024.role(30) == R::Follower);
    CHECK(p1024.role(31) == R::BrripLeader);
    CHECK(p1024.role(32) == R::SrripLeader);
    CHECK(p1024.role(1023) == R::BrripLeader);
    int srrip = 0, brrip = 0;
    for (std::uint32_t s = 0; s < 1024; ++s) {
        srrip += p1024.role(s) == R::SrripLeader;
        brrip += p1024.role(s) == R::BrripLeader;
    }
    CHECK(srrip == 32);
    CHECK(brrip == 32);

    DrripPolicy p64(PolicyParams{.sets = 64, .ways = 2, .seed = 1});  // 64/32 = 2: stride 2, no followers
    CHECK(p64.role(0) == R::SrripLeader);
    CHECK(p64.role(1) == R::BrripLeader);
    CHECK(p64.role(62) == R::SrripLeader);
    CHECK(p64.role(63) == R::BrripLeader);

    DrripPolicy p3(PolicyParams{.sets = 3, .ways = 2, .seed = 1});  // 3/32 = 0 → stride 2
    CHECK(p3.role(0) == R::SrripLeader);
    CHECK(p3.role(1) == R::BrripLeader);
    CHECK(p3.role(2) == R::SrripLeader);

    DrripPolicy p1(PolicyParams{.sets = 1, .ways = 2, .seed = 1});  // no leaders at all
    CHECK(p1.role(0) == R::Follower);
}

TEST_CASE("policy drrip: PSEL movement and follower insertion, worked by hand") {
    // 128 sets, 2 ways, seed 1234567. Roles: 0 S, 1 f, 2 f, 3 B, 5 f. Draw n = the n-th fill overall.
    DrripPolicy p(PolicyParams{.sets = 128, .ways = 2, .seed = 1234567});
    auto fill = [&p](std::uint32_t set) { p.onFill(set, p.victim(set)); };
    CHECK(p.psel() == 512);
    fill(0);  // draws 1-3, SRRIP leader: PSEL 513, 514, 515
    fill(0);  // set 0: 3 3 → way 0: 2 3 → way 1: 2 2 → way 0: aged to 3 3, then 2 3
    fill(0);
    CHECK(p.psel() == 515);
    CHECK(p.describeSet(0) == "RRPV: 2 3 (SRRIP leader, PSEL 515)");
    p.onFill(1, 0);  // draw 4 (!= 0 mod 32); follower, 515 > 512 → BRRIP → RRPV 3
    CHECK(p.rrpv(1, 0) == 3);
    CHECK(p.psel() == 515);  // followers never move PSEL
    for (int i = 0; i < 4; ++i) fill(3);  // draws 5-8, BRRIP leader: 514, 513, 512, 511
    CHECK(p.psel() == 511);
    p.onFill(2, 0);  // draw 9; follower, 511 <= 512 → SRRIP → RRPV 2
    CHECK(p.rrpv(2, 0) == 2);
    fill(0);         // draw 10: PSEL 512
    p.onFill(2, 1);  // draw 11; 512 is not > 512 → SRRIP → 2
    CHECK(p.rrpv(2, 1) == 2);
    fill(0);         // draw 12: PSEL 513
    p.onFill(1, 1);  // draw 13; BRRIP → 3
    CHECK(p.rrpv(1, 1) == 3);
    for (int i = 14; i <= 34; ++i) fill(0);  // draws 14-34: PSEL 513 + 21 = 534
    CHECK(p.psel() == 534);
    p.onFill(5, 0);  // draw 35 = 0 mod 32; follower as BRRIP → RRPV 2
    CHECK(p.rrpv(5, 0) == 2);
    p.onFill(5, 1);  // draw 36 → 3
    CHECK(p.rrpv(5, 1) == 3);
    CHECK(p.describeSet(5) == "RRPV: 2 3 (follower, PSEL 534)");
}

TEST_CASE("policy drrip: PSEL saturates at 0 and 1023") {
    DrripPolicy p(PolicyParams{.sets = 128, .ways = 2, .seed = 7});
    for (int i = 0; i < 600; ++i) p.onFill(0, p.victim(0));
    CHECK(p.psel() == 1023);
    for (int i = 0; i < 1100; ++i) p.onFill(3, p.victim(3));
    CHECK(p.psel() == 0);
    p.onFill(3, 0);
    CHECK(p.psel() == 0);
    p.onFill(0, 0);
    CHECK(p.psel() == 1);
}

TEST_CASE("policy drrip: one set behaves as srrip") {
    DrripPolicy d(PolicyParams{.sets = 1, .ways = 4, .seed = 1234567});
    SrripPolicy s(PolicyParams{.sets = 1, .ways = 4, .seed = 1234567});
    // Same sequence as the srrip hand test; every fill inserts at 2 and PSEL never moves.
    for (std::uint32_t w = 0; w < 4; ++w) {
        d.onFill(0, w);
        s.onFill(0, w);
    }
    d.onHit(0, 1);
    s.onHit(0, 1);
    for (int i = 0; i < 50; ++i) {
        const std::uint32_t v = s.victim(0);
        CHECK(d.victim(0) == v);
        d.onFill(0, v);
        s.onFill(0, v);
    }
    CHECK(d.psel() == 512);
    CHECK(d.describeSet(0) == s.describeSet(0) + " (follower, PSEL 512)");
}
