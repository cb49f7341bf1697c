// The trace writers: exact text of each format, round trips between every pair of formats,
// copyTrace, and the metadata JSON's error messages.

#include <doctest/doctest.h>

#include <sstream>

#include "binary_test_util.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/trace/writer.hpp"

using namespace cachescope;
using namespace cachescope::testing;

namespace {

std::string writeAs(TraceFormat format, const std::vector<Access>& accesses, const TraceMetadata& m = {}) {
    std::ostringstream out;
    auto writer = makeTraceWriter(out, format, m);
    writer->write(accesses);
    writer->finish();
    return out.str();
}

const std::vector<Access> kSample = {
    {0x1000, 4, AccessKind::Read, 0},
    {0xdeadbeef, 8, AccessKind::Write, 0},
    {0x0, 1, AccessKind::Fetch, 0},
    {0x7ffd12345678, 64, AccessKind::Read, 0},
};

std::vector<Access> withoutSites(std::vector<Access> a) {
    for (Access& x : a) x.site = 0;
    return a;
}

std::string metadataError(const std::string& json) {
    try {
        (void)metadataFromJson(nlohmann::json::parse(json), "hdr");
    } catch (const TraceError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("writer text: kind letter, hex address, decimal size, the source as a comment") {
    TraceMetadata m;
    m.source = "kernel x\nsecond line";
    CHECK(writeAs(TraceFormat::Text, kSample, m) ==
          "# kernel x second line\nR 0x1000 4\nW 0xdeadbeef 8\nI 0x0 1\nR 0x7ffd12345678 64\n");
    CHECK(writeAs(TraceFormat::Text, kSample) == "R 0x1000 4\nW 0xdeadbeef 8\nI 0x0 1\nR 0x7ffd12345678 64\n");
    CHECK(readString(writeAs(TraceFormat::Text, kSample, m)) == kSample);  // the comment reads back as nothing
}

TEST_CASE("writer din: extended din, label 0/1/2, hex address, hex size") {
    CHECK(writeAs(TraceFormat::Din, kSample) == "0 1000 4\n1 deadbeef 8\n2 0 1\n0 7ffd12345678 40\n");
}

TEST_CASE("writer lackey: valgrind's layout, addresses padded to 8 hex digits") {
    CHECK(writeAs(TraceFormat::Lackey, kSample) == " L 00001000,4\n S deadbeef,8\nI  00000000,1\n L 7ffd12345678,64\n");
}

TEST_CASE("writer: every format to every format gives the same accesses") {
    std::vector<Access> accesses = kSample;
    for (std::uint64_t i = 0; i < 5000; ++i)  // long enough to cross the writers' buffers
        accesses.push_back({0x400000 + i * 12 % 4096 + (i << 20), static_cast<std::uint32_t>(1 + i % 100),
                            static_cast<AccessKind>(i % 3), 0});
    accesses.push_back({~std::uint64_t{0} - 3, 4, AccessKind::Write, 0});  // the last 4 bytes of memory
    const TraceFormat formats[] = {TraceFormat::Text, TraceFormat::Din, TraceFormat::Lackey, TraceFormat::Binary};
    for (const TraceFormat from : formats) {
        const std::string first = writeAs(from, accesses);
        for (const TraceFormat to : formats) {
            CAPTURE(formatName(from));
            CAPTURE(formatName(to));
            auto reader = openString(first);  // detected
            CHECK(formatName(reader->format()) == formatName(from));
            std::ostringstream out;
            auto writer = makeTraceWriter(out, to, {});
            CHECK(copyTrace(*reader, *writer) == accesses.size());
            CHECK(readString(out.str()) == accesses);
        }
    }
}

TEST_CASE("writer: sites survive binary to binary only") {
    TraceMetadata m;
    m.addSite("load", -1, AccessKind::Read);
    m.addSite("store", -1, AccessKind::Write);
    const std::vector<Access> accesses = {
        {0x10, 4, AccessKind::Read, 1}, {0x10, 4, AccessKind::Write, 2}, {0x14, 4, AccessKind::Read, 0}};
    const std::string bin = writeAs(TraceFormat::Binary, accesses, m);
    auto reader = openString(bin);
    std::ostringstream copy;
    auto writer = makeTraceWriter(copy, TraceFormat::Binary, *reader->metadata());
    copyTrace(*reader, *writer);
    CHECK(copy.str() == bin);  // the same bytes: same metadata, same accesses
    CHECK(readString(copy.str()) == accesses);
    CHECK(readString(writeAs(TraceFormat::Text, readBinary(bin))) == withoutSites(accesses));
}

TEST_CASE("writer: refusals") {
    std::ostringstream out;
    CHECK_THROWS_AS(makeTraceWriter(out, TraceFormat::Auto, {}), UsageError);
    CHECK_THROWS_AS(makeTraceWriter(out, TraceFormat::Kernel, {}), UsageError);
    auto writer = makeTraceWriter(out, TraceFormat::Binary, {});  // only site 0 exists
    const std::vector<Access> badSite = {{0x10, 4, AccessKind::Read, 1}};
    CHECK_THROWS_WITH_AS(writer->write(badSite), doctest::Contains("has site 1 (expected a site of the metadata"),
                         TraceError);
    const std::vector<Access> sizeZero = {{0x10, 0, AccessKind::Read, 0}};
    CHECK_THROWS_WITH_AS(writer->write(sizeZero), doctest::Contains("has size 0"), TraceError);
    std::ostringstream failed;
    failed.setstate(std::ios::badbit);
    auto text = makeTraceWriter(failed, TraceFormat::Text, {});
    text->write(kSample);
    CHECK_THROWS_AS(text->finish(), IoError);
}

TEST_CASE("metadata json: errors name the JSON path") {
    CHECK(metadataError("{}").empty());
    CHECK(metadataError("[]") == "hdr: /: expected an object, found array");
    CHECK(metadataError(R"({"colour": 1})") ==
          "hdr: /colour: unknown key (expected one of source, kernel, params, "
          "regions, sites)");
    CHECK(metadataError(R"({"source": 3})") == "hdr: /source: expected a string, found number");
    CHECK(metadataError(R"({"params": {"n": 64}})") == "hdr: /params/n: expected a string, found number");
    CHECK(metadataError(R"({"regions": [{"name": "A", "base": -1, "size": 4}]})") ==
          "hdr: /regions/0/base: expected an unsigned integer, found a negative number");
    CHECK(metadataError(R"({"regions": [{"name": "A", "size": 4}]})") == "hdr: /regions/0: missing key 'base'");
    CHECK(metadataError(R"({"regions": [{"name": "A", "base": 0, "size": 4, "shape": [2], "strides": [1, 2]}]})") ==
          "hdr: /regions/0/strides: 2 strides for 1 dimensions (expected one per dimension)");
    CHECK(metadataError(R"({"regions": [{"name": "A", "base": 0, "size": 8}, {"name": "B", "base": 4, "size": 4}]})")
              .starts_with("hdr: /regions/1/base: region 'B' at 4 overlaps or precedes region 'A'"));
    CHECK(metadataError(R"({"regions": [{"name": "A", "base": 1, "size": 18446744073709551615}]})")
              .starts_with("hdr: /regions/0/size: value 18446744073709551615 is too large"));
    CHECK(metadataError(R"({"sites": []})") == "hdr: /sites: empty (expected at least site 0, \"(unknown)\")");
    CHECK(metadataError(R"({"sites": [{"name": "x", "kind": "load"}]})") ==
          "hdr: /sites/0/kind: unknown kind \"load\" (expected read, write or fetch)");
    CHECK(metadataError(R"({"sites": [{"name": "x", "region": 0}]})") ==
          "hdr: /sites/0/region: region 0 does not exist (expected -1: there are no regions)");
    CHECK(
        metadataError(R"({"regions": [{"name": "A", "base": 0, "size": 8}], "sites": [{"name": "x", "region": 1}]})") ==
        "hdr: /sites/0/region: region 1 does not exist (expected -1 or 0 to 0)");
}

TEST_CASE("metadata json: the documented form") {
    TraceMetadata m;
    m.source = "s";
    m.kernel = "k";
    m.params = {{"n", "2"}};
    m.regions.push_back(Region{"A", 4096, 16, 4, {2, 2}, "row-major", {2, 1}});
    m.addSite("load A", 0, AccessKind::Read);
    CHECK(toJson(m).dump() ==
          R"j({"source":"s","kernel":"k","params":{"n":"2"},"regions":[{"name":"A","base":4096,"size":16,)j"
          R"j("element_size":4,"shape":[2,2],"layout":"row-major","strides":[2,1]}],"sites":[{"name":"(unknown)",)j"
          R"j("region":-1,"kind":"read"},{"name":"load A","region":0,"kind":"read"}]})j");
    // nlohmann::json sorts object keys; one parameter keeps the comparison order-free.
    CHECK(metadataFromJson(nlohmann::json::parse(toJson(m).dump()), "x") == m);
}
