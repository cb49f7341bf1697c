// The bench workload's counts against closed forms worked out by hand.

#include <doctest/doctest.h>

#include <cmath>
#include <span>

#include "cachescope/bench/bench.hpp"

using namespace cachescope;

TEST_CASE("bench: n=64 matmul streams take exactly their compulsory misses") {
    // n = 64: each float32 matrix is 16 KiB = 256 lines of 64 B; a row is 4 lines. The 32 KiB
    // 8-way L1 has 64 sets. B (256 lines) maps 4 lines to every set and is reused for every i, so
    // LRU keeps it: per set at most 4 B lines + the current A line + the current C line <= 8 ways.
    // A and C rows are each used during one i only. So every line misses exactly once in L1:
    // 3 x 256 = 768, in both loop orders. L2 and L3 see those 768 fills as compulsory misses
    // (the write-backs of old C rows hit there).
    BenchOptions o;
    o.n = 64;
    o.runs = 1;
    // With translation the 12 pages of A, B and C (16 KiB each) are faulted in once; the page-walk
    // reads add L1 accesses and so at least as many misses.
    const auto results = runBench(o);
    REQUIRE(results.size() == 10);
    for (const BenchResult& r : std::span(results).first(6)) {
        CAPTURE(r.name);
        CHECK(r.accesses == 4ull * 64 * 64 * 64);
        const bool mmu = r.name.ends_with("-MMU");
        for (std::uint64_t m : r.misses) CHECK((mmu ? m >= 768 : m == 768));
        CHECK(r.misses.size() == (r.name.ends_with("/L1") ? 1u : 3u));
        CHECK(r.runSeconds.size() == 1);
        CHECK(r.seconds == r.runSeconds[0]);
        // The DTLB has 16 sets of 4 ways; the 12 page numbers (4 consecutive per matrix, matrices
        // 256 MiB apart) fall 3 to a set in sets 0-3: only compulsory misses, one walk per page.
        if (mmu) {
            CHECK(r.tlbMisses == std::vector<std::uint64_t>{12, 12});
            CHECK(r.walks == 12);
        } else {
            CHECK(r.tlbMisses.empty());
        }
    }
    CHECK(results[0].name == "ikj/L1");
    CHECK(results[2].name == "ikj/L1-L2-L3-MMU");
    CHECK(results[5].name == "ijk/L1-L2-L3-MMU");
    // The 64 MiB fully associative cache holds all 768 lines: only their first references miss.
    CHECK(results[6].name == "ijk/L1-64MiB-full");
    CHECK(results[6].accesses == 4ull * 64 * 64 * 64);
    CHECK(results[6].misses == std::vector<std::uint64_t>{768});
}

TEST_CASE("bench: the decode case reads back every access of the n=64 ikj trace at about a byte each") {
    BenchOptions o;
    o.n = 64;
    o.runs = 2;
    const BenchResult r = runBench(o)[7];
    CHECK(r.name == "decode/binary");
    CHECK(r.accesses == 4ull * 64 * 64 * 64);
    CHECK(r.misses.empty());
    CHECK(r.runSeconds.size() == 2);
    // One byte per record, plus (per docs/trace-format.md) 4 bytes at each of the 64 * 63 ends of
    // a j loop within one i (C jumps back 63 elements, twice, 2-byte varints), 3 at each of the 63
    // changes of i (B jumps back 4095 elements: 1 + 3 bytes), the stream definitions of 16 blocks, the header:
    // 16128 / 1048576 = 0.0154 and less than 0.002 for the rest.
    CHECK(r.bytesPerAccess >= 1.015);
    CHECK(r.bytesPerAccess <= 1.02);
}

