// 3C miss classification: the LRU shadow and the observer (analysis/miss_classes.hpp).

#include "cachescope/analysis/miss_classes.hpp"

#include <algorithm>
#include <bit>
#include <cassert>

#include "cachescope/sim/hierarchy.hpp"

namespace cachescope {

std::string_view toString(MissClass c) {
    switch (c) {
        case MissClass::Compulsory:
            return "compulsory";
        case MissClass::Capacity:
            return "capacity";
        case MissClass::Conflict:
            return "conflict";
    }
    return "?";
}

// ---- LruShadow ----------------------------------------------------------------------------------

LruShadow::LruShadow(std::uint64_t capacity) : capacity_(std::max<std::uint64_t>(capacity, 1)) {
    assert(capacity_ < kEmpty);
    table_.assign(1024, Slot{});
    shift_ = 64 - 10;
}

std::size_t LruShadow::slotOf(std::uint64_t line) const {
    const std::size_t mask = table_.size() - 1;
    // Fibonacci hashing: the high bits of the product spread consecutive lines over the table.
    auto slot = static_cast<std::size_t>((line * 0x9E3779B97F4A7C15ull) >> shift_);
    while (table_[slot].node != kEmpty && table_[slot].key != line) slot = (slot + 1) & mask;
    return slot;
}

void LruShadow::grow() {
    std::vector<Slot> old(table_.size() * 2, Slot{});
    old.swap(table_);
    --shift_;
    for (const Slot& e : old)
        if (e.node != kEmpty) table_[slotOf(e.key)] = e;
}

std::size_t LruShadow::addSeen(std::size_t slot, std::uint64_t line) {
    if ((used_ + 1) * 2 > table_.size()) {  // at most half full
        grow();
        slot = slotOf(line);
    }
    table_[slot] = Slot{line, kNone};
    ++used_;
    return slot;
}

void LruShadow::unlink(std::uint32_t node) {
    const std::uint32_t p = nodes_[node].prev, n = nodes_[node].next;
    (p == kNone ? head_ : nodes_[p].next) = n;
    (n == kNone ? tail_ : nodes_[n].prev) = p;
}

void LruShadow::pushFront(std::uint32_t node) {
    nodes_[node].prev = kNone;
    nodes_[node].next = head_;
    if (head_ != kNone) nodes_[head_].prev = node;
    head_ = node;
    if (tail_ == kNone) tail_ = node;
}

LruShadow::Result LruShadow::accessTop(std::uint64_t line) {
    // Moves top_[0..p) one place down and puts (line, node) in front. Unrolled by hand: as a loop
    // GCC made it a memmove call.
    auto toFront = [this](std::uint32_t p, std::uint64_t newLine, std::uint32_t node) __attribute__((always_inline)) {
        static_assert(kTop == 4);
        if (p >= 3) {
            top_[3] = top_[2];
            topNode_[3] = topNode_[2];
        }
        if (p >= 2) {
            top_[2] = top_[1];
            topNode_[2] = topNode_[1];
        }
        if (p >= 1) {
            top_[1] = top_[0];
            topNode_[1] = topNode_[0];
        }
        top_[0] = newLine;
        topNode_[0] = node;
    };
    // Past top_: its own function, so a hit in top_ does not pay for the registers this needs.
    auto beyondTop = [this, toFront](std::uint64_t key) __attribute__((noinline)) {
        std::size_t slot = slotOf(key);
        Result r;
        if (table_[slot].node == kEmpty) {  // never seen: remember it (not yet in the shadow)
            r.firstReference = true;
            slot = addSeen(slot, key);
        }
        std::uint32_t node = table_[slot].node;
        if (node != kNone) {  // in the list (not in top_: looked there first): a hit
            r.hit = true;
            unlink(node);
        } else if (nodes_.size() < capacity_) {  // room left: a new node
            node = static_cast<std::uint32_t>(nodes_.size());
            nodes_.push_back(Node{key, kNone, kNone});
        } else {  // full: reuse the least recent line's node (the list's tail, or top_'s last)
            if (tail_ != kNone) {
                node = tail_;
                unlink(node);
            } else {
                node = topNode_[--topCount_];
            }
            table_[slotOf(nodes_[node].line)].node = kNone;
            nodes_[node].line = key;
        }
        // To the front of top_; its least recent line (if top_ is full) goes to the front of the list.
        std::uint32_t p = topCount_;
        if (p == kTop) pushFront(topNode_[--p]);
        else ++topCount_;
        toFront(p, key, node);
        table_[slot].node = node;  // slotOf(key) is unchanged: nothing was inserted or moved since
        return r;
    };
    if (top_[0] == line && topCount_ != 0) return {false, true};  // a repeat: nothing moves
    for (std::uint32_t p = 1; p < topCount_; ++p)
        if (top_[p] == line) {  // among the kTop most recent (<= capacity): a hit; to the front
            toFront(p, line, topNode_[p]);
            return {false, true};
        }
    return beyondTop(line);
}

LruShadow::Result LruShadow::access(std::uint64_t line) {
    if (capacity_ >= kTop) return accessTop(line);
    if (head_ != kNone && nodes_[head_].line == line) return {false, true};  // a repeat: nothing moves
    std::size_t slot = slotOf(line);
    Result r;
    if (table_[slot].node == kEmpty) {  // never seen: remember it (not yet in the list)
        r.firstReference = true;
        slot = addSeen(slot, line);
    }
    std::uint32_t node = table_[slot].node;
    if (node != kNone) {  // in the shadow: a hit, move to the front
        r.hit = true;
        if (node != head_) {
            unlink(node);
            pushFront(node);
        }
        return r;
    }
    if (nodes_.size() < capacity_) {  // room left: a new node
        node = static_cast<std::uint32_t>(nodes_.size());
        nodes_.push_back(Node{line, kNone, kNone});
    } else {  // full: reuse the least recent line's node
        node = tail_;
        unlink(node);
        table_[slotOf(nodes_[node].line)].node = kNone;
        nodes_[node].line = line;
    }
    pushFront(node);
    table_[slot].node = node;  // slotOf(line) is unchanged: nothing was inserted or moved since
    return r;
}

void LruShadow::remember(std::uint64_t line) {
    const std::size_t slot = slotOf(line);
    if (table_[slot].node == kEmpty) addSeen(slot, line);
}

std::vector<std::uint64_t> LruShadow::contents() const {
    std::vector<std::uint64_t> out(top_, top_ + topCount_);
    for (std::uint32_t n = head_; n != kNone; n = nodes_[n].next) out.push_back(nodes_[n].line);
    return out;
}

// ---- MissClassifier -----------------------------------------------------------------------------

MissClassifier::MissClassifier(const Hierarchy& hierarchy) : slots_(hierarchy.attributionSlots()) {
    perCache_.reserve(hierarchy.caches().size());
    for (const Cache& c : hierarchy.caches()) perCache_.push_back({LruShadow(c.config().lines()), {}, {}, false});
    perSlot_.assign(perCache_.size() * slots_, {});
}

MissClassifier::MissClassifier(const Hierarchy& hierarchy, std::vector<LruShadow> shadows)
    : slots_(hierarchy.attributionSlots()) {
    assert(shadows.size() == hierarchy.caches().size());
    perCache_.reserve(shadows.size());
    for (LruShadow& s : shadows) perCache_.push_back({std::move(s), {}, {}, false});
    perSlot_.assign(perCache_.size() * slots_, {});
}

namespace {
MissClass classOf(const LruShadow::Result& shadow) {
    return shadow.firstReference ? MissClass::Compulsory : shadow.hit ? MissClass::Conflict : MissClass::Capacity;
}
}  // namespace

void MissClassifier::count(std::uint32_t cache, PerCache& pc, MissClass c, std::uint32_t slot) {
    pc.counts.add(c);
    pc.last = c;
    if (slots_ != 0 && slot < slots_) perSlot_[std::size_t{cache} * slots_ + slot].add(c);
}

void MissClassifier::onCacheAccess(const CacheEvent& e) {
    PerCache& pc = perCache_[e.cache];
    const LruShadow::Result shadow = pc.shadow.access(e.line);
    pc.lastMissed = !e.hit;
    if (!e.hit) count(e.cache, pc, classOf(shadow), e.slot);
}

[[gnu::flatten]] void MissClassifier::onArrivals(std::uint32_t cache, std::span<const std::uint64_t> lines,
                                std::span<const ArrivalMiss> misses) {
    // The same steps as onCacheAccess, arrival by arrival: the hits between two misses only
    // update the shadow. A hit on the line that arrived just before changes nothing (that line is
    // the shadow's most recent): skipped without a call (a read then a write of one word, say).
    PerCache& pc = perCache_[cache];
    LruShadow& shadow = pc.shadow;
    std::size_t i = 0;
    auto hits = [&shadow, lines](std::size_t from, std::size_t to) {
        for (std::size_t j = from; j < to; ++j)
            if (j == 0 || lines[j] != lines[j - 1]) shadow.access(lines[j]);
    };
    for (const ArrivalMiss& m : misses) {
        hits(i, m.index);
        i = m.index;
        count(cache, pc, classOf(shadow.access(lines[i])), m.slot);
        ++i;
    }
    hits(i, lines.size());
    if (!lines.empty()) pc.lastMissed = !misses.empty() && misses.back().index == lines.size() - 1;
}

void MissClassifier::resetCounts() {
    for (PerCache& pc : perCache_) {
        pc.counts = {};
        pc.last.reset();
        pc.lastMissed = false;
    }
    std::fill(perSlot_.begin(), perSlot_.end(), MissClassCounts{});
}

}  // namespace cachescope
