#pragma once
// Naive reference allocators for the tests, written apart from src/alloc: one flat vector of every
// block (free and live) in address order, linear scans for every decision, and coalescing by
// re-merging the whole vector after each free. Slow and obviously right; the fast allocators must
// give the same address for every allocation.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cachescope::testing {

struct RefBlock {
    std::uint64_t addr, size;
    bool free;
};

/// policy: "first-fit", "next-fit", "best-fit" or "worst-fit". Same rules as docs/alloc.md.
class RefFitAllocator {
public:
    RefFitAllocator(std::string policy, std::uint64_t capacity) : policy_(std::move(policy)), capacity_(capacity) {}

    std::optional<std::uint64_t> allocate(std::uint64_t request, std::uint64_t align) {
        const std::uint64_t size = request == 0 ? 16 : (request + 15) / 16 * 16;
        if (align < 16) align = 16;
        auto up = [&](std::uint64_t a) { return (a + align - 1) / align * align; };
        auto fits = [&](const RefBlock& b) { return b.free && up(b.addr) + size <= b.addr + b.size; };
        std::optional<std::size_t> pick;
        steps_ = 0;  // first/next fit: free blocks looked at, in the order of the walk
        if (policy_ == "first-fit") {
            for (std::size_t i = 0; i < blocks_.size() && !pick; ++i) {
                if (blocks_[i].free) ++steps_;
                if (fits(blocks_[i])) pick = i;
            }
        } else if (policy_ == "next-fit") {
            for (std::size_t i = 0; i < blocks_.size() && !pick; ++i) {
                if (blocks_[i].addr < rover_) continue;
                if (blocks_[i].free) ++steps_;
                if (fits(blocks_[i])) pick = i;
            }
            for (std::size_t i = 0; i < blocks_.size() && !pick; ++i) {
                if (blocks_[i].addr >= rover_) continue;
                if (blocks_[i].free) ++steps_;
                if (fits(blocks_[i])) pick = i;
            }
        } else {
            const bool best = policy_ == "best-fit";
            for (std::size_t i = 0; i < blocks_.size(); ++i) {
                if (!fits(blocks_[i])) continue;
                if (!pick || (best ? blocks_[i].size < blocks_[*pick].size : blocks_[i].size > blocks_[*pick].size))
                    pick = i;
            }
        }
        std::uint64_t start;
        if (pick) {
            start = up(blocks_[*pick].addr);
            carve(*pick, start, size);
        } else {
            // Grow: use a free block touching the top, else start at the top.
            std::uint64_t top = blocks_.empty() ? 0 : blocks_.back().addr + blocks_.back().size;
            std::uint64_t from = top;
            if (!blocks_.empty() && blocks_.back().free) from = blocks_.back().addr;
            start = up(from);
            if (start + size > capacity_) return std::nullopt;
            if (!blocks_.empty() && blocks_.back().free) {
                blocks_.back().size = start + size - blocks_.back().addr;
            } else {
                blocks_.push_back({top, start + size - top, true});
            }
            carve(blocks_.size() - 1, start, size);
        }
        rover_ = start + size;
        return start;
    }

    void release(std::uint64_t addr) {
        for (auto& b : blocks_)
            if (b.addr == addr && !b.free) b.free = true;
        std::vector<RefBlock> merged;
        for (const auto& b : blocks_) {
            if (!merged.empty() && merged.back().free && b.free)
                merged.back().size += b.size;
            else
                merged.push_back(b);
        }
        blocks_ = merged;
    }

    const std::vector<RefBlock>& blocks() const { return blocks_; }
    /// First/next fit: the free blocks the last allocate() looked at.
    std::uint64_t steps() const { return steps_; }

private:
    void carve(std::size_t i, std::uint64_t start, std::uint64_t size) {
        const RefBlock b = blocks_[i];
        std::vector<RefBlock> parts;
        if (start > b.addr) parts.push_back({b.addr, start - b.addr, true});
        parts.push_back({start, size, false});
        if (b.addr + b.size > start + size) parts.push_back({start + size, b.addr + b.size - start - size, true});
        blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(i));
        blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(i), parts.begin(), parts.end());
    }

    std::string policy_;
    std::uint64_t capacity_;
    std::uint64_t rover_ = 0;
    std::uint64_t steps_ = 0;
    std::vector<RefBlock> blocks_;
};

/// A buddy system kept as a flat list of blocks (address, size, free); buddies are found by
/// searching the list and merged until no two free buddies remain.
class RefBuddyAllocator {
public:
    explicit RefBuddyAllocator(std::uint64_t capacity) : capacity_(capacity) {}

    std::optional<std::uint64_t> allocate(std::uint64_t request, std::uint64_t align) {
        std::uint64_t want = 16;
        while (want < request || want < align) want *= 2;
        const RefBuddyAllocator saved = *this;  // a failed allocation changes nothing
        for (;;) {
            std::optional<std::size_t> pick;
            for (std::size_t i = 0; i < blocks_.size(); ++i) {
                const auto& b = blocks_[i];
                if (!b.free || b.size < want) continue;
                if (!pick || b.size < blocks_[*pick].size ||
                    (b.size == blocks_[*pick].size && b.addr < blocks_[*pick].addr))
                    pick = i;
            }
            if (pick) {
                RefBlock b = blocks_[*pick];
                blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(*pick));
                while (b.size > want) {
                    b.size /= 2;
                    blocks_.push_back({b.addr + b.size, b.size, true});
                }
                blocks_.push_back({b.addr, b.size, false});
                return b.addr;
            }
            // Create the arena or double it, one step at a time, within the capacity.
            const std::uint64_t next = arena_ == 0 ? want : arena_ * 2;
            if (next > capacity_) {
                *this = saved;
                return std::nullopt;
            }
            blocks_.push_back({arena_ == 0 ? 0 : arena_, arena_ == 0 ? want : arena_, true});
            arena_ = next;
            mergeAll();
        }
    }

    void release(std::uint64_t addr) {
        for (auto& b : blocks_)
            if (b.addr == addr && !b.free) b.free = true;
        mergeAll();
    }

    std::uint64_t arena() const { return arena_; }

private:
    void mergeAll() {
        bool again = true;
        while (again) {
            again = false;
            for (std::size_t i = 0; i < blocks_.size() && !again; ++i)
                for (std::size_t j = 0; j < blocks_.size() && !again; ++j) {
                    const RefBlock a = blocks_[i];
                    const RefBlock b = blocks_[j];
                    if (a.free && b.free && a.size == b.size && a.size < arena_ && a.addr % (2 * a.size) == 0 &&
                        b.addr == a.addr + a.size) {
                        blocks_[i].size *= 2;
                        blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(j));
                        again = true;
                    }
                }
        }
    }

    std::uint64_t capacity_;
    std::uint64_t arena_ = 0;
    std::vector<RefBlock> blocks_;
};

}  // namespace cachescope::testing
