// Builds a RunSummary from a finished Simulator (kept apart from the printers, which need no engine).

#include "cachescope/config/config.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/sim/simulator.hpp"

namespace cachescope {

namespace {

/// The per-site and per-region rows (report.hpp, AttributionRow).
void attribute(const Simulator& simulator, const TraceMetadata& meta, const MissClassifier* classes, RunSummary& s) {
    const Hierarchy& h = simulator.hierarchy();
    const std::uint32_t caches = static_cast<std::uint32_t>(h.caches().size());
    const std::uint32_t sites = h.attributionSlots() - 2;
    auto rowOf = [&](std::string name, std::string region) {
        AttributionRow row{std::move(name),
                           std::move(region),
                           0,
                           std::vector<std::uint64_t>(caches, 0),
                           std::vector<std::uint64_t>(caches, 0),
                           {}};
        if (classes != nullptr) row.missClasses.assign(caches, {});
        return row;
    };
    auto add = [&](AttributionRow& row, std::uint32_t slot) {
        if (slot < sites) row.references += simulator.siteReferences(slot);
        for (std::uint32_t c = 0; c < caches; ++c) {
            row.accesses[c] += h.attributedAccesses(c, slot);
            row.misses[c] += h.attributedMisses(c, slot);
            if (classes != nullptr && slot < classes->attributionSlots())
                row.missClasses[c] += classes->attributed(c, slot);
        }
    };
    auto used = [](const AttributionRow& row) {
        if (row.references != 0) return true;
        for (std::uint64_t a : row.accesses)
            if (a != 0) return true;
        return false;
    };
    // Regions in metadata order, then the pseudo rows.
    std::vector<AttributionRow> regions;
    for (const Region& r : meta.regions) regions.push_back(rowOf(r.name, ""));
    AttributionRow other = rowOf("(other)", "");
    for (std::uint32_t site = 0; site < sites; ++site) {
        const bool known = site < meta.sites.size();
        const std::int32_t region = known ? meta.sites[site].region : -1;
        AttributionRow row = rowOf(known ? meta.sites[site].name : "(site " + std::to_string(site) + ")",
                                   region >= 0 ? meta.regions[static_cast<std::size_t>(region)].name : "");
        add(row, site);
        add(region >= 0 ? regions[static_cast<std::size_t>(region)] : other, site);
        if (used(row)) s.sites.push_back(std::move(row));
    }
    AttributionRow writebacks = rowOf("(write-backs)", ""), walks = rowOf("(page walks)", "");
    add(writebacks, h.writebackSlot());
    add(walks, h.walkSlot());
    for (AttributionRow* extra : {&other, &writebacks, &walks}) regions.push_back(*extra);
    for (AttributionRow& row : regions)
        if (used(row)) s.regions.push_back(std::move(row));
    if (used(writebacks)) s.sites.push_back(writebacks);
    if (used(walks)) s.sites.push_back(walks);
}

}  // namespace

RunSummary summarize(const Simulator& simulator, const RunInfo& info, const TraceMetadata* metadata,
                     const MissClassifier* classes) {
    const Hierarchy& hierarchy = simulator.hierarchy();
    RunSummary s;
    s.info = info;
    s.references = simulator.references();
    s.msyncs = simulator.msyncs();
    const auto& caches = hierarchy.caches();
    for (std::uint32_t i = 0; i < caches.size(); ++i)
        s.levels.push_back({caches[i].name(), hierarchy.level(i), caches[i].config().latency, caches[i].stats(), {}});
    s.memory = hierarchy.memory();
    s.memoryLatency = hierarchy.config().memory.latency;
    s.totalCycles = simulator.totalCycles();
    s.amat = simulator.amat();
    s.config = toJson(hierarchy.config());
    s.flush = flushCounts(hierarchy);
    if (const Mmu* mmu = simulator.mmu()) {
        TranslationSummary t;
        for (std::uint32_t i = 0; i < mmu->tlbs().size(); ++i) {
            const Cache& tlb = mmu->tlbs()[i];
            t.tlbs.push_back({tlb.name(), mmu->tlbTopology().level[i], tlb.config().latency, tlb.stats(), {}});
        }
        for (const Cache& wc : mmu->walkCaches()) t.walkCaches.push_back({wc.name(), 0, wc.config().latency, wc.stats(), {}});
        const MmuStats& m = mmu->stats();
        t.walks = m.walks;
        t.walkMemoryAccesses = m.walkMemoryAccesses;
        for (std::uint32_t i = 0; i < caches.size(); ++i) t.pteServedBy.emplace_back(caches[i].name(), m.pteServedBy[i]);
        t.pteServedBy.emplace_back("memory", m.pteServedBy.back());
        t.pageFaults = m.pageFaults;
        t.majorFaults = m.majorFaults;
        t.pagesWrittenOut = m.pagesWrittenOut;
        t.residentPagesPeak = m.residentPagesPeak;
        t.pageTablePages = m.pageTablePages;
        t.pageFaultLatency = mmu->config().pageFaultLatency;
        t.cycles = mmu->translationCycles();
        if (!mmu->pageCache().empty()) {
            const PageCache& pc = mmu->pageCache();
            PageCacheSummary p;
            p.files = pc.files().size();
            p.mappings = pc.mappings().size();
            p.minorFaults = m.minorFaults;
            p.fileMajorFaults = m.fileMajorFaults;
            p.storageReads = m.storageReads;
            p.storageBytesRead = m.storageBytesRead;
            p.readaheadPagesRead = m.readaheadPagesRead;
            p.readaheadPagesUsed = m.readaheadPagesUsed;
            p.readaheadPagesWasted = m.readaheadPagesWasted;
            p.readaheadPagesPending = pc.unusedReadahead();
            p.pageCacheEvictions = m.pageCacheEvictions;
            p.fileWritebacks = m.fileWritebacks;
            p.msyncWritebacks = m.msyncWritebacks;
            p.writebacksAtEnd = mmu->dirtyFilePages();
            p.storageBytesWritten = m.storageBytesWritten + p.writebacksAtEnd * mmu->config().pageSize;
            p.bytesCopied = m.bytesCopied;
            p.residentPageCachePages = pc.pages();
            p.residentAnonymousFrames = mmu->anonymousFrames();
            p.storageLatencyNs = mmu->config().storage.latencyNs;
            p.storageBandwidth = mmu->config().storage.bandwidth;
            p.storageNanoseconds = mmu->storageNanoseconds();
            t.pageCache = p;
        }
        s.translation = std::move(t);
    }
    if (const Segmentation* seg = simulator.segmentation()) {
        SegmentationSummary g;
        const MmuConfig& m = *simulator.config().mmu;
        g.mode = m.mode;
        g.protection = m.protection;
        g.placement = m.segmentPlacement;
        g.physicalMemory = m.physicalMemory;
        g.stats = seg->stats();
        for (std::uint32_t process = 0; process < seg->processes(); ++process)
            for (SegmentView& v : seg->segments(process)) g.segments.push_back({process, std::move(v)});
        g.holes = seg->holes();
        if (metadata != nullptr)
            for (const Site& site : metadata->sites) g.siteNames.push_back(site.name);
        s.segmentation = std::move(g);
    }
    if (simulator.processCount() > 1) {
        ProcessesSummary p;
        p.contextSwitches = simulator.contextSwitches();
        if (const Mmu* mmu = simulator.mmu()) {
            p.tlbEntriesFlushed = mmu->stats().tlbEntriesFlushed;
            p.walkCacheEntriesFlushed = mmu->stats().walkCacheEntriesFlushed;
            for (const Cache& tlb : mmu->tlbs()) p.tlbNames.push_back(tlb.name());
        }
        p.rows = simulator.processStats();
        s.processes = std::move(p);
    }
    if (classes != nullptr) {
        s.classified = true;
        for (std::uint32_t i = 0; i < s.levels.size() && i < classes->caches(); ++i)
            s.levels[i].missClasses = classes->counts(i);
    }
    if (metadata != nullptr && hierarchy.attributing()) attribute(simulator, *metadata, classes, s);
    return s;
}

}  // namespace cachescope
