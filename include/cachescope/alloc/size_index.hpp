#pragma once
// Free blocks ordered by (size, address): the index best fit, worst fit and the caching pool search
// ("the smallest block that holds the request, ties at the lowest address"). Segregated size
// classes with a bitmap of the non-empty ones, as TLSF (Masmano et al., 2004) and dlmalloc's bins
// do, but exact: a block's class is its size's power of two split in 8 (sizes 1024..1151 are one
// class, 1152..1279 the next, ...; below 8 one class per size), each class keeps its blocks sorted
// by (size, address) in a small vector, and a word per 64 classes says which are non-empty. A
// lookup is the class of the size, a search of that class's few blocks, and, if none is large
// enough, the first set bit above it: a handful of predictable instructions, no tree descent. The
// order and every answer are those of a sorted set of (size, address); only the cost changed.
// One class can hold many blocks when many free blocks have nearly the same size; inserting
// there moves the class's later entries (a memmove), still no allocation per block once the
// class's vector has grown. Copying the index is copying its vectors (allocators are values).
//
//   SizeIndex idx;
//   idx.insert(300, 0x1000); idx.insert(100, 0x9000); idx.insert(300, 0x400);
//   idx.lowerBound({200, 0})   // {300, 0x400}: the smallest block of at least 200 bytes
//   idx.after({300, 0x400})    // {300, 0x1000}
//   idx.max()                  // {300, 0x1000}; idx.before({300, 0}) is {100, 0x9000}

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

namespace cachescope::alloc {

class SizeIndex {
public:
    struct Key {
        std::uint64_t size = 0;  // 0 = none
        std::uint64_t address = 0;
        explicit operator bool() const { return size != 0; }
        friend bool operator<(const Key& a, const Key& b) {
            return a.size != b.size ? a.size < b.size : a.address < b.address;
        }
    };

    /// Classes: sizes 0..7 one each, then 8 per power of two up to 2^63 (monotonic in the size).
    static constexpr unsigned kClasses = 8 * 62;
    static constexpr unsigned classOf(std::uint64_t size) {
        if (size < 8) return static_cast<unsigned>(size);
        const unsigned e = 63u - static_cast<unsigned>(__builtin_clzll(size));  // >= 3
        return 8 * (e - 2) + static_cast<unsigned>((size >> (e - 3)) & 7);
    }

    std::size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }

    void insert(std::uint64_t size, std::uint64_t address);  // size > 0; not already there
    void erase(std::uint64_t size, std::uint64_t address);   // one that is there

    /// The least key >= k, or none.
    Key lowerBound(Key k) const;
    /// The least key > k, or none.
    Key after(Key k) const;
    /// The greatest key < k, or none.
    Key before(Key k) const;
    Key max() const;

    /// Ascending from the least key >= k: the first key for which f(key) holds (f is called on
    /// every key before it, in order), or none. The same walk as lowerBound then after(), without
    /// searching again at each step.
    template <class F>
    Key firstFrom(Key k, F&& f) const {
        unsigned c = classOf(k.size);
        const Key* it = std::lower_bound(classes_[c].data(), classes_[c].data() + classes_[c].size(), k);
        const Key* end = classes_[c].data() + classes_[c].size();
        for (;;) {
            for (; it != end; ++it)
                if (f(*it)) return *it;
            c = nextClass(c + 1);
            if (c == kClasses) return {};
            it = classes_[c].data();
            end = it + classes_[c].size();
        }
    }
    /// Sizes from the largest down to minSize, and within one size addresses ascending: the first
    /// key for which f(key) holds (f is called on every key before it, in that order), or none.
    template <class F>
    Key largestFirst(std::uint64_t minSize, F&& f) const {
        for (unsigned c = prevClass(kClasses); c != kClasses; c = prevClass(c)) {
            const Key* const begin = classes_[c].data();
            const Key* end = begin + classes_[c].size();
            while (end != begin) {
                const std::uint64_t len = (end - 1)->size;
                if (len < minSize) return {};
                const Key* group = end - 1;  // the first key of this size
                while (group != begin && (group - 1)->size == len) --group;
                for (const Key* k = group; k != end; ++k)
                    if (f(*k)) return *k;
                end = group;
            }
        }
        return {};
    }

    /// Every entry as (size, address), ascending (a copy; for tests and front ends).
    std::set<std::pair<std::uint64_t, std::uint64_t>> sorted() const {
        std::set<std::pair<std::uint64_t, std::uint64_t>> s;
        for (const std::vector<Key>& c : classes_)
            for (const Key& k : c) s.emplace(k.size, k.address);
        return s;
    }

private:
    static constexpr unsigned kWords = (kClasses + 63) / 64;
    /// The lowest non-empty class >= c, or kClasses.
    unsigned nextClass(unsigned c) const;
    /// The highest non-empty class < c, or kClasses.
    unsigned prevClass(unsigned c) const;

    std::vector<std::vector<Key>> classes_ = std::vector<std::vector<Key>>(kClasses);
    std::array<std::uint64_t, kWords> nonEmpty_{};  // bit c: classes_[c] has a block
    std::uint64_t summary_ = 0;                      // bit w: nonEmpty_[w] != 0
    static_assert(kWords <= 64);
    std::size_t count_ = 0;
};

}  // namespace cachescope::alloc
