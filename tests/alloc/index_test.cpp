// The allocators' indexes against std::set / std::map on random operations: SizeIndex (free
// blocks by (size, address), in size classes with a bitmap), FreeBlockTree (free blocks by
// address) and BlockMap (the hash table of live blocks and of best fit's boundary tags). Thousands of blocks, so classes hold several blocks and the tree's chunks split and
// merge; every query is compared with the answer of the sorted standard container.

#include <doctest/doctest.h>

#include <iterator>
#include <map>
#include <random>
#include <set>

#include "cachescope/alloc/block_map.hpp"
#include "cachescope/alloc/free_tree.hpp"
#include "cachescope/alloc/size_index.hpp"

using namespace cachescope::alloc;

namespace {

using Pair = std::pair<std::uint64_t, std::uint64_t>;  // (size, address)

SizeIndex::Key keyOf(std::set<Pair>::const_iterator it, const std::set<Pair>& s) {
    if (it == s.end()) return {};
    return {it->first, it->second};
}

void checkSame(SizeIndex::Key got, SizeIndex::Key want) {
    REQUIRE(got.size == want.size);
    REQUIRE(got.address == want.address);
}

}  // namespace

TEST_CASE("alloc SizeIndex: classes are monotonic in the size and split each power of two in 8") {
    CHECK(SizeIndex::classOf(0) == 0);
    CHECK(SizeIndex::classOf(7) == 7);
    CHECK(SizeIndex::classOf(8) == 8);
    CHECK(SizeIndex::classOf(15) == 15);
    CHECK(SizeIndex::classOf(16) == 16);    // 16..17 share a class: 16 / 8 = 2 per class
    CHECK(SizeIndex::classOf(17) == 16);
    CHECK(SizeIndex::classOf(18) == 17);
    CHECK(SizeIndex::classOf(1024) == SizeIndex::classOf(1151));
    CHECK(SizeIndex::classOf(1152) == SizeIndex::classOf(1024) + 1);
    CHECK(SizeIndex::classOf(~std::uint64_t{0}) == SizeIndex::kClasses - 1);
    unsigned last = 0;
    for (std::uint64_t s = 1; s < (std::uint64_t{1} << 40); s += 1 + s / 5) {
        const unsigned c = SizeIndex::classOf(s);
        REQUIRE(c >= last);
        REQUIRE(c < SizeIndex::kClasses);
        last = c;
    }
}

TEST_CASE("alloc SizeIndex: answers as a sorted set of (size, address) on random operations") {
    std::mt19937_64 rng(7);
    SizeIndex idx;
    std::set<Pair> ref;
    auto randomSize = [&] {
        switch (rng() % 4) {
            case 0: return 16 * (1 + rng() % 8);  // many equal sizes: one class holds many blocks
            case 1: return 1 + rng() % 5000;
            case 2: return std::uint64_t{1} << (rng() % 50);
            default: return 1 + (rng() >> (rng() % 64));
        }
    };
    for (int i = 0; i < 20000; ++i) {
        if (!ref.empty() && rng() % 5 < 2) {
            auto it = ref.begin();
            std::advance(it, static_cast<long>(rng() % ref.size()));
            idx.erase(it->first, it->second);
            ref.erase(it);
        } else {
            const Pair p{randomSize(), 16 * (rng() % 100000)};
            if (ref.insert(p).second) idx.insert(p.first, p.second);
        }
        REQUIRE(idx.size() == ref.size());
        const SizeIndex::Key probe{randomSize(), rng() % 2 ? 0 : 16 * (rng() % 100000)};
        const Pair q{probe.size, probe.address};
        checkSame(idx.lowerBound(probe), keyOf(ref.lower_bound(q), ref));
        checkSame(idx.after(probe), keyOf(ref.upper_bound(q), ref));
        const auto lb = ref.lower_bound(q);
        checkSame(idx.before(probe), lb == ref.begin() ? SizeIndex::Key{} : keyOf(std::prev(lb), ref));
        checkSame(idx.max(), ref.empty() ? SizeIndex::Key{} : keyOf(std::prev(ref.end()), ref));

        // The walks best and worst fit use, with a test that passes about one key in three: each
        // must stop at the key the sorted set gives and have shown exactly the keys before it.
        auto passes = [](std::uint64_t address) { return address % 48 == 0; };
        std::size_t shown = 0;
        const SizeIndex::Key ascending = idx.firstFrom(probe, [&](const SizeIndex::Key& k) {
            ++shown;
            return passes(k.address);
        });
        std::size_t wantShown = 0;
        auto up = ref.lower_bound(q);
        for (; up != ref.end(); ++up) {
            ++wantShown;
            if (passes(up->second)) break;
        }
        checkSame(ascending, keyOf(up, ref));
        REQUIRE(shown == wantShown);
        // Sizes from the largest down to probe.size, addresses ascending within a size; only
        // small keys pass, so the walk reaches the sizes many keys share.
        auto small = [&](std::uint64_t size, std::uint64_t address) { return size <= 128 && passes(address); };
        shown = 0;
        const SizeIndex::Key largest = idx.largestFirst(probe.size, [&](const SizeIndex::Key& k) {
            ++shown;
            return small(k.size, k.address);
        });
        SizeIndex::Key wantLargest;
        wantShown = 0;
        for (auto it = ref.rbegin(); it != ref.rend() && it->first >= probe.size && !wantLargest;) {
            const std::uint64_t len = it->first;
            for (auto k = ref.lower_bound({len, 0}); k != ref.end() && k->first == len; ++k) {
                ++wantShown;
                if (small(k->first, k->second)) {
                    wantLargest = {k->first, k->second};
                    break;
                }
            }
            while (it != ref.rend() && it->first == len) ++it;
        }
        checkSame(largest, wantLargest);
        REQUIRE(shown == wantShown);
    }
    CHECK(idx.sorted() == ref);
    SizeIndex copy = idx;  // a value: the copy answers alike
    checkSame(copy.max(), idx.max());
    CHECK(copy.sorted() == ref);
}

