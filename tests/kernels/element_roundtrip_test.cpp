// TraceMetadata::elementAt against every kernel and every layout the kernels produce (row-major,
// transposed B, NCHW / NHWC activations, KCRS / KRSC weights, the im2col buffer, padded rows,
// unusual alignment, 1- to 8-byte elements):
//  - every recorded access maps to an element whose address range (computed here from the
//    definition base + sum(index * stride) * elementSize) contains the whole access, with the same
//    region and indices as the tests' own decoder (kernel_test_util.hpp);
//  - every element of every tensor round-trips: indices -> address -> elementAt -> the same indices,
//    at its first and at its last byte;
//  - every byte of every tensor is an element byte or padding, and the padding bytes number exactly
//    size - elements * elementSize (the pad= columns of every row).

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "kernels/kernel_test_util.hpp"

using namespace cachescope;
using namespace cachescope::test;

namespace {

struct Case {
    std::string kernel;
    std::vector<std::string> settings;
};

// Small parameters, every layout choice, padding and odd alignments.
const std::vector<Case> kCases = {
    {"matmul", {"n=5", "m=3", "k=4"}},
    {"matmul", {"n=4", "transpose_b=1", "pad=3", "align=64"}},
    {"matmul", {"n=3", "elem=1", "pad=1", "align=1"}},
    {"matmul", {"n=3", "elem=2", "tile=2", "fetches=1"}},
    {"matmul", {"n=3", "elem=8", "pad=2", "align=16"}},
    {"transpose", {"rows=3", "cols=5", "pad=1"}},
    {"softmax", {"rows=2", "cols=7", "pad=2"}},
    {"layernorm", {"rows=3", "cols=4", "elem=8", "pad=1"}},
    {"conv2d", {"channels=2", "filters=3", "height=4", "width=5", "layout=NCHW"}},
    {"conv2d", {"channels=2", "filters=3", "height=4", "width=5", "layout=NHWC", "pad=1"}},
    {"conv2d", {"batch=2", "channels=3", "filters=2", "height=4", "width=4", "algo=im2col", "pad=2", "align=32"}},
    {"conv2d", {"channels=2", "filters=2", "height=5", "width=3", "layout=NHWC", "algo=im2col", "stride=2"}},
    {"conv2d", {"channels=4", "height=3", "width=3", "depthwise=1", "layout=NHWC", "fetches=1"}},
    {"attention", {"seq=5", "dim=3", "causal=1", "pad=1"}},
    {"pool2d", {"channels=2", "height=4", "width=6", "window=3", "stride=1", "pad=3"}},
    {"dataloader", {"samples=5", "sample_size=12", "batch=2", "mode=read", "order=shuffled"}},
    {"dataloader", {"samples=3", "sample_size=8", "batch=2", "epochs=2", "pad=1"}},
};

std::string label(const Case& c) {
    std::string s = c.kernel;
    for (const std::string& p : c.settings) s += " " + p;
    return s;
}

/// The definition, written out here: the first byte of element `index`.
std::uint64_t addressFromDefinition(const Region& r, const std::vector<std::uint64_t>& index) {
    std::uint64_t element = 0;
    for (std::size_t d = 0; d < index.size(); ++d) element += index[d] * r.strides[d];
    return r.base + element * r.elementSize;
}

/// Calls f(index) for every index tuple of `shape`, last dimension fastest.
template <class F>
void forEachIndex(const std::vector<std::uint64_t>& shape, F f) {
    std::vector<std::uint64_t> index(shape.size(), 0);
    for (;;) {
        f(index);
        std::size_t d = shape.size();
        while (d > 0) {
            --d;
            if (++index[d] < shape[d]) break;
            index[d] = 0;
            if (d == 0) return;
        }
        if (shape.empty()) return;
    }
}

}  // namespace

TEST_CASE("element round trip: the cases cover every registered kernel") {
    std::set<std::string> covered;
    for (const Case& c : kCases) covered.insert(c.kernel);
    for (const KernelInfo& k : kernels()) CHECK_MESSAGE(covered.count(k.name) == 1, "no elementAt case for " << k.name);
}

