// The naive reference model: see reference_model.hpp. Every rule cites the sentence of
// docs/semantics.md or docs/policies.md it implements.

#include "reference_model.hpp"

#include "reference_mmu.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace cachescope::reference {

Policy policyFromName(const std::string& name) {
    if (name == "lru") return Policy::Lru;
    if (name == "fifo") return Policy::Fifo;
    if (name == "plru") return Policy::Plru;
    if (name == "nru") return Policy::Nru;
    if (name == "lfu") return Policy::Lfu;
    if (name == "mru") return Policy::Mru;
    if (name == "srrip") return Policy::Srrip;
    throw std::invalid_argument("reference model: policy '" + name + "' is not modelled");
}

bool isModelledPolicy(const std::string& name) {
    try {
        policyFromName(name);
        return true;
    } catch (const std::invalid_argument&) {
        return false;
    }
}

ReferenceModel::ReferenceModel(const SimConfig& config) : topology_(computeTopology(config.caches)) {
    buildCaches(config);
    if (config.mmu) mmu_ = std::make_unique<ReferenceMmu>(config, *this);
}

void ReferenceModel::buildCaches(const SimConfig& config) {
    for (const CacheConfig& cc : config.caches) {
        RefCache cache;
        cache.config = cc;
        cache.policy = policyFromName(cc.replacement);
        cache.lineSize = cc.lineSize;
        cache.numWays = cc.fullyAssociative ? static_cast<std::uint32_t>(cc.size / cc.lineSize) : cc.associativity;
        cache.numSets = cc.size / cc.lineSize / cache.numWays;
        cache.sets.assign(cache.numSets, std::vector<Line>(cache.numWays));
        for (auto& set : cache.sets)
            for (std::uint32_t w = 0; w < cache.numWays; ++w) {
                // "Initially way w has rank w" (0 = most recent / newest): way 0 gets the largest
                // timestamp. Every later timestamp comes from clock_ (>= 1) or is below all of these.
                set[w].lastUse = -static_cast<std::int64_t>(w);
                set[w].insertTime = -static_cast<std::int64_t>(w);
            }
        while (cache.plruLeaves < cache.numWays) cache.plruLeaves *= 2;
        cache.plruBits.assign(cache.numSets, std::vector<bool>(cache.plruLeaves, false));  // all 0 initially
        caches_.push_back(std::move(cache));
    }
}

ReferenceModel::ReferenceModel(const ReferenceModel& other)
    : caches_(other.caches_), topology_(other.topology_),
      mmu_(other.mmu_ ? std::make_unique<ReferenceMmu>(*other.mmu_) : nullptr), tracking_(other.tracking_),
      servedBy_(other.servedBy_), served_(other.served_), memory_(other.memory_), clock_(other.clock_) {}

ReferenceModel& ReferenceModel::operator=(const ReferenceModel& other) {
    if (this != &other) {
        ReferenceModel copy(other);
        caches_ = std::move(copy.caches_);
        topology_ = std::move(copy.topology_);
        mmu_ = std::move(copy.mmu_);
        tracking_ = copy.tracking_;
        servedBy_ = copy.servedBy_;
        served_ = copy.served_;
        memory_ = copy.memory_;
        clock_ = copy.clock_;
    }
    return *this;
}

ReferenceModel::~ReferenceModel() = default;

void ReferenceModel::access(const Access& a) {
    if (mmu_) {
        mmu_->access(a, *this);  // docs/mmu.md: translate piece by piece, then physicalAccess()
        return;
    }
    physicalAccess(a.kind, a.address, a.size);
}

std::uint32_t ReferenceModel::readAt(std::uint32_t entry, std::uint64_t address, std::uint64_t size) {
    tracking_ = true;
    served_ = false;
    servedBy_ = kMemory;
    request(entry, AccessKind::Read, address, size, /*dirtyData=*/true, /*fromAbove=*/false);
    tracking_ = false;
    return servedBy_;
}

