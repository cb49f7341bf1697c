// Page replacement (docs/mmu.md, "Frames and page replacement"): hand-worked reference strings, a
// closed form at 262,144 frames, properties over random strings, and a naive model per policy.
// Frame diagrams list the frames in order [f0 f1 f2]; "F" marks a fault; for clock, '*' marks a set
// reference bit and "h" the hand.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <list>
#include <memory>
#include <set>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/mmu/page_replacement.hpp"
#include "cachescope/policy/splitmix64.hpp"

using namespace cachescope;

namespace {

using Pages = std::vector<std::uint64_t>;
constexpr auto kFifo = PageReplacementKind::Fifo;
constexpr auto kLru = PageReplacementKind::Lru;
constexpr auto kClock = PageReplacementKind::Clock;
constexpr auto kOpt = PageReplacementKind::Opt;
constexpr PageReplacementKind kAllKinds[] = {kFifo, kLru, kClock, kOpt};

const Pages kBelady{1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
const Pages kSilberschatz{7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};

// (config's toString(PageReplacementKind) belongs to another area and may not be linked yet.)
const char* kindName(PageReplacementKind kind) {
    switch (kind) {
        case PageReplacementKind::Fifo:
            return "fifo";
        case PageReplacementKind::Lru:
            return "lru";
        case PageReplacementKind::Clock:
            return "clock";
        case PageReplacementKind::Opt:
            return "opt";
    }
    return "?";
}

std::uint64_t faults(PageReplacementKind kind, std::uint32_t frames, const Pages& pages) {
    return countPageFaults(kind, frames, pages);
}

Pages randomPages(std::uint64_t seed, std::size_t length, std::uint64_t distinct) {
    SplitMix64 rng(seed);
    Pages pages(length);
    for (auto& p : pages) p = rng.next() % distinct;
    return pages;
}

std::uint64_t distinctCount(const Pages& pages) { return std::set<std::uint64_t>(pages.begin(), pages.end()).size(); }

/// nextUse of every position, by a forward scan (independent of countPageFaults' backward pass).
std::vector<std::uint64_t> naiveNextUses(const Pages& pages) {
    std::vector<std::uint64_t> next(pages.size(), PageReplacer::kNever);
    for (std::size_t i = 0; i < pages.size(); ++i) {
        for (std::size_t j = i + 1; j < pages.size(); ++j) {
            if (pages[j] == pages[i]) {
                next[i] = j;
                break;
            }
        }
    }
    return next;
}

/// The obvious, slow version of each policy, straight from the definitions in docs/mmu.md.
class NaiveModel {
public:
    NaiveModel(PageReplacementKind kind, std::uint32_t frames)
        : kind_(kind), bits_(frames, false), nextUse_(frames, PageReplacer::kNever), loaded_(frames, false) {}

    void onLoad(std::uint32_t f, std::uint64_t nextUse) {
        loaded_[f] = true;
        order_.push_back(f);
        bits_[f] = true;
        nextUse_[f] = nextUse;
    }
    void onAccess(std::uint32_t f, std::uint64_t nextUse) {
        if (kind_ == kLru) {
            order_.remove(f);
            order_.push_back(f);
        }
        bits_[f] = true;
        nextUse_[f] = nextUse;
    }
    void onFree(std::uint32_t f) {
        loaded_[f] = false;
        order_.remove(f);
        bits_[f] = false;
    }
    std::uint32_t victim() {
        switch (kind_) {
            case PageReplacementKind::Fifo:
            case PageReplacementKind::Lru:
                return order_.front();
            case PageReplacementKind::Clock: {
                while (bits_[hand_]) {
                    bits_[hand_] = false;
                    hand_ = (hand_ + 1) % static_cast<std::uint32_t>(bits_.size());
                }
                const std::uint32_t v = hand_;
                hand_ = (hand_ + 1) % static_cast<std::uint32_t>(bits_.size());
                return v;
            }
            case PageReplacementKind::Opt: {
                std::uint32_t best = 0;
                for (std::uint32_t f = 1; f < nextUse_.size(); ++f) {
                    if (nextUse_[f] > nextUse_[best]) best = f;  // strict: ties keep the lowest frame
                }
                return best;
            }
        }
        return 0;
    }

private:
    PageReplacementKind kind_;
    std::list<std::uint32_t> order_;  // loaded frames, oldest load (fifo) / oldest access (lru) first
    std::vector<bool> bits_;
    std::uint32_t hand_ = 0;
    std::vector<std::uint64_t> nextUse_;
    std::vector<bool> loaded_;
};

/// Runs demand paging like the MMU would: free frames are filled lowest first; with probability
/// 1/freeOneIn (0 = never) a random resident page is also evicted before an access, which exercises
/// onFree of any frame. Drives both the replacer and the naive model and checks every victim.
/// Returns the number of faults.
std::uint64_t driveAgainstModel(PageReplacementKind kind, std::uint32_t frames, const Pages& pages, std::uint64_t seed,
                                std::uint64_t freeOneIn) {
    auto fast = makePageReplacer(kind, frames);
    NaiveModel naive(kind, frames);
    const auto next = naiveNextUses(pages);
    SplitMix64 rng(seed);
    std::vector<std::int64_t> pageOf(frames, -1);  // -1 = free frame
    std::uint64_t faults = 0;
    for (std::size_t i = 0; i < pages.size(); ++i) {
        if (freeOneIn != 0 && rng.next() % freeOneIn == 0) {
            const auto f = static_cast<std::uint32_t>(rng.next() % frames);
            if (pageOf[f] >= 0) {
                pageOf[f] = -1;
                fast->onFree(f);
                naive.onFree(f);
            }
        }
        const auto page = static_cast<std::int64_t>(pages[i]);
        auto it = std::find(pageOf.begin(), pageOf.end(), page);
        std::uint32_t f = 0;
        if (it != pageOf.end()) {
            f = static_cast<std::uint32_t>(it - pageOf.begin());
        } else {
            ++faults;
            auto freeIt = std::find(pageOf.begin(), pageOf.end(), -1);
            if (freeIt != pageOf.end()) {
                f = static_cast<std::uint32_t>(freeIt - pageOf.begin());
            } else {
                f = fast->victim();
                const std::uint32_t expected = naive.victim();
                REQUIRE(f == expected);
                REQUIRE(f < frames);
                REQUIRE(pageOf[f] >= 0);  // the victim is a loaded frame
                fast->onFree(f);
                naive.onFree(f);
            }
            pageOf[f] = page;
            fast->onLoad(f, next[i]);
            naive.onLoad(f, next[i]);
        }
        fast->onAccess(f, next[i]);
        naive.onAccess(f, next[i]);
    }
    return faults;
}

}  // namespace

TEST_CASE("page replacement fifo: Belady's anomaly (9 faults with 3 frames, 10 with 4)") {
    // 3 frames, the oldest load goes first:
    //   1 F [1 - -]   2 F [1 2 -]   3 F [1 2 3]
    //   4 F [4 2 3]  (evicts 1, loaded first)
    //   1 F [4 1 3]  (evicts 2)
    //   2 F [4 1 2]  (evicts 3)
    //   5 F [5 1 2]  (evicts 4)
    //   1 hit, 2 hit
    //   3 F [5 3 2]  (evicts 1)
    //   4 F [5 3 4]  (evicts 2)
    //   5 hit                                   → 9 faults
    CHECK(faults(kFifo, 3, kBelady) == 9);
    // 4 frames:
    //   1 2 3 4 F F F F [1 2 3 4]   1 hit, 2 hit
    //   5 F [5 2 3 4]  1 F [5 1 3 4]  2 F [5 1 2 4]  3 F [5 1 2 3]  4 F [4 1 2 3]  5 F [4 5 2 3]
    //                                           → 10 faults: more frames, more faults
    CHECK(faults(kFifo, 4, kBelady) == 10);
}

TEST_CASE("page replacement lru: Belady's string (10 faults with 3 frames, 8 with 4)") {
    // 3 frames; recency order most → least recent in parentheses:
    //   1 2 3 F F F [1 2 3] (3 2 1)
    //   4 F [4 2 3] (4 3 2)   1 F [4 1 3] (1 4 3)   2 F [4 1 2] (2 1 4)   5 F [5 1 2] (5 2 1)
    //   1 hit (1 5 2)   2 hit (2 1 5)
    //   3 F [3 1 2] (3 2 1)   4 F [3 4 2] (4 3 2)   5 F [3 4 5]            → 10 faults
    CHECK(faults(kLru, 3, kBelady) == 10);
    // 4 frames:
    //   1 2 3 4 F F F F [1 2 3 4] (4 3 2 1)   1 hit (1 4 3 2)   2 hit (2 1 4 3)
    //   5 F evicts 3 [1 2 5 4] (5 2 1 4)   1 hit (1 5 2 4)   2 hit (2 1 5 4)
    //   3 F evicts 4 [1 2 5 3] (3 2 1 5)   4 F evicts 5 [1 2 4 3] (4 3 2 1)
    //   5 F evicts 1 [5 2 4 3]                                              → 8 faults
    CHECK(faults(kLru, 4, kBelady) == 8);
}

TEST_CASE("page replacement opt: Belady's string (7 faults with 3 frames, 6 with 4)") {
    // Positions 0..11: 1 2 3 4 1 2 5 1 2 3 4 5. Next uses in braces.
    // 3 frames:
    //   1 2 3 F F F [1 2 3]
    //   4 F @3: {1:4, 2:5, 3:9} evicts 3 → [1 2 4]       1 hit, 2 hit
    //   5 F @6: {1:7, 2:8, 4:10} evicts 4 → [1 2 5]      1 hit, 2 hit
    //   3 F @9: {1:never, 2:never, 5:11} tie → lowest frame f0 (page 1) → [3 2 5]
    //   4 F @10: {3:never, 2:never, 5:11} tie → f0 (page 3) → [4 2 5]
    //   5 hit                                                               → 7 faults
    CHECK(faults(kOpt, 3, kBelady) == 7);
    // 4 frames:
    //   1 2 3 4 F F F F [1 2 3 4]   1 hit, 2 hit
    //   5 F @6: {1:7, 2:8, 3:9, 4:10} evicts 4 → [1 2 3 5]   1 2 3 hit
    //   4 F @10: {1,2,3: never, 5:11} → f0 (page 1) → [4 2 3 5]   5 hit    → 6 faults
    CHECK(faults(kOpt, 4, kBelady) == 6);
}

TEST_CASE("page replacement: Silberschatz's string with 3 frames (fifo 15, lru 12, opt 9)") {
    // fifo: 7 0 1 F F F [7 0 1]; 2 F [2 0 1]; 0 hit; 3 F [2 3 1]; 0 F [2 3 0]; 4 F [4 3 0];
    //       2 F [4 2 0]; 3 F [4 2 3]; 0 F [0 2 3]; 3 hit; 2 hit; 1 F [0 1 3]; 2 F [0 1 2];
    //       0 hit; 1 hit; 7 F [7 1 2]; 0 F [7 0 2]; 1 F [7 0 1]                 → 15
    CHECK(faults(kFifo, 3, kSilberschatz) == 15);
    // lru:  7 0 1 F F F [7 0 1]; 2 F [2 0 1]; 0 hit; 3 F [2 0 3]; 0 hit; 4 F [4 0 3];
    //       2 F [4 0 2]; 3 F [4 3 2]; 0 F [0 3 2]; 3 hit; 2 hit; 1 F [1 3 2]; 2 hit;
    //       0 F [1 0 2]; 1 hit; 7 F [1 0 7]; 0 hit; 1 hit                       → 12
    CHECK(faults(kLru, 3, kSilberschatz) == 12);
    // opt:  7 0 1 F F F [7 0 1]; 2 F [2 0 1] (7 next at 17); 0 hit; 3 F [2 0 3] (1 next at 13);
    //       0 hit; 4 F [2 4 3] (0 next at 10, farthest of 2:8 3:9 0:10); 2 hit; 3 hit;
    //       0 F [2 0 3] (4 never); 3 hit; 2 hit; 1 F [2 0 1] (3 never; 2:14 0:15); 2 hit; 0 hit;
    //       1 hit; 7 F [7 0 1] (2 never); 0 hit; 1 hit                           → 9
    CHECK(faults(kOpt, 3, kSilberschatz) == 9);
}

TEST_CASE("page replacement clock: Silberschatz's string with 3 frames, hand-worked (14 faults)") {
    // Bits are set on load and on every access; the hand starts at f0 and does not move while free
    // frames are filled.
    //  i page
    //  0  7  F [7* -  - ] h0
    //  1  0  F [7* 0* - ] h0
    //  2  1  F [7* 0* 1*] h0
    //  3  2  F sweep clears f0 f1 f2, back to f0: evict 7   [2* 0  1 ] h1
    //  4  0  hit                                            [2* 0* 1 ] h1
    //  5  3  F clear f1; f2 clear: evict 1                  [2* 0  3*] h0
    //  6  0  hit                                            [2* 0* 3*] h0
    //  7  4  F clear f0 f1 f2; evict f0 (2)                 [4* 0  3 ] h1
    //  8  2  F f1 clear: evict 0                            [4* 2* 3 ] h2
    //  9  3  hit                                            [4* 2* 3*] h2
    // 10  0  F clear f2 f0 f1; evict f2 (3)                 [4  2  0*] h0
    // 11  3  F f0 clear: evict 4                            [3* 2  0*] h1
    // 12  2  hit                                            [3* 2* 0*] h1
    // 13  1  F clear f1 f2 f0; evict f1 (2)                 [3  1* 0 ] h2
    // 14  2  F f2 clear: evict 0                            [3  1* 2*] h0
    // 15  0  F f0 clear: evict 3                            [0* 1* 2*] h1
    // 16  1  hit                                            [0* 1* 2*] h1
    // 17  7  F clear f1 f2 f0; evict f1 (1)                 [0  7* 2 ] h2
    // 18  0  hit                                            [0* 7* 2 ] h2
    // 19  1  F f2 clear: evict 2                            [0* 7* 1*] h0
    // Faults at i = 0 1 2 3 5 7 8 10 11 13 14 15 17 19 → 14 (fifo: 15; the hit at i = 6 is the
    // second chance page 0 got at i = 5).
    CHECK(faults(kClock, 3, kSilberschatz) == 14);
}

TEST_CASE("page replacement clock: a second chance makes clock differ from fifo") {
    // 3 frames, string 1 2 3 4 2 5 2.
    // fifo: [1 2 3]; 4 F evicts 1 [4 2 3]; 2 hit; 5 F evicts 2 (oldest load) [4 5 3]; 2 F → 6 faults.
    // clock: [1* 2* 3*] h0; 4 F: sweep clears all, evicts f0 [4* 2 3] h1; 2 hit sets f1 [4* 2* 3] h1;
    //        5 F: f1 set → cleared, f2 clear → evicts 3 [4* 2 5*] h0; 2 hit → 5 faults.
    const Pages pages{1, 2, 3, 4, 2, 5, 2};
    CHECK(faults(kFifo, 3, pages) == 6);
    CHECK(faults(kClock, 3, pages) == 5);

    // The same steps through the replacer's interface, checking each victim.
    auto clock = makePageReplacer(kClock, 3);
    auto fifo = makePageReplacer(kFifo, 3);
    for (auto* r : {clock.get(), fifo.get()}) {
        for (std::uint32_t f = 0; f < 3; ++f) {
            r->onLoad(f, PageReplacer::kNever);
            r->onAccess(f, PageReplacer::kNever);
        }
    }
    CHECK(clock->victim() == 0);  // page 1 goes
    CHECK(fifo->victim() == 0);
    for (auto* r : {clock.get(), fifo.get()}) {
        r->onFree(0);
        r->onLoad(0, PageReplacer::kNever);  // page 4
        r->onAccess(0, PageReplacer::kNever);
        r->onAccess(1, PageReplacer::kNever);  // page 2 hit
    }
    CHECK(fifo->victim() == 1);   // page 2, loaded longest ago
    CHECK(clock->victim() == 2);  // page 2 had its second chance: page 3 goes
}

TEST_CASE("page replacement clock: the hand keeps turning from where it stopped") {
    auto r = makePageReplacer(kClock, 4);
    for (std::uint32_t f = 0; f < 4; ++f) r->onLoad(f, PageReplacer::kNever);
    // [a* b* c* d*] h0: a whole turn clears every bit and evicts f0; hand → f1.
    CHECK(r->victim() == 0);
    r->onFree(0);
    r->onLoad(0, PageReplacer::kNever);
    // [e* b c d] h1: f1 is clear → evicted at once; hand → f2.
    CHECK(r->victim() == 1);
    r->onFree(1);
    r->onLoad(1, PageReplacer::kNever);
    r->onAccess(2, PageReplacer::kNever);
    // [e* f* c* d] h2: f2 cleared, f3 evicted; hand wraps to f0.
    CHECK(r->victim() == 3);
    r->onFree(3);
    r->onLoad(3, PageReplacer::kNever);
    // [e* f* c g*] h0: f0 and f1 cleared, f2 evicted.
    CHECK(r->victim() == 2);
}

TEST_CASE("page replacement opt: ties on next use go to the lowest frame, kNever is farthest") {
    auto r = makePageReplacer(kOpt, 4);
    r->onLoad(0, 10);
    r->onLoad(1, 30);
    r->onLoad(2, 30);
    r->onLoad(3, 20);
    CHECK(r->victim() == 1);
    r->onAccess(3, PageReplacer::kNever);
    CHECK(r->victim() == 3);
    r->onAccess(0, PageReplacer::kNever);
    CHECK(r->victim() == 0);
    r->onFree(0);
    r->onFree(3);
    CHECK(r->victim() == 1);
    r->onAccess(1, 5);
    CHECK(r->victim() == 2);
}

TEST_CASE("page replacement: a loop one page larger than memory, at 262,144 frames (1 GiB of 4 KiB)") {
    // Pages 0 1 ... F cycled, F frames. fifo, lru and clock always evict the page needed next: every
    // access faults. opt, at a fault at time t, evicts the page used at t-1 (next needed at t+F), so
    // after the F compulsory faults it faults at t = F, 2F, 3F, ...: F + floor((L-1)/F) faults.
    constexpr std::uint32_t kFrames = 262144;
    const std::size_t length = 2 * (std::size_t{kFrames} + 1) + 1000;
    Pages pages(length);
    for (std::size_t i = 0; i < length; ++i) pages[i] = i % (kFrames + 1);
    CHECK(faults(kFifo, kFrames, pages) == length);
    CHECK(faults(kLru, kFrames, pages) == length);
    CHECK(faults(kClock, kFrames, pages) == length);
    CHECK(faults(kOpt, kFrames, pages) == kFrames + (length - 1) / kFrames);
}

TEST_CASE("page replacement: edge cases") {
    for (auto kind : kAllKinds) {
        CHECK(faults(kind, 1, {}) == 0);
        CHECK(faults(kind, 1, Pages{5, 5, 6, 6, 5}) == 3);      // one frame: every change of page faults
        CHECK(faults(kind, 4000000000u, Pages{1, 2, 1}) == 2);  // huge memory: only compulsory faults
        CHECK_THROWS_AS(faults(kind, 0, Pages{1}), ConfigError);
        CHECK_THROWS_AS(makePageReplacer(kind, 0), ConfigError);
    }
}

TEST_CASE("page replacement properties: bounds, opt is best, enough frames means compulsory only") {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        const std::uint64_t distinctMax = 2 + seed % 12;
        const Pages pages = randomPages(seed, 60 + seed * 7, distinctMax);
        const std::uint64_t distinct = distinctCount(pages);
        for (std::uint32_t frames = 1; frames <= 14; ++frames) {
            CAPTURE(seed);
            CAPTURE(frames);
            const std::uint64_t opt = faults(kOpt, frames, pages);
            for (auto kind : kAllKinds) {
                const std::uint64_t n = faults(kind, frames, pages);
                CHECK(n >= distinct);
                CHECK(n <= pages.size());
                CHECK(opt <= n);
                if (frames >= distinct) CHECK(n == distinct);
            }
        }
    }
}

