// Tests of traceInfo / printTraceInfo / traceInfoJson on hand-worked traces.

#include <doctest/doctest.h>

#include <cstdint>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/info.hpp"
#include "trace/trace_test_util.hpp"

using namespace cachescope;

namespace {

/// A reader over a vector, with optional metadata, handing out at most `chunk` accesses per read.
class VectorReader : public TraceReader {
public:
    VectorReader(std::vector<Access> accesses, const TraceMetadata* metadata, std::size_t chunk = 3)
        : accesses_(std::move(accesses)), metadata_(metadata), chunk_(chunk) {}
    std::size_t read(std::span<Access> out) override {
        std::size_t n = 0;
        while (n < out.size() && n < chunk_ && pos_ < accesses_.size()) out[n++] = accesses_[pos_++];
        return n;
    }
    TraceFormat format() const override { return TraceFormat::Binary; }
    std::uint64_t records() const override { return pos_; }
    const TraceMetadata* metadata() const override { return metadata_; }

private:
    std::vector<Access> accesses_;
    const TraceMetadata* metadata_;
    std::size_t chunk_;
    std::size_t pos_ = 0;
};

Access acc(AccessKind kind, std::uint64_t address, std::uint32_t size) { return Access{address, size, kind, 0}; }

/// Regions A = [0x1000, 0x1100) (64 ints) and B = [0x2000, 0x2040) (8 doubles).
TraceMetadata twoRegions() {
    TraceMetadata m;
    m.source = "hand-made example";
    m.kernel = "demo";
    m.params = {{"n", "8"}, {"order", "ijk"}};
    m.regions.push_back(Region{"A", 0x1000, 0x100, 4, {64}, "row-major", {1}});
    m.regions.push_back(Region{"B", 0x2000, 0x40, 8, {8}, "row-major", {1}});
    return m;
}

/// The worked example (64-byte lines, 4 KiB pages):
///   R 0x1000 4   A        line 0x40                 page 1
///   W 0x103e 4   A        lines 0x40, 0x41 (crosses)  page 1
///   I 0x1040 2   A        line 0x41                 page 1
///   R 0x2000 8   B        line 0x80                 page 2
///   R 0x5000 1   outside  line 0x140                page 5
///   W 0x2ffe 4   outside  lines 0xbf, 0xc0          pages 2, 3 (crosses both)
std::vector<Access> example() {
    return {acc(AccessKind::Read, 0x1000, 4),  acc(AccessKind::Write, 0x103e, 4), acc(AccessKind::Fetch, 0x1040, 2),
            acc(AccessKind::Read, 0x2000, 8),  acc(AccessKind::Read, 0x5000, 1),  acc(AccessKind::Write, 0x2ffe, 4)};
}

}  // namespace

TEST_CASE("trace info: hand-worked trace with regions, a crossing access and the outside entry") {
    const TraceMetadata meta = twoRegions();
    VectorReader reader(example(), &meta);
    const TraceInfo info = traceInfo(reader, "ex.bin");

    CHECK(info.name == "ex.bin");
    CHECK(testing::formatName(info.format) == "binary");
    CHECK(info.records == 6);
    CHECK(info.accesses == 6);
    CHECK(info.reads == 3);
    CHECK(info.writes == 2);
    CHECK(info.fetches == 1);
    CHECK(info.bytes == 4 + 4 + 2 + 8 + 1 + 4);
    CHECK(info.minAddress == 0x1000);
    CHECK(info.maxAddress == 0x5000);  // the 1-byte access at 0x5000; 0x2ffe + 3 = 0x3001 is lower
    // lines 0x40, 0x41, 0x80, 0x140, 0xbf, 0xc0; pages 1, 2, 3, 5
    CHECK(info.footprintLines == 6);
    CHECK(info.footprintPages == 4);
    REQUIRE(info.metadata.has_value());
    CHECK(*info.metadata == meta);

    REQUIRE(info.regions.size() == 3);
    CHECK(info.regions[0].name == "A");
    CHECK(info.regions[0].accesses == 3);
    CHECK(info.regions[0].reads == 1);
    CHECK(info.regions[0].writes == 1);  // the fetch is neither
    CHECK(info.regions[0].footprintLines == 2);
    CHECK(info.regions[1].name == "B");
    CHECK(info.regions[1].accesses == 1);
    CHECK(info.regions[1].reads == 1);
    CHECK(info.regions[1].writes == 0);
    CHECK(info.regions[1].footprintLines == 1);
    CHECK(info.regions[2].name == "(outside regions)");
    CHECK(info.regions[2].accesses == 2);
    CHECK(info.regions[2].reads == 1);
    CHECK(info.regions[2].writes == 1);
    CHECK(info.regions[2].footprintLines == 3);
}

