// The MMU, step by step as in docs/mmu.md ("One reference"); keep the two in step.

#include "cachescope/mmu/mmu.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <sstream>
#include <unordered_map>

#include "cachescope/core/address.hpp"
#include "cachescope/core/error.hpp"

namespace cachescope {

namespace {

// A TLB or walk cache is a set-associative array of keys: a Cache whose "lines" are single units.
CacheConfig arrayConfig(const std::string& name, std::uint32_t entries, std::uint32_t ways, bool full,
                        const std::string& replacement, std::uint32_t latency, Holds holds) {
    CacheConfig c;
    c.name = name;
    c.size = entries;
    c.lineSize = 1;
    c.associativity = ways;
    c.fullyAssociative = full;
    c.replacement = replacement;
    c.latency = latency;
    c.holds = holds;
    return c;
}

std::uint64_t alignUp(std::uint64_t x, std::uint64_t a) { return (x + a - 1) / a * a; }

std::uint64_t seedFor(std::uint64_t seed, std::uint64_t salt) { return seed ^ (0xD1B54A32D192ED03ull * (salt + 1)); }

}  // namespace

Mmu::Mmu(const SimConfig& sim) : config_(*sim.mmu), cacheCount_(static_cast<std::uint32_t>(sim.caches.size())) {
    const MmuConfig& m = config_;
    pageShift_ = log2Exact(m.pageSize);
    pageMask_ = m.pageSize - 1;
    vbitsShift_ = m.virtualBits() - 1;
    onlyBasePages_ = m.hugePages.empty();
    const auto levels = static_cast<std::uint32_t>(m.bitsPerLevel.size());
    shift_.assign(levels, 0);
    tableBytes_.assign(levels, 0);
    unsigned below = pageShift_;
    for (std::uint32_t i = levels; i-- > 0;) {
        shift_[i] = below;
        below += m.bitsPerLevel[i];
        tableBytes_[i] = (std::uint64_t{1} << m.bitsPerLevel[i]) * m.pteSize;
    }

    // Where PTE reads enter the caches.
    const Topology cacheTopology = computeTopology(sim.caches);
    if (m.walkEntry.empty())
        walkEntry_ = cacheTopology.firstData;
    else if (m.walkEntry == "memory")
        walkEntry_ = Topology::kMemory;
    else
        for (std::uint32_t c = 0; c < sim.caches.size(); ++c)
            if (sim.caches[c].name == m.walkEntry) walkEntry_ = c;

    // TLBs: the same shape rules as caches.
    std::vector<CacheConfig> tlbShapes;
    for (std::uint32_t t = 0; t < sim.tlbs.size(); ++t) {
        const TlbConfig& tc = sim.tlbs[t];
        tlbShapes.push_back(arrayConfig(tc.name, tc.entries, tc.associativity, tc.fullyAssociative, tc.replacement,
                                        tc.latency, tc.holds));
        tlbs_.emplace_back(tlbShapes.back(), seedFor(sim.seed, 100 + t));
        tlbTarget_.emplace_back(std::size_t{tc.entries}, TlbTarget{});
    }
    tlbTopology_ = computeTopology(tlbShapes);
    for (std::uint32_t w = 0; w < m.walkCaches.size(); ++w) {
        const WalkCacheConfig& wc = m.walkCaches[w];
        walkCaches_.emplace_back(arrayConfig("walk cache L" + std::to_string(wc.level), wc.entries, wc.associativity,
                                             wc.fullyAssociative, wc.replacement, wc.latency, Holds::Both),
                                 seedFor(sim.seed, 200 + w));
    }
    stats_.pteServedBy.assign(cacheCount_ + 1, 0);
    stats_.walkCacheLookups.assign(walkCaches_.size(), 0);
    stats_.walkCacheHits.assign(walkCaches_.size(), 0);

    tables_.assign(levels, {});
    nextTable_ = m.physicalMemory;
    for (const TlbConfig& tc : sim.tlbs) tlbAsid_.push_back(tc.asid);
    tables_[0].assign(0, nextTable_);  // process 0's root exists from the start
    nextTable_ += tableBytes_[0];
    stats_.pageTablePages = 1;

    const auto frames = static_cast<std::uint32_t>(m.frames());
    if (m.frameAllocation == FrameAllocation::Random) {
        freeCount_ = frames;
        frameRng_ = SplitMix64(sim.seed);
    }
    replacer_ = makePageReplacer(m.pageReplacement, frames);
    splitSides_ = tlbTopology_.firstInstruction != tlbTopology_.firstData;
    decideRuns();
}

Mmu::Mmu(const Mmu& o)
    : config_(o.config_),
      shift_(o.shift_),
      tableBytes_(o.tableBytes_),
      pageShift_(o.pageShift_),
      pageMask_(o.pageMask_),
      vbitsShift_(o.vbitsShift_),
      onlyBasePages_(o.onlyBasePages_),
      walkEntry_(o.walkEntry_),
      cacheCount_(o.cacheCount_),
      tlbs_(o.tlbs_),
      tlbAsid_(o.tlbAsid_),
      tlbTarget_(o.tlbTarget_),
      memo_(o.memo_),
      memoWay_(o.memoWay_),
      sequence_(o.sequence_),
      splitSides_(o.splitSides_),
      runsHits_(o.runsHits_),
      walkCaches_(o.walkCaches_),
      tlbTopology_(o.tlbTopology_),
      stats_(o.stats_),
      tables_(o.tables_),
      nextTable_(o.nextTable_),
      pages_(o.pages_),
      evicted_(o.evicted_),
      slotKey_(o.slotKey_),
      slotDirty_(o.slotDirty_),
      nextUnusedFrame_(o.nextUnusedFrame_),
      freeCount_(o.freeCount_),
      freeMoved_(o.freeMoved_),
      frameRng_(o.frameRng_),
      nextHuge_(o.nextHuge_),
      replacer_(o.replacer_->clone()),
      future_(o.future_),
      futureData_(o.futureData_),
      futureSize_(o.futureSize_),
      piece_(o.piece_),
      observer_(o.observer_),
      pageCache_(o.pageCache_),
      process_(o.process_),
      processBits_(o.processBits_),
      hugeProcessBits_(o.hugeProcessBits_),
      residentByProcess_(o.residentByProcess_) {}

Mmu& Mmu::operator=(const Mmu& o) {
    if (this != &o) {
        Mmu copy(o);
        *this = std::move(copy);
    }
    return *this;
}

Mmu::PageSize Mmu::pageSizeOf(std::uint64_t va) const {
    for (const HugePageRange& r : config_.hugePages)
        if (va >= r.base && va - r.base < r.size) {
            // One instruction: log2Exact's loop ran per translated piece, twice a reference with pageEnd.
            const auto shift = static_cast<unsigned>(std::countr_zero(r.pageSize));  // a power of two (validated)
            const auto leaf = static_cast<std::uint32_t>(std::find(shift_.begin(), shift_.end(), shift) - shift_.begin());
            return {shift, leaf, true};
        }
    return {pageShift_, static_cast<std::uint32_t>(shift_.size() - 1), false};
}

std::uint64_t Mmu::pageEnd(std::uint64_t va) const {
    const unsigned shift = pageSizeOf(va).shift;
    return ((va >> shift) + 1) << shift;  // wraps to 0 at the top of a 64-bit space
}

std::uint64_t Mmu::translate(std::uint64_t va, AccessKind kind, PhysicalMemoryPort& caches) {
    if ((va >> vbitsShift_) >> 1 != 0) {
        const unsigned vbits = vbitsShift_ + 1;
        std::ostringstream msg;
        msg << "address 0x" << std::hex << va << std::dec << " is outside the " << vbits
            << "-bit virtual address space of the mmu config";
        throw Error(msg.str());
    }
    const PageSize ps = pageSizeOf(va);
    const std::uint64_t key = keyOf(va, ps);
    const std::uint64_t offset = va & ((std::uint64_t{1} << ps.shift) - 1);
    const std::uint64_t next = nextUse();
    if (observer_ != nullptr) observer_->onTranslationStart({va, kind, key, va >> ps.shift, offset, ps.shift, ps.huge});

    // 1. TLB lookups down the kind's side; a hit fills the TLBs that missed before it.
    std::uint32_t missed[16];
    std::uint32_t missedCount = 0;
    std::uint32_t t = kind == AccessKind::Fetch ? tlbTopology_.firstInstruction : tlbTopology_.firstData;
    while (t != Topology::kMemory) {
        Cache& tlb = tlbs_[t];
        ++tlb.mutableStats().accessesByKind[kindIndex(kind)];
        const std::uint32_t way = tlb.find(key);
        if (observer_ != nullptr)
            observer_->onTlbLookup({t, key, tlb.layout().setOfLine(key), way, way != Cache::kNoWay});
        if (way != Cache::kNoWay) {
            const std::uint32_t set = tlb.layout().setOfLine(key);
            tlb.touch(set, way);
            const Page page = *pages_.find(key);
            for (std::uint32_t i = 0; i < missedCount; ++i) fillTlb(missed[i], key, page);
            recordAccess(page, kind, next);
            if (observer_ != nullptr) observer_->onTranslationEnd({va, page.base + offset});
            return page.base + offset;
        }
        ++tlb.mutableStats().missesByKind[kindIndex(kind)];
        assert(missedCount < 16);
        missed[missedCount++] = t;
        t = tlbTopology_.next[t];
    }
    // 2. page fault, 3. walk, TLB fills.
    if (!pages_.contains(key)) fault(key, va, ps, next, caches);
    walk(va, ps, caches);
    const Page page = *pages_.find(key);
    for (std::uint32_t i = 0; i < missedCount; ++i) fillTlb(missed[i], key, page);
    recordAccess(page, kind, next);
    if (observer_ != nullptr) observer_->onTranslationEnd({va, page.base + offset});
    return page.base + offset;
}

Mmu::HitMemo* Mmu::lookUpFirstTlb(std::uint32_t t, std::uint64_t memoKey) {
    const std::uint64_t key = (memoKey >> 1) | processBits_;  // the TLB key (keyOf); the memo keeps the page number
    const Cache& tlb = tlbs_[t];
    const std::uint32_t way = tlb.find(key);
    if (way == Cache::kNoWay) return nullptr;
    const std::uint32_t set = tlb.layout().setOfLine(key);
    return remember(memoKey, t, set, way, tlbTarget_[t][std::size_t{set} * tlb.ways() + way]);
}

Mmu::HitMemo* Mmu::remember(std::uint64_t memoKey, std::uint32_t t, std::uint32_t set, std::uint32_t way,
                            const TlbTarget& target) {
    const std::size_t pair = memoPair(memoKey);
    const std::size_t i = memo_[pair].lastUse <= memo_[pair + 1].lastUse ? pair : pair + 1;  // the older of the two
    HitMemo& m = memo_[i];
    m = HitMemo{memoKey, target.base - ((memoKey >> 1) << pageShift_), m.lastUse, 0};
    memoWay_[i] = MemoWay{t, set, way, target.slot};
    return &m;
}

void Mmu::rememberFill(std::uint32_t t, std::uint32_t set, std::uint32_t way, std::uint64_t key, const TlbTarget& target) {
    if (!onlyBasePages_ || (t != tlbTopology_.firstData && t != tlbTopology_.firstInstruction)) return;
    remember(memoKeyOfTlb(t, key), t, set, way, target)->lastUse = ++sequence_;
}

void Mmu::settleRun(std::uint64_t start, std::size_t count, const std::uint64_t (&counts)[kAccessKinds],
                    std::size_t touchedCount) {
    const std::uint64_t reads = counts[kindIndex(AccessKind::Read)], writes = counts[kindIndex(AccessKind::Write)],
                        fetches = counts[kindIndex(AccessKind::Fetch)];
    // A kind is counted only if the memo held a page of its side, so its first TLB exists.
    if (reads + writes != 0) {
        CacheStats& s = tlbs_[tlbTopology_.firstData].mutableStats();
        s.accessesByKind[kindIndex(AccessKind::Read)] += reads;
        s.accessesByKind[kindIndex(AccessKind::Write)] += writes;
    }
    if (fetches != 0) tlbs_[tlbTopology_.firstInstruction].mutableStats().accessesByKind[kindIndex(AccessKind::Fetch)] += fetches;
    // The pages referenced, in the order of their last reference: touching each once in that order
    // leaves every LRU set, and the lru page replacer's list, as touching at every reference would
    // (a way's earlier touches are overtaken by its last one); clock's reference bits and dirty bits
    // do not depend on the order at all.
    // translateRun noted each entry at its first reference in the run (each once): sort them by
    // their last reference (insertion sort: runs touch few pages, often already in order).
    HitMemo** const touched = touched_.data();
    const std::size_t n = touchedCount;
    for (std::size_t j = 1; j < n; ++j) {
        HitMemo* const m = touched[j];
        std::size_t i = j;
        for (; i > 0 && touched[i - 1]->lastUse > m->lastUse; --i) touched[i] = touched[i - 1];
        touched[i] = m;
    }
    for (std::size_t i = 0; i < n; ++i) {
        HitMemo& m = *touched[i];
        const MemoWay& w = memoWay_[static_cast<std::size_t>(&m - memo_.data())];
        tlbs_[w.tlb].touch(w.set, w.way);
        replacer_->accessSlotInline(w.slot, PageReplacer::kNever);
        if ((m.kinds & static_cast<unsigned>(AccessKind::Write)) != 0) slotDirty_[w.slot] = 1;
        m.kinds = 0;
    }
    sequence_ = start + count;
}

void Mmu::decideRuns() {
    runsHits_ = onlyBasePages_ && config_.pageReplacement != PageReplacementKind::Opt && futureSize_ == 0 &&
                (tlbTopology_.firstData != Topology::kMemory || tlbTopology_.firstInstruction != Topology::kMemory);
    for (const std::uint32_t t : {tlbTopology_.firstData, tlbTopology_.firstInstruction})
        if (t != Topology::kMemory && tlbs_[t].lru_ == nullptr) runsHits_ = false;  // lru only: see settleRun
}

void Mmu::recordAccess(const Page& page, AccessKind kind, std::uint64_t nextUse) {
    if (page.huge) return;  // huge pages are pinned: no replacement, no write-out
    replacer_->accessSlotInline(page.slot, nextUse);
    if (kind == AccessKind::Write) slotDirty_[page.slot] = 1;
}

void Mmu::fillTlb(std::uint32_t t, std::uint64_t key, const Page& page) {
    Cache& tlb = tlbs_[t];
    const Cache::Placement p = tlb.fill(key, false);
    if (p.evicted) forgetWay(t, tlb.layout().setOfLine(key), p.way, p.victimLine);  // (an invalid way: nothing remembered)
    if (p.evicted) ++tlb.mutableStats().evictions;
    if (observer_ != nullptr)
        observer_->onTlbFill({t, key, tlb.layout().setOfLine(key), p.way, p.evicted, p.victimLine});
    const std::uint32_t set = tlb.layout().setOfLine(key);
    TlbTarget& target = tlbTarget_[t][std::size_t{set} * tlb.ways() + p.way];
    target = TlbTarget{page.base, page.slot};
    if (!page.huge) rememberFill(t, set, p.way, key, target);
}

std::uint64_t Mmu::tableBase(std::uint32_t level, std::uint64_t va) {
    auto [base, inserted] = tables_[level].tryEmplace(tablePrefix(level, va), 0);
    if (inserted) {
        nextTable_ = alignUp(nextTable_, tableBytes_[level]);
        *base = nextTable_;
        nextTable_ += tableBytes_[level];
        ++stats_.pageTablePages;
    }
    return *base;
}

std::optional<std::uint64_t> Mmu::pteAddress(std::uint64_t va, std::uint32_t level, std::uint8_t process) const {
    const std::uint64_t* table = tables_[level].find(tablePrefix(level, va, process));
    if (table == nullptr) return std::nullopt;
    const std::uint64_t index = (va >> shift_[level]) & ((std::uint64_t{1} << config_.bitsPerLevel[level]) - 1);
    return *table + index * config_.pteSize;
}

void Mmu::fault(std::uint64_t key, std::uint64_t va, const PageSize& ps, std::uint64_t nextUse, PhysicalMemoryPort& caches) {
    ++stats_.pageFaults;
    for (std::uint32_t level = 1; level <= ps.leafLevel; ++level) tableBase(level, va);
    Page page;
    page.huge = ps.huge;
    bool major = false;
    std::uint64_t readaheadBefore = 0, usedBefore = 0;  // for the observer: what a file fault read ahead or used
    const FileMapping* file = ps.huge || pageCache_.empty() ? nullptr : pageCache_.mappingAt(process_, va);
    if (ps.huge) {
        ++stats_.minorFaults;  // huge pages are anonymous: zero-filled at first touch, never evicted
        const std::uint64_t size = std::uint64_t{1} << ps.shift;
        nextHuge_ = alignUp(nextHuge_, size);
        page.base = nextHuge_;
        nextHuge_ += size;
    } else if (file != nullptr) {
        readaheadBefore = stats_.readaheadPagesRead;
        usedBefore = stats_.readaheadPagesUsed;
        page.frame = faultFile(key, va, *file, nextUse, caches, major);
        page.slot = replacer_->slotOf(page.frame);
        page.base = std::uint64_t{page.frame} << pageShift_;
    } else {
        major = evicted_.erase(key);
        ++(major ? stats_.majorFaults : stats_.minorFaults);
        const std::uint32_t frame = takeFrame(nextUse, caches);
        const std::uint32_t slot = replacer_->slotOf(frame);
        slotKey_[slot] = key;
        page.frame = frame;
        page.slot = slot;
        page.base = std::uint64_t{frame} << pageShift_;
    }
    pages_.tryEmplace(key, page);
    if (!page.huge) ++residentByProcess_[process_];  // (huge pages are pinned: never a victim)
    if (observer_ != nullptr)
        observer_->onPageFault({key, major, page.huge, page.frame, page.base, file != nullptr,
                                static_cast<std::uint32_t>(stats_.readaheadPagesRead - readaheadBefore),
                                stats_.readaheadPagesUsed != usedBefore});
    stats_.residentPagesPeak = std::max(stats_.residentPagesPeak, ++stats_.residentPages);
}

std::uint32_t Mmu::takeFrame(std::uint64_t nextUse, PhysicalMemoryPort& caches) {
    std::uint32_t frame = 0;
    if (config_.frameAllocation == FrameAllocation::Sequential && nextUnusedFrame_ < frames()) {
        frame = static_cast<std::uint32_t>(nextUnusedFrame_++);
    } else if (config_.frameAllocation == FrameAllocation::Random && freeCount_ != 0) {
        frame = drawRandomFrame();
    } else {
        frame = chooseVictim();
        evict(frame, caches);
        replacer_->onFree(frame);
    }
    replacer_->onLoad(frame, nextUse);
    const std::uint32_t slot = replacer_->slotOf(frame);
    if (slot == slotKey_.size()) {  // a new slot: the slots in use grow one at a time
        slotKey_.push_back(0);
        slotDirty_.push_back(0);
    }
    slotKey_[slot] = 0;
    slotDirty_[slot] = 0;
    return frame;
}

std::uint32_t Mmu::faultFile(std::uint64_t key, std::uint64_t va, const FileMapping& m, std::uint64_t nextUse,
                             PhysicalMemoryPort& caches, bool& major) {
    const std::uint64_t page = pageCache_.filePage(m, va);
    if (const std::optional<std::uint32_t> cached = pageCache_.slotOf(m.file, page)) {  // minor: map the cached page
        ++stats_.minorFaults;
        if (pageCache_.map(*cached, PageMapper{m.process, key})) ++stats_.readaheadPagesUsed;
        return pageCache_.entry(*cached).frame;
    }
    // Major: read the page from storage into a frame, then read ahead in the same request.
    major = true;
    ++stats_.fileMajorFaults;
    ++stats_.storageReads;
    stats_.storageBytesRead += config_.pageSize;
    const std::uint32_t frame = takeFrame(nextUse, caches);
    const std::uint32_t slot = replacer_->slotOf(frame);
    slotKey_[slot] = key;
    pageCache_.insert(slot, frame, m.file, page, false);
    pageCache_.map(slot, PageMapper{m.process, key});
    const std::uint64_t filePages = pageCache_.files()[m.file].pages;
    for (std::uint64_t ahead = page + 1; ahead <= page + config_.readahead && ahead < filePages; ++ahead) {
        if (pageCache_.slotOf(m.file, ahead)) continue;  // already cached
        // Never evict the page this fault is for (it may be the replacer's choice with few frames).
        if (framesInUse() == frames() && replacer_->peekVictim() == frame) break;
        const std::uint32_t f = takeFrame(PageReplacer::kNever, caches);
        pageCache_.insert(replacer_->slotOf(f), f, m.file, ahead, true);
        ++stats_.readaheadPagesRead;
        stats_.storageBytesRead += config_.pageSize;
    }
    return frame;
}

std::uint32_t Mmu::drawRandomFrame() {
    auto at = [&](std::uint64_t position) {
        const std::uint32_t* moved = freeMoved_.find(position);
        return moved != nullptr ? *moved : static_cast<std::uint32_t>(position);
    };
    const std::uint64_t r = frameRng_.next() % freeCount_;
    const std::uint64_t last = freeCount_ - 1;
    const std::uint32_t frame = at(r);
    if (r != last) {  // free[r] = free[last]; kept only where it differs from r
        const std::uint32_t moved = at(last);
        if (moved == r)
            freeMoved_.erase(r);
        else
            freeMoved_.assign(r, moved);
    }
    freeMoved_.erase(last);  // position `last` leaves the array
    --freeCount_;
    return frame;
}

std::uint32_t Mmu::chooseVictim() {
    // Local scope: the faulting process gives up one of its own pages, if it has one. A file page
    // belongs to the page cache, not to a process (docs/mmap.md, "Processes sharing a file"): every
    // process may evict it. (A process with a page mapped owns one or maps a cached file page, so
    // something is eligible when residentByProcess_ or the page cache is not empty.)
    if (config_.pageReplacementScope == PageReplacementScope::Local &&
        (residentByProcess_[process_] != 0 || pageCache_.pages() != 0))
        return replacer_->victimAmong([this](std::uint32_t frame) {
            const std::uint32_t slot = replacer_->slotOf(frame);
            return pageCache_.holds(slot) || processOfKey(slotKey_[slot]) == process_;
        });
    return replacer_->victim();
}

void Mmu::switchTo(std::uint8_t process) {
    if (process == process_) return;
    if (process != 0) {
        // Keys hold the process above the page number (keyOf): it must fit there.
        const unsigned vbits = config_.virtualBits();
        unsigned narrowestHuge = 64;
        for (const HugePageRange& r : config_.hugePages) narrowestHuge = std::min(narrowestHuge, log2Exact(r.pageSize));
        if (vbits - pageShift_ > kProcessShift || (!config_.hugePages.empty() && vbits - narrowestHuge > kHugeProcessShift))
            throw Error("process " + std::to_string(process) + ": a virtual address space of " + std::to_string(vbits) +
                        " bits over " + std::to_string(config_.pageSize) +
                        "-byte pages leaves no room for a process id in the page keys (at most " +
                        std::to_string(kProcessShift) + " bits of page number; expected a narrower mmu layout, or one process)");
    }
    const std::uint64_t tlbBefore = stats_.tlbEntriesFlushed, walkBefore = stats_.walkCacheEntriesFlushed;
    bool allAsid = true;  // every TLB has asid (vacuously with none): the walk caches keep theirs
    for (std::uint32_t t = 0; t < tlbs_.size(); ++t) {
        Cache& tlb = tlbs_[t];
        if (tlbAsid_[t]) continue;
        allAsid = false;
        for (std::uint32_t set = 0; set < tlb.sets(); ++set)
            for (std::uint32_t way = 0; way < tlb.ways(); ++way)
                if (tlb.lineAt(set, way).valid) {
                    tlb.invalidate(set, way);
                    ++stats_.tlbEntriesFlushed;
                }
    }
    if (!allAsid)
        for (Cache& wc : walkCaches_)
            for (std::uint32_t set = 0; set < wc.sets(); ++set)
                for (std::uint32_t way = 0; way < wc.ways(); ++way)
                    if (wc.lineAt(set, way).valid) {
                        wc.invalidate(set, way);
                        ++stats_.walkCacheEntriesFlushed;
                    }
    memo_.fill(HitMemo{});
    memoWay_.fill(MemoWay{});
    if (observer_ != nullptr) observer_->onContextSwitch(
            {process_, process, stats_.tlbEntriesFlushed - tlbBefore, stats_.walkCacheEntriesFlushed - walkBefore});
    process_ = process;
    processBits_ = processBitsOf(false, process);
    hugeProcessBits_ = processBitsOf(true, process);
    tableBase(0, 0);  // the process's root, at its first switch
}

void Mmu::evict(std::uint32_t frame, PhysicalMemoryPort& caches) {
    const std::uint32_t slot = replacer_->slotOf(frame);
    const bool dirty = slotDirty_[slot] != 0;
    if (pageCache_.holds(slot)) {  // a file page: every mapping of it goes; a dirty page is written back
        const PageCache::Entry e = pageCache_.remove(slot);
        ++stats_.pageCacheEvictions;
        if (e.readaheadUnused) ++stats_.readaheadPagesWasted;
        if (observer_ != nullptr)
            observer_->onPageEvict({e.mappers.empty() ? 0 : e.mappers.front().key, frame, dirty, e.readaheadUnused});
        for (const PageMapper& m : e.mappers) {
            pages_.erase(m.key);
            --stats_.residentPages;
            --residentByProcess_[processOfKey(m.key)];
            dropFromTlbs(m.key);
        }
        caches.invalidateRange(std::uint64_t{frame} << pageShift_, config_.pageSize);
        if (dirty) {
            ++stats_.fileWritebacks;
            stats_.storageBytesWritten += config_.pageSize;
        }
        return;
    }
    const std::uint64_t key = slotKey_[slot];
    pages_.erase(key);
    evicted_.tryEmplace(key, 0);
    --stats_.residentPages;
    --residentByProcess_[processOfKey(key)];
    if (observer_ != nullptr) observer_->onPageEvict({key, frame, dirty, false});
    dropFromTlbs(key);
    caches.invalidateRange(std::uint64_t{frame} << pageShift_, config_.pageSize);
    if (dirty) ++stats_.pagesWrittenOut;
}

void Mmu::dropFromTlbs(std::uint64_t key) {
    for (std::uint32_t t = 0; t < tlbs_.size(); ++t) {
        Cache& tlb = tlbs_[t];
        const std::uint32_t way = tlb.find(key);
        if (way == Cache::kNoWay) continue;
        tlb.invalidate(tlb.layout().setOfLine(key), way);
        forgetWay(t, tlb.layout().setOfLine(key), way, key);
    }
}

void Mmu::mapFiles(const std::vector<Region>& regions, std::uint8_t process) {
    PageCache cache = pageCache_.empty() ? PageCache(regions, pageShift_, process) : pageCache_;
    if (!pageCache_.empty()) cache.addMappings(regions, process);  // another process: files shared by name
    for (const FileMapping& m : cache.mappings())
        for (const HugePageRange& h : config_.hugePages)
            if (m.base < h.base + h.size && h.base < m.base + m.size)
                throw TraceError("region '" + m.region + "' (file '" + cache.files()[m.file].name +
                                 "') lies in a huge-page range of the mmu config (expected file-backed regions in "
                                 "base pages only)");
    pageCache_ = std::move(cache);
}

void Mmu::countCopies(std::span<const Access> block) {
    for (const Access& a : block)  // each process's own windows
        if (a.kind == AccessKind::Read && pageCache_.inCopyWindow(a.process, a.address)) stats_.bytesCopied += a.size;
}

std::uint64_t Mmu::msync(std::uint8_t process, std::uint64_t va, std::uint64_t size) {
    std::uint64_t written = 0;
    const std::uint64_t end = size > ~std::uint64_t{0} - va ? ~std::uint64_t{0} : va + size;
    for (const FileMapping& m : pageCache_.mappings()) {
        if (m.process != process || m.base >= end || va >= m.base + m.size || size == 0) continue;
        // The file pages of the mapping's part in the range: [first, last].
        const std::uint64_t from = std::max(va, m.base), to = std::min(end, m.base + m.size) - 1;
        const std::uint64_t first = pageCache_.filePage(m, from), last = pageCache_.filePage(m, to);
        pageCache_.forEach([&](std::uint32_t slot, const PageCache::Entry& e) {
            if (e.file != m.file || e.page < first || e.page > last || slotDirty_[slot] == 0) return;
            slotDirty_[slot] = 0;
            ++written;
        });
    }
    stats_.msyncWritebacks += written;
    stats_.storageBytesWritten += written * config_.pageSize;
    return written;
}

std::uint64_t Mmu::dirtyFilePages() const {
    std::uint64_t n = 0;
    pageCache_.forEach([&](std::uint32_t slot, const PageCache::Entry&) { n += slotDirty_[slot] != 0; });
    return n;
}

std::uint64_t Mmu::storageNanoseconds() const {
    const std::uint64_t endWrites = dirtyFilePages();
    const std::uint64_t requests = stats_.storageReads + stats_.fileWritebacks + stats_.msyncWritebacks + endWrites;
    const std::uint64_t bytes = stats_.storageBytesRead + stats_.storageBytesWritten + endWrites * config_.pageSize;
    const long double transfer = static_cast<long double>(bytes) * 1e9L / static_cast<long double>(config_.storage.bandwidth);
    return requests * config_.storage.latencyNs + static_cast<std::uint64_t>(transfer + 0.5L);
}

void Mmu::walk(std::uint64_t va, const PageSize& ps, PhysicalMemoryPort& caches) {
    ++stats_.walks;
    // Walk caches: all looked up; the deepest hit skips levels 0..d.
    std::uint32_t start = 0;
    for (std::uint32_t w = 0; w < walkCaches_.size(); ++w) {
        const std::uint32_t level = config_.walkCaches[w].level;
        if (level >= ps.leafLevel) continue;  // covers no level above this page's leaf
        Cache& wc = walkCaches_[w];
        const std::uint64_t prefix = (va >> shift_[level]) | processBits_;
        ++stats_.walkCacheLookups[w];
        ++wc.mutableStats().accessesByKind[kindIndex(AccessKind::Read)];
        const std::uint32_t way = wc.find(prefix);
        if (observer_ != nullptr) observer_->onWalkCacheLookup({w, level, way != Cache::kNoWay});
        if (way != Cache::kNoWay) {
            ++stats_.walkCacheHits[w];
            wc.touch(wc.layout().setOfLine(prefix), way);
            start = std::max(start, level + 1);
        } else {
            ++wc.mutableStats().missesByKind[kindIndex(AccessKind::Read)];
            const Cache::Placement p = wc.fill(prefix, false);
            if (p.evicted) ++wc.mutableStats().evictions;
        }
    }
    for (std::uint32_t level = start; level <= ps.leafLevel; ++level) {
        const std::uint64_t pte = *pteAddress(va, level);
        const std::uint32_t servedBy = caches.readThrough(walkEntry_, Access{pte, config_.pteSize, AccessKind::Read});
        ++stats_.walkMemoryAccesses;
        ++stats_.pteServedBy[servedBy == Topology::kMemory ? cacheCount_ : servedBy];
        if (observer_ != nullptr) {
            const std::uint64_t index = (va >> shift_[level]) & ((std::uint64_t{1} << config_.bitsPerLevel[level]) - 1);
            observer_->onWalkStep({level, index, pte, servedBy});
        }
    }
}

std::vector<std::uint64_t> Mmu::nextPageUses(const std::vector<std::uint64_t>& keys) {
    std::vector<std::uint64_t> next(keys.size(), PageReplacer::kNever);
    std::unordered_map<std::uint64_t, std::uint64_t> seen;  // key -> the latest index seen (from the end)
    for (std::size_t i = keys.size(); i-- > 0;) {
        const auto [it, inserted] = seen.try_emplace(keys[i], i);
        if (!inserted) {
            next[i] = it->second;
            it->second = i;
        }
    }
    return next;
}

std::uint64_t Mmu::translationCycles() const {
    std::uint64_t cycles = 0;
    for (const Cache& t : tlbs_) cycles += t.stats().accesses() * t.config().latency;
    for (const Cache& w : walkCaches_) cycles += w.stats().accesses() * w.config().latency;
    cycles += stats_.pageFaults * config_.pageFaultLatency;
    return cycles;
}

bool Mmu::sameState(const Mmu& o) const {
    if (!(stats_ == o.stats_) || pages_.size() != o.pages_.size() || tables_ != o.tables_ ||
        !(evicted_ == o.evicted_) || nextUnusedFrame_ != o.nextUnusedFrame_ || freeCount_ != o.freeCount_ ||
        !(freeMoved_ == o.freeMoved_) || piece_ != o.piece_ || process_ != o.process_ ||
        !replacer_->sameState(*o.replacer_) || !(pageCache_ == o.pageCache_))
        return false;
    for (std::size_t i = 0; i < tlbs_.size(); ++i)
        if (!tlbs_[i].sameState(o.tlbs_[i])) return false;
    for (std::size_t i = 0; i < walkCaches_.size(); ++i)
        if (!walkCaches_[i].sameState(o.walkCaches_[i])) return false;
    bool same = true;
    pages_.forEach([&](std::uint64_t key, const Page& page) {
        const Page* other = o.pages_.find(key);
        same = same && other != nullptr && other->base == page.base && other->frame == page.frame &&
               (page.huge || slotDirty_[page.slot] == o.slotDirty_[other->slot]);
    });
    return same;
}

namespace {
template <class T>
std::uint64_t vectorBytes(const std::vector<T>& v) {
    return v.size() * sizeof(T);  // a copy allocates size(), not capacity()
}
}  // namespace

std::uint64_t Mmu::stateBytes() const {
    std::uint64_t bytes = vectorBytes(shift_) + vectorBytes(tableBytes_) + vectorBytes(config_.bitsPerLevel) +
                          vectorBytes(config_.hugePages) + vectorBytes(config_.walkCaches);
    bytes += vectorBytes(tlbs_) + vectorBytes(walkCaches_) + vectorBytes(tlbTarget_);
    for (const auto& targets : tlbTarget_) bytes += vectorBytes(targets);
    bytes += vectorBytes(stats_.pteServedBy) + vectorBytes(stats_.walkCacheLookups) + vectorBytes(stats_.walkCacheHits);
    bytes += vectorBytes(tables_);
    for (const auto& t : tables_) bytes += t.bytes();
    bytes += pages_.bytes() + evicted_.bytes() + vectorBytes(slotKey_) + vectorBytes(slotDirty_) + freeMoved_.bytes();
    return bytes + replacer_->stateBytes() + pageCache_.stateBytes();
}

std::vector<TlbEntryView> Mmu::tlbEntries(std::uint32_t t) const {
    const Cache& tlb = tlbs_.at(t);
    std::vector<TlbEntryView> out;
    out.reserve(std::size_t{tlb.sets()} * tlb.ways());
    for (std::uint32_t set = 0; set < tlb.sets(); ++set)
        for (std::uint32_t way = 0; way < tlb.ways(); ++way) {
            TlbEntryView e;
            e.set = set;
            e.way = way;
            const Cache::LineView line = tlb.lineAt(set, way);
            e.valid = line.valid;
            if (line.valid) {
                // A huge page's key carries log2(its size) in bits 56-62 (keyOf).
                e.huge = (line.line >> 63) != 0;
                const unsigned shift = e.huge ? static_cast<unsigned>((line.line >> 56) & 0x7f) : pageShift_;
                e.virtualPageNumber = pageNumberOfKey(line.line);
                e.process = processOfKey(line.line);
                e.pageSize = std::uint64_t{1} << shift;
                const TlbTarget& target = tlbTarget_[t][std::size_t{set} * tlb.ways() + way];
                e.physicalBase = target.base;
                if (!e.huge) e.frame = static_cast<std::uint32_t>(target.base >> pageShift_);
            }
            out.push_back(e);
        }
    return out;
}

std::optional<std::uint64_t> Mmu::physicalAddress(std::uint64_t va, std::uint8_t process) const {
    if (config_.virtualBits() < 64 && (va >> config_.virtualBits()) != 0) return std::nullopt;
    const PageSize ps = pageSizeOf(va);
    const Page* page = pages_.find(keyOf(va, ps, processBitsOf(ps.huge, process)));
    if (page == nullptr) return std::nullopt;
    return page->base | (va & ((std::uint64_t{1} << ps.shift) - 1));
}

std::vector<ResidentPageView> Mmu::residentPages() const {
    std::vector<ResidentPageView> out;
    out.reserve(pages_.size());
    pages_.forEach([&](std::uint64_t key, const Page& page) {
        ResidentPageView v;
        v.huge = page.huge;
        const unsigned shift = page.huge ? static_cast<unsigned>((key >> 56) & 0x7f) : pageShift_;
        v.virtualPageNumber = pageNumberOfKey(key);
        v.owner = processOfKey(key);
        v.pageSize = std::uint64_t{1} << shift;
        v.physicalBase = page.base;
        if (!page.huge) {
            v.frame = page.frame;
            v.dirty = slotDirty_[page.slot] != 0;
            v.referenced = replacer_->referenceBit(page.frame);
        }
        out.push_back(v);
    });
    std::sort(out.begin(), out.end(),
              [](const ResidentPageView& a, const ResidentPageView& b) { return a.physicalBase < b.physicalBase; });
    return out;
}

std::vector<std::uint64_t> Mmu::pageTablePagesPerLevel() const {
    std::vector<std::uint64_t> out;
    for (const auto& level : tables_) out.push_back(level.size());
    return out;
}

std::optional<std::uint32_t> Mmu::nextVictimFrame() const {
    if (replacer_->loadedFrames() < replacer_->frames()) return std::nullopt;
    return replacer_->peekVictim();
}

std::vector<OptPolicy*> Mmu::optPolicies() {
    std::vector<OptPolicy*> out;
    for (Cache& t : tlbs_)
        if (t.opt() != nullptr) out.push_back(t.opt());
    for (Cache& w : walkCaches_)
        if (w.opt() != nullptr) out.push_back(w.opt());
    return out;
}

}  // namespace cachescope
