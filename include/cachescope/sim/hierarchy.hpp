#pragma once
// The cache hierarchy: caches ordered from the CPU outward, then memory. It implements the
// semantics written down in docs/semantics.md (Dinero IV's by default) and keeps the statistics.
//
// The whole state is a value: copying a Hierarchy is a snapshot (lines, dirty bits, policy state,
// random state, statistics); assigning one back restores it. Replaying the same accesses from a
// snapshot gives the same results.

#include <cstdint>
#include <span>
#include <vector>

#include "cachescope/cache/cache.hpp"
#include "cachescope/cache/stats.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/config/topology.hpp"
#include "cachescope/core/access.hpp"
#include "cachescope/sim/observer.hpp"

namespace cachescope {

class Hierarchy {
public:
    static constexpr std::uint32_t kMemory = Topology::kMemory;  // "next level" of the last caches

    /// `config` must be valid (validate()).
    explicit Hierarchy(const SimConfig& config);

    /// Simulates one CPU reference.
    void access(const Access& a) { access(std::span<const Access>(&a, 1)); }

    /// Simulates a block of CPU references in order. Blocks are the fast way in: the hot loop keeps
    /// the first-level caches' arrays in registers across a block.
    void access(std::span<const Access> block);

    const std::vector<Cache>& caches() const { return caches_; }
    const MemoryStats& memory() const { return memory_; }
    const SimConfig& config() const { return config_; }
    /// CPU references simulated so far (trace records; a line-crossing reference counts once).
    std::uint64_t references() const { return references_; }

    /// Index of the cache that a miss in cache `c` goes to, or kMemory.
    std::uint32_t next(std::uint32_t c) const { return topology_.next[c]; }
    /// First cache on the instruction / data side, or kMemory.
    std::uint32_t firstInstructionCache() const { return topology_.firstInstruction; }
    std::uint32_t firstDataCache() const { return topology_.firstData; }
    /// The first-level caches: the data side's, then the instruction side's if it is another
    /// (the caches the hot loop keeps; none when references go straight to memory).
    std::vector<std::uint32_t> firstLevelCaches() const {
        std::vector<std::uint32_t> out;
        if (topology_.firstData != kMemory) out.push_back(topology_.firstData);
        if (topology_.firstInstruction != kMemory && topology_.firstInstruction != topology_.firstData)
            out.push_back(topology_.firstInstruction);
        return out;
    }
    const Topology& topology() const { return topology_; }
    /// Caches whose misses can reach cache `c` (directly or through others).
    const std::vector<std::uint32_t>& above(std::uint32_t c) const { return topology_.above[c]; }
    /// 1 for the first level, 2 for the next, ... (a split L1I/L1D are both level 1).
    std::uint32_t level(std::uint32_t c) const { return topology_.level[c]; }

    /// Attaches an observer (nullptr detaches). Not owned. Snapshots copy the pointer.
    void setObserver(HierarchyObserver* observer) { observer_ = observer; }
    /// Attaches a sink of every arrival at every cache, in bulk (nullptr detaches; not owned).
    /// Unlike an observer it leaves the fast path for first-level hits in place: a hit costs one
    /// store into the cache's buffer. Snapshots copy the pointer, never pending arrivals (there
    /// are none between calls). With `firstLevelHits` false the hot loop's first-level hits are
    /// not handed over (no store at all): the sink then sees every arrival below the first level,
    /// but only part of the first level's (its misses, and the hits the slow path takes), which
    /// is all ArrivalHistory needs long before the classes are wanted (openClassifyingFrom).
    void setArrivalSink(ArrivalSink* sink, bool firstLevelHits = true) {
        sink_ = sink;
        firstLevelHits_ = firstLevelHits;
    }

    /// Sends a read or write into the hierarchy at cache `entry` (or memory), as a page walk's PTE
    /// read enters it. Returns the index of the first cache on the way that hit, or kMemory.
    std::uint32_t inject(std::uint32_t entry, const Access& a);

    /// Removes every line of the physical range from every cache; each dirty line counts as a
    /// write-back of its cache and a memory write (a page leaving physical memory).
    void invalidateRange(std::uint64_t address, std::uint64_t size);

    /// Zeroes every counter but keeps the cache contents (for warm-up).
    void resetStats();

    /// Sharded runs (sim/parallel.hpp): adds the counters of `share`, a hierarchy of the same caches
    /// (or of each cache's share of the sets) that simulated a share of the references, to this
    /// one's: every cache's statistics, memory and attribution, and `references` CPU references (a
    /// reference split between shares is counted by one of them). The contents stay as they are.
    void addShare(const Hierarchy& share, std::uint64_t references);

