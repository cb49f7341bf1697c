#pragma once
// A deliberately naive reference model of the cache hierarchy, written from docs/semantics.md and
// docs/policies.md only (never from src/sim, src/cache or src/policy), so that the differential
// tests (differential_test.cpp) compare two independent implementations of the same contract.
//
// It is built to be obviously correct, not fast:
//   - every set is a std::vector<Line>; a Line carries its own policy bookkeeping (timestamps from
//     one global clock, a use count, an NRU bit, an RRPV); tree-PLRU keeps an explicit array of node
//     bits per set;
//   - the hierarchy is plain recursion: request() splits a request into the target cache's lines
//     and accessLine() follows "One access to one cache" of docs/semantics.md step by step.
//
// Tiny worked example (one direct-mapped cache of 2 lines of 16 bytes, write-back, write-allocate):
//   read  0x00  -> miss, memory read 1                      set 0: [0x0]
//   write 0x20  -> miss (line 2, set 0), fetch (memory read 2), evicts line 0 (clean)
//   read  0x00  -> miss, memory read 3, evicts line 2 (dirty): write-back, memory write 1
//   => L1: 3 accesses, 3 misses, 2 evictions, 1 write-back; memory: 3 reads, 1 write.
//
// Readings chosen where docs/semantics.md leaves room (questions raised with the lead):
//   - Memory has no lines: a request that reaches it counts once, even a line-crossing CPU reference
//     of a side without any cache.
//   - backInvalidations counts removed copies (one per cache above that held the line). The cache
//     above counts nothing for a back-invalidated line (no eviction, no write-back); if the copy was
//     dirty, the inclusive cache's victim becomes dirty and the write-back is counted there.
//   - Exclusive hand-up on a hit: the policy first records the hit, then is told of the invalidation
//     (for nru the order matters: the hit may clear the other bits).
//   - An exclusive cache treats only requests from a cache above as fill requests. A CPU reference
//     that arrives at an exclusive cache directly (e.g. fetches in [L1D data, L2 exclusive both],
//     where L2 is the first instruction cache) is an ordinary access and allocates. The engine
//     forwards it without allocating instead; the random generator does not make such configs.
//
// Only the deterministic policies are modelled: lru, fifo, plru, nru, lfu, mru, srrip. Any other
// name throws std::invalid_argument.

#include <cstdint>
#include <memory>
#include <vector>

#include "cachescope/cache/stats.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/config/topology.hpp"
#include "cachescope/core/access.hpp"

namespace cachescope::reference {

/// One way of one set, with the bookkeeping of every supported policy (each uses its own fields).
struct Line {
    bool valid = false;
    std::uint64_t lineAddr = 0;  // byte address / line size
    bool dirty = false;
    std::int64_t lastUse = 0;     // lru, mru: larger = more recent (initially way w has -w)
    std::int64_t insertTime = 0;  // fifo: larger = newer (initially way w has -w)
    std::uint32_t useCount = 0;   // lfu
    bool nruBit = false;          // nru: the "referenced" bit
    unsigned rrpv = 3;            // srrip: re-reference prediction value 0..3
};

enum class Policy { Lru, Fifo, Plru, Nru, Lfu, Mru, Srrip };

/// Maps a policy name to the enum; throws std::invalid_argument for a name the model lacks.
Policy policyFromName(const std::string& name);

/// True for the names this model implements.
bool isModelledPolicy(const std::string& name);

class ReferenceMmu;

struct RefCache {
    CacheConfig config;
    Policy policy = Policy::Lru;
    std::uint64_t lineSize = 0;
    std::uint64_t numSets = 0;
    std::uint32_t numWays = 0;
    std::vector<std::vector<Line>> sets;          // numSets x numWays
    std::uint32_t plruLeaves = 1;                 // ways rounded up to a power of two
    std::vector<std::vector<bool>> plruBits;      // per set: node bits, heap order, index 1..leaves-1
    CacheStats stats;
};

class ReferenceModel {
public:
    static constexpr std::uint32_t kMemory = Topology::kMemory;