TEST_CASE("trace info: other line and page sizes change the footprint") {
    const TraceMetadata meta = twoRegions();
    VectorReader reader(example(), &meta);
    // 32-byte lines, 8 KiB pages:
    //   0x1000..0x1003 -> line 0x80; 0x103e..0x1041 -> 0x81, 0x82; 0x1040..0x1041 -> 0x82;
    //   0x2000..0x2007 -> 0x100; 0x5000 -> 0x280; 0x2ffe..0x3001 -> 0x17f, 0x180   => 7 lines
    //   pages (8 KiB = 0x2000): 0x1000.. -> 0; 0x2000.. -> 1; 0x5000 -> 2; 0x2ffe..0x3001 -> 1   => 3 pages
    const TraceInfo info = traceInfo(reader, "ex.bin", 32, 8192);
    CHECK(info.lineSize == 32);
    CHECK(info.pageSize == 8192);
    CHECK(info.footprintLines == 7);
    CHECK(info.footprintPages == 3);
    REQUIRE(info.regions.size() == 3);
    CHECK(info.regions[0].footprintLines == 3);  // 0x80, 0x81, 0x82
}

TEST_CASE("trace info: no outside entry when every access is in a region, idle regions stay listed") {
    const TraceMetadata meta = twoRegions();
    VectorReader reader({acc(AccessKind::Write, 0x10fc, 4), acc(AccessKind::Read, 0x1000, 4)}, &meta);
    const TraceInfo info = traceInfo(reader, "in.bin");
    REQUIRE(info.regions.size() == 2);
    CHECK(info.regions[0].name == "A");
    CHECK(info.regions[0].accesses == 2);
    CHECK(info.regions[0].footprintLines == 2);  // lines 0x43 and 0x40
    CHECK(info.regions[1].name == "B");
    CHECK(info.regions[1].accesses == 0);
    CHECK(info.regions[1].footprintLines == 0);
    CHECK(info.minAddress == 0x1000);
    CHECK(info.maxAddress == 0x10ff);
}

TEST_CASE("trace info: a trace without metadata has no regions, an empty trace has no range") {
    VectorReader reader({acc(AccessKind::Read, 0x40, 4)}, nullptr);
    const TraceInfo info = traceInfo(reader, "plain");
    CHECK_FALSE(info.metadata.has_value());
    CHECK(info.regions.empty());
    CHECK(info.footprintLines == 1);

    VectorReader empty({}, nullptr);
    const TraceInfo none = traceInfo(empty, "empty");
    CHECK(none.accesses == 0);
    CHECK(none.footprintLines == 0);
    CHECK(none.footprintPages == 0);
    std::ostringstream os;
    printTraceInfo(os, none);
    CHECK(os.str() == "trace: empty (binary, 0 records)\n"
                      "accesses: 0 (reads 0, writes 0, fetches 0), 0 bytes\n"
                      "address range: (none)\n"
                      "footprint: 0 lines of 64 B, 0 pages of 4 KiB\n");
    CHECK(traceInfoJson(none)["min_address"].is_null());
}

TEST_CASE("trace info: an access at the top of the address space stops there") {
    VectorReader reader({acc(AccessKind::Read, 0xfffffffffffffffeULL, 8)}, nullptr);
    const TraceInfo info = traceInfo(reader, "top");
    CHECK(info.maxAddress == 0xffffffffffffffffULL);
    CHECK(info.footprintLines == 1);
    CHECK(info.footprintPages == 1);
}

TEST_CASE("trace info: zero line or page size is a usage error") {
    VectorReader reader({}, nullptr);
    CHECK_THROWS_AS(traceInfo(reader, "t", 0, 4096), UsageError);
    CHECK_THROWS_AS(traceInfo(reader, "t", 64, 0), UsageError);
}

TEST_CASE("trace info: text output with thousands separators and the regions table") {
    // 1,500 sequential 4-byte reads from 0x10000000: 6,000 bytes, last byte 0x10000000 + 5,999 =
    // 0x1000176f; ceil(6000 / 64) = 94 lines; pages 0x10000 and 0x10001.
    std::vector<Access> seq;
    for (std::uint64_t i = 0; i < 1500; ++i) seq.push_back(acc(AccessKind::Read, 0x10000000 + 4 * i, 4));
    VectorReader big(seq, nullptr, 1000);
    std::ostringstream os;
    printTraceInfo(os, traceInfo(big, "t.bin"));
    CHECK(os.str() == "trace: t.bin (binary, 1,500 records)\n"
                      "accesses: 1,500 (reads 1,500, writes 0, fetches 0), 6,000 bytes\n"
                      "address range: 0x10000000 - 0x1000176f\n"
                      "footprint: 94 lines of 64 B, 2 pages of 4 KiB\n");

    const TraceMetadata meta = twoRegions();
    VectorReader reader(example(), &meta);
    std::ostringstream text;
    printTraceInfo(text, traceInfo(reader, "ex.bin", 64, 2 * 1024 * 1024));
    // With 2 MiB pages everything is in page 0.
    CHECK(text.str() == "trace: ex.bin (binary, 6 records)\n"
                        "accesses: 6 (reads 3, writes 2, fetches 1), 23 bytes\n"
                        "address range: 0x1000 - 0x5000\n"
                        "footprint: 6 lines of 64 B, 1 page of 2 MiB\n"
                        "source: hand-made example\n"
                        "kernel: demo n=8 order=ijk\n"
                        "regions:\n"
                        "  name                 base  size  shape  element  accesses  reads  writes  lines\n"
                        "  A                  0x1000   256     64        4         3      1       1      2\n"
                        "  B                  0x2000    64      8        8         1      1       0      1\n"
                        "  (outside regions)       -     -      -        -         2      1       1      3\n");
}

