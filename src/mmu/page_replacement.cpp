// Page replacers (docs/mmu.md, "Frames and page replacement"). The MMU calls onAccess on every memory
// access, so each replacer keeps its state in flat arrays indexed by frame and does O(1) work per
// access (OPT: O(log frames)); clone() is then a plain member-wise copy.
//
//   fifo   intrusive doubly-linked list of loaded frames, oldest load at the front; access: nothing
//   lru    the same list, least recently accessed at the front; access: move the frame to the back
//   clock  one reference bit per frame and a hand; access: set the bit; victim: the sweep
//   opt    indexed binary max-heap of loaded frames keyed by (nextUse, lower frame first)
//
// Worked example (lru, 3 frames, pages A B C loaded into frames 0 1 2, then A accessed):
//   list front→back: 0 1 2  →  access frame 0  →  1 2 0   so victim() = frame 1 (page B).

#include "cachescope/mmu/page_replacement.hpp"

#include <algorithm>
#include <cassert>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cachescope/core/error.hpp"

namespace cachescope {
namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

/// Doubly-linked list over frame indices 0..frames-1, circular through a sentinel node at index
/// `frames`. A frame not in the list has next == kNone.
class FrameList {
public:
    explicit FrameList(std::uint32_t frames)
        : prev_(std::size_t{frames} + 1, kNone), next_(std::size_t{frames} + 1, kNone), sentinel_(frames) {
        prev_[sentinel_] = sentinel_;
        next_[sentinel_] = sentinel_;
    }

    bool contains(std::uint32_t f) const { return next_[f] != kNone; }
    bool empty() const { return next_[sentinel_] == sentinel_; }
    std::uint32_t front() const {
        assert(!empty());
        return next_[sentinel_];
    }

    void pushBack(std::uint32_t f) {
        assert(f < sentinel_ && !contains(f));
        const std::uint32_t last = prev_[sentinel_];
        next_[last] = f;
        prev_[f] = last;
        next_[f] = sentinel_;
        prev_[sentinel_] = f;
    }
    void remove(std::uint32_t f) {
        assert(f < sentinel_ && contains(f));
        next_[prev_[f]] = next_[f];
        prev_[next_[f]] = prev_[f];
        prev_[f] = kNone;
        next_[f] = kNone;
    }
    void moveToBack(std::uint32_t f) {
        if (prev_[sentinel_] == f) return;  // already the newest (e.g. onAccess right after onLoad)
        remove(f);
        pushBack(f);
    }

