#pragma once
// Page replacement: which resident page to evict when physical memory is full. Frames are numbered
// 0..frames-1. The MMU fills free frames itself and asks the replacer only when none is free.
//
// Call protocol (the MMU's, and countPageFaults'):
//   a page is placed in frame f           -> onLoad(f, nextUse)
//   every access to the page in frame f   -> onAccess(f, nextUse)   (the faulting access too, after onLoad)
//   frame f is emptied (its page evicted) -> onFree(f)
//   memory is full, a page must go        -> f = victim(); the MMU evicts f, calls onFree(f), then onLoad(f, ...)
// nextUse is the position in the access stream of the next access to the same page (kNever if
// none); only OPT uses it. victim() is not const: the clock hand moves and clears reference bits;
// peekVictim() is its const twin (the same answer, nothing changed). The MMU's TLB-hit path calls
// accessSlot(slotOf(f), nextUse), which is onAccess(f, nextUse) without the frame lookup.
//
// Exact definitions (docs/mmu.md, "Frames and page replacement"):
//   fifo   evict the page loaded longest ago
//   lru    evict the page accessed longest ago
//   clock  second chance: frames in a circle with a hand (initially frame 0) and a reference bit
//          per frame, set by onLoad and onAccess. victim(): while the hand's frame has its bit set,
//          clear it and advance; return the hand's frame and advance the hand past it.
//   opt    Belady: evict the page whose next use is farthest (kNever is farthest; ties: lowest frame)

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/mmu/flat_map.hpp"

namespace cachescope {

/// The frame-level protocol above is the public one. Internally every loaded frame also has a
/// slot: a dense number in 0..slots-1, fixed while the frame stays loaded, with the replacer's
/// per-page state in arrays indexed by slot. A frame loaded when no slot is free gets a new slot
/// (the next number); a freed slot is the next one given out, so the MMU's "evict the victim, load
/// the new page into its frame" keeps the slot. Slots make the state proportional to the frames in
/// use, not to the frames configured (16 GiB of 4 KiB frames is 4 M frames), and let the MMU's TLB-hit
/// path reach a page's state without a hash lookup (accessSlot). With frames filled lowest first,
/// as sequential allocation does, slot == frame.
class PageReplacer {
public:
    static constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
    static constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();

    explicit PageReplacer(std::uint32_t frames) : frames_(frames) {}
    virtual ~PageReplacer() = default;

    void onLoad(std::uint32_t frame, std::uint64_t nextUse);
    void onAccess(std::uint32_t frame, std::uint64_t nextUse) { accessSlot(slotOf(frame), nextUse); }
    void onFree(std::uint32_t frame);
    /// The frame to evict; only called when every frame is loaded. Not const (clock's hand moves).
    std::uint32_t victim() { return frameOfSlot_[victimSlot()]; }
    /// The frame victim() would return now, changing nothing (for views and tests).
    std::uint32_t peekVictim() const { return frameOfSlot_[peekVictimSlot()]; }
    /// Local page replacement (docs/mmu.md, "Processes"): the victim among the loaded frames for
    /// which `eligible` holds (at least one must). fifo, lru and opt: the first eligible frame of
    /// evictionOrder() (O(frames loaded)); clock: its sweep passing over ineligible frames without
    /// clearing their bits. Called only when every frame is loaded.
    virtual std::uint32_t victimAmong(const std::function<bool(std::uint32_t)>& eligible) {
        for (const std::uint32_t f : evictionOrder())
            if (eligible(f)) return f;
        return victim();  // no eligible frame: the caller promised one (kept total for safety)
    }

