// attention kernel: softmax rows sum to 1, O against a double-precision reference, access counts
// against closed forms (causal and not), masked scores never touched, first accesses by hand.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../../src/kernels/builtin.hpp"
#include "kernels/kernel_test_util.hpp"

using namespace cachescope;
using namespace cachescope::test;

namespace {

KernelRun run(const std::map<std::string, std::string>& overrides) {
    return runNamed("attention", settings(overrides));
}

// ---- the reference ----------------------------------------------------------------------------

// The input formulas documented in docs/kernels.md.
double qValue(std::uint64_t i, std::uint64_t t) {
    return static_cast<double>(static_cast<std::int64_t>((i + 2 * t) % 3) - 1);
}
double kValue(std::uint64_t j, std::uint64_t t) {
    return static_cast<double>(static_cast<std::int64_t>((2 * j + t) % 3) - 1);
}
double vValue(std::uint64_t j, std::uint64_t t) {
    return static_cast<double>(static_cast<std::int64_t>((3 * j + t) % 5) - 2);
}

/// Attention in double precision: probabilities P (L×L, masked entries 0) and O (L×d).
void referenceAttention(std::uint64_t L, std::uint64_t d, bool causal, std::vector<double>& P, std::vector<double>& O) {
    P.assign(L * L, 0.0);
    O.assign(L * d, 0.0);
    for (std::uint64_t i = 0; i < L; ++i) {
        const std::uint64_t n = causal ? i + 1 : L;
        std::vector<double> row(n);
        double mx = -1e300, sum = 0;
        for (std::uint64_t j = 0; j < n; ++j) {
            for (std::uint64_t t = 0; t < d; ++t) row[j] += qValue(i, t) * kValue(j, t);
            row[j] /= std::sqrt(static_cast<double>(d));
            mx = std::max(mx, row[j]);
        }
        for (double& x : row) sum += (x = std::exp(x - mx));
        for (std::uint64_t j = 0; j < n; ++j) P[i * L + j] = row[j] / sum;
        for (std::uint64_t t = 0; t < d; ++t)
            for (std::uint64_t j = 0; j < n; ++j) O[i * d + t] += P[i * L + j] * vValue(j, t);
    }
}

}  // namespace

TEST_CASE("attention: softmax rows sum to 1 and O equals a double-precision reference") {
    for (const bool causal : {false, true})
        for (const auto& [L, d] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 1}, {7, 3}, {33, 16}}) {
            CAPTURE(causal);
            CAPTURE(L);
            const KernelRun r = run({{"seq", std::to_string(L)}, {"dim", std::to_string(d)}, {"causal", causal ? "1" : "0"}});
            std::vector<double> P, O;
            referenceAttention(L, d, causal, P, O);
            const std::vector<double>& S = r.values.at("S");
            REQUIRE(S.size() == L * L);
            for (std::uint64_t i = 0; i < L; ++i) {
                double sum = 0;
                for (std::uint64_t j = 0; j < L; ++j) {
                    sum += S[i * L + j];
                    if (causal && j > i) CHECK(S[i * L + j] == 0.0);  // never written
                    CHECK(std::abs(S[i * L + j] - P[i * L + j]) <= 1e-6);
                }
                CHECK(sum == doctest::Approx(1.0).epsilon(1e-6));
            }
            const std::vector<double>& out = r.values.at("O");
            REQUIRE(out.size() == L * d);
            for (std::size_t k = 0; k < out.size(); ++k) CHECK(std::abs(out[k] - O[k]) <= 1e-5);
            for (std::uint64_t i = 0; i < L; ++i)
                for (std::uint64_t t = 0; t < d; ++t) {
                    REQUIRE(r.values.at("Q")[i * d + t] == qValue(i, t));
                    REQUIRE(r.values.at("K")[i * d + t] == kValue(i, t));
                    REQUIRE(r.values.at("V")[i * d + t] == vValue(i, t));
                }
        }
}

TEST_CASE("attention: a hand-worked 2×1 case") {
    // L=2, d=1: Q = [-1, 0], K = [-1, 1], V = [-2, 1].  Scores S = Q·Kᵀ = [[1, -1], [0, 0]].
    // Row 0: softmax(1, -1) = (e², 1)/(e² + 1);  row 1: (1/2, 1/2).
    // O[0] = (-2e² + 1)/(e² + 1);  O[1] = (-2 + 1)/2 = -0.5.
    const KernelRun r = run({{"seq", "2"}, {"dim", "1"}});
    const double e2 = std::exp(2.0);
    const std::vector<double>& S = r.values.at("S");
    CHECK(S[0] == doctest::Approx(e2 / (e2 + 1)));
    CHECK(S[1] == doctest::Approx(1 / (e2 + 1)));
    CHECK(S[2] == doctest::Approx(0.5));
    CHECK(S[3] == doctest::Approx(0.5));
    CHECK(r.values.at("O")[0] == doctest::Approx((-2 * e2 + 1) / (e2 + 1)));
    CHECK(r.values.at("O")[1] == doctest::Approx(-0.5));
}