void ReferenceModel::invalidateRange(std::uint64_t base, std::uint64_t size) {
    for (RefCache& cache : caches_)
        for (std::uint64_t s = 0; s < cache.numSets; ++s)
            for (std::uint32_t w = 0; w < cache.numWays; ++w) {
                const Line& l = cache.sets[s][w];
                const std::uint64_t byte = l.lineAddr * cache.lineSize;
                if (!l.valid || byte < base || byte - base >= size) continue;
                if (l.dirty) {
                    ++cache.stats.writebacks;  // "a dirty line counts as a write-back of that cache
                    ++memory_.writes;          //  and a memory write"
                }
                invalidateWay(cache, s, w);
            }
}

void ReferenceModel::physicalAccess(AccessKind kind, std::uint64_t address, std::uint64_t size) {
    const Access a{address, static_cast<std::uint32_t>(size), kind};
    // "The first cache holding instructions receives the fetches; the first cache holding data
    // receives the reads and writes. If there is none for a side, that side's references go
    // straight to memory."
    const std::uint32_t first = a.kind == AccessKind::Fetch ? topology_.firstInstruction : topology_.firstData;
    request(first, a.kind, a.address, a.size, /*dirtyData=*/true, /*fromAbove=*/false);
}

bool ReferenceModel::request(std::uint32_t target, AccessKind kind, std::uint64_t address, std::uint64_t size,
                             bool dirtyData, bool fromAbove) {
    if (target == kMemory) {
        if (tracking_ && !served_ && kind != AccessKind::Write) served_ = true;  // servedBy_ stays kMemory
        // "Memory counts the requests that reach it". Memory has no lines: one request counts once.
        if (kind == AccessKind::Write)
            ++memory_.writes;
        else
            ++memory_.reads;
        return false;
    }
    // "A request covering bytes [a, a+size) that touches k lines is k accesses to that cache, each for
    // the bytes of one line it covers, in ascending address order."
    const std::uint64_t lineSize = caches_[target].lineSize;
    const std::uint64_t lastByte = address + (size - 1);  // callers keep address + size <= 2^64
    const std::uint64_t firstLine = address / lineSize;
    const std::uint64_t lastLine = lastByte / lineSize;
    bool dirty = false;
    for (std::uint64_t line = firstLine;; ++line) {
        const std::uint64_t lineStart = line * lineSize;
        const std::uint64_t lineEnd = lineStart + (lineSize - 1);
        const std::uint64_t from = std::max(address, lineStart);
        const std::uint64_t to = std::min(lastByte, lineEnd);
        if (accessLine(target, kind, from, to - from + 1, dirtyData, fromAbove)) dirty = true;
        if (line == lastLine) break;
    }
    return dirty;
}