TEST_CASE("trace info: JSON has the same numbers under snake_case keys") {
    const TraceMetadata meta = twoRegions();
    VectorReader reader(example(), &meta);
    const nlohmann::ordered_json j = traceInfoJson(traceInfo(reader, "ex.bin"));
    CHECK(j["trace"] == "ex.bin");
    CHECK(j["format"] == "binary");
    CHECK(j["records"] == 6);
    CHECK(j["accesses"] == 6);
    CHECK(j["reads"] == 3);
    CHECK(j["writes"] == 2);
    CHECK(j["fetches"] == 1);
    CHECK(j["bytes"] == 23);
    CHECK(j["min_address"] == 0x1000);
    CHECK(j["max_address"] == 0x5000);
    CHECK(j["line_size"] == 64);
    CHECK(j["page_size"] == 4096);
    CHECK(j["footprint_lines"] == 6);
    CHECK(j["footprint_pages"] == 4);
    CHECK(j["source"] == "hand-made example");
    CHECK(j["kernel"] == "demo");
    CHECK(j["params"]["order"] == "ijk");
    REQUIRE(j["regions"].size() == 3);
    const auto& a = j["regions"][0];
    CHECK(a["name"] == "A");
    CHECK(a["base"] == 0x1000);
    CHECK(a["size"] == 0x100);
    CHECK(a["element_size"] == 4);
    CHECK(a["shape"] == nlohmann::ordered_json::array({64}));
    CHECK(a["accesses"] == 3);
    CHECK(a["reads"] == 1);
    CHECK(a["writes"] == 1);
    CHECK(a["footprint_lines"] == 2);
    const auto& out = j["regions"][2];
    CHECK(out["name"] == "(outside regions)");
    CHECK_FALSE(out.contains("base"));
    CHECK(out["accesses"] == 2);
    CHECK(out["footprint_lines"] == 3);
}

TEST_CASE("trace info: traces/page-crossing.trace worked out by hand") {
    // R 0x103c 8   bytes 0x103c..0x1043  lines 0x40, 0x41   page 1
    // W 0x1ffc 8   bytes 0x1ffc..0x2003  lines 0x7f, 0x80   pages 1, 2
    // R 0x2ff8 16  bytes 0x2ff8..0x3007  lines 0xbf, 0xc0   pages 2, 3
    // R 0x1040 4   line 0x41                                page 1
    // R 0x2000 4   line 0x80                                page 2
    auto reader = openTrace(std::string(CACHESCOPE_SOURCE_DIR) + "/traces/page-crossing.trace");
    const TraceInfo info = traceInfo(*reader, "page-crossing.trace");
    CHECK(testing::formatName(info.format) == "text");
    CHECK(info.records == 5);
    CHECK(info.accesses == 5);
    CHECK(info.reads == 4);
    CHECK(info.writes == 1);
    CHECK(info.fetches == 0);
    CHECK(info.bytes == 40);
    CHECK(info.minAddress == 0x103c);
    CHECK(info.maxAddress == 0x3007);
    CHECK(info.footprintLines == 6);
    CHECK(info.footprintPages == 3);
    CHECK(info.regions.empty());
}

TEST_CASE("trace info: traces/strided.trace worked out by hand") {
    // Two passes of 64 reads of 4 bytes at 0x20000 + 64 k: 128 reads, 512 bytes, 64 lines, all
    // in the one page 0x20; the last byte is 0x20fc0 + 3.
    auto reader = openTrace(std::string(CACHESCOPE_SOURCE_DIR) + "/traces/strided.trace");
    const TraceInfo info = traceInfo(*reader, "strided.trace");
    CHECK(info.records == 128);
    CHECK(info.reads == 128);
    CHECK(info.bytes == 512);
    CHECK(info.minAddress == 0x20000);
    CHECK(info.maxAddress == 0x20fc3);
    CHECK(info.footprintLines == 64);
    CHECK(info.footprintPages == 1);
}
