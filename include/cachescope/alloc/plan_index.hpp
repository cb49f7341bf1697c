#pragma once
// The index behind planGreedy (planned.hpp): the tensors placed so far, kept so that the next
// one's offset, the lowest aligned x where [x, x + size) overlaps no placed tensor live at some
// event of its lifetime [a, b], is found without looking at most of the tensors below it.
//
// Time is cut into buckets of a power of two of events (at least 1,024, and at least the mean
// lifetime, so that a typical lifetime touches one or two; never more than about 4 per tensor). Each bucket holds every placed tensor
// whose lifetime touches it, ordered by offset, in chunks of up to 32 entries (offset, end, first
// and last event side by side) under a directory of chunk summaries: lowest offset, highest
// end, the latest first event and the earliest last event, and the largest hole in the union of
// the chunk's tensors.
//
// The search walks the buckets [a, b] touches, each in offset order from where it last stopped,
// and keeps x, the lowest offset not yet ruled out (it starts at 0 and only grows):
//   - a tensor live in [a, b] that overlaps [x, x + size) rules out every aligned offset below its
//     end (it starts below x + size, so it overlaps [x', x' + size) for every x' in [x, end)):
//     x jumps to alignUp(end);
//   - a chunk whose highest end is at or below x cannot move x: skipped whole;
//   - a chunk whose tensors are all live in [a, b] (latest first <= b, earliest last >= a) and
//     whose union has no hole of `size` bytes or more rules out everything below its highest end
//     once it meets the window: x jumps over it whole (a stack of tensors all live at once);
//   - a bucket's walk stops at the first tensor starting at or above x + size.
// x is final when every bucket in turn has been walked without moving it: then no tensor live in
// [a, b] overlaps [x, x + size), and no aligned offset below x was free, so x is exactly the
// offset a scan of all conflicts sorted by offset gives, for any sizes and alignments. Placing
// the largest first (every placed tensor is at least `size` bytes) is what makes the walk short:
// the tensors below x that a jump passes are skipped, not visited.
//
// Summaries are kept up to date on insertion without a pass over the chunk, except when a tensor
// lands inside the chunk's largest hole (its start is kept for that test).
//
// planGreedy does not insert in rank order: it places a tensor once every larger one sharing one
// of its time buckets is placed, the earliest bucket first (a sweep over time), so each bucket
// still receives its tensors in rank order and every search sees exactly what it would in rank
// order, but the buckets it reads are the few around the sweep, in the CPU caches. A bucket
// whose tensors are all placed is retired: its chunks (one array shared by all buckets, free
// ones on a list) and its directory are reused by later buckets, so the index stays small.
//
// Cost: a tensor touches (b - a) / bucket + 1 or 2 buckets (insertion: a binary search and a shift
// of at most 31 entries in each; search: the chunks and entries walked). Not O(log n) in the worst
// case: a bucket walk can visit every chunk below the gap (docs/alloc.md "Speed" gives the figures
// for the adversarial cases).

#include <cstdint>
#include <vector>

namespace cachescope::alloc {

class PlanIndex {
public:
    /// Events 0..lastEvent, in buckets of 2^bucketShift events.
    PlanIndex(std::uint64_t lastEvent, unsigned bucketShift);

    /// The lowest multiple of `align` (a power of two) x such that [x, x + size) overlaps no
    /// inserted tensor whose lifetime meets [a, b] (a <= b <= lastEvent, size > 0). Exact for any
    /// sizes; fast when every inserted tensor is at least `size` bytes (largest first).
    std::uint64_t lowestFit(std::uint64_t a, std::uint64_t b, std::uint64_t size, std::uint64_t align);

    /// Places [offset, end) for the events first..last (first <= last <= lastEvent, offset < end).
    void insert(std::uint64_t offset, std::uint64_t end, std::uint64_t first, std::uint64_t last);

    /// The bucket of `event` will never be searched or inserted into again: its chunks and
    /// directory go to a pool that later buckets take from (planGreedy retires each bucket once
    /// every tensor touching it is placed, so the live index stays a few buckets). A search over
    /// a retired bucket would see it empty.
    void retire(std::uint64_t event);

    unsigned bucketShift() const { return shift_; }
    /// Chunks ever allocated (live or pooled): the index's peak size, for tests and measurement.
    std::size_t chunksAllocated() const { return chunks_.size(); }

private:
    static constexpr std::uint32_t kChunk = 32;
    struct Chunk {
        struct Entry {  // one tensor: the four read together, one move when an entry shifts
            std::uint64_t offset, end, first, last;
        } e[kChunk];
    };
    struct Summary {
        std::uint64_t offset;    // the chunk's lowest offset
        std::uint64_t end;       // its highest end
        std::uint64_t maxFirst;  // the latest first event of its tensors
        std::uint64_t minLast;   // the earliest last event
        std::uint64_t hole;      // the largest gap inside the union of its tensors
        std::uint64_t holeAt;    // where one such gap starts
        std::uint32_t chunk, count;
    };
    using Directory = std::vector<Summary>;  // a bucket's chunks, by offset
    struct Cursor {
        std::size_t chunk = 0;
        std::uint32_t entry = 0;
    };
    static void summarize(Summary& s, const Chunk& c);
    std::uint32_t newChunk();
    void insertInto(Directory& dir, std::uint64_t offset, std::uint64_t end, std::uint64_t first,
                    std::uint64_t last);

    unsigned shift_;
    std::vector<Directory> buckets_;
    std::vector<Chunk> chunks_;              // every bucket's chunks, by id (Summary::chunk)
    std::vector<std::uint32_t> freeChunks_;  // ids of retired buckets' chunks, reused first
    std::vector<Directory> freeDirs_;        // retired buckets' directories (their capacity)
    std::vector<Cursor> cursor_;  // lowestFit's scratch: where each bucket's walk stopped
};

}  // namespace cachescope::alloc