TEST_CASE("bench: the files suite runs every file kind to the same counts as the in-memory streams") {
    // n = 8: 2,048 accesses per case; A, B and C are 256 B = 4 lines each at distinct bases, so
    // every level takes exactly 12 compulsory misses whatever the file kind, and so do the kernel
    // binary's analysis cases (classifying changes no count; explain's silent prefix and its last
    // reference are every reference).
    BenchOptions o;
    o.n = 8;
    o.runs = 2;
    o.files = true;
    const auto results = runBench(o);
    REQUIRE(results.size() == 16);  // 3 kinds x 2 orders x 2 hierarchies, + classify and explain x 2 orders
    for (const BenchResult& r : results) {
        CAPTURE(r.name);
        CHECK(r.name.starts_with("file/"));
        CHECK(r.accesses == 4ull * 8 * 8 * 8);
        CHECK(r.misses == std::vector<std::uint64_t>(r.name.ends_with("/L1") ? 1 : 3, 12));
        CHECK(r.runSeconds.size() == 2);
        CHECK(r.fileBytes > 0);
    }
    CHECK(results[0].name == "file/din/ikj/L1");
    CHECK(results[6].name == "file/kernel.bin/ikj/L1-L2-L3/classify");
    CHECK(results[7].name == "file/kernel.bin/ikj/L1-L2-L3/explain");
    CHECK(results[13].name == "file/kernel.bin/ijk/L1-L2-L3");
    CHECK(results[14].name == "file/kernel.bin/ijk/L1-L2-L3/classify");
    CHECK(results[15].name == "file/kernel.bin/ijk/L1-L2-L3/explain");
    // Extended din spends about 13 bytes on a line ("0 10000000 4\n"); the kernel binary about one.
    CHECK(results[0].bytesPerAccess > 10);
    CHECK(results[4].name == "file/kernel.bin/ikj/L1");
    CHECK(results[4].bytesPerAccess < 3);
}

TEST_CASE("bench: the mrc cases analyse the n=64 ikj stream, a 32 KiB fully associative LRU takes only cold misses") {
    // n = 64: A, B and C are 256 lines each (768 distinct lines). Between two uses of a B line (one
    // per i) the stream touches all 256 lines of B, at most 4 of A's current row and 4 of C's, and
    // the previous i's C row (4): distances stay below 512, so a 512-line (32 KiB) fully associative
    // LRU cache misses only the 768 first references. The sampled estimate must be close.
    BenchOptions o;
    o.n = 64;
    o.runs = 1;
    const auto results = runBench(o);
    REQUIRE(results.size() == 10);
    const BenchResult& exact = results[8];
    const BenchResult& sampled = results[9];
    CHECK(exact.name == "mrc/exact");
    CHECK(sampled.name == "mrc/sampled");
    CHECK(exact.accesses == 4ull * 64 * 64 * 64);
    CHECK(sampled.accesses == exact.accesses);
    CHECK(exact.misses == std::vector<std::uint64_t>{768});
    REQUIRE(sampled.misses.size() == 1);
    // 768 of 1,048,576 references: the estimate's ratio within 0.001 of the true 0.00073.
    CHECK(std::abs(double(sampled.misses[0]) / double(sampled.accesses) - 768.0 / 1048576) < 0.001);
}

TEST_CASE("bench: a snapshot case per config, a 16 GiB MMU config copies in far less than 4 MiB") {
    // The config of the MMU cases, with 16 GiB of frames (4 M frames) and LRU paging: the copy must
    // cost what is live (12 pages of A, B and C: n = 64 floats are 16 KiB per matrix), not 4 M frames.
    SimConfig big;
    big.name = "big";
    CacheConfig l1;
    l1.name = "L1";
    l1.size = 32 * 1024;
    l1.associativity = 8;
    big.caches = {l1};
    big.addressing = Addressing::Physical;
    big.mmu = MmuConfig{};
    big.mmu->physicalMemory = std::uint64_t{16} << 30;
    big.mmu->pageReplacement = PageReplacementKind::Lru;
    BenchOptions o;
    o.n = 8;  // the other cases: tiny
    o.runs = 1;
    o.snapshotConfigs = {big};
    const auto results = runBench(o);
    REQUIRE(results.size() == 11);
    const BenchResult& r = results[10];
    CHECK(r.name == "snapshot/big");
    CHECK(r.accesses == 4ull * 64 * 64 * 64);  // n = 64, whatever o.n says
    REQUIRE(r.misses.size() == 1);
    CHECK(r.misses[0] >= 768);  // the ijk stream's cold misses (bench test above), plus PTE reads
    CHECK(r.copySeconds > 0);
    CHECK(r.snapshotBytes > 0);
    CHECK(r.snapshotBytes < 64 * 1024);
}
