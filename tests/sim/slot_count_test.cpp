// countBySlot (sim/slot_count.hpp): the banked per-statement count gives what a plain loop over
// the block gives, for blocks of every length around the bank width and for tables on both sides
// of the banked limit.

#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "cachescope/sim/slot_count.hpp"

using namespace cachescope;

namespace {

std::vector<std::uint64_t> naiveCount(const std::vector<Access>& block, std::size_t entries) {
    std::vector<std::uint64_t> counts(entries, 0);
    for (const Access& a : block) counts[a.site % entries] += 1;
    return counts;
}

}  // namespace

TEST_CASE("countBySlot adds what a plain loop adds, banked or not") {
    std::mt19937_64 rng(12);
    for (const std::size_t entries : {1u, 2u, 7u, 64u, 65u, 300u}) {
        for (const std::size_t length : {0u, 1u, 3u, 4u, 15u, 16u, 17u, 18u, 19u, 1000u, 4096u}) {
            std::vector<Access> block(length);
            for (Access& a : block) a.site = static_cast<std::uint16_t>(rng() % 1000);
            std::vector<std::uint64_t> counts(entries, 5);  // adds to what is there
            countBySlot(block, counts.data(), entries, [entries](const Access& a) { return a.site % entries; });
            std::vector<std::uint64_t> expected = naiveCount(block, entries);
            for (std::uint64_t& e : expected) e += 5;
            CAPTURE(entries);
            CAPTURE(length);
            CHECK(counts == expected);
        }
    }
}

TEST_CASE("countBySlot on a kernel's cycle of statements counts each statement's references") {
    // ikj matmul: load C, load B, store C, repeated; 4,096 references (4,096 = 3 * 1,365 + 1).
    std::vector<Access> block(4096);
    const std::uint16_t cycle[3] = {3, 2, 4};
    for (std::size_t i = 0; i < block.size(); ++i) block[i].site = cycle[i % 3];
    std::vector<std::uint64_t> counts(8, 0);
    countBySlot(block, counts.data(), counts.size(), [](const Access& a) { return a.site; });
    CHECK(counts[3] == 1366);  // positions 0, 3, ..., 4095
    CHECK(counts[2] == 1365);
    CHECK(counts[4] == 1365);
    CHECK(counts[0] + counts[1] + counts[5] + counts[6] + counts[7] == 0);
}
