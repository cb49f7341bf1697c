// Protection and segmentation, hand-worked (docs/mmu.md, "Protection" and "Segmentation"). Each
// expected number is derived in the comment above it.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"
#include "cachescope/kernels/kernel.hpp"
#include "cachescope/mmu/segmentation.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/metadata.hpp"
#include "cachescope/trace/region_permissions.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;
using namespace cachescope::testutil;

namespace {

constexpr std::uint64_t KiB = 1024;

/// Records what segmentation asks of the caches.
class RecordingPort final : public PhysicalMemoryPort {
public:
    std::vector<std::pair<std::uint64_t, std::uint64_t>> invalidated;  // (address, size)
    std::uint32_t readThrough(std::uint32_t, const Access&) override { return 0; }
    void invalidateRange(std::uint64_t address, std::uint64_t size) override { invalidated.emplace_back(address, size); }
};

SegmentConfig seg(std::string name, std::uint64_t start, std::uint64_t limit, Permissions perm = kPermReadWrite) {
    SegmentConfig s;
    s.name = std::move(name);
    s.start = start;
    s.limit = limit;
    s.permissions = perm;
    return s;
}

MmuConfig segmentation(std::uint64_t memory, std::vector<SegmentConfig> segments,
                       SegmentPlacement placement = SegmentPlacement::First) {
    MmuConfig m;
    m.pageSize = KiB;
    m.physicalMemory = memory;
    m.mode = MmuMode::Segmentation;
    m.segmentPlacement = placement;
    m.segments = std::move(segments);
    return m;
}

/// Segments of the given sizes (KiB), segment i selected by [i * 0x10000, + size).
MmuConfig lettered(std::uint64_t memoryKiB, const std::string& names, const std::vector<std::uint64_t>& sizesKiB,
                   SegmentPlacement placement) {
    std::vector<SegmentConfig> segments;
    for (std::size_t i = 0; i < names.size(); ++i)
        segments.push_back(seg(std::string(1, names[i]), (i + 1) * 0x10000, sizesKiB[i] * KiB));
    return segmentation(memoryKiB * KiB, std::move(segments), placement);
}

/// The physical base of each segment named in `order`, referencing offset 0 of each in turn.
std::vector<std::uint64_t> placeInOrder(Segmentation& s, const std::string& names, const std::string& order,
                                        RecordingPort& port) {
    std::vector<std::uint64_t> bases;
    std::uint64_t index = 0;
    for (const char c : order) {
        const auto i = names.find(c);
        const auto pa = s.map(0, R((i + 1) * 0x10000, 1), index++, port);
        REQUIRE(pa.has_value());
        bases.push_back(*pa / KiB);
    }
    return bases;
}

SimConfig withMmu(const MmuConfig& m) {
    SimConfig c = simCfg({cacheCfg("L1", 1024, 64, 2)});
    c.addressing = Addressing::Physical;
    c.mmu = m;
    validate(c);
    return c;
}

}  // namespace

