#pragma once
// The facade front ends use: translation (when the config has an mmu) in front of the cache
// hierarchy. Without an mmu it is the Hierarchy alone, at the same speed.
//
// A value, like its parts: copy = snapshot, assignment = restore.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/core/access.hpp"
#include "cachescope/mmu/mmu.hpp"
#include "cachescope/mmu/segmentation.hpp"
#include "cachescope/sim/hierarchy.hpp"
#include "cachescope/sim/process_stats.hpp"
#include "cachescope/trace/event.hpp"

namespace cachescope {

class Simulator {
public:
    /// `config` must be valid (validate()).
    explicit Simulator(const SimConfig& config);

    /// The trace's file-backed regions (docs/mmap.md) become file mappings of the MMU in `process`
    /// (Mmu::mapFiles: once per process, files shared by name); without an mmu, or without such
    /// regions, nothing changes. Call before the first access.
    void mapFiles(const std::vector<Region>& regions, std::uint8_t process = 0) {
        if (mmu_) mmu_->mapFiles(regions, process);
    }

    /// msync(2) of [va, va + size) in `process` (Mmu::msync; docs/mmap.md): the dirty file pages
    /// of its mappings there are written back. Returns the pages written (0 without an mmu). Every
    /// call is counted (msyncs()), with an mmu or not.
    std::uint64_t msync(std::uint8_t process, std::uint64_t va, std::uint64_t size) {
        ++msyncs_;
        return mmu_ ? mmu_->msync(process, va, size) : 0;
    }
    /// Applies a trace's control event (trace/event.hpp) at its place in the reference stream: the
    /// one place every front end (runTrace, the Session, explain, the GUI) applies events. msync:
    /// msync(event.process, event.address, event.size); returns the dirty file pages written back.
    std::uint64_t apply(const TraceEvent& event) {
        switch (event.kind) {
            case TraceEventKind::Msync:
                return msync(event.process, event.address, event.size);
        }
        return 0;
    }
    /// msync() calls so far (a trace's msync events: trace/event.hpp), plus what addMsyncs added.
    std::uint64_t msyncs() const { return msyncs_; }
    /// Sharded runs: msyncs counted outside (no mmu: they do nothing else).
    void addMsyncs(std::uint64_t n) { msyncs_ += n; }

    void access(const Access& a) { access(std::span<const Access>(&a, 1)); }
    void access(std::span<const Access> block);

    const Hierarchy& hierarchy() const { return hierarchy_; }
    Hierarchy& hierarchy() { return hierarchy_; }
    /// nullptr without an mmu, and in mmu.mode "segmentation" (no pages).
    const Mmu* mmu() const { return mmu_ ? &*mmu_ : nullptr; }
    /// Protection and segmentation (mmu/segmentation.hpp): nullptr unless the mmu's mode is a
    /// segmentation mode or protection is on.
    const Segmentation* segmentation() const { return segmentation_ ? &*segmentation_ : nullptr; }
    /// Gives `process` its regions (segments, protection) from the trace's metadata (nullptr: none).
    /// Front ends call it once the source's metadata is known; without an mmu it does nothing.
    void setRegions(const TraceMetadata* metadata, std::uint32_t process = 0) {
        if (segmentation_) segmentation_->setRegions(process, metadata);
    }
    /// What a protection or segmentation fault does: by default it is counted and the reference
    /// skipped; with `stop` access() throws SegmentFaultError at the first one (the references
    /// before it simulated).
    void setStopOnFault(bool stop) { stopOnFault_ = stop; }
    const SimConfig& config() const { return hierarchy_.config(); }
    /// CPU references simulated (trace accesses; page- or line-crossing ones count once).
    std::uint64_t references() const { return references_; }

    // ---- processes (docs/mmu.md, "Processes") ----
    /// The process of the last reference (0 before the first).
    std::uint8_t process() const { return process_; }
    /// Times the process changed between consecutive references (the run starts in process 0).
    std::uint64_t contextSwitches() const { return contextSwitches_; }
    /// Processes that issued at least one reference.
    std::uint32_t processCount() const;
    /// One row per process that issued a reference, by process id.
    std::vector<ProcessStats> processStats() const;

    /// Caches, memory and translation cycles under the additive model (docs/semantics.md, docs/mmu.md).
    std::uint64_t totalCycles() const;
    /// Cycles per CPU reference.
    double amat() const;

    bool sameState(const Simulator& other) const;
    /// Bytes of a snapshot (a copy) beyond the arrays of its caches, TLBs and walk caches (lines,
    /// dirty bits, policy state, whose size the geometry fixes): the Simulator object, its config,
    /// the Cache objects, attribution counters and the MMU's state (Mmu::stateBytes).
    std::uint64_t snapshotBytes() const;

