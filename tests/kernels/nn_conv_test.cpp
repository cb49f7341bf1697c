// conv2d kernel: numeric results against a plain 7-loop reference (every layout and algorithm,
// depthwise, stride/padding/dilation), access counts against closed forms, and the first accesses
// of tiny convolutions against hand-written lists (addresses decoded through the region table).

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "../../src/kernels/builtin.hpp"
#include "kernels/kernel_test_util.hpp"
#include "cachescope/core/error.hpp"

using namespace cachescope;
using namespace cachescope::test;

namespace {

KernelRun run(const std::map<std::string, std::string>& overrides) {
    return runNamed("conv2d", settings(overrides));
}

// ---- the reference ----------------------------------------------------------------------------

struct Case {
    std::uint64_t n, c, k, h, w, ker, stride, pad, dil;
    bool depthwise = false;
    std::map<std::string, std::string> params() const {
        return {{"batch", std::to_string(n)},       {"channels", std::to_string(c)},
                {"filters", std::to_string(k)},     {"height", std::to_string(h)},
                {"width", std::to_string(w)},       {"kernel", std::to_string(ker)},
                {"stride", std::to_string(stride)}, {"padding", std::to_string(pad)},
                {"dilation", std::to_string(dil)},  {"depthwise", depthwise ? "1" : "0"}};
    }
    std::uint64_t outH() const { return (h + 2 * pad - dil * (ker - 1) - 1) / stride + 1; }
    std::uint64_t outW() const { return (w + 2 * pad - dil * (ker - 1) - 1) / stride + 1; }
};

// The input formulas documented in docs/kernels.md.
double inputValue(std::uint64_t n, std::uint64_t c, std::uint64_t h, std::uint64_t w) {
    return static_cast<double>(static_cast<std::int64_t>((n * 3 + c * 5 + h * 7 + w * 11) % 7) - 3);
}
double weightValue(std::uint64_t k, std::uint64_t cg, std::uint64_t r, std::uint64_t s) {
    return static_cast<double>(static_cast<std::int64_t>((k * 5 + cg * 3 + r * 2 + s) % 5) - 2);
}

/// Plain 7-loop convolution (groups for depthwise); output in N×K×P×Q order.
std::vector<double> referenceConv(const Case& cs) {
    const std::uint64_t K = cs.depthwise ? cs.c : cs.k, groups = cs.depthwise ? cs.c : 1;
    const std::uint64_t cg = cs.c / groups, kg = K / groups, P = cs.outH(), Q = cs.outW();
    std::vector<double> out;
    for (std::uint64_t n = 0; n < cs.n; ++n)
        for (std::uint64_t k = 0; k < K; ++k)
            for (std::uint64_t p = 0; p < P; ++p)
                for (std::uint64_t q = 0; q < Q; ++q) {
                    double sum = 0;
                    for (std::uint64_t c = 0; c < cg; ++c)
                        for (std::uint64_t r = 0; r < cs.ker; ++r)
                            for (std::uint64_t s = 0; s < cs.ker; ++s) {
                                const auto h = static_cast<std::int64_t>(p * cs.stride + r * cs.dil) -
                                               static_cast<std::int64_t>(cs.pad);
                                const auto w = static_cast<std::int64_t>(q * cs.stride + s * cs.dil) -
                                               static_cast<std::int64_t>(cs.pad);
                                if (h < 0 || w < 0 || h >= static_cast<std::int64_t>(cs.h) ||
                                    w >= static_cast<std::int64_t>(cs.w))
                                    continue;
                                sum += inputValue(n, (k / kg) * cg + c, static_cast<std::uint64_t>(h),
                                                  static_cast<std::uint64_t>(w)) *
                                       weightValue(k, c, r, s);
                            }
                    out.push_back(sum);
                }
    return out;
}

/// N×P×Q×K values reordered to N×K×P×Q.
std::vector<double> nhwcToNchw(const std::vector<double>& v, std::uint64_t n, std::uint64_t h, std::uint64_t w,
                               std::uint64_t c) {
    std::vector<double> out(v.size());
    for (std::uint64_t a = 0; a < n; ++a)
        for (std::uint64_t y = 0; y < h; ++y)
            for (std::uint64_t x = 0; x < w; ++x)
                for (std::uint64_t z = 0; z < c; ++z)
                    out[((a * c + z) * h + y) * w + x] = v[((a * h + y) * w + x) * c + z];
    return out;
}

/// In-bounds taps along one dimension: Σ over r of #{p < P : 0 <= p·stride + r·dil − pad < size}, each
/// term in closed form (p ranges over an interval of multiples of the stride).
std::uint64_t inBoundsTaps(std::uint64_t size, std::uint64_t ker, std::uint64_t stride, std::uint64_t pad,
                           std::uint64_t dil, std::uint64_t P) {
    std::uint64_t total = 0;
    for (std::uint64_t r = 0; r < ker; ++r) {
        // pad − r·dil <= p·stride <= size − 1 + pad − r·dil
        const auto lo = static_cast<std::int64_t>(pad) - static_cast<std::int64_t>(r * dil);
        const auto hi = static_cast<std::int64_t>(size + pad) - 1 - static_cast<std::int64_t>(r * dil);
        if (hi < 0) continue;
        const auto st = static_cast<std::int64_t>(stride);
        const std::int64_t first = lo <= 0 ? 0 : (lo + st - 1) / st;
        const std::int64_t last = std::min(static_cast<std::int64_t>(P) - 1, hi / st);
        if (last >= first) total += static_cast<std::uint64_t>(last - first + 1);
    }
    return total;
}

const std::vector<Case> kCases = {
    {2, 3, 4, 5, 6, 3, 1, 1, 1},  // batch 2, "same" padding
    {1, 2, 3, 7, 5, 3, 2, 0, 1},  // stride 2, no padding
    {1, 2, 2, 6, 7, 2, 1, 2, 2},  // even kernel, dilation 2, padding 2
    {1, 3, 2, 4, 4, 1, 1, 0, 1},  // 1×1 convolution
    {2, 3, 2, 5, 5, 3, 3, 1, 2},  // stride 3 and dilation 2: a single output pixel row
    {1, 2, 1, 3, 3, 5, 2, 2, 1},  // kernel larger than the image
};

}  // namespace

