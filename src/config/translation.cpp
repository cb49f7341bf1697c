// The translation part of a config (docs/mmu.md, docs/config.md "Translation"): names of the new
// enums, default TLB names, the rules of `addressing`, `mmu` and `tlbs`, and their resolved JSON.
//
// Example: {"mmu": {"bits_per_level": [10, 10], "pte_size": 4}, "tlbs": [{"entries": 8, "associativity": 2}]}
// is a 32-bit (12 + 10 + 10) two-level layout over 4 KiB pages; its TLB is named "TLB1" and has 4 sets.

#include <algorithm>
#include <bit>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "cachescope/config/config.hpp"
#include "cachescope/config/topology.hpp"
#include "cachescope/core/address.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"
#include "cachescope/policy/registry.hpp"
#include "internal.hpp"

namespace cachescope {

std::string_view toString(Addressing a) {
    switch (a) {
        case Addressing::Virtual: return "virtual";
        case Addressing::Physical: return "physical";
    }
    return "?";
}

std::string_view toString(FrameAllocation f) {
    switch (f) {
        case FrameAllocation::Sequential: return "sequential";
        case FrameAllocation::Random: return "random";
    }
    return "?";
}

std::string_view toString(PageReplacementKind k) {
    switch (k) {
        case PageReplacementKind::Fifo: return "fifo";
        case PageReplacementKind::Lru: return "lru";
        case PageReplacementKind::Clock: return "clock";
        case PageReplacementKind::Opt: return "opt";
    }
    return "?";
}

std::string_view toString(PageReplacementScope s) {
    switch (s) {
        case PageReplacementScope::Global: return "global";
        case PageReplacementScope::Local: return "local";
    }
    return "?";
}

namespace configdetail {

namespace {

std::string inQuotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::vector<std::string> registeredPolicies() {
    std::vector<std::string> names;
    for (const PolicyInfo& p : policies()) names.emplace_back(p.name);
    return names;
}

}  // namespace

std::vector<CacheConfig> tlbsAsCaches(const std::vector<TlbConfig>& tlbs) {
    std::vector<CacheConfig> caches(tlbs.size());
    for (std::size_t i = 0; i < tlbs.size(); ++i) caches[i].holds = tlbs[i].holds;
    return caches;
}

std::string defaultTlbName(const std::vector<TlbConfig>& tlbs, std::size_t index) {
    const std::vector<CacheConfig> caches = tlbsAsCaches(tlbs);
    // defaultCacheName gives "L<level>[I|D]": keep everything after the "L".
    return "TLB" + defaultCacheName(caches, computeTopology(caches), index).substr(1);
}

std::string effectiveTlbName(const std::vector<TlbConfig>& tlbs, std::size_t index) {
    return tlbs[index].name.empty() ? defaultTlbName(tlbs, index) : tlbs[index].name;
}

void validateTranslation(const SimConfig& config, std::string_view source) {
    auto fail = [&](const std::string& path, const std::string& message) {
        throw ConfigError(where(source, path) + message);
    };

    if (config.addressing == Addressing::Physical && !config.mmu)
        fail("/addressing", "\"physical\" addressing needs an \"mmu\" object to translate addresses; add one, or "
                            "leave out \"addressing\" (the default, \"virtual\", sends trace addresses to the caches "
                            "as they are)");
    if (config.addressing == Addressing::Virtual && config.mmu)
        fail("/addressing", "\"virtual\" addressing cannot have an \"mmu\": with an mmu every address is translated "
                            "and the caches see physical addresses; use \"physical\" or leave out \"addressing\"");
    if (!config.mmu) {
        if (!config.tlbs.empty())
            fail("/tlbs", "TLBs need an \"mmu\" object (page size, page table, physical memory); add one or remove "
                          "\"tlbs\"");
        return;
    }
    const MmuConfig& m = *config.mmu;
    validateSegmentation(config, source);

    // Geometry of a set-associative structure of `entries` entries (TLB or walk cache): as for caches.
    auto checkGeometry = [&](const std::string& path, std::uint32_t entries, std::uint32_t associativity,
                             bool full, const std::string& replacement) {
        if (entries == 0) fail(path + "/entries", "must be at least 1 entry, got 0");
        if (!full) {
            if (associativity == 0) fail(path + "/associativity", "must be at least 1 way (or \"full\"), got 0");
            if (associativity > entries)
                fail(path + "/associativity", "must be at most the number of entries (" + std::to_string(entries) +
                                                  "), got " + std::to_string(associativity));
            if (entries % associativity != 0)
                fail(path + "/associativity", "must divide the number of entries (" + std::to_string(entries) +
                                                  "), got " + std::to_string(associativity));
            const std::uint32_t sets = entries / associativity;
            if (!isPowerOfTwo(sets))
                fail(path + "/associativity", "the number of sets (entries / ways = " + std::to_string(entries) +
                                                  " / " + std::to_string(associativity) + " = " +
                                                  std::to_string(sets) +
                                                  ") must be a power of two; the number of ways need not be");
        }
        if (findPolicy(replacement) == nullptr) {
            std::string message = "unknown replacement policy " + inQuotes(replacement);
            const std::string guess = closest(replacement, registeredPolicies());
            message += guess.empty() ? "." : "; did you mean " + inQuotes(guess) + "?";
            message += " Valid policies: " + policyNames();
            fail(path + "/replacement", message);
        }
    };

    // ---- the page table ----
    if (m.pteSize != 4 && m.pteSize != 8)
        fail("/mmu/pte_size", "must be 4 or 8 bytes, got " + std::to_string(m.pteSize));
    if (!isPowerOfTwo(m.pageSize))
        fail("/mmu/page_size", "must be a power of two, got " + std::to_string(m.pageSize));
    if (m.pageSize < m.pteSize)
        fail("/mmu/page_size", "must be at least pte_size (" + std::to_string(m.pteSize) + " bytes), got " +
                                   std::to_string(m.pageSize));
    if (m.bitsPerLevel.empty())
        fail("/mmu/levels", "the page table needs at least 1 level, got 0");
    for (std::size_t i = 0; i < m.bitsPerLevel.size(); ++i)
        if (m.bitsPerLevel[i] < 1 || m.bitsPerLevel[i] > 30)
            fail("/mmu/bits_per_level/" + std::to_string(i),
                 "each level indexes its table with 1 to 30 bits, got " + std::to_string(m.bitsPerLevel[i]));
    const unsigned pageShift = log2Exact(m.pageSize);
    const unsigned vbits = m.virtualBits();
    if (vbits > 64)
        fail("/mmu/bits_per_level", "virtual addresses would have " + std::to_string(vbits) +
                                        " bits (log2(page_size) = " + std::to_string(pageShift) +
                                        " plus the index bits of every level); at most 64 are allowed");

    // ---- physical memory ----
    constexpr std::uint64_t kMaxPhysical = std::uint64_t{1} << 48;
    if (m.physicalMemory == 0 || m.physicalMemory % m.pageSize != 0)
        fail("/mmu/physical_memory", "must be a positive multiple of page_size (" + formatSize(m.pageSize) +
                                         "), got " + std::to_string(m.physicalMemory));
    if (m.physicalMemory > kMaxPhysical)
        fail("/mmu/physical_memory", "must be at most 2^48 bytes (256TiB; the page tables live above it and huge "
                                     "pages from 2^52), got " + std::to_string(m.physicalMemory));
    // Frames are numbered in 32 bits (2^32 - 1 is reserved): 2^44 bytes of 4 KiB pages is one frame too many.
    constexpr std::uint64_t kMaxFrames = 4294967294;
    if (m.physicalMemory / m.pageSize > kMaxFrames)
        fail("/mmu/physical_memory", "holds " + std::to_string(m.physicalMemory / m.pageSize) + " frames of " +
                                         formatSize(m.pageSize) + "; at most 4294967294 frames are allowed (got " +
                                         std::to_string(m.physicalMemory) + " bytes)");

    // ---- file pages (docs/mmap.md) ----
    if (m.readahead > m.frames())
        fail("/mmu/readahead", "reads " + std::to_string(m.readahead) + " pages ahead but physical memory holds " +
                                   std::to_string(m.frames()) + " frames (expected at most the number of frames)");
    if (m.storage.bandwidth == 0)
        fail("/mmu/storage/bandwidth", "must be at least 1 byte per second, got 0");

    // ---- huge pages ----
    // A huge page is a leaf at a level i >= 1 above the last: its size is 2^shift_i with
    // shift_i = log2(page_size) + the bits of the levels below i.
    const std::size_t levels = m.bitsPerLevel.size();
    std::vector<std::uint64_t> hugeSizes;  // allowed sizes, largest first
    {
        unsigned shift = pageShift;
        for (std::size_t i = levels - 1; i >= 2; --i) {
            shift += m.bitsPerLevel[i];
            if (shift < 64) hugeSizes.insert(hugeSizes.begin(), std::uint64_t{1} << shift);
        }
    }
    const bool wholeSpace = vbits >= 64;
    const std::uint64_t spaceEnd = wholeSpace ? 0 : std::uint64_t{1} << vbits;  // 2^V (when < 64 bits)
    for (std::size_t i = 0; i < m.hugePages.size(); ++i) {
        const HugePageRange& h = m.hugePages[i];
        const std::string p = "/mmu/huge_pages/" + std::to_string(i);
        if (std::find(hugeSizes.begin(), hugeSizes.end(), h.pageSize) == hugeSizes.end()) {
            std::string allowed;
            for (const std::uint64_t s : hugeSizes) allowed += (allowed.empty() ? "" : ", ") + formatSize(s);
            fail(p + "/page_size",
                 "a huge page must be the span of one entry of a table above the last level (2^shift_i for a level "
                 "i >= 1, docs/mmu.md), got " + formatSize(h.pageSize) +
                     (allowed.empty() ? "; this page table (" + std::to_string(levels) +
                                            " level(s)) has no such level, so it allows no huge pages"
                                      : "; allowed here: " + allowed));
        }
        if (h.base % h.pageSize != 0)
            fail(p + "/base", "must be a multiple of the huge page size (" + formatSize(h.pageSize) + "), got " +
                                  hex(h.base));
        if (h.size == 0 || h.size % h.pageSize != 0)
            fail(p + "/size", "must be a positive multiple of the huge page size (" + formatSize(h.pageSize) +
                                  "), got " + std::to_string(h.size));
        if (!wholeSpace && (h.base >= spaceEnd || h.size > spaceEnd - h.base))
            fail(p, "the range [" + hex(h.base) + ", " + hex(h.base) + " + " + formatSize(h.size) +
                        ") goes beyond the virtual address space (" + std::to_string(vbits) + " bits, up to " +
                        hex(spaceEnd) + ")");
        if (wholeSpace && h.size - 1 > std::numeric_limits<std::uint64_t>::max() - h.base)
            fail(p, "the range starting at " + hex(h.base) + " goes beyond the 64-bit virtual address space");
        for (std::size_t k = 0; k < i; ++k) {
            const HugePageRange& o = m.hugePages[k];
            // Two ranges overlap iff the one starting later starts before the other ends (no overflow).
            if ((h.base >= o.base && h.base - o.base < o.size) || (o.base >= h.base && o.base - h.base < h.size))
                fail(p, "the range starting at " + hex(h.base) + " overlaps /mmu/huge_pages/" + std::to_string(k) +
                            " (starting at " + hex(o.base) + "); huge-page ranges must not overlap");
        }
    }

    // ---- walk caches ----
    for (std::size_t i = 0; i < m.walkCaches.size(); ++i) {
        const WalkCacheConfig& w = m.walkCaches[i];
        const std::string p = "/mmu/walk_caches/" + std::to_string(i);
        if (levels < 2)
            fail(p + "/level", "a one-level page table has nothing for a walk cache to skip; walk caches need at "
                               "least 2 levels");
        if (w.level > levels - 2)
            fail(p + "/level", "must be between 0 (the root) and " + std::to_string(levels - 2) +
                                   " (the level above the last; a walk cache remembers where the next table is), got " +
                                   std::to_string(w.level));
        checkGeometry(p, w.entries, w.associativity, w.fullyAssociative, w.replacement);
    }

    // ---- walk entry ----
    if (!m.walkEntry.empty() && m.walkEntry != "memory") {
        const Topology topology = computeTopology(config.caches);
        std::vector<std::string> names{"memory"};
        std::size_t found = config.caches.size();
        for (std::size_t i = 0; i < config.caches.size(); ++i) {
            names.push_back(effectiveName(config.caches, topology, i));
            if (names.back() == m.walkEntry) found = i;
        }
        if (found == config.caches.size()) {
            std::string message = "unknown cache " + inQuotes(m.walkEntry);
            const std::string guess = closest(m.walkEntry, names);
            message += guess.empty() ? "." : "; did you mean " + inQuotes(guess) + "?";
            fail("/mmu/walk_entry", message + " Expected a cache name or \"memory\": " + joinNames(names));
        }
        if (!config.caches[found].holdsData())
            fail("/mmu/walk_entry", inQuotes(m.walkEntry) + " holds only instructions; page-table entries are data, "
                                                          "so walks must enter at a cache holding data (or \"memory\")");
    }

    // ---- TLBs ----
    const auto& tlbs = config.tlbs;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < tlbs.size(); ++i) names.push_back(effectiveTlbName(tlbs, i));
    for (std::size_t i = 0; i < tlbs.size(); ++i) {
        const TlbConfig& t = tlbs[i];
        checkGeometry("/tlbs/" + std::to_string(i), t.entries, t.associativity, t.fullyAssociative, t.replacement);
    }
    for (std::size_t i = 0; i < tlbs.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (names[i] == names[j])
                fail("/tlbs/" + std::to_string(i) + "/name", "duplicate TLB name " + inQuotes(names[i]) +
                                                                 " (also the name of /tlbs/" + std::to_string(j) +
                                                                 "); TLB names must be unique");
    const std::vector<CacheConfig> asCaches = tlbsAsCaches(tlbs);
    const Topology topology = computeTopology(asCaches);
    for (std::size_t i = 0; i < tlbs.size(); ++i) {
        if (topology.reachable[i]) continue;
        std::string why;
        for (std::size_t p = i; p-- > 0;)
            if (topology.reachable[p] && tlbs[p].holds == Holds::Both) {
                why = " (" + inQuotes(names[p]) +
                      " holds both data and instructions, and a TLB's misses go to the first later TLB that holds "
                      "everything it holds, so they skip TLBs that hold only one kind)";
                break;
            }
        fail("/tlbs/" + std::to_string(i) + "/holds",
             inQuotes(names[i]) + " (holds " + std::string(toString(tlbs[i].holds)) +
                 ") can never be reached: no TLB before it sends misses to it" + why);
    }
}

void addTranslationJson(const SimConfig& config, nlohmann::json& out) {
    if (!config.mmu) return;  // configs without translation print exactly as before translation existed
    const MmuConfig& m = *config.mmu;
    out["addressing"] = toString(config.addressing);
    nlohmann::json mmu;
    mmu["page_size"] = m.pageSize;
    mmu["levels"] = m.bitsPerLevel.size();
    mmu["bits_per_level"] = m.bitsPerLevel;
    mmu["pte_size"] = m.pteSize;
    mmu["physical_memory"] = m.physicalMemory;
    mmu["frame_allocation"] = toString(m.frameAllocation);
    mmu["page_replacement"] = toString(m.pageReplacement);
    mmu["page_replacement_scope"] = toString(m.pageReplacementScope);
    nlohmann::json huge = nlohmann::json::array();
    for (const HugePageRange& h : m.hugePages)
        huge.push_back({{"base", hex(h.base)}, {"size", h.size}, {"page_size", h.pageSize}});
    mmu["huge_pages"] = std::move(huge);
    nlohmann::json walk = nlohmann::json::array();
    for (const WalkCacheConfig& w : m.walkCaches) {
        nlohmann::json j;
        j["level"] = w.level;
        j["entries"] = w.entries;
        if (w.fullyAssociative) j["associativity"] = "full";
        else j["associativity"] = w.associativity;
        j["replacement"] = w.replacement;
        j["latency"] = w.latency;
        walk.push_back(std::move(j));
    }
    mmu["walk_caches"] = std::move(walk);
    if (!m.walkEntry.empty()) {
        mmu["walk_entry"] = m.walkEntry;
    } else {
        const Topology topology = computeTopology(config.caches);
        mmu["walk_entry"] = topology.firstData == Topology::kMemory
                                ? std::string("memory")
                                : effectiveName(config.caches, topology, topology.firstData);
    }
    mmu["page_fault_latency"] = m.pageFaultLatency;
    mmu["readahead"] = m.readahead;
    mmu["storage"] = {{"latency_ns", m.storage.latencyNs}, {"bandwidth", m.storage.bandwidth}};
    addSegmentationJson(m, mmu);
    out["mmu"] = std::move(mmu);
    nlohmann::json tlbs = nlohmann::json::array();
    for (std::size_t i = 0; i < config.tlbs.size(); ++i) {
        const TlbConfig& t = config.tlbs[i];
        nlohmann::json j;
        j["name"] = effectiveTlbName(config.tlbs, i);
        j["entries"] = t.entries;
        if (t.fullyAssociative) j["associativity"] = "full";
        else j["associativity"] = t.associativity;
        j["replacement"] = t.replacement;
        j["latency"] = t.latency;
        j["holds"] = toString(t.holds);
        j["asid"] = t.asid;
        tlbs.push_back(std::move(j));
    }
    out["tlbs"] = std::move(tlbs);
}

}  // namespace configdetail

}  // namespace cachescope
