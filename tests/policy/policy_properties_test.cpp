// Property tests over every registered policy and several geometries. A small driver plays the
// cache's side of the call protocol (replacement.hpp): it tracks which ways are valid, hits valid
// ways, fills the lowest invalid way on a miss, asks for a victim only when the set is full, and
// sometimes invalidates a valid way. Its choices come from std::mt19937_64, independent of the
// policies' own generator.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cachescope/policy/registry.hpp"

using namespace cachescope;

namespace {

struct Geometry {
    std::uint32_t sets;
    std::uint32_t ways;
};

// 1, 2, 4, 12, 16 ways with 1 and 64 sets, plus a large fully associative set.
const std::vector<Geometry> kGeometries = {{1, 1},  {1, 2},  {1, 4},  {1, 12},  {1, 16},  {64, 1},
                                           {64, 2}, {64, 4}, {64, 12}, {64, 16}, {1, 512}};

struct Op {
    enum Kind { Hit, FillEmpty, FillVictim, Invalidate } kind;
    std::uint32_t set;
    std::uint32_t way;  // unused for FillVictim: each policy fills its own victim
};

class Driver {
public:
    Driver(Geometry g, std::uint64_t seed) : g_(g), valid_(std::size_t{g.sets} * g.ways, false), rng_(seed) {}

    Op next() {
        const auto set = static_cast<std::uint32_t>(rng_() % g_.sets);
        const auto r = rng_() % 20;
        std::vector<std::uint32_t>& valid = scratch_;
        valid.clear();
        std::uint32_t firstInvalid = g_.ways;
        for (std::uint32_t w = 0; w < g_.ways; ++w) {
            if (isValid(set, w))
                valid.push_back(w);
            else if (firstInvalid == g_.ways)
                firstInvalid = w;
        }
        if (!valid.empty() && r < 9) return {Op::Hit, set, valid[rng_() % valid.size()]};
        if (!valid.empty() && r == 19) {
            const std::uint32_t w = valid[rng_() % valid.size()];
            valid_[index(set, w)] = false;
            return {Op::Invalidate, set, w};
        }
        if (firstInvalid < g_.ways) {
            valid_[index(set, firstInvalid)] = true;
            return {Op::FillEmpty, set, firstInvalid};
        }
        return {Op::FillVictim, set, 0};
    }

    bool isValid(std::uint32_t set, std::uint32_t way) const { return valid_[index(set, way)]; }
    bool isFull(std::uint32_t set) const {
        for (std::uint32_t w = 0; w < g_.ways; ++w)
            if (!isValid(set, w)) return false;
        return true;
    }

private:
    std::size_t index(std::uint32_t set, std::uint32_t way) const { return std::size_t{set} * g_.ways + way; }
    Geometry g_;
    std::vector<bool> valid_;
    std::mt19937_64 rng_;
    std::vector<std::uint32_t> scratch_;  // valid ways of the chosen set
};

/// Applies op to p; returns the way it touched (the victim for FillVictim).
std::uint32_t apply(ReplacementPolicy& p, const Op& op) {
    switch (op.kind) {
        case Op::Hit:
            p.onHit(op.set, op.way);
            return op.way;
        case Op::FillEmpty:
            p.onFill(op.set, op.way);
            return op.way;
        case Op::FillVictim: {
            const std::uint32_t v = p.victim(op.set);
            p.onFill(op.set, v);
            return v;
        }
        case Op::Invalidate:
            p.onInvalidate(op.set, op.way);
            return op.way;
    }
    return op.way;
}

bool isOneOf(std::string_view name, std::initializer_list<std::string_view> names) {
    for (std::string_view n : names)
        if (n == name) return true;
    return false;
}

std::string label(const PolicyInfo& info, Geometry g) {
    return std::string(info.name) + " " + std::to_string(g.sets) + "x" + std::to_string(g.ways);
}

/// Enough steps to fill every set several times over (the driver fills about 45% of the time).
int steps(Geometry g) { return 600 + 2 * static_cast<int>(g.sets * g.ways); }

}  // namespace

TEST_CASE("policy properties: victim is a way of the set and has no side effects") {
    for (const PolicyInfo& info : policies())
        for (Geometry g : kGeometries) {
            CAPTURE(label(info, g));
            auto p = info.make(PolicyParams{.sets = g.sets, .ways = g.ways, .seed = 11});
            Driver d(g, 1);
            for (int i = 0; i < steps(g); ++i) {
                const Op op = d.next();
                const std::uint32_t touched = apply(*p, op);
                REQUIRE(touched < g.ways);
                REQUIRE(p->victim(op.set) < g.ways);
                if (i % 101 == 0) {
                    auto before = p->clone();
                    for (std::uint32_t s = 0; s < g.sets; ++s) {
                        const std::uint32_t v = p->victim(s);
                        REQUIRE(v < g.ways);
                        REQUIRE(p->victim(s) == v);  // asking twice gives the same answer
                    }
                    REQUIRE(p->sameState(*before));
                    REQUIRE(before->sameState(*p));
                }
            }
        }
}