    std::uint64_t heapBytes() const { return (prev_.capacity() + next_.capacity()) * sizeof(std::uint32_t); }

private:
    std::vector<std::uint32_t> prev_;
    std::vector<std::uint32_t> next_;
    std::uint32_t sentinel_;
};

class FifoReplacer final : public PageReplacer {
public:
    explicit FifoReplacer(std::uint32_t frames) : list_(frames) {}
    void onLoad(std::uint32_t frame, std::uint64_t /*nextUse*/) override { list_.pushBack(frame); }
    void onAccess(std::uint32_t frame, std::uint64_t /*nextUse*/) override {
        assert(list_.contains(frame));
        (void)frame;
    }
    void onFree(std::uint32_t frame) override { list_.remove(frame); }
    std::uint32_t victim() override { return list_.front(); }
    std::unique_ptr<PageReplacer> clone() const override { return std::make_unique<FifoReplacer>(*this); }
    std::uint64_t stateBytes() const override { return sizeof(*this) + list_.heapBytes(); }

private:
    FrameList list_;  // front = loaded longest ago
};

class LruReplacer final : public PageReplacer {
public:
    explicit LruReplacer(std::uint32_t frames) : list_(frames) {}
    void onLoad(std::uint32_t frame, std::uint64_t /*nextUse*/) override { list_.pushBack(frame); }
    void onAccess(std::uint32_t frame, std::uint64_t /*nextUse*/) override { list_.moveToBack(frame); }
    void onFree(std::uint32_t frame) override { list_.remove(frame); }
    std::uint32_t victim() override { return list_.front(); }
    std::unique_ptr<PageReplacer> clone() const override { return std::make_unique<LruReplacer>(*this); }
    std::uint64_t stateBytes() const override { return sizeof(*this) + list_.heapBytes(); }

private:
    FrameList list_;  // front = accessed longest ago
};

class ClockReplacer final : public PageReplacer {
public:
    explicit ClockReplacer(std::uint32_t frames) : referenced_(frames, 0) {}
    void onLoad(std::uint32_t frame, std::uint64_t /*nextUse*/) override { referenced_[frame] = 1; }
    void onAccess(std::uint32_t frame, std::uint64_t /*nextUse*/) override { referenced_[frame] = 1; }
    void onFree(std::uint32_t frame) override { referenced_[frame] = 0; }
    /// At most one full turn: every bit the hand passes is cleared, so it stops by the second visit.
    std::uint32_t victim() override {
        while (referenced_[hand_] != 0) {
            referenced_[hand_] = 0;
            advance();
        }
        const std::uint32_t chosen = hand_;
        advance();
        return chosen;
    }
    std::unique_ptr<PageReplacer> clone() const override { return std::make_unique<ClockReplacer>(*this); }
    std::uint64_t stateBytes() const override { return sizeof(*this) + referenced_.capacity(); }

private:
    void advance() { hand_ = hand_ + 1 == referenced_.size() ? 0 : hand_ + 1; }

    std::vector<std::uint8_t> referenced_;  // one reference bit per frame (a byte: no bit fiddling on the hot path)
    std::uint32_t hand_ = 0;
};

/// Belady's OPT: an indexed binary heap of the loaded frames whose top is the frame with the largest
/// nextUse (kNever is the largest), the lowest frame among equals. pos_[f] is f's index in heap_.
class OptReplacer final : public PageReplacer {
public:
    explicit OptReplacer(std::uint32_t frames) : nextUse_(frames, kNever), pos_(frames, kNone) {
        heap_.reserve(frames);
    }
    void onLoad(std::uint32_t frame, std::uint64_t nextUse) override {
        assert(pos_[frame] == kNone);
        nextUse_[frame] = nextUse;
        heap_.push_back(frame);
        pos_[frame] = static_cast<std::uint32_t>(heap_.size() - 1);
        siftUp(heap_.size() - 1);
    }
    void onAccess(std::uint32_t frame, std::uint64_t nextUse) override {
        assert(pos_[frame] != kNone);
        nextUse_[frame] = nextUse;
        siftUp(pos_[frame]);
        siftDown(pos_[frame]);
    }
    void onFree(std::uint32_t frame) override {
        assert(pos_[frame] != kNone);
        const std::size_t i = pos_[frame];
        const std::uint32_t last = heap_.back();
        heap_.pop_back();
        pos_[frame] = kNone;
        if (i < heap_.size()) {
            heap_[i] = last;
            pos_[last] = static_cast<std::uint32_t>(i);
            siftUp(i);
            siftDown(pos_[last]);
        }
    }
    std::uint32_t victim() override {
        assert(!heap_.empty());
        return heap_.front();
    }
    std::unique_ptr<PageReplacer> clone() const override { return std::make_unique<OptReplacer>(*this); }
    std::uint64_t stateBytes() const override {
        return sizeof(*this) + nextUse_.capacity() * 8 + (pos_.capacity() + heap_.capacity()) * 4;
    }

private:
    /// True when frame a must be evicted before frame b.
    bool before(std::uint32_t a, std::uint32_t b) const {
        return nextUse_[a] != nextUse_[b] ? nextUse_[a] > nextUse_[b] : a < b;
    }
    void swapAt(std::size_t i, std::size_t j) {
        std::swap(heap_[i], heap_[j]);
        pos_[heap_[i]] = static_cast<std::uint32_t>(i);
        pos_[heap_[j]] = static_cast<std::uint32_t>(j);
    }
    void siftUp(std::size_t i) {
        while (i > 0) {
            const std::size_t parent = (i - 1) / 2;
            if (!before(heap_[i], heap_[parent])) return;
            swapAt(i, parent);
            i = parent;
        }
    }
    void siftDown(std::size_t i) {
        for (;;) {
            std::size_t best = i;
            const std::size_t left = 2 * i + 1;
            const std::size_t right = left + 1;
            if (left < heap_.size() && before(heap_[left], heap_[best])) best = left;
            if (right < heap_.size() && before(heap_[right], heap_[best])) best = right;
            if (best == i) return;
            swapAt(i, best);
            i = best;
        }
    }

