// Typed inspection of every policy (replacement.hpp: kind, wayState, setState, plruTree), checked
// against states worked out by hand. Diagrams list the set's lines by way (way 0 first), lower
// case = the expected next victim; the numbers under them are the typed field per way.

#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cachescope/policy/brrip.hpp"
#include "cachescope/policy/drrip.hpp"
#include "cachescope/policy/fifo.hpp"
#include "cachescope/policy/lfu.hpp"
#include "cachescope/policy/lru.hpp"
#include "cachescope/policy/mru.hpp"
#include "cachescope/policy/nru.hpp"
#include "cachescope/policy/opt.hpp"
#include "cachescope/policy/plru.hpp"
#include "cachescope/policy/random.hpp"
#include "cachescope/policy/registry.hpp"
#include "cachescope/policy/srrip.hpp"

using namespace cachescope;

namespace {

PolicyParams oneSet(std::uint32_t ways, std::uint64_t seed = 1) { return {.sets = 1, .ways = ways, .seed = seed}; }

void fillAll(ReplacementPolicy& p, std::uint32_t ways) {
    for (std::uint32_t w = 0; w < ways; ++w) p.onFill(0, w);
}

/// One typed field of every way of set 0.
template <class Field>
auto column(const ReplacementPolicy& p, std::uint32_t ways, Field field) {
    std::vector<typename std::invoke_result_t<Field, const WayPolicyState&>::value_type> out;
    for (std::uint32_t w = 0; w < ways; ++w) {
        const WayPolicyState s = p.wayState(0, w);
        REQUIRE(field(s).has_value());
        out.push_back(*field(s));
    }
    return out;
}

/// Number of typed per-way fields that are set (exactly one for the policies that keep one).
int fieldsSet(const WayPolicyState& s) {
    return int(s.recencyRank.has_value()) + int(s.insertionOrder.has_value()) + int(s.rrpv.has_value()) +
           int(s.nruBit.has_value()) + int(s.frequency.has_value()) + int(s.optNextUse.has_value());
}

const auto rank = [](const WayPolicyState& s) { return s.recencyRank; };
const auto order = [](const WayPolicyState& s) { return s.insertionOrder; };
const auto rrpv = [](const WayPolicyState& s) { return s.rrpv; };
const auto nru = [](const WayPolicyState& s) { return s.nruBit; };
const auto freq = [](const WayPolicyState& s) { return s.frequency; };
const auto nextUse = [](const WayPolicyState& s) { return s.optNextUse; };

constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ull;  // splitmix64's increment (splitmix64.hpp)

}  // namespace

TEST_CASE("policy inspection: kind() names the registry entry") {
    for (const PolicyInfo& info : policies()) {
        const auto p = info.make(PolicyParams{.sets = 4, .ways = 4, .seed = 3});
        CHECK(std::string(toString(p->kind())) == std::string(info.name));
        const WayPolicyState s = p->wayState(1, 2);
        CHECK((s.kind == p->kind()));  // (()): doctest would print the enum with toString
        CHECK((p->setState(1).kind == p->kind()));
        // random and plru keep nothing per way; every other policy exactly one field.
        const bool none = p->kind() == PolicyKind::Random || p->kind() == PolicyKind::Plru;
        CHECK(fieldsSet(s) == (none ? 0 : 1));
        CHECK(p->plruTree(1).has_value() == (p->kind() == PolicyKind::Plru));
    }
    CHECK(std::string(toString(PolicyKind::Custom)) == "custom");
}

TEST_CASE("policy inspection: lru recency ranks") {
    LruPolicy p(oneSet(4));
    // A new set: way w has rank w.
    CHECK(column(p, 4, rank) == std::vector<std::uint32_t>{0, 1, 2, 3});
    fillAll(p, 4);
    // a B C D      fills a, b, c, d: d is most recent
    // 3 2 1 0
    CHECK(column(p, 4, rank) == std::vector<std::uint32_t>{3, 2, 1, 0});
    p.onHit(0, 0);
    // A b C D      hit a: everything more recent than a ages by one
    // 0 3 2 1
    CHECK(column(p, 4, rank) == std::vector<std::uint32_t>{0, 3, 2, 1});
    CHECK(p.setState(0).victim == 1);
    p.onInvalidate(0, 3);
    // A B C d      an invalidated way drops to the LRU end
    // 0 2 1 3
    CHECK(column(p, 4, rank) == std::vector<std::uint32_t>{0, 2, 1, 3});
    CHECK(p.setState(0).victim == 3);
}

TEST_CASE("policy inspection: fifo insertion order") {
    FifoPolicy p(oneSet(4));
    fillAll(p, 4);
    p.onHit(0, 0);
    // a B C D      hits change nothing: a is still the oldest
    // 3 2 1 0
    CHECK(column(p, 4, order) == std::vector<std::uint64_t>{3, 2, 1, 0});
    CHECK(p.setState(0).victim == 0);
    p.onFill(0, 0);
    // E b C D      e is the newest, b the oldest
    // 0 3 2 1
    CHECK(column(p, 4, order) == std::vector<std::uint64_t>{0, 3, 2, 1});
    CHECK(p.setState(0).victim == 1);
}