TEST_CASE("policy properties: inspection has no side effects and agrees with victim()") {
    for (const PolicyInfo& info : policies())
        for (Geometry g : kGeometries) {
            CAPTURE(label(info, g));
            auto p = info.make(PolicyParams{.sets = g.sets, .ways = g.ways, .seed = 13});
            Driver d(g, 4);
            for (int i = 0; i < steps(g); ++i) {
                const Op op = d.next();
                apply(*p, op);
                if (i % 37 != 0) continue;
                auto before = p->clone();
                const SetPolicyState s = p->setState(op.set);
                REQUIRE(s.victim == p->victim(op.set));
                REQUIRE((s.kind == p->kind()));
                if (const std::optional<PlruTree> t = p->plruTree(op.set)) {
                    REQUIRE(t->victim == s.victim);
                    // One step per tree level, starting at the root; each step goes to a child.
                    REQUIRE(t->bits.size() == t->leaves - 1);
                    REQUIRE((std::uint32_t{1} << t->path.size()) == t->leaves);
                    std::uint32_t node = 0;
                    for (const PlruStep& step : t->path) {
                        REQUIRE(step.node == node);
                        node = 2 * node + (step.right ? 2 : 1);
                    }
                    REQUIRE(node - (t->leaves - 1) == t->victim);  // heap index of the leaf
                }
                std::vector<std::uint32_t> ranks;
                for (std::uint32_t w = 0; w < g.ways; ++w) {
                    const WayPolicyState ws = p->wayState(op.set, w);
                    REQUIRE((ws.kind == p->kind()));
                    if (ws.recencyRank) ranks.push_back(*ws.recencyRank);
                    if (ws.insertionOrder) ranks.push_back(static_cast<std::uint32_t>(*ws.insertionOrder));
                }
                if (!ranks.empty()) {  // lru, mru, fifo: the ranks are a permutation of 0..ways-1
                    std::sort(ranks.begin(), ranks.end());
                    for (std::uint32_t r = 0; r < g.ways; ++r) REQUIRE(ranks[r] == r);
                }
                REQUIRE(p->sameState(*before));
            }
        }
}

TEST_CASE("policy properties: a clone starts equal and evolves identically") {
    for (const PolicyInfo& info : policies())
        for (Geometry g : kGeometries) {
            CAPTURE(label(info, g));
            auto p = info.make(PolicyParams{.sets = g.sets, .ways = g.ways, .seed = 5});
            Driver d(g, 2);
            for (int i = 0; i < steps(g) / 3; ++i) apply(*p, d.next());
            auto c = p->clone();
            REQUIRE(c->sameState(*p));
            for (int i = 0; i < steps(g); ++i) {
                const Op op = d.next();
                REQUIRE(apply(*p, op) == apply(*c, op));
                if (i % 50 == 0) REQUIRE(c->sameState(*p));
            }
            CHECK(c->sameState(*p));
            for (std::uint32_t s = 0; s < g.sets; ++s) CHECK(c->describeSet(s) == p->describeSet(s));
        }
}

TEST_CASE("policy properties: a clone is independent of the original") {
    for (const PolicyInfo& info : policies()) {
        CAPTURE(info.name);
        auto p = info.make(PolicyParams{.sets = 1, .ways = 4, .seed = 5});
        for (std::uint32_t w = 0; w < 4; ++w) p->onFill(0, w);
        auto c = p->clone();
        // Touch way 2 twice more and invalidate the current victim: every policy's state changes
        // (rank order, tree bits, ref bits, counts, RRPVs or generator state).
        p->onFill(0, 2);
        p->onHit(0, 2);
        p->onInvalidate(0, p->victim(0));
        p->onFill(0, 1);
        CHECK_FALSE(c->sameState(*p));
    }
}

TEST_CASE("policy properties: same params and calls give the same state") {
    for (const PolicyInfo& info : policies())
        for (Geometry g : kGeometries) {
            CAPTURE(label(info, g));
            const PolicyParams params{.sets = g.sets, .ways = g.ways, .seed = 0x5eed};
            auto a = info.make(params);
            auto b = info.make(params);
            REQUIRE(a->sameState(*b));
            Driver d(g, 3);
            for (int i = 0; i < steps(g); ++i) {
                const Op op = d.next();
                REQUIRE(apply(*a, op) == apply(*b, op));
                if (i % 50 == 0) REQUIRE(a->sameState(*b));
            }
            CHECK(a->sameState(*b));
        }
}

TEST_CASE("policy properties: the seed matters exactly for the randomized policies") {
    const Geometry g{64, 4};
    for (const PolicyInfo& info : policies()) {
        CAPTURE(info.name);
        auto a = info.make(PolicyParams{.sets = g.sets, .ways = g.ways, .seed = 1});
        auto b = info.make(PolicyParams{.sets = g.sets, .ways = g.ways, .seed = 2});
        Driver d(g, 4);
        bool diverged = false;
        for (int i = 0; i < 20000 && !diverged; ++i) {
            const Op op = d.next();
            // Each policy fills its own victim; the driver's valid bits are the same either way.
            diverged = apply(*a, op) != apply(*b, op);
        }
        CHECK(diverged == !info.deterministic);
        if (info.deterministic) CHECK(a->sameState(*b));
        if (!info.deterministic) CHECK_FALSE(a->sameState(*b));
    }
}