TEST_CASE("alloc FreeBlockTree: answers as an address-ordered map on random operations") {
    // At most one block in each 64-byte cell, at its start or 16 bytes in, 16..48 bytes long, so
    // no two overlap; thousands of them, so chunks of 32 split, empty and merge. A std::map
    // (address -> size) is the reference.
    std::mt19937_64 rng(11);
    FreeBlockTree tree;
    std::map<std::uint64_t, std::uint64_t> ref;
    std::uint64_t total = 0;
    auto randomCell = [&] { return 64 * (rng() % (rng() % 4 == 0 ? 200 : 6000)); };
    for (int i = 0; i < 30000; ++i) {
        const std::uint64_t a = randomCell();
        auto it = ref.lower_bound(a);  // the cell's block, if it has one
        if (it != ref.end() && it->first >= a + 64) it = ref.end();
        const unsigned what = static_cast<unsigned>(rng() % 6);
        if (it == ref.end()) {
            const std::uint64_t size = 16 * (1 + rng() % 3);
            tree.insert(a, size);
            ref[a] = size;
            total += size;
        } else if (what < 3) {
            total -= it->second;
            tree.erase(it->first);
            ref.erase(it);
        } else {
            // Move the start up by 0 or 16 and change the size, staying inside the cell.
            const std::uint64_t to = a + 16 * (rng() % 2);
            const std::uint64_t size = 16 * (1 + rng() % 2);
            total = total - it->second + size;
            tree.resize(it->first, to, size);
            ref.erase(it);
            ref[to] = size;
        }
        REQUIRE(tree.size() == ref.size());
        REQUIRE(tree.totalBytes() == total);
        std::uint64_t largest = 0;
        for (const auto& [addr, size] : ref) largest = std::max(largest, size);
        REQUIRE(tree.largest() == largest);

        const std::uint64_t q = randomCell() + 16 * (rng() % 4);
        const auto lb = ref.lower_bound(q);
        const FreeBlockTree::Block found = tree.find(q);
        const auto exact = ref.find(q);
        REQUIRE(found.size == (exact == ref.end() ? 0 : exact->second));
        const FreeBlockTree::Block after = tree.atOrAfter(q);
        REQUIRE(after.address == (lb == ref.end() ? 0 : lb->first));
        REQUIRE(after.size == (lb == ref.end() ? 0 : lb->second));
        const FreeBlockTree::Block before = tree.before(q);
        REQUIRE(before.size == (lb == ref.begin() ? 0 : std::prev(lb)->second));
        REQUIRE(before.address == (lb == ref.begin() ? 0 : std::prev(lb)->first));
        REQUIRE(tree.rank(q) == static_cast<std::size_t>(std::distance(ref.begin(), lb)));
        REQUIRE(tree.last().address == (ref.empty() ? 0 : ref.rbegin()->first));

        // firstFit: the lowest block at or above q of at least `need` bytes whose address is a
        // multiple of 128 (an arbitrary test), and its rank.
        const std::uint64_t need = 16 * (1 + rng() % 3);
        std::size_t rank = 0;
        const FreeBlockTree::Block ff = tree.firstFit(
            q, need, [](std::uint64_t addr, std::uint64_t) { return addr % 128 == 0; }, rank);
        auto want = lb;
        while (want != ref.end() && (want->second < need || want->first % 128 != 0)) ++want;
        REQUIRE(ff.address == (want == ref.end() ? 0 : want->first));
        REQUIRE(ff.size == (want == ref.end() ? 0 : want->second));
        if (want != ref.end()) REQUIRE(rank == static_cast<std::size_t>(std::distance(ref.begin(), want)));
    }
    std::map<std::uint64_t, std::uint64_t> walked;
    tree.forEach([&](std::uint64_t a, std::uint64_t s) { walked.emplace_hint(walked.end(), a, s); });
    CHECK(walked == ref);
    CHECK(ref.size() > 1000);  // the tree held many chunks
}

