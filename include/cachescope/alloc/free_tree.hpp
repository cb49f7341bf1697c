#pragma once
// The free blocks of a heap, in address order, in a two-level B-tree: blocks sit sorted by address
// in chunks of up to 32 (two flat arrays each: addresses, sizes), and a directory lists the chunks
// in address order with each one's first address, largest block and number of blocks. Nodes are
// array slots, not pointers, so copying it is a few vector copies. That gives:
//
//   - the lowest-addressed block at or above an address that is at least N bytes and passes a
//     test (first fit, next fit from the rover, a cached block's lookup): chunks whose
//     largest block is too small are skipped whole, the first that has one is scanned;
//   - the rank of an address (how many free blocks lie below it): the number of blocks a linear
//     walk of an address-ordered free list would have visited, so `search steps` keep their
//     textbook meaning while the search itself skips whole chunks;
//   - the largest free block, kept up to date, for external fragmentation.
//
// Finding an address is a binary search of the directory and one of a chunk, written so that the
// CPU has no branch to mispredict on the way down (a treap's descent mispredicted about half of
// its levels, which cost more than its instructions). Inserting shifts at most 31 entries of one
// chunk; a full chunk splits in two, a nearly empty one merges with a neighbour. The directory is
// scanned linearly where a sum or a skip needs it (rank, firstFit): O(n/32) chunk summaries, a
// few for the hundreds of free blocks a heap has, and never a pointer chase.
//
// carve() and release() implement the two operations every allocator over it needs: take a
// block out of a free one (the gap before it and the rest after it stay free), and give a block
// back, merging it with free neighbours on both sides (immediate coalescing) but never across
// the bounds given (a segment of the caching pool merges only with pieces of the same segment).
// Every result depends on the blocks only, not on the layout in chunks.

#include <cstdint>
#include <vector>

namespace cachescope::alloc {

class FreeBlockTree {
public:
    /// Where a block is in the tree; valid until the tree next changes.
    struct Pos {
        std::size_t chunk = 0;    // directory position
        std::uint32_t index = 0;  // in the chunk; == its count: past its last block
    };
    struct Block {
        std::uint64_t address = 0;
        std::uint64_t size = 0;  // 0 = none
        explicit operator bool() const { return size != 0; }
    };

    std::size_t size() const { return blocks_; }
    bool empty() const { return blocks_ == 0; }
    std::uint64_t totalBytes() const { return total_; }
    std::uint64_t largest() const { return largest_; }

    void insert(std::uint64_t address, std::uint64_t size);  // size > 0; no overlap (not checked)
    void erase(std::uint64_t address);                       // a block that is there
    /// Moves and resizes the block at `address` in place; the new extent must keep the address
    /// order (no other free block between the old and the new address).
    void resize(std::uint64_t address, std::uint64_t newAddress, std::uint64_t newSize);
    /// The block starting at `address`, or none.
    Block find(std::uint64_t address) const;
    /// The block with the highest address below `address`, or none.
    Block before(std::uint64_t address) const;
    /// The block with the lowest address at or above `address`, or none.
    Block atOrAfter(std::uint64_t address) const;
    Block last() const;
    /// Blocks whose address is below `address`.
    std::size_t rank(std::uint64_t address) const;

    /// The lowest-addressed block at or above `from` with size >= minSize for which fits(address,
    /// size) holds; fits must imply size >= minSize.
    template <class Fits>
    Block firstFit(std::uint64_t from, std::uint64_t minSize, Fits&& fits) const {
        std::size_t rank = 0;
        return firstFit(from, minSize, fits, rank);
    }
    /// The same, and the block's rank (the blocks below it) in `rank`.
    template <class Fits>
    Block firstFit(std::uint64_t from, std::uint64_t minSize, Fits&& fits, std::size_t& rank) const {
        Pos where;
        return firstFit(from, minSize, fits, rank, where);
    }
    /// The same, and where the block is in `where` (for carve() without a second search).
    template <class Fits>
    Block firstFit(std::uint64_t from, std::uint64_t minSize, Fits&& fits, std::size_t& rank, Pos& where) const {
        rank = 0;
        if (id_.empty()) return {};
        std::size_t p = chunkOf(from);
        for (std::size_t q = 0; q < p; ++q) rank += n_[q];
        std::uint32_t i = indexIn(chunks_[id_[p]], n_[p], from);
        for (; p < id_.size(); ++p, i = 0) {
            if (max_[p] >= minSize) {
                const Chunk& c = chunks_[id_[p]];
                for (std::uint32_t j = i; j < n_[p]; ++j)
                    if (c.size[j] >= minSize && fits(c.address[j], c.size[j])) {
                        rank += j;
                        where = {p, j};
                        return {c.address[j], c.size[j]};
                    }
            }
            rank += n_[p];
        }
        return {};
    }