    /// The TLB-hit path's onAccess: `slot` is slotOf(the frame).
    virtual void accessSlot(std::uint32_t slot, std::uint64_t nextUse) = 0;
    /// accessSlot without the virtual call where it is cheap (the MMU's TLB-hit path, inlined):
    /// fifo does nothing on an access, lru only stamps the slot (its list catches up with the
    /// stamps before anything reads or changes it); clock and opt take the virtual call.
    void accessSlotInline(std::uint32_t slot, std::uint64_t nextUse) {
        if (inlineAccess_ == InlineAccess::Nothing) return;
        if (inlineAccess_ == InlineAccess::Stamp) {
            stamp(slot);
            return;
        }
        accessSlot(slot, nextUse);
    }
    /// The slot of a loaded frame, or kNoSlot.
    std::uint32_t slotOf(std::uint32_t frame) const {
        const std::uint32_t* s = slotOfFrame_.find(frame);
        return s != nullptr ? *s : kNoSlot;
    }
    std::uint32_t frameOfSlot(std::uint32_t slot) const { return frameOfSlot_[slot]; }
    bool loaded(std::uint32_t frame) const { return slotOfFrame_.contains(frame); }
    std::uint32_t loadedFrames() const { return static_cast<std::uint32_t>(slotOfFrame_.size()); }
    std::uint32_t frames() const { return frames_; }

    // ---- views (values; no side effects) ----
    /// Clock: the frame's reference bit (false if not loaded); nullopt for policies without one.
    virtual std::optional<bool> referenceBit(std::uint32_t /*frame*/) const { return std::nullopt; }
    /// Clock: the frame the hand points at; nullopt for other policies.
    virtual std::optional<std::uint32_t> hand() const { return std::nullopt; }
    /// The loaded frames, the next victim first, as victims would follow if no page were accessed in
    /// between: fifo by load, lru by last access, opt by next use (farthest first, ties lowest
    /// frame). Empty for clock, whose order depends on the bits its sweep clears (see hand() and
    /// referenceBit()).
    virtual std::vector<std::uint32_t> evictionOrder() const = 0;

    virtual std::unique_ptr<PageReplacer> clone() const = 0;
    /// Bytes a copy allocates: the object and every container it owns.
    std::uint64_t stateBytes() const;
    /// Same loaded frames and the same policy state, frame by frame.
    bool sameState(const PageReplacer& other) const;

protected:
    enum class InlineAccess : std::uint8_t { Virtual, Nothing, Stamp };
    InlineAccess inlineAccess_ = InlineAccess::Virtual;  // chosen by the derived class
    /// lru's access: the slot's stamp is the clock; a slot accessed for the first time since the
    /// list last caught up is queued (once) for the catch-up.
    void stamp(std::uint32_t slot) {
        if (lastAccess_[slot] <= caughtUp_) pendingAccess_.push_back(slot);
        lastAccess_[slot] = ++clock_;
    }
    std::vector<std::uint64_t> lastAccess_;              // lru: per slot, the clock at its last access
    mutable std::vector<std::uint32_t> pendingAccess_;  // lru: slots accessed since the catch-up
    std::uint64_t clock_ = 0;
    mutable std::uint64_t caughtUp_ = 0;                // lru: the clock at the last catch-up

    virtual void loadSlot(std::uint32_t slot, std::uint64_t nextUse) = 0;
    virtual void freeSlot(std::uint32_t slot) = 0;
    virtual std::uint32_t victimSlot() = 0;
    virtual std::uint32_t peekVictimSlot() const = 0;
    /// stateBytes of the derived class: its size and its containers.
    virtual std::uint64_t ownBytes() const = 0;
    /// The policy's state of the page in `slot` of this and of `other`'s `otherSlot` (same frame) agree.
    virtual bool sameSlotState(std::uint32_t slot, const PageReplacer& other, std::uint32_t otherSlot) const = 0;
    /// The policy's state that is not per page (order of a list, a hand) agrees.
    virtual bool sameOrder(const PageReplacer& other) const = 0;

private:
    std::uint32_t frames_;
    FlatMap<std::uint32_t> slotOfFrame_;        // loaded frames
    std::vector<std::uint32_t> frameOfSlot_;    // kNoSlot for a free slot
    std::vector<std::uint32_t> freeSlots_;      // a stack: the last freed is given out first
};

/// `frames` must be between 1 and kNoSlot - 1 (else ConfigError).
std::unique_ptr<PageReplacer> makePageReplacer(PageReplacementKind kind, std::uint32_t frames);

/// Demand paging of a reference string of page numbers with `frames` initially empty frames,
/// filled lowest frame first: the number of page faults. OPT's next uses come from a backward pass
/// over the string. (The textbook exercise; the MMU uses the same replacers.)
std::uint64_t countPageFaults(PageReplacementKind kind, std::uint32_t frames, std::span<const std::uint64_t> pages);

}  // namespace cachescope
