// Page replacers (docs/mmu.md, "Frames and page replacement"). The MMU calls accessSlot on every
// memory access, so each replacer keeps its per-page state in flat arrays indexed by slot (see
// page_replacement.hpp) and does O(1) work per access (OPT: O(log frames)); clone() is then a plain
// member-wise copy whose size follows the frames in use.
//
//   fifo   intrusive doubly-linked list of loaded slots, oldest load at the front; access: nothing
//   lru    the same list, least recently accessed at the front; access: move the slot to the back
//   clock  one reference bit per slot and a hand (a frame number); access: set the bit; victim: the sweep
//   opt    indexed binary max-heap of loaded slots keyed by (nextUse, lower frame first)
//
// Worked example (lru, 3 frames, pages A B C loaded into frames 0 1 2, then A accessed):
//   list front→back: 0 1 2  →  access frame 0  →  1 2 0   so victim() = frame 1 (page B).

#include "cachescope/mmu/page_replacement.hpp"

#include <algorithm>
#include <cassert>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cachescope/core/error.hpp"

namespace cachescope {

namespace {
template <class T>
std::uint64_t vectorBytes(const std::vector<T>& v) {
    return v.size() * sizeof(T);  // a copy allocates size(), not capacity()
}
}  // namespace

void PageReplacer::onLoad(std::uint32_t frame, std::uint64_t nextUse) {
    assert(frame < frames_ && !loaded(frame));
    std::uint32_t slot = 0;
    if (freeSlots_.empty()) {
        slot = static_cast<std::uint32_t>(frameOfSlot_.size());
        frameOfSlot_.push_back(frame);
    } else {
        slot = freeSlots_.back();
        freeSlots_.pop_back();
        frameOfSlot_[slot] = frame;
    }
    slotOfFrame_.tryEmplace(frame, slot);
    loadSlot(slot, nextUse);
}

void PageReplacer::onFree(std::uint32_t frame) {
    const std::uint32_t slot = slotOf(frame);
    assert(slot != kNoSlot);
    freeSlot(slot);
    slotOfFrame_.erase(frame);
    frameOfSlot_[slot] = kNoSlot;
    freeSlots_.push_back(slot);
}

std::uint64_t PageReplacer::stateBytes() const {
    return ownBytes() + slotOfFrame_.bytes() + vectorBytes(frameOfSlot_) + vectorBytes(freeSlots_);
}

bool PageReplacer::sameState(const PageReplacer& o) const {
    if (typeid(*this) != typeid(o) || frames_ != o.frames_ || loadedFrames() != o.loadedFrames()) return false;
    bool same = true;
    slotOfFrame_.forEach([&](std::uint64_t frame, std::uint32_t slot) {
        const std::uint32_t other = o.slotOf(static_cast<std::uint32_t>(frame));
        same = same && other != kNoSlot && sameSlotState(slot, o, other);
    });
    return same && sameOrder(o);
}

namespace {

constexpr std::uint32_t kNone = PageReplacer::kNoSlot;

/// Doubly-linked list over slots, growing with them, circular through a sentinel node: node 0 is
/// the sentinel, slot s is node s + 1 (no branches for the ends on the hot path). A slot not in the
/// list has next == kNone.
class SlotList {
public:
    bool contains(std::uint32_t s) const { return std::size_t{s} + 1 < next_.size() && next_[s + 1] != kNone; }
    bool empty() const { return next_[0] == 0; }
    std::uint32_t front() const {
        assert(!empty());
        return next_[0] - 1;
    }

