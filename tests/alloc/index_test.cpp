// The allocators' two indexes against std::set / std::map on random operations: SizeIndex (free
// blocks by (size, address), in size classes with a bitmap) and FreeBlockTree (free blocks by
// address). Thousands of blocks, so classes hold several blocks and the tree's chunks split and
// merge; every query is compared with the answer of the sorted standard container.

#include <doctest/doctest.h>

#include <iterator>
#include <map>
#include <random>
#include <set>

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
    }
    CHECK(idx.sorted() == ref);
    SizeIndex copy = idx;  // a value: the copy answers alike
    checkSame(copy.max(), idx.max());
    CHECK(copy.sorted() == ref);
}
