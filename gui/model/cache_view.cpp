#include "model/cache_view.hpp"

#include <algorithm>

#include "cachescope/mmu/mmu.hpp"
#include "model/inspect.hpp"

namespace cachescope::gui {

std::string WayCell::letters() const {
    std::string s;
    if (hit) s += 'H';
    if (filled) s += 'M';
    if (evicted) s += 'E';
    if (wroteBack) s += 'W';
    return s;
}

std::uint32_t focusWindowStart(std::uint32_t sets, std::uint32_t shown, std::uint32_t focus) {
    if (shown >= sets) return 0;
    const std::uint32_t half = shown / 2;
    const std::uint32_t start = focus > half ? focus - half : 0;
    return std::min(start, sets - shown);
}

WayLayout layoutWays(std::uint32_t ways, std::uint32_t fitPerRow, std::uint32_t maxRows, std::uint32_t focusWay) {
    WayLayout l;
    ways = std::max<std::uint32_t>(ways, 1);
    l.perRow = std::clamp<std::uint32_t>(fitPerRow, 1, ways);
    const std::uint32_t rows = (ways + l.perRow - 1) / l.perRow;
    l.rowsPerSet = std::min(rows, std::max<std::uint32_t>(maxRows, 1));
    // A window of whole rows, centred on the focus way's row (the same rule as the sets' window).
    const std::uint32_t firstRow = focusWindowStart(rows, l.rowsPerSet, std::min(focusWay, ways - 1) / l.perRow);
    l.firstWay = firstRow * l.perRow;
    l.shownWays = std::min(ways - l.firstWay, l.rowsPerSet * l.perRow);
    return l;
}

std::vector<const CacheStep*> stepsAt(const ReferenceNarration& narration, std::uint32_t cacheIndex) {
    std::vector<const CacheStep*> out;
    for (const Piece& piece : narration.pieces) {
        if (piece.translation)
            for (const WalkStep& w : piece.translation->walk)
                for (const CacheStep& s : w.steps)
                    if (s.cache == cacheIndex) out.push_back(&s);
        for (const CacheStep& s : piece.steps)
            if (s.cache == cacheIndex) out.push_back(&s);
    }
    return out;
}

namespace {

/// The grid's cells from the array's current contents, the window centred on `focus`.
CacheGrid fillGrid(const Cache& cache, std::uint32_t focus, std::uint32_t focusSets) {
    CacheGrid g;
    g.name = cache.name();
    g.sets = cache.sets();
    g.ways = cache.ways();
    g.offsetBits = cache.layout().lineBits();
    g.setBits = cache.layout().setBits();
    g.shownSets = std::min(std::max<std::uint32_t>(focusSets, 1), g.sets);
    g.firstSet = focusWindowStart(g.sets, g.shownSets, std::min(focus, g.sets - 1));
    g.occupancy.resize(g.sets);
    for (std::uint32_t s = 0; s < g.sets; ++s) {
        std::uint32_t n = 0;
        for (std::uint32_t w = 0; w < g.ways; ++w) n += cache.lineAt(s, w).valid ? 1 : 0;
        g.occupancy[s] = n;
    }
    g.cells.resize(std::size_t{g.shownSets} * g.ways);
    g.policyState.resize(g.shownSets);
    for (std::uint32_t r = 0; r < g.shownSets; ++r) {
        const std::uint32_t set = g.firstSet + r;
        const std::uint32_t victim = nextVictimOf(cache, set);
        g.policyState[r] = policyStateOf(cache, set);
        for (std::uint32_t w = 0; w < g.ways; ++w) {
            const Cache::LineView v = cache.lineAt(set, w);
            WayCell& c = g.cells[std::size_t{r} * g.ways + w];
            c.valid = v.valid;
            c.dirty = v.valid && v.dirty;
            c.tag = v.valid ? cache.layout().tagOfLine(v.line) : 0;
            c.lineAddress = v.valid ? cache.layout().lineBase(v.line) : 0;
            c.nextVictim = w == victim;
        }
    }
    return g;
}

WayCell* cellAt(CacheGrid& g, std::uint32_t set, std::uint32_t way) {
    if (way == CacheStep::kNoWay || way >= g.ways || set < g.firstSet || set >= g.firstSet + g.shownSets) return nullptr;
    return &g.cells[std::size_t{set - g.firstSet} * g.ways + way];
}

}  // namespace

CacheGrid buildTlbGrid(const Mmu& mmu, std::uint32_t tlbIndex, const ReferenceNarration* last,
                       std::uint32_t focusSets, bool processes) {
    const Cache& tlb = mmu.tlbs()[tlbIndex];
    std::vector<const TlbStep*> steps;
    if (last != nullptr)
        for (const Piece& p : last->pieces)
            if (p.translation)
                for (const TlbStep& t : p.translation->tlbs)
                    if (t.tlb == tlbIndex) steps.push_back(&t);
    CacheGrid g = fillGrid(tlb, steps.empty() ? 0 : steps.front()->set, focusSets);
    // A TLB's "line" is the page number; show it whole (its tag alone hides the page), with the
    // entry's process and frame (the MMU's values).
    g.processes = processes;
    for (const TlbEntryView& e : mmu.tlbEntries(tlbIndex)) {
        WayCell* c = cellAt(g, e.set, e.way);
        if (c == nullptr || !e.valid) continue;
        c->tag = e.virtualPageNumber;
        c->tlb = WayCell::TlbEntry{e.process, e.virtualPageNumber, e.frame, e.physicalBase, e.huge};
    }
    if (!steps.empty()) {
        g.currentSet = steps.front()->set;
        g.currentHit = steps.front()->hit;
        const TlbStep& f = *steps.front();
        const std::uint32_t way = f.hit ? f.way : f.filled ? f.fillWay : CacheStep::kNoWay;
        if (way < g.ways) g.currentWay = way;
    }
    for (const TlbStep* t : steps) {
        if (t->hit) {
            if (WayCell* c = cellAt(g, t->set, t->way)) c->hit = true;
        } else if (t->filled) {
            if (WayCell* c = cellAt(g, t->set, t->fillWay)) {
                c->filled = true;
                c->evicted = c->evicted || t->evicted;
            }
        }
    }
    return g;
}

std::string cellTagText(const CacheGrid& grid, const WayCell& cell) {
    if (!cell.valid) return "";
    std::string t = hex(cell.tag);
    if (grid.processes && cell.tlb) t = "p" + std::to_string(cell.tlb->process) + " " + t;
    if (cell.dirty) t += " d";
    return t;
}

std::string cellShortText(const CacheGrid& grid, const WayCell& cell) {
    if (!cell.valid || !grid.processes || !cell.tlb) return "";
    return "p" + std::to_string(cell.tlb->process);
}

CacheGrid buildCacheGrid(const Cache& cache, std::uint32_t cacheIndex, const ReferenceNarration* last,
                         std::uint32_t focusSets, std::optional<std::uint32_t> selectedSet) {
    std::vector<const CacheStep*> steps;
    if (last != nullptr) steps = stepsAt(*last, cacheIndex);
    const std::uint32_t focus = selectedSet.value_or(steps.empty() ? 0 : steps.front()->set);
    CacheGrid g = fillGrid(cache, focus, focusSets);
    if (!steps.empty()) {
        g.currentSet = steps.front()->set;
        g.currentHit = steps.front()->hit;
        if (steps.front()->way < g.ways) g.currentWay = steps.front()->way;
    }
    for (const CacheStep* s : steps) {
        WayCell* cell = cellAt(g, s->set, s->way);
        if (cell == nullptr) continue;
        WayCell& c = *cell;
        if (s->hit) {
            c.hit = true;
        } else {
            c.filled = true;
            c.evicted = c.evicted || s->evicted;
            c.wroteBack = c.wroteBack || (s->evicted && s->victimDirty);
        }
    }
    return g;
}

}  // namespace cachescope::gui
