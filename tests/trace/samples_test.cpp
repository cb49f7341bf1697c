// The sample traces in traces/: they parse, hold the accesses traces/README.md says, and give
// the L1 miss counts worked out by hand there (checked with a deliberately naive LRU model of
// the teaching L1: 1 KiB, 64-byte lines, 2-way, 8 sets).

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "trace/trace_test_util.hpp"

using namespace cachescope;
using cachescope::testing::formatName;
using cachescope::testing::readAll;

namespace {

std::vector<Access> sample(const std::string& file, TraceFormat expectedFormat) {
    auto reader = openTrace(std::string(CACHESCOPE_SOURCE_DIR) + "/traces/" + file);
    CHECK((reader->format() == expectedFormat));
    return readAll(*reader);
}

struct MissCount {
    std::uint64_t accesses = 0;
    std::uint64_t misses = 0;
};

/// Naive set-associative LRU: each set is a list, most recent first; accesses split into lines.
MissCount naiveL1(const std::vector<Access>& trace, std::uint64_t lineSize = 64, std::uint64_t sets = 8,
                  std::size_t ways = 2) {
    std::vector<std::vector<std::uint64_t>> cache(sets);
    MissCount c;
    for (const Access& a : trace) {
        const std::uint64_t first = a.address / lineSize;
        const std::uint64_t last = (a.address + a.size - 1) / lineSize;
        for (std::uint64_t line = first; line <= last; ++line) {
            auto& set = cache[line % sets];
            ++c.accesses;
            auto it = std::find(set.begin(), set.end(), line);
            if (it == set.end()) {
                ++c.misses;
                if (set.size() == ways) set.pop_back();
            } else {
                set.erase(it);
            }
            set.insert(set.begin(), line);
        }
    }
    return c;
}

}  // namespace

TEST_CASE("sample traces: sequential.trace is 256 4-byte reads over 1 KiB, 16 L1 misses") {
    const auto t = sample("sequential.trace", TraceFormat::Text);
    REQUIRE(t.size() == 256);
    for (std::size_t i = 0; i < t.size(); ++i)
        CHECK(t[i] == Access{0x10000 + 4 * i, 4, AccessKind::Read});
    const MissCount c = naiveL1(t);
    CHECK(c.accesses == 256);
    CHECK(c.misses == 16);
}

TEST_CASE("sample traces: strided.trace is 2 passes of 64 line-strided reads, all miss on L1") {
    const auto t = sample("strided.trace", TraceFormat::Text);
    REQUIRE(t.size() == 128);
    for (std::size_t i = 0; i < t.size(); ++i)
        CHECK(t[i] == Access{0x20000 + 64 * (i % 64), 4, AccessKind::Read});
    CHECK(naiveL1(t).misses == 128);
    CHECK(naiveL1(t, 64, 16, 4).misses == 64);  // the 4 KiB 4-way L2 (were it fed every read)
}

TEST_CASE("sample traces: thrash-one-set.trace maps 3 lines to L1 set 0, all 12 reads miss") {
    const auto t = sample("thrash-one-set.trace", TraceFormat::Text);
    REQUIRE(t.size() == 12);
    std::set<std::uint64_t> lines;
    for (const Access& a : t) {
        CHECK((a.address / 64) % 8 == 0);
        CHECK((a.kind == AccessKind::Read));
        lines.insert(a.address / 64);
    }
    CHECK(lines.size() == 3);
    CHECK(naiveL1(t).misses == 12);
    CHECK(naiveL1(t, 64, 1, 16).misses == 3);   // fully associative 1 KiB: only compulsory misses
    CHECK(naiveL1(t, 64, 16, 4).misses == 3);   // the L2 holds all three
}

TEST_CASE("sample traces: page-crossing.trace splits into 8 L1 accesses, 6 misses") {
    const auto t = sample("page-crossing.trace", TraceFormat::Text);
    REQUIRE(t.size() == 5);
    const auto crosses = [](const Access& a, std::uint64_t boundary) {
        return a.address / boundary != (a.address + a.size - 1) / boundary;
    };
    CHECK(crosses(t[0], 64));
    CHECK(!crosses(t[0], 4096));
    CHECK(crosses(t[1], 4096));
    CHECK((t[1].kind == AccessKind::Write));
    CHECK(crosses(t[2], 4096));
    CHECK(!crosses(t[3], 64));
    CHECK(!crosses(t[4], 64));
    const MissCount c = naiveL1(t);
    CHECK(c.accesses == 8);
    CHECK(c.misses == 6);
}

TEST_CASE("sample traces: lackey-sample.txt has 10 fetches, 5 loads, 2 stores, 2 modifies") {
    const auto t = sample("lackey-sample.txt", TraceFormat::Lackey);
    REQUIRE(t.size() == 21);
    const auto count = [&](AccessKind k) {
        return std::count_if(t.begin(), t.end(), [&](const Access& a) { return a.kind == k; });
    };
    CHECK(count(AccessKind::Fetch) == 10);
    CHECK(count(AccessKind::Read) == 7);   // 5 loads + 2 modifies
    CHECK(count(AccessKind::Write) == 4);  // 2 stores + 2 modifies
    CHECK(t[0] == Access{0x00109139, 1, AccessKind::Fetch});
    CHECK(t[2] == Access{0x1ffefffc40, 8, AccessKind::Write});
}

TEST_CASE("sample traces: sample.din has 10 records, rounded to 4-byte accesses") {
    const auto t = sample("sample.din", TraceFormat::Din);
    REQUIRE(t.size() == 10);
    for (const Access& a : t) {
        CHECK(a.size == 4);
        CHECK(a.address % 4 == 0);
    }
    CHECK(t[0] == Access{0x400, 4, AccessKind::Fetch});
    CHECK(t[5] == Access{0x1000, 4, AccessKind::Read});  // "0 1001" rounded down
    CHECK(t[8] == Access{0x1008, 4, AccessKind::Read});  // label 3: misc read
}