    /// Attaches observers of the caches and of translation (either may be nullptr; not owned).
    /// While a translation observer is attached every page-sized piece goes through
    /// Mmu::translate, so the observer sees each TLB lookup; the results are the same as without.
    void setObservers(HierarchyObserver* caches, MmuObserver* translation);
    /// Attaches a sink of every cache arrival in bulk (Hierarchy::setArrivalSink; nullptr detaches).
    /// It keeps the fast paths: translation stays on its TLB-hit path, first-level hits in the
    /// hierarchy's hot loop (`firstLevelHits`: as Hierarchy::setArrivalSink).
    void setArrivalSink(ArrivalSink* sink, bool firstLevelHits = true) {
        hierarchy_.setArrivalSink(sink, firstLevelHits);
    }

    /// Attribution by site (Hierarchy::enableAttribution), plus CPU references per site.
    void enableAttribution(std::uint32_t sites);
    /// CPU references charged to `slot` (a site id; ids beyond the table go to 0); needs attribution.
    std::uint64_t siteReferences(std::uint32_t slot) const {
        return siteReferences_[slot] + (sitesInHierarchy() ? hierarchy_.attributedReferences(slot) : 0);
    }

    /// Sharded runs (sim/parallel.hpp): adds the counters of `share`, a simulator without an mmu that
    /// simulated a share of the references (Hierarchy::addShare), to this one's, with `references`
    /// CPU references charged to sites by `siteReferences` (empty unless attributing).
    void addShare(const Simulator& share, std::uint64_t references, std::span<const std::uint64_t> siteReferences);
    /// Sharded runs, after addShare of every share: the process counters of the whole stream, which
    /// no share knows (each sees a part of every turn), as the split pass counted them: CPU
    /// references by process id, context switches, the last reference's process. The misses of each
    /// process are the sums of the shares' rows (addShare).
    void setProcessCounts(std::span<const std::uint64_t> referencesByProcess, std::uint64_t contextSwitches,
                          std::uint8_t last);

    // ---- OPT: the future, from earlier passes over the same accesses (sim/run.hpp planFutures) ----
    /// True if the config uses OPT anywhere (page replacement, or the policy of a cache, TLB or walk
    /// cache), which must see the future.
    bool needsFuture() const;
    /// True if the config's page replacement is OPT (planPages, setFuture).
    bool needsPageFuture() const;
    /// The OPT replacement policies of the TLBs, walk caches, then caches, in that fixed order.
    std::vector<OptPolicy*> optPolicies();
    /// True if every OPT policy saw exactly the stream it was planned for (after the whole trace).
    bool followedPlans();
    /// Appends the page key of every page-sized piece of `block`, split exactly as access() splits.
    void planPages(std::span<const Access> block, std::vector<std::uint64_t>& keys) const;
    /// Hands the MMU the next use of every piece (from every planned key, in order).
    void setFuture(const std::vector<std::uint64_t>& keys);

private:
    Hierarchy hierarchy_;
    std::optional<Mmu> mmu_;
    std::optional<Segmentation> segmentation_;
    bool stopOnFault_ = false;
    /// access() past the counting: translation (if any) and the caches.
    void translateAndAccess(std::span<const Access> block, std::uint64_t before);
    /// access() when segmentation_ is set: each reference looked up in its segment table first.
    [[gnu::noinline]] void accessSegmented(std::span<const Access> block);
    std::uint64_t references_ = 0;
    std::uint64_t msyncs_ = 0;
    std::vector<std::uint64_t> siteReferences_;  // empty = attribution off
    /// True when every reference reaches the hierarchy whole and once (no translation, no
    /// segmentation): the hierarchy's count by slot is then the count by site, and access() does
    /// not count again (siteReferences_ only holds what addShare adds).
    bool sitesInHierarchy() const { return !mmu_ && !segmentation_; }
    std::uint8_t process_ = 0;
    std::uint64_t contextSwitches_ = 0;
    std::vector<ProcessStats> processRows_;  // indexed by process id; closed turns only
    std::vector<std::uint8_t> processSeen_;  // indexed by process id
    ProcessStats mark_;                      // the counters at the last switch (an absolute row)
    /// The counters now, as an absolute row (mark_'s shape).
    ProcessStats countersNow() const;
    /// Charges everything since the last switch to the current process, switches to `process`
    /// (Mmu::switchTo) and remembers it was seen. Out of line: it runs once per turn.
    [[gnu::noinline]] void switchProcess(std::uint8_t process, std::uint64_t referencesBefore);
    void markSeen(std::uint8_t process) {
        if (process >= processSeen_.size()) processSeen_.resize(std::size_t{process} + 1, 0);
        processSeen_[process] = 1;
    }
    /// hierarchy_.access(block) split at process changes (no mmu).
    void accessUntranslated(std::span<const Access> block, std::uint64_t before);
    bool observedTranslation_ = false;  // an MmuObserver is attached: no translateHit fast path
    /// access() while translation is observed: one reference, one piece at a time.
    /// Kept out of line so access()'s loop stays small enough for translateHit to be inlined.
    [[gnu::noinline]] void accessObserved(std::span<const Access> block, std::uint64_t before);
};

}  // namespace cachescope
