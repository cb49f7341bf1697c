#pragma once
// One set-associative array of lines: tags, valid and dirty bits in flat arrays (one contiguous
// block per set), plus the replacement policy that owns its own state. It knows nothing of other
// levels: the Hierarchy (sim/hierarchy.hpp) drives it and keeps the statistics.

#include <bit>
#include <cassert>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cachescope/core/bit_tree.hpp"
#include "cachescope/cache/stats.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/core/address.hpp"
#include "cachescope/mmu/flat_map.hpp"
#include "cachescope/policy/lru.hpp"
#include "cachescope/policy/opt.hpp"
#include "cachescope/policy/plru.hpp"
#include "cachescope/policy/replacement.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cachescope {

/// One way of a set as views show it (Cache::inspectSet).
struct WayInspection {
    bool valid = false;
    bool dirty = false;
    std::uint64_t line = 0;         // line address (byte address >> line bits); 0 when invalid
    std::uint64_t tag = 0;          // line >> set bits (AddressLayout::tagOfLine); 0 when invalid
    std::uint64_t lineAddress = 0;  // first byte of the line (AddressLayout::lineBase); 0 when invalid
    WayPolicyState policy;          // the replacement policy's state of this way (valid or not)
    friend bool operator==(const WayInspection&, const WayInspection&) = default;
};

/// A whole set as views show it: every way, the policy's set state, and the way the next miss in
/// the set would fill. TLBs and walk caches are Caches with 1-byte "lines": there `line` is the
/// entry's key (Mmu::pageNumberOfKey gives the page number) and lineAddress equals it.
struct SetView {
    std::uint32_t set = 0;
    std::vector<WayInspection> ways;
    /// The way the next miss that allocates in this set fills: the lowest invalid way, else the
    /// policy's victim (policy.victim).
    std::uint32_t nextVictim = 0;
    /// True when the set is full, so the next allocating miss evicts the line in nextVictim.
    bool nextMissEvicts = false;
    SetPolicyState policy;
    friend bool operator==(const SetView&, const SetView&) = default;
};

class Cache {
public:
    static constexpr std::uint64_t kInvalidLine = ~std::uint64_t{0};
    static constexpr std::uint32_t kNoWay = ~std::uint32_t{0};
    /// Sets of more ways than this (fully associative caches, wide TLBs) are wide: a tag index
    /// beside the ways finds a line and a BitTree of invalid slots the lowest invalid way, so a
    /// lookup or fill never scans the set. Narrower sets compare the tags of the ways their
    /// fingerprint bytes name (below): one 16-byte compare, then usually one tag or none.
    static constexpr std::uint32_t kWideWays = 16;

    // ---- the fingerprint filter of narrow sets (docs/performance.md, "Session 8") --------------
    // Beside the tags, a narrow cache keeps one byte per way, kFingerprintStride bytes per set: 0
    // for an invalid way (and for the padding bytes of sets of fewer than 16 ways), else the
    // fingerprint of the line it holds, whose high bit is always set. One 16-byte compare gives the
    // ways that may hold a line; only those tags are compared. A miss usually compares no tag.
    static constexpr std::uint32_t kFingerprintStride = 16;
    /// The fingerprint of a line: 7 bits of a multiplicative hash of the whole line address, plus
    /// the high bit (never 0). Lines of one set share their set bits; the hash mixes the tag bits
    /// into the top, so strided lines of one set get different fingerprints.
    static std::uint8_t fingerprint(std::uint64_t line) {
        return static_cast<std::uint8_t>(((line * 0x9E3779B97F4A7C15ull) >> 57) | 0x80);
    }
    /// Bit w set for every byte w of the 16 at `bytes` equal to `fp` (SSE2 where the compiler has
    /// it, which every x86-64 does; else matchFingerprintsSwar).
    static std::uint32_t matchFingerprints(const std::uint8_t* bytes, std::uint8_t fp) {
#if defined(__SSE2__)
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
        const __m128i b = _mm_set1_epi64x(static_cast<long long>(fp * 0x0101010101010101ull));
        return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, b)));
#else
        return matchFingerprintsSwar(bytes, fp);