TEST_CASE("conv2d: direct, im2col, NCHW and NHWC all equal a plain 7-loop reference") {
    for (const bool depthwise : {false, true})
        for (Case cs : kCases) {
            cs.depthwise = depthwise;
            const std::vector<double> expected = referenceConv(cs);
            const std::uint64_t K = depthwise ? cs.c : cs.k;
            for (const std::string layout : {"NCHW", "NHWC"})
                for (const std::string algo : {"direct", "im2col"}) {
                    CAPTURE(layout);
                    CAPTURE(algo);
                    CAPTURE(depthwise);
                    CAPTURE(cs.h);
                    CAPTURE(cs.ker);
                    auto params = cs.params();
                    params["layout"] = layout;
                    params["algo"] = algo;
                    const KernelRun r = run(params);
                    // The inputs are the documented formulas, in the layout's order.
                    std::vector<double> input = r.values.at("input");
                    if (layout == "NHWC") input = nhwcToNchw(input, cs.n, cs.h, cs.w, cs.c);
                    std::size_t i = 0;
                    for (std::uint64_t n = 0; n < cs.n; ++n)
                        for (std::uint64_t c = 0; c < cs.c; ++c)
                            for (std::uint64_t h = 0; h < cs.h; ++h)
                                for (std::uint64_t w = 0; w < cs.w; ++w)
                                    REQUIRE(input.at(i++) == inputValue(n, c, h, w));
                    std::vector<double> out = r.values.at("output");
                    if (layout == "NHWC") out = nhwcToNchw(out, cs.n, cs.outH(), cs.outW(), K);
                    CHECK(out == expected);  // small integers: exact in float
                }
        }
}

TEST_CASE("conv2d: a 1-pixel image, hand-worked") {
    // C=2, K=1, 1×1 image, 3×3 kernel, padding 1: only the centre tap (1,1) is inside.
    // input[0][c][0][0] = (5c % 7) − 3 = −3, 2;  weights[0][c][1][1] = ((3c + 3) % 5) − 2 = 1, −1.
    // output = −3·1 + 2·(−1) = −5.
    for (const std::string algo : {"direct", "im2col"}) {
        const KernelRun r = run({{"channels", "2"}, {"filters", "1"}, {"height", "1"}, {"width", "1"}, {"algo", algo}});
        CHECK(r.values.at("input") == std::vector<double>{-3, 2});
        CHECK(r.values.at("output") == std::vector<double>{-5});
        CHECK(siteCount(r, "load input[n][c][h][w]" + std::string(algo == "im2col" ? " (im2col)" : "")) == 2);
    }
}

