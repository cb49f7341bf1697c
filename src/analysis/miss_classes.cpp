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
    keys_.assign(1024, 0);
    nodeOf_.assign(1024, kEmpty);
}

std::size_t LruShadow::slotOf(std::uint64_t line) const {
    const std::size_t mask = keys_.size() - 1;
    // Fibonacci hashing: the high bits of the product spread consecutive lines over the table.
    const auto shift = static_cast<unsigned>(64 - std::countr_zero(keys_.size()));
    auto slot = static_cast<std::size_t>((line * 0x9E3779B97F4A7C15ull) >> shift);
    while (nodeOf_[slot] != kEmpty && keys_[slot] != line) slot = (slot + 1) & mask;
    return slot;
}

void LruShadow::grow() {
    std::vector<std::uint64_t> keys(keys_.size() * 2, 0);
    std::vector<std::uint32_t> nodes(keys_.size() * 2, kEmpty);
    keys.swap(keys_);
    nodes.swap(nodeOf_);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (nodes[i] == kEmpty) continue;
        const std::size_t slot = slotOf(keys[i]);
        keys_[slot] = keys[i];
        nodeOf_[slot] = nodes[i];
    }
}

void LruShadow::unlink(std::uint32_t node) {
    const std::uint32_t p = prev_[node], n = next_[node];
    (p == kNone ? head_ : next_[p]) = n;
    (n == kNone ? tail_ : prev_[n]) = p;
}

void LruShadow::pushFront(std::uint32_t node) {
    prev_[node] = kNone;
    next_[node] = head_;
    if (head_ != kNone) prev_[head_] = node;
    head_ = node;
    if (tail_ == kNone) tail_ = node;
}

LruShadow::Result LruShadow::access(std::uint64_t line) {
    std::size_t slot = slotOf(line);
    Result r;
    if (nodeOf_[slot] == kEmpty) {  // never seen: remember it (not yet in the list)
        r.firstReference = true;
        if ((used_ + 1) * 2 > keys_.size()) {
            grow();
            slot = slotOf(line);
        }
        keys_[slot] = line;
        nodeOf_[slot] = kNone;
        ++used_;
    }
    std::uint32_t node = nodeOf_[slot];
    if (node != kNone) {  // in the shadow: a hit, move to the front
        r.hit = true;
        if (node != head_) {
            unlink(node);
            pushFront(node);
        }
        return r;
    }
    if (nodeLine_.size() < capacity_) {  // room left: a new node
        node = static_cast<std::uint32_t>(nodeLine_.size());
        nodeLine_.push_back(line);
        prev_.push_back(kNone);
        next_.push_back(kNone);
    } else {  // full: reuse the least recent line's node
        node = tail_;
        unlink(node);
        nodeOf_[slotOf(nodeLine_[node])] = kNone;
        nodeLine_[node] = line;
    }
    pushFront(node);
    nodeOf_[slot] = node;  // slotOf(line) is unchanged: nothing was inserted or moved since
    return r;
}

std::vector<std::uint64_t> LruShadow::contents() const {
    std::vector<std::uint64_t> out;
    for (std::uint32_t n = head_; n != kNone; n = next_[n]) out.push_back(nodeLine_[n]);
    return out;
}

// ---- MissClassifier -----------------------------------------------------------------------------

MissClassifier::MissClassifier(const Hierarchy& hierarchy) : slots_(hierarchy.attributionSlots()) {
    perCache_.reserve(hierarchy.caches().size());
    for (const Cache& c : hierarchy.caches()) perCache_.push_back({LruShadow(c.config().lines()), {}, {}, false});
    perSlot_.assign(perCache_.size() * slots_, {});
}

void MissClassifier::onCacheAccess(const CacheEvent& e) {
    PerCache& pc = perCache_[e.cache];
    const LruShadow::Result shadow = pc.shadow.access(e.line);
    pc.lastMissed = !e.hit;
    if (e.hit) return;
    const MissClass c = shadow.firstReference ? MissClass::Compulsory
                        : shadow.hit          ? MissClass::Conflict
                                              : MissClass::Capacity;
    pc.counts.add(c);
    pc.last = c;
    if (slots_ != 0 && e.slot < slots_) perSlot_[std::size_t{e.cache} * slots_ + e.slot].add(c);
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
