// The hierarchy's slow path: everything but a repeated hit in a first-level cache. Each step is
// numbered as in docs/semantics.md ("One access to one cache"); keep the two in step.

#include "cachescope/sim/hierarchy.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>

#include "cachescope/sim/slot_count.hpp"

namespace cachescope {

namespace {
// Each cache's policy gets its own seed, so two random caches do not draw the same numbers.
std::uint64_t cacheSeed(std::uint64_t seed, std::uint32_t index) {
    return seed ^ (0x9E3779B97F4A7C15ull * (std::uint64_t{index} + 1));
}
}  // namespace

Hierarchy::Hierarchy(const SimConfig& config) : config_(config), topology_(computeTopology(config.caches)) {
    caches_.reserve(config.caches.size());
    for (std::uint32_t c = 0; c < config.caches.size(); ++c) caches_.emplace_back(config.caches[c], cacheSeed(config.seed, c));
    arrivals_.resize(caches_.size());
    // Plain caches (hierarchy.hpp). Whether a cache is plain depends on the cache below it: as many
    // rounds as caches reach the fixed point (each round settles at least one more level).
    const auto n = static_cast<std::uint32_t>(caches_.size());
    plain_.assign(n, 0);
    for (std::uint32_t round = 0; round < n; ++round)
        for (std::uint32_t c = 0; c < n; ++c) {
            const Cache& cache = caches_[c];
            const CacheConfig& cfg = cache.config();
            const std::uint32_t next = topology_.next[c];
            const bool below = next == kMemory ||
                               (plain_[next] != 0 && caches_[next].config().lineSize == cfg.lineSize);
            plain_[c] = cfg.writePolicy == WritePolicy::WriteBack && cfg.writeAllocate &&
                                cfg.inclusion != Inclusion::Exclusive && !cache.wide() && cache.opt_ == nullptr &&
                                below
                            ? 1
                            : 0;
        }
}

void Hierarchy::access(std::span<const Access> block) {
    references_ += block.size();
    if (attributionSlots_ != 0) {
        // Attribution without a cost per hit: every reference is first counted once by slot and
        // side (refsBySlot_), which is also one access of its first-level cache; a reference that
        // leaves the hot loop takes that access back (below(), accessObserved()), and the slow
        // path then counts its pieces one by one.
        const std::uint32_t slots = attributionSlots_, sites = slots - 2;
        countBySlot(block, refsBySlot_.data(), refsBySlot_.size(), [slots, sites](const Access& a) {
            return (a.site < sites ? a.site : 0u) + (a.kind == AccessKind::Fetch ? slots : 0u);
        });
    }
    if (observer_ != nullptr) {
        for (const Access& a : block) accessObserved(a);
        if (sink_ != nullptr) handOverAll();
        return;
    }
    // Without a sink, or one that is not told of first-level hits (the slow path still logs what
    // it takes), the hot loop logs nothing.
    if (sink_ != nullptr && firstLevelHits_)
        accessBlock<true>(block);
    else
        accessBlock<false>(block);
    if (sink_ != nullptr) handOverAll();
}

void Hierarchy::handOver(std::uint32_t c) {
    ArrivalBuffer& b = arrivals_[c];
    if (b.lines.empty()) {
        b.lines.resize(ArrivalBuffer::kCapacity);
        b.misses.resize(ArrivalBuffer::kCapacity);
    }
    if (b.count != 0 && sink_ != nullptr)
        sink_->onArrivals(c, std::span<const std::uint64_t>(b.lines.data(), b.count),
                          std::span<const ArrivalMiss>(b.misses.data(), b.missCount));
    b.count = 0;
    b.missCount = 0;
}

void Hierarchy::handOverAll() {
    for (std::uint32_t c = 0; c < arrivals_.size(); ++c)
        if (arrivals_[c].count != 0) handOver(c);
}

template <bool kLog>
void Hierarchy::accessBlock(std::span<const Access> block) {
    // The hot loop: CPU references that hit in a first-level cache never leave it, and are handled
    // here with the cache's arrays held in locals (so they stay in registers across the block).
    //  - Fastest: a repeated hit on the way hit last in its set. For every policy that declares
    //    repeated hits idempotent only a counter and the dirty bit change. A set's hint slot is the
    //    sentinel slot (whose tag never matches) when anything but a hit happened last in the set.
    //  - Fast: any other hit: find the way, tell the policy. A small memo of the slots of recent
    //    hits (by line, not by set: two streams sharing a set keep their own entries) is tried
    //    before the fingerprint filter (Cache::fingerprint); a guess is checked against the tags,
    //    so a stale one costs a compare.
    //  - Everything else (misses, line-crossing references, write-through writes) takes request().
    struct Side {  // a first-level cache as the hot loop sees it
        Cache* cache = nullptr;
        const std::uint64_t* tags = nullptr;
        const std::uint32_t* hint = nullptr;
        std::uint8_t* dirty = nullptr;
        const std::uint8_t* fp = nullptr;  // the fingerprint bytes (not wide)
        std::uint64_t setMask = 0;
        std::uint32_t ways = 0;
        unsigned lineBits = 0;
        bool skipRehit = false;
        bool writeBack = false;
        bool wide = false;  // Cache::wide(): look the line up in its tag index, not by a scan
        bool miss = false;  // set when hit() found the reference's line absent
        bool plain = false;  // plain_[index]: misses take plainMiss
        std::uint32_t index = 0;  // the cache's index (kLog: its arrival buffer)
        std::uint64_t hits = 0;       // hits of every kind handled here...
        std::uint64_t writeHits = 0;  // ...of which writes (the rest are this side's reads or fetches)
        unsigned setBits = 0;
        std::uint32_t* memo = nullptr;  // kMemo guesses of a line's slot, by memoIndex(line)
        // kLog, data side: its arrival buffer's lines and count, kept here across the hot loop
        // (written back to arrivals_ around everything else that may log, below()).
        std::uint64_t* log = nullptr;
        std::uint32_t logged = 0;
    };
    constexpr std::uint32_t kMemo = 64;
    std::uint32_t dataMemo[kMemo], fetchMemo[kMemo];
    auto sideOf = [this](std::uint32_t first) {
        Side side;
        if (first == kMemory) return side;
        Cache& c = caches_[first];
        side = {&c,      c.tags_.data(),       c.hintSlot_.data(), c.dirty_.data(), c.fp_.data(), c.sets_ - 1,
                c.ways_, c.layout_.lineBits(), c.skipRehit_,       c.writeBack_,    c.wide_, false, plain_[first] != 0,
                first,   0,                    0,                  static_cast<unsigned>(std::countr_zero(c.sets_))};
        return side;
    };
    auto logHit = [this](Side& side, std::uint64_t line) __attribute__((always_inline)) {
        if (side.log == nullptr) {
            logArrival(side.index, line);
            return;
        }
        if (side.logged == ArrivalBuffer::kCapacity) [[unlikely]] {
            arrivals_[side.index].count = side.logged;
            handOver(side.index);
            side.logged = 0;
        }
        side.log[side.logged++] = line;
    };
    // Returns true if the reference hit in the side's cache and needs nothing more. kPlain: the
    // side is known to have a cache that is write-back, not wide, and skips repeated hits (the
    // common case, and a loop of its own: none of those checks per reference).
    auto hit = [this, &logHit]<bool kPlain>(Side& side, const Access& a) __attribute__((always_inline)) {
        const std::uint64_t line = a.address >> side.lineBits;
        if ((!kPlain && side.cache == nullptr) || line != (a.address + (a.size - 1)) >> side.lineBits) return false;
        const bool isWrite = a.kind == AccessKind::Write;
        if (!kPlain && isWrite && !side.writeBack) return false;  // every write-through write goes below
        const auto set = static_cast<std::uint32_t>(line & side.setMask);
        const std::uint32_t hint = side.hint[set];
        if (side.tags[hint] == line && (kPlain || side.skipRehit)) [[likely]] {
            if constexpr (kLog) logHit(side, line);
            ++side.hits;
            if (isWrite) {
                ++side.writeHits;
                side.dirty[hint] = 1;
            }
            return true;
        }
        const std::size_t base = std::size_t{set} * side.ways;
        std::uint32_t way = side.ways;
        if (!kPlain && side.wide) [[unlikely]] {
            const std::uint32_t w = side.cache->findWide(line);
            way = w == Cache::kNoWay ? side.ways : w;
        } else {
            // A line is in one slot at most, so a guess whose tag matches is its slot.
            std::uint32_t& guess = side.memo[(line ^ (line >> side.setBits)) & (kMemo - 1)];
            if (side.tags[guess] == line) {
                way = static_cast<std::uint32_t>(guess - base);
            } else {
                // The fingerprint filter (Cache::fingerprint): only ways whose byte matches are
                // compared, so a miss usually compares no tag at all.
                const std::uint32_t w =
                    Cache::findInSet(side.tags + base, side.fp + std::size_t{set} * Cache::kFingerprintStride, line);
                if (w != Cache::kNoWay) {
                    way = w;
                    guess = static_cast<std::uint32_t>(base + w);
                }
            }
        }
        if (way == side.ways) {  // a miss: it will not need looking up again
            side.miss = true;
            return false;
        }
        if constexpr (kLog) logHit(side, line);
        ++side.hits;
        side.cache->touch(set, way);
        if (isWrite) {
            ++side.writeHits;
            side.dirty[base + way] = 1;
        }
        return true;
    };
    Side data = sideOf(topology_.firstData);
    Side instructions = sideOf(topology_.firstInstruction);
    // Every guess starts at the sentinel slot, whose tag matches no line.
    std::fill_n(dataMemo, kMemo, data.cache != nullptr ? data.cache->sentinel_ : 0);
    std::fill_n(fetchMemo, kMemo, instructions.cache != nullptr ? instructions.cache->sentinel_ : 0);
    data.memo = dataMemo;
    instructions.memo = fetchMemo;
    if (kLog && data.cache != nullptr) {
        ArrivalBuffer& b = arrivals_[data.index];
        if (b.lines.empty()) handOver(data.index);  // allocates the buffers
        data.log = b.lines.data();
        data.logged = b.count;
    }
    // Around anything that may log arrivals itself: the data side's count goes back to arrivals_.
    auto syncOut = [&] {
        if (kLog && data.log != nullptr) arrivals_[data.index].count = data.logged;
    };
    auto syncIn = [&] {
        if (kLog && data.log != nullptr) data.logged = arrivals_[data.index].count;
    };
    // The instruction side goes through a call so the data side's fields can live in registers.
    auto fetchHit = [&](const Access& a) __attribute__((noinline)) { return hit.template operator()<false>(instructions, a); };
    auto below = [this](Side& side, std::uint32_t first, const Access& a) {
        if (attributionSlots_ != 0) {  // take back the count access() gave the reference
            current_ = slotOf(a);
            if (first != kMemory) --attrAccesses_[std::size_t{first} * attributionSlots_ + current_];
        }
        if (side.miss) {  // a single-line reference known to miss: skip the second lookup
            side.miss = false;
            ++side.cache->stats_.accessesByKind[kindIndex(a.kind)];
            countAccess(first);
            if (side.plain)  // a write of the whole line is not fetched
                plainMiss(first, a.kind, a.address >> side.lineBits,
                          a.kind != AccessKind::Write || a.size != side.cache->layout_.lineSize());
            else
                missLine(first, a.kind, a.address, a.size, false);
        } else {
            request(first, a.kind, a.address, a.size, false);
        }
    };
    auto loop = [&]<bool kPlain>() {
        for (const Access& a : block) {
            if (a.kind != AccessKind::Fetch) [[likely]] {
                if (!hit.template operator()<kPlain>(data, a)) {
                    syncOut();
                    below(data, topology_.firstData, a);
                    syncIn();
                }
            } else {
                syncOut();
                if (!fetchHit(a)) below(instructions, topology_.firstInstruction, a);
                syncIn();
            }
        }
    };
    if (data.cache != nullptr && data.writeBack && data.skipRehit && !data.wide)
        loop.template operator()<true>();
    else
        loop.template operator()<false>();
    syncOut();
    // The data side's hits are reads and writes, the instruction side's fetches (the same cache
    // when it holds both).
    if (data.cache != nullptr) {
        data.cache->stats_.accessesByKind[kindIndex(AccessKind::Read)] += data.hits - data.writeHits;
        data.cache->stats_.accessesByKind[kindIndex(AccessKind::Write)] += data.writeHits;
    }
    if (instructions.cache != nullptr) instructions.cache->stats_.accessesByKind[kindIndex(AccessKind::Fetch)] += instructions.hits;
}

void Hierarchy::accessObserved(const Access& a) {
    observer_->onReference(a);
    const std::uint32_t first = a.kind == AccessKind::Fetch ? topology_.firstInstruction : topology_.firstData;
    if (attributionSlots_ != 0) {  // take back the access counted before (access()); request() counts the pieces
        current_ = slotOf(a);
        if (first != kMemory) --attrAccesses_[std::size_t{first} * attributionSlots_ + current_];
    }
    request(first, a.kind, a.address, a.size, false);
}

void Hierarchy::notifyMemory(AccessKind kind, std::uint64_t address, std::uint32_t size) {
    observer_->onMemoryAccess({kind, address, size});
}

bool Hierarchy::requestCache(std::uint32_t c, AccessKind kind, std::uint64_t address, std::uint32_t size,
                             bool cleanVictim) {
    const AddressLayout& layout = caches_[c].layout();
    const std::uint64_t lastByte = address + (size - 1);
    const std::uint64_t lastLine = layout.line(lastByte);
    if (layout.line(address) == lastLine) return requestLine(c, kind, address, size, cleanVictim);
    bool dirty = false;
    for (std::uint64_t line = layout.line(address);; ++line) {
        const std::uint64_t lineFirst = layout.lineBase(line);
        const std::uint64_t lineLast = lineFirst + (layout.lineSize() - 1);
        const std::uint64_t from = std::max(address, lineFirst);
        const std::uint64_t to = std::min(lastByte, lineLast);
        dirty |= requestLine(c, kind, from, static_cast<std::uint32_t>(to - from + 1), cleanVictim);
        if (line == lastLine) break;
    }
    return dirty;
}

bool Hierarchy::requestLine(std::uint32_t c, AccessKind kind, std::uint64_t address, std::uint32_t size,
                            bool cleanVictim) {
    Cache& cache = caches_[c];
    ++cache.stats_.accessesByKind[kindIndex(kind)];
    countAccess(c);
    const std::uint64_t line = cache.layout_.line(address);
    // Narration: announce the arrival while the set still holds its state from before (slow path
    // only; with an observer attached every arrival comes through here).
    if (observer_ != nullptr) observer_->onCacheLookup({c, kind, address, size, line, cache.layout_.setOfLine(line)});
    const std::uint32_t way = cache.find(line);
    if (way != Cache::kNoWay) return hitLine(c, kind, address, size, cleanVictim, way);
    return missLine(c, kind, address, size, cleanVictim);
}

bool Hierarchy::hitLine(std::uint32_t c, AccessKind kind, std::uint64_t address, std::uint32_t size, bool cleanVictim,
                        std::uint32_t way) {
    Cache& cache = caches_[c];
    const std::uint64_t line = cache.layout_.line(address);
    const std::uint32_t set = cache.layout_.setOfLine(line);
    const bool isWrite = kind == AccessKind::Write;
    if (sink_ != nullptr) logArrival(c, line);
    cache.touch(set, way);  // 1
    if (isWrite) {          // 2
        if (!cache.writeBack_)
            request(topology_.next[c], AccessKind::Write, address, size, false);
        else if (!cleanVictim)
            cache.setDirty(set, way);
    }
    bool handedUpDirty = false;
    if (cache.config_.inclusion == Inclusion::Exclusive && !isWrite) {  // 3: hand the line up
        handedUpDirty = cache.invalidate(set, way);
        if (observer_ != nullptr) observer_->onInvalidate({c, line, set, way, handedUpDirty, false});
    }
    if (observer_ != nullptr)
        observer_->onCacheAccess({c, kind, address, size, line, set, way, true, false, 0, false, current_});
    return handedUpDirty;
}

bool Hierarchy::missLine(std::uint32_t c, AccessKind kind, std::uint64_t address, std::uint32_t size,
                         bool cleanVictim) {
    Cache& cache = caches_[c];
    const CacheConfig& cfg = cache.config_;
    const AddressLayout& layout = cache.layout_;
    const std::uint64_t line = layout.line(address);
    const std::uint32_t next = topology_.next[c];
    const bool isWrite = kind == AccessKind::Write;
    if (plain_[c] != 0 && observer_ == nullptr) {  // a plain cache never sees a clean victim (not exclusive)
        plainMiss(c, kind, line, !isWrite || size != layout.lineSize());
        return false;
    }
    ++cache.stats_.missesByKind[kindIndex(kind)];
    countMiss(c);
    if (sink_ != nullptr) logMiss(c, line);
    auto notify = [&](const Cache::Placement& p, bool victimDirty) {
        if (observer_ != nullptr)
            observer_->onCacheAccess({c, kind, address, size, line, layout.setOfLine(line), p.way, false, p.evicted,
                                      p.victimLine, victimDirty, current_});
    };
    if (isWrite && !cfg.writeAllocate) {  // 1: no-write-allocate
        cache.bypass(line);
        request(next, AccessKind::Write, address, size, false);
        notify({}, false);
        return false;
    }
    if (cfg.inclusion == Inclusion::Exclusive && !isWrite) {  // 2: an exclusive cache does not allocate fills
        cache.bypass(line);
        const bool dirty = request(next, kind, address, size, false);
        notify({}, false);
        return dirty;
    }
    // 3.1 fetch, unless a write covers the whole line
    const bool wholeLine = isWrite && size == layout.lineSize();
    bool dirtyFromBelow = false;
    if (!wholeLine)
        dirtyFromBelow = request(next, kind == AccessKind::Fetch ? AccessKind::Fetch : AccessKind::Read,
                                 layout.lineBase(line), static_cast<std::uint32_t>(layout.lineSize()), false);
    // 3.2 place, 3.3 dirty bit
    const bool dirty = (isWrite && cache.writeBack_ && !cleanVictim) || dirtyFromBelow;
    const Cache::Placement placed = cache.fill(line, dirty);
    bool victimDirty = placed.victimDirty;
    if (placed.evicted) {
        ++cache.stats_.evictions;
        if (cfg.inclusion == Inclusion::Inclusive) backInvalidate(c, placed.victimLine, victimDirty);
    }
    // 3.4 write-through
    if (isWrite && !cache.writeBack_) request(next, AccessKind::Write, address, size, false);
    // 3.5 victim
    if (placed.evicted) sendVictim(c, placed.victimLine, victimDirty);
    notify(placed, victimDirty);
    return false;
}

void Hierarchy::plainArrive(std::uint32_t c, AccessKind kind, std::uint64_t line) {
    // requestLine at a plain cache for a whole line (no observer: plain_ is only used without one).
    if (c == kMemory) {
        ++(kind == AccessKind::Write ? memory_.writes : memory_.reads);
        return;
    }
    Cache& cache = caches_[c];
    ++cache.stats_.accessesByKind[kindIndex(kind)];
    countAccess(c);
    const std::uint32_t set = cache.layout_.setOfLine(line);
    const std::uint32_t way = cache.findNarrow(set, line);
    if (way == Cache::kNoWay) {
        plainMiss(c, kind, line, kind != AccessKind::Write);  // a write from above is a whole line
        return;
    }
    // hitLine: 1 the policy, 2 the dirty bit (write-back); a plain cache is not exclusive.
    if (sink_ != nullptr) logArrival(c, line);
    cache.touchPlain(set, way);
    if (kind == AccessKind::Write) cache.setDirty(set, way);
}

void Hierarchy::plainMiss(std::uint32_t c, AccessKind kind, std::uint64_t line, bool fetch) {
    // missLine at a plain cache: write-allocate and not exclusive, so 3.1-3.5 always apply; nothing
    // comes back dirty from below (only an exclusive cache hands up dirty lines) and there is no
    // write-through.
    Cache& cache = caches_[c];
    ++cache.stats_.missesByKind[kindIndex(kind)];
    countMiss(c);
    if (sink_ != nullptr) logMiss(c, line);
    const std::uint32_t next = topology_.next[c];
    // 3.1 fetch (the line below is this line: same line size)
    if (fetch) plainArrive(next, kind == AccessKind::Fetch ? AccessKind::Fetch : AccessKind::Read, line);
    // 3.2 place, 3.3 dirty bit
    const Cache::Placement placed = cache.fillNarrow(cache.layout_.setOfLine(line), line, kind == AccessKind::Write);
    if (!placed.evicted) return;
    ++cache.stats_.evictions;
    bool victimDirty = placed.victimDirty;
    if (cache.config_.inclusion == Inclusion::Inclusive) backInvalidate(c, placed.victimLine, victimDirty);
    // 3.5 victim (sendVictim: a clean one goes nowhere, the cache below is not exclusive)
    if (victimDirty) {
        ++cache.stats_.writebacks;
        const std::uint32_t charged = current_;
        if (attributionSlots_ != 0) current_ = writebackSlot();
        plainArrive(next, AccessKind::Write, placed.victimLine);
        current_ = charged;
    }
}

void Hierarchy::backInvalidate(std::uint32_t c, std::uint64_t line, bool& dirty) {
    for (const std::uint32_t u : topology_.above[c]) {
        Cache& upper = caches_[u];
        const std::uint32_t way = upper.find(line);
        if (way == Cache::kNoWay) continue;
        const std::uint32_t set = upper.layout().setOfLine(line);
        const bool wasDirty = upper.invalidate(set, way);
        dirty = dirty || wasDirty;
        ++caches_[c].mutableStats().backInvalidations;
        if (observer_ != nullptr) observer_->onInvalidate({u, line, set, way, wasDirty, true});
    }
}

void Hierarchy::sendVictim(std::uint32_t c, std::uint64_t line, bool dirty) {
    // A victim is no statement's demand: charge what it causes below to the write-back slot.
    const std::uint32_t charged = current_;
    if (attributionSlots_ != 0) current_ = writebackSlot();
    const std::uint32_t next = topology_.next[c];
    const AddressLayout& layout = caches_[c].layout();
    const auto lineSize = static_cast<std::uint32_t>(layout.lineSize());
    if (dirty) {
        ++caches_[c].mutableStats().writebacks;
        request(next, AccessKind::Write, layout.lineBase(line), lineSize, false);
    } else if (next != kMemory && caches_[next].config().inclusion == Inclusion::Exclusive) {
        request(next, AccessKind::Write, layout.lineBase(line), lineSize, true);
    }
    current_ = charged;
}

std::uint32_t Hierarchy::inject(std::uint32_t entry, const Access& a) {
    // The first cache on the way whose read misses did not grow served the read (fills are reads;
    // write-backs and victims that the read causes below are writes and do not disturb this).
    std::uint64_t before[32];
    std::uint32_t depth = 0;
    for (std::uint32_t c = entry; c != kMemory && depth < 32; c = topology_.next[c])
        before[depth++] = caches_[c].stats_.readMisses();
    const std::uint32_t charged = current_;
    if (attributionSlots_ != 0) current_ = walkSlot();
    request(entry, a.kind, a.address, a.size, false);
    current_ = charged;
    if (sink_ != nullptr) handOverAll();
    std::uint32_t i = 0;
    for (std::uint32_t c = entry; c != kMemory && i < depth; c = topology_.next[c], ++i)
        if (caches_[c].stats_.readMisses() == before[i]) return c;
    return kMemory;
}

void Hierarchy::invalidateRange(std::uint64_t address, std::uint64_t size) {
    for (std::uint32_t c = 0; c < caches_.size(); ++c) {
        Cache& cache = caches_[c];
        const AddressLayout& layout = cache.layout_;
        const std::uint64_t first = layout.line(address), last = layout.line(address + (size - 1));
        for (std::uint64_t line = first; line <= last; ++line) {
            const std::uint32_t way = cache.find(line);
            if (way == Cache::kNoWay) continue;
            const std::uint32_t set = layout.setOfLine(line);
            const bool dirty = cache.invalidate(set, way);
            if (dirty) {
                ++cache.stats_.writebacks;
                ++memory_.writes;
            }
            if (observer_ != nullptr) observer_->onInvalidate({c, line, set, way, dirty, false});
        }
    }
}

void Hierarchy::resetStats() {
    for (Cache& c : caches_) c.resetStats();
    memory_ = {};
    references_ = 0;
    std::fill(attrAccesses_.begin(), attrAccesses_.end(), 0);
    std::fill(attrMisses_.begin(), attrMisses_.end(), 0);
    std::fill(refsBySlot_.begin(), refsBySlot_.end(), 0);
}

void Hierarchy::addShare(const Hierarchy& share, std::uint64_t references) {
    assert(share.caches_.size() == caches_.size() && share.attributionSlots_ == attributionSlots_);
    for (std::size_t c = 0; c < caches_.size(); ++c) caches_[c].stats_ += share.caches_[c].stats_;
    memory_ += share.memory_;
    references_ += references;
    for (std::size_t i = 0; i < attrAccesses_.size(); ++i) {
        attrAccesses_[i] += share.attrAccesses_[i];
        attrMisses_[i] += share.attrMisses_[i];
    }
    for (std::size_t i = 0; i < refsBySlot_.size(); ++i) refsBySlot_[i] += share.refsBySlot_[i];
}

void Hierarchy::enableAttribution(std::uint32_t sites) {
    attributionSlots_ = std::max<std::uint32_t>(sites, 1) + 2;
    current_ = 0;
    attrAccesses_.assign(caches_.size() * attributionSlots_, 0);
    attrMisses_.assign(caches_.size() * attributionSlots_, 0);
    refsBySlot_.assign(2 * std::size_t{attributionSlots_}, 0);
}

bool Hierarchy::sameState(const Hierarchy& other) const {
    if (caches_.size() != other.caches_.size() || !(memory_ == other.memory_) || references_ != other.references_)
        return false;
    for (std::size_t i = 0; i < caches_.size(); ++i)
        if (!caches_[i].sameState(other.caches_[i])) return false;
    if (attributionSlots_ != other.attributionSlots_ || attrMisses_ != other.attrMisses_) return false;
    // Compare what the counters mean: how a first-level access is split between refsBySlot_ and
    // attrAccesses_ depends on how the references came (whole, or in shares).
    for (std::uint32_t c = 0; c < caches_.size(); ++c)
        for (std::uint32_t s = 0; s < attributionSlots_; ++s)
            if (attributedAccesses(c, s) != other.attributedAccesses(c, s)) return false;
    for (std::uint32_t s = 0; s < attributionSlots_; ++s)
        if (attributedReferences(s) != other.attributedReferences(s)) return false;
    return true;
}

std::vector<OptPolicy*> Hierarchy::optPolicies() {
    std::vector<OptPolicy*> out;
    for (Cache& c : caches_)
        if (c.opt() != nullptr) out.push_back(c.opt());
    return out;
}

std::uint64_t totalCycles(const Hierarchy& h) {
    std::uint64_t cycles = 0;
    for (const Cache& c : h.caches()) cycles += c.stats().accesses() * c.config().latency;
    cycles += (h.memory().reads + h.memory().writes) * h.config().memory.latency;
    return cycles;
}

double amat(const Hierarchy& h) {
    return h.references() ? double(totalCycles(h)) / double(h.references()) : 0.0;
}

}  // namespace cachescope