TEST_CASE("conv2d: access counts equal the closed forms") {
    for (const bool depthwise : {false, true})
        for (Case cs : kCases) {
            cs.depthwise = depthwise;
            const std::uint64_t K = depthwise ? cs.c : cs.k, Cg = depthwise ? 1 : cs.c;
            const std::uint64_t P = cs.outH(), Q = cs.outW();
            const std::uint64_t taps = inBoundsTaps(cs.h, cs.ker, cs.stride, cs.pad, cs.dil, P) *
                                       inBoundsTaps(cs.w, cs.ker, cs.stride, cs.pad, cs.dil, Q);
            if (cs.pad == 0) CHECK(taps == cs.ker * P * cs.ker * Q);  // every tap inside
            CAPTURE(depthwise);
            CAPTURE(cs.h);
            CAPTURE(cs.ker);
            {
                const KernelRun r = run(cs.params());
                CHECK(siteCount(r, "load input[n][c][h][w]") == cs.n * K * Cg * taps);
                CHECK(siteCount(r, "load weights[k][c][r][s]") == cs.n * K * Cg * taps);
                CHECK(siteCount(r, "store output[n][k][p][q]") == cs.n * K * P * Q);
                CHECK(r.accesses.size() == cs.n * K * (2 * Cg * taps + P * Q));
            }
            {
                auto params = cs.params();
                params["algo"] = "im2col";
                params["layout"] = "NHWC";
                const KernelRun r = run(params);
                const std::uint64_t cells = cs.c * cs.ker * cs.ker * P * Q,
                                    gemm = cs.n * K * Cg * cs.ker * cs.ker * P * Q;
                CHECK(siteCount(r, "load input[n][h][w][c] (im2col)") == cs.n * cs.c * taps);
                CHECK(siteCount(r, "store im2col[row][p*Q+q] = input") == cs.n * cs.c * taps);
                CHECK(siteCount(r, "store im2col[row][p*Q+q] = 0 (padding)") == cs.n * (cells - cs.c * taps));
                CHECK(siteCount(r, "load weights[k][r][s][c] (gemm)") == gemm);
                CHECK(siteCount(r, "load im2col[row][p*Q+q] (gemm)") == gemm);
                CHECK(siteCount(r, "load output[n][p][q][k] (gemm)") == gemm);
                CHECK(siteCount(r, "store output[n][p][q][k] (gemm)") == gemm);
                CHECK(r.accesses.size() == cs.n * (cells + cs.c * taps) + 4 * gemm);
            }
        }
}

TEST_CASE("conv2d: first accesses of a tiny direct NCHW conv, hand-written") {
    // C=K=1, 2×2 image, 3×3 kernel, padding 1: output 2×2. Output (0,0) sees taps r,s in {1,2};
    // output (0,1) sees r in {1,2}, s in {0,1}.
    const KernelRun r = run({{"channels", "1"}, {"filters", "1"}, {"height", "2"}, {"width", "2"}});
    using V = std::vector<std::uint64_t>;
    const std::string li = "load input[n][c][h][w]", lw = "load weights[k][c][r][s]", so = "store output[n][k][p][q]";
    const auto R = AccessKind::Read, W = AccessKind::Write;
    // clang-format off
    const std::vector<Element> expected = {
        {"input", V{0, 0, 0, 0}, R, li}, {"weights", V{0, 0, 1, 1}, R, lw},
        {"input", V{0, 0, 0, 1}, R, li}, {"weights", V{0, 0, 1, 2}, R, lw},
        {"input", V{0, 0, 1, 0}, R, li}, {"weights", V{0, 0, 2, 1}, R, lw},
        {"input", V{0, 0, 1, 1}, R, li}, {"weights", V{0, 0, 2, 2}, R, lw},
        {"output", V{0, 0, 0, 0}, W, so},
        {"input", V{0, 0, 0, 0}, R, li}, {"weights", V{0, 0, 1, 0}, R, lw},
        {"input", V{0, 0, 0, 1}, R, li}, {"weights", V{0, 0, 1, 1}, R, lw},
        {"input", V{0, 0, 1, 0}, R, li}, {"weights", V{0, 0, 2, 0}, R, lw},
        {"input", V{0, 0, 1, 1}, R, li}, {"weights", V{0, 0, 2, 1}, R, lw},
        {"output", V{0, 0, 0, 1}, W, so},
    };
    // clang-format on
    REQUIRE(r.accesses.size() >= expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CAPTURE(i);
        CHECK(decodeWithSite(r.meta, r.accesses[i]) == expected[i]);
        CHECK(r.accesses[i].size == 4);
    }
    // The raw addresses too: the first tensor starts at base, element (h, w) at base + 4·(2h + w).
    CHECK(r.accesses[0].address == 268435456);
    CHECK(r.accesses[4].address == 268435456 + 4 * 2);
}

