#pragma once
// 3C miss classification (Hill): every miss of every cache is compulsory, capacity or conflict.
//
//   compulsory  the first arrival of the line at this cache (it was never there before);
//   capacity    not the first, and a fully associative LRU cache with the same number of lines of
//               the same size, fed the SAME stream of arrivals at this cache, misses too;
//   conflict    the remaining misses: the fully associative LRU shadow would have hit.
// The three sum to the cache's misses. Each cache is classified on its own arrival stream (CPU
// pieces at a first level; fills, write-backs, write-throughs and page-table reads below).
//
// Worked example: a direct-mapped cache of 4 lines (sets 0..3); lines a = 0 and b = 4 both map to
// set 0. Arrivals a b a b:
//   a  miss, first arrival                       compulsory   shadow (MRU first): a
//   b  miss, first arrival (evicts a in set 0)   compulsory   shadow: b a
//   a  miss; the 4-line shadow holds a           conflict     shadow: a b
//   b  miss; the shadow holds b                  conflict     shadow: b a
// -> 2 compulsory, 0 capacity, 2 conflict. A cyclic sweep over 5 lines in a 4-line fully
// associative LRU cache misses every time: 5 compulsory, then all capacity.
//
// MissClassifier is a HierarchyObserver: attach it (through a FanOutObserver if others listen) and
// it sees every arrival at every cache. It is also an ArrivalSink: attached with
// Hierarchy::setArrivalSink it takes each cache's arrivals in bulk, with the same results, while
// the hierarchy keeps its fast path for first-level hits (what `run --classify` does). Narration
// needs the observer: it reads lastClass() while it hears of each event. Per cache it keeps the set of lines seen and an O(1) fully
// associative LRU shadow (an open-addressing hash table + an intrusive list in flat arrays), fed
// with EVERY arrival, hits included. Edge cases (docs/semantics.md "Miss classes (3C)"):
//   - a miss that does not allocate (no-write-allocate write, exclusive cache forwarding a fill)
//     still counts and is classified; the shadow still takes the line (it models the capacity, not
//     the allocation policy), so a later miss on that line is usually conflict;
//   - a miss caused by a back-invalidation (inclusive cache below) or by an exclusive cache handing
//     the line up, or by a page leaving memory, is classified like any other: the shadow is not told
//     of invalidations, so it usually counts as conflict;
//   - the shadow has no write policy and no dirty bits: it only orders lines by recency.
//
// Per attribution slot (Hierarchy::enableAttribution: site ids, then write-backs, then walks) the
// same three counts are kept, so tensors and statements can be classified as well; each cache's
// slots sum to its counts.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "cachescope/sim/observer.hpp"

namespace cachescope {

class Hierarchy;

enum class MissClass : std::uint8_t { Compulsory, Capacity, Conflict };

std::string_view toString(MissClass c);

/// Misses of one cache (or one cache and one attribution slot) by class.
struct MissClassCounts {
    std::uint64_t compulsory = 0;
    std::uint64_t capacity = 0;
    std::uint64_t conflict = 0;

    std::uint64_t total() const { return compulsory + capacity + conflict; }
    void add(MissClass c) {
        switch (c) {
            case MissClass::Compulsory:
                ++compulsory;
                break;
            case MissClass::Capacity:
                ++capacity;
                break;
            case MissClass::Conflict:
                ++conflict;
                break;
        }
    }
    MissClassCounts& operator+=(const MissClassCounts& o) {
        compulsory += o.compulsory;
        capacity += o.capacity;
        conflict += o.conflict;
        return *this;
    }
    friend bool operator==(const MissClassCounts&, const MissClassCounts&) = default;
};

/// A fully associative LRU cache of `capacity` lines that remembers every line it ever saw: the
/// shadow of one cache. access() is O(1) expected. A value (copyable).
class LruShadow {
public:
    explicit LruShadow(std::uint64_t capacity);

    struct Result {
        bool firstReference = false;  // the line had never arrived before
        bool hit = false;             // the line was among the `capacity` most recent distinct lines
    };
    /// One arrival of `line`: reports what a fully associative LRU cache would do, then makes the
    /// line the most recent one (evicting the least recent if the shadow is full).
    Result access(std::uint64_t line);
    /// Remembers `line` as seen (a later arrival is not its first) without putting it in the
    /// shadow or moving anything: how a shadow rebuilt from a history learns the lines it saw
    /// long ago (ArrivalHistory::classifier). No effect on a line already seen.
    void remember(std::uint64_t line);