TEST_CASE("page replacement lru: stack property (faults never increase with more frames)") {
    for (std::uint64_t seed = 100; seed < 110; ++seed) {
        const Pages pages = randomPages(seed, 300, 12);
        std::uint64_t previous = faults(kLru, 1, pages);
        for (std::uint32_t frames = 2; frames <= 8; ++frames) {
            CAPTURE(seed);
            CAPTURE(frames);
            const std::uint64_t now = faults(kLru, frames, pages);
            CHECK(now <= previous);
            previous = now;
        }
        // opt is a stack algorithm too
        for (std::uint32_t frames = 1; frames < 8; ++frames) {
            CHECK(faults(kOpt, frames + 1, pages) <= faults(kOpt, frames, pages));
        }
    }
}

TEST_CASE("page replacement: every replacer matches a naive model on random strings") {
    for (auto kind : kAllKinds) {
        for (std::uint64_t seed = 1; seed <= 25; ++seed) {
            SplitMix64 rng(seed * 7919);
            const auto frames = static_cast<std::uint32_t>(1 + rng.next() % 9);
            const Pages pages = randomPages(seed, 200, 2 + rng.next() % 16);
            CAPTURE(kindName(kind));
            CAPTURE(seed);
            CAPTURE(frames);
            // Pure demand paging: also the fault count of countPageFaults.
            CHECK(driveAgainstModel(kind, frames, pages, seed, 0) == faults(kind, frames, pages));
            // With random evictions from the outside (onFree of any frame).
            driveAgainstModel(kind, frames, pages, seed, 5);
        }
    }
}

