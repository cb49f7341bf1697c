#pragma once
// FlatMap: a hash map from 64-bit keys to small values, stored in one flat array. The MMU keeps its
// sparse state in it (resident pages, page tables, the frame <-> slot numbering of page replacement,
// the moved entries of random frame allocation), because the whole simulator is copied for every
// snapshot: a node-based std::unordered_map with 100,000 entries makes 100,000 allocations per copy,
// a FlatMap one allocation and one pass over a contiguous array.
//
// Open addressing with linear probing in a power-of-two table kept at most half full; an empty slot
// holds the key kEmptyKey (~0), which callers never use as a key (page keys, frame numbers, table
// prefixes and positions all stay below it). Erasing shifts the following entries of the probe run
// back (no tombstones), so a map's layout depends only on the operations done on it: copies and
// equal histories give equal layouts, and iteration order is deterministic.
//
// Example (capacity 8, hash h(k) = slot): insert 5 (h=3), 9 (h=3), 2 (h=4):
//   slots [_ _ _ 5 9 2 _ _]  (9 probed on to 4, 2 to 5); erase 5: 9 moves back to 3, 2 to 4.

#include <cassert>
#include <cstdint>
#include <utility>
#include <vector>

namespace cachescope {

template <class V>
class FlatMap {
public:
    static constexpr std::uint64_t kEmptyKey = ~std::uint64_t{0};
    struct Entry {
        std::uint64_t key = kEmptyKey;
        V value{};
    };

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    /// Bytes of the table (what a copy allocates).
    std::uint64_t bytes() const { return slots_.size() * sizeof(Entry); }

    const V* find(std::uint64_t key) const {
        if (slots_.empty()) return nullptr;
        for (std::size_t i = home(key);; i = (i + 1) & mask_) {
            if (slots_[i].key == key) return &slots_[i].value;
            if (slots_[i].key == kEmptyKey) return nullptr;
        }
    }
    V* find(std::uint64_t key) { return const_cast<V*>(std::as_const(*this).find(key)); }
    bool contains(std::uint64_t key) const { return find(key) != nullptr; }

    /// Inserts (key, value) unless the key is present. Returns the value stored and whether it was
    /// inserted.
    std::pair<V*, bool> tryEmplace(std::uint64_t key, const V& value) {
        assert(key != kEmptyKey);
        if (2 * (size_ + 1) > slots_.size()) grow();
        std::size_t i = home(key);
        for (; slots_[i].key != kEmptyKey; i = (i + 1) & mask_)
            if (slots_[i].key == key) return {&slots_[i].value, false};
        slots_[i] = Entry{key, value};
        ++size_;
        return {&slots_[i].value, true};
    }
    /// Sets key's value, inserting it if absent.
    void assign(std::uint64_t key, const V& value) { *tryEmplace(key, value).first = value; }

    /// Removes the key; returns whether it was present.
    bool erase(std::uint64_t key) {
        if (slots_.empty()) return false;
        std::size_t i = home(key);
        for (; slots_[i].key != key; i = (i + 1) & mask_)
            if (slots_[i].key == kEmptyKey) return false;
        // Backward shift: walk the rest of the run; an entry whose home is not cyclically in
        // (hole, j] may move into the hole.
        std::size_t hole = i;
        for (std::size_t j = (i + 1) & mask_; slots_[j].key != kEmptyKey; j = (j + 1) & mask_) {
            const std::size_t h = home(slots_[j].key);
            const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!stays) {
                slots_[hole] = slots_[j];
                hole = j;
            }
        }
        slots_[hole] = Entry{};
        --size_;
        return true;
    }

    /// Calls f(key, value) for every entry, in table order (deterministic, not sorted).
    template <class F>
    void forEach(F&& f) const {
        for (const Entry& e : slots_)
            if (e.key != kEmptyKey) f(e.key, e.value);
    }

    /// Same keys with equal values (whatever the layouts).
    friend bool operator==(const FlatMap& a, const FlatMap& b) {
        if (a.size_ != b.size_) return false;
        for (const Entry& e : a.slots_) {
            if (e.key == kEmptyKey) continue;
            const V* v = b.find(e.key);
            if (v == nullptr || !(*v == e.value)) return false;
        }
        return true;
    }

private:
    /// Fibonacci hashing: the top bits of key * 2^64/phi, so consecutive page numbers spread out.
    std::size_t home(std::uint64_t key) const {
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
    }
    void grow() {
        std::vector<Entry> old = std::move(slots_);
        const std::size_t capacity = old.empty() ? 8 : old.size() * 2;
        slots_.assign(capacity, Entry{});
        mask_ = capacity - 1;
        shift_ = 64;
        for (std::size_t c = capacity; c > 1; c >>= 1) --shift_;
        for (const Entry& e : old) {
            if (e.key == kEmptyKey) continue;
            std::size_t i = home(e.key);
            while (slots_[i].key != kEmptyKey) i = (i + 1) & mask_;
            slots_[i] = e;
        }
    }

    std::vector<Entry> slots_;
    std::size_t size_ = 0;
    std::size_t mask_ = 0;
    unsigned shift_ = 64;
};

}  // namespace cachescope
