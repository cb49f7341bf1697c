#pragma once
// RecencyRanks — the rank machinery shared by lru, fifo and mru.
//
// Every set keeps one rank per way, a permutation of 0..ways-1 (0 = most recent / newest).
// Initially way w has rank w. makeMostRecent(w) gives w rank 0 and adds 1 to every rank that was
// smaller; makeLeastRecent(w) gives w rank ways-1 and subtracts 1 from every rank that was larger.
// The policies differ only in when they call these and which end they evict:
//   lru  touch = most recent,  invalidate = least recent, victim = rank ways-1
//   fifo fill  = most recent,  invalidate = least recent, victim = rank ways-1 (hits do nothing)
//   mru  touch = most recent,  invalidate = least recent, victim = rank 0
//
// Worked example, one 4-way set, ways listed by rank 0→3:
//   initial                0 1 2 3
//   makeMostRecent(2)      2 0 1 3
//   makeLeastRecent(0)     2 1 3 0
//
// Storage, chosen by way count so both hits and victim searches stay cheap:
//  - up to 16 ways: the permutation itself, packed one way number per 4-bit nibble in a 64-bit
//    word per set (nibble r holds the way of rank r; unused nibbles hold 0xF). A victim is one
//    shift; making a way most recent finds its nibble with a SWAR zero-nibble test and shifts the
//    nibbles before it up by one: a handful of instructions, no loop.
//  - more ways (large or fully associative caches): a doubly linked list per set, from rank 0
//    (head) to rank ways-1 (tail), as two arrays of way numbers (previous, next) per (set, way).
//    Making a way most or least recent unlinks it and links it at the head or tail; the victim is
//    the tail: every operation of the simulation is O(1) whatever the way count. Only the
//    inspection (rank of a way, way of a rank) walks the list.
// Both encode exactly the rank permutation above; operator== compares permutations.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cachescope {

class RecencyRanks {
public:
    RecencyRanks(std::uint32_t sets, std::uint32_t ways);

    void makeMostRecent(std::uint32_t set, std::uint32_t way) {
        if (packed_) {
            std::uint64_t& o = order_[set];
            const unsigned shift = 4 * position(o, way);
            if (shift == 0) return;
            const std::uint64_t below = o & lowMask(shift);
            const std::uint64_t above = o & ~lowMask(shift + 4);
            o = above | (below << 4) | way;
        } else if (head_[set] != way) {
            moveToHead(set, way);
        }
    }
    void makeLeastRecent(std::uint32_t set, std::uint32_t way) {
        if (packed_) {
            std::uint64_t& o = order_[set];
            const unsigned shift = 4 * position(o, way);
            const unsigned last = 4 * (ways_ - 1);
            if (shift == last) return;
            const std::uint64_t below = o & lowMask(shift);
            const std::uint64_t after = o & lowMask(last + 4) & ~lowMask(shift + 4);
            const std::uint64_t unused = o & ~lowMask(last + 4);
            o = unused | (std::uint64_t{way} << last) | (after >> 4) | below;
        } else if (tail_[set] != way) {
            moveToTail(set, way);
        }
    }

    /// Rank of a way (0 = most recent).
    std::uint32_t rank(std::uint32_t set, std::uint32_t way) const;
    /// The way holding rank r in the set.
    std::uint32_t wayOfRank(std::uint32_t set, std::uint32_t r) const;
    /// The way of rank ways-1 / rank 0.
    std::uint32_t leastRecent(std::uint32_t set) const {
        if (packed_) return static_cast<std::uint32_t>((order_[set] >> (4 * (ways_ - 1))) & 0xF);
        return tail_[set];
    }
    std::uint32_t mostRecent(std::uint32_t set) const {
        if (packed_) return static_cast<std::uint32_t>(order_[set] & 0xF);
        return head_[set];
    }
    std::uint32_t ways() const { return ways_; }

    /// "<label> ways: 3 0 1 2", ways listed from rank 0 to rank ways-1.
    std::string describe(std::uint32_t set, const std::string& label) const;

    /// Same rank permutation in every set.
    bool operator==(const RecencyRanks& other) const;

private:
    static constexpr std::uint64_t kOnes = 0x1111111111111111ull;
    static constexpr std::uint64_t kHighs = 0x8888888888888888ull;
    static std::uint64_t lowMask(unsigned bits) { return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1; }
    /// Rank of `way` in a packed order: the lowest nibble equal to it (exactly one is).
    static unsigned position(std::uint64_t order, std::uint32_t way) {
        const std::uint64_t x = order ^ (kOnes * way);              // that nibble becomes 0
        const std::uint64_t zero = (x - kOnes) & ~x & kHighs;       // lowest set bit marks it exactly
        return static_cast<unsigned>(std::countr_zero(zero)) / 4;
    }
    static constexpr std::uint32_t kNone = ~std::uint32_t{0};
    /// The list operations of wide sets, out of line so the packed path inlined into the hot loops
    /// stays as small as it was.
    [[gnu::noinline]] void moveToHead(std::uint32_t set, std::uint32_t way);
    [[gnu::noinline]] void moveToTail(std::uint32_t set, std::uint32_t way);
    void unlink(std::uint32_t set, std::uint32_t way);
    std::size_t index(std::uint32_t set, std::uint32_t way) const { return std::size_t{set} * ways_ + way; }

    std::uint32_t ways_;
    std::uint32_t sets_;
    bool packed_;                      // ways <= 16: order_ is used, else the lists
    std::vector<std::uint64_t> order_;  // per set, packed permutation (packed_)
    // !packed_: per set the ways from rank 0 to rank ways-1 as a doubly linked list.
    std::vector<std::uint32_t> head_, tail_;  // per set: the way of rank 0 / rank ways-1
    std::vector<std::uint32_t> prev_, next_;  // per (set, way): the way one rank lower / higher, or kNone
};

}  // namespace cachescope
