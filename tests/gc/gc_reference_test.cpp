// Both collectors against a deliberately naive reference on random object graphs. The reference
// keeps the graph as a multiset of (from, to) pairs and recomputes everything from scratch after
// every event, by fixed-point iteration over all pairs:
//   - reachable: the roots and everything they lead to;
//   - kept by reference counting: what the roots or any object on a cycle lead to (an object on a
//     cycle always has a count of at least 1; anything else unreachable was counted down to 0);
// and checks, after every event: the reader's "unreachable since" is the first event after which
// the reference finds the object unreachable; reference counting holds exactly what the reference
// keeps (so it never frees a reachable object); mark-sweep collects exactly at the events the
// threshold rule names, and after each collection it holds exactly the reachable objects; at the
// end, the leaked cycles hold exactly the kept-but-unreachable objects.

#include <doctest/doctest.h>

#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/gc/run.hpp"
#include "cachescope/gc/trace.hpp"

using namespace cachescope::gc;

namespace {

struct NaiveHeap {
    std::vector<std::uint64_t> size;  // by object number, in order of `new`
    std::set<int> roots;
    std::multiset<std::pair<int, int>> edges;

    /// Everything `start` leads to (start included), by iterating to a fixed point.
    std::vector<bool> closure(std::vector<bool> in) const {
        bool grew = true;
        while (grew) {
            grew = false;
            for (const auto& [from, to] : edges)
                if (in[from] && !in[to]) in[to] = grew = true;
        }
        return in;
    }
    std::vector<bool> reachable() const {
        std::vector<bool> start(size.size(), false);
        for (const int r : roots) start[r] = true;
        return closure(start);
    }
    /// x can reach itself along at least one reference.
    bool onCycle(int x) const {
        std::vector<bool> start(size.size(), false);
        for (const auto& [from, to] : edges)
            if (from == x) start[to] = true;
        return closure(start)[x];
    }
    std::vector<bool> keptByRefCounting() const {
        std::vector<bool> start(size.size(), false);
        for (const int r : roots) start[r] = true;
        for (int x = 0; x < static_cast<int>(size.size()); ++x)
            if (onCycle(x)) start[x] = true;
        return closure(start);
    }
};

/// A random valid trace: every event names only reachable objects, as the format requires.
std::string randomTrace(std::uint32_t seed, int events) {
    std::mt19937 rng(seed);
    NaiveHeap h;
    std::ostringstream os;
    const auto pick = [&rng](const std::vector<int>& from) { return from[rng() % from.size()]; };
    for (int i = 0; i < events; ++i) {
        const std::vector<bool> reach = h.reachable();
        std::vector<int> live, roots(h.roots.begin(), h.roots.end()), nonRoots;
        for (int x = 0; x < static_cast<int>(h.size.size()); ++x)
            if (reach[x]) {
                live.push_back(x);
                if (h.roots.count(x) == 0) nonRoots.push_back(x);
            }
        std::vector<std::pair<int, int>> liveEdges;
        for (const auto& e : h.edges)
            if (reach[e.first]) liveEdges.push_back(e);
        const auto kind = rng() % 100;
        if (live.empty() || kind < 20) {
            const auto size = 1 + rng() % 100;
            os << "new o" << h.size.size() << ' ' << size << (rng() % 2 != 0 ? " Node" : "") << '\n';
            h.roots.insert(static_cast<int>(h.size.size()));
            h.size.push_back(size);
        } else if (kind < 50) {
            const int a = pick(live), b = pick(live);
            os << "ref o" << a << " o" << b << '\n';
            h.edges.insert({a, b});
        } else if (kind < 68 && !liveEdges.empty()) {
            const auto e = liveEdges[rng() % liveEdges.size()];
            os << "unref o" << e.first << " o" << e.second << '\n';
            h.edges.erase(h.edges.find(e));
        } else if (kind < 84 && !roots.empty()) {
            const int a = pick(roots);
            os << "unroot o" << a << '\n';
            h.roots.erase(a);
        } else if (kind < 94 && !nonRoots.empty()) {
            const int a = pick(nonRoots);
            os << "root o" << a << '\n';
            h.roots.insert(a);
        } else {
            os << "collect\n";
        }
    }
    return os.str();
}

void checkAgainstReference(std::uint32_t seed, std::uint64_t threshold) {
    CAPTURE(seed);
    CAPTURE(threshold);
    std::istringstream in(randomTrace(seed, 160));
    const GcTrace trace = readGcTrace(in, "random.gc");
    GcSimulator sim(trace, {threshold});
    NaiveHeap h;
    std::uint64_t sinceCollection = 0;
    std::vector<bool> everUnreachable;
    while (!sim.done()) {
        const GcStep& step = sim.step();
        const GcEvent& ev = *step.event;
        CAPTURE(step.index);
        bool collects = false;
        switch (ev.op) {
            case GcOp::New:
                h.size.push_back(trace.objects[ev.a].size);
                h.roots.insert(static_cast<int>(ev.a));
                everUnreachable.push_back(false);
                sinceCollection += trace.objects[ev.a].size;
                collects = threshold != 0 && sinceCollection >= threshold;
                break;
            case GcOp::Ref: h.edges.insert({static_cast<int>(ev.a), static_cast<int>(ev.b)}); break;
            case GcOp::Unref: h.edges.erase(h.edges.find({static_cast<int>(ev.a), static_cast<int>(ev.b)})); break;
            case GcOp::Root: h.roots.insert(static_cast<int>(ev.a)); break;
            case GcOp::Unroot: h.roots.erase(static_cast<int>(ev.a)); break;
            case GcOp::Collect: collects = true; break;
        }
        if (collects) sinceCollection = 0;
        const std::vector<bool> reach = h.reachable();
        const std::vector<bool> kept = h.keptByRefCounting();
        std::uint64_t reachableBytes = 0;
        for (std::uint32_t x = 0; x < h.size.size(); ++x) {
            CAPTURE(x);
            if (reach[x]) reachableBytes += h.size[x];
            // The reader's ground truth: garbage from the first event after which it is unreachable.
            if (!reach[x] && !everUnreachable[x]) {
                everUnreachable[x] = true;
                CHECK(trace.objects[x].garbageAt == step.index);
            }
            CHECK((sim.refCounting().freedAt(x) == kNever) == kept[x]);
            if (reach[x]) CHECK(sim.markSweep().freedAt(x) == kNever);
            if (collects) CHECK((sim.markSweep().freedAt(x) == kNever) == reach[x]);
        }
        CHECK((step.collection != nullptr) == collects);
        CHECK(step.reachableBytes == reachableBytes);
    }
    // The leaked cycles: exactly what reference counting keeps although nothing reaches it.
    const std::vector<bool> reach = h.reachable();
    const std::vector<bool> kept = h.keptByRefCounting();
    std::vector<bool> listed(h.size.size(), false), cyclic(h.size.size(), false);
    for (const LeakedCycle& c : leakedCycles(sim)) {
        CHECK_FALSE(c.onCycle.empty());
        for (const auto x : c.objects) listed[x] = true;
        for (const auto x : c.onCycle) cyclic[x] = true;
    }
    for (int x = 0; x < static_cast<int>(h.size.size()); ++x) {
        CAPTURE(x);
        if (reach[x]) CHECK(trace.objects[x].garbageAt == kNever);
        CHECK(listed[x] == (kept[x] && !reach[x]));
        CHECK(cyclic[x] == (listed[x] && h.onCycle(x)));
    }
}

}  // namespace