    void pushBack(std::uint32_t s) {
        if (std::size_t{s} + 1 >= next_.size()) {
            next_.resize(std::size_t{s} + 2, kNone);
            prev_.resize(std::size_t{s} + 2, kNone);
        }
        assert(!contains(s));
        link(s + 1);
    }
    void remove(std::uint32_t s) {
        assert(contains(s));
        unlink(s + 1);
        prev_[s + 1] = kNone;
        next_[s + 1] = kNone;
    }
    /// The hot path (LRU, every access): no growth check, nothing but the links.
    void moveToBack(std::uint32_t s) {
        assert(contains(s));
        const std::uint32_t n = s + 1;
        if (prev_[0] == n) return;  // already the newest (e.g. an access right after the load)
        unlink(n);
        link(n);
    }
    std::uint64_t heapBytes() const { return vectorBytes(prev_) + vectorBytes(next_); }
    /// The slots front to back.
    std::vector<std::uint32_t> slots() const {
        std::vector<std::uint32_t> out;
        for (std::uint32_t n = next_[0]; n != 0; n = next_[n]) out.push_back(n - 1);
        return out;
    }
    /// The same order of frames (slots mapped through each replacer's numbering).
    bool sameFrames(const PageReplacer& self, const SlotList& o, const PageReplacer& other) const {
        std::uint32_t a = next_[0], b = o.next_[0];
        for (; a != 0 && b != 0; a = next_[a], b = o.next_[b])
            if (self.frameOfSlot(a - 1) != other.frameOfSlot(b - 1)) return false;
        return a == 0 && b == 0;
    }

private:
    void link(std::uint32_t n) {  // node n becomes the last
        const std::uint32_t last = prev_[0];
        next_[last] = n;
        prev_[n] = last;
        next_[n] = 0;
        prev_[0] = n;
    }
    void unlink(std::uint32_t n) {
        next_[prev_[n]] = next_[n];
        prev_[next_[n]] = prev_[n];
    }

    std::vector<std::uint32_t> prev_{0};  // the sentinel alone: an empty circle
    std::vector<std::uint32_t> next_{0};
};

/// FIFO and LRU: the same list; LRU also moves a page to the back when it is accessed.
///
/// LRU moves lazily: an access only stamps its slot with a clock (PageReplacer::stamp, inlined
/// into the MMU's TLB-hit path) and queues the slot the first time after a catch-up. Before the
/// list is read or changed (a load, a free, a victim, a view, a comparison) it catches up: the
/// queued slots move to the back in the order of their last access, which is the order the
/// eager moves would have left (after a run of moves to the back, the slots moved come last,
/// ordered by their last move; the others keep their order). Example, list 0 1 2 3, accesses
/// 1 0 1: queued 1 0, stamps 1 -> 3, 0 -> 2; catch-up moves 0 then 1: 2 3 0 1, as eager moves.
template <bool kMoveOnAccess>
class ListReplacer final : public PageReplacer {
public:
    explicit ListReplacer(std::uint32_t frames) : PageReplacer(frames) {
        inlineAccess_ = kMoveOnAccess ? InlineAccess::Stamp : InlineAccess::Nothing;
    }
    void accessSlot(std::uint32_t slot, std::uint64_t /*nextUse*/) override {
        assert(list_.contains(slot));
        if constexpr (kMoveOnAccess) stamp(slot);
        (void)slot;
    }
    std::unique_ptr<PageReplacer> clone() const override { return std::make_unique<ListReplacer>(*this); }
    std::vector<std::uint32_t> evictionOrder() const override {
        catchUp();
        std::vector<std::uint32_t> frames = list_.slots();
        for (std::uint32_t& f : frames) f = frameOfSlot(f);
        return frames;
    }

protected:
    void loadSlot(std::uint32_t slot, std::uint64_t /*nextUse*/) override {
        catchUp();
        if (kMoveOnAccess && slot >= lastAccess_.size()) lastAccess_.resize(std::size_t{slot} + 1, 0);
        list_.pushBack(slot);
    }
    void freeSlot(std::uint32_t slot) override {
        catchUp();
        list_.remove(slot);
    }
    std::uint32_t victimSlot() override {
        catchUp();
        return list_.front();
    }
    std::uint32_t peekVictimSlot() const override {
        catchUp();
        return list_.front();
    }
    std::uint64_t ownBytes() const override {
        // The queue of pending moves at its largest (one entry per slot), so the figure does not
        // change with how many accesses happen to be pending.
        return sizeof(*this) + list_.heapBytes() + vectorBytes(lastAccess_) + lastAccess_.size() * sizeof(std::uint32_t);
    }
    bool sameSlotState(std::uint32_t, const PageReplacer&, std::uint32_t) const override { return true; }
    bool sameOrder(const PageReplacer& other) const override {
        const auto& o = static_cast<const ListReplacer&>(other);
        catchUp();
        o.catchUp();
        return list_.sameFrames(*this, o.list_, other);
    }

private:
    /// LRU: applies the queued moves (see above); the list then matches the eager one.
    void catchUp() const {
        if constexpr (kMoveOnAccess) {
            if (!pendingAccess_.empty()) {
                std::sort(pendingAccess_.begin(), pendingAccess_.end(),
                          [this](std::uint32_t a, std::uint32_t b) { return lastAccess_[a] < lastAccess_[b]; });
                for (const std::uint32_t slot : pendingAccess_) list_.moveToBack(slot);
                pendingAccess_.clear();
            }
            caughtUp_ = clock_;
        }
    }

