// Random configs with an mmu and random traces; counter comparison. See mmu_random_case.hpp.

#include "mmu_random_case.hpp"

#include <array>
#include <random>

#include "reference/random_case.hpp"

namespace cachescope::reference {

namespace {

using Rng = std::mt19937_64;

std::uint64_t between(Rng& r, std::uint64_t lo, std::uint64_t hi) { return lo + r() % (hi - lo + 1); }
bool chance(Rng& r, unsigned percent) { return between(r, 0, 99) < percent; }
template <class Container>
auto pick(Rng& r, const Container& v) {
    return v[between(r, 0, v.size() - 1)];
}

constexpr std::uint64_t kPage = 4096;
constexpr bool kHugeLeafWalkCaches = true;
constexpr std::uint64_t MiB = 1024 * 1024;

TlbConfig randomTlb(Rng& r, const char* name, Holds holds) {
    TlbConfig t;
    t.name = name;
    t.holds = holds;
    t.entries = static_cast<std::uint32_t>(pick(r, std::array<std::uint32_t, 4>{2, 4, 8, 16}));
    if (chance(r, 30)) {
        t.fullyAssociative = true;
        t.associativity = t.entries;
    } else {
        std::vector<std::uint32_t> ways;
        for (std::uint32_t w : {1u, 2u, 4u})
            if (w <= t.entries) ways.push_back(w);
        t.associativity = pick(r, ways);
    }
    t.replacement = pick(r, modelledPolicies());
    t.latency = static_cast<std::uint32_t>(between(r, 1, 3));
    return t;
}

CacheConfig randomCache(Rng& r, const char* name, Holds holds, std::uint32_t lineSize) {
    CacheConfig c;
    c.name = name;
    c.holds = holds;
    c.lineSize = lineSize;
    const std::uint32_t ways = static_cast<std::uint32_t>(pick(r, std::array<std::uint32_t, 4>{1, 2, 4, 8}));
    const std::uint64_t sets = pick(r, std::array<std::uint64_t, 4>{1, 2, 4, 8});
    c.associativity = ways;
    c.size = sets * ways * lineSize;
    c.replacement = pick(r, modelledPolicies());
    c.latency = static_cast<std::uint32_t>(between(r, 1, 10));
    if (chance(r, 15)) c.writePolicy = WritePolicy::WriteThrough;
    if (chance(r, 15)) c.writeAllocate = false;
    return c;
}

}  // namespace

MmuCase makeProcessCase(std::uint64_t seed) {
    MmuCase mc = makeMmuCase(seed);
    Rng r(seed ^ 0x9E3779B97F4A7C15ULL);
    const std::uint64_t processes = 2 + r() % 3;
    for (TlbConfig& t : mc.config.tlbs) t.asid = r() % 2 == 0;
    mc.config.mmu->pageReplacementScope = r() % 2 == 0 ? PageReplacementScope::Local : PageReplacementScope::Global;
    for (std::size_t i = 0; i < mc.trace.size();) {
        const std::size_t turn = 1 + r() % 40;
        const auto process = static_cast<std::uint8_t>(r() % processes);
        for (std::size_t k = 0; k < turn && i < mc.trace.size(); ++k, ++i) mc.trace[i].process = process;
    }
    return mc;
}

MmuCase makeMmuCase(std::uint64_t seed) {
    Rng r(seed);
    MmuCase mc;
    mc.seed = seed;
    SimConfig& cfg = mc.config;
    cfg.name = "random mmu";
    cfg.seed = between(r, 0, 1'000'000);
    cfg.addressing = Addressing::Physical;
    cfg.memory.latency = static_cast<std::uint32_t>(between(r, 20, 200));

    // ---- mmu ---------------------------------------------------------------------------------
    MmuConfig m;
    const bool fourLevels = chance(r, 50);
    if (fourLevels) {
        m.bitsPerLevel = {9, 9, 9, 9};
        m.pteSize = 8;
    } else {
        m.bitsPerLevel = {10, 10};
        m.pteSize = 4;
    }
    m.pageSize = kPage;
    m.physicalMemory = between(r, 4, 32) * kPage;
    m.frameAllocation = chance(r, 50) ? FrameAllocation::Sequential : FrameAllocation::Random;
    m.pageReplacement = pick(r, std::array<PageReplacementKind, 3>{PageReplacementKind::Fifo, PageReplacementKind::Lru,
                                                                   PageReplacementKind::Clock});
    m.pageFaultLatency = static_cast<std::uint32_t>(between(r, 0, 1000));
    // Huge pages: 2 MiB (leaf at level 2) with 4 levels, 4 MiB (leaf at level 0) with 2 levels; the
    // range starts at region 8..11 of that size, away from the normal clusters below.
    // With 4 levels, a quarter of the huge ranges use 1 GiB pages (leaf at level 1), regions 8..11 GiB.
    const std::uint64_t hugeSize = !fourLevels ? 4 * MiB : chance(r, 25) ? 1024 * MiB : 2 * MiB;
    // (validate() accepts huge pages only at a level >= 1, so none with 2 levels: their 4 MiB leaf
    // would be the root.)
    const bool huge = chance(r, 25) && fourLevels;
    if (huge) {
        HugePageRange h;
        h.pageSize = hugeSize;
        h.base = between(r, 8, 11) * hugeSize;
        h.size = between(r, 1, 2) * hugeSize;
        m.hugePages.push_back(h);
    }
    // Walk caches at or below a huge page's leaf level are generated too (they must not be looked up
    // for that page, docs/mmu.md step 3); kHugeLeafWalkCaches turns that off.
    const bool skipWalkCaches = huge && !fourLevels && !kHugeLeafWalkCaches;
    if (!skipWalkCaches && chance(r, 40)) {
        std::uint32_t maxLevel = static_cast<std::uint32_t>(m.bitsPerLevel.size() - 2);
        if (huge && fourLevels && !kHugeLeafWalkCaches) maxLevel = hugeSize == 2 * MiB ? 1 : 0;  // leaf 2 or 1
        const std::uint64_t count = between(r, 1, 2);
        for (std::uint64_t i = 0; i < count; ++i) {
            WalkCacheConfig w;
            w.level = static_cast<std::uint32_t>(between(r, 0, maxLevel));
            w.entries = static_cast<std::uint32_t>(pick(r, std::array<std::uint32_t, 3>{2, 4, 8}));
            if (chance(r, 40)) {
                w.fullyAssociative = true;
                w.associativity = w.entries;
            } else {
                w.associativity = static_cast<std::uint32_t>(pick(r, std::array<std::uint32_t, 2>{1, 2}));
            }
            w.replacement = pick(r, modelledPolicies());
            w.latency = static_cast<std::uint32_t>(between(r, 1, 3));
            m.walkCaches.push_back(w);
        }
    }

    // ---- caches: 1-2 levels, L1 sometimes split; L2 sometimes inclusive --------------------------
    const std::uint32_t line = chance(r, 50) ? 32 : 64;
    const bool split = chance(r, 30);
    const bool twoLevels = chance(r, 50);
    if (split) {
        cfg.caches.push_back(randomCache(r, "L1I", Holds::Instructions, line));
        cfg.caches.push_back(randomCache(r, "L1D", Holds::Data, line));
    } else {
        cfg.caches.push_back(randomCache(r, "L1", Holds::Both, line));
    }
    if (twoLevels) {
        CacheConfig l2 = randomCache(r, "L2", Holds::Both, line);
        l2.size *= 4;
        if (chance(r, 25)) l2.inclusion = Inclusion::Inclusive;
        cfg.caches.push_back(l2);
    }
    const unsigned entry = static_cast<unsigned>(between(r, 0, 99));
    if (entry >= 80 && twoLevels)
        m.walkEntry = "L2";
    else if (entry >= 55)
        m.walkEntry = "memory";
    cfg.mmu = m;

    // ---- TLBs ---------------------------------------------------------------------------------
    switch (between(r, 0, 6)) {
        case 0:
            cfg.tlbs = {randomTlb(r, "TLB", Holds::Both)};
            break;
        case 1:
            cfg.tlbs = {randomTlb(r, "ITLB", Holds::Instructions), randomTlb(r, "DTLB", Holds::Data)};
            break;
        case 2:
            cfg.tlbs = {randomTlb(r, "ITLB", Holds::Instructions), randomTlb(r, "DTLB", Holds::Data),
                        randomTlb(r, "STLB", Holds::Both)};
            break;
        case 3:
            cfg.tlbs = {randomTlb(r, "TLB1", Holds::Both), randomTlb(r, "TLB2", Holds::Both)};
            break;
        case 4:
            cfg.tlbs = {randomTlb(r, "DTLB", Holds::Data)};
            break;  // fetches walk every time
        case 5:
            cfg.tlbs = {randomTlb(r, "ITLB", Holds::Instructions)};
            break;  // reads and writes walk every time
        default:
            break;  // no TLB: every piece walks
    }

    // ---- the page pool: a few clusters of consecutive pages ------------------------------------
    std::vector<std::uint64_t> pool;  // virtual page numbers (4 KiB)
    const std::uint64_t clusters = between(r, 2, 5);
    for (std::uint64_t c = 0; c < clusters; ++c) {
        std::uint64_t base = 0;
        if (fourLevels) {
            // indices: level 0 and 1 in 0..2, level 2 in 0..3, level 3 any (huge ranges use level-2 or
            // level-1 indices 8..12).
            base = (between(r, 0, 2) << 27) | (between(r, 0, 2) << 18) | (between(r, 0, 3) << 9) | between(r, 0, 505);
        } else {
            // level 0 in {0, 1, 2, 1023} (the huge range uses 8..12), level 1 up to 1014.
            base = (pick(r, std::array<std::uint64_t, 4>{0, 1, 2, 1023}) << 10) | between(r, 0, 1014);
        }
        const std::uint64_t n = between(r, 2, 9);
        for (std::uint64_t i = 0; i < n; ++i) pool.push_back(base + i);
    }
    if (huge) {
        const HugePageRange& h = cfg.mmu->hugePages[0];
        const std::uint64_t first = h.base / kPage;
        const std::uint64_t pages = h.size / kPage;
        for (int i = 0; i < 6; ++i) pool.push_back(first + between(r, 0, pages - 1));
        pool.push_back(first + pages - 1);  // the last 4 KiB of the range: crossings leave it
    }

    // ---- the trace ----------------------------------------------------------------------------
    const std::uint64_t length = between(r, 300, 500);
    for (std::uint64_t i = 0; i < length; ++i) {
        Access a;
        const std::uint64_t vpn = pick(r, pool);
        const unsigned k = static_cast<unsigned>(between(r, 0, 99));
        a.kind = k < 15 ? AccessKind::Fetch : k < 45 ? AccessKind::Write : AccessKind::Read;
        if (chance(r, 5)) {
            a.size = pick(r, std::array<std::uint32_t, 3>{16, 48, 64});  // crosses lines, sometimes the page
            a.address = vpn * kPage + between(r, 0, kPage - 1);
        } else if (chance(r, 12)) {
            a.size = 8;
            a.address = vpn * kPage + kPage - between(r, 1, 7);  // crosses into the next page
        } else {
            a.size = pick(r, std::array<std::uint32_t, 4>{1, 2, 4, 8});
            a.address = vpn * kPage + between(r, 0, kPage - 8);
        }
        mc.trace.push_back(a);
    }
    return mc;
}

std::string describeMmuConfig(const SimConfig& config) {
    std::ostringstream os;
    os << describeConfig(config) << "\n";
    auto holds = [](Holds h) { return h == Holds::Both ? "both" : h == Holds::Data ? "data" : "instructions"; };
    for (const TlbConfig& t : config.tlbs)
        os << "  tlb { \"name\": \"" << t.name << "\", \"entries\": " << t.entries << ", \"associativity\": "
           << (t.fullyAssociative ? std::string("\"full\"") : std::to_string(t.associativity))
           << ", \"replacement\": \"" << t.replacement << "\", \"latency\": " << t.latency << ", \"holds\": \""
           << holds(t.holds) << "\", \"asid\": " << (t.asid ? "true" : "false") << " }\n";
    if (config.mmu) {
        const MmuConfig& m = *config.mmu;
        os << "  mmu { \"page_size\": " << m.pageSize << ", \"bits_per_level\": [";
        for (std::size_t i = 0; i < m.bitsPerLevel.size(); ++i) os << (i ? ", " : "") << m.bitsPerLevel[i];
        os << "], \"pte_size\": " << m.pteSize << ", \"physical_memory\": " << m.physicalMemory
           << ", \"frame_allocation\": \""
           << (m.frameAllocation == FrameAllocation::Sequential ? "sequential" : "random")
           << "\", \"page_replacement\": \""
           << (m.pageReplacement == PageReplacementKind::Fifo  ? "fifo"
               : m.pageReplacement == PageReplacementKind::Lru ? "lru"
                                                               : "clock")
           << "\", \"page_replacement_scope\": \""
           << (m.pageReplacementScope == PageReplacementScope::Local ? "local" : "global")
           << "\", \"walk_entry\": \"" << m.walkEntry << "\", \"page_fault_latency\": " << m.pageFaultLatency
           << ",\n    \"huge_pages\": [";
        for (const HugePageRange& h : m.hugePages)
            os << "{ \"base\": " << h.base << ", \"size\": " << h.size << ", \"page_size\": " << h.pageSize << " }";
        os << "], \"walk_caches\": [";
        for (const WalkCacheConfig& w : m.walkCaches)
            os << "{ \"level\": " << w.level << ", \"entries\": " << w.entries << ", \"associativity\": "
               << (w.fullyAssociative ? std::string("\"full\"") : std::to_string(w.associativity))
               << ", \"replacement\": \"" << w.replacement << "\", \"latency\": " << w.latency << " } ";
        os << "] }";
    }
    return os.str();
}

MmuCounters mmuCountersOf(const ReferenceModel& m) {
    MmuCounters c;
    for (std::size_t i = 0; i < m.cacheCount(); ++i) c.caches.push_back(m.stats(i));
    c.memory = m.memory();
    if (const ReferenceMmu* mmu = m.mmu()) {
        for (const RefCache& t : mmu->tlbs()) c.tlbs.push_back(t.stats);
        for (const RefCache& w : mmu->walkCaches()) c.walkCaches.push_back(w.stats);
        c.mmu = mmu->stats();
        c.translationCycles = mmu->translationCycles();
    }
    return c;
}

std::string firstMmuDifference(const SimConfig& config, const MmuCounters& engine, const MmuCounters& ref) {
    std::ostringstream os;
    auto differ = [&](const std::string& where, const std::string& counter, std::uint64_t e, std::uint64_t r) {
        if (e == r) return false;
        os << where << '.' << counter << ": engine " << e << ", reference " << r;
        return true;
    };
    auto vectors = [&](const std::string& where, const std::vector<std::uint64_t>& e,
                       const std::vector<std::uint64_t>& r) {
        if (differ(where, "size", e.size(), r.size())) return true;
        for (std::size_t i = 0; i < r.size(); ++i)
            if (differ(where, "[" + std::to_string(i) + "]", e[i], r[i])) return true;
        return false;
    };
    const char* kinds[] = {"read", "write", "fetch"};
    if (differ("config", "caches", engine.caches.size(), ref.caches.size())) return os.str();
    for (std::size_t c = 0; c < ref.caches.size(); ++c) {
        const CacheStats& e = engine.caches[c];
        const CacheStats& r = ref.caches[c];
        const std::string& name = config.caches[c].name;
        for (std::size_t k = 0; k < kAccessKinds; ++k)
            if (differ(name, std::string("accesses[") + kinds[k] + "]", e.accessesByKind[k], r.accessesByKind[k]) ||
                differ(name, std::string("misses[") + kinds[k] + "]", e.missesByKind[k], r.missesByKind[k]))
                return os.str();
        if (differ(name, "evictions", e.evictions, r.evictions) ||
            differ(name, "writebacks", e.writebacks, r.writebacks) ||
            differ(name, "backInvalidations", e.backInvalidations, r.backInvalidations))
            return os.str();
    }
    if (differ("memory", "reads", engine.memory.reads, ref.memory.reads) ||
        differ("memory", "writes", engine.memory.writes, ref.memory.writes))
        return os.str();
    auto keyCaches = [&](const char* what, const std::vector<CacheStats>& e, const std::vector<CacheStats>& r,
                         auto nameOf) {
        if (differ(what, "count", e.size(), r.size())) return true;
        for (std::size_t i = 0; i < r.size(); ++i) {
            const std::string name = nameOf(i);
            if (differ(name, "accesses", e[i].accesses(), r[i].accesses()) ||
                differ(name, "misses", e[i].misses(), r[i].misses()) ||
                differ(name, "evictions", e[i].evictions, r[i].evictions))
                return true;
        }
        return false;
    };
    if (keyCaches("tlbs", engine.tlbs, ref.tlbs, [&](std::size_t i) { return config.tlbs[i].name; }) ||
        keyCaches("walk caches", engine.walkCaches, ref.walkCaches,
                  [&](std::size_t i) { return "walk_caches[" + std::to_string(i) + "]"; }))
        return os.str();
    const MmuStats& e = engine.mmu;
    const MmuStats& r = ref.mmu;
    if (differ("mmu", "page_faults", e.pageFaults, r.pageFaults) ||
        differ("mmu", "major_faults", e.majorFaults, r.majorFaults) || differ("mmu", "walks", e.walks, r.walks) ||
        differ("mmu", "walk_memory_accesses", e.walkMemoryAccesses, r.walkMemoryAccesses) ||
        vectors("mmu.pte_reads_served_by", e.pteServedBy, r.pteServedBy) ||
        vectors("mmu.walk_cache_lookups", e.walkCacheLookups, r.walkCacheLookups) ||
        vectors("mmu.walk_cache_hits", e.walkCacheHits, r.walkCacheHits) ||
        differ("mmu", "pages_written_out", e.pagesWrittenOut, r.pagesWrittenOut) ||
        differ("mmu", "resident_pages", e.residentPages, r.residentPages) ||
        differ("mmu", "resident_pages_peak", e.residentPagesPeak, r.residentPagesPeak) ||
        differ("mmu", "page_table_pages", e.pageTablePages, r.pageTablePages) ||
        differ("mmu", "tlb_entries_flushed", e.tlbEntriesFlushed, r.tlbEntriesFlushed) ||
        differ("mmu", "walk_cache_entries_flushed", e.walkCacheEntriesFlushed, r.walkCacheEntriesFlushed) ||
        differ("mmu", "translation_cycles", engine.translationCycles, ref.translationCycles))
        return os.str();
    return "";
}

}  // namespace cachescope::reference