TEST_CASE("gc reference: collectors match the naive reference on random graphs, collecting only at `collect`") {
    for (std::uint32_t seed = 1; seed <= 40; ++seed) checkAgainstReference(seed, 0);
}

TEST_CASE("gc reference: collectors match the naive reference on random graphs with a threshold") {
    for (std::uint32_t seed = 100; seed <= 140; ++seed) checkAgainstReference(seed, 50 + seed % 7 * 60);
}

TEST_CASE("gc reference: the random traces do exercise cycles, cascades and threshold collections") {
    // Guards the two tests above against vacuous traces.
    std::uint64_t leaked = 0, cascades = 0, thresholdCollections = 0;
    for (std::uint32_t seed = 100; seed <= 140; ++seed) {
        std::istringstream in(randomTrace(seed, 160));
        const GcTrace trace = readGcTrace(in, "random.gc");
        const GcStats s = runGc(trace, {50 + seed % 7 * 60});
        leaked += s.leakedCycles.size();
        for (const auto& r : s.rcReleases) cascades += r.objects.size() > 1 ? 1 : 0;
        for (const auto& c : s.collections) thresholdCollections += c.explicitCollect ? 0 : 1;
    }
    CHECK(leaked >= 10);
    CHECK(cascades >= 10);
    CHECK(thresholdCollections >= 10);
}