TEST_CASE("policy inspection: mru recency ranks") {
    MruPolicy p(oneSet(4));
    fillAll(p, 4);
    p.onHit(0, 1);
    // A b C D      b was touched last, so MRU evicts it
    // 3 0 2 1
    CHECK(column(p, 4, rank) == std::vector<std::uint32_t>{3, 0, 2, 1});
    CHECK(p.setState(0).victim == 1);
}

TEST_CASE("policy inspection: plru tree bits and the victim path, 4 ways") {
    PlruPolicy p(oneSet(4));
    fillAll(p, 4);
    p.onHit(0, 1);
    // Header example: fill A B C D -> bits 0 0 0; hit B -> bits 1 0 0.
    //             b0=1
    //           /      \           the search goes right at b0 (bit 1),
    //       b1=0        b2=0       then left at b2 (bit 0): way 2
    //       /  \       /  \      (bit 1 = the victim is to the right)
    //      A    B    [c]   D
    const std::optional<PlruTree> t = p.plruTree(0);
    REQUIRE(t.has_value());
    CHECK(t->leaves == 4);
    CHECK(t->bits == std::vector<bool>{true, false, false});
    CHECK(t->path == std::vector<PlruStep>{{0, true}, {2, false}});
    CHECK(t->victim == 2);
    CHECK(p.setState(0).victim == 2);
    CHECK(p.victim(0) == 2);
    // wayState has no per-way field for plru.
    CHECK(p.wayState(0, 1) == WayPolicyState{.kind = PolicyKind::Plru});
}

TEST_CASE("policy inspection: plru path avoids a padding leaf, 3 ways") {
    PlruPolicy p(oneSet(3));
    fillAll(p, 3);  // bits 0 0 1
    p.onHit(0, 0);  // the path to way 0 points away from it: b0 -> 1, b1 -> 1; b2 stays 1
    //             b0=1
    //           /      \           right at b0; b2 points right at the padding
    //       b1=1        b2=1       leaf, which is never taken: left, way 2
    //       /  \       /  \      (leaf 3 is padding: 3 ways)
    //      A    B    [c]  (pad)
    const std::optional<PlruTree> t = p.plruTree(0);
    REQUIRE(t.has_value());
    CHECK(t->leaves == 4);
    CHECK(t->bits == std::vector<bool>{true, true, true});
    CHECK(t->path == std::vector<PlruStep>{{0, true}, {2, false}});
    CHECK(t->victim == 2);
}

TEST_CASE("policy inspection: plru with one way has an empty tree") {
    PlruPolicy p(oneSet(1));
    p.onFill(0, 0);
    const std::optional<PlruTree> t = p.plruTree(0);
    REQUIRE(t.has_value());
    CHECK(t->leaves == 1);
    CHECK(t->bits.empty());
    CHECK(t->path.empty());
    CHECK(t->victim == 0);
}

TEST_CASE("policy inspection: nru referenced bits") {
    NruPolicy p(oneSet(4));
    fillAll(p, 4);
    // a B C D      d's fill set the last 0 bit, so every other bit was cleared
    // 0 0 0 1
    CHECK(column(p, 4, nru) == std::vector<bool>{false, false, false, true});
    p.onHit(0, 1);
    p.onFill(0, 0);  // miss e evicts a
    // E B c D
    // 1 1 0 1
    CHECK(column(p, 4, nru) == std::vector<bool>{true, true, false, true});
    CHECK(p.setState(0).victim == 2);
}

TEST_CASE("policy inspection: lfu use counts") {
    LfuPolicy p(oneSet(4));
    fillAll(p, 4);
    for (std::uint32_t w : {1u, 1u, 2u}) p.onHit(0, w);
    // a B C D      fills count 1; b hit twice, c once
    // 1 3 2 1
    CHECK(column(p, 4, freq) == std::vector<std::uint64_t>{1, 3, 2, 1});
    p.onFill(0, 0);  // e replaces a, count 1 again
    p.onHit(0, 0);
    p.onHit(0, 0);
    // E B C d
    // 3 3 2 1
    CHECK(column(p, 4, freq) == std::vector<std::uint64_t>{3, 3, 2, 1});
    CHECK(p.setState(0).victim == 3);
    p.onInvalidate(0, 1);
    CHECK(column(p, 4, freq) == std::vector<std::uint64_t>{3, 0, 2, 1});
}

TEST_CASE("policy inspection: srrip RRPVs after insertions and hits") {
    SrripPolicy p(oneSet(4));
    CHECK(column(p, 4, rrpv) == std::vector<std::uint8_t>{3, 3, 3, 3});  // empty ways are distant
    fillAll(p, 4);
    // a B C D      every fill inserts at 2; the max was 3, so nothing aged
    // 2 2 2 2
    CHECK(column(p, 4, rrpv) == std::vector<std::uint8_t>{2, 2, 2, 2});
    p.onHit(0, 1);
    // a B C D      a hit promotes to 0
    // 2 0 2 2
    CHECK(column(p, 4, rrpv) == std::vector<std::uint8_t>{2, 0, 2, 2});
    p.onFill(0, 0);
    // E B c D      max 2: all age by 1 (3 1 3 3), then e is inserted at 2
    // 2 1 3 3
    CHECK(column(p, 4, rrpv) == std::vector<std::uint8_t>{2, 1, 3, 3});
    CHECK(p.setState(0).victim == 2);
}