    std::vector<std::uint64_t> nextUse_;  // per frame
    std::vector<std::uint32_t> pos_;      // per frame: index in heap_, kNone when not loaded
    std::vector<std::uint32_t> heap_;     // loaded frames, heap-ordered by before()
};

}  // namespace

std::unique_ptr<PageReplacer> makePageReplacer(PageReplacementKind kind, std::uint32_t frames) {
    if (frames == 0 || frames == kNone) {
        throw ConfigError("page replacement: the number of frames must be between 1 and " + std::to_string(kNone - 1) +
                          ", got " + std::to_string(frames));
    }
    switch (kind) {
        case PageReplacementKind::Fifo:
            return std::make_unique<FifoReplacer>(frames);
        case PageReplacementKind::Lru:
            return std::make_unique<LruReplacer>(frames);
        case PageReplacementKind::Clock:
            return std::make_unique<ClockReplacer>(frames);
        case PageReplacementKind::Opt:
            return std::make_unique<OptReplacer>(frames);
    }
    assert(false && "unknown PageReplacementKind");
    return nullptr;
}

std::uint64_t countPageFaults(PageReplacementKind kind, std::uint32_t frames, std::span<const std::uint64_t> pages) {
    if (frames == 0) {
        throw ConfigError("page replacement: the number of frames must be at least 1, got 0");
    }
    // With at least as many frames as accesses nothing is ever replaced, so extra frames change
    // nothing: do not allocate state for them.
    const std::uint32_t usable =
        pages.size() < frames ? static_cast<std::uint32_t>(std::max<std::size_t>(pages.size(), 1)) : frames;
    auto replacer = makePageReplacer(kind, usable);

    // OPT: nextUse[i] = position of the next access to pages[i] after i (backward pass).
    std::vector<std::uint64_t> nextUse;
    if (kind == PageReplacementKind::Opt) {
        nextUse.assign(pages.size(), PageReplacer::kNever);
        std::unordered_map<std::uint64_t, std::uint64_t> following;  // page -> its next position
        for (std::size_t i = pages.size(); i-- > 0;) {
            auto [it, inserted] = following.try_emplace(pages[i], i);
            if (!inserted) {
                nextUse[i] = it->second;
                it->second = i;
            }
        }
    }

    std::unordered_map<std::uint64_t, std::uint32_t> frameOf;  // resident page -> frame
    std::vector<std::uint64_t> pageOf(usable);                 // frame -> resident page
    std::uint32_t filled = 0;                                  // frames 0..filled-1 are in use
    std::uint64_t faults = 0;
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const std::uint64_t page = pages[i];
        const std::uint64_t next = nextUse.empty() ? PageReplacer::kNever : nextUse[i];
        std::uint32_t frame = 0;
        if (auto it = frameOf.find(page); it != frameOf.end()) {
            frame = it->second;
        } else {
            ++faults;
            if (filled < usable) {
                frame = filled++;
            } else {
                frame = replacer->victim();
                frameOf.erase(pageOf[frame]);
                replacer->onFree(frame);
            }
            pageOf[frame] = page;
            frameOf.emplace(page, frame);
            replacer->onLoad(frame, next);
        }
        replacer->onAccess(frame, next);
    }
    return faults;
}

}  // namespace cachescope