#endif
    }
    /// matchFingerprints in portable C++ (two 64-bit words, exact zero-byte detection).
    static std::uint32_t matchFingerprintsSwar(const std::uint8_t* bytes, std::uint8_t fp) {
        constexpr std::uint64_t k7f = 0x7F7F7F7F7F7F7F7Full;
        std::uint32_t m = 0;
        for (unsigned half = 0; half < 2; ++half) {
            std::uint64_t w = 0;  // byte b of memory in bits 8b..8b+7 (a plain load on little-endian)
            for (unsigned b = 0; b < 8; ++b) w |= std::uint64_t{bytes[8 * half + b]} << (8 * b);
            const std::uint64_t x = w ^ (fp * 0x0101010101010101ull);
            const std::uint64_t zero = ~(((x & k7f) + k7f) | x | k7f);  // 0x80 in each byte of x that is 0
            // Bits 7, 15, ..., 63 to bits 0..7 (the partial products never overlap: no carries).
            m |= static_cast<std::uint32_t>(((zero >> 7) * 0x0102040810204080ull) >> 56) << (8 * half);
        }
        return m;
    }

    /// `config` must be valid (validate()); `seed` seeds a randomized policy.
    Cache(const CacheConfig& config, std::uint64_t seed);
    /// With a policy built by the caller (tests use a spy); its geometry must match the config's.
    Cache(const CacheConfig& config, std::unique_ptr<ReplacementPolicy> policy);
    Cache(const Cache& other);
    Cache& operator=(const Cache& other);
    Cache(Cache&&) noexcept = default;
    Cache& operator=(Cache&&) noexcept = default;
    ~Cache() = default;

    // ---- read-only views (reports, narration, GUI) ------------------------------------------
    const CacheConfig& config() const { return config_; }
    const std::string& name() const { return config_.name; }
    const AddressLayout& layout() const { return layout_; }
    std::uint32_t sets() const { return sets_; }
    std::uint32_t ways() const { return ways_; }
    /// True when the cache keeps a tag index (ways > kWideWays).
    bool wide() const { return wide_; }
    const CacheStats& stats() const { return stats_; }
    const ReplacementPolicy& policy() const { return *policy_; }
    /// The policy if it is OPT (policy/opt.hpp), else nullptr; planFutures hands it its future.
    OptPolicy* opt() { return opt_; }
    const OptPolicy* opt() const { return opt_; }

    struct LineView {
        bool valid = false;
        bool dirty = false;
        std::uint64_t line = 0;  // line address (byte address >> line bits); meaningful if valid
    };
    LineView lineAt(std::uint32_t set, std::uint32_t way) const {
        const std::size_t i = slot(set, way);
        return {tags_[i] != kInvalidLine, dirty_[i] != 0, tags_[i]};
    }
    /// The way holding `line`, or kNoWay. Changes nothing.
    std::uint32_t find(std::uint64_t line) const {
        if (wide_) return findWide(line);
        return findNarrow(layout_.setOfLine(line), line);
    }
    /// True if the line is present.
    bool contains(std::uint64_t line) const { return find(line) != kNoWay; }
    /// Number of valid lines (for tests and views; O(lines)).
    std::uint64_t validLines() const;
    /// Everything about one set as values (GUI grids, tests); const, changes nothing. O(ways).
    SetView inspectSet(std::uint32_t set) const;
    /// True when every way's fingerprint byte agrees with its tag (0 if invalid, else
    /// fingerprint(line)) and every padding byte is 0; always true for a wide cache. For tests. O(lines).
    bool fingerprintsConsistent() const;

    // ---- operations used by the Hierarchy -------------------------------------------------------
    /// Records a hit on (set, way) with the policy. A hit on the way whose hit was the last thing
    /// that happened in the set is skipped when the policy declares repeated hits idempotent.
    void touch(std::uint32_t set, std::uint32_t way) {
        const auto s = static_cast<std::uint32_t>(slot(set, way));
        if (hintSlot_[set] != s || !skipRehit_) {
            if (lru_ != nullptr) {
                lru_->onHit(set, way);  // LRU, by far the most used, is called directly (inlined)
            } else {
                if (opt_ != nullptr) arriveOpt(tags_[s]);
                policy_->onHit(set, way);
            }
        }
        hintSlot_[set] = s;
    }

    struct Placement {
        std::uint32_t way = kNoWay;
        bool evicted = false;        // a valid line was replaced
        std::uint64_t victimLine = 0;
        bool victimDirty = false;
    };
    /// Places `line` (not present) in its set: the lowest invalid way, else the policy's victim.
    Placement fill(std::uint64_t line, bool dirty);
    /// An access for `line` missed and will not be placed (no-write-allocate, an exclusive cache's
    /// fill): nothing changes but an OPT policy's count of arrivals.
    void bypass(std::uint64_t line) {
        if (opt_ != nullptr) arriveOpt(line);
    }
    /// Removes the line in (set, way); returns whether it was dirty.
    bool invalidate(std::uint32_t set, std::uint32_t way);
    void setDirty(std::uint32_t set, std::uint32_t way) { dirty_[slot(set, way)] = 1; }
    bool isDirty(std::uint32_t set, std::uint32_t way) const { return dirty_[slot(set, way)] != 0; }

    void resetStats() { stats_ = {}; }

    /// Two caches are equal when their lines, dirty bits, policy state and statistics are.
    bool sameState(const Cache& other) const;