TEST_CASE("policy inspection: brrip RRPVs and the generator state") {
    // Seed 1234567: splitmix64 outputs 1..34 are not 0 mod 32 (rrip_policies_test), so the first
    // fills insert at 3.
    BrripPolicy p(oneSet(4, 1234567));
    CHECK(p.setState(0).generatorState == std::optional<std::uint64_t>(1234567));
    fillAll(p, 4);
    p.onHit(0, 2);
    // a B C D
    // 3 3 0 3
    CHECK(column(p, 4, rrpv) == std::vector<std::uint8_t>{3, 3, 0, 3});
    // The state advanced by the splitmix64 increment once per fill: seed + 4 * gamma (mod 2^64).
    CHECK(p.setState(0).generatorState == std::optional<std::uint64_t>(1234567 + 4 * kGamma));
    CHECK(p.setState(0).victim == 0);
}

TEST_CASE("policy inspection: drrip role, PSEL and RRPVs") {
    // 128 sets: stride 4, set 0 leads for SRRIP, set 3 for BRRIP, sets 1 and 2 follow.
    DrripPolicy p(PolicyParams{.sets = 128, .ways = 4, .seed = 9});
    for (std::uint32_t w = 0; w < 3; ++w) p.onFill(0, w);  // three misses in an SRRIP leader
    // a b c [d]    inserted at 2 (SRRIP); way 3 is empty (3)
    // 2 2 2 3
    CHECK(column(p, 4, rrpv) == std::vector<std::uint8_t>{2, 2, 2, 3});
    const SetPolicyState s0 = p.setState(0);
    CHECK(s0.duelingRole == std::optional<DuelingRole>(DuelingRole::SrripLeader));
    CHECK(s0.psel == std::optional<std::uint32_t>(515));  // 512 + 3
    CHECK(s0.victim == 3);
    CHECK(s0.generatorState == std::optional<std::uint64_t>(9 + 3 * kGamma));
    CHECK(p.setState(1).duelingRole == std::optional<DuelingRole>(DuelingRole::Follower));
    CHECK(p.setState(3).duelingRole == std::optional<DuelingRole>(DuelingRole::BrripLeader));
    CHECK(p.setState(3).psel == std::optional<std::uint32_t>(515));  // PSEL is one counter for all sets
}

TEST_CASE("policy inspection: opt next uses follow the planned future") {
    // One 2-way set, arrivals a b c a b at times 0..4. Next use of each arrival, by hand:
    //   a@0 -> 3, b@1 -> 4, c@2 -> never, a@3 -> never, b@4 -> never.
    OptPolicy p(oneSet(2));
    const std::uint64_t never = WayPolicyState::kNeverUsed;
    p.setFuture(std::make_shared<const std::vector<std::uint64_t>>(std::vector<std::uint64_t>{3, 4, never, never, never}),
                0);
    CHECK(column(p, 2, nextUse) == std::vector<std::uint64_t>{never, never});  // empty ways: never
    p.arrive(0xA);
    p.onFill(0, 0);
    p.arrive(0xB);
    p.onFill(0, 1);
    // a  b         b is used later than a, so OPT evicts b
    // 3  4
    CHECK(column(p, 2, nextUse) == std::vector<std::uint64_t>{3, 4});
    CHECK(p.setState(0).victim == 1);
    p.arrive(0xC);
    p.onFill(0, 1);
    // a  c
    // 3  never
    CHECK(column(p, 2, nextUse) == std::vector<std::uint64_t>{3, never});
    p.arrive(0xA);
    p.onHit(0, 0);
    // a  c         both never used again: ties go to the lowest way
    CHECK(column(p, 2, nextUse) == std::vector<std::uint64_t>{never, never});
    CHECK(p.setState(0).victim == 0);
}

TEST_CASE("policy inspection: random answers from the generator and changes nothing") {
    // Seed 1234567: splitmix64 outputs mod 4 are 1, 1, 3, 3, 1, 2 (random.hpp's worked example).
    RandomPolicy p(oneSet(4, 1234567));
    fillAll(p, 4);  // consumes outputs 1-4
    const auto before = p.clone();
    for (int i = 0; i < 3; ++i) {
        const SetPolicyState s = p.setState(0);
        CHECK(s.victim == 1);  // output 5 mod 4
        CHECK(s.victim == p.victim(0));
        CHECK(s.generatorState == std::optional<std::uint64_t>(1234567 + 4 * kGamma));
        CHECK(p.wayState(0, 2) == WayPolicyState{.kind = PolicyKind::Random});
    }
    CHECK(p.sameState(*before));
    p.onFill(0, 1);
    CHECK(p.setState(0).victim == 2);  // output 6 mod 4
}