TEST_CASE("conv2d: NHWC direct loops over channels innermost, with padded rows") {
    // C=2, K=1, 1×2 image, 1×1 kernel, no padding, pad=3 elements per innermost row.
    const KernelRun r = run({{"channels", "2"},
                       {"filters", "1"},
                       {"height", "1"},
                       {"width", "2"},
                       {"kernel", "1"},
                       {"padding", "0"},
                       {"layout", "NHWC"},
                       {"pad", "3"}});
    using V = std::vector<std::uint64_t>;
    const std::string li = "load input[n][h][w][c]", lw = "load weights[k][r][s][c]", so = "store output[n][p][q][k]";
    const auto R = AccessKind::Read, W = AccessKind::Write;
    // clang-format off
    const std::vector<Element> expected = {
        {"input", V{0, 0, 0, 0}, R, li}, {"weights", V{0, 0, 0, 0}, R, lw},
        {"input", V{0, 0, 0, 1}, R, li}, {"weights", V{0, 0, 0, 1}, R, lw},
        {"output", V{0, 0, 0, 0}, W, so},
        {"input", V{0, 0, 1, 0}, R, li}, {"weights", V{0, 0, 0, 0}, R, lw},
        {"input", V{0, 0, 1, 1}, R, li}, {"weights", V{0, 0, 0, 1}, R, lw},
        {"output", V{0, 0, 1, 0}, W, so},
    };
    // clang-format on
    REQUIRE(r.accesses.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CAPTURE(i);
        CHECK(decodeWithSite(r.meta, r.accesses[i]) == expected[i]);
    }
    // Innermost rows hold C + pad = 5 elements: input[0][0][1][0] is 5 floats past the base.
    const Region& in = r.meta.regions.at(0);
    CHECK(in.name == "input");
    CHECK(in.layout == "NHWC");
    CHECK(in.strides == std::vector<std::uint64_t>{10, 10, 5, 1});
    CHECK(r.accesses[5].address == in.base + 4 * 5);
}

TEST_CASE("conv2d: im2col fills the column buffer, then the GEMM reads it (hand-written)") {
    // C=K=1, 2×2 image, 2×2 kernel, no padding: one output pixel, a 4×1 column buffer.
    const KernelRun r = run({{"channels", "1"},
                       {"filters", "1"},
                       {"height", "2"},
                       {"width", "2"},
                       {"kernel", "2"},
                       {"padding", "0"},
                       {"algo", "im2col"}});
    using V = std::vector<std::uint64_t>;
    const std::string li = "load input[n][c][h][w] (im2col)", sc = "store im2col[row][p*Q+q] = input",
                      lw = "load weights[k][c][r][s] (gemm)", lc = "load im2col[row][p*Q+q] (gemm)",
                      lo = "load output[n][k][p][q] (gemm)", so = "store output[n][k][p][q] (gemm)";
    const auto R = AccessKind::Read, W = AccessKind::Write;
    std::vector<Element> expected;
    for (std::uint64_t row = 0; row < 4; ++row) {
        expected.push_back({"input", V{0, 0, row / 2, row % 2}, R, li});
        expected.push_back({"im2col", V{row, 0}, W, sc});
    }
    for (std::uint64_t row = 0; row < 4; ++row) {
        expected.push_back({"weights", V{0, 0, row / 2, row % 2}, R, lw});
        expected.push_back({"im2col", V{row, 0}, R, lc});
        expected.push_back({"output", V{0, 0, 0, 0}, R, lo});
        expected.push_back({"output", V{0, 0, 0, 0}, W, so});
    }
    REQUIRE(r.accesses.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CAPTURE(i);
        CHECK(decodeWithSite(r.meta, r.accesses[i]) == expected[i]);
    }
    // The column buffer holds the image, row (r, s) = input[r][s]: (7h + 11w) % 7 − 3.
    CHECK(r.values.at("im2col") == std::vector<double>{-3, 1, -3, 1});
}

