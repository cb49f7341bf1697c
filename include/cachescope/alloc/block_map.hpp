#pragma once
// Live blocks of a simulated heap: address -> value (a block size or an order), in one flat
// open-addressing table (linear probing, deletion by backward shift) instead of a node per entry,
// so allocating and freeing a simulated block costs no real allocation. Copying it is one vector
// copy (allocators are values).

#include <cassert>
#include <cstdint>
#include <map>
#include <vector>

namespace cachescope::alloc {

class BlockMap {
public:
    std::size_t size() const { return size_; }

    void insert(std::uint64_t address, std::uint64_t value) {
        if ((size_ + 1) * 2 > slots_.size()) grow();  // at most half full: short probe runs
        std::size_t i = slot(address);
        while (slots_[i].used) i = (i + 1) & mask_;
        slots_[i] = {address, value, true};
        ++size_;
    }
    /// The value of `address`, which must be there.
    std::uint64_t at(std::uint64_t address) const { return slots_[find(address)].value; }
    /// The value of `address`, which must be there, to change in place.
    std::uint64_t& at(std::uint64_t address) { return slots_[find(address)].value; }
    /// The value of `address`, or nullptr when it is not there (valid until the next change).
    const std::uint64_t* get(std::uint64_t address) const {
        if (slots_.empty()) return nullptr;
        for (std::size_t i = slot(address); slots_[i].used; i = (i + 1) & mask_)
            if (slots_[i].key == address) return &slots_[i].value;
        return nullptr;
    }
    bool contains(std::uint64_t address) const {
        if (slots_.empty()) return false;
        for (std::size_t i = slot(address); slots_[i].used; i = (i + 1) & mask_)
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
        for (std::size_t i = slot(address); slots_[i].used; i = (i + 1) & mask_)
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
            if (s.used) m.emplace(s.key, s.value);
        return m;
    }

private:
    struct Slot {
        std::uint64_t key = 0, value = 0;
        bool used = false;
    };

    std::size_t slot(std::uint64_t address) const {
        return static_cast<std::size_t>(((address >> 4) * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
    }
    std::size_t find(std::uint64_t address) const {
        for (std::size_t i = slot(address);; i = (i + 1) & mask_) {
            assert(slots_[i].used);  // the end of the probe run: `address` is not there
            if (slots_[i].key == address) return i;
        }
    }
    void removeAt(std::size_t i) {
        // Backward-shift deletion: pull later entries of the probe run into the hole.
        for (std::size_t j = (i + 1) & mask_; slots_[j].used; j = (j + 1) & mask_) {
            const std::size_t home = slot(slots_[j].key);
            if (((j - home) & mask_) >= ((j - i) & mask_)) {
                slots_[i] = slots_[j];
                i = j;
            }
        }
        slots_[i].used = false;
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
            if (s.used) insert(s.key, s.value);
    }

    std::vector<Slot> slots_;
    std::size_t mask_ = 0, size_ = 0;
    unsigned shift_ = 64;
};

}  // namespace cachescope::alloc
