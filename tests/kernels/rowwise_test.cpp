// transpose, softmax, layernorm: numeric results against naive references, exact access
// sequences against loops written in the test, closed-form counts.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/kernel_test_util.hpp"

using namespace cachescope;
using namespace cachescope::test;

namespace {

std::string s(const char* name, std::uint64_t v) { return std::string(name) + "=" + std::to_string(v); }

}  // namespace

TEST_CASE("transpose: B[j][i] == A[i][j] for every element size, naive and tiled") {
    const std::uint64_t rows = 5, cols = 7;
    for (int elem : {1, 2, 4, 8})
        for (std::uint64_t tile : {0, 1, 2, 3, 8}) {
            CAPTURE(elem);
            CAPTURE(tile);
            const KernelRun run = runNamed(
                "transpose", {s("rows", rows), s("cols", cols), s("tile", tile), "elem=" + std::to_string(elem)});
            const auto& A = run.values.at("A");
            const auto& B = run.values.at("B");
            REQUIRE(A.size() == rows * cols);
            REQUIRE(B.size() == rows * cols);
            bool ok = true;
            for (std::uint64_t i = 0; i < rows; ++i)
                for (std::uint64_t j = 0; j < cols; ++j)
                    ok = ok && A[i * cols + j] == static_cast<double>((31 * i + 17 * j) % 101) &&
                         B[j * rows + i] == A[i * cols + j];
            CHECK(ok);
            CHECK(regionNamed(run.meta, "B").shape == std::vector<std::uint64_t>{cols, rows});
            CHECK(regionNamed(run.meta, "A").elementSize == static_cast<std::uint32_t>(elem));
        }
}

TEST_CASE("transpose: access sequence, naive and tiled, and counts") {
    const std::uint64_t rows = 5, cols = 7;
    for (std::uint64_t tile : {0, 2, 3}) {
        CAPTURE(tile);
        const KernelRun run = runNamed("transpose", {s("rows", rows), s("cols", cols), s("tile", tile)});
        // Expected: (i, j) sorted by (tile row, tile column, i, j); naive = one tile.
        const std::uint64_t t = tile == 0 ? 1000 : tile;
        std::vector<std::array<std::uint64_t, 4>> points;
        for (std::uint64_t i = 0; i < rows; ++i)
            for (std::uint64_t j = 0; j < cols; ++j) points.push_back({i / t, j / t, i, j});
        std::sort(points.begin(), points.end());
        std::vector<Element> expected;
        for (const auto& p : points) {
            expected.push_back({"A", {p[2], p[3]}, AccessKind::Read});
            expected.push_back({"B", {p[3], p[2]}, AccessKind::Write});
        }
        CHECK(decodeAll(run) == expected);
        CHECK(run.accesses.size() == 2 * rows * cols);
        CHECK(countIn(run, "A", AccessKind::Read) == rows * cols);
        CHECK(countIn(run, "B", AccessKind::Write) == rows * cols);
    }
    // Naive: consecutive stores to B are a whole row of B (rows elements) apart.
    const KernelRun naive = runNamed("transpose", {"rows=4", "cols=6", "elem=8"});
    CHECK(naive.accesses.at(3).address - naive.accesses.at(1).address == 4 * 8);
}

TEST_CASE("softmax: rows sum to 1 and match a double reference") {
    const std::uint64_t rows = 4, cols = 9;
    for (int elem : {4, 8}) {
        CAPTURE(elem);
        const KernelRun run = runNamed("softmax", {s("rows", rows), s("cols", cols), "elem=" + std::to_string(elem)});
        const auto& X = run.values.at("X");
        const auto& Y = run.values.at("Y");
        const double tolerance = elem == 4 ? 1e-6 : 1e-14;
        for (std::uint64_t i = 0; i < rows; ++i) {
            double mx = -1e300, sum = 0, ysum = 0;
            for (std::uint64_t j = 0; j < cols; ++j) {
                const double x = static_cast<double>((7 * i + 3 * j) % 21) * 0.25 - 2.5;
                CHECK(X[i * cols + j] == x);
                mx = std::max(mx, x);
            }
            for (std::uint64_t j = 0; j < cols; ++j) sum += std::exp(X[i * cols + j] - mx);
            for (std::uint64_t j = 0; j < cols; ++j) {
                CHECK(Y[i * cols + j] == doctest::Approx(std::exp(X[i * cols + j] - mx) / sum).epsilon(tolerance));
                ysum += Y[i * cols + j];
            }
            CHECK(ysum == doctest::Approx(1.0).epsilon(tolerance * 10));
        }
    }
}