TEST_CASE("policy properties: a repeated hit changes nothing where rehitIsIdempotent says so") {
    for (const PolicyInfo& info : policies())
        for (Geometry g : kGeometries) {
            CAPTURE(label(info, g));
            auto p = info.make(PolicyParams{.sets = g.sets, .ways = g.ways, .seed = 9});
            Driver d(g, 5);
            for (int i = 0; i < steps(g); ++i) {
                const Op op = d.next();
                const std::uint32_t w = apply(*p, op);
                // The contract covers a hit right after a hit only: after a fill the cache always
                // passes the first hit on (an RRIP fill inserts at 2 or 3, the hit sets 0).
                if (op.kind != Op::Hit) continue;
                auto before = p->clone();
                p->onHit(op.set, w);
                if (p->rehitIsIdempotent())
                    REQUIRE(p->sameState(*before));
                else if (p->kind() == PolicyKind::Lfu)
                    REQUIRE_FALSE(p->sameState(*before));  // the count went up
                else if (p->kind() == PolicyKind::Opt)
                    REQUIRE(p->sameState(*before));  // no new arrival in between: the same next use again
                else
                    FAIL("unexpected policy with rehitIsIdempotent() false");
            }
        }
}

TEST_CASE("policy properties: after filling every way in order") {
    for (const PolicyInfo& info : policies())
        for (Geometry g : kGeometries) {
            CAPTURE(label(info, g));
            auto p = info.make(PolicyParams{.sets = g.sets, .ways = g.ways, .seed = 13});
            const std::uint32_t s = g.sets - 1;
            for (std::uint32_t w = 0; w < g.ways; ++w) p->onFill(s, w);  // the cache's fill order
            const std::uint32_t v = p->victim(s);
            CHECK(v < g.ways);
            // From the definitions: lru/fifo evict the first filled (way 0), mru the last; nru has
            // only the last way's bit set; lfu has all counts 1; srrip all RRPVs 2: lowest way.
            if (isOneOf(info.name, {"lru", "fifo", "nru", "lfu", "srrip"})) CHECK(v == 0);
            if (info.name == "mru") CHECK(v == g.ways - 1);
        }
}

TEST_CASE("policy properties: the way just filled into a full set is (not) the next victim") {
    // Holds by the definitions for lru, fifo (rank 0 after the fill), plru (the root points to the
    // other half, which always has a real way) and nru (the filled way keeps its bit, another way
    // has a clear one). mru evicts exactly that way. srrip/brrip/drrip/lfu/random can re-evict it
    // (see the srrip and lfu hand-worked tests), so nothing is asserted for them.
    for (const PolicyInfo& info : policies())
        for (Geometry g : kGeometries) {
            if (g.ways == 1) continue;
            CAPTURE(label(info, g));
            auto p = info.make(PolicyParams{.sets = g.sets, .ways = g.ways, .seed = 17});
            Driver d(g, 6);
            int checked = 0;
            for (int i = 0; i < steps(g); ++i) {
                const Op op = d.next();
                const std::uint32_t w = apply(*p, op);
                const bool fill = op.kind == Op::FillEmpty || op.kind == Op::FillVictim;
                if (!fill || !d.isFull(op.set)) continue;
                ++checked;
                if (isOneOf(info.name, {"lru", "fifo", "plru", "nru"})) REQUIRE(p->victim(op.set) != w);
                if (info.name == "mru") REQUIRE(p->victim(op.set) == w);
            }
            CHECK(checked > 0);
        }
}

TEST_CASE("policy properties: an invalidated way is the next victim for lru, fifo and plru") {
    // lru/fifo give it rank ways-1, plru points the whole path toward it. mru gives it the least
    // recent rank, so for mru it is never the victim (ways > 1). For nru, lfu and the RRIP family a
    // lower way with the same bit / count / RRPV wins the tie, so nothing is asserted.
    for (const PolicyInfo& info : policies())
        for (Geometry g : kGeometries) {
            CAPTURE(label(info, g));
            auto p = info.make(PolicyParams{.sets = g.sets, .ways = g.ways, .seed = 19});
            Driver d(g, 7);
            int checked = 0;
            for (int i = 0; i < steps(g); ++i) {
                const Op op = d.next();
                apply(*p, op);
                if (op.kind != Op::Invalidate) continue;
                ++checked;
                if (isOneOf(info.name, {"lru", "fifo", "plru"})) REQUIRE(p->victim(op.set) == op.way);
                if (info.name == "mru" && g.ways > 1) REQUIRE(p->victim(op.set) != op.way);
            }
            CHECK(checked > 0);
        }
}