TEST_CASE("alloc FreeBlockTree: release coalesces with both neighbours within the bounds given") {
    FreeBlockTree tree;
    tree.insert(0, 100);
    tree.insert(200, 100);
    FreeBlockTree::Block absorbed[2];
    // [100, 200) joins both: one block [0, 300).
    FreeBlockTree::Block b = tree.release(100, 100, 0, ~std::uint64_t{0}, absorbed);
    CHECK(b.address == 0);
    CHECK(b.size == 300);
    CHECK(absorbed[0].address == 0);
    CHECK(absorbed[1].address == 200);
    CHECK(tree.size() == 1);
    CHECK(tree.totalBytes() == 300);
    CHECK(tree.largest() == 300);
    // A bound at 400: [300, 400) joins the block below, [400, 500) stays apart from it.
    b = tree.release(300, 100, 0, 400, absorbed);
    CHECK(b.size == 400);
    b = tree.release(400, 100, 400, ~std::uint64_t{0}, absorbed);
    CHECK(b.address == 400);
    CHECK(b.size == 100);
    CHECK_FALSE(absorbed[0]);
    CHECK(tree.size() == 2);
    tree.carve(FreeBlockTree::Block{0, 400}, 16, 32);  // gap [0, 16), rest [48, 400)
    CHECK(tree.size() == 3);
    CHECK(tree.find(0).size == 16);
    CHECK(tree.find(48).size == 352);
    CHECK(tree.largest() == 352);
    CHECK(tree.totalBytes() == 16 + 352 + 100);
}

TEST_CASE("alloc FreeBlockTree: carveContaining cuts a block from the free block that holds it") {
    // Free blocks in 1 KiB cells, 256..1024 bytes from the cell's start; each carve takes a random
    // aligned piece of a random block, as a plan or a cached block would. A std::map is the reference.
    std::mt19937_64 rng(5);
    FreeBlockTree tree;
    std::map<std::uint64_t, std::uint64_t> ref;
    for (std::uint64_t cell = 0; cell < 3000; ++cell) {
        const std::uint64_t size = 16 * (16 + rng() % 49);
        tree.insert(cell * 1024, size);
        ref[cell * 1024] = size;
    }
    for (int i = 0; i < 20000 && !ref.empty(); ++i) {
        auto it = ref.begin();
        std::advance(it, static_cast<long>(rng() % ref.size()));
        const auto [addr, size] = *it;
        const std::uint64_t start = addr + 16 * (rng() % (size / 16));
        const std::uint64_t len = 16 * (1 + rng() % ((addr + size - start) / 16));
        const FreeBlockTree::Block was = tree.carveContaining(start, len);
        REQUIRE(was.address == addr);
        REQUIRE(was.size == size);
        ref.erase(it);
        if (start > addr) ref[addr] = start - addr;
        if (addr + size > start + len) ref[start + len] = addr + size - start - len;
        REQUIRE(tree.size() == ref.size());
    }
    std::map<std::uint64_t, std::uint64_t> walked;
    tree.forEach([&](std::uint64_t a, std::uint64_t s) { walked.emplace_hint(walked.end(), a, s); });
    CHECK(walked == ref);
}

TEST_CASE("alloc BlockMap: answers as a std::map on random operations") {
    // Keys are multiples of 16 from a small range, so probe runs meet and deletions shift entries
    // back; the table grows from empty.
    std::mt19937_64 rng(3);
    BlockMap map;
    std::map<std::uint64_t, std::uint64_t> ref;
    for (int i = 0; i < 50000; ++i) {
        const std::uint64_t key = 16 * (rng() % 4000);
        const auto it = ref.find(key);
        const std::uint64_t* got = map.get(key);
        REQUIRE((got != nullptr) == (it != ref.end()));
        REQUIRE(map.contains(key) == (it != ref.end()));
        if (it == ref.end()) {
            std::uint64_t v = 7;
            REQUIRE_FALSE(map.takeIf(key, v));
            REQUIRE(v == 7);  // untouched
            const std::uint64_t value = rng();
            map.insert(key, value);
            ref[key] = value;
        } else {
            REQUIRE(*got == it->second);
            switch (rng() % 3) {
                case 0: REQUIRE(map.take(key) == it->second); ref.erase(it); break;
                case 1: {
                    std::uint64_t v = 0;
                    REQUIRE(map.takeIf(key, v));
                    REQUIRE(v == it->second);
                    ref.erase(it);
                    break;
                }
                default:
                    map.at(key) = i;
                    it->second = static_cast<std::uint64_t>(i);
                    REQUIRE(map.at(key) == static_cast<std::uint64_t>(i));
            }
        }
        REQUIRE(map.size() == ref.size());
    }
    CHECK(map.sorted() == ref);
    CHECK(ref.size() > 1000);
}
