#include "cachescope/alloc/plan_index.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <functional>

#include "cachescope/alloc/allocator.hpp"
#include "cachescope/alloc/planned.hpp"

namespace cachescope::alloc {

namespace {

/// The last index in [0, n) whose offset (offsetAt(index), nondecreasing) is at or below
/// `offset`, else 0: a binary search without branches to mispredict (a conditional move per
/// step), for the insertion's two searches (the chunk in a directory, the place in a chunk).
template <typename OffsetAt>
std::size_t lastAtOrBelow(std::size_t n, std::uint64_t offset, OffsetAt offsetAt) {
    std::size_t p = 0;
    for (std::size_t len = n; len > 1;) {
        const std::size_t half = len / 2;
        p = offsetAt(p + half) <= offset ? p + half : p;
        len -= half;
    }
    return p;
}

}  // namespace

PlanIndex::PlanIndex(std::uint64_t lastEvent, unsigned bucketShift)
    : shift_(bucketShift), buckets_((lastEvent >> bucketShift) + 1) {}

std::uint32_t PlanIndex::newChunk() {
    if (!freeChunks_.empty()) {
        const std::uint32_t id = freeChunks_.back();
        freeChunks_.pop_back();
        return id;
    }
    chunks_.emplace_back();
    return static_cast<std::uint32_t>(chunks_.size() - 1);
}

void PlanIndex::retire(std::uint64_t event) {
    Directory& dir = buckets_[event >> shift_];
    if (dir.capacity() == 0) return;
    for (const Summary& s : dir) freeChunks_.push_back(s.chunk);
    dir.clear();
    freeDirs_.push_back(std::move(dir));
    dir = Directory{};
}

std::uint64_t PlanIndex::lowestFit(std::uint64_t a, std::uint64_t b, std::uint64_t size, std::uint64_t align) {
    assert(size > 0 && a <= b && (b >> shift_) < buckets_.size());
    const std::uint64_t ka = a >> shift_, n = (b >> shift_) - ka + 1;
    cursor_.assign(n, Cursor{});
    std::uint64_t x = 0;
    // Walk the buckets in turn, each from where it stopped; x is final once n in a row have been
    // walked without moving it.
    for (std::uint64_t k = 0, clear = 0; clear < n; k = k + 1 == n ? 0 : k + 1) {
        const Directory& dir = buckets_[ka + k];
        Cursor& at = cursor_[k];
        const std::uint64_t before = x;
        // The cursor in locals (the stores through `at` would otherwise be kept in every step).
        std::size_t chunk = at.chunk;
        std::uint32_t entry = at.entry;
        const std::size_t chunks = dir.size();
        for (; chunk < chunks; ++chunk, entry = 0) {
            const Summary& s = dir[chunk];
            if (s.offset >= x + size) break;  // this chunk and the next start above the window
            if (s.end <= x) continue;         // everything in it ends at or below x
            if (s.maxFirst <= b && s.minLast >= a && s.hole < size) {
                x = alignUp(s.end, align);  // all conflicts, no hole for the window: past them all
                continue;
            }
            const Chunk& c = chunks_[s.chunk];
            const std::uint32_t count = s.count;
            std::uint64_t top = x + size;
            for (; entry < count; ++entry) {
                if (c.e[entry].offset >= top) break;
                const std::uint64_t end = c.e[entry].end;
                if (end > x && c.e[entry].first <= b && c.e[entry].last >= a) {
                    x = alignUp(end, align);
                    top = x + size;
                }
            }
            if (entry < count) break;
        }
        at.chunk = chunk;
        at.entry = entry;
        clear = x == before ? clear + 1 : 1;
    }
    return x;
}

void PlanIndex::insert(std::uint64_t offset, std::uint64_t end, std::uint64_t first, std::uint64_t last) {
    assert(offset < end && first <= last && (last >> shift_) < buckets_.size());
    for (std::uint64_t k = first >> shift_; k <= last >> shift_; ++k) insertInto(buckets_[k], offset, end, first, last);
}

void PlanIndex::summarize(Summary& s, const Chunk& c) {
    s.offset = c.e[0].offset;
    s.end = c.e[0].end;
    s.maxFirst = c.e[0].first;
    s.minLast = c.e[0].last;
    s.hole = 0;
    s.holeAt = 0;
    for (std::uint32_t j = 1; j < s.count; ++j) {
        if (c.e[j].offset > s.end && c.e[j].offset - s.end > s.hole) {
            s.hole = c.e[j].offset - s.end;
            s.holeAt = s.end;
        }
        s.end = std::max(s.end, c.e[j].end);
        s.maxFirst = std::max(s.maxFirst, c.e[j].first);
        s.minLast = std::min(s.minLast, c.e[j].last);
    }
}

void PlanIndex::insertInto(Directory& dir, std::uint64_t offset, std::uint64_t end, std::uint64_t first,
                           std::uint64_t last) {
    if (dir.empty()) {
        if (dir.capacity() == 0 && !freeDirs_.empty()) {  // a retired bucket's directory
            dir = std::move(freeDirs_.back());
            freeDirs_.pop_back();
        }
        dir.push_back(Summary{offset, end, first, last, 0, 0, newChunk(), 0});
    }
    // The last chunk whose lowest offset is at or below this one (else the first).
    std::size_t p = lastAtOrBelow(dir.size(), offset, [&dir](std::size_t j) { return dir[j].offset; });
    if (dir[p].count == kChunk) {  // full: its upper half moves to a new chunk after it
        constexpr std::uint32_t half = kChunk / 2;
        const std::uint32_t id = newChunk();  // before the references: it may move the chunks
        Chunk& lo = chunks_[dir[p].chunk];
        Chunk& hi = chunks_[id];
        std::copy_n(lo.e + half, half, hi.e);
        Summary s{0, 0, 0, 0, 0, 0, id, half};
        summarize(s, hi);
        dir[p].count = half;
        summarize(dir[p], lo);
        dir.insert(dir.begin() + static_cast<std::ptrdiff_t>(p) + 1, s);
        if (offset >= s.offset) ++p;
    }
    Summary& s = dir[p];
    Chunk& c = chunks_[s.chunk];
    // After the entries at or below this offset (the same search).
    std::uint32_t i = 0;
    if (s.count > 0) {
        i = static_cast<std::uint32_t>(lastAtOrBelow(s.count, offset, [&c](std::size_t j) { return c.e[j].offset; }));
        i += c.e[i].offset <= offset ? 1 : 0;
    }
    std::copy_backward(c.e + i, c.e + s.count, c.e + s.count + 1);
    c.e[i] = Chunk::Entry{offset, end, first, last};
    ++s.count;
    // The summary, updated without a pass over the chunk where that is exact: a tensor beside the
    // union's span adds at most the gap between them as a hole; one that meets a union with no
    // hole leaves it with none. Only one that lands among holes needs the pass.
    if (s.count == 1) {
        summarize(s, c);
    } else if (offset >= s.end) {
        if (offset - s.end > s.hole) {
            s.hole = offset - s.end;
            s.holeAt = s.end;
        }
        s.end = end;
    } else if (end <= s.offset) {
        if (s.offset - end > s.hole) {
            s.hole = s.offset - end;
            s.holeAt = end;
        }
        s.offset = offset;
    } else if (s.hole == 0 || end <= s.holeAt || offset >= s.holeAt + s.hole) {
        // Inside the span, clear of the largest gap: the others only shrink.
        s.offset = std::min(s.offset, offset);
        s.end = std::max(s.end, end);
    } else {
        summarize(s, c);
        return;
    }
    s.maxFirst = std::max(s.maxFirst, first);
    s.minLast = std::min(s.minLast, last);
}

std::uint64_t planGreedy(std::vector<PlannedAllocator::Tensor>& t) {
    using Tensor = PlannedAllocator::Tensor;
    const std::size_t n = t.size();
    if (n == 0) return 0;
    checkPlanSize(n);  // tensor numbers fit 31 bits (a list entry's 32nd is kMulti)
    std::uint64_t lastEvent = 0, lived = 0, maxSize = 0;
    bool inFirstOrder = true;  // first events never decrease with the tensor number (a trace's)
    for (std::size_t i = 0; i < n; ++i) {
        const Tensor& x = t[i];
        lastEvent = std::max(lastEvent, x.last);
        maxSize = std::max(maxSize, x.size);
        if (x.first <= x.last) lived += x.last - x.first + 1;
        if (i > 0 && x.first < t[i - 1].first) inFirstOrder = false;
    }
    // Buckets: a power of two of events, at least 1,024 and at least the mean lifetime; and no
    // more than about 4 per tensor (event numbers far beyond the tensors' count).
    unsigned shift = static_cast<unsigned>(
        std::countr_zero(std::bit_ceil(std::clamp<std::uint64_t>(lived / n, 1024, std::uint64_t{1} << 40))));
    // A ready key is (bucket << 32 | tensor): bucket numbers fit 32 bits as well.
    while ((lastEvent >> shift) > std::min<std::uint64_t>(4 * std::uint64_t{n}, 0xffffffffu)) ++shift;
    const std::size_t nb = (lastEvent >> shift) + 1;
    // The order of placement. A tensor's offset depends only on the tensors placed before it whose
    // lifetimes meet its own, so any order that keeps rank order (largest first; ties: the earlier
    // first event, then the earlier tensor) between every two tensors sharing a time bucket gives
    // the same offsets as rank order (docs/alloc.md "Speed"). Each bucket lists its tensors in
    // rank order; a tensor is ready when it heads the list of every bucket it touches, and a ready
    // tensor of the earliest bucket goes next: a sweep over time, so the buckets a search reads
    // are the few around the sweep, still in the CPU caches. Two ready tensors share no bucket
    // (each heads all of its lists), so the order among them does not change any offset.
    //
    // The lists are built in tensor order and each sorted on its own (about a thousand entries
    // in the caches, not one sort of every tensor), and hold tensor numbers, not ranks: tensors
    // come in trace order, so those a bucket lists lie near each other in `t`, and the sweep
    // reads and writes `t` near the current time (long-lived tensors aside), not at random.
    // Bucket k's list: list[start[k] .. start[k + 1]) (64-bit: a tensor may sit in several lists).
    std::vector<std::uint64_t> start(nb + 1, 0);
    std::uint64_t arena = 0;
    for (Tensor& x : t) {
        x.offset = 0;  // until placed: how many of its buckets' lists the tensor heads
        if (x.size == 0 || x.last < x.first) {  // overlaps nothing: offset 0, nothing to keep out
            arena = std::max(arena, x.size);
            continue;
        }
        for (std::uint64_t k = x.first >> shift; k <= x.last >> shift; ++k) ++start[k + 1];
    }
    for (std::size_t k = 0; k < nb; ++k) start[k + 1] += start[k];
    // A list entry is a tensor number, with kMulti set if the tensor touches more than one bucket
    // (only those need their lifetime read to become ready).
    constexpr std::uint32_t kMulti = std::uint32_t{1} << 31;
    std::vector<std::uint32_t> list(start[nb]);
    std::vector<std::uint64_t> head(start.begin(), start.end() - 1);
    for (std::uint32_t i = 0; i < n; ++i) {
        const Tensor& x = t[i];
        if (x.size == 0 || x.last < x.first) continue;
        const std::uint64_t ka = x.first >> shift, kb = x.last >> shift;
        const std::uint32_t entry = ka == kb ? i : i | kMulti;
        for (std::uint64_t k = ka; k <= kb; ++k) list[head[k]++] = entry;
    }
    // Each list into rank order. Tensors in trace order (first events in tensor order, as
    // PlannedAllocator::prepare makes them) tie by tensor number alone, which is their place in
    // the list: then one 64-bit key per entry, (largest size - size, place), when it fits.
    std::uint64_t longest = 0;
    for (std::size_t k = 0; k < nb; ++k) longest = std::max(longest, start[k + 1] - start[k]);
    const unsigned placeBits = static_cast<unsigned>(std::bit_width(longest));
    if (inFirstOrder && std::bit_width(maxSize) + placeBits <= 64) {
        std::vector<std::uint64_t> keys;
        std::vector<std::uint32_t> entries;
        const std::uint64_t placeMask = (std::uint64_t{1} << placeBits) - 1;
        for (std::size_t k = 0; k < nb; ++k) {
            entries.assign(list.begin() + start[k], list.begin() + start[k + 1]);
            keys.clear();
            for (std::uint32_t p = 0; p < entries.size(); ++p)
                keys.push_back((maxSize - t[entries[p] & ~kMulti].size) << placeBits | p);
            std::sort(keys.begin(), keys.end());
            for (std::size_t j = 0; j < keys.size(); ++j) list[start[k] + j] = entries[keys[j] & placeMask];
        }
    } else {
        struct Key {  // a flat rank key: the comparison reads no other memory
            std::uint64_t size, first;
            std::uint32_t index, entry;  // the tensor; its list entry (kMulti set or not)
        };
        std::vector<Key> keys;
        for (std::size_t k = 0; k < nb; ++k) {
            const auto from = list.begin() + start[k], to = list.begin() + start[k + 1];
            keys.clear();
            for (auto it = from; it != to; ++it) {
                const Tensor& x = t[*it & ~kMulti];
                keys.push_back(Key{x.size, x.first, *it & ~kMulti, *it});
            }
            std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
                if (a.size != b.size) return a.size > b.size;
                return a.first != b.first ? a.first < b.first : a.index < b.index;
            });
            std::transform(keys.begin(), keys.end(), from, [](const Key& key) { return key.entry; });
        }
    }
    std::copy(start.begin(), start.end() - 1, head.begin());
    PlanIndex index(lastEvent, shift);
    // The ready tensors, as (first bucket << 32 | tensor), the least first: the least of all in
    // `next` when it is known (most often the new head of the bucket just placed into, which
    // then never enters the heap), the others in a min-heap.
    std::vector<std::uint64_t> ready;
    constexpr std::uint64_t kNone = ~std::uint64_t{0};
    std::uint64_t next = kNone;
    auto push = [&](std::uint64_t key) {
        if (next == kNone) {
            if (ready.empty() || key < ready.front()) {
                next = key;
                return;
            }
        } else if (key < next) {
            std::swap(key, next);  // (next stays below everything in the heap)
        }
        ready.push_back(key);
        std::push_heap(ready.begin(), ready.end(), std::greater<>{});
    };
    auto headed = [&](std::uint32_t entry, std::uint64_t k) {  // `entry` heads bucket k's list
        const std::uint32_t i = entry & ~kMulti;
        Tensor& x = t[i];
        if (entry & kMulti) {
            k = x.first >> shift;
            if (++x.offset != (x.last >> shift) - k + 1) return;
        } else {
            __builtin_prefetch(&x);  // read when it is placed
        }
        push(k << 32 | i);
    };
    for (std::size_t k = 0; k < nb; ++k)
        if (start[k] < start[k + 1]) headed(list[start[k]], k);
    while (next != kNone || !ready.empty()) {
        std::uint64_t key = next;
        next = kNone;
        if (key == kNone) {
            std::pop_heap(ready.begin(), ready.end(), std::greater<>{});
            key = ready.back();
            ready.pop_back();
        }
        const std::uint32_t i = static_cast<std::uint32_t>(key);
        Tensor& x = t[i];
        x.offset = index.lowestFit(x.first, x.last, x.size, std::max(x.align, kGranule));
        arena = std::max(arena, x.offset + x.size);
        index.insert(x.offset, x.offset + x.size, x.first, x.last);
        for (std::uint64_t k = x.first >> shift; k <= x.last >> shift; ++k) {
            if (++head[k] < start[k + 1]) {
                headed(list[head[k]], k);
                if (head[k] + 1 < start[k + 1]) __builtin_prefetch(&t[list[head[k] + 1] & ~kMulti]);
            } else {
                index.retire(k << shift);  // every tensor touching it is placed
            }
        }
    }
    return arena;
}

}  // namespace cachescope::alloc