TEST_CASE("page replacement: clone() evolves identically and independently") {
    for (auto kind : kAllKinds) {
        CAPTURE(kindName(kind));
        constexpr std::uint32_t kFrames = 5;
        const Pages pages = randomPages(42, 400, 11);
        const auto next = naiveNextUses(pages);
        auto original = makePageReplacer(kind, kFrames);
        std::unique_ptr<PageReplacer> copy;
        std::vector<std::int64_t> pageOf(kFrames, -1);
        std::vector<std::int64_t> pageOfAtClone;
        std::vector<std::uint32_t> victimsAfterClone;
        const std::size_t cloneAt = 150;
        // Runs accesses [from, to) on r, recording victims chosen after cloneAt.
        auto run = [&](PageReplacer& r, std::vector<std::int64_t>& frameMap, std::size_t from, std::size_t to,
                       std::vector<std::uint32_t>& victims) {
            for (std::size_t i = from; i < to; ++i) {
                const auto page = static_cast<std::int64_t>(pages[i]);
                auto it = std::find(frameMap.begin(), frameMap.end(), page);
                std::uint32_t f = 0;
                if (it != frameMap.end()) {
                    f = static_cast<std::uint32_t>(it - frameMap.begin());
                } else {
                    auto freeIt = std::find(frameMap.begin(), frameMap.end(), -1);
                    if (freeIt != frameMap.end()) {
                        f = static_cast<std::uint32_t>(freeIt - frameMap.begin());
                    } else {
                        f = r.victim();
                        victims.push_back(f);
                        r.onFree(f);
                    }
                    frameMap[f] = page;
                    r.onLoad(f, next[i]);
                }
                r.onAccess(f, next[i]);
            }
        };
        std::vector<std::uint32_t> ignored;
        run(*original, pageOf, 0, cloneAt, ignored);
        copy = original->clone();
        pageOfAtClone = pageOf;
        // Drive the original to the end first: if the copy shared state, it would be disturbed.
        run(*original, pageOf, cloneAt, pages.size(), victimsAfterClone);
        std::vector<std::uint32_t> copyVictims;
        run(*copy, pageOfAtClone, cloneAt, pages.size(), copyVictims);
        CHECK(victimsAfterClone.size() > 20);
        CHECK(copyVictims == victimsAfterClone);
        CHECK(pageOfAtClone == pageOf);
    }
}