TEST_CASE("segmentation: a hand-worked limit violation, a permission fault and an address below every segment") {
    // A: [0x1000, +0x100), rw; B: [0x2000, +0x40), read-only. 16 KiB of memory, first fit.
    MmuConfig m = segmentation(16 * KiB, {seg("A", 0x1000, 0x100), seg("B", 0x2000, 0x40, kPermRead)});
    Segmentation s(m);
    RecordingPort port;
    // R 0x10fc (4 B): A, offset 0xfc, 0xfc + 4 = 0x100 <= limit: A is placed at 0 (its first
    // reference, the one hole [0, 16 KiB)), physical = 0 + 0xfc.
    CHECK(s.map(0, R(0x10fc, 4), 0, port) == std::optional<std::uint64_t>(0xfc));
    // R 0x10fd (4 B): offset 0xfd + 4 = 0x101 > 0x100: limit.
    CHECK_FALSE(s.map(0, R(0x10fd, 4), 1, port).has_value());
    // R 0x1100: still A (the greatest start <= 0x1100), offset 0x100 = limit: limit.
    CHECK_FALSE(s.map(0, R(0x1100, 1), 2, port).has_value());
    // W 0x2000: B, offset 0, inside, but B is read-only: permission.
    CHECK_FALSE(s.map(0, W(0x2000, 4), 3, port).has_value());
    // R 0x2000: B placed at 0x100, right after A: physical 0x100.
    CHECK(s.map(0, R(0x2000, 4), 4, port) == std::optional<std::uint64_t>(0x100));
    // R 0xfff: below every segment: unmapped.
    CHECK_FALSE(s.map(0, R(0xfff, 1), 5, port).has_value());
    const SegmentationStats& st = s.stats();
    CHECK(st.checked == 6);
    CHECK(st.faults == 4);
    CHECK(st.faultsByKind[static_cast<int>(FaultKind::Unmapped)] == 1);
    CHECK(st.faultsByKind[static_cast<int>(FaultKind::Permission)] == 1);
    CHECK(st.faultsByKind[static_cast<int>(FaultKind::Limit)] == 2);
    REQUIRE(st.firstFaults.size() == 4);
    CHECK(st.firstFaults[0].reference == 1);
    CHECK(st.firstFaults[0].address == 0x10fd);
    CHECK(st.firstFaults[0].segment == "A");
    CHECK(st.firstFaults[0].offset == 0xfd);
    CHECK(st.firstFaults[1].address == 0x1100);
    CHECK((st.firstFaults[2].fault == FaultKind::Permission));
    CHECK((st.firstFaults[2].kind == AccessKind::Write));
    CHECK(st.firstFaults[3].segment.empty());
    CHECK(Segmentation::describe(st.firstFaults[0]) ==
          "read of 4 bytes at 0x10fd (process 0, site 0): segmentation fault: offset 0xfd + 4 is past the limit of "
          "\"A\" (0x100)");
    CHECK(Segmentation::describe(st.firstFaults[2]) ==
          "write of 4 bytes at 0x2000 (process 0, site 0): protection fault: \"B\" allows r, not w");
    CHECK(st.placements == 2);
    CHECK(port.invalidated.empty());
    // The hole left: [0x140, 16 KiB).
    CHECK(s.holes() == std::map<std::uint64_t, std::uint64_t>{{0x140, 16 * KiB - 0x140}});
}

TEST_CASE("segmentation: first fit leaves holes a later segment cannot use, then compaction") {
    // 8 KiB of memory; A 4 KiB, D 3 KiB, C 2 KiB, B 1 KiB, E 2 KiB, referenced A D C B E.
    //   A -> [0, 4K); D -> [4K, 7K); hole [7K, 8K).
    //   C (2K): no hole fits, 1K free in all < 2K: the least recently used, A, is swapped out:
    //     holes [0, 4K) and [7K, 8K); C -> [0, 2K); holes [2K, 4K) and [7K, 8K).
    //   B (1K), first fit: the lowest hole that fits: [2K, 3K); holes [3K, 4K) and [7K, 8K).
    //   E (2K): neither 1K hole fits, but 2K are free in all: compaction. In physical order
    //     C [0, 2K) and B [2K, 3K) stay, D slides from 4K to 3K (3 KiB moved); one hole [6K, 8K):
    //     E -> [6K, 8K).
    Segmentation s(lettered(8, "ADCBE", {4, 3, 2, 1, 2}, SegmentPlacement::First));
    RecordingPort port;
    CHECK(placeInOrder(s, "ADCBE", "ADCBE", port) == std::vector<std::uint64_t>{0, 4, 0, 2, 6});
    CHECK(s.stats().placements == 5);
    CHECK(s.stats().swapOuts == 1);
    CHECK(s.stats().compactions == 1);
    CHECK(s.stats().bytesMoved == 3 * KiB);
    // A's lines leave the caches when it is swapped out, D's old ones when it moves.
    CHECK(port.invalidated == std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0, 4 * KiB}, {4 * KiB, 3 * KiB}});
    CHECK(s.holes().empty());
    // D moved: its next reference goes to the new place.
    CHECK(s.map(0, R(0x20000 + 5, 1), 5, port) == std::optional<std::uint64_t>(3 * KiB + 5));
    // The table: A out (no base), the others where they are.
    const std::vector<SegmentView> v = s.segments(0);
    REQUIRE(v.size() == 5);
    CHECK_FALSE(v[0].base.has_value());
    CHECK(v[1].base == std::optional<std::uint64_t>(3 * KiB));
    CHECK(v[1].references == 2);
    CHECK(v[1].loads == 1);
}

