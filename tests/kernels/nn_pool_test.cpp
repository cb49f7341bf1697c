// pool2d kernel: max and average pooling against a plain reference and a hand-worked image,
// access counts against closed forms, addresses decoded back to elements.

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
    return runNamed("pool2d", settings(overrides));
}

// ---- the reference ----------------------------------------------------------------------------

double inputValue(std::uint64_t n, std::uint64_t c, std::uint64_t h, std::uint64_t w) {
    return static_cast<double>(static_cast<std::int64_t>((n * 3 + c * 5 + h * 7 + w * 11) % 7) - 3);
}

struct Case {
    std::uint64_t n, c, h, w, window, stride;
    std::map<std::string, std::string> params(const std::string& op) const {
        return {{"batch", std::to_string(n)},
                {"channels", std::to_string(c)},
                {"height", std::to_string(h)},
                {"width", std::to_string(w)},
                {"window", std::to_string(window)},
                {"stride", std::to_string(stride)},
                {"op", op}};
    }
    std::uint64_t P() const { return (h - window) / stride + 1; }
    std::uint64_t Q() const { return (w - window) / stride + 1; }
};

/// Plain pooling: output in N×C×P×Q order. Average = exact integer sum / window², as the kernel does
/// in float (the sum of small integers is exact in float, so is the one rounding of the division).
std::vector<double> referencePool(const Case& cs, bool isMax) {
    std::vector<double> out;
    for (std::uint64_t n = 0; n < cs.n; ++n)
        for (std::uint64_t c = 0; c < cs.c; ++c)
            for (std::uint64_t p = 0; p < cs.P(); ++p)
                for (std::uint64_t q = 0; q < cs.Q(); ++q) {
                    double best = -1e300, sum = 0;
                    for (std::uint64_t r = 0; r < cs.window; ++r)
                        for (std::uint64_t s = 0; s < cs.window; ++s) {
                            const double x = inputValue(n, c, p * cs.stride + r, q * cs.stride + s);
                            best = std::max(best, x);
                            sum += x;
                        }
                    out.push_back(isMax ? best
                                        : static_cast<double>(static_cast<float>(sum) /
                                                              static_cast<float>(cs.window * cs.window)));
                }
    return out;
}

const std::vector<Case> kCases = {
    {1, 1, 4, 4, 2, 2}, {2, 3, 7, 9, 3, 2}, {1, 2, 5, 6, 2, 1}, {1, 2, 6, 5, 1, 3}, {2, 1, 3, 3, 3, 5},
};

}  // namespace

TEST_CASE("pool2d: a 4×4 image, 2×2 windows, hand-worked") {
    // input[0][0][h][w] = (7h + 11w) % 7 − 3 = (4w % 7) − 3: every row is [−3, 1, −2, 2].
    // max of each 2×2 window: 1 and 2;  average: (−3 + 1 − 3 + 1)/4 = −1 and (−2 + 2 − 2 + 2)/4 = 0.
    const Case cs{1, 1, 4, 4, 2, 2};
    const KernelRun mx = run(cs.params("max"));
    CHECK(mx.values.at("input") == std::vector<double>{-3, 1, -2, 2, -3, 1, -2, 2, -3, 1, -2, 2, -3, 1, -2, 2});
    CHECK(mx.values.at("output") == std::vector<double>{1, 2, 1, 2});
    const KernelRun avg = run(cs.params("avg"));
    CHECK(avg.values.at("output") == std::vector<double>{-1, 0, -1, 0});
}

TEST_CASE("pool2d: max and avg equal a plain reference") {
    for (const Case& cs : kCases)
        for (const bool isMax : {true, false}) {
            CAPTURE(cs.h);
            CAPTURE(cs.window);
            CAPTURE(isMax);
            const KernelRun r = run(cs.params(isMax ? "max" : "avg"));
            CHECK(r.values.at("output") == referencePool(cs, isMax));
        }
}

TEST_CASE("pool2d: access counts equal the closed forms") {
    for (const Case& cs : kCases) {
        CAPTURE(cs.h);
        CAPTURE(cs.window);
        const KernelRun r = run(cs.params("max"));
        const std::uint64_t outputs = cs.n * cs.c * cs.P() * cs.Q();
        CHECK(siteCount(r, "load input[n][c][h][w] (max)") == outputs * cs.window * cs.window);
        CHECK(siteCount(r, "store output[n][c][p][q]") == outputs);
        CHECK(r.accesses.size() == outputs * (cs.window * cs.window + 1));
    }
    // Window = stride dividing the image: every input element is read exactly once.
    const KernelRun r = run(Case{2, 3, 6, 8, 2, 2}.params("avg"));
    std::map<std::uint64_t, int> reads;
    for (const Access& a : r.accesses)
        if (a.kind == AccessKind::Read) ++reads[a.address];
    CHECK(reads.size() == 2 * 3 * 6 * 8);
    for (const auto& [address, n] : reads) CHECK(n == 1);
}

TEST_CASE("pool2d: the first accesses map back to the right elements") {
    // 3×3 windows with stride 2 on a 5×5 image: output (0, 1) starts at input column 2.
    const KernelRun r = run(Case{1, 1, 5, 5, 3, 2}.params("avg"));
    using V = std::vector<std::uint64_t>;
    const std::string li = "load input[n][c][h][w] (sum)", so = "store output[n][c][p][q]";
    std::vector<Element> expected;
    for (std::uint64_t q = 0; q < 2; ++q) {
        for (std::uint64_t h = 0; h < 3; ++h)
            for (std::uint64_t w = 0; w < 3; ++w)
                expected.push_back({"input", V{0, 0, h, 2 * q + w}, AccessKind::Read, li});
        expected.push_back({"output", V{0, 0, 0, q}, AccessKind::Write, so});
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CAPTURE(i);
        CHECK(decodeWithSite(r.meta, r.accesses.at(i)) == expected[i]);
    }
    CHECK(r.accesses[0].address == 268435456);
    CHECK(r.meta.regions.at(1).base % 4096 == 0);
    CHECK(r.meta.regions.at(1).base >= r.meta.regions[0].base + r.meta.regions[0].size);
    CHECK(r.meta.regions.at(1).shape == std::vector<std::uint64_t>{1, 1, 2, 2});
}

TEST_CASE("pool2d: a window larger than the image is a usage error") {
    CHECK_THROWS_WITH_AS(run(Case{1, 1, 4, 8, 5, 1}.params("max")), doctest::Contains("window=5"), UsageError);
    CHECK_THROWS_AS(run(Case{1, 1, 8, 4, 5, 1}.params("avg")), UsageError);
    CHECK_THROWS_WITH_AS(run(Case{1, 4096, 4096, 4096, 2, 2}.params("max")),
                         doctest::Contains("would hold 68719476736 elements"), UsageError);
}

TEST_CASE("pool2d: declares its parameters, the defaults run") {
    const KernelInfo k = pool2dKernel();
    std::vector<std::string> names;
    for (const KernelParamSpec& p : k.params) names.push_back(p.name);
    CHECK(names == std::vector<std::string>{"batch", "channels", "height", "width", "window", "stride", "op"});
    const KernelRun r = run({});
    CHECK(siteCount(r, "store output[n][c][p][q]") == 16 * 16 * 16);  // C = 16, 32×32 halved
    CHECK(siteCount(r, "load input[n][c][h][w] (max)") == 16 * 32 * 32);
}
