// Builds a RunSummary from a finished Simulator (kept apart from the printers, which need no engine).

#include "cachescope/config/config.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/sim/simulator.hpp"

namespace cachescope {

RunSummary summarize(const Simulator& simulator, const RunInfo& info) {
    const Hierarchy& hierarchy = simulator.hierarchy();
    RunSummary s;
    s.info = info;
    s.references = simulator.references();
    const auto& caches = hierarchy.caches();
    for (std::uint32_t i = 0; i < caches.size(); ++i)
        s.levels.push_back({caches[i].name(), hierarchy.level(i), caches[i].config().latency, caches[i].stats()});
    s.memory = hierarchy.memory();
    s.memoryLatency = hierarchy.config().memory.latency;
    s.totalCycles = simulator.totalCycles();
    s.amat = simulator.amat();
    s.config = toJson(hierarchy.config());
    if (const Mmu* mmu = simulator.mmu()) {
        TranslationSummary t;
        for (std::uint32_t i = 0; i < mmu->tlbs().size(); ++i) {
            const Cache& tlb = mmu->tlbs()[i];
            t.tlbs.push_back({tlb.name(), mmu->tlbTopology().level[i], tlb.config().latency, tlb.stats()});
        }
        for (const Cache& wc : mmu->walkCaches()) t.walkCaches.push_back({wc.name(), 0, wc.config().latency, wc.stats()});
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
        s.translation = std::move(t);
    }
    return s;
}

}  // namespace cachescope