bool ReferenceModel::accessLine(std::uint32_t c, AccessKind kind, std::uint64_t address, std::uint64_t size,
                                bool dirtyData, bool fromAbove) {
    RefCache& cache = caches_[c];
    const CacheConfig& cfg = cache.config;
    const std::uint32_t next = topology_.next[c];
    const bool writeBack = cfg.writePolicy == WritePolicy::WriteBack;
    const bool exclusive = cfg.inclusion == Inclusion::Exclusive;
    const std::uint64_t lineAddr = address / cache.lineSize;
    const std::uint64_t offset = address % cache.lineSize;
    const std::uint64_t setIndex = lineAddr % cache.numSets;
    std::vector<Line>& set = cache.sets[setIndex];

    // "The counters of the cache count the access under its kind."
    ++cache.stats.accessesByKind[kindIndex(kind)];

    std::uint32_t hitWay = cache.numWays;
    for (std::uint32_t w = 0; w < cache.numWays; ++w)
        if (set[w].valid && set[w].lineAddr == lineAddr) hitWay = w;

    if (hitWay != cache.numWays) {
        if (tracking_ && !served_ && kind != AccessKind::Write) {
            served_ = true;
            servedBy_ = c;
        }
        // Hit 1: "The replacement policy records the hit."
        policyHit(cache, setIndex, hitWay);
        // Hit 2: writes.
        if (kind == AccessKind::Write) {
            if (writeBack) {
                // "a hit marks the line dirty if the write was dirty data" (a clean victim arriving at
                // an exclusive cache leaves the dirty bit as it was).
                if (dirtyData) set[hitWay].dirty = true;
            } else {
                request(next, AccessKind::Write, address, size, true, true);
            }
        }
        // Hit 3: an exclusive cache hands a line up on a fill request from above.
        if (exclusive && fromAbove && kind != AccessKind::Write) {
            const bool wasDirty = set[hitWay].dirty;
            invalidateWay(cache, setIndex, hitWay);
            return wasDirty;
        }
        return false;
    }

    // Miss: "the miss is counted under k".
    ++cache.stats.missesByKind[kindIndex(kind)];

    // Miss 1: no-write-allocate sends the write on unchanged.
    if (kind == AccessKind::Write && !cfg.writeAllocate) {
        request(next, AccessKind::Write, address, size, dirtyData, true);
        return false;
    }
    // Miss 2: an exclusive cache forwards a fill request and hands up whatever comes back.
    if (exclusive && fromAbove && kind != AccessKind::Write) return request(next, kind, address, size, true, true);

    // Miss 3.1: fetch, unless a write covers the whole line.
    const bool wholeLineWrite = kind == AccessKind::Write && offset == 0 && size == cache.lineSize;
    bool cameBackDirty = false;
    if (!wholeLineWrite) {
        const AccessKind fillKind = kind == AccessKind::Fetch ? AccessKind::Fetch : AccessKind::Read;
        cameBackDirty = request(next, fillKind, lineAddr * cache.lineSize, cache.lineSize, true, true);
    }

    // Miss 3.2: place in the lowest invalid way, else in the policy's victim.
    // (The fetch above may have changed this set: an inclusive cache below can back-invalidate a line
    // of it. So the set is examined only now.)
    std::uint32_t way = cache.numWays;
    for (std::uint32_t w = 0; w < cache.numWays && way == cache.numWays; ++w)
        if (!set[w].valid) way = w;
    const bool setWasFull = way == cache.numWays;
    bool evicted = false;
    std::uint64_t victimLine = 0;
    bool victimDirty = false;
    if (setWasFull) {
        way = policyVictim(cache, setIndex);
        evicted = true;
        victimLine = set[way].lineAddr;
        victimDirty = set[way].dirty;
        ++cache.stats.evictions;
        // "If this cache is inclusive, the victim is first removed from every cache above."
        if (cfg.inclusion == Inclusion::Inclusive && backInvalidate(c, victimLine)) victimDirty = true;
    }
    // Miss 3.3: dirtiness of the new line.
    set[way].valid = true;
    set[way].lineAddr = lineAddr;
    set[way].dirty = (kind == AccessKind::Write && writeBack && dirtyData) || cameBackDirty;
    policyFill(cache, setIndex, way, setWasFull);

    // Miss 3.4: write-through.
    if (kind == AccessKind::Write && !writeBack) request(next, AccessKind::Write, address, size, true, true);

    // Miss 3.5: the victim.
    if (evicted) {
        const bool nextIsExclusive = next != kMemory && caches_[next].config.inclusion == Inclusion::Exclusive;
        if (victimDirty) ++cache.stats.writebacks;
        if (victimDirty || nextIsExclusive)
            request(next, AccessKind::Write, victimLine * cache.lineSize, cache.lineSize, victimDirty, true);
    }
    return false;
}

bool ReferenceModel::backInvalidate(std::uint32_t c, std::uint64_t lineAddr) {
    RefCache& inclusive = caches_[c];
    const std::uint64_t byteAddress = lineAddr * inclusive.lineSize;
    bool anyDirty = false;
    for (std::uint32_t a : topology_.above[c]) {
        RefCache& upper = caches_[a];
        // An inclusive cache has the same line size as every cache above it, so this is the same line.
        const std::uint64_t upperLine = byteAddress / upper.lineSize;
        const std::uint64_t setIndex = upperLine % upper.numSets;
        for (std::uint32_t w = 0; w < upper.numWays; ++w) {
            Line& l = upper.sets[setIndex][w];
            if (l.valid && l.lineAddr == upperLine) {
                if (l.dirty) anyDirty = true;
                invalidateWay(upper, setIndex, w);
                ++inclusive.stats.backInvalidations;  // one per removed copy
            }
        }
    }
    return anyDirty;
}