    // ---- Attribution: accesses and misses of every cache by the statement (site) that caused them
    // Slots: 0..sites-1 are site ids (Access::site; ids beyond go to slot 0, "unknown"), then
    // kWritebacks (write-backs and exclusive victims, which no statement asked for) and kWalks
    // (page-table reads, inject()). Demand traffic is charged to the reference being simulated:
    // its own pieces, the fills and write-throughs it causes at every level. For each cache the
    // slots sum exactly to its accesses and misses. Off by default; when on it costs one counter
    // per reference before the hot loop, and nothing per hit in it. docs/semantics.md "Attribution".
    /// Turns attribution on (counters zeroed) for `sites` site ids.
    void enableAttribution(std::uint32_t sites);
    bool attributing() const { return attributionSlots_ != 0; }
    std::uint32_t attributionSlots() const { return attributionSlots_; }
    std::uint32_t writebackSlot() const { return attributionSlots_ - 2; }
    std::uint32_t walkSlot() const { return attributionSlots_ - 1; }
    /// Accesses / misses of cache `c` charged to `slot`.
    std::uint64_t attributedAccesses(std::uint32_t c, std::uint32_t slot) const {
        // A first-level cache's accesses include the references counted before the hot loop
        // (those that left it took their count back in attrAccesses_: modulo 2^64, the sum is exact).
        std::uint64_t n = attrAccesses_[std::size_t{c} * attributionSlots_ + slot];
        if (c == topology_.firstData) n += refsBySlot_[slot];
        if (c == topology_.firstInstruction) n += refsBySlot_[attributionSlots_ + slot];
        return n;
    }
    /// CPU references (access() calls' records, a line-crossing reference once) charged to `slot`.
    std::uint64_t attributedReferences(std::uint32_t slot) const {
        return refsBySlot_[slot] + refsBySlot_[attributionSlots_ + slot];
    }
    std::uint64_t attributedMisses(std::uint32_t c, std::uint32_t slot) const {
        return attrMisses_[std::size_t{c} * attributionSlots_ + slot];
    }

    /// True if both hold the same lines, dirty bits, policy states and statistics.
    bool sameState(const Hierarchy& other) const;

    /// The OPT policies of the caches that use `opt`, in cache order (planFutures hands them their
    /// futures).
    std::vector<OptPolicy*> optPolicies();

private:
    /// The hot loop over a block (attribution only touches its slow path). kLog: an arrival
    /// sink is attached, so every hit is written to the cache's arrival buffer.
    template <bool kLog>
    void accessBlock(std::span<const Access> block);
    /// The slot a reference is charged to.
    std::uint32_t slotOf(const Access& a) const { return a.site < attributionSlots_ - 2 ? a.site : 0; }
    void countAccess(std::uint32_t c) {
        if (attributionSlots_ != 0) ++attrAccesses_[std::size_t{c} * attributionSlots_ + current_];
    }
    void countMiss(std::uint32_t c) {
        if (attributionSlots_ != 0) ++attrMisses_[std::size_t{c} * attributionSlots_ + current_];
    }
    /// One reference, with the observer told of everything.
    void accessObserved(const Access& a);
    /// Sends a request of `size` bytes at `address` to cache `c` (or memory), split into that
    /// cache's lines. `victim` marks a line evicted from above into an exclusive cache. Returns true
    /// if the data comes back dirty (an exclusive cache handing up a dirty line).
    bool request(std::uint32_t c, AccessKind kind, std::uint64_t address, std::uint32_t size, bool victim) {
        if (c != kMemory) return requestCache(c, kind, address, size, victim);
        ++(kind == AccessKind::Write ? memory_.writes : memory_.reads);
        if (observer_ != nullptr) notifyMemory(kind, address, size);
        return false;
    }
    bool requestCache(std::uint32_t c, AccessKind kind, std::uint64_t address, std::uint32_t size, bool victim);
    void notifyMemory(AccessKind kind, std::uint64_t address, std::uint32_t size);
    bool requestLine(std::uint32_t c, AccessKind kind, std::uint64_t address, std::uint32_t size, bool victim);
    /// The two halves of requestLine, after the access is counted and looked up.
    bool hitLine(std::uint32_t c, AccessKind kind, std::uint64_t address, std::uint32_t size, bool victim,
                 std::uint32_t way);
    bool missLine(std::uint32_t c, AccessKind kind, std::uint64_t address, std::uint32_t size, bool victim);
    /// Sends the line evicted (or back-invalidated) from cache `c` onward.
    void sendVictim(std::uint32_t c, std::uint64_t line, bool dirty);
    void backInvalidate(std::uint32_t c, std::uint64_t line, bool& dirty);