TEST_CASE("segmentation: best fit and worst fit against first fit, worked by hand") {
    SUBCASE("best fit takes the exact hole and needs no compaction") {
        // As above up to B: holes [2K, 4K) and [7K, 8K). B (1K), best fit: the smallest hole
        // that fits, [7K, 8K) (exact); hole [2K, 4K) stays whole, so E (2K) goes to [2K, 4K)
        // without compaction.
        Segmentation s(lettered(8, "ADCBE", {4, 3, 2, 1, 2}, SegmentPlacement::Best));
        RecordingPort port;
        CHECK(placeInOrder(s, "ADCBE", "ADCBE", port) == std::vector<std::uint64_t>{0, 4, 0, 7, 2});
        CHECK(s.stats().compactions == 0);
        CHECK(s.stats().bytesMoved == 0);
        CHECK(port.invalidated.size() == 1);  // A swapped out, nothing moved
    }
    SUBCASE("worst fit takes the largest hole: here the same as first fit") {
        // B (1K): holes [2K, 4K) (2K) and [7K, 8K) (1K): the largest is [2K, 4K), as first fit.
        Segmentation s(lettered(8, "ADCBE", {4, 3, 2, 1, 2}, SegmentPlacement::Worst));
        RecordingPort port;
        CHECK(placeInOrder(s, "ADCBE", "ADCBE", port) == std::vector<std::uint64_t>{0, 4, 0, 2, 6});
        CHECK(s.stats().compactions == 1);
    }
    SUBCASE("worst fit differs from first and best fit") {
        // 8 KiB; B 4K, A 2K, D 3K, C 1K, referenced B A D C.
        //   B -> [0, 4K); A -> [4K, 6K); hole [6K, 8K).
        //   D (3K): 2K free < 3K: B (least recently used) swapped out: holes [0, 4K), [6K, 8K);
        //     D -> [0, 3K) (the only fit); holes [3K, 4K) (1K) and [6K, 8K) (2K).
        //   C (1K): first fit [3K, 4K); best fit [3K, 4K) (the smallest); worst fit [6K, 7K).
        for (const auto& [placement, expected] :
             {std::pair{SegmentPlacement::First, 3u}, std::pair{SegmentPlacement::Best, 3u},
              std::pair{SegmentPlacement::Worst, 6u}}) {
            Segmentation s(lettered(8, "BADC", {4, 2, 3, 1}, placement));
            RecordingPort port;
            CHECK(placeInOrder(s, "BADC", "BADC", port) == std::vector<std::uint64_t>{0, 4, 0, expected});
            CHECK(s.stats().swapOuts == 1);
        }
    }
}

