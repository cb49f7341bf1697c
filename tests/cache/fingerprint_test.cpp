// The fingerprint filter of narrow sets (Cache::fingerprint, docs/performance.md "Session 8"):
// one byte per way beside the tags names the ways that may hold a line. Two lines of one set can
// share a fingerprint; the filter then offers both ways and the full tag decides. The random
// differentials rarely put two such lines in one set, so here the traces are built from them: the
// lines of one set grouped by fingerprint, every access drawn from a few groups, run through whole
// hierarchies (hot loop, plain miss path, inclusive back-invalidation) and compared with the
// reference model (tests/reference, written apart from src/cache) after every access.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include "cachescope/cache/cache.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/sim/hierarchy.hpp"
#include "reference/differential.hpp"
#include "reference/random_case.hpp"
#include "reference/reference_model.hpp"

using namespace cachescope;

namespace {

std::uint32_t naiveMatch(const std::uint8_t* bytes, std::uint8_t fp) {
    std::uint32_t m = 0;
    for (std::uint32_t b = 0; b < 16; ++b)
        if (bytes[b] == fp) m |= 1u << b;
    return m;
}

reference::Counters countersOfEngine(const Hierarchy& h) {
    reference::Counters c;
    for (const Cache& cache : h.caches()) c.caches.push_back(cache.stats());
    c.memory = h.memory();
    return c;
}

CacheConfig narrowCache(const char* name, std::uint32_t sets, std::uint32_t ways, const std::string& policy) {
    CacheConfig c;
    c.name = name;
    c.lineSize = 64;
    c.associativity = ways;
    c.size = std::uint64_t{sets} * ways * c.lineSize;
    c.replacement = policy;
    c.latency = 1;
    return c;
}

/// Up to `count` lines of set `set` (of `sets`) that share one fingerprint, for each of the
/// `groups` fingerprints with the most lines among the first 20,000 lines of the set.
std::vector<std::vector<std::uint64_t>> collidingGroups(std::uint32_t sets, std::uint32_t set, std::size_t groups,
                                                        std::size_t count) {
    std::map<std::uint8_t, std::vector<std::uint64_t>> byFp;
    for (std::uint64_t k = 0; k < 20'000; ++k) {
        const std::uint64_t line = set + k * sets;
        byFp[Cache::fingerprint(line)].push_back(line);
    }
    std::vector<std::vector<std::uint64_t>> out;
    for (auto& [fp, lines] : byFp) {
        if (out.size() == groups) break;
        if (lines.size() >= count) out.emplace_back(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(count));
    }
    return out;
}

}  // namespace

TEST_CASE("fingerprint filter: the SSE2 and portable matches equal a byte loop") {
    std::mt19937_64 rng(12);
    const std::uint8_t values[] = {0x00, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x01};
    std::uint8_t bytes[16];
    for (int i = 0; i < 20'000; ++i) {
        for (auto& b : bytes) b = (rng() & 1) != 0 ? values[rng() % 7] : static_cast<std::uint8_t>(rng());
        const std::uint8_t fp = (rng() & 1) != 0 ? values[rng() % 7] : static_cast<std::uint8_t>(rng());
        const std::uint32_t want = naiveMatch(bytes, fp);
        REQUIRE(Cache::matchFingerprints(bytes, fp) == want);
        REQUIRE(Cache::matchFingerprintsSwar(bytes, fp) == want);
    }
    // Hand-worked: ways 0, 5 and 15 hold 0x93; byte 7 is empty (0).
    std::uint8_t set[16] = {0x93, 0x80, 0x81, 0x82, 0x83, 0x93, 0x84, 0x00, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x93};
    CHECK(Cache::matchFingerprints(set, 0x93) == ((1u << 0) | (1u << 5) | (1u << 15)));
    CHECK(Cache::matchFingerprintsSwar(set, 0x93) == ((1u << 0) | (1u << 5) | (1u << 15)));
    CHECK(Cache::matchFingerprints(set, 0) == (1u << 7));
    CHECK(Cache::matchFingerprintsSwar(set, 0) == (1u << 7));
}