void ReferenceModel::invalidateWay(RefCache& cache, std::uint64_t set, std::uint32_t way) {
    Line& l = cache.sets[set][way];
    l.valid = false;
    l.dirty = false;
    l.lineAddr = 0;
    policyInvalidate(cache, set, way);
}

// ---- policies -----------------------------------------------------------------------------------

namespace {

std::int64_t minLastUse(const std::vector<Line>& set) {
    std::int64_t m = std::numeric_limits<std::int64_t>::max();
    for (const Line& l : set) m = std::min(m, l.lastUse);
    return m;
}

std::int64_t minInsertTime(const std::vector<Line>& set) {
    std::int64_t m = std::numeric_limits<std::int64_t>::max();
    for (const Line& l : set) m = std::min(m, l.insertTime);
    return m;
}

// Tree-PLRU helpers. Nodes in heap order: root 1, children of n are 2n (left) and 2n+1 (right);
// leaf of way w is node leaves + w.
void plruPointPath(std::vector<bool>& bits, std::uint32_t leaves, std::uint32_t way, bool towardWay) {
    std::uint32_t node = leaves + way;
    while (node > 1) {
        const std::uint32_t parent = node / 2;
        const bool wayIsRightChild = (node % 2) == 1;
        // bit 1 = go right. Pointing toward the way: right iff the way is in the right child.
        const bool pointRight = towardWay ? wayIsRightChild : !wayIsRightChild;
        bits[parent] = pointRight;
        node = parent;
    }
}

bool plruAllPadding(std::uint32_t node, std::uint32_t leaves, std::uint32_t ways) {
    while (node < leaves) node = 2 * node;  // leftmost leaf of the subtree
    return node - leaves >= ways;           // leaves of a subtree are contiguous
}

}  // namespace

void ReferenceModel::policyHit(RefCache& cache, std::uint64_t setIndex, std::uint32_t way) {
    std::vector<Line>& set = cache.sets[setIndex];
    switch (cache.policy) {
    case Policy::Lru:
    case Policy::Mru: set[way].lastUse = ++clock_; break;  // make most recent
    case Policy::Fifo: break;                               // nothing
    case Policy::Plru: plruPointPath(cache.plruBits[setIndex], cache.plruLeaves, way, false); break;
    case Policy::Nru: {
        set[way].nruBit = true;
        bool all = true;
        for (const Line& l : set) all = all && l.nruBit;
        if (all)
            for (std::uint32_t w = 0; w < cache.numWays; ++w)
                if (w != way) set[w].nruBit = false;
        break;
    }
    case Policy::Lfu:
        // "count + 1 (saturating)": the width is not given; this model saturates at 2^32-1.
        if (set[way].useCount != std::numeric_limits<std::uint32_t>::max()) ++set[way].useCount;
        break;
    case Policy::Srrip: set[way].rrpv = 0; break;
    }
}

void ReferenceModel::policyFill(RefCache& cache, std::uint64_t setIndex, std::uint32_t way, bool setWasFull) {
    std::vector<Line>& set = cache.sets[setIndex];
    switch (cache.policy) {
    case Policy::Lru:
    case Policy::Mru: set[way].lastUse = ++clock_; break;
    case Policy::Fifo: set[way].insertTime = ++clock_; break;  // make newest
    case Policy::Plru:
    case Policy::Nru: policyHit(cache, setIndex, way); break;  // "same as hit"
    case Policy::Lfu: set[way].useCount = 1; break;
    case Policy::Srrip:
        // "Age" only on a fill into a full set: the textbook loop "while no way has RRPV 3, increment
        // all". The victim (way) still holds its old RRPV, the largest of the set.
        if (setWasFull) {
            for (;;) {
                bool some3 = false;
                for (const Line& l : set) some3 = some3 || l.rrpv == 3;
                if (some3) break;
                for (Line& l : set) ++l.rrpv;
            }
        }
        set[way].rrpv = 2;
        break;
    }
}