TEST_CASE("protection: faults on a tiny trace with exact counts and listed addresses") {
    // Regions: code [0x1000, +0x40) (x by default), A [0x2000, +0x100) read-only, C [0x3000, +0x100)
    // (rw by default). Paging with protection on.
    TraceMetadata meta;
    meta.regions.push_back(Region{"code", 0x1000, 0x40, 4, {}, "code", {}});
    Region a{"A", 0x2000, 0x100, 4, {64}, "row-major", {1}};
    a.permissions = kPermRead;
    meta.regions.push_back(a);
    meta.regions.push_back(Region{"C", 0x3000, 0x100, 4, {64}, "row-major", {1}});
    const std::uint16_t loadA = meta.addSite("load A", 1, AccessKind::Read);
    const std::uint16_t storeC = meta.addSite("store C", 2, AccessKind::Write);
    MmuConfig m;
    m.physicalMemory = 64 * KiB;
    m.protection = true;
    m.walkEntry = "memory";  // page walks bypass the caches: L1 sees only the references
    Simulator sim(withMmu(m));
    sim.setRegions(&meta);
    const std::vector<Access> trace{
        {0x1000, 4, AccessKind::Fetch, 0},     // 0: fetch from code: allowed
        {0x2000, 4, AccessKind::Read, loadA},  // 1: read A: allowed
        {0x2000, 4, AccessKind::Write, loadA}, // 2: write A (read-only): permission
        {0x3000, 4, AccessKind::Write, storeC},// 3: write C: allowed
        {0x1004, 4, AccessKind::Read, 0},      // 4: read code (execute-only): permission
        {0x3000, 4, AccessKind::Fetch, 0},     // 5: fetch from C (not executable): permission
        {0x2100, 4, AccessKind::Read, loadA},  // 6: just past A, before C: unmapped
        {0x30fe, 4, AccessKind::Read, 0},      // 7: the last 2 bytes of C and 2 past it: unmapped
        {0x500, 4, AccessKind::Read, 0},       // 8: below every region: unmapped
        {0x3010, 8, AccessKind::Read, storeC}, // 9: read C: allowed
    };
    sim.access(trace);
    REQUIRE(sim.segmentation() != nullptr);
    const SegmentationStats& st = sim.segmentation()->stats();
    CHECK(st.checked == 10);
    CHECK(st.faults == 6);
    CHECK(st.faultsByKind[static_cast<int>(FaultKind::Permission)] == 3);
    CHECK(st.faultsByKind[static_cast<int>(FaultKind::Unmapped)] == 3);
    CHECK(st.faultsByKind[static_cast<int>(FaultKind::Limit)] == 0);
    CHECK(st.faultsByProcess == std::map<std::uint32_t, std::uint64_t>{{0, 6}});
    CHECK(st.faultsBySite == std::map<std::uint16_t, std::uint64_t>{{0, 4}, {loadA, 2}});
    std::vector<std::uint64_t> refs, addresses;
    for (const SegmentFault& f : st.firstFaults) {
        refs.push_back(f.reference);
        addresses.push_back(f.address);
    }
    CHECK(refs == std::vector<std::uint64_t>{2, 4, 5, 6, 7, 8});
    CHECK(addresses == std::vector<std::uint64_t>{0x2000, 0x1004, 0x3000, 0x2100, 0x30fe, 0x500});
    // The 4 allowed references, and only they, reached the caches (each within one line).
    CHECK(sim.references() == 10);
    CHECK(sim.hierarchy().caches()[0].stats().accesses() == 4);
}

TEST_CASE("protection: a write to a read-only kernel input") {
    // matmul reads A and B and writes C: A and B are read-only inputs.
    const KernelInfo& kernel = findKernel("matmul");
    const KernelParams params = resolveParams(kernel, {"n=4"});
    struct Collect final : AccessSink {
        std::vector<Access> all;
        void consume(std::span<const Access> block) override { all.insert(all.end(), block.begin(), block.end()); }
    } sink;
    const TraceMetadata meta = runKernel(kernel, params, sink);
    REQUIRE(meta.regions.size() == 3);
    CHECK(regionPermissions(meta, 0) == kPermRead);
    CHECK(regionPermissions(meta, 1) == kPermRead);
    CHECK(regionPermissions(meta, 2) == kPermReadWrite);
    // Nothing is stored: the metadata (and a trace file of it) is what it was before permissions.
    CHECK_FALSE(meta.regions[0].permissions.has_value());
    MmuConfig m;
    m.physicalMemory = 64 * KiB;
    m.protection = true;
    Simulator sim(withMmu(m));
    sim.setRegions(&meta);
    sim.access(sink.all);  // the kernel itself never faults
    CHECK(sim.segmentation()->stats().faults == 0);
    sim.access(W(meta.regions[0].base + 8));
    CHECK(sim.segmentation()->stats().faults == 1);
    CHECK(sim.segmentation()->stats().firstFaults[0].segment == "A");
    CHECK(sim.segmentation()->stats().firstFaults[0].reference == sink.all.size());
    // --on-fault stop: the same write throws, naming the reference and the address.
    sim.setStopOnFault(true);
    const std::string expected = "reference " + std::to_string(sink.all.size() + 1) +
                                 " (counting from 0): write of 4 bytes at " + hex(meta.regions[0].base + 8);
    CHECK_THROWS_WITH_AS(sim.access(W(meta.regions[0].base + 8)), doctest::Contains(expected.c_str()),
                         SegmentFaultError);
}