TEST_CASE("element round trip: every access of every kernel lies in the element elementAt names") {
    for (const Case& c : kCases) {
        CAPTURE(label(c));
        const KernelRun run = runNamed(c.kernel, c.settings);
        REQUIRE(!run.accesses.empty());
        for (const Access& a : run.accesses) {
            const std::optional<ElementRef> e = run.meta.elementAt(a.address);
            REQUIRE(e.has_value());
            const Region& r = run.meta.regions.at(e->region);
            REQUIRE(r.contains(a.address));
            if (!r.isArray()) {  // instruction fetches from the code region
                REQUIRE((a.kind == AccessKind::Fetch));
                REQUIRE((e->kind == ElementRef::Kind::Bytes));
                REQUIRE(e->offset == a.address - r.base);
                continue;
            }
            REQUIRE((e->kind == ElementRef::Kind::Element));  // kernels never touch padding
            REQUIRE(e->indices.size() == r.shape.size());
            for (std::size_t d = 0; d < r.shape.size(); ++d) REQUIRE(e->indices[d] < r.shape[d]);
            const std::uint64_t first = addressFromDefinition(r, e->indices);
            REQUIRE(first <= a.address);
            REQUIRE(a.address + a.size <= first + r.elementSize);
            REQUIRE(e->offset == a.address - first);
            // The same element as the tests' own decoder finds.
            const Element decoded = decode(run.meta, a);
            REQUIRE(decoded.region == r.name);
            REQUIRE(decoded.index == e->indices);
        }
    }
}

TEST_CASE("element round trip: indices -> address -> elementAt gives the indices back, every element") {
    for (const Case& c : kCases) {
        CAPTURE(label(c));
        const KernelRun run = runNamed(c.kernel, c.settings);
        std::size_t arrays = 0;
        for (std::size_t ri = 0; ri < run.meta.regions.size(); ++ri) {
            const Region& r = run.meta.regions[ri];
            if (!r.isArray()) continue;
            ++arrays;
            CAPTURE(r.name);
            std::uint64_t elements = 0;
            forEachIndex(r.shape, [&](const std::vector<std::uint64_t>& index) {
                ++elements;
                const std::uint64_t address = addressFromDefinition(r, index);
                REQUIRE(r.addressOf(index) == address);
                const std::optional<ElementRef> first = run.meta.elementAt(address);
                REQUIRE(first.has_value());
                REQUIRE(*first == ElementRef{ri, ElementRef::Kind::Element, index, 0});
                const std::optional<ElementRef> last = run.meta.elementAt(address + r.elementSize - 1);
                REQUIRE(last.has_value());
                REQUIRE(*last == ElementRef{ri, ElementRef::Kind::Element, index, r.elementSize - 1});
            });
            std::uint64_t expected = 1;
            for (const std::uint64_t s : r.shape) expected *= s;
            CHECK(elements == expected);
        }
        CHECK(arrays >= 2);
    }
}

TEST_CASE("element round trip: every byte is an element's or padding, and padding is exactly the pad columns") {
    for (const Case& c : kCases) {
        CAPTURE(label(c));
        const KernelRun run = runNamed(c.kernel, c.settings);
        std::uint64_t pad = 0;
        for (const std::string& s : c.settings)
            if (s.rfind("pad=", 0) == 0) pad = std::stoull(s.substr(4));
        for (std::size_t ri = 0; ri < run.meta.regions.size(); ++ri) {
            const Region& r = run.meta.regions[ri];
            if (!r.isArray()) continue;
            CAPTURE(r.name);
            std::uint64_t elementBytes = 0, paddingBytes = 0;
            for (std::uint64_t b = 0; b < r.size; ++b) {
                const std::optional<ElementRef> e = run.meta.elementAt(r.base + b);
                REQUIRE(e.has_value());
                REQUIRE(e->region == ri);
                if (e->kind == ElementRef::Kind::Element) {
                    ++elementBytes;
                } else {
                    REQUIRE((e->kind == ElementRef::Kind::Padding));
                    REQUIRE(e->indices.empty());
                    REQUIRE(e->offset == b);
                    // A padding byte sits in one of the `pad` extra columns of its row.
                    const std::uint64_t inner = r.shape.back();
                    REQUIRE((b / r.elementSize) % (inner + pad) >= inner);
                    ++paddingBytes;
                }
            }
            std::uint64_t elements = 1, rows = 1;
            for (const std::uint64_t s : r.shape) elements *= s;
            for (std::size_t d = 0; d + 1 < r.shape.size(); ++d) rows *= r.shape[d];
            CHECK(elementBytes == elements * r.elementSize);
            // Layout::tensor pads the innermost dimension of every row by `pad` elements.
            CHECK(paddingBytes == rows * pad * r.elementSize);
        }
    }
}