TEST_CASE("page replacement lru: lazy moves (stamps, caught up on demand) leave the eager list's order") {
    // The MMU's TLB-hit path only stamps a page on access (accessSlotInline); the list catches up
    // before a view, a victim, a load or a free. Checked against a std::list moved eagerly, with
    // views and copies taken at random points between runs of accesses, loads and evictions.
    const std::uint32_t frames = 13;
    SplitMix64 rng(21);
    std::unique_ptr<PageReplacer> lazy = makePageReplacer(kLru, frames);
    std::list<std::uint32_t> eager;  // front = accessed longest ago
    auto touch = [&](std::uint32_t f) {
        eager.remove(f);
        eager.push_back(f);
    };
    for (std::uint32_t f = 0; f < frames; ++f) {
        lazy->onLoad(f, PageReplacer::kNever);
        eager.push_back(f);
    }
    for (int step = 0; step < 20000; ++step) {
        const std::uint64_t r = rng.next() % 100;
        if (r < 85) {  // an access through the inline path (as translateHit) or onAccess (as translate)
            const auto f = static_cast<std::uint32_t>(rng.next() % frames);
            if (r % 2 == 0)
                lazy->accessSlotInline(lazy->slotOf(f), PageReplacer::kNever);
            else
                lazy->onAccess(f, PageReplacer::kNever);
            touch(f);
        } else if (r < 90) {  // evict the victim and load another page into its frame
            const std::uint32_t victim = lazy->victim();
            REQUIRE(victim == eager.front());
            lazy->onFree(victim);
            lazy->onLoad(victim, PageReplacer::kNever);
            eager.pop_front();
            eager.push_back(victim);
        } else if (r < 95) {
            CHECK(lazy->peekVictim() == eager.front());
            CHECK(lazy->evictionOrder() == std::vector<std::uint32_t>(eager.begin(), eager.end()));
        } else {  // a copy taken with moves pending catches up to the same order
            const std::unique_ptr<PageReplacer> copy = lazy->clone();
            CHECK(copy->sameState(*lazy));
            CHECK(copy->evictionOrder() == std::vector<std::uint32_t>(eager.begin(), eager.end()));
        }
    }
}