TEST_CASE("protection: in every kernel's trace the tensors it never writes are read-only, the code execute-only") {
    // From reading each kernel (src/kernels/*.cpp): the tensors a store statement names.
    const std::map<std::string, std::vector<std::string>> written{
        {"matmul", {"C"}},       {"transpose", {"B"}}, {"softmax", {"Y"}}, {"layernorm", {"Y"}},
        {"attention", {"S", "O"}}, {"pool2d", {"output"}}, {"conv2d", {"output", "im2col"}},
    };
    for (const auto& [name, outputs] : written) {
        INFO(name);
        const KernelInfo& kernel = findKernel(name);
        struct Drop final : AccessSink {
            void consume(std::span<const Access>) override {}
        } sink;
        const TraceMetadata meta = runKernel(kernel, resolveParams(kernel, {"fetches=1"}), sink);
        bool sawCode = false;
        for (std::size_t i = 0; i < meta.regions.size(); ++i) {
            const Region& r = meta.regions[i];
            INFO(r.name);
            if (r.layout == "code") {
                sawCode = true;
                CHECK(regionPermissions(meta, i) == kPermExecute);
            } else if (std::find(outputs.begin(), outputs.end(), r.name) != outputs.end()) {
                CHECK(regionPermissions(meta, i) == kPermReadWrite);
            } else {
                CHECK(regionPermissions(meta, i) == kPermRead);
            }
        }
        CHECK(sawCode);
    }
}

TEST_CASE("segmented-paging with every base at its start equals paging") {
    // The flat model: linear = base + (va - start) = va, so the pages, TLBs and caches see exactly
    // what paging alone sees. Random references inside three regions.
    TraceMetadata meta;
    meta.regions.push_back(Region{"A", 0x10000, 0x3000, 4, {}, "bytes", {}});
    meta.regions.push_back(Region{"B", 0x20000, 0x5000, 4, {}, "bytes", {}});
    meta.regions.push_back(Region{"C", 0x40000, 0x2000, 4, {}, "bytes", {}});
    std::mt19937_64 rng(7);
    std::vector<Access> trace;
    for (int i = 0; i < 20000; ++i) {
        const Region& r = meta.regions[rng() % 3];
        const std::uint32_t size = 1u << (rng() % 4);
        trace.push_back({r.base + rng() % (r.size - size + 1), size, rng() % 3 == 0 ? AccessKind::Write : AccessKind::Read, 0});
    }
    MmuConfig m;
    m.physicalMemory = 8 * 4096;  // 8 frames for 10 pages touched: page replacement works too
    m.pageReplacement = PageReplacementKind::Clock;
    SimConfig paging = withMmu(m);
    paging.tlbs.push_back(TlbConfig{});
    paging.tlbs.back().entries = 4;
    paging.tlbs.back().associativity = 2;
    SimConfig segmented = paging;
    segmented.mmu->mode = MmuMode::SegmentedPaging;
    Simulator a(paging), b(segmented);
    b.setRegions(&meta);
    a.access(trace);
    b.access(trace);
    REQUIRE(b.segmentation() != nullptr);
    CHECK(b.segmentation()->stats().faults == 0);
    CHECK(b.segmentation()->stats().checked == trace.size());
    CHECK(a.mmu()->stats() == b.mmu()->stats());
    CHECK(a.mmu()->tlbs()[0].stats() == b.mmu()->tlbs()[0].stats());
    CHECK(a.hierarchy().caches()[0].stats() == b.hierarchy().caches()[0].stats());
    CHECK(a.hierarchy().memory() == b.hierarchy().memory());
    CHECK(a.totalCycles() == b.totalCycles());
    CHECK(a.mmu()->stats().pageFaults > 10);  // the comparison covers page replacement
}