TEST_CASE("fingerprint filter: a fingerprint is never 0 (the byte of an empty way)") {
    std::uint32_t seen[256] = {};
    for (std::uint64_t line = 0; line < 100'000; ++line) {
        const std::uint8_t fp = Cache::fingerprint(line * 64 + 3);
        REQUIRE(fp >= 0x80);
        ++seen[fp];
    }
    // 7 bits of hash: all 128 values occur, none more than twice its share.
    for (std::uint32_t v = 0x80; v < 0x100; ++v) {
        CHECK(seen[v] > 0);
        CHECK(seen[v] < 2 * 100'000 / 128);
    }
}

TEST_CASE("fingerprint filter: lines sharing a fingerprint in one set, against the reference model") {
    struct Shape {
        std::uint32_t l1Ways, l2Ways;  // l2Ways 0: a single level
        Inclusion l2Inclusion;
    };
    const Shape shapes[] = {{8, 0, Inclusion::Nine},  {16, 0, Inclusion::Nine},      {4, 0, Inclusion::Nine},
                            {12, 0, Inclusion::Nine}, {1, 0, Inclusion::Nine},       {8, 4, Inclusion::Nine},
                            {8, 16, Inclusion::Inclusive}, {4, 4, Inclusion::Inclusive}};
    for (const std::string& policy : reference::modelledPolicies()) {
        for (const Shape& shape : shapes) {
            CAPTURE(policy);
            CAPTURE(shape.l1Ways);
            CAPTURE(shape.l2Ways);
            SimConfig config;
            config.name = "collisions";
            config.caches.push_back(narrowCache("L1", 8, shape.l1Ways, policy));
            if (shape.l2Ways != 0) {
                // The same 8 sets below, so the L1's colliding lines collide in the L2's set too.
                config.caches.push_back(narrowCache("L2", 8, shape.l2Ways, policy));
                config.caches.back().inclusion = shape.l2Inclusion;
            }
            validate(config);
            const std::uint32_t set = 5;
            const std::size_t ways = std::max(shape.l1Ways, shape.l2Ways);
            const auto groups = collidingGroups(8, set, 3, ways + 3);
            REQUIRE(groups.size() == 3);
            std::vector<std::uint64_t> pool;
            for (const auto& g : groups) pool.insert(pool.end(), g.begin(), g.end());
            pool.push_back(set + 8 * 7);  // and a neighbour set's worth of other traffic
            pool.push_back(set + 1);

            std::mt19937_64 rng(shape.l1Ways * 100 + shape.l2Ways);
            std::vector<Access> trace;
            for (int i = 0; i < 3'000; ++i) {
                // Mostly one group at a time, so its lines fill the set together.
                const auto& g = groups[(i / 200) % 3];
                const std::uint64_t line = (rng() % 8) != 0 ? g[rng() % g.size()] : pool[rng() % pool.size()];
                const auto kind = (rng() % 4) == 0 ? AccessKind::Write : AccessKind::Read;
                trace.push_back(Access{line * 64 + rng() % 60, 4, kind});
            }

            Hierarchy engine(config);
            reference::ReferenceModel ref(config);
            std::size_t mostSharing = 0;  // the most lines of one fingerprint seen in the L1's set at once
            bool agreed = true;
            for (std::size_t i = 0; i < trace.size() && agreed; ++i) {
                engine.access(trace[i]);
                ref.access(trace[i]);
                const std::string d =
                    reference::firstDifference(config, countersOfEngine(engine), reference::countersOf(ref));
                if (!d.empty()) {
                    FAIL_CHECK("differs after access " << i << ": " << d);
                    agreed = false;
                }
                const Cache& l1 = engine.caches()[0];
                std::map<std::uint8_t, std::size_t> sharing;
                for (std::uint32_t w = 0; w < l1.ways(); ++w)
                    if (l1.lineAt(set, w).valid)
                        mostSharing = std::max(mostSharing, ++sharing[Cache::fingerprint(l1.lineAt(set, w).line)]);
            }
            CHECK(agreed);
            // The trace did what it is for: one set held several lines of one fingerprint.
            CHECK(mostSharing >= std::min<std::size_t>(shape.l1Ways, 2));
            for (const Cache& c : engine.caches()) CHECK(c.fingerprintsConsistent());
            CHECK(engine.caches()[0].stats().misses() > 100);
            CHECK(engine.caches()[0].stats().accesses() - engine.caches()[0].stats().misses() > 100);
        }
    }
}

TEST_CASE("fingerprint filter: bytes follow fills, evictions, invalidations and copies") {
    CacheConfig cfg = narrowCache("L1", 4, 12, "lru");
    Cache cache(cfg, 1);
    CHECK(cache.fingerprintsConsistent());
    std::mt19937_64 rng(3);
    std::vector<std::uint64_t> lines;
    for (std::uint64_t k = 0; k < 40; ++k) lines.push_back(k * 4 + 1);  // all in set 1
    for (int i = 0; i < 2'000; ++i) {
        const std::uint64_t line = lines[rng() % lines.size()];
        const std::uint32_t way = cache.find(line);
        // The filtered find agrees with a scan of the tags.
        std::uint32_t scanned = Cache::kNoWay;
        for (std::uint32_t w = 0; w < cache.ways(); ++w)
            if (cache.lineAt(1, w).valid && cache.lineAt(1, w).line == line) scanned = w;
        REQUIRE(way == scanned);
        if (way == Cache::kNoWay)
            cache.fill(line, false);
        else if (rng() % 3 == 0)
            cache.invalidate(1, way);
        else
            cache.touch(1, way);
        REQUIRE(cache.fingerprintsConsistent());
    }
    const Cache copy = cache;
    CHECK(copy.fingerprintsConsistent());
    for (const std::uint64_t line : lines) CHECK(copy.find(line) == cache.find(line));
}
