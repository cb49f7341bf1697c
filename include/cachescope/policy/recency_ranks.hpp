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
// Storage: one signed 64-bit stamp per (set, way), set-major. Making a way most recent gives it a
// stamp above every other (a counter that only grows); making it least recent gives it a stamp
// below every other (a counter that only shrinks). A way's rank is the number of ways in its set
// with a larger stamp, so the stamps encode exactly the rank permutation above, while a hit costs
// one store instead of a pass over the set. Stamps differ between equal histories only by a
// monotone relabelling, so operator== compares the rank permutations, not the stamps.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cachescope {

class RecencyRanks {
public:
    RecencyRanks(std::uint32_t sets, std::uint32_t ways);

    void makeMostRecent(std::uint32_t set, std::uint32_t way) { stamp_[index(set, way)] = ++newest_; }
    void makeLeastRecent(std::uint32_t set, std::uint32_t way) { stamp_[index(set, way)] = --oldest_; }

    /// Rank of a way (0 = most recent).
    std::uint32_t rank(std::uint32_t set, std::uint32_t way) const;
    /// The way holding rank r in the set.
    std::uint32_t wayOfRank(std::uint32_t set, std::uint32_t r) const;
    /// The way of rank ways-1 / rank 0 (one pass over the set).
    std::uint32_t leastRecent(std::uint32_t set) const;
    std::uint32_t mostRecent(std::uint32_t set) const;
    std::uint32_t ways() const { return ways_; }

    /// "<label> ways: 3 0 1 2", ways listed from rank 0 to rank ways-1.
    std::string describe(std::uint32_t set, const std::string& label) const;

    /// Same rank permutation in every set.
    bool operator==(const RecencyRanks& other) const;

private:
    std::size_t index(std::uint32_t set, std::uint32_t way) const { return std::size_t{set} * ways_ + way; }
    std::uint32_t ways_;
    std::uint32_t sets_;
    std::vector<std::int64_t> stamp_;  // sets*ways
    std::int64_t newest_ = 0;          // the largest stamp handed out
    std::int64_t oldest_ = 0;          // the smallest stamp handed out
};

}  // namespace cachescope