TEST_CASE("segmented-paging adds the segment's base before paging") {
    // A at va 0x1000 (limit 0x100) with linear base 0x40000: va 0x1010 -> linear 0x40010, paged
    // to frame 0 (the first page touched): physical 0x010.
    MmuConfig m;
    m.physicalMemory = 16 * 4096;
    m.mode = MmuMode::SegmentedPaging;
    SegmentConfig a = seg("A", 0x1000, 0x100);
    a.base = 0x40000;
    m.segments = {a};
    Simulator sim(withMmu(m));
    sim.access(R(0x1010, 4));
    CHECK(sim.mmu()->physicalAddress(0x40010) == std::optional<std::uint64_t>(0x10));
    CHECK_FALSE(sim.mmu()->physicalAddress(0x1010).has_value());
    // Past the limit: a segmentation fault, nothing paged.
    sim.access(R(0x1100, 4));
    CHECK(sim.segmentation()->stats().faultsByKind[static_cast<int>(FaultKind::Limit)] == 1);
    CHECK(sim.mmu()->stats().pageFaults == 1);
}

TEST_CASE("segmentation needs segments: one clear error when neither the config nor the trace has any") {
    MmuConfig m;
    m.physicalMemory = 16 * 4096;
    m.mode = MmuMode::Segmentation;
    Simulator sim(withMmu(m));
    CHECK_THROWS_WITH_AS(sim.access(R(0x1000)),
                         doctest::Contains("mmu.mode \"segmentation\" needs segments for process 0"), Error);
}

TEST_CASE("protection: region permissions in the metadata JSON") {
    TraceMetadata m;
    m.regions.push_back(Region{"A", 0x1000, 16, 4, {4}, "row-major", {1}});
    m.regions.push_back(Region{"B", 0x2000, 16, 4, {4}, "row-major", {1}});
    m.regions.push_back(Region{"code", 0x3000, 32, 4, {}, "code", {}});
    m.regions[0].permissions = kPermRead;
    // Only a set permission is written; the defaults stay implicit (rw for data, x for the code).
    const nlohmann::ordered_json j = toJson(m);
    CHECK(j["regions"][0]["perm"] == "r");
    CHECK_FALSE(j["regions"][1].contains("perm"));
    CHECK_FALSE(j["regions"][2].contains("perm"));
    const TraceMetadata back = metadataFromJson(j, "x");
    CHECK(back == m);
    // Not a kernel's trace: data without "perm" stays read-write even with no write statement.
    CHECK(regionPermissions(back, 1) == kPermReadWrite);
    CHECK(regionPermissions(back, 0) == kPermRead);
    CHECK(back.regions[1].effectivePermissions() == kPermReadWrite);
    CHECK(back.regions[2].effectivePermissions() == kPermExecute);
    // Any letter order; a repeated or unknown letter is an error naming the path.
    CHECK(parsePermissions("xr") == std::optional<Permissions>(kPermRead | kPermExecute));
    CHECK(parsePermissions("") == std::optional<Permissions>(0));
    CHECK_FALSE(parsePermissions("rr").has_value());
    CHECK_FALSE(parsePermissions("rwz").has_value());
    nlohmann::json bad = nlohmann::json::parse(R"({"regions": [{"name": "A", "base": 0, "size": 4, "perm": "rz"}]})");
    CHECK_THROWS_WITH_AS(metadataFromJson(bad, "hdr"),
                         "hdr: /regions/0/perm: \"rz\" (expected permissions such as \"r\", \"rw\", \"x\" or \"rwx\")",
                         TraceError);
}