void ReferenceModel::policyInvalidate(RefCache& cache, std::uint64_t setIndex, std::uint32_t way) {
    std::vector<Line>& set = cache.sets[setIndex];
    switch (cache.policy) {
    case Policy::Lru:
    case Policy::Mru:
        // "make least recent": below every other timestamp, the others keep their order.
        set[way].lastUse = minLastUse(set) - 1;
        break;
    case Policy::Fifo: set[way].insertTime = minInsertTime(set) - 1; break;  // make oldest
    case Policy::Plru: plruPointPath(cache.plruBits[setIndex], cache.plruLeaves, way, true); break;
    case Policy::Nru: set[way].nruBit = false; break;
    case Policy::Lfu: set[way].useCount = 0; break;
    case Policy::Srrip: set[way].rrpv = 3; break;
    }
}

std::uint32_t ReferenceModel::policyVictim(const RefCache& cache, std::uint64_t setIndex) const {
    const std::vector<Line>& set = cache.sets[setIndex];
    std::uint32_t best = 0;
    switch (cache.policy) {
    case Policy::Lru:  // least recently touched
        for (std::uint32_t w = 1; w < cache.numWays; ++w)
            if (set[w].lastUse < set[best].lastUse) best = w;
        return best;
    case Policy::Mru:  // most recently touched
        for (std::uint32_t w = 1; w < cache.numWays; ++w)
            if (set[w].lastUse > set[best].lastUse) best = w;
        return best;
    case Policy::Fifo:  // filled longest ago
        for (std::uint32_t w = 1; w < cache.numWays; ++w)
            if (set[w].insertTime < set[best].insertTime) best = w;
        return best;
    case Policy::Plru: {
        const std::vector<bool>& bits = cache.plruBits[setIndex];
        std::uint32_t node = 1;
        while (node < cache.plruLeaves) {
            std::uint32_t child = bits[node] ? 2 * node + 1 : 2 * node;
            // "a child whose leaves are all >= ways (padding) is never taken"
            if (plruAllPadding(child, cache.plruLeaves, cache.numWays)) child = child ^ 1u;
            node = child;
        }
        return node - cache.plruLeaves;
    }
    case Policy::Nru:  // lowest way whose referenced bit is 0 (a 1-way set has only way 0)
        for (std::uint32_t w = 0; w < cache.numWays; ++w)
            if (!set[w].nruBit) return w;
        return 0;
    case Policy::Lfu:  // lowest count, ties to the lowest way
        for (std::uint32_t w = 1; w < cache.numWays; ++w)
            if (set[w].useCount < set[best].useCount) best = w;
        return best;
    case Policy::Srrip: {  // lowest way with the highest RRPV
        for (std::uint32_t w = 1; w < cache.numWays; ++w)
            if (set[w].rrpv > set[best].rrpv) best = w;
        return best;
    }
    }
    return best;
}

// ---- views for the self-tests -------------------------------------------------------------------

bool ReferenceModel::contains(std::size_t c, std::uint64_t address) const {
    const RefCache& cache = caches_.at(c);
    const std::uint64_t lineAddr = address / cache.lineSize;
    for (const Line& l : cache.sets[lineAddr % cache.numSets])
        if (l.valid && l.lineAddr == lineAddr) return true;
    return false;
}

bool ReferenceModel::isDirty(std::size_t c, std::uint64_t address) const {
    const RefCache& cache = caches_.at(c);
    const std::uint64_t lineAddr = address / cache.lineSize;
    for (const Line& l : cache.sets[lineAddr % cache.numSets])
        if (l.valid && l.lineAddr == lineAddr) return l.dirty;
    return false;
}

std::uint64_t ReferenceModel::validLines(std::size_t c) const {
    std::uint64_t n = 0;
    for (const auto& set : caches_.at(c).sets)
        for (const Line& l : set) n += l.valid ? 1 : 0;
    return n;
}

}  // namespace cachescope::reference
