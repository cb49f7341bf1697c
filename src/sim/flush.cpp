// The end-of-run flush, computed without changing the hierarchy (sim/flush.hpp).

#include "cachescope/sim/flush.hpp"

#include <algorithm>
#include <set>

#include "cachescope/sim/hierarchy.hpp"

namespace cachescope {

FlushCounts flushCounts(const Hierarchy& h) {
    const std::vector<Cache>& caches = h.caches();
    FlushCounts counts;
    counts.dirtyLines.assign(caches.size(), 0);
    counts.writebacks.assign(caches.size(), 0);
    // Lines (by line address of that cache) that a flush from above made dirty in each cache.
    std::vector<std::set<std::uint64_t>> absorbed(caches.size());

    // Sends the bytes [address, address + size) written back by a cache to `c` and below.
    auto pass = [&](auto&& self, std::uint32_t c, std::uint64_t address, std::uint64_t size) -> void {
        if (c == Hierarchy::kMemory) {
            ++counts.memoryWrites;
            return;
        }
        const AddressLayout& layout = caches[c].layout();
        const std::uint64_t end = address + size;
        for (std::uint64_t a = address; a < end;) {  // one piece per line of `c`
            const std::uint64_t line = layout.line(a);
            const std::uint64_t pieceEnd = std::min(end, layout.lineBase(line) + layout.lineSize());
            const std::uint32_t way = caches[c].find(line);
            if (way != Cache::kNoWay) {
                if (!caches[c].isDirty(layout.setOfLine(line), way)) absorbed[c].insert(line);
            } else {
                self(self, h.next(c), a, pieceEnd - a);
            }
            a = pieceEnd;
        }
    };

    for (std::uint32_t c = 0; c < caches.size(); ++c) {
        const Cache& cache = caches[c];
        std::vector<std::uint64_t> lines;
        for (std::uint32_t set = 0; set < cache.sets(); ++set)
            for (std::uint32_t way = 0; way < cache.ways(); ++way) {
                const Cache::LineView v = cache.lineAt(set, way);
                if (v.valid && v.dirty) lines.push_back(v.line);
            }
        counts.dirtyLines[c] = lines.size();
        lines.insert(lines.end(), absorbed[c].begin(), absorbed[c].end());
        std::sort(lines.begin(), lines.end());  // deterministic order
        counts.writebacks[c] = lines.size();
        const std::uint64_t lineSize = cache.layout().lineSize();
        for (const std::uint64_t line : lines) pass(pass, h.next(c), cache.layout().lineBase(line), lineSize);
    }
    return counts;
}

}  // namespace cachescope
