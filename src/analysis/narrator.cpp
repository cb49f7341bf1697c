// The Narrator: events of one reference -> a ReferenceNarration (analysis/narrator.hpp).

#include "cachescope/analysis/narrator.hpp"

#include <string>

#include "cachescope/config/topology.hpp"

namespace cachescope {

namespace {

/// The latency of an arrival at cache `c` (or memory).
std::uint32_t latencyOf(const Hierarchy& h, std::uint32_t c) {
    return c == CacheStep::kMemory ? h.config().memory.latency : h.caches()[c].config().latency;
}

std::string cacheName(const Hierarchy& h, std::uint32_t c) {
    return c == CacheStep::kMemory ? std::string("memory") : h.caches()[c].name();
}

/// The cache (or memory) that supplied the data of steps[i]: where it hit, or, on a miss, where
/// the request it sent on (fill or write-around) was served; a miss that allocated without asking
/// below (a whole-line write) is served by the cache itself.
std::uint32_t serverOf(const std::vector<CacheStep>& steps, std::size_t i) {
    const CacheStep& s = steps[i];
    if (s.cache == CacheStep::kMemory || s.hit) return s.cache;
    for (std::size_t j = i + 1; j < steps.size(); ++j)
        if (steps[j].parent == static_cast<std::int32_t>(i) &&
            (steps[j].role == StepRole::Fill || steps[j].role == StepRole::WriteAround))
            return serverOf(steps, j);
    return s.cache;
}

}  // namespace

Narrator::Narrator(const Simulator& simulator, const TraceMetadata* metadata) : sim_(&simulator), metadata_(metadata) {}

void Narrator::begin(std::uint64_t index, const Access& a) {
    current_ = {};
    current_.index = index;
    current_.kind = a.kind;
    current_.address = a.address;
    current_.size = a.size;
    current_.process = a.process;
    if (metadata_ != nullptr) {
        current_.element = describeElement(*metadata_, a.address);
        if (a.site != 0 && a.site < metadata_->sites.size()) current_.statement = metadata_->sites[a.site].name;
    }
    translating_ = false;
    awaitingPiece_ = false;
    pendingWalk_.clear();
    pendingRemovals_.clear();
    open_.clear();
    evict_.reset();
    readaheadEvictions_ = 0;
}

ReferenceNarration Narrator::finish() {
    const Hierarchy& h = sim_->hierarchy();
    ReferenceNarration r = std::move(current_);
    current_ = {};
    // Served by: the farthest level any piece's data came from.
    std::uint32_t served = CacheStep::kMemory;
    bool any = false;
    auto farther = [&](std::uint32_t a, std::uint32_t b) {  // true if a is farther from the CPU than b
        if (a == b) return false;
        if (a == CacheStep::kMemory) return true;
        if (b == CacheStep::kMemory) return false;
        return h.level(a) > h.level(b);
    };
    std::uint64_t cycles = 0;
    auto addSteps = [&](const std::vector<CacheStep>& steps) {
        for (const CacheStep& s : steps) cycles += s.latency;
    };
    if (r.segment)  // a swapped-out or moved segment's dirty lines go straight to memory
        for (const Removal& removal : r.segment->removals)
            if (removal.dirty) cycles += h.config().memory.latency;
    for (const Piece& p : r.pieces) {
        for (std::size_t i = 0; i < p.steps.size(); ++i) {
            if (p.steps[i].depth != 0) continue;
            const std::uint32_t s = serverOf(p.steps, i);
            if (!any || farther(s, served)) served = s;
            any = true;
        }
        addSteps(p.steps);
        if (p.translation) {
            const Translation& t = *p.translation;
            for (const TlbStep& s : t.tlbs) cycles += s.latency;
            for (const WalkCacheStep& s : t.walkCaches) cycles += s.latency;
            for (const WalkStep& w : t.walk) addSteps(w.steps);
            if (t.fault) {
                cycles += t.fault->latency;
                // An evicted page's dirty lines go straight to memory: one memory write each.
                for (const Removal& removal : t.fault->removals)
                    if (removal.dirty) cycles += h.config().memory.latency;
            }
        }
    }
    r.servedBy = served;
    r.servedByName = r.segment && r.segment->fault ? std::string("nothing (a fault)") : cacheName(h, served);
    r.cycles = cycles;
    return r;
}

SegmentStep& Narrator::segment() {
    if (!current_.segment) current_.segment.emplace();
    return *current_.segment;
}

void Narrator::takeRemovalsIntoSegment() {
    SegmentStep& s = segment();
    for (Removal& r : pendingRemovals_) {
        r.reason = RemovalReason::SegmentMoved;
        s.removals.push_back(std::move(r));
    }
    pendingRemovals_.clear();
}

void Narrator::onSegmentSwappedOut(std::uint32_t, const std::string& name, std::uint64_t, std::uint64_t) {
    takeRemovalsIntoSegment();
    segment().swappedOut.push_back(name);
}

void Narrator::onCompaction(std::uint64_t bytesMoved) {
    takeRemovalsIntoSegment();
    segment().compactedBytes = bytesMoved;
}

void Narrator::onSegmentPlaced(std::uint32_t, const std::string&, std::uint64_t base, std::uint64_t) {
    segment().placedAt = base;
}

void Narrator::onSegmentLookup(const SegmentLookupEvent& e) {
    SegmentStep& s = segment();
    if (e.segment) s.segment = e.name;
    s.start = e.start;
    s.limit = e.limit;
    s.offset = e.offset;
    s.permissions = e.permissions;
    s.fault = e.fault;
    s.address = e.address;
}

std::vector<CacheStep>& Narrator::target() {
    if (translating_) return pendingWalk_;
    if (current_.pieces.empty()) current_.pieces.emplace_back();
    return current_.pieces.back().steps;
}

Translation& Narrator::translation() {
    if (current_.pieces.empty() || !current_.pieces.back().translation) {
        current_.pieces.emplace_back();
        current_.pieces.back().translation.emplace();
    }
    return *current_.pieces.back().translation;
}

CacheStep& Narrator::openStep(std::uint32_t cache, AccessKind kind, std::uint64_t address, std::uint32_t size) {
    const Hierarchy& h = sim_->hierarchy();
    std::vector<CacheStep>& steps = target();
    CacheStep s;
    s.cache = cache;
    s.name = cacheName(h, cache);
    s.depth = static_cast<std::uint32_t>(open_.size());
    s.parent = open_.empty() ? -1 : static_cast<std::int32_t>(open_.back());
    s.kind = kind;
    s.address = address;
    s.size = size;
    s.latency = latencyOf(h, cache);
    if (s.parent < 0) {
        s.role = translating_ ? StepRole::PteRead : StepRole::Reference;
    } else {
        const CacheStep& p = steps[static_cast<std::size_t>(s.parent)];
        if (kind != AccessKind::Write)
            s.role = StepRole::Fill;
        else if (p.kind == AccessKind::Write && p.address == address && p.size == size)
            // The parent's own write passed on: through a write-through cache, or around a
            // no-write-allocate one.
            s.role = h.caches()[p.cache].config().writePolicy == WritePolicy::WriteThrough ? StepRole::WriteThrough
                                                                                           : StepRole::WriteAround;
        else
            s.role = StepRole::WriteBack;  // or a clean victim: settled when the parent completes
    }
    steps.push_back(std::move(s));
    return steps.back();
}

void Narrator::onReference(const Access& a) {
    if (awaitingPiece_ && !current_.pieces.empty()) {  // the piece whose translation just ended
        awaitingPiece_ = false;
        current_.pieces.back().size = a.size;
        return;
    }
    Piece p;
    p.virtualAddress = p.physicalAddress = a.address;
    p.size = a.size;
    current_.pieces.push_back(std::move(p));
}

void Narrator::onCacheLookup(const CacheLookupEvent& e) {
    const Cache& cache = sim_->hierarchy().caches()[e.cache];
    const AddressLayout& layout = cache.layout();
    CacheStep& s = openStep(e.cache, e.kind, e.address, e.size);
    s.offsetBits = layout.lineBits();
    s.setBits = layout.setBits();
    s.tag = layout.tag(e.address);
    s.set = layout.set(e.address);
    s.offset = layout.offset(e.address);
    for (std::uint32_t w = 0; w < cache.ways(); ++w) {
        const Cache::LineView v = cache.lineAt(s.set, w);
        s.setBefore.push_back(
            {v.valid, v.dirty, v.valid ? layout.tagOfLine(v.line) : 0, v.valid ? layout.lineBase(v.line) : 0});
    }
    s.policyBefore = cache.policy().describeSet(s.set);
    open_.push_back(target().size() - 1);
}

void Narrator::onCacheAccess(const CacheEvent& e) {
    if (open_.empty()) return;  // not announced (cannot happen with this hierarchy)
    const std::size_t i = open_.back();
    open_.pop_back();
    std::vector<CacheStep>& steps = target();
    CacheStep& s = steps[i];
    const AddressLayout& layout = sim_->hierarchy().caches()[e.cache].layout();
    s.hit = e.hit;
    s.way = e.way;
    s.evicted = e.evicted;
    if (!e.hit && classes_ != nullptr && classes_->lastEventMissed(e.cache))
        s.missClass = classes_->lastClass(e.cache);
    if (e.evicted) {
        s.victimTag = layout.tagOfLine(e.victimLine);
        s.victimAddress = layout.lineBase(e.victimLine);
        s.victimDirty = e.victimDirty;
        // A clean victim sent below goes into an exclusive cache; a dirty one is a write-back.
        for (std::size_t j = i + 1; j < steps.size(); ++j)
            if (steps[j].parent == static_cast<std::int32_t>(i) && steps[j].role == StepRole::WriteBack &&
                steps[j].address == s.victimAddress && !s.victimDirty)
                steps[j].role = StepRole::Victim;
    }
}

void Narrator::onMemoryAccess(const MemoryEvent& e) {
    CacheStep& s = openStep(CacheStep::kMemory, e.kind, e.address, e.size);
    s.hit = true;  // memory always has the data
}

void Narrator::onInvalidate(const InvalidateEvent& e) {
    const Cache& cache = sim_->hierarchy().caches()[e.cache];
    Removal r{e.cache, cache.name(), cache.layout().lineBase(e.line), e.set, e.way, e.dirty, {}};
    if (e.backInvalidation) {
        r.reason = RemovalReason::BackInvalidation;
    } else if (!open_.empty()) {
        r.reason = RemovalReason::ExclusiveHandUp;
    } else {
        r.reason = RemovalReason::PageEvicted;
    }
    if (!open_.empty())
        target()[open_.back()].removals.push_back(std::move(r));
    else
        pendingRemovals_.push_back(std::move(r));
}

void Narrator::onTranslationStart(const TranslationStartEvent& e) {
    Piece p;
    p.virtualAddress = e.virtualAddress;
    Translation t;
    t.pageNumber = e.pageNumber;
    t.offset = e.offset;
    t.pageSize = std::uint64_t{1} << e.pageShift;
    t.huge = e.huge;
    p.translation = std::move(t);
    current_.pieces.push_back(std::move(p));
    translating_ = true;
    awaitingPiece_ = false;
}

void Narrator::onTlbLookup(const TlbLookupEvent& e) {
    const Cache& tlb = sim_->mmu()->tlbs()[e.tlb];
    TlbStep s;
    s.tlb = e.tlb;
    s.name = tlb.name();
    s.set = e.set;
    s.hit = e.hit;
    s.way = e.way;
    s.latency = tlb.config().latency;
    translation().tlbs.push_back(std::move(s));
}

void Narrator::onTlbFill(const TlbFillEvent& e) {
    for (TlbStep& s : translation().tlbs)
        if (s.tlb == e.tlb && !s.hit) {
            s.filled = true;
            s.fillWay = e.way;
            s.evicted = e.evicted;
            s.victimPage = Mmu::pageNumberOfKey(e.victimKey);
        }
}

void Narrator::onWalkCacheLookup(const WalkCacheEvent& e) {
    const Cache& wc = sim_->mmu()->walkCaches()[e.walkCache];
    translation().walkCaches.push_back({e.walkCache, wc.name(), e.level, e.hit, wc.config().latency});
}

void Narrator::onWalkStep(const WalkStepEvent& e) {
    WalkStep w;
    w.level = e.level;
    w.pteAddress = e.pteAddress;
    w.index = e.index;
    w.tableAddress = e.pteAddress - e.index * sim_->mmu()->config().pteSize;
    w.servedBy = e.servedBy == Topology::kMemory ? CacheStep::kMemory : e.servedBy;
    w.servedByName = cacheName(sim_->hierarchy(), w.servedBy);
    w.steps = std::move(pendingWalk_);
    pendingWalk_.clear();
    translation().walk.push_back(std::move(w));
}

void Narrator::onPageEvict(const PageEvictEvent& e) {
    // The first eviction of a fault makes room for the faulting page; a file major fault's later
    // ones make room for the pages it reads ahead (docs/mmap.md).
    if (evict_)
        ++readaheadEvictions_;
    else
        evict_ = e;
}

void Narrator::onContextSwitch(const ContextSwitchEvent& e) {
    current_.contextSwitch = ContextSwitchStep{e.from, e.to, e.tlbEntriesFlushed, e.walkCacheEntriesFlushed};
}

void Narrator::onPageFault(const PageFaultEvent& e) {
    PageFault f;
    f.major = e.major;
    f.huge = e.huge;
    f.file = e.file;
    f.frame = e.frame;
    f.physicalBase = e.physicalBase;
    f.latency = sim_->mmu()->config().pageFaultLatency;
    f.readaheadPages = e.readaheadPages;
    f.readaheadEvictions = readaheadEvictions_;
    f.readaheadUsed = e.readaheadUsed;
    readaheadEvictions_ = 0;
    if (evict_) {
        f.evicted = true;
        f.evictedPage = Mmu::pageNumberOfKey(evict_->key);
        f.evictedFrame = evict_->frame;
        f.evictedDirty = evict_->dirty;
        f.evictedUnusedReadahead = evict_->unusedReadahead;
        evict_.reset();
    }
    f.removals = std::move(pendingRemovals_);
    pendingRemovals_.clear();
    translation().fault = std::move(f);
}

void Narrator::onTranslationEnd(const TranslationEndEvent& e) {
    translation().physicalAddress = e.physicalAddress;
    current_.pieces.back().physicalAddress = e.physicalAddress;
    translating_ = false;
    awaitingPiece_ = true;
}

}  // namespace cachescope