private:
    friend class Hierarchy;  // its inline fast path reads the arrays directly; counts write-backs
    friend class Mmu;        // counts TLB and walk-cache lookups on its inline TLB-hit path
    /// Only the hierarchy and the MMU, which simulate through the cache, change its counters.
    CacheStats& mutableStats() { return stats_; }
    std::size_t slot(std::uint32_t set, std::uint32_t way) const { return std::size_t{set} * ways_ + way; }
    /// find() in a narrow cache (!wide_), `set` being the line's: the fingerprint filter picks the
    /// candidate ways, and only their tags are compared.
    std::uint32_t findNarrow(std::uint32_t set, std::uint64_t line) const {
        return findInSet(&tags_[slot(set, 0)], &fp_[std::size_t{set} * kFingerprintStride], line);
    }
    /// The way of a narrow set that holds `line`, or kNoWay: `tags` and `fingerprints` are the
    /// set's first tag and first fingerprint byte. The hierarchy's hot loop calls it with the
    /// array pointers it keeps in registers.
    static std::uint32_t findInSet(const std::uint64_t* tags, const std::uint8_t* fingerprints, std::uint64_t line) {
        for (std::uint32_t m = matchFingerprints(fingerprints, fingerprint(line)); m != 0; m &= m - 1) {
            const auto w = static_cast<std::uint32_t>(std::countr_zero(m));
            if (tags[w] == line) return w;
        }
        return kNoWay;
    }
    /// fill() in a narrow cache (!wide_), `set` being the line's, once an OPT policy (if any) was
    /// told of the arrival: inline for the hierarchy's plain miss path (LRU called directly).
    Placement fillNarrow(std::uint32_t set, std::uint64_t line, bool dirty) {
        const std::size_t base = slot(set, 0);
        Placement p;
        std::uint8_t* const fp = &fp_[std::size_t{set} * kFingerprintStride];
        if (validInSet_[set] < ways_) [[unlikely]] {
            // The lowest invalid way: the lowest zero byte (padding bytes come after every way).
            p.way = static_cast<std::uint32_t>(std::countr_zero(matchFingerprints(fp, 0)));
            ++validInSet_[set];
        } else {
            p.way = lru_ != nullptr ? lru_->victim(set) : plru_ != nullptr ? plru_->victim(set) : policy_->victim(set);
            p.evicted = true;
            p.victimLine = tags_[base + p.way];
            p.victimDirty = dirty_[base + p.way] != 0;
        }
        assert(p.way < ways_);
        tags_[base + p.way] = line;
        fp[p.way] = fingerprint(line);
        dirty_[base + p.way] = dirty ? 1 : 0;
        if (lru_ != nullptr)
            lru_->onFill(set, p.way);
        else if (plru_ != nullptr)
            plru_->onFill(set, p.way);
        else
            policy_->onFill(set, p.way);
        hintSlot_[set] = sentinel_;  // a hit after a fill is not a repeated hit (e.g. SRRIP: RRPV 2 -> 0)
        return p;
    }
    /// touch() for the hierarchy's plain miss path (no OPT): LRU and PLRU called directly. Apart
    /// from touch() so the TLB hit path that inlines touch() (Mmu::translateHit) stays as small.
    void touchPlain(std::uint32_t set, std::uint32_t way) {
        const auto s = static_cast<std::uint32_t>(slot(set, way));
        if (hintSlot_[set] != s || !skipRehit_) {
            if (lru_ != nullptr)
                lru_->onHit(set, way);
            else if (plru_ != nullptr)
                plru_->onHit(set, way);
            else
                policy_->onHit(set, way);
        }
        hintSlot_[set] = s;
    }
    /// Tells the OPT policy of an arrival; out of line so touch() stays small enough to inline into
    /// the callers' hot loops (Mmu::translateHit).
    [[gnu::noinline]] void arriveOpt(std::uint64_t line);
    /// find() in a wide cache: the tag index. Out of line, so the narrow callers' hot loops (the
    /// hierarchy's, Mmu::translateHit) stay as small as before the index existed.
    [[gnu::noinline]] std::uint32_t findWide(std::uint64_t line) const;

    CacheConfig config_;
    AddressLayout layout_;
    std::uint32_t sets_ = 0;
    std::uint32_t ways_ = 0;
    // sets*ways slots, one contiguous block per set, plus one sentinel slot at the end whose tag is
    // always kInvalidLine.
    std::vector<std::uint64_t> tags_;       // line addresses; kInvalidLine = empty
    std::vector<std::uint8_t> dirty_;
    // Narrow caches: sets*kFingerprintStride fingerprint bytes (see fingerprint()); wide: empty.
    std::vector<std::uint8_t> fp_;
    // Per set: the slot of the way hit last, if a hit was the last thing that happened in the set;
    // else the sentinel slot (after a fill or an invalidation), which never matches a line.
    std::vector<std::uint32_t> hintSlot_;
    std::vector<std::uint32_t> validInSet_;  // valid lines per set: a full set needs no invalid-way scan
    std::uint32_t sentinel_ = 0;
    bool wide_ = false;
    FlatMap<std::uint32_t> index_;  // wide_: line -> way of every valid line
    BitTree invalid_;               // wide_: the invalid slots (sets*ways)
    std::unique_ptr<ReplacementPolicy> policy_;
    LruPolicy* lru_ = nullptr;    // policy_ if it is LRU, else nullptr
    PlruPolicy* plru_ = nullptr;  // policy_ if it is PLRU, else nullptr (called directly on the plain path)
    OptPolicy* opt_ = nullptr;  // policy_ if it is OPT, else nullptr (told of every arrival)
    bool skipRehit_ = true;
    bool writeBack_ = true;
    CacheStats stats_;
};

}  // namespace cachescope
