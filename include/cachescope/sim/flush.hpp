#pragma once
// The end-of-run flush (`run --flush`): every dirty line written back, in every level down to
// memory. Dinero IV leaves it out of its counts by default, and so does cachescope: the flush is
// computed apart and reported apart, and it changes nothing in the hierarchy.
//
// Rule, from the CPU outward (cache order): each cache writes back every line that is dirty at the
// end, in it or made dirty by a flush from above. A written-back line goes to the next level; a
// level that holds it takes it (the line becomes dirty there and leaves with that level's flush),
// a level that does not hold it passes it on, and memory counts one write per line that reaches
// it. So memory receives exactly one write per distinct dirty line when the levels share a line
// size (a line dirty in L1 and L2 reaches memory once, from L2).
//
// Example: L1 (write-back) holds dirty lines 0x0 and 0x40, L2 holds 0x0 clean and 0x80 dirty.
// L1 writes back 2 lines: 0x0 into L2 (now dirty there), 0x40 passes L2 to memory. L2 writes
// back 0x0 and 0x80. Flush write-backs: L1 2, L2 2; memory writes 3.

#include <cstdint>
#include <vector>

namespace cachescope {

class Hierarchy;

struct FlushCounts {
    std::vector<std::uint64_t> dirtyLines;  // per cache: lines dirty at the end (before any flush)
    std::vector<std::uint64_t> writebacks;  // per cache: lines its flush writes back
    std::uint64_t memoryWrites = 0;         // line-sized writes the flush sends to memory

    std::uint64_t totalDirtyLines() const {
        std::uint64_t n = 0;
        for (const std::uint64_t d : dirtyLines) n += d;
        return n;
    }
};

/// What flushing the hierarchy now would write, by the rule above. Changes nothing. O(lines).
FlushCounts flushCounts(const Hierarchy& hierarchy);

}  // namespace cachescope
