#include "cachescope/alloc/plan_index.hpp"

#include <algorithm>
#include <bit>
#include <cassert>

#include "cachescope/alloc/allocator.hpp"
#include "cachescope/alloc/planned.hpp"

namespace cachescope::alloc {

PlanIndex::PlanIndex(std::uint64_t lastEvent, unsigned bucketShift)
    : shift_(bucketShift), buckets_((lastEvent >> bucketShift) + 1) {}

void PlanIndex::reserve(std::uint64_t event, std::size_t count) {
    Bucket& k = buckets_[event >> shift_];
    const std::size_t chunks = k.chunks.size() + count / (kChunk / 2) + 1;  // chunks are at least half full
    k.chunks.reserve(chunks);
    k.dir.reserve(chunks);
}

std::uint64_t PlanIndex::lowestFit(std::uint64_t a, std::uint64_t b, std::uint64_t size, std::uint64_t align) {
    assert(size > 0 && a <= b && (b >> shift_) < buckets_.size());
    const std::uint64_t ka = a >> shift_, n = (b >> shift_) - ka + 1;
    cursor_.assign(n, Cursor{});
    std::uint64_t x = 0;
    // Walk the buckets in turn, each from where it stopped; x is final once n in a row have been
    // walked without moving it.
    for (std::uint64_t k = 0, clear = 0; clear < n; k = k + 1 == n ? 0 : k + 1) {
        const Bucket& B = buckets_[ka + k];
        Cursor& at = cursor_[k];
        const std::uint64_t before = x;
        for (; at.chunk < B.dir.size(); ++at.chunk, at.entry = 0) {
            const Summary& s = B.dir[at.chunk];
            if (s.offset >= x + size) break;  // this chunk and the next start above the window
            if (s.end <= x) continue;         // everything in it ends at or below x
            if (s.maxFirst <= b && s.minLast >= a && s.hole < size) {
                x = alignUp(s.end, align);  // all conflicts, no hole for the window: past them all
                continue;
            }
            const Chunk& c = B.chunks[s.chunk];
            for (; at.entry < s.count; ++at.entry) {
                if (c.offset[at.entry] >= x + size) break;
                if (c.end[at.entry] > x && c.first[at.entry] <= b && c.last[at.entry] >= a)
                    x = alignUp(c.end[at.entry], align);
            }
            if (at.entry < s.count) break;
        }
        clear = x == before ? clear + 1 : 1;
    }
    return x;
}

void PlanIndex::insert(std::uint64_t offset, std::uint64_t end, std::uint64_t first, std::uint64_t last) {
    assert(offset < end && first <= last && (last >> shift_) < buckets_.size());
    for (std::uint64_t k = first >> shift_; k <= last >> shift_; ++k) insertInto(buckets_[k], offset, end, first, last);
}

void PlanIndex::summarize(Summary& s, const Chunk& c) {
    s.offset = c.offset[0];
    s.end = c.end[0];
    s.maxFirst = c.first[0];
    s.minLast = c.last[0];
    s.hole = 0;
    for (std::uint32_t j = 1; j < s.count; ++j) {
        if (c.offset[j] > s.end) s.hole = std::max(s.hole, c.offset[j] - s.end);
        s.end = std::max(s.end, c.end[j]);
        s.maxFirst = std::max(s.maxFirst, c.first[j]);
        s.minLast = std::min(s.minLast, c.last[j]);
    }
}

void PlanIndex::insertInto(Bucket& k, std::uint64_t offset, std::uint64_t end, std::uint64_t first,
                           std::uint64_t last) {
    if (k.dir.empty()) {
        k.chunks.emplace_back();
        k.dir.push_back(Summary{offset, end, first, last, 0, 0, 0});
    }
    // The last chunk whose lowest offset is at or below this one (else the first).
    std::size_t p = static_cast<std::size_t>(
        std::upper_bound(k.dir.begin(), k.dir.end(), offset,
                         [](std::uint64_t o, const Summary& s) { return o < s.offset; }) -
        k.dir.begin());
    p = p == 0 ? 0 : p - 1;
    if (k.dir[p].count == kChunk) {  // full: its upper half moves to a new chunk after it
        constexpr std::uint32_t half = kChunk / 2;
        const std::uint32_t id = static_cast<std::uint32_t>(k.chunks.size());
        k.chunks.emplace_back();
        Chunk& lo = k.chunks[k.dir[p].chunk];
        Chunk& hi = k.chunks[id];
        std::copy_n(lo.offset + half, half, hi.offset);
        std::copy_n(lo.end + half, half, hi.end);
        std::copy_n(lo.first + half, half, hi.first);
        std::copy_n(lo.last + half, half, hi.last);
        Summary s{0, 0, 0, 0, 0, id, half};
        summarize(s, hi);
        k.dir[p].count = half;
        summarize(k.dir[p], lo);
        k.dir.insert(k.dir.begin() + static_cast<std::ptrdiff_t>(p) + 1, s);
        if (offset >= s.offset) ++p;
    }
    Summary& s = k.dir[p];
    Chunk& c = k.chunks[s.chunk];
    const std::uint32_t i =
        static_cast<std::uint32_t>(std::upper_bound(c.offset, c.offset + s.count, offset) - c.offset);
    std::copy_backward(c.offset + i, c.offset + s.count, c.offset + s.count + 1);
    std::copy_backward(c.end + i, c.end + s.count, c.end + s.count + 1);
    std::copy_backward(c.first + i, c.first + s.count, c.first + s.count + 1);
    std::copy_backward(c.last + i, c.last + s.count, c.last + s.count + 1);
    c.offset[i] = offset;
    c.end[i] = end;
    c.first[i] = first;
    c.last[i] = last;
    ++s.count;
    summarize(s, c);
}

std::uint64_t planGreedy(std::vector<PlannedAllocator::Tensor>& t) {
    const std::size_t n = t.size();
    if (n == 0) return 0;
    // Largest first; ties: the earlier first event, then the earlier tensor. Sorted as flat keys
    // (the comparison reads no other memory).
    struct Key {
        std::uint64_t size, first;
        std::uint32_t index;
    };
    std::vector<Key> order(n);
    std::uint64_t lastEvent = 0, lived = 0;
    for (std::size_t i = 0; i < n; ++i) {
        order[i] = Key{t[i].size, t[i].first, static_cast<std::uint32_t>(i)};
        lastEvent = std::max(lastEvent, t[i].last);
        if (t[i].first <= t[i].last) lived += t[i].last - t[i].first + 1;
    }
    std::sort(order.begin(), order.end(), [](const Key& a, const Key& b) {
        if (a.size != b.size) return a.size > b.size;
        return a.first != b.first ? a.first < b.first : a.index < b.index;
    });
    // Buckets: a power of two of events, at least 1,024 and at least the mean lifetime; and no
    // more than about 4 per tensor (event numbers far beyond the tensors' count).
    unsigned shift = static_cast<unsigned>(
        std::countr_zero(std::bit_ceil(std::clamp<std::uint64_t>(lived / n, 1024, std::uint64_t{1} << 40))));
    while ((lastEvent >> shift) > 4 * n) ++shift;
    PlanIndex index(lastEvent, shift);
    {
        std::vector<std::uint32_t> touching((lastEvent >> shift) + 1, 0);
        for (const auto& x : t)
            for (std::uint64_t k = x.first >> shift; k <= x.last >> shift; ++k) ++touching[k];
        for (std::size_t k = 0; k < touching.size(); ++k) index.reserve(k << shift, touching[k]);
    }
    std::uint64_t arena = 0;
    for (const Key& key : order) {
        PlannedAllocator::Tensor& x = t[key.index];
        if (x.size == 0 || x.last < x.first) {  // overlaps nothing: offset 0, nothing to keep out
            x.offset = 0;
            arena = std::max(arena, x.size);
            continue;
        }
        x.offset = index.lowestFit(x.first, x.last, x.size, std::max(x.align, kGranule));
        arena = std::max(arena, x.offset + x.size);
        index.insert(x.offset, x.offset + x.size, x.first, x.last);
    }
    return arena;
}

}  // namespace cachescope::alloc
