#include "model/cache_view.hpp"

#include <algorithm>

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

CacheGrid buildCacheGrid(const Cache& cache, std::uint32_t cacheIndex, const ReferenceNarration* last,
                         std::uint32_t focusSets, std::optional<std::uint32_t> selectedSet) {
    CacheGrid g;
    g.name = cache.name();
    g.sets = cache.sets();
    g.ways = cache.ways();
    g.offsetBits = cache.layout().lineBits();
    g.setBits = cache.layout().setBits();

    std::vector<const CacheStep*> steps;
    if (last != nullptr) steps = stepsAt(*last, cacheIndex);
    if (!steps.empty()) {
        g.currentSet = steps.front()->set;
        g.currentHit = steps.front()->hit;
    }
    const std::uint32_t focus = selectedSet.value_or(g.currentSet.value_or(0));
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
    for (const CacheStep* s : steps) {
        if (s->way == CacheStep::kNoWay || s->set < g.firstSet || s->set >= g.firstSet + g.shownSets) continue;
        WayCell& c = g.cells[std::size_t{s->set - g.firstSet} * g.ways + s->way];
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