TEST_CASE("attention: access counts equal the closed forms, causal and not") {
    for (const bool causal : {false, true})
        for (const auto& [L, d] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 1}, {5, 3}, {16, 8}}) {
            CAPTURE(causal);
            CAPTURE(L);
            const KernelRun r = run({{"seq", std::to_string(L)}, {"dim", std::to_string(d)}, {"causal", causal ? "1" : "0"}});
            const std::uint64_t T = causal ? L * (L + 1) / 2 : L * L;  // scores that exist
            CHECK(siteCount(r, "load Q[i][t] (scores)") == T * d);
            CHECK(siteCount(r, "load K[j][t] (scores)") == T * d);
            CHECK(siteCount(r, "store S[i][j] (scores)") == T);
            CHECK(siteCount(r, "load S[i][j] (softmax max)") == T);
            CHECK(siteCount(r, "load S[i][j] (softmax exp)") == T);
            CHECK(siteCount(r, "store S[i][j] (softmax exp)") == T);
            CHECK(siteCount(r, "load S[i][j] (softmax normalise)") == T);
            CHECK(siteCount(r, "store S[i][j] (softmax normalise)") == T);
            CHECK(siteCount(r, "load S[i][j] (S·V)") == T * d);
            CHECK(siteCount(r, "load V[j][t] (S·V)") == T * d);
            CHECK(siteCount(r, "store O[i][t]") == L * d);
            CHECK(r.accesses.size() == T * (4 * d + 6) + L * d);
        }
}

TEST_CASE("attention: causal masking never touches a score above the diagonal") {
    const KernelRun r = run({{"seq", "9"}, {"dim", "2"}, {"causal", "1"}});
    std::uint64_t sAccesses = 0;
    for (const Access& a : r.accesses) {
        const Element e = decodeWithSite(r.meta, a);
        if (e.region != "S") continue;
        ++sAccesses;
        REQUIRE(e.index[1] <= e.index[0]);
    }
    CHECK(sAccesses == 45 * (6 + 2));  // 45 scores: 6 softmax/score accesses + 2 loads for d=2 in S·V
}

TEST_CASE("attention: the first accesses of each phase, hand-written") {
    // L=2, d=1, non-causal: phase 1 has 4 × (Q, K, store S); phase 2 per row 2 + 4 + 4 accesses;
    // phase 3 per O element 2 × (S, V) and a store.
    const KernelRun r = run({{"seq", "2"}, {"dim", "1"}});
    REQUIRE(r.accesses.size() == 12 + 20 + 10);
    using V = std::vector<std::uint64_t>;
    const auto R = AccessKind::Read, W = AccessKind::Write;
    const std::string lq = "load Q[i][t] (scores)", lk = "load K[j][t] (scores)", ss = "store S[i][j] (scores)";
    const std::string lm = "load S[i][j] (softmax max)", le = "load S[i][j] (softmax exp)",
                      se = "store S[i][j] (softmax exp)", ln = "load S[i][j] (softmax normalise)",
                      sn = "store S[i][j] (softmax normalise)";
    const std::string lp = "load S[i][j] (S·V)", lv = "load V[j][t] (S·V)", so = "store O[i][t]";
    // clang-format off
    const std::vector<std::pair<std::size_t, Element>> expected = {
        {0, {"Q", V{0, 0}, R, lq}},  {1, {"K", V{0, 0}, R, lk}},  {2, {"S", V{0, 0}, W, ss}},
        {3, {"Q", V{0, 0}, R, lq}},  {4, {"K", V{1, 0}, R, lk}},  {5, {"S", V{0, 1}, W, ss}},
        {6, {"Q", V{1, 0}, R, lq}},  {7, {"K", V{0, 0}, R, lk}},  {8, {"S", V{1, 0}, W, ss}},
        {11, {"S", V{1, 1}, W, ss}},
        {12, {"S", V{0, 0}, R, lm}}, {13, {"S", V{0, 1}, R, lm}},
        {14, {"S", V{0, 0}, R, le}}, {15, {"S", V{0, 0}, W, se}},
        {16, {"S", V{0, 1}, R, le}}, {17, {"S", V{0, 1}, W, se}},
        {18, {"S", V{0, 0}, R, ln}}, {19, {"S", V{0, 0}, W, sn}},
        {20, {"S", V{0, 1}, R, ln}}, {21, {"S", V{0, 1}, W, sn}},
        {22, {"S", V{1, 0}, R, lm}},
        {32, {"S", V{0, 0}, R, lp}}, {33, {"V", V{0, 0}, R, lv}},
        {34, {"S", V{0, 1}, R, lp}}, {35, {"V", V{1, 0}, R, lv}},
        {36, {"O", V{0, 0}, W, so}}, {37, {"S", V{1, 0}, R, lp}}, {41, {"O", V{1, 0}, W, so}},
    };
    // clang-format on
    for (const auto& [i, e] : expected) {
        CAPTURE(i);
        CHECK(decodeWithSite(r.meta, r.accesses.at(i)) == e);
    }
}

TEST_CASE("attention: Q, K, V, S, O are page-aligned at distinct bases") {
    const KernelRun r = run({{"seq", "10"}, {"dim", "3"}});
    std::vector<std::string> names;
    for (const Region& reg : r.meta.regions) names.push_back(reg.name);
    CHECK(names == std::vector<std::string>{"Q", "K", "V", "S", "O"});
    CHECK(r.meta.regions[0].base == 268435456);
    for (std::size_t i = 0; i < r.meta.regions.size(); ++i) {
        CHECK(r.meta.regions[i].base % 4096 == 0);
        if (i > 0) CHECK(r.meta.regions[i].base >= r.meta.regions[i - 1].base + r.meta.regions[i - 1].size);
    }
    CHECK(r.meta.regions[3].shape == std::vector<std::uint64_t>{10, 10});
    CHECK(r.meta.regions[4].shape == std::vector<std::uint64_t>{10, 3});
}

TEST_CASE("attention: declares seq, dim, causal, the defaults run") {
    const KernelInfo k = attentionKernel();
    std::vector<std::string> names;
    for (const KernelParamSpec& p : k.params) names.push_back(p.name);
    CHECK(names == std::vector<std::string>{"seq", "dim", "causal"});
    const KernelRun r = run({});
    CHECK(r.accesses.size() == 64 * 64 * (4 * 32 + 6) + 64 * 32);  // L = 64, d = 32, not causal
}