    // ---- the plain miss path (docs/performance.md, "Session 7: the miss path") ----------------
    // The general path above re-derives the line and set at every step, splits requests into the
    // next cache's lines, asks about observers, exclusion and write-through at each level and
    // dispatches on the policy through Cache::find/fill. A cache is plain (plain_[c]) when none of
    // that can matter for it or for any cache below it: write-back, write-allocate, not exclusive,
    // not wide, not OPT, and the same line size as the cache below (memory, or a plain cache), so a
    // line from above is exactly one line there. Arrivals at a plain cache without an observer take
    // plainArrive/plainMiss, which do exactly what requestLine/missLine do there (same counters,
    // same policy calls in the same order, same hint slots), with the line address carried down.
    /// A whole line arriving at plain cache `c` (or memory): a fill (read or fetch) or a write-back.
    void plainArrive(std::uint32_t c, AccessKind kind, std::uint64_t line);
    /// The miss of `line` at plain cache `c`, after its access was counted: counts the miss, fetches
    /// the line from below unless `fetch` is false (a write of the whole line), fills, evicts.
    void plainMiss(std::uint32_t c, AccessKind kind, std::uint64_t line, bool fetch);
    std::vector<std::uint8_t> plain_;  // per cache: see above

    // ---- arrival buffers (setArrivalSink): per cache, the lines that arrived since the last
    // hand-over and which of them missed. Allocated on first use; a copy starts empty (nothing is
    // pending between calls, and snapshots should not carry the buffers).
    struct ArrivalBuffer {
        static constexpr std::uint32_t kCapacity = 4096;
        std::vector<std::uint64_t> lines;  // kCapacity once used
        std::vector<ArrivalMiss> misses;   // kCapacity once used (misses <= arrivals)
        std::uint32_t count = 0;
        std::uint32_t missCount = 0;
        ArrivalBuffer() = default;
        ArrivalBuffer(const ArrivalBuffer&) {}
        ArrivalBuffer& operator=(const ArrivalBuffer&) { return *this; }
        ArrivalBuffer(ArrivalBuffer&&) noexcept = default;
        ArrivalBuffer& operator=(ArrivalBuffer&&) noexcept = default;
        ~ArrivalBuffer() = default;
    };
    void logArrival(std::uint32_t c, std::uint64_t line) {
        ArrivalBuffer& b = arrivals_[c];
        if (b.count == b.lines.size()) [[unlikely]] handOver(c);
        b.lines[b.count++] = line;
    }
    void logMiss(std::uint32_t c, std::uint64_t line) {
        ArrivalBuffer& b = arrivals_[c];
        if (b.count == b.lines.size()) [[unlikely]] handOver(c);
        b.misses[b.missCount++] = {b.count, current_};
        b.lines[b.count++] = line;
    }
    /// Hands cache c's pending arrivals to the sink (allocating the buffers on first use).
    [[gnu::noinline]] void handOver(std::uint32_t c);
    /// Hands every cache's pending arrivals to the sink.
    void handOverAll();

    SimConfig config_;
    std::vector<Cache> caches_;
    Topology topology_;
    MemoryStats memory_;
    std::uint64_t references_ = 0;
    HierarchyObserver* observer_ = nullptr;
    ArrivalSink* sink_ = nullptr;
    bool firstLevelHits_ = true;           // setArrivalSink
    std::vector<ArrivalBuffer> arrivals_;  // per cache
    std::uint32_t attributionSlots_ = 0;  // 0 = off
    std::uint32_t current_ = 0;           // the slot being charged
    std::vector<std::uint64_t> attrAccesses_, attrMisses_;  // [cache * slots + slot]
    // References by slot, counted once per reference before the hot loop: [slot] reads and writes
    // (the data side), [slots + slot] fetches. They are the first-level caches' accesses too, less
    // what the slow path takes back in attrAccesses_ (attributedAccesses), and the Simulator's
    // references per site when nothing translates (Simulator::siteReferences).
    std::vector<std::uint64_t> refsBySlot_;
};

/// Estimated cycles under the additive latency model of docs/semantics.md: every access that
/// reaches a cache pays its latency, every memory read or write pays the memory latency.
std::uint64_t totalCycles(const Hierarchy& h);
/// Average memory access time in cycles per CPU reference (0 when there were none).
double amat(const Hierarchy& h);

}  // namespace cachescope
