// TraceMetadata::elementAt and describeElement on hand-built regions, worked out by hand
// (metadata.hpp's example, a padded row, a column-major region from a file, a broadcast dimension,
// a region that is not an array). The kernels' own layouts are covered by
// tests/kernels/element_roundtrip_test.cpp.

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "cachescope/trace/metadata.hpp"

using namespace cachescope;

namespace {

Region array(std::string name, std::uint64_t base, std::uint32_t elementSize, std::vector<std::uint64_t> shape,
             std::vector<std::uint64_t> strides, std::uint64_t elements) {
    Region r;
    r.name = std::move(name);
    r.base = base;
    r.size = elements * elementSize;
    r.elementSize = elementSize;
    r.shape = std::move(shape);
    r.strides = std::move(strides);
    return r;
}

ElementRef element(std::size_t region, std::vector<std::uint64_t> indices, std::uint64_t offset = 0) {
    return {region, ElementRef::Kind::Element, std::move(indices), offset};
}

}  // namespace

TEST_CASE("elementAt: a padded row-major array (metadata.hpp's example)") {
    // A: 2x3 floats, innermost dimension padded by 1 -> strides {4, 1}, 8 slots = 32 bytes at 0x1000.
    //   slot:  0    1    2    3(pad) | 4    5    6    7(pad)
    //          A00  A01  A02  -      | A10  A11  A12  -
    TraceMetadata m;
    m.regions.push_back(array("A", 0x1000, 4, {2, 3}, {4, 1}, 8));
    CHECK(m.elementAt(0x1000) == std::optional<ElementRef>(element(0, {0, 0})));
    CHECK(m.elementAt(0x1014) == std::optional<ElementRef>(element(0, {1, 1})));     // 0x14 / 4 = slot 5
    CHECK(m.elementAt(0x1018) == std::optional<ElementRef>(element(0, {1, 2})));     // slot 6
    CHECK(m.elementAt(0x101a) == std::optional<ElementRef>(element(0, {1, 2}, 2)));  // inside A[1][2]
    const std::optional<ElementRef> pad = m.elementAt(0x100c);                        // slot 3
    REQUIRE(pad.has_value());
    CHECK((pad->kind == ElementRef::Kind::Padding));
    CHECK(pad->indices.empty());
    CHECK(pad->offset == 0xc);
    CHECK((m.elementAt(0x101f)->kind == ElementRef::Kind::Padding));  // the last byte, slot 7
    CHECK_FALSE(m.elementAt(0x0fff).has_value());
    CHECK_FALSE(m.elementAt(0x1020).has_value());
    CHECK(m.regions[0].addressOf({1, 2}) == 0x1018);

    CHECK(describeElement(m, 0x1018) == "A[1][2]");
    CHECK(describeElement(m, 0x101b) == "A[1][2]");
    CHECK(describeElement(m, 0x100c) == "A+0xc (padding)");
    CHECK(describeElement(m, 0x0fff).empty());
}

TEST_CASE("elementAt: indices come in shape order whatever the strides' order") {
    // A column-major 3x2 array from a trace file: shape {3, 2}, strides {1, 3} (column j is
    // contiguous). Byte 0x20 + 8*4 = element 4 = 1 + 1*3 -> [1][1]; element 2 -> [2][0].
    TraceMetadata m;
    m.regions.push_back(array("M", 0x20, 8, {3, 2}, {1, 3}, 6));
    CHECK(m.elementAt(0x20 + 4 * 8) == std::optional<ElementRef>(element(0, {1, 1})));
    CHECK(m.elementAt(0x20 + 2 * 8 + 7) == std::optional<ElementRef>(element(0, {2, 0}, 7)));
    CHECK(describeElement(m, 0x20 + 3 * 8) == "M[0][1]");
}

TEST_CASE("elementAt: a broadcast dimension (stride 0) gets index 0") {
    // shape {4, 5}, strides {0, 1}: every row is the same 5 elements.
    TraceMetadata m;
    m.regions.push_back(array("bias", 0x100, 2, {4, 5}, {0, 1}, 5));
    CHECK(m.elementAt(0x100 + 3 * 2) == std::optional<ElementRef>(element(0, {0, 3})));
}

TEST_CASE("elementAt: a region that is not an array, and several regions") {
    TraceMetadata m;
    m.regions.push_back(array("A", 0x1000, 4, {4}, {1}, 4));  // 0x1000..0x100f
    Region code;
    code.name = "code";
    code.base = 0x2000;
    code.size = 0x40;
    code.elementSize = 4;
    code.layout = "code";
    m.regions.push_back(code);
    const std::optional<ElementRef> c = m.elementAt(0x2024);
    REQUIRE(c.has_value());
    CHECK(c->region == 1);
    CHECK((c->kind == ElementRef::Kind::Bytes));
    CHECK(c->indices.empty());
    CHECK(c->offset == 0x24);
    CHECK(describeElement(m, 0x2024) == "code+0x24");
    CHECK(describeElement(m, 0x100c) == "A[3]");
    CHECK_FALSE(m.elementAt(0x1010).has_value());  // between the regions
}
