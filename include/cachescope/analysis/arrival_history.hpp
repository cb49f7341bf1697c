#pragma once
// What the 3C classes of LATER misses need from the arrivals so far, kept for a fraction of what
// classifying them costs: `explain --from K` narrates K and after, and the misses before K need
// no class. A MissClassifier (miss_classes.hpp) moves every arrival, hits included, through a
// fully associative LRU shadow per cache; this sink keeps per cache only
//   - the lines seen: inserted at each MISS (a line is in a cache only after it arrived there and
//     missed, so the misses name every line that ever arrived: a hit is never a line's first
//     arrival), past a small direct-mapped filter of recent misses;
//   - a log of the arrivals, copied in bulk. When it fills (`room` lines: a power of two, at
//     least 2^18 and at least 4 shadow capacities) it is compacted: read from its newest end,
//     each line's latest arrival is kept until `capacity` distinct lines are (or every line seen,
//     or the log is read), in their order; the rest is dropped. Those are the lines a shadow
//     holds now, in its order (no older arrival can move one of them or bring back another), so
//     the log always ends with what gives the shadow exactly. Compaction stops early when the
//     lines are many, so most arrivals are only copied; over few lines it reads the whole log
//     (then it costs about what classifying costs).
// classifier() builds the MissClassifier a full classification would have now, its counts at
// zero: each log is compacted, each shadow remembers the lines seen (LruShadow::remember: seen,
// not in the shadow), then takes the compacted log from its oldest line.
//
// A window: a cache's log may be switched off (setLogging) while the simulation is far from K;
// its arrivals then only add to the lines seen (the hierarchy need not even hand over its
// first-level hits: Hierarchy::setArrivalSink). Switched on again, the log starts afresh there,
// and the classifier is exact only if the arrivals since name every line the shadow holds at K
// (min(capacity, lines seen) distinct lines): complete() tells. openClassifyingFrom uses it so that
// most of the prefix runs at plain speed.
//
// It runs on the simulating thread, no second thread (docs/performance.md, "Session 11", "Session 12").

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "cachescope/analysis/miss_classes.hpp"
#include "cachescope/core/huge_pages.hpp"
#include "cachescope/sim/observer.hpp"

namespace cachescope {

class Hierarchy;

/// A set of 64-bit lines (open addressing, linear probing, Fibonacci hashing), for the lines seen.
class LineSet {
public:
    LineSet();
    /// Adds `line`; true if it was not there. (Inline: compaction calls it once per arrival.)
    bool insert(std::uint64_t line) {
        if (line == 0) {
            const bool added = !hasZero_;
            hasZero_ = true;
            return added;
        }
        const std::size_t slot = slotOf(line);
        if (table_[slot] == line) return false;
        add(slot, line);
        return true;
    }
    bool contains(std::uint64_t line) const;
    /// Empty again (the table keeps its size).
    void clear();
    /// Room for `lines` without growing.
    void reserve(std::uint64_t lines);
    std::uint64_t size() const { return used_ + (hasZero_ ? 1 : 0); }
    /// Every line, in the table's order (deterministic for the same insertions).
    template <typename F>
    void forEach(F&& f) const {
        if (hasZero_) f(std::uint64_t{0});
        for (const std::uint64_t k : table_)
            if (k != 0) f(k);
    }

private:
    /// The slot of `line`, or the empty slot where it would go.
    std::size_t slotOf(std::uint64_t line) const {
        const std::size_t mask = table_.size() - 1;
        auto slot = static_cast<std::size_t>((line * 0x9E3779B97F4A7C15ull) >> shift_);  // Fibonacci hashing
        while (table_[slot] != 0 && table_[slot] != line) slot = (slot + 1) & mask;
        return slot;
    }
    /// Puts `line` (not there) in the empty `slot`, growing the table first if it is half full.
    void add(std::size_t slot, std::uint64_t line);
    void rehash(std::size_t size);
    std::vector<std::uint64_t> table_;  // 0 = empty (line 0 is hasZero_)
    unsigned shift_;
    std::uint64_t used_ = 0;
    bool hasZero_ = false;
};

class ArrivalHistory final : public ArrivalSink {
public:
    static constexpr std::uint64_t kMinRoom = std::uint64_t{1} << 18;
    /// Every cache of `hierarchy`, each with a log of roomFor(its lines, minRoom) arrivals (tests
    /// give a small minRoom, to compact often).
    explicit ArrivalHistory(const Hierarchy& hierarchy, std::uint64_t minRoom = kMinRoom);
    /// The log's room for a shadow of `capacity` lines: 4 capacities, at least minRoom, a power of two.
    static std::uint64_t roomFor(std::uint64_t capacity, std::uint64_t minRoom = kMinRoom);

    void onArrivals(std::uint32_t cache, std::span<const std::uint64_t> lines,
                    std::span<const ArrivalMiss> misses) override;

    /// Cache `c`'s log off: its arrivals from here only add to the lines seen, and what it
    /// logged is dropped. On (again): the log starts empty here; classifier() then needs the
    /// arrivals from here to name every line of the shadow (complete()). On from the start.
    void setLogging(std::uint32_t c, bool on);
    /// True unless a log restarted by setLogging names fewer lines than its shadow holds now:
    /// min(capacity, lines seen) distinct lines. (Compacts every log.)
    bool complete();

    /// A classifier for `hierarchy` (the one this history was built for, as it is now) whose
    /// shadows are exactly those of a MissClassifier fed every arrival so far, with zero counts.
    /// (Compacts every log first; the history may take more arrivals after.) Throws
    /// std::logic_error if the history is not complete().
    MissClassifier classifier(const Hierarchy& hierarchy);

    /// Lines in cache `c`'s log now, and its room (for tests and measurement).
    std::uint64_t logged(std::uint32_t c) const { return perCache_[c].length; }
    std::uint64_t room(std::uint32_t c) const { return perCache_[c].room; }
    /// Times cache `c`'s log was compacted.
    std::uint64_t compactions(std::uint32_t c) const { return perCache_[c].compactions; }

private:
    struct PerCache {
        std::uint64_t capacity = 0;             // the shadow's lines
        std::uint64_t room = 0;                 // the log's
        std::unique_ptr<std::uint64_t[], FreeDeleter> log;  // log[0, length): oldest first (2 MiB pages)
        std::uint64_t length = 0;
        std::uint64_t compactions = 0;
        bool logging = true;    // setLogging
        bool restarted = false;  // the log was switched on again: it may lack older lines
        LineSet seen;
        // Lines of recent misses, direct-mapped by hash (~0: none; 4 KiB, stays in the CPU's
        // first-level cache): a miss on one of them skips the probe in `seen`.
        std::array<std::uint64_t, 512> recent;
        LineSet kept;                           // compaction's scratch: lines found
        std::vector<std::uint64_t> newestFirst;  // and in what order
    };
    static void compact(PerCache& pc);
    std::vector<PerCache> perCache_;
};

}  // namespace cachescope
