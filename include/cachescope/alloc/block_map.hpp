#pragma once
// Live blocks of a simulated heap: address -> value (a block size or an order), in one flat
// open-addressing table (linear probing, deletion by backward shift) instead of a node per entry,
// so allocating and freeing a simulated block costs no real allocation. Copying it is one vector
// copy (allocators are values). A slot is a key and a value, 16 bytes; an empty one holds the key
// kEmpty (an odd address, which no block ever has: blocks are at least 2-byte aligned). The table
// is kept at most a quarter full (64 bytes an entry): a lookup then nearly always ends at its
// first or second slot, so the probe loop's exit is predictable (at half full its mispredictions
// were a third of best fit's; an eighth full gained another few per cent, not worth the memory).

#include <cassert>
#include <cstdint>
#include <map>
#include <vector>

namespace cachescope::alloc {

class BlockMap {
public:
    std::size_t size() const { return size_; }

    void insert(std::uint64_t address, std::uint64_t value) {
        assert(address != kEmpty);
        if ((size_ + 1) * kSparse > slots_.size()) grow();
        std::size_t i = slot(address);
        while (slots_[i].key != kEmpty) i = (i + 1) & mask_;
        slots_[i] = {address, value};
        ++size_;
    }
    /// The value of `address`, which must be there.
    std::uint64_t at(std::uint64_t address) const { return slots_[find(address)].value; }
    /// The value of `address`, which must be there, to change in place.
    std::uint64_t& at(std::uint64_t address) { return slots_[find(address)].value; }
    /// The value of `address`, or nullptr when it is not there (valid until the next change).
    const std::uint64_t* get(std::uint64_t address) const {
        if (slots_.empty()) return nullptr;
        for (std::size_t i = slot(address); slots_[i].key != kEmpty; i = (i + 1) & mask_)
            if (slots_[i].key == address) return &slots_[i].value;
        return nullptr;
    }
    bool contains(std::uint64_t address) const {
        if (slots_.empty()) return false;
        for (std::size_t i = slot(address); slots_[i].key != kEmpty; i = (i + 1) & mask_)
            if (slots_[i].key == address) return true;
        return false;
    }
    /// Removes `address`, which must be there, and returns its value.
    std::uint64_t take(std::uint64_t address) {
        const std::size_t i = find(address);
        const std::uint64_t value = slots_[i].value;
        removeAt(i);
        return value;
    }
    /// Removes `address` if it is there (its value into `value`); false if it was not.
    bool takeIf(std::uint64_t address, std::uint64_t& value) {
        if (slots_.empty()) return false;
        for (std::size_t i = slot(address); slots_[i].key != kEmpty; i = (i + 1) & mask_)
            if (slots_[i].key == address) {
                value = slots_[i].value;
                removeAt(i);
                return true;
            }
        return false;
    }
    /// Every entry, ordered by address (a copy; for tests and front ends).
    std::map<std::uint64_t, std::uint64_t> sorted() const {
        std::map<std::uint64_t, std::uint64_t> m;
        for (const Slot& s : slots_)
            if (s.key != kEmpty) m.emplace(s.key, s.value);
        return m;
    }

private:
    static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
    static constexpr std::size_t kSparse = 4;  // slots per entry, at least
    struct Slot {
        std::uint64_t key = kEmpty, value = 0;
    };

    std::size_t slot(std::uint64_t address) const {
        return static_cast<std::size_t>(((address >> 4) * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
    }
    std::size_t find(std::uint64_t address) const {
        for (std::size_t i = slot(address);; i = (i + 1) & mask_) {
            assert(slots_[i].key != kEmpty);  // the end of the probe run: `address` is not there
            if (slots_[i].key == address) return i;
        }
    }
    void removeAt(std::size_t i) {
        // Backward-shift deletion: pull later entries of the probe run into the hole.
        for (std::size_t j = (i + 1) & mask_; slots_[j].key != kEmpty; j = (j + 1) & mask_) {
            const std::size_t home = slot(slots_[j].key);
            if (((j - home) & mask_) >= ((j - i) & mask_)) {
                slots_[i] = slots_[j];
                i = j;
            }
        }
        slots_[i].key = kEmpty;
        --size_;
    }
    void grow() {
        std::vector<Slot> old = std::move(slots_);
        const std::size_t n = old.empty() ? 64 : old.size() * 2;
        slots_.assign(n, Slot{});
        mask_ = n - 1;
        shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(n));
        size_ = 0;
        for (const Slot& s : old)
            if (s.key != kEmpty) insert(s.key, s.value);
    }

    std::vector<Slot> slots_;
    std::size_t mask_ = 0, size_ = 0;
    unsigned shift_ = 64;
};

}  // namespace cachescope::alloc