    mutable SlotList list_;  // front = loaded (fifo) / accessed (lru) longest ago (lru: after catchUp)
};

using FifoReplacer = ListReplacer<false>;
using LruReplacer = ListReplacer<true>;

class ClockReplacer final : public PageReplacer {
public:
    using PageReplacer::PageReplacer;
    void accessSlot(std::uint32_t slot, std::uint64_t /*nextUse*/) override { referenced_[slot] = 1; }
    std::unique_ptr<PageReplacer> clone() const override { return std::make_unique<ClockReplacer>(*this); }
    std::optional<bool> referenceBit(std::uint32_t frame) const override { return bitOf(frame); }
    std::optional<std::uint32_t> hand() const override { return hand_; }
    std::vector<std::uint32_t> evictionOrder() const override { return {}; }
    /// The sweep of victimSlot() over the eligible frames only: the others are passed without
    /// looking at (or clearing) their bits. At most two turns: the first clears every eligible bit.
    std::uint32_t victimAmong(const std::function<bool(std::uint32_t)>& eligible) override {
        for (std::uint64_t step = 0; step < 2 * std::uint64_t{frames()} + 1; ++step, hand_ = after(hand_)) {
            const std::uint32_t slot = slotOf(hand_);
            if (slot == kNoSlot || !eligible(hand_)) continue;
            if (referenced_[slot] != 0) {
                referenced_[slot] = 0;
                continue;
            }
            const std::uint32_t chosen = hand_;
            hand_ = after(hand_);
            return chosen;
        }
        return victim();  // nothing eligible (the caller promised one)
    }

protected:
    void loadSlot(std::uint32_t slot, std::uint64_t /*nextUse*/) override {
        if (slot >= referenced_.size()) referenced_.resize(std::size_t{slot} + 1, 0);
        referenced_[slot] = 1;
    }
    void freeSlot(std::uint32_t slot) override { referenced_[slot] = 0; }
    /// At most one full turn: every bit the hand passes is cleared, so it stops by the second visit.
    /// (A frame that is not loaded counts as a clear bit; victim() is only called when all are.)
    std::uint32_t victimSlot() override {
        for (std::uint32_t slot; (slot = slotOf(hand_)) != kNoSlot && referenced_[slot] != 0;) {
            referenced_[slot] = 0;
            hand_ = after(hand_);
        }
        const std::uint32_t chosen = slotOf(hand_);
        hand_ = after(hand_);
        return chosen;
    }
    /// The same sweep without clearing: the first frame from the hand whose bit is clear; if every
    /// bit is set the sweep clears them all and comes back to the hand's frame.
    std::uint32_t peekVictimSlot() const override {
        std::uint32_t f = hand_;
        for (std::uint32_t step = 0; step < frames(); ++step, f = after(f))
            if (!bitOf(f)) return slotOf(f);
        return slotOf(hand_);
    }
    std::uint64_t ownBytes() const override { return sizeof(*this) + vectorBytes(referenced_); }
    bool sameSlotState(std::uint32_t slot, const PageReplacer& other, std::uint32_t otherSlot) const override {
        return referenced_[slot] == static_cast<const ClockReplacer&>(other).referenced_[otherSlot];
    }
    bool sameOrder(const PageReplacer& other) const override {
        return hand_ == static_cast<const ClockReplacer&>(other).hand_;
    }

private:
    std::uint32_t after(std::uint32_t f) const { return f + 1 == frames() ? 0 : f + 1; }
    bool bitOf(std::uint32_t frame) const {
        const std::uint32_t slot = slotOf(frame);
        return slot != kNoSlot && referenced_[slot] != 0;
    }