TEST_CASE("conv2d: im2col stores zeros for padding without loading the input") {
    // 1×1 image, 3×3 kernel, padding 1: of the nine rows only row 4 (r=1, s=1) is inside.
    const KernelRun r = run({{"channels", "1"}, {"filters", "1"}, {"height", "1"}, {"width", "1"}, {"algo", "im2col"}});
    std::vector<std::string> sites;
    for (std::size_t i = 0; i < 10; ++i) sites.push_back(r.meta.sites.at(r.accesses.at(i).site).name);
    const std::string zero = "store im2col[row][p*Q+q] = 0 (padding)";
    const std::vector<std::string> expected = {
        zero, zero, zero, zero, "load input[n][c][h][w] (im2col)", "store im2col[row][p*Q+q] = input",
        zero, zero, zero, zero};
    CHECK(sites == expected);
    CHECK(r.values.at("im2col") == std::vector<double>{0, 0, 0, 0, -3, 0, 0, 0, 0});
}

TEST_CASE("conv2d: tensors are page-aligned at distinct bases, described in the metadata") {
    for (const std::string algo : {"direct", "im2col"}) {
        const KernelRun r = run({{"channels", "3"}, {"filters", "5"}, {"height", "7"}, {"width", "9"}, {"algo", algo}});
        std::vector<std::string> names;
        for (const Region& reg : r.meta.regions) names.push_back(reg.name);
        if (algo == "direct")
            CHECK(names == std::vector<std::string>{"input", "weights", "output"});
        else
            CHECK(names == std::vector<std::string>{"input", "weights", "im2col", "output"});
        CHECK(r.meta.regions.front().base == 268435456);
        for (std::size_t i = 0; i < r.meta.regions.size(); ++i) {
            const Region& reg = r.meta.regions[i];
            CHECK(reg.base % 4096 == 0);
            CHECK(reg.elementSize == 4);
            if (i > 0) CHECK(reg.base >= r.meta.regions[i - 1].base + r.meta.regions[i - 1].size);
        }
        CHECK(r.meta.regions[0].shape == std::vector<std::uint64_t>{1, 3, 7, 9});
        CHECK(r.meta.regions[1].shape == std::vector<std::uint64_t>{5, 3, 3, 3});
        CHECK(r.meta.regions[1].layout == "KCRS");
        CHECK(r.meta.regions.back().shape == std::vector<std::uint64_t>{1, 5, 7, 9});
        if (algo == "im2col") CHECK(r.meta.regions[2].shape == std::vector<std::uint64_t>{27, 63});
        // Every access lands in a tensor, and its site names that tensor and its kind.
        for (const Access& a : r.accesses) {
            const auto reg = r.meta.regionOf(a.address);
            REQUIRE(reg.has_value());
            REQUIRE(r.meta.sites.at(a.site).region == static_cast<std::int32_t>(*reg));
            REQUIRE((r.meta.sites.at(a.site).kind == a.kind));
        }
    }
}

TEST_CASE("conv2d: depthwise weights are C×1×R×S and filters is ignored") {
    const KernelRun r = run({{"channels", "3"}, {"filters", "7"}, {"height", "4"}, {"width", "4"}, {"depthwise", "1"}});
    CHECK(r.meta.regions.at(1).shape == std::vector<std::uint64_t>{3, 1, 3, 3});
    CHECK(r.meta.regions.at(2).shape == std::vector<std::uint64_t>{1, 3, 4, 4});
}

TEST_CASE("conv2d: with fetches every access is preceded by a fetch of its site's code slot") {
    const KernelRun r = run({{"channels", "1"}, {"filters", "1"}, {"height", "2"}, {"width", "2"}, {"fetches", "1"}});
    REQUIRE(r.meta.regions.back().name == "code");
    const std::uint64_t code = r.meta.regions.back().base;
    REQUIRE(r.accesses.size() == 2 * (4 * (2 * 4) + 4));  // 4 outputs × 4 taps × 2 loads + 4 stores
    for (std::size_t i = 0; i < r.accesses.size(); i += 2) {
        CHECK((r.accesses[i].kind == AccessKind::Fetch));
        CHECK(r.accesses[i].address == code + 16 * r.accesses[i + 1].site);
    }
}

