// The naive reference model of translation: see reference_mmu.hpp. Every step cites docs/mmu.md.

#include "reference_mmu.hpp"

#include <algorithm>
#include <stdexcept>

namespace cachescope::reference {

namespace {

unsigned log2Exact(std::uint64_t x) {
    unsigned n = 0;
    while ((std::uint64_t{1} << n) < x) ++n;
    return n;
}

std::uint64_t alignUp(std::uint64_t x, std::uint64_t alignment) { return (x + alignment - 1) / alignment * alignment; }

/// An empty key cache (TLB or walk cache) of `sets` x `ways` with the named policy.
RefCache keyCache(const std::string& name, std::uint32_t ways, std::uint32_t sets, const std::string& policy,
                  Holds holds) {
    RefCache c;
    c.config.name = name;
    c.config.holds = holds;
    c.policy = policyFromName(policy);
    c.lineSize = 1;
    c.numWays = ways;
    c.numSets = sets;
    c.sets.assign(sets, std::vector<Line>(ways));
    for (auto& set : c.sets)
        for (std::uint32_t w = 0; w < ways; ++w) {
            set[w].lastUse = -static_cast<std::int64_t>(w);  // as the cache model: way w has rank w
            set[w].insertTime = -static_cast<std::int64_t>(w);
        }
    while (c.plruLeaves < ways) c.plruLeaves *= 2;
    c.plruBits.assign(sets, std::vector<bool>(c.plruLeaves, false));
    return c;
}

}  // namespace

ReferenceMmu::ReferenceMmu(const SimConfig& config, const ReferenceModel& caches) : cfg_(*config.mmu) {
    pageBits_ = log2Exact(cfg_.pageSize);
    frames_ = cfg_.physicalMemory / cfg_.pageSize;
    frameOwner_.assign(frames_, std::nullopt);
    for (std::uint64_t f = 0; f < frames_; ++f) freeList_.push_back(static_cast<std::uint32_t>(f));
    refBit_.assign(frames_, false);
    rng_.state = config.seed;

    // TLBs: a hierarchy "exactly like the caches": reuse the shape rules through computeTopology.
    std::vector<CacheConfig> shapes;
    for (const TlbConfig& t : config.tlbs) {
        tlbs_.push_back(keyCache(t.name, t.ways(), t.sets(), t.replacement, t.holds));
        tlbAsid_.push_back(t.asid);
        tlbLatency_.push_back(t.latency);
        CacheConfig shape;
        shape.name = t.name;
        shape.holds = t.holds;
        shape.lineSize = 1;
        shape.size = t.entries;
        shape.associativity = t.ways();
        shapes.push_back(shape);
    }
    tlbTopology_ = computeTopology(shapes);

    for (const WalkCacheConfig& w : cfg_.walkCaches)
        walkCaches_.push_back(
            keyCache("walk" + std::to_string(w.level), w.ways(), w.sets(), w.replacement, Holds::Both));
    stats_.walkCacheLookups.assign(walkCaches_.size(), 0);
    stats_.walkCacheHits.assign(walkCaches_.size(), 0);
    stats_.pteServedBy.assign(caches.cacheCount() + 1, 0);

    // walk_entry: "the first data cache by default, a named cache, or "memory"".
    if (cfg_.walkEntry.empty()) {
        walkEntry_ = caches.topology().firstData;
    } else if (cfg_.walkEntry == "memory") {
        walkEntry_ = Topology::kMemory;
    } else {
        walkEntry_ = Topology::kMemory;
        bool found = false;
        for (std::size_t c = 0; c < caches.cacheCount(); ++c)
            if (caches.cacheConfig(c).name == cfg_.walkEntry) {
                walkEntry_ = static_cast<std::uint32_t>(c);
                found = true;
            }
        if (!found) throw std::invalid_argument("reference mmu: no cache named '" + cfg_.walkEntry + "'");
    }

    // "The root table exists from the start."
    tableCursor_ = cfg_.physicalMemory;
    tables_[{0, 0, 0}] = allocateTable(0);
}

std::uint32_t ReferenceMmu::shift(std::uint32_t level) const {
    // shift_i = log2(page_size) + sum_{j>i} bits_j
    std::uint32_t s = pageBits_;
    for (std::size_t j = level + 1; j < cfg_.bitsPerLevel.size(); ++j) s += cfg_.bitsPerLevel[j];
    return s;
}

std::uint64_t ReferenceMmu::prefixOf(std::uint64_t va, std::uint32_t level) const {
    // The level-`level` table is selected by the indices of levels 0..level-1: va >> shift_{level-1}.
    return level == 0 ? 0 : va >> shift(level - 1);
}

std::uint64_t ReferenceMmu::allocateTable(std::uint32_t level) {
    // "tables are allocated one after the other, each aligned to its own size"
    const std::uint64_t size = (std::uint64_t{1} << cfg_.bitsPerLevel[level]) * cfg_.pteSize;
    const std::uint64_t base = alignUp(tableCursor_, size);
    tableCursor_ = base + size;
    ++stats_.pageTablePages;
    return base;
}

std::uint64_t ReferenceMmu::pageSizeOf(std::uint64_t va) const {
    for (const HugePageRange& h : cfg_.hugePages)
        if (va >= h.base && va - h.base < h.size) return h.pageSize;
    return cfg_.pageSize;
}

std::uint32_t ReferenceMmu::leafLevelOf(std::uint64_t pageSize) const {
    // "A huge page of size H is a leaf at the level i with shift_i = log2(H)"; a normal page's leaf is
    // the last level.
    const std::uint32_t last = static_cast<std::uint32_t>(cfg_.bitsPerLevel.size() - 1);
    if (pageSize == cfg_.pageSize) return last;
    for (std::uint32_t i = 0; i <= last; ++i)
        if (shift(i) == log2Exact(pageSize)) return i;
    throw std::invalid_argument("reference mmu: huge page size matches no level");
}

std::optional<std::uint64_t> ReferenceMmu::pteAddress(std::uint64_t va, std::uint32_t level, std::uint32_t process) const {
    const auto it = tables_.find({process, level, prefixOf(va, level)});
    if (it == tables_.end()) return std::nullopt;
    const std::uint64_t index = (va >> shift(level)) % (std::uint64_t{1} << cfg_.bitsPerLevel[level]);
    return it->second + index * cfg_.pteSize;
}

std::optional<std::uint64_t> ReferenceMmu::physicalAddress(std::uint64_t va, std::uint32_t process) const {
    const std::uint64_t size = pageSizeOf(va);
    const auto it = pages_.find({process, size, va / size});
    if (it == pages_.end() || !it->second.resident) return std::nullopt;
    return it->second.base + va % size;
}

std::uint64_t ReferenceMmu::translationCycles() const {
    std::uint64_t cycles = 0;
    for (std::size_t t = 0; t < tlbs_.size(); ++t) cycles += tlbs_[t].stats.accesses() * tlbLatency_[t];
    for (std::size_t w = 0; w < walkCaches_.size(); ++w)
        cycles += stats_.walkCacheLookups[w] * cfg_.walkCaches[w].latency;
    return cycles + stats_.pageFaults * cfg_.pageFaultLatency;
}

void ReferenceMmu::switchTo(std::uint32_t process, ReferenceModel& caches) {
    // docs/mmu.md, "Processes": flush every TLB without asid, the walk caches unless all have it.
    ++contextSwitches_;
    bool allAsid = true;
    for (std::size_t t = 0; t < tlbs_.size(); ++t) {
        if (tlbAsid_[t]) continue;
        allAsid = false;
        for (std::uint32_t set = 0; set < tlbs_[t].numSets; ++set)
            for (std::uint32_t w = 0; w < tlbs_[t].numWays; ++w)
                if (tlbs_[t].sets[set][w].valid) {
                    caches.invalidateWay(tlbs_[t], set, w);
                    ++stats_.tlbEntriesFlushed;
                }
    }
    if (!allAsid)
        for (RefCache& c : walkCaches_)
            for (std::uint32_t set = 0; set < c.numSets; ++set)
                for (std::uint32_t w = 0; w < c.numWays; ++w)
                    if (c.sets[set][w].valid) {
                        caches.invalidateWay(c, set, w);
                        ++stats_.walkCacheEntriesFlushed;
                    }
    process_ = process;
    // "Each process has its own root, allocated ... when the process first runs".
    if (!tables_.count({process, 0, 0})) tables_[{process, 0, 0}] = allocateTable(0);
}

void ReferenceMmu::access(const Access& a, ReferenceModel& caches) {
    if (a.process != process_) switchTo(a.process, caches);
    // "A reference is first split at page boundaries (of the page size that maps each byte)".
    std::uint64_t va = a.address;
    std::uint64_t left = a.size;
    while (left > 0) {
        const std::uint64_t size = pageSizeOf(va);
        const std::uint64_t toEnd = size - va % size;
        const std::uint64_t n = std::min(left, toEnd);
        piece(va, static_cast<std::uint32_t>(n), a.kind, caches);
        va += n;
        left -= n;
    }
}

void ReferenceMmu::piece(std::uint64_t va, std::uint32_t size, AccessKind kind, ReferenceModel& caches) {
    const std::uint64_t pageSize = pageSizeOf(va);
    const bool huge = pageSize != cfg_.pageSize;
    // docs/mmu.md's key is the page number with bit 63 set for a huge page. That key aliases a 2 MiB
    // and a 1 GiB page of the same number, so this model also puts log2(page size) in bits 56..62 of a
    // huge page's key: no aliasing, and the same set as the doc's key (set counts are powers of two,
    // far below 2^56, so only the low bits choose the set).
    const std::uint64_t tlbKey = withProcess(
        huge ? (va / pageSize) | (std::uint64_t{1} << 63) | (std::uint64_t{log2Exact(pageSize)} << 56) : va / pageSize,
        huge, process_);
    const std::uint32_t leaf = leafLevelOf(pageSize);

    // 1. TLB lookup along the path of the piece's side.
    std::vector<std::uint32_t> missed;
    bool tlbHit = false;
    for (std::uint32_t t = kind == AccessKind::Fetch ? tlbTopology_.firstInstruction : tlbTopology_.firstData;
         t != Topology::kMemory; t = tlbTopology_.next[t]) {
        if (lookup(tlbs_[t], tlbKey, kind, caches)) {
            tlbHit = true;
            break;
        }
        missed.push_back(t);
    }
    // "A hit at some TLB ends the lookup; every TLB that missed before it is filled with the entry."
    // With no hit, every TLB on the path missed and is filled after the walk (step 3).

    if (!tlbHit) {
        // 2. Page fault if the page is not resident.
        const auto it = pages_.find({process_, pageSize, va / pageSize});
        if (it == pages_.end() || !it->second.resident) fault(va, pageSize, caches);

        // 3. Walk.
        ++stats_.walks;
        std::int64_t deepest = -1;
        std::vector<bool> walkMissed(walkCaches_.size(), false);
        for (std::size_t w = 0; w < walkCaches_.size(); ++w) {
            const std::uint32_t level = cfg_.walkCaches[w].level;
            // "The walk caches that cover a level above the page's leaf are looked up".
            if (level >= leaf) continue;
            ++stats_.walkCacheLookups[w];
            if (lookup(walkCaches_[w], withProcess(va >> shift(level), false, process_), AccessKind::Read, caches)) {
                ++stats_.walkCacheHits[w];
                if (level < leaf) deepest = std::max<std::int64_t>(deepest, level);
            } else {
                walkMissed[w] = true;
            }
        }
        for (std::uint32_t level = static_cast<std::uint32_t>(deepest + 1); level <= leaf; ++level) {
            const std::optional<std::uint64_t> pte = pteAddress(va, level);
            if (!pte) throw std::logic_error("reference mmu: walk through a missing table");
            const std::uint32_t server = caches.readAt(walkEntry_, *pte, cfg_.pteSize);
            ++stats_.walkMemoryAccesses;
            ++stats_.pteServedBy[server == Topology::kMemory ? caches.cacheCount() : server];
        }
        // "Every walk cache that covers a level above the leaf and missed is filled."
        for (std::size_t w = 0; w < walkCaches_.size(); ++w)
            if (walkMissed[w] && cfg_.walkCaches[w].level < leaf)
                fill(walkCaches_[w], withProcess(va >> shift(cfg_.walkCaches[w].level), false, process_), caches);
    }
    // Fill the TLBs that missed (before the hit, or the whole path after a walk).
    for (std::uint32_t t : missed) fill(tlbs_[t], tlbKey, caches);

    // 4. Data access at the physical address; a write marks the page dirty; the replacer sees the access.
    PageSlot& slot = pages_.at({process_, pageSize, va / pageSize});
    if (kind == AccessKind::Write) slot.dirty = true;
    if (!huge) replacerAccess(slot.frame);
    caches.physicalAccess(kind, slot.base + va % pageSize, size);
}

void ReferenceMmu::fault(std::uint64_t va, std::uint64_t pageSize, ReferenceModel& caches) {
    ++stats_.pageFaults;
    PageSlot& slot = pages_[{process_, pageSize, va / pageSize}];
    if (slot.everEvicted) ++stats_.majorFaults;
    // "creating any missing tables on its walk path" (levels 1..leaf; the root exists).
    const std::uint32_t leaf = leafLevelOf(pageSize);
    for (std::uint32_t level = 1; level <= leaf; ++level)
        if (!tables_.count({process_, level, prefixOf(va, level)}))
            tables_[{process_, level, prefixOf(va, level)}] = allocateTable(level);

    if (pageSize != cfg_.pageSize) {
        // Huge pages: "from 2^52 upward ... each aligned to its size, allocated at first touch, never evicted".
        slot.base = alignUp(hugeCursor_, pageSize);
        hugeCursor_ = slot.base + pageSize;
    } else {
        const std::uint32_t frame = takeFrame(caches);
        slot.frame = frame;  // (std::map references stay valid across the eviction)
        slot.base = std::uint64_t{frame} * cfg_.pageSize;
        frameOwner_[frame] = PageId{process_, pageSize, va / pageSize};
        replacerLoad(frame);
    }
    slot.resident = true;
    slot.dirty = false;
    ++stats_.residentPages;
    stats_.residentPagesPeak = std::max(stats_.residentPagesPeak, stats_.residentPages);
}

std::uint32_t ReferenceMmu::takeFrame(ReferenceModel& caches) {
    if (cfg_.frameAllocation == FrameAllocation::Sequential) {
        if (nextFrame_ < frames_) return static_cast<std::uint32_t>(nextFrame_++);  // lowest never used
    } else if (!freeList_.empty()) {
        // "draws r = the next output ... modulo the list's length, takes list[r], and moves the list's
        // last element into position r".
        const std::uint64_t r = rng_.next() % freeList_.size();
        const std::uint32_t frame = freeList_[r];
        freeList_[r] = freeList_.back();
        freeList_.pop_back();
        return frame;
    }
    const std::uint32_t victim = replacerVictim();
    evictFrame(victim, caches);
    return victim;
}

void ReferenceMmu::evictFrame(std::uint32_t frame, ReferenceModel& caches) {
    const PageId id = *frameOwner_[frame];
    PageSlot& slot = pages_.at(id);
    // "its entries leave every TLB"
    for (RefCache& t : tlbs_) invalidateKey(t, withProcess(std::get<2>(id), false, std::get<0>(id)), caches);
    // "every cached line of the frame is invalidated in every cache"
    caches.invalidateRange(slot.base, cfg_.pageSize);
    if (slot.dirty) ++stats_.pagesWrittenOut;
    slot.resident = false;
    slot.dirty = false;
    slot.everEvicted = true;
    frameOwner_[frame].reset();
    --stats_.residentPages;
    replacerFree(frame);
}

// ---- key caches -----------------------------------------------------------------------------------

bool ReferenceMmu::lookup(RefCache& c, std::uint64_t key, AccessKind kind, ReferenceModel& caches) {
    ++c.stats.accessesByKind[kindIndex(kind)];
    const std::uint64_t set = key % c.numSets;
    for (std::uint32_t w = 0; w < c.numWays; ++w)
        if (c.sets[set][w].valid && c.sets[set][w].lineAddr == key) {
            caches.policyHit(c, set, w);
            return true;
        }
    ++c.stats.missesByKind[kindIndex(kind)];
    return false;
}

void ReferenceMmu::fill(RefCache& c, std::uint64_t key, ReferenceModel& caches) {
    const std::uint64_t set = key % c.numSets;
    std::uint32_t way = c.numWays;
    for (std::uint32_t w = 0; w < c.numWays && way == c.numWays; ++w)
        if (!c.sets[set][w].valid) way = w;
    const bool full = way == c.numWays;
    if (full) {
        way = caches.policyVictim(c, set);
        ++c.stats.evictions;
    }
    c.sets[set][way].valid = true;
    c.sets[set][way].lineAddr = key;
    c.sets[set][way].dirty = false;
    caches.policyFill(c, set, way, full);
}

void ReferenceMmu::invalidateKey(RefCache& c, std::uint64_t key, ReferenceModel& caches) {
    const std::uint64_t set = key % c.numSets;
    for (std::uint32_t w = 0; w < c.numWays; ++w)
        if (c.sets[set][w].valid && c.sets[set][w].lineAddr == key) caches.invalidateWay(c, set, w);
}

// ---- page replacers (docs/mmu.md, "Replacers") -------------------------------------------------------

void ReferenceMmu::replacerLoad(std::uint32_t frame) {
    order_.remove(frame);
    order_.push_back(frame);  // fifo and lru: newest at the back
    refBit_[frame] = true;    // clock: "set on load"
}

void ReferenceMmu::replacerAccess(std::uint32_t frame) {
    if (cfg_.pageReplacement == PageReplacementKind::Lru) {
        order_.remove(frame);
        order_.push_back(frame);  // "every access counts"
    }
    refBit_[frame] = true;  // clock: "and on every access"
}

void ReferenceMmu::replacerFree(std::uint32_t frame) {
    order_.remove(frame);
    refBit_[frame] = false;
}

std::uint32_t ReferenceMmu::replacerVictim() {
    // Local scope: only the faulting process's frames are candidates, if it has any.
    auto mine = [&](std::uint32_t f) { return frameOwner_[f] && std::get<0>(*frameOwner_[f]) == process_; };
    bool hasOwn = false;
    for (std::uint32_t f = 0; f < frames_; ++f) hasOwn = hasOwn || mine(f);
    if (cfg_.pageReplacementScope == PageReplacementScope::Local && hasOwn) {
        if (cfg_.pageReplacement == PageReplacementKind::Clock) {
            // The sweep passes over other processes' frames without looking at their bits.
            for (;;) {
                const std::uint32_t f = hand_;
                hand_ = static_cast<std::uint32_t>((hand_ + 1) % frames_);
                if (!mine(f)) continue;
                if (refBit_[f]) {
                    refBit_[f] = false;
                    continue;
                }
                return f;
            }
        }
        for (const std::uint32_t f : order_)
            if (mine(f)) return f;
    }
    switch (cfg_.pageReplacement) {
        case PageReplacementKind::Fifo:  // "the page loaded longest ago"
        case PageReplacementKind::Lru:   // "the page accessed longest ago"
            return order_.front();
        case PageReplacementKind::Clock: {
            // "while the hand's frame has its bit set, clear it and advance; evict the hand's frame and
            // advance the hand past it."
            while (refBit_[hand_]) {
                refBit_[hand_] = false;
                hand_ = static_cast<std::uint32_t>((hand_ + 1) % frames_);
            }
            const std::uint32_t victim = hand_;
            hand_ = static_cast<std::uint32_t>((hand_ + 1) % frames_);
            return victim;
        }
        case PageReplacementKind::Opt:
            break;
    }
    throw std::invalid_argument("reference mmu: opt is not available in simulations");
}

}  // namespace cachescope::reference