TEST_CASE("segmentation: the report lists every process's table, with a process column (by hand)") {
    // 8 KiB, first fit, A 4 KiB (r), D 3 KiB, C 2 KiB, B 1 KiB, E 2 KiB; each process its own table.
    //   p0 A -> [0, 4K); p0 D -> [4K, 7K); hole [7K, 8K).
    //   p1 A (4K): 1K free in all: the least recently used, p0's A, is swapped out; p1 A -> [0, 4K).
    //   p1 B (1K) -> the hole [7K, 8K), filling memory. p0 D again: resident, 2 references.
    SimConfig config = withMmu(lettered(8, "ADCBE", {4, 3, 2, 1, 2}, SegmentPlacement::First));
    config.mmu->segments[0].permissions = kPermRead;
    Simulator sim(config);
    Access p1a = R(0x10000, 4), p1b = W(0x40010, 4);
    p1a.process = p1b.process = 1;
    const std::vector<Access> trace{R(0x10000, 4), R(0x20000, 4), p1a, p1b, R(0x20004, 4)};
    for (const Access& a : trace) sim.access(std::span<const Access>(&a, 1));
    const RunSummary s = summarize(sim, RunInfo{});
    REQUIRE(s.segmentation.has_value());
    const auto& rows = s.segmentation->segments;
    REQUIRE(rows.size() == 10);  // five segments for each of the two processes
    for (std::size_t i = 0; i < rows.size(); ++i) CHECK(rows[i].process == (i < 5 ? 0u : 1u));
    CHECK_FALSE(rows[0].view.base.has_value());  // p0 A, swapped out
    CHECK(rows[0].view.loads == 1);
    CHECK(rows[1].view.base == std::optional<std::uint64_t>(4 * KiB));  // p0 D
    CHECK(rows[1].view.references == 2);
    CHECK(rows[5].view.base == std::optional<std::uint64_t>(0));  // p1 A
    CHECK(rows[8].view.base == std::optional<std::uint64_t>(7 * KiB));  // p1 B
    CHECK(s.segmentation->stats.swapOuts == 1);
    CHECK(s.segmentation->stats.placements == 4);
    std::ostringstream text;
    printSegmentationText(text, *s.segmentation);
    CHECK(text.str().find("process  segment") != std::string::npos);
    CHECK(text.str().find("\n1        B        0x40000  1,024    rw         0x1c00           1      1\n") !=
          std::string::npos);
    const auto json = segmentationJson(*s.segmentation);
    CHECK(json["segments"][8]["process"] == 1);
    CHECK(json["segments"][8]["base"] == "0x1c00");

    // One process: no process column, as before.
    Simulator one(config);
    one.access(std::span<const Access>(trace.data(), 2));
    std::ostringstream single;
    printSegmentationText(single, *summarize(one, RunInfo{}).segmentation);
    CHECK(single.str().find("process") == std::string::npos);
    CHECK(single.str().find("\nsegment    start") != std::string::npos);
}

TEST_CASE("segmentation: a faulting reference still switches processes and counts for its own") {
    // Two processes alternate one reference at a time: p0 reads A, p1 reads an address below every
    // segment (unmapped: a fault, nothing reaches the caches), p0 reads A again, p1 faults again.
    // Three switches (0->1, 1->0, 0->1); each process issued two references; p1's two are faults.
    const SimConfig config = withMmu(lettered(8, "ADCBE", {4, 3, 2, 1, 2}, SegmentPlacement::First));
    Simulator sim(config);
    Access fault = R(0x8, 4);
    fault.process = 1;
    for (const Access& a : {R(0x10000, 4), fault, R(0x10004, 4), fault}) sim.access(std::span<const Access>(&a, 1));
    CHECK(sim.contextSwitches() == 3);
    CHECK(sim.segmentation()->stats().faults == 2);
    CHECK(sim.segmentation()->stats().faultsByProcess.at(1) == 2);
    const std::vector<ProcessStats> rows = sim.processStats();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].references == 2);
    CHECK(rows[0].cacheMisses == std::vector<std::uint64_t>{1});  // A's line: one cold miss, then a hit
    CHECK(rows[1].references == 2);
    CHECK(rows[1].cacheMisses == std::vector<std::uint64_t>{0});
    // The same four references in one block give the same counts.
    Simulator whole(config);
    const std::vector<Access> block{R(0x10000, 4), fault, R(0x10004, 4), fault};
    whole.access(block);
    CHECK(whole.contextSwitches() == 3);
    CHECK(whole.processStats() == rows);
}