TEST_CASE("conv2d: a kernel that does not fit the padded image is a usage error") {
    CHECK_THROWS_WITH_AS(run({{"height", "2"}, {"kernel", "5"}, {"padding", "1"}}),
                         doctest::Contains("padded height is only 4"), UsageError);
    CHECK_THROWS_AS(run({{"width", "3"}, {"kernel", "3"}, {"padding", "0"}, {"dilation", "2"}}), UsageError);
    // Tensors beyond 2^28 elements are refused before anything is allocated.
    CHECK_THROWS_WITH_AS(run({{"channels", "4096"}, {"height", "4096"}, {"width", "4096"}}),
                         doctest::Contains("tensor input would hold 68719476736 elements"), UsageError);
    CHECK_THROWS_WITH_AS(
        run({{"channels", "1024"}, {"height", "512"}, {"width", "512"}, {"kernel", "3"}, {"algo", "im2col"}}),
        doctest::Contains("tensor im2col would hold"), UsageError);
}

TEST_CASE("conv2d: NHWC im2col rows are ordered r, s, c like KRSC weights") {
    // C=2, 2×2 image, 2×2 kernel, no padding: one column; row (r·2 + s)·2 + c holds input[0][c][r][s].
    const KernelRun r = run({{"channels", "2"},
                       {"filters", "1"},
                       {"height", "2"},
                       {"width", "2"},
                       {"kernel", "2"},
                       {"padding", "0"},
                       {"layout", "NHWC"},
                       {"algo", "im2col"}});
    std::vector<double> expected(8);
    for (std::uint64_t rr = 0; rr < 2; ++rr)
        for (std::uint64_t s = 0; s < 2; ++s)
            for (std::uint64_t c = 0; c < 2; ++c) expected[(rr * 2 + s) * 2 + c] = inputValue(0, c, rr, s);
    CHECK(r.values.at("im2col") == expected);
    // Stores of the fill go to rows 0, 1, 2, ... in order.
    std::uint64_t row = 0;
    for (const Access& a : r.accesses)
        if (r.meta.sites.at(a.site).name == "store im2col[row][p*Q+q] = input") {
            CHECK(decodeWithSite(r.meta, a).index == std::vector<std::uint64_t>{row, 0});
            ++row;
        }
    CHECK(row == 8);
}

TEST_CASE("conv2d: declares the parameters of the brief, each default inside its range") {
    const KernelInfo k = conv2dKernel();
    CHECK(k.name == "conv2d");
    std::vector<std::string> names;
    for (const KernelParamSpec& p : k.params) {
        names.push_back(p.name);
        if (p.type == KernelParamSpec::Type::Int) {
            CHECK(std::stoll(p.defaultValue) >= p.min);
            CHECK(std::stoll(p.defaultValue) <= p.max);
        } else if (p.type == KernelParamSpec::Type::Choice) {
            CHECK(std::find(p.choices.begin(), p.choices.end(), p.defaultValue) != p.choices.end());
        } else {
            CHECK(p.defaultValue == "0");
        }
    }
    CHECK(names == std::vector<std::string>{"batch", "channels", "filters", "height", "width", "kernel", "stride",
                                            "padding", "dilation", "layout", "algo", "depthwise"});
    // The defaults run: 16 filters over a 32×32×16 image, 3×3 "same" convolution. Per dimension the
    // in-bounds (r, p) pairs are 3·32 − 2 = 94 (r = 0 misses p = 0, r = 2 misses p = 31).
    struct CountSink : AccessSink {
        std::map<std::uint16_t, std::uint64_t> perSite;
        void consume(std::span<const Access> block) override {
            for (const Access& a : block) ++perSite[a.site];
        }
    } sink;
    const TraceMetadata meta = runKernel(k, resolveParams(k, {}), sink);
    REQUIRE(meta.sites.size() == 4);  // (unknown), load input, load weights, store output
    CHECK(sink.perSite[1] == 16 * 16 * 94 * 94);
    CHECK(sink.perSite[2] == 16 * 16 * 94 * 94);
    CHECK(sink.perSite[3] == 16 * 32 * 32);
}

TEST_CASE("conv2d: base and align place the tensors") {
    const KernelRun r = run({{"channels", "2"},
                       {"filters", "2"},
                       {"height", "3"},
                       {"width", "3"},
                       {"base", "536870912"},
                       {"align", "65536"}});
    REQUIRE(r.meta.regions.size() == 3);
    CHECK(r.meta.regions[0].base == 536870912);
    CHECK(r.meta.regions[1].base == 536870912 + 65536);  // input is 72 bytes: the next multiple
    CHECK(r.meta.regions[2].base == 536870912 + 2 * 65536);
}
