// Random configs and traces for the differential tests; see random_case.hpp.

#include "random_case.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <random>
#include <sstream>

#include "cachescope/config/topology.hpp"

namespace cachescope::reference {

namespace {

using Rng = std::mt19937_64;

// Own uniform draw (std::uniform_int_distribution is not specified bit-for-bit across libraries;
// this is). The tiny modulo bias does not matter here.
std::uint64_t between(Rng& r, std::uint64_t lo, std::uint64_t hi) { return lo + r() % (hi - lo + 1); }
bool chance(Rng& r, unsigned percent) { return between(r, 0, 99) < percent; }

template <class Container>
auto pick(Rng& r, const Container& v) {
    return v[between(r, 0, v.size() - 1)];
}

constexpr std::array<std::uint32_t, 3> kLineSizes{16, 32, 64};
constexpr std::array<std::uint64_t, 11> kFullLines{2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64};
constexpr std::array<std::uint32_t, 4> kSmallSizes{1, 2, 4, 8};

std::uint32_t randomLineSize(Rng& r) { return pick(r, kLineSizes); }

// Geometry: 2..64 lines; associativity 1, 2, 3, 4 or full; set counts powers of two.
void randomGeometry(Rng& r, CacheConfig& c) {
    const unsigned choice = static_cast<unsigned>(between(r, 0, 4));
    std::uint64_t lines = 0;
    if (choice == 4) {
        c.fullyAssociative = true;
        // Fully associative: one set, any of these line counts (not only powers of two).
        lines = pick(r, kFullLines);
        c.associativity = static_cast<std::uint32_t>(lines);
    } else {
        const std::uint32_t ways = choice + 1;
        std::vector<std::uint64_t> setCounts;
        for (std::uint64_t sets = 1; sets * ways <= 64; sets *= 2)
            if (sets * ways >= 2) setCounts.push_back(sets);
        lines = pick(r, setCounts) * ways;
        c.associativity = ways;
    }
    c.size = lines * c.lineSize;
}

// Wide geometry: more than 16 ways per set (Cache::kWideWays), set-associative with 1..4 sets or
// fully associative with up to 1000 lines (not only powers of two).
constexpr std::array<std::uint32_t, 7> kWideWays{17, 20, 32, 33, 64, 96, 128};
constexpr std::array<std::uint64_t, 6> kWideFullLines{17, 48, 100, 256, 500, 1000};
void randomWideGeometry(Rng& r, CacheConfig& c) {
    std::uint64_t lines = 0;
    if (chance(r, 50)) {
        c.fullyAssociative = true;
        lines = pick(r, kWideFullLines);
        c.associativity = static_cast<std::uint32_t>(lines);
    } else {
        c.associativity = pick(r, kWideWays);
        lines = (std::uint64_t{1} << between(r, 0, 2)) * c.associativity;
    }
    c.size = lines * c.lineSize;
}

// Plain geometry: 1, 2, 4, 8, 12 or 16 ways (the widths real caches have, all scanned: at most
// Cache::kWideWays), 2..64 lines, set counts powers of two.
constexpr std::array<std::uint32_t, 6> kPlainWays{1, 2, 4, 8, 12, 16};
void randomPlainGeometry(Rng& r, CacheConfig& c) {
    const std::uint32_t ways = pick(r, kPlainWays);
    std::vector<std::uint64_t> setCounts;
    for (std::uint64_t sets = 1; sets * ways <= 64; sets *= 2)
        if (sets * ways >= 2) setCounts.push_back(sets);
    c.associativity = ways;
    c.size = pick(r, setCounts) * ways * c.lineSize;
}

}  // namespace

const char* familyName(Family f) {
    switch (f) {
    case Family::SingleLevel: return "single level";
    case Family::TwoLevelNine: return "two levels NINE";
    case Family::WriteMix: return "write-through/no-allocate mix";
    case Family::Inclusive: return "inclusive";
    case Family::Exclusive: return "exclusive";
    case Family::SplitL1: return "split L1";
    case Family::ThreeLevels: return "three levels";
    case Family::Wide: return "wide sets";
    case Family::Plain: return "plain chains";
    }
    return "?";
}

const std::vector<std::string>& modelledPolicies() {
    static const std::vector<std::string> names{"lru", "fifo", "plru", "nru", "lfu", "mru", "srrip"};
    return names;
}

RandomCase makeCase(Family family, std::uint64_t seed) {
    Rng r(seed);
    RandomCase rc;
    rc.family = family;
    rc.seed = seed;
    SimConfig& cfg = rc.config;
    cfg.name = std::string("random ") + familyName(family);
    cfg.seed = seed;

    // ---- shape: number of levels, split first level ------------------------------------------
    unsigned levels = 1;
    bool split = false;
    switch (family) {
    case Family::SingleLevel: levels = 1; break;
    case Family::TwoLevelNine: levels = 2; break;
    case Family::WriteMix: levels = static_cast<unsigned>(between(r, 1, 3)); break;
    case Family::Inclusive:
    case Family::Exclusive:
        levels = static_cast<unsigned>(between(r, 2, 3));
        split = chance(r, 25);
        break;
    case Family::SplitL1:
        levels = static_cast<unsigned>(between(r, 1, 3));
        split = true;
        break;
    case Family::ThreeLevels:
        levels = 3;
        split = chance(r, 30);
        break;
    case Family::Wide:
        levels = static_cast<unsigned>(between(r, 1, 3));
        split = chance(r, 20);
        break;
    case Family::Plain:
        levels = static_cast<unsigned>(between(r, 1, 3));
        split = chance(r, 25);
        break;
    }

    // ---- inclusion per level (level 1 is always NINE) -----------------------------------------
    std::vector<Inclusion> inclusion(levels + 1, Inclusion::Nine);  // index = level, 1-based
    const std::vector<Inclusion> all{Inclusion::Nine, Inclusion::Inclusive, Inclusion::Exclusive};
    for (unsigned l = 2; l <= levels; ++l) {
        switch (family) {
        case Family::Inclusive: inclusion[l] = chance(r, 70) ? Inclusion::Inclusive : Inclusion::Nine; break;
        case Family::Exclusive:
            inclusion[l] = chance(r, 60) ? Inclusion::Exclusive : pick(r, all);
            break;
        case Family::SplitL1:
        case Family::ThreeLevels:
        case Family::Wide: inclusion[l] = pick(r, all); break;
        case Family::Plain: inclusion[l] = chance(r, 50) ? Inclusion::Inclusive : Inclusion::Nine; break;
        default: break;
        }
    }
    if (family == Family::Inclusive &&
        std::find(inclusion.begin(), inclusion.end(), Inclusion::Inclusive) == inclusion.end())
        inclusion[between(r, 2, levels)] = Inclusion::Inclusive;
    if (family == Family::Exclusive &&
        std::find(inclusion.begin(), inclusion.end(), Inclusion::Exclusive) == inclusion.end())
        inclusion[between(r, 2, levels)] = Inclusion::Exclusive;

    // Every level at or above the deepest inclusive/exclusive one shares its line size; every level
    // at or above the deepest exclusive one is write-back + write-allocate.
    unsigned deepestIncOrExc = 0, deepestExc = 0;
    for (unsigned l = 2; l <= levels; ++l) {
        if (inclusion[l] != Inclusion::Nine) deepestIncOrExc = l;
        if (inclusion[l] == Inclusion::Exclusive) deepestExc = l;
    }
    const std::uint32_t sharedLine = randomLineSize(r);
    // Not generated: a side without a first-level cache above an exclusive cache (e.g. [L1D, L2
    // exclusive]): CPU references would reach the exclusive cache directly, a case docs/semantics.md
    // does not settle (see reference_model.hpp). Split configs always have both L1I and L1D.

    for (unsigned l = 1; l <= levels; ++l) {
        const bool splitHere = l == 1 && split;
        for (unsigned part = 0; part < (splitHere ? 2u : 1u); ++part) {
            CacheConfig c;
            if (splitHere) {
                c.name = part == 0 ? "L1I" : "L1D";
                c.holds = part == 0 ? Holds::Instructions : Holds::Data;
            } else {
                c.name = "L" + std::to_string(l);
                c.holds = Holds::Both;
                // A lone cache sometimes holds one side only: the other side then goes to memory.
                if (levels == 1 && chance(r, 15)) c.holds = chance(r, 50) ? Holds::Data : Holds::Instructions;
                if (c.holds == Holds::Data) c.name += "D";
                if (c.holds == Holds::Instructions) c.name += "I";
            }
            c.lineSize = l <= deepestIncOrExc || family == Family::Plain ? sharedLine : randomLineSize(r);
            if (family == Family::Wide)
                randomWideGeometry(r, c);
            else if (family == Family::Plain)
                randomPlainGeometry(r, c);
            else
                randomGeometry(r, c);
            c.replacement = pick(r, modelledPolicies());
            if (family == Family::SingleLevel || (family == Family::Wide && l == 1))
                c.replacement = modelledPolicies()[seed % modelledPolicies().size()];
            c.inclusion = inclusion[l];
            c.latency = static_cast<std::uint32_t>(between(r, 1, 20));
            unsigned wtPercent = 0, noAllocPercent = 0;
            switch (family) {
            case Family::TwoLevelNine: wtPercent = 10; noAllocPercent = 10; break;
            case Family::WriteMix: wtPercent = 50; noAllocPercent = 50; break;
            case Family::Plain: break;  // write-back + write-allocate everywhere
            default: wtPercent = 25; noAllocPercent = 25; break;
            }
            if (l > deepestExc) {
                c.writePolicy = chance(r, wtPercent) ? WritePolicy::WriteThrough : WritePolicy::WriteBack;
                c.writeAllocate = !chance(r, noAllocPercent);
            }
            cfg.caches.push_back(c);
        }
    }
    cfg.memory.latency = static_cast<std::uint32_t>(between(r, 50, 200));

    // ---- trace ------------------------------------------------------------------------------------
    std::uint64_t largest = 0;
    for (const CacheConfig& c : cfg.caches) largest = std::max(largest, c.size);
    const std::uint32_t line = cfg.caches.front().lineSize;
    const std::uint64_t maxSize = 2 * std::uint64_t{line};
    const std::uint64_t range = largest * between(r, 1, 4);  // a few times the largest cache: hits and conflicts
    std::uint64_t base = 0;
    switch (between(r, 0, 3)) {
    case 0: base = 0; break;
    case 1: base = between(r, 0, std::uint64_t{1} << 48) * 4096; break;  // high but far from the top
    case 2: base = between(r, 0, 1000); break;                              // unaligned
    default: base = std::numeric_limits<std::uint64_t>::max() - range - maxSize + 1; break;  // at the very top
    }
    const unsigned readW = static_cast<unsigned>(between(r, 1, 10));
    const unsigned writeW = static_cast<unsigned>(between(r, 0, 10));
    unsigned fetchW = static_cast<unsigned>(between(r, 0, 6));
    for (const CacheConfig& c : cfg.caches)
        if (c.holds == Holds::Instructions) fetchW = std::max(fetchW, 3u);  // give the I side work
    // 200..2000 accesses, skewed toward short traces (mean about 650) to keep the suite fast.
    std::size_t n = 200 + between(r, 0, 1800) * between(r, 0, 1800) / 1800;
    // Wide caches hold up to 1000 lines: enough accesses to fill them and evict many times.
    if (family == Family::Wide) n = 4000 + between(r, 0, 4000);
    std::vector<std::uint64_t> pool;  // recently used offsets: temporal locality
    std::uint64_t previous = 0;
    for (std::size_t i = 0; i < n; ++i) {
        Access a;
        const std::uint64_t k = between(r, 0, readW + writeW + fetchW - 1);
        a.kind = k < readW ? AccessKind::Read : k < readW + writeW ? AccessKind::Write : AccessKind::Fetch;
        std::uint64_t offset = 0;
        const unsigned how = static_cast<unsigned>(between(r, 0, 9));
        if (how < 4 && !pool.empty())
            offset = pick(r, pool) + between(r, 0, 7);
        else if (how < 6)
            offset = previous + between(r, 1, 2 * line);
        else
            offset = between(r, 0, range - 1);
        offset %= range;
        previous = offset;
        if (pool.size() < 16)
            pool.push_back(offset);
        else
            pool[between(r, 0, 15)] = offset;
        a.size = chance(r, 70) ? pick(r, kSmallSizes) : static_cast<std::uint32_t>(between(r, 1, maxSize));
        a.address = base + offset;  // base + range + maxSize - 1 <= 2^64 - 1: address + size <= 2^64
        rc.trace.push_back(a);
    }
    return rc;
}

std::string describeConfig(const SimConfig& config) {
    auto wp = [](WritePolicy p) { return p == WritePolicy::WriteBack ? "write_back" : "write_through"; };
    auto inc = [](Inclusion i) {
        return i == Inclusion::Nine ? "nine" : i == Inclusion::Inclusive ? "inclusive" : "exclusive";
    };
    auto holds = [](Holds h) { return h == Holds::Both ? "both" : h == Holds::Data ? "data" : "instructions"; };
    std::ostringstream os;
    os << "{ \"name\": \"" << config.name << "\", \"seed\": " << config.seed << ",\n  \"caches\": [\n";
    for (std::size_t i = 0; i < config.caches.size(); ++i) {
        const CacheConfig& c = config.caches[i];
        os << "    { \"name\": \"" << c.name << "\", \"size\": " << c.size << ", \"line_size\": " << c.lineSize
           << ", \"associativity\": ";
        if (c.fullyAssociative)
            os << "\"full\"";
        else
            os << c.associativity;
        os << ", \"replacement\": \"" << c.replacement << "\", \"write_policy\": \"" << wp(c.writePolicy)
           << "\", \"write_allocate\": " << (c.writeAllocate ? "true" : "false") << ", \"inclusion\": \""
           << inc(c.inclusion) << "\", \"holds\": \"" << holds(c.holds) << "\", \"latency\": " << c.latency << " }"
           << (i + 1 < config.caches.size() ? ",\n" : "\n");
    }
    os << "  ],\n  \"memory\": { \"latency\": " << config.memory.latency << " } }";
    return os.str();
}

std::string describeTrace(const std::vector<Access>& trace) {
    std::ostringstream os;
    for (const Access& a : trace)
        os << toString(a.kind) << " 0x" << std::hex << a.address << std::dec << ' ' << a.size << '\n';
    return os.str();
}

std::string checkRules(const SimConfig& config) {
    const Topology t = computeTopology(config.caches);
    for (std::size_t i = 0; i < config.caches.size(); ++i) {
        const CacheConfig& c = config.caches[i];
        const std::string where = c.name + ": ";
        auto pow2 = [](std::uint64_t x) { return x != 0 && (x & (x - 1)) == 0; };
        if (!pow2(c.lineSize)) return where + "line size not a power of two";
        if (c.size == 0 || c.size % c.lineSize != 0) return where + "size not a multiple of the line size";
        if (c.ways() == 0 || c.lines() % c.ways() != 0) return where + "ways do not divide lines";
        if (!pow2(c.sets())) return where + "set count not a power of two";
        if (!t.reachable[i]) return where + "unreachable";
        if (c.inclusion == Inclusion::Exclusive && t.level[i] == 1) return where + "first level exclusive";
        if (c.inclusion == Inclusion::Exclusive) {
            std::vector<std::uint32_t> group = t.above[i];
            group.push_back(static_cast<std::uint32_t>(i));
            for (std::uint32_t a : group) {
                const CacheConfig& u = config.caches[a];
                if (u.writePolicy != WritePolicy::WriteBack || !u.writeAllocate)
                    return where + "exclusive, but " + u.name + " is not write-back + write-allocate";
                if (u.lineSize != c.lineSize) return where + "exclusive, but " + u.name + " has another line size";
            }
        }
        if (c.inclusion == Inclusion::Inclusive)
            for (std::uint32_t a : t.above[i])
                if (config.caches[a].lineSize != c.lineSize)
                    return where + "inclusive, but " + config.caches[a].name + " has another line size";
    }
    return "";
}

}  // namespace cachescope::reference