    /// Takes [start, start + size) out of the free block at `blockAddress`, which holds it; the
    /// pieces before and after stay free.
    void carve(std::uint64_t blockAddress, std::uint64_t start, std::uint64_t size);
    /// The same for a block known to be in the tree as it is (saves looking it up).
    void carve(Block block, std::uint64_t start, std::uint64_t size);
    /// The same for the free block that holds [start, start + size), found by the one search
    /// (for a caller that knows where its block goes, not which free block holds it); returns it as
    /// it was.
    Block carveContaining(std::uint64_t start, std::uint64_t size);
    /// The same for a block firstFit() found at `where`, the tree unchanged since.
    void carve(Pos where, Block block, std::uint64_t start, std::uint64_t size) { carveAt(where, block, start, size); }
    /// Frees [address, address + size), merging with a free block ending at `address` if it is at
    /// or above `low`, and one starting at the end if that end is below `high`. Returns the block
    /// it became; `absorbed`, if given (two blocks), gets the free neighbours merged into it
    /// (before, after; none where there was none).
    Block release(std::uint64_t address, std::uint64_t size, std::uint64_t low = 0,
                  std::uint64_t high = ~std::uint64_t{0}, Block* absorbed = nullptr);

    /// Every block in address order.
    template <class F>
    void forEach(F&& f) const {
        for (std::size_t p = 0; p < id_.size(); ++p)
            for (std::uint32_t j = 0; j < n_[p]; ++j) f(chunks_[id_[p]].address[j], chunks_[id_[p]].size[j]);
    }

private:
    static constexpr std::uint32_t kChunk = 32;
    struct Chunk {
        std::uint64_t address[kChunk];
        std::uint64_t size[kChunk];
    };
    /// The directory position of the last chunk whose first address is <= address (0 if none is).
    std::size_t chunkOf(std::uint64_t address) const;
    /// How many of the chunk's first n addresses are below `address` (n >= 1).
    static std::uint32_t indexIn(const Chunk& c, std::uint32_t n, std::uint64_t address);
    Pos locate(std::uint64_t address) const;
    Block at(Pos p) const { return {chunks_[id_[p.chunk]].address[p.index], chunks_[id_[p.chunk]].size[p.index]}; }
    void setAt(Pos p, std::uint64_t newAddress, std::uint64_t newSize);
    /// Inserts a block at `at` (as locate(address) gives it; the directory is not empty).
    void insertAt(Pos at, std::uint64_t address, std::uint64_t size);
    void carveAt(Pos at, Block b, std::uint64_t start, std::uint64_t size);
    void eraseAt(Pos p);
    std::uint32_t newChunk();  // a chunk slot for the directory: a spare one, else a new one
    void splitChunk(std::size_t p);
    void mergeInto(std::size_t p);  // chunk p + 1's blocks move to chunk p, which must hold them
    void dropChunk(std::size_t p);
    void chunkMax(std::size_t p);
    void shrank(std::uint64_t oldSize);  // a block of oldSize got smaller or left: largest_ may fall

    std::vector<Chunk> chunks_;
    std::vector<std::uint32_t> spare_;  // chunk slots not in the directory
    // The directory, by address: chunk slot, first address, largest block, number of blocks.
    std::vector<std::uint32_t> id_;
    std::vector<std::uint64_t> first_, max_;
    std::vector<std::uint32_t> n_;
    std::size_t blocks_ = 0;
    std::uint64_t total_ = 0;
    std::uint64_t largest_ = 0;
};

}  // namespace cachescope::alloc