TEST_CASE("softmax: three passes per row, 5·cols accesses per row") {
    const std::uint64_t rows = 3, cols = 4;
    const KernelRun run = runNamed("softmax", {s("rows", rows), s("cols", cols)});
    std::vector<Element> expected;
    std::vector<std::string> sites;
    for (std::uint64_t i = 0; i < rows; ++i) {
        for (std::uint64_t j = 0; j < cols; ++j) {
            expected.push_back({"X", {i, j}, AccessKind::Read});
            sites.push_back("load X[i][j] (max)");
        }
        for (std::uint64_t j = 0; j < cols; ++j) {
            expected.push_back({"X", {i, j}, AccessKind::Read});
            expected.push_back({"Y", {i, j}, AccessKind::Write});
            sites.push_back("load X[i][j] (exp)");
            sites.push_back("store Y[i][j] (exp)");
        }
        for (std::uint64_t j = 0; j < cols; ++j) {
            expected.push_back({"Y", {i, j}, AccessKind::Read});
            expected.push_back({"Y", {i, j}, AccessKind::Write});
            sites.push_back("load Y[i][j] (normalise)");
            sites.push_back("store Y[i][j] (normalise)");
        }
    }
    CHECK(decodeAll(run) == expected);
    REQUIRE(run.accesses.size() == sites.size());
    for (std::size_t x = 0; x < sites.size(); ++x) CHECK(run.meta.sites.at(run.accesses[x].site).name == sites[x]);
    CHECK(run.accesses.size() == 5 * rows * cols);
    CHECK(countIn(run, "X", AccessKind::Read) == 2 * rows * cols);
    CHECK(countIn(run, "Y", AccessKind::Write) == 2 * rows * cols);
    CHECK(countIn(run, "Y", AccessKind::Read) == rows * cols);
}

TEST_CASE("layernorm: matches a double reference") {
    const std::uint64_t rows = 3, cols = 10;
    for (int elem : {4, 8}) {
        CAPTURE(elem);
        const KernelRun run = runNamed("layernorm", {s("rows", rows), s("cols", cols), "elem=" + std::to_string(elem)});
        const auto& X = run.values.at("X");
        const auto& Y = run.values.at("Y");
        const auto& gamma = run.values.at("gamma");
        const auto& beta = run.values.at("beta");
        REQUIRE(gamma.size() == cols);
        REQUIRE(beta.size() == cols);
        const double tolerance = elem == 4 ? 1e-5 : 1e-12;
        for (std::uint64_t j = 0; j < cols; ++j) {
            CHECK(gamma[j] == 1.0 + static_cast<double>(j % 4) * 0.25);
            CHECK(beta[j] == static_cast<double>(j % 3) * 0.5 - 0.5);
        }
        for (std::uint64_t i = 0; i < rows; ++i) {
            double mean = 0, var = 0;
            for (std::uint64_t j = 0; j < cols; ++j) {
                CHECK(X[i * cols + j] == static_cast<double>((5 * i + 3 * j) % 13) * 0.5 - 3.0);
                mean += X[i * cols + j];
            }
            mean /= static_cast<double>(cols);
            for (std::uint64_t j = 0; j < cols; ++j) var += (X[i * cols + j] - mean) * (X[i * cols + j] - mean);
            var /= static_cast<double>(cols);
            for (std::uint64_t j = 0; j < cols; ++j) {
                const double y = (X[i * cols + j] - mean) / std::sqrt(var + 1e-5) * gamma[j] + beta[j];
                CHECK(Y[i * cols + j] == doctest::Approx(y).epsilon(tolerance));
            }
        }
    }
}

TEST_CASE("layernorm: passes for mean, variance, normalise, 6·cols accesses per row") {
    const std::uint64_t rows = 2, cols = 3;
    const KernelRun run = runNamed("layernorm", {s("rows", rows), s("cols", cols)});
    std::vector<Element> expected;
    for (std::uint64_t i = 0; i < rows; ++i) {
        for (std::uint64_t j = 0; j < cols; ++j) expected.push_back({"X", {i, j}, AccessKind::Read});
        for (std::uint64_t j = 0; j < cols; ++j) expected.push_back({"X", {i, j}, AccessKind::Read});
        for (std::uint64_t j = 0; j < cols; ++j) {
            expected.push_back({"X", {i, j}, AccessKind::Read});
            expected.push_back({"gamma", {j}, AccessKind::Read});
            expected.push_back({"beta", {j}, AccessKind::Read});
            expected.push_back({"Y", {i, j}, AccessKind::Write});
        }
    }
    CHECK(decodeAll(run) == expected);
    CHECK(run.accesses.size() == 6 * rows * cols);
    CHECK(run.meta.sites.at(run.accesses.at(0).site).name == "load X[i][j] (mean)");
    CHECK(run.meta.sites.at(run.accesses.at(3).site).name == "load X[i][j] (variance)");
    CHECK(run.meta.sites.at(run.accesses.at(6).site).name == "load X[i][j] (normalise)");
    CHECK(run.meta.sites.at(run.accesses.at(9).site).name == "store Y[i][j]");
    // Regions in declaration order on distinct pages: X, gamma, beta, Y.
    std::vector<std::string> names;
    for (const Region& r : run.meta.regions) names.push_back(r.name);
    CHECK(names == std::vector<std::string>{"X", "gamma", "beta", "Y"});
    for (const Region& r : run.meta.regions) CHECK(r.base % 4096 == 0);
}
