#include "cachescope/sim/simulator.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <memory>

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
// instructions a reference: callgrind, bench-like matmul with translation).
[[gnu::flatten]] void Simulator::access(std::span<const Access> block) {
    references_ += block.size();
    if (!siteReferences_.empty()) {
        const std::size_t sites = siteReferences_.size();
        for (const Access& a : block) ++siteReferences_[a.site < sites ? a.site : 0];
    }
    if (segmentation_) [[unlikely]] {
        accessSegmented(block);
        return;
    }
    translateAndAccess(block);
}

void Simulator::translateAndAccess(std::span<const Access> block) {
    if (!mmu_) {
        hierarchy_.access(block);
        return;
    }
    if (mmu_->countsCopies()) mmu_->countCopies(block);  // read() copies (docs/mmap.md): once per block
    if (observedTranslation_) {  // narration: checked once per block, the loop below is untouched
        accessObserved(block);
        return;
    }
    // Translated pieces are gathered and sent to the caches in blocks; before a translation that
    // misses the first TLB sends anything into the caches (a walk's PTE reads, a page eviction's
    // invalidations), the pieces gathered so far go first (CachePort), so the caches see
    // everything in program order.
    std::array<Access, 1024> physical;
    std::size_t used = 0;
    auto flush = [&] {
        hierarchy_.access(std::span<const Access>(physical.data(), used));
        used = 0;
    };
    auto flushPending = [&] {
        if (used != 0) flush();
    };
    for (const Access& a : block) {
        std::uint64_t pa = 0;
        if (mmu_->withinOneBasePage(a.address, a.size) && mmu_->translateHit(a.address, a.kind, pa)) [[likely]] {
            physical[used++] = Access{pa, a.size, a.kind, a.site};
            if (used == physical.size()) flush();
            continue;
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
            physical[used++] = Access{pa, static_cast<std::uint32_t>(piece), a.kind, a.site};
            if (used == physical.size()) flush();
        });
    }
    flush();
}

void Simulator::accessSegmented(std::span<const Access> block) {
    // The process of a reference: 0 for every reference until traces carry process ids.
    constexpr std::uint32_t process = 0;
    const std::uint64_t first = references_ - block.size();  // the run's index of block[0]
    std::array<Access, 1024> mapped;
    std::size_t used = 0;
    auto flush = [&] {
        if (used != 0) translateAndAccess(std::span<const Access>(mapped.data(), used));
        used = 0;
    };
    CachePort port(hierarchy_, flush);  // a segment moved or swapped out: what came before goes first
    for (std::size_t i = 0; i < block.size(); ++i) {
        const Access& a = block[i];
        const std::optional<std::uint64_t> address = segmentation_->map(process, a, first + i, port);
        if (!address) {
            if (stopOnFault_) {
                flush();
                const SegmentFault& f = segmentation_->lastFault();
                throw SegmentFaultError(f, "reference " + std::to_string(first + i) + " (counting from 0): " +
                                               Segmentation::describe(f) + " (run --on-fault stop)");
            }
            continue;
        }
        mapped[used++] = Access{*address, a.size, a.kind, a.site};
        if (used == mapped.size()) flush();
    }
    flush();
}

void Simulator::accessObserved(std::span<const Access> block) {
    // The same translations and cache accesses, in the same order, as access()'s loop: there a
    // TLB hit through translateHit changes exactly what translate() changes on that hit.
    for (const Access& a : block)
        forEachPiece(*mmu_, a, [&](std::uint64_t va, std::uint64_t piece) {
            CachePort port(hierarchy_, [] {});
            const std::uint64_t pa = mmu_->translate(va, a.kind, port);
            hierarchy_.access(Access{pa, static_cast<std::uint32_t>(piece), a.kind, a.site});
        });
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
        forEachPiece(*mmu_, a, [&](std::uint64_t va, std::uint64_t) { keys.push_back(mmu_->pageKey(va)); });
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
    for (std::size_t i = 0; i < siteReferences_.size(); ++i) siteReferences_[i] += siteReferences[i];
    hierarchy_.addShare(share.hierarchy_, references);
}

bool Simulator::sameState(const Simulator& other) const {
    if (references_ != other.references_ || siteReferences_ != other.siteReferences_ || mmu_.has_value() != other.mmu_.has_value()) return false;
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
    if (mmu_) bytes += mmu_->stateBytes();
    return bytes;
}

}  // namespace cachescope