    /// Builds empty caches for `config` (assumed valid), and the translation model if it has an mmu.
    explicit ReferenceModel(const SimConfig& config);
    ReferenceModel(const ReferenceModel& other);
    ReferenceModel& operator=(const ReferenceModel& other);
    ~ReferenceModel();

    /// Simulates one CPU reference (translated first when the config has an mmu).
    void access(const Access& a);

    /// The translation model, or nullptr without an mmu.
    const ReferenceMmu* mmu() const { return mmu_.get(); }
    const Topology& topology() const { return topology_; }
    const CacheConfig& cacheConfig(std::size_t c) const { return caches_.at(c).config; }

    /// A physical access of the CPU (no translation): enters at the first cache of its side.
    void physicalAccess(AccessKind kind, std::uint64_t address, std::uint64_t size);
    /// A read entering at cache `entry` (or memory) as a CPU reference would; returns the first cache
    /// in which it (or a fill read it caused) hit, or kMemory. For PTE reads.
    std::uint32_t readAt(std::uint32_t entry, std::uint64_t address, std::uint64_t size);
    /// Invalidates every line of every cache lying in [base, base + size); each dirty one counts a
    /// write-back of its cache and a memory write. For page eviction.
    void invalidateRange(std::uint64_t base, std::uint64_t size);

    std::size_t cacheCount() const { return caches_.size(); }
    const CacheStats& stats(std::size_t c) const { return caches_.at(c).stats; }
    const MemoryStats& memory() const { return memory_; }

    /// True if cache `c` holds the line containing byte `address`.
    bool contains(std::size_t c, std::uint64_t address) const;
    /// True if cache `c` holds the line containing `address` and it is dirty.
    bool isDirty(std::size_t c, std::uint64_t address) const;
    /// Number of valid lines in cache `c`.
    std::uint64_t validLines(std::size_t c) const;

private:
    void buildCaches(const SimConfig& config);
    /// Sends a request to cache `target` (or memory): split into the target's lines, each simulated
    /// completely before the next. `dirtyData` is false only for a clean victim going into an
    /// exclusive cache. `fromAbove` is false for CPU references. Returns true if the data comes back
    /// dirty (handed up by an exclusive cache).
    bool request(std::uint32_t target, AccessKind kind, std::uint64_t address, std::uint64_t size, bool dirtyData,
                 bool fromAbove);
    bool accessLine(std::uint32_t c, AccessKind kind, std::uint64_t address, std::uint64_t size, bool dirtyData,
                    bool fromAbove);
    /// Removes `lineAddr` from every cache above the inclusive cache `c`; returns true if a removed
    /// copy was dirty.
    bool backInvalidate(std::uint32_t c, std::uint64_t lineAddr);

    // Policy hooks, straight from docs/policies.md.
    void policyHit(RefCache& cache, std::uint64_t set, std::uint32_t way);
    void policyFill(RefCache& cache, std::uint64_t set, std::uint32_t way, bool setWasFull);
    void policyInvalidate(RefCache& cache, std::uint64_t set, std::uint32_t way);
    std::uint32_t policyVictim(const RefCache& cache, std::uint64_t set) const;
    void invalidateWay(RefCache& cache, std::uint64_t set, std::uint32_t way);

    friend class ReferenceMmu;  // drives TLBs and walk caches with the policy hooks above

    std::vector<RefCache> caches_;
    Topology topology_;
    std::unique_ptr<ReferenceMmu> mmu_;
    bool tracking_ = false;                 // readAt(): recording who served the read
    std::uint32_t servedBy_ = kMemory;
    bool served_ = false;
    MemoryStats memory_;
    std::int64_t clock_ = 0;  // global timestamp for lru/mru/fifo
};

}  // namespace cachescope::reference
