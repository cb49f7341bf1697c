#include "cachescope/sim/simulator.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>

#include "cachescope/sim/slot_count.hpp"

namespace cachescope {

namespace {
/// Calls f(va, bytes) for each page-sized piece of `a`, in address order: the one definition of
/// how references are split for translation, shared by access() and planPages().
/// The MMU's view of the caches (mmu/physical_memory_port.hpp): PTE reads enter the Hierarchy,
/// evicted pages leave it.
/// `before` runs ahead of the first thing sent to the caches: access() hands the caches the
/// pieces translated so far there, so they see everything in program order while a translation
/// that only looks up TLBs (a hit in a later TLB) touches nothing and flushes nothing.
template <class Before>
class CachePort final : public PhysicalMemoryPort {
public:
    CachePort(Hierarchy& caches, Before before) : caches_(caches), before_(before) {}
    std::uint32_t readThrough(std::uint32_t entry, const Access& read) override {
        before_();
        return caches_.inject(entry, read);
    }
    void invalidateRange(std::uint64_t address, std::uint64_t size) override {
        before_();
        caches_.invalidateRange(address, size);
    }

private:
    Hierarchy& caches_;
    Before before_;
};

/// True if every access of `block` is of `process`. The second 8 bytes of an Access hold size,
/// kind, process (bits 40-47 on a little-endian machine) and site: AND and OR them over the block
/// and the process byte is `process` in both exactly when it is in every access. Two instructions
/// an access (the loads fold into the and/or), four accesses a round.
bool allOfProcess(std::span<const Access> block, std::uint8_t process) {
    static_assert(offsetof(Access, process) == 13 && sizeof(Access) == 16);
    if constexpr (std::endian::native != std::endian::little) {
        for (const Access& a : block)
            if (a.process != process) return false;
        return true;
    } else {
        const auto* bytes = reinterpret_cast<const unsigned char*>(block.data());
        auto word = [bytes](std::size_t i) {
            std::uint64_t w;
            std::memcpy(&w, bytes + 16 * i + 8, 8);
            return w;
        };
        std::uint64_t all = ~std::uint64_t{0}, any = 0, all2 = ~std::uint64_t{0}, any2 = 0;
        std::size_t i = 0;
        for (; i + 4 <= block.size(); i += 4) {
            const std::uint64_t w0 = word(i), w1 = word(i + 1), w2 = word(i + 2), w3 = word(i + 3);
            all &= w0 & w1;
            any |= w0 | w1;
            all2 &= w2 & w3;
            any2 |= w2 | w3;
        }
        for (; i < block.size(); ++i) {
            all &= word(i);
            any |= word(i);
        }
        all &= all2;
        any |= any2;
        return ((all >> 40) & 0xFF) == process && ((any >> 40) & 0xFF) == process;
    }
}

template <class F>
void forEachPiece(const Mmu& mmu, const Access& a, F f) {
    std::uint64_t va = a.address;
    std::uint64_t remaining = a.size;
    while (remaining > 0) {
        const std::uint64_t end = mmu.pageEnd(va);
        const std::uint64_t piece = (end == 0 || end - va >= remaining) ? remaining : end - va;
        f(va, piece);
        va += piece;
        remaining -= piece;
    }
}
}  // namespace

Simulator::Simulator(const SimConfig& config) : hierarchy_(config) {
    if (!config.mmu) return;
    if (config.mmu->mode != MmuMode::Segmentation) mmu_.emplace(config);
    if (config.mmu->mode != MmuMode::Paging || config.mmu->protection) segmentation_.emplace(*config.mmu);
}

// flatten: Mmu::translateHit is inlined at both of its calls (as a call per access it cost about 20
// instructions a reference: callgrind, bench-like matmul with translation), and Mmu::translateRun's
// loop too.
[[gnu::flatten]] void Simulator::access(std::span<const Access> block) {
    const std::uint64_t before = references_;
    if (before == 0 && !block.empty() && block.front().process == process_) markSeen(process_);
    references_ += block.size();
    if (!siteReferences_.empty() && !sitesInHierarchy()) {
        const std::size_t sites = siteReferences_.size();
        countBySlot(block, siteReferences_.data(), sites,
                    [sites](const Access& a) -> std::size_t { return a.site < sites ? a.site : 0; });
    }
    if (segmentation_) [[unlikely]] {
        accessSegmented(block);
        return;
    }
    translateAndAccess(block, before);
}

void Simulator::translateAndAccess(std::span<const Access> block, std::uint64_t before) {
    if (!mmu_) {
        accessUntranslated(block, before);
        return;
    }
    if (mmu_->countsCopies()) mmu_->countCopies(block);  // read() copies (docs/mmap.md): once per block
    if (observedTranslation_) {  // narration: checked once per block, the loop below is untouched
        accessObserved(block, before);
        return;
    }
    // Translated pieces are gathered and sent to the caches in blocks; before a translation that
    // misses the first TLB sends anything into the caches (a walk's PTE reads, a page eviction's
    // invalidations), the pieces gathered so far go first (CachePort), so the caches see
    // everything in program order.
    // Raw storage, not std::array<Access, N>: Access's default member initializers would zero all
    // 16 KiB on every call. Access is an implicit-lifetime type (trivially copyable), so the
    // elements come to life as they are assigned.
    constexpr std::size_t kPhysical = 1024;
    alignas(Access) std::byte storage[kPhysical * sizeof(Access)];
    Access* const physical = std::launder(reinterpret_cast<Access*>(storage));
    std::size_t used = 0;
    auto flush = [&] {
        hierarchy_.access(std::span<const Access>(physical, used));
        used = 0;
    };
    auto flushPending = [&] {
        if (used != 0) flush();
    };
    std::uint8_t process = process_;  // a local: the loop's stores cannot change it behind the compiler's back
    // One reference the fast paths leave: a process switch, a first-TLB hit the memo does not know,
    // a TLB miss, a page crossing.
    auto one = [&](const Access& a) {
        if (a.process != process) [[unlikely]] {
            flushPending();
            switchProcess(a.process, before + static_cast<std::uint64_t>(&a - block.data()));
            process = process_;
        }
        std::uint64_t pa = 0;
        if (mmu_->withinOneBasePage(a.address, a.size)) [[likely]] {
            // One piece: a first-TLB hit, else translate() (translateHit changed nothing then, so
            // forEachPiece's second translateHit would miss the same way).
            if (!mmu_->translateHit(a.address, a.kind, pa)) [[unlikely]] {
                CachePort port(hierarchy_, flushPending);
                try {
                    pa = mmu_->translate(a.address, a.kind, port);
                } catch (...) {  // an address outside the virtual space: the caches still see what came before
                    flushPending();
                    throw;
                }
            }
            Access& out = physical[used++];
            out = a;  // one 16-byte copy, then the physical address
            out.address = pa;
            if (used == kPhysical) flush();
            return;
        }
        forEachPiece(*mmu_, a, [&](std::uint64_t va, std::uint64_t piece) {
            if (!mmu_->translateHit(va, a.kind, pa)) {
                CachePort port(hierarchy_, flushPending);
                try {
                    pa = mmu_->translate(va, a.kind, port);
                } catch (...) {  // an address outside the virtual space: the caches still see what came before
                    flushPending();
                    throw;
                }
            }
            physical[used++] = Access{pa, static_cast<std::uint32_t>(piece), a.kind, a.site, a.process};
            if (used == kPhysical) flush();
        });
    };
    if (mmu_->runsHits()) {
        // Runs of first-TLB hits on pages the memo knows go through Mmu::translateRun, straight into
        // the queue; each reference a run leaves takes the path above, then the next run starts.
        std::size_t i = 0;
        while (i < block.size()) {
            const std::size_t room = std::min(kPhysical - used, block.size() - i);
            const std::size_t n = mmu_->translateRun(block.subspan(i, room), physical + used);
            used += n;
            i += n;
            if (used == kPhysical) flush();
            if (n == room) continue;
            one(block[i++]);
        }
    } else {
        for (const Access& a : block) one(a);
    }
    flush();
}

void Simulator::accessSegmented(std::span<const Access> block) {
    const std::uint64_t first = references_ - block.size();  // the run's index of block[0]
    std::array<Access, 1024> mapped;
    std::size_t used = 0;
    std::uint64_t chunkStart = first;  // the run's index of mapped[0] (for the per-process counts)
    auto flush = [&] {
        if (used != 0) translateAndAccess(std::span<const Access>(mapped.data(), used), chunkStart);
        used = 0;
    };
    CachePort port(hierarchy_, flush);  // a segment moved or swapped out: what came before goes first
    for (std::size_t i = 0; i < block.size(); ++i) {
        const Access& a = block[i];
        // The process switches here, before the lookup, whether or not the reference faults (a
        // faulting reference reaches no cache but is its process's): what came before goes first.
        if (a.process != process_) [[unlikely]] {
            flush();
            switchProcess(a.process, first + i);
        }
        const std::optional<std::uint64_t> address = segmentation_->map(a.process, a, first + i, port);
        if (!address) {
            if (stopOnFault_) {
                flush();
                const SegmentFault& f = segmentation_->lastFault();
                throw SegmentFaultError(f, "reference " + std::to_string(first + i) + " (counting from 0): " +
                                               Segmentation::describe(f) + " (run --on-fault stop)");
            }
            continue;
        }
        if (used == 0) chunkStart = first + i;
        mapped[used++] = Access{*address, a.size, a.kind, a.site, a.process};
        if (used == mapped.size()) flush();
    }
    flush();
}

void Simulator::accessObserved(std::span<const Access> block, std::uint64_t before) {
    // The same translations and cache accesses, in the same order, as access()'s loop: there a
    // TLB hit through translateHit changes exactly what translate() changes on that hit.
    for (const Access& a : block) {
        if (a.process != process_) switchProcess(a.process, before + static_cast<std::uint64_t>(&a - block.data()));
        forEachPiece(*mmu_, a, [&](std::uint64_t va, std::uint64_t piece) {
            CachePort port(hierarchy_, [] {});
            const std::uint64_t pa = mmu_->translate(va, a.kind, port);
            hierarchy_.access(Access{pa, static_cast<std::uint32_t>(piece), a.kind, a.site, a.process});
        });
    }
}

void Simulator::accessUntranslated(std::span<const Access> block, std::uint64_t before) {
    if (allOfProcess(block, process_)) {  // nearly every block: the running process's alone
        hierarchy_.access(block);
        return;
    }
    std::size_t begin = 0;
    while (begin < block.size()) {
        if (block[begin].process != process_) switchProcess(block[begin].process, before + begin);
        std::size_t end = begin + 1;
        while (end < block.size() && block[end].process == process_) ++end;
        hierarchy_.access(block.subspan(begin, end - begin));
        begin = end;
    }
}

ProcessStats Simulator::countersNow() const {
    ProcessStats now;
    now.references = references_;
    for (const Cache& c : hierarchy_.caches()) now.cacheMisses.push_back(c.stats().misses());
    if (mmu_) {
        for (const Cache& t : mmu_->tlbs()) now.tlbMisses.push_back(t.stats().misses());
        now.pageFaults = mmu_->stats().pageFaults;
    }
    return now;
}

namespace {
/// row += now - mark, counter by counter.
void addDelta(ProcessStats& row, const ProcessStats& now, const ProcessStats& mark) {
    row.references += now.references - mark.references;
    row.cacheMisses.resize(now.cacheMisses.size(), 0);
    row.tlbMisses.resize(now.tlbMisses.size(), 0);
    for (std::size_t c = 0; c < now.cacheMisses.size(); ++c)
        row.cacheMisses[c] += now.cacheMisses[c] - (c < mark.cacheMisses.size() ? mark.cacheMisses[c] : 0);
    for (std::size_t t = 0; t < now.tlbMisses.size(); ++t)
        row.tlbMisses[t] += now.tlbMisses[t] - (t < mark.tlbMisses.size() ? mark.tlbMisses[t] : 0);
    row.pageFaults += now.pageFaults - mark.pageFaults;
}
}  // namespace

void Simulator::switchProcess(std::uint8_t process, std::uint64_t referencesBefore) {
    // references_ already counts the whole block being simulated: the turn ends at referencesBefore.
    ProcessStats now = countersNow();
    now.references = referencesBefore;
    if (process_ >= processRows_.size()) processRows_.resize(std::size_t{process_} + 1);
    addDelta(processRows_[process_], now, mark_);
    mark_ = std::move(now);
    ++contextSwitches_;
    if (mmu_) mmu_->switchTo(process);
    process_ = process;
    markSeen(process);
}

std::uint32_t Simulator::processCount() const {
    std::uint32_t n = 0;
    for (const std::uint8_t s : processSeen_) n += s;
    return n;
}

std::vector<ProcessStats> Simulator::processStats() const {
    std::vector<ProcessStats> rows = processRows_;
    if (process_ >= rows.size()) rows.resize(std::size_t{process_} + 1);
    addDelta(rows[process_], countersNow(), mark_);
    std::vector<ProcessStats> out;
    for (std::uint32_t p = 0; p < rows.size(); ++p)
        if (p < processSeen_.size() && processSeen_[p] != 0) {
            rows[p].process = p;
            rows[p].cacheMisses.resize(hierarchy_.caches().size(), 0);
            rows[p].tlbMisses.resize(mmu_ ? mmu_->tlbs().size() : 0, 0);
            out.push_back(std::move(rows[p]));
        }
    return out;
}

void Simulator::setObservers(HierarchyObserver* caches, MmuObserver* translation) {
    hierarchy_.setObserver(caches);
    if (mmu_) mmu_->setObserver(translation);
    if (segmentation_) segmentation_->setObserver(translation);
    observedTranslation_ = mmu_ && translation != nullptr;
}

std::uint64_t Simulator::totalCycles() const {
    return cachescope::totalCycles(hierarchy_) + (mmu_ ? mmu_->translationCycles() : 0);
}

double Simulator::amat() const { return references_ ? double(totalCycles()) / double(references_) : 0.0; }

bool Simulator::needsPageFuture() const {
    return mmu_ && mmu_->config().pageReplacement == PageReplacementKind::Opt;
}

bool Simulator::needsFuture() const {
    auto isOpt = [](const auto& c) { return c.replacement == "opt"; };
    const SimConfig& c = config();
    return needsPageFuture() || std::any_of(c.caches.begin(), c.caches.end(), isOpt) ||
           std::any_of(c.tlbs.begin(), c.tlbs.end(), isOpt) ||
           (c.mmu && std::any_of(c.mmu->walkCaches.begin(), c.mmu->walkCaches.end(), isOpt));
}

std::vector<OptPolicy*> Simulator::optPolicies() {
    std::vector<OptPolicy*> out = mmu_ ? mmu_->optPolicies() : std::vector<OptPolicy*>{};
    for (OptPolicy* p : hierarchy_.optPolicies()) out.push_back(p);
    return out;
}

bool Simulator::followedPlans() {
    for (const OptPolicy* p : optPolicies())
        if (!p->followedPlan()) return false;
    return true;
}

void Simulator::planPages(std::span<const Access> block, std::vector<std::uint64_t>& keys) const {
    if (!mmu_) return;
    for (const Access& a : block)
        forEachPiece(*mmu_, a, [&](std::uint64_t va, std::uint64_t) { keys.push_back(mmu_->pageKey(va, a.process)); });
}

void Simulator::setFuture(const std::vector<std::uint64_t>& keys) {
    if (mmu_) mmu_->setFuture(std::make_shared<const std::vector<std::uint64_t>>(Mmu::nextPageUses(keys)));
}

void Simulator::enableAttribution(std::uint32_t sites) {
    hierarchy_.enableAttribution(sites);
    siteReferences_.assign(std::max<std::uint32_t>(sites, 1), 0);
}

void Simulator::addShare(const Simulator& share, std::uint64_t references,
                         std::span<const std::uint64_t> siteReferences) {
    assert(!mmu_ && !share.mmu_ && siteReferences.size() == siteReferences_.size());
    references_ += references;
    // The share's hierarchy counted its references by slot (sitesInHierarchy), continuations
    // included, and addShare adds them to this one's: keep only the difference to the given count
    // here (modulo 2^64, the sum in siteReferences() is exact).
    for (std::size_t i = 0; i < siteReferences_.size(); ++i)
        siteReferences_[i] += siteReferences[i] - share.hierarchy_.attributedReferences(static_cast<std::uint32_t>(i));
    hierarchy_.addShare(share.hierarchy_, references);
    // Each miss happened in one share, in the process of the reference that missed.
    for (const ProcessStats& row : share.processStats()) {
        if (row.process >= processRows_.size()) processRows_.resize(std::size_t{row.process} + 1);
        ProcessStats& sum = processRows_[row.process];
        sum.cacheMisses.resize(row.cacheMisses.size(), 0);
        for (std::size_t c = 0; c < row.cacheMisses.size(); ++c) sum.cacheMisses[c] += row.cacheMisses[c];
    }
}

void Simulator::setProcessCounts(std::span<const std::uint64_t> referencesByProcess, std::uint64_t contextSwitches,
                                 std::uint8_t last) {
    assert(!mmu_ && !segmentation_);
    if (referencesByProcess.size() > processRows_.size()) processRows_.resize(referencesByProcess.size());
    processSeen_.assign(processRows_.size(), 0);
    for (std::size_t p = 0; p < referencesByProcess.size(); ++p) {
        processRows_[p].references = referencesByProcess[p];
        processSeen_[p] = referencesByProcess[p] != 0;
    }
    contextSwitches_ = contextSwitches;
    process_ = last;
    mark_ = countersNow();  // every turn is closed: processStats() adds nothing to the last one
}

bool Simulator::sameState(const Simulator& other) const {
    if (siteReferences_.size() != other.siteReferences_.size()) return false;
    for (std::uint32_t i = 0; i < siteReferences_.size(); ++i)
        if (siteReferences(i) != other.siteReferences(i)) return false;
    if (references_ != other.references_ || process_ != other.process_ ||
        contextSwitches_ != other.contextSwitches_ || mmu_.has_value() != other.mmu_.has_value()) return false;
    if (mmu_ && !mmu_->sameState(*other.mmu_)) return false;
    if (segmentation_.has_value() != other.segmentation_.has_value() ||
        (segmentation_ && (segmentation_->stats() != other.segmentation_->stats() ||
                           segmentation_->holes() != other.segmentation_->holes())))
        return false;
    return hierarchy_.sameState(other.hierarchy_);
}

std::uint64_t Simulator::snapshotBytes() const {
    // What a copy allocates (vectors copy size(), not capacity()).
    const SimConfig& c = config();
    std::uint64_t bytes = sizeof(Simulator) + siteReferences_.size() * sizeof(std::uint64_t);
    // The Hierarchy's config, Cache objects and attribution counters (accesses and misses per slot).
    bytes += c.caches.size() * sizeof(CacheConfig) + c.tlbs.size() * sizeof(TlbConfig);
    bytes += hierarchy_.caches().size() * sizeof(Cache);
    bytes += 2 * hierarchy_.caches().size() * std::uint64_t{hierarchy_.attributionSlots()} * sizeof(std::uint64_t);
    bytes += 2 * std::uint64_t{hierarchy_.attributionSlots()} * sizeof(std::uint64_t);  // references by slot
    if (mmu_) bytes += mmu_->stateBytes();
    return bytes;
}

}  // namespace cachescope