    std::vector<std::uint8_t> referenced_;  // per slot (a byte: no bit fiddling on the hot path)
    std::uint32_t hand_ = 0;                // a frame number
};

/// Belady's OPT: an indexed binary heap of the loaded slots whose top is the page with the largest
/// nextUse (kNever is the largest), the lowest frame among equals. pos_[s] is s's index in heap_.
class OptReplacer final : public PageReplacer {
public:
    using PageReplacer::PageReplacer;
    void accessSlot(std::uint32_t slot, std::uint64_t nextUse) override {
        assert(pos_[slot] != kNone);
        nextUse_[slot] = nextUse;
        siftUp(pos_[slot]);
        siftDown(pos_[slot]);
    }
    std::unique_ptr<PageReplacer> clone() const override { return std::make_unique<OptReplacer>(*this); }
    std::vector<std::uint32_t> evictionOrder() const override {
        std::vector<std::uint32_t> slots = heap_;
        std::sort(slots.begin(), slots.end(), [this](std::uint32_t a, std::uint32_t b) { return before(a, b); });
        for (std::uint32_t& s : slots) s = frameOfSlot(s);
        return slots;
    }

protected:
    void loadSlot(std::uint32_t slot, std::uint64_t nextUse) override {
        if (slot >= pos_.size()) {
            pos_.resize(std::size_t{slot} + 1, kNone);
            nextUse_.resize(std::size_t{slot} + 1, kNever);
        }
        assert(pos_[slot] == kNone);
        nextUse_[slot] = nextUse;
        heap_.push_back(slot);
        pos_[slot] = static_cast<std::uint32_t>(heap_.size() - 1);
        siftUp(heap_.size() - 1);
    }
    void freeSlot(std::uint32_t slot) override {
        assert(pos_[slot] != kNone);
        const std::size_t i = pos_[slot];
        const std::uint32_t last = heap_.back();
        heap_.pop_back();
        pos_[slot] = kNone;
        if (i < heap_.size()) {
            heap_[i] = last;
            pos_[last] = static_cast<std::uint32_t>(i);
            siftUp(i);
            siftDown(pos_[last]);
        }
    }
    std::uint32_t victimSlot() override { return peekVictimSlot(); }
    std::uint32_t peekVictimSlot() const override {
        assert(!heap_.empty());
        return heap_.front();
    }
    std::uint64_t ownBytes() const override {
        return sizeof(*this) + vectorBytes(nextUse_) + vectorBytes(pos_) + vectorBytes(heap_);
    }
    bool sameSlotState(std::uint32_t slot, const PageReplacer& other, std::uint32_t otherSlot) const override {
        return nextUse_[slot] == static_cast<const OptReplacer&>(other).nextUse_[otherSlot];
    }
    bool sameOrder(const PageReplacer&) const override { return true; }  // the heap follows from the nextUses

private:
    /// True when slot a's page must be evicted before slot b's.
    bool before(std::uint32_t a, std::uint32_t b) const {
        return nextUse_[a] != nextUse_[b] ? nextUse_[a] > nextUse_[b] : frameOfSlot(a) < frameOfSlot(b);
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

    std::vector<std::uint64_t> nextUse_;  // per slot
    std::vector<std::uint32_t> pos_;      // per slot: index in heap_, kNone when not loaded
    std::vector<std::uint32_t> heap_;     // loaded slots, heap-ordered by before()
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
