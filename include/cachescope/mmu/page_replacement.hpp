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
// none); only OPT uses it. victim() is not const: the clock hand moves and clears reference bits.
//
// Exact definitions (docs/mmu.md, "Frames and page replacement"):
//   fifo   evict the page loaded longest ago
//   lru    evict the page accessed longest ago
//   clock  second chance: frames in a circle with a hand (initially frame 0) and a reference bit
//          per frame, set by onLoad and onAccess. victim(): while the hand's frame has its bit set,
//          clear it and advance; return the hand's frame and advance the hand past it.
//   opt    Belady: evict the page whose next use is farthest (kNever is farthest; ties: lowest frame)

#include <cstdint>
#include <limits>
#include <memory>
#include <span>

#include "cachescope/config/config.hpp"

namespace cachescope {

class PageReplacer {
public:
    static constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

    virtual ~PageReplacer() = default;
    virtual void onLoad(std::uint32_t frame, std::uint64_t nextUse) = 0;
    virtual void onAccess(std::uint32_t frame, std::uint64_t nextUse) = 0;
    virtual void onFree(std::uint32_t frame) = 0;
    /// The frame to evict; only called when every frame is loaded.
    virtual std::uint32_t victim() = 0;
    virtual std::unique_ptr<PageReplacer> clone() const = 0;
    /// Bytes of the replacer's state: the object and the capacity of every container it owns.
    virtual std::uint64_t stateBytes() const = 0;
};

std::unique_ptr<PageReplacer> makePageReplacer(PageReplacementKind kind, std::uint32_t frames);

/// Demand paging of a reference string of page numbers with `frames` initially empty frames,
/// filled lowest frame first: the number of page faults. OPT's next uses come from a backward pass
/// over the string. (The textbook exercise; the MMU uses the same replacers.)
std::uint64_t countPageFaults(PageReplacementKind kind, std::uint32_t frames, std::span<const std::uint64_t> pages);

}  // namespace cachescope