    std::uint64_t capacity() const { return capacity_; }
    /// Distinct lines that ever arrived.
    std::uint64_t distinctLines() const { return used_; }
    /// Lines in the shadow now, most recent first (for tests and narration).
    std::vector<std::uint64_t> contents() const;

private:
    static constexpr std::uint32_t kNone = ~std::uint32_t{0};
    /// The hash-table slot of `line`, or the empty slot where it would go.
    std::size_t slotOf(std::uint64_t line) const;
    void grow();
    /// Puts `line`, never seen, as seen and not in the shadow in the empty `slot` (growing the
    /// table first if it is half full); returns the line's slot.
    inline std::size_t addSeen(std::size_t slot, std::uint64_t line);
    void unlink(std::uint32_t node);
    void pushFront(std::uint32_t node);

    std::uint64_t capacity_;
    // Open-addressing table (linear probing) of every line seen: key, and its node in the list
    // (kNone when the line is not in the shadow now). An empty slot has node kEmpty. Key and node
    // side by side: a probe reads one cache line.
    static constexpr std::uint32_t kEmpty = kNone - 1;
    struct Slot {
        std::uint64_t key = 0;
        std::uint32_t node = kEmpty;
    };
    std::vector<Slot> table_;
    unsigned shift_ = 64;  // 64 - log2(table size): Fibonacci hashing keeps the top bits
    std::uint64_t used_ = 0;
    // The LRU list: nodes 0..size-1, doubly linked by index; head = most recent.
    struct Node {
        std::uint64_t line = 0;
        std::uint32_t prev = kNone, next = kNone;
    };
    std::vector<Node> nodes_;
    std::uint32_t head_ = kNone, tail_ = kNone;
    // The kTop most recent lines (most recent first) are kept out of the list, in a small array:
    // a kernel's few interleaved streams (ikj: A, B, C) keep hitting them, and such a hit is a
    // compare and a shift, with no hash probe and no list links to move. Their nodes stay
    // allocated (the table points at them), detached from the list. Recency order: top_, then the
    // list. Only when the capacity holds them all (capacity >= kTop); smaller shadows use the list.
    static constexpr std::uint32_t kTop = 4;
    std::uint64_t top_[kTop] = {};
    std::uint32_t topNode_[kTop] = {};
    std::uint32_t topCount_ = 0;
    /// access() when capacity_ >= kTop.
    Result accessTop(std::uint64_t line);
};

class MissClassifier final : public HierarchyObserver, public ArrivalSink {
public:
    /// Takes every cache's geometry (shadow of size/lineSize lines) and the number of attribution
    /// slots from `hierarchy` as they are now: enable attribution before building the classifier.
    explicit MissClassifier(const Hierarchy& hierarchy);
    /// The same, with each cache's shadow as it is after earlier arrivals (one per cache, of that
    /// cache's lines; ArrivalHistory builds them): classes as if the classifier had seen those
    /// arrivals, counts from zero.
    MissClassifier(const Hierarchy& hierarchy, std::vector<LruShadow> shadows);

    void onCacheAccess(const CacheEvent& e) override;
    void onArrivals(std::uint32_t cache, std::span<const std::uint64_t> lines,
                    std::span<const ArrivalMiss> misses) override;

    std::uint32_t caches() const { return static_cast<std::uint32_t>(perCache_.size()); }
    /// Misses of cache `c` by class (sums to its misses since the classifier was attached).
    const MissClassCounts& counts(std::uint32_t c) const { return perCache_[c].counts; }
    /// 0 when the hierarchy was not attributing.
    std::uint32_t attributionSlots() const { return slots_; }
    /// Misses of cache `c` charged to `slot`, by class.
    const MissClassCounts& attributed(std::uint32_t c, std::uint32_t slot) const {
        return perSlot_[std::size_t{c} * slots_ + slot];
    }
    /// The class of the most recent miss at cache `c` (nullopt before its first miss). Observers
    /// added to a FanOutObserver after the classifier can read the class of the event they are
    /// being told about: lastEventMissed(c) ? lastClass(c) : no class.
    std::optional<MissClass> lastClass(std::uint32_t c) const { return perCache_[c].last; }
    /// True if the most recent arrival at cache `c` was a miss.
    bool lastEventMissed(std::uint32_t c) const { return perCache_[c].lastMissed; }
    /// The shadow of cache `c` (distinct lines seen, contents).
    const LruShadow& shadow(std::uint32_t c) const { return perCache_[c].shadow; }

    /// Zeroes the counts but keeps the lines seen and the shadows (after a warm-up).
    void resetCounts();

private:
    struct PerCache {
        LruShadow shadow;
        MissClassCounts counts;
        std::optional<MissClass> last;
        bool lastMissed = false;
    };
    /// Counts a miss of class `c` at cache `cache`, charged to `slot`.
    void count(std::uint32_t cache, PerCache& pc, MissClass c, std::uint32_t slot);

    std::vector<PerCache> perCache_;
    std::uint32_t slots_ = 0;
    std::vector<MissClassCounts> perSlot_;  // [cache * slots + slot]
};

}  // namespace cachescope
