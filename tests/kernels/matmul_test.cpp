// matmul: numeric results against a naive int64 reference, the exact access sequence against an
// independently written loop nest, closed-form counts, and the layout of A, B, C in memory.

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "kernels/kernel_test_util.hpp"

using namespace cachescope;
using namespace cachescope::test;

namespace {

const std::vector<std::string> kOrders = {"ijk", "ikj", "jik", "jki", "kij", "kji"};

// The inputs as docs/kernels.md states them.
std::int64_t a(std::uint64_t i, std::uint64_t k) { return static_cast<std::int64_t>((7 * i + 3 * k) % 5) - 2; }
std::int64_t b(std::uint64_t k, std::uint64_t j) { return static_cast<std::int64_t>((3 * k + 5 * j) % 7) - 3; }

/// What an element type does to an exact integer: wrap modulo 2^8 / 2^16, or nothing.
double asElem(std::int64_t v, int elem) {
    if (elem == 1) return static_cast<double>(((v % 256) + 256) % 256);
    if (elem == 2) return static_cast<double>(((v % 65536) + 65536) % 65536);
    return static_cast<double>(v);
}

std::string s(const char* name, std::uint64_t v) { return std::string(name) + "=" + std::to_string(v); }

/// The expected sequence, built without nested loops: every (i, j, k) sorted by the key
/// (tile of the outer loop dim, tile of the middle, tile of the inner, outer index, middle, inner).
std::vector<Element> expectedSequence(std::uint64_t m, std::uint64_t n, std::uint64_t k, const std::string& order,
                                      std::array<std::uint64_t, 3> tiles, bool transposeB) {
    using Key = std::array<std::uint64_t, 6>;
    std::vector<std::pair<Key, std::array<std::uint64_t, 3>>> points;
    for (std::uint64_t i = 0; i < m; ++i)
        for (std::uint64_t j = 0; j < n; ++j)
            for (std::uint64_t kk = 0; kk < k; ++kk) {
                const std::array<std::uint64_t, 3> p{i, j, kk};
                Key key{};
                for (std::size_t d = 0; d < 3; ++d) {
                    const std::size_t dim = order[d] == 'i' ? 0 : order[d] == 'j' ? 1 : 2;
                    const std::uint64_t t = tiles[dim] == 0 ? 1'000'000 : tiles[dim];
                    key[d] = p[dim] / t;
                    key[3 + d] = p[dim];
                }
                points.emplace_back(key, p);
            }
    std::sort(points.begin(), points.end());
    std::vector<Element> out;
    for (const auto& [key, p] : points) {
        const auto [i, j, kk] = p;
        out.push_back({"A", {i, kk}, AccessKind::Read});
        out.push_back(transposeB ? Element{"B", {j, kk}, AccessKind::Read} : Element{"B", {kk, j}, AccessKind::Read});
        out.push_back({"C", {i, j}, AccessKind::Read});
        out.push_back({"C", {i, j}, AccessKind::Write});
    }
    return out;
}

}  // namespace

TEST_CASE("matmul: C = A·B for every loop order, tiling, element size and B layout") {
    const std::uint64_t m = 5, n = 7, k = 6;
    struct Tiling {
        std::vector<std::string> settings;
    };
    const std::vector<Tiling> tilings = {{{}}, {{"ti=2", "tj=3", "tk=4"}}, {{"tile=4"}}, {{"tile=2", "tk=5"}}};
    for (const std::string& order : kOrders)
        for (const Tiling& tiling : tilings)
            for (int elem : {1, 2, 4, 8})
                for (int tb : {0, 1}) {
                    std::vector<std::string> settings = {s("m", m),
                                                         s("n", n),
                                                         s("k", k),
                                                         "order=" + order,
                                                         "elem=" + std::to_string(elem),
                                                         "transpose_b=" + std::to_string(tb)};
                    settings.insert(settings.end(), tiling.settings.begin(), tiling.settings.end());
                    CAPTURE(order);
                    CAPTURE(elem);
                    CAPTURE(tb);
                    CAPTURE(tiling.settings.size());
                    const KernelRun run = runNamed("matmul", settings);
                    const auto& C = run.values.at("C");
                    const auto& A = run.values.at("A");
                    const auto& B = run.values.at("B");
                    REQUIRE(C.size() == m * n);
                    REQUIRE(A.size() == m * k);
                    REQUIRE(B.size() == k * n);
                    bool ok = true;
                    for (std::uint64_t i = 0; i < m; ++i)
                        for (std::uint64_t j = 0; j < n; ++j) {
                            std::int64_t sum = 0;
                            for (std::uint64_t kk = 0; kk < k; ++kk) sum += a(i, kk) * b(kk, j);
                            ok = ok && C[i * n + j] == asElem(sum, elem);
                        }
                    for (std::uint64_t i = 0; i < m; ++i)
                        for (std::uint64_t kk = 0; kk < k; ++kk) ok = ok && A[i * k + kk] == asElem(a(i, kk), elem);
                    // B's values are in the order of its stored shape: k×n, or n×k when transposed.
                    for (std::uint64_t kk = 0; kk < k; ++kk)
                        for (std::uint64_t j = 0; j < n; ++j)
                            ok = ok && (tb ? B[j * k + kk] : B[kk * n + j]) == asElem(b(kk, j), elem);
                    CHECK(ok);
                    CHECK(run.accesses.size() == 4 * m * n * k);
                }
}

TEST_CASE("matmul: uint8 and uint16 wrap around") {
    // k = 300: the exact sums leave 0..255 (negative ones too), so the uint8 results are residues mod 256.
    const std::uint64_t m = 4, n = 4, k = 300;
    const KernelRun run8 = runNamed("matmul", {s("m", m), s("n", n), s("k", k), "elem=1"});
    const KernelRun run16 = runNamed("matmul", {s("m", m), s("n", n), s("k", k), "elem=2"});
    int wrapped = 0;
    for (std::uint64_t i = 0; i < m; ++i)
        for (std::uint64_t j = 0; j < n; ++j) {
            std::int64_t sum = 0;
            for (std::uint64_t kk = 0; kk < k; ++kk) sum += a(i, kk) * b(kk, j);
            if (sum < 0 || sum > 255) ++wrapped;
            CHECK(run8.values.at("C")[i * n + j] == static_cast<double>(((sum % 256) + 256) % 256));
            CHECK(run16.values.at("C")[i * n + j] == static_cast<double>(((sum % 65536) + 65536) % 65536));
        }
    CHECK(wrapped > 0);  // the case really wraps
}

TEST_CASE("matmul: the access sequence is the loop nest, for every order and tiling") {
    const std::uint64_t m = 3, n = 5, k = 4;
    const std::vector<std::array<std::uint64_t, 3>> tilings = {{0, 0, 0}, {2, 2, 3}, {1, 4, 0}, {3, 5, 4}};
    for (const std::string& order : kOrders)
        for (const auto& t : tilings)
            for (bool tb : {false, true}) {
                CAPTURE(order);
                CAPTURE(t[0]);
                CAPTURE(t[1]);
                CAPTURE(t[2]);
                CAPTURE(tb);
                const KernelRun run =
                    runNamed("matmul", {s("m", m), s("n", n), s("k", k), "order=" + order, s("ti", t[0]), s("tj", t[1]),
                                        s("tk", t[2]), tb ? "transpose_b=1" : "transpose_b=0"});
                CHECK(decodeAll(run) == expectedSequence(m, n, k, order, t, tb));
            }
}

TEST_CASE("matmul: tile applies to every dimension whose own tile is 0") {
    const KernelRun run = runNamed("matmul", {"m=4", "n=4", "k=4", "order=ijk", "tile=2", "tk=4"});
    CHECK(decodeAll(run) == expectedSequence(4, 4, 4, "ijk", {2, 2, 4}, false));
}

TEST_CASE("matmul: sites name the statement and its tensor") {
    const KernelRun run = runNamed("matmul", {"n=3"});
    const std::vector<std::string> names = {"load A[i][k]", "load B[k][j]", "load C[i][j]", "store C[i][j]"};
    const std::vector<std::string> tensors = {"A", "B", "C", "C"};
    for (std::size_t x = 0; x < run.accesses.size(); ++x) {
        const Access& acc = run.accesses[x];
        const Site& site = run.meta.sites.at(acc.site);
        CHECK(site.name == names[x % 4]);
        CHECK(static_cast<int>(site.kind) == static_cast<int>(acc.kind));
        CHECK(run.meta.regions.at(static_cast<std::size_t>(site.region)).name == tensors[x % 4]);
        CHECK(*run.meta.regionOf(acc.address) == static_cast<std::size_t>(site.region));
    }
    const KernelRun tb = runNamed("matmul", {"n=3", "transpose_b=1"});
    CHECK(tb.meta.sites.at(tb.accesses.at(1).site).name == "load B[j][k] (B transposed)");
    CHECK(regionNamed(tb.meta, "B").layout == "transposed");
    CHECK(regionNamed(tb.meta, "B").shape == std::vector<std::uint64_t>{3, 3});
}

TEST_CASE("matmul: access counts equal the closed forms") {
    const std::uint64_t m = 6, n = 5, k = 7;
    const KernelRun run = runNamed("matmul", {s("m", m), s("n", n), s("k", k), "order=jki", "tile=3"});
    CHECK(run.accesses.size() == 4 * m * n * k);
    CHECK(countIn(run, "A", AccessKind::Read) == m * n * k);
    CHECK(countIn(run, "B", AccessKind::Read) == m * n * k);
    CHECK(countIn(run, "C", AccessKind::Read) == m * n * k);
    CHECK(countIn(run, "C", AccessKind::Write) == m * n * k);
    CHECK(countIn(run, "A", AccessKind::Write) == 0);

    // m and k default to n.
    const KernelRun square = runNamed("matmul", {"n=8"});
    CHECK(square.accesses.size() == 4 * 8 * 8 * 8);
    CHECK(regionNamed(square.meta, "A").shape == std::vector<std::uint64_t>{8, 8});

    // fetches=1: each access is preceded by a 4-byte fetch from its site's 16-byte code slot; the
    // fetch carries the "fetch code" site (the last one), whose region is the code.
    const KernelRun withFetches =
        runNamed("matmul", {s("m", m), s("n", n), s("k", k), "order=jki", "tile=3", "fetches=1"});
    REQUIRE(withFetches.accesses.size() == 2 * 4 * m * n * k);
    const Region& code = regionNamed(withFetches.meta, "code");
    CHECK(code.size == 16 * withFetches.meta.sites.size());
    const auto fetchSite = static_cast<std::uint16_t>(withFetches.meta.sites.size() - 1);
    CHECK(withFetches.meta.sites[fetchSite].name == "fetch code");
    CHECK(withFetches.meta.regions[static_cast<std::size_t>(withFetches.meta.sites[fetchSite].region)].name == "code");
    bool ok = true;
    for (std::size_t x = 0; x < withFetches.accesses.size(); x += 2) {
        const Access& f = withFetches.accesses[x];
        const Access& d = withFetches.accesses[x + 1];
        ok = ok && f.kind == AccessKind::Fetch && f.size == 4 && f.site == fetchSite &&
             f.address == code.base + 16 * std::uint64_t{d.site} && d == run.accesses[x / 2];
    }
    CHECK(ok);
    CHECK(countIn(withFetches, "code", AccessKind::Fetch) == 4 * m * n * k);
}

TEST_CASE("matmul: distinct page-aligned tensors by default, pad and align change the layout") {
    const KernelRun run = runNamed("matmul", {"m=3", "n=5", "k=7", "elem=8"});
    const Region& A = regionNamed(run.meta, "A");
    const Region& B = regionNamed(run.meta, "B");
    const Region& C = regionNamed(run.meta, "C");
    CHECK(A.base == 0x10000000);
    for (const Region* r : {&A, &B, &C}) CHECK(r->base % 4096 == 0);
    CHECK(A.base < B.base);
    CHECK(B.base < C.base);
    CHECK(A.size == 3 * 7 * 8);
    CHECK(B.size == 7 * 5 * 8);
    CHECK(C.size == 3 * 5 * 8);
    CHECK(B.base == A.base + 4096);  // each fits in a page, so they sit on consecutive pages
    CHECK(C.base == B.base + 4096);
    CHECK(A.elementSize == 8);

    // pad=3: rows of A are 7+3 elements apart; the first access is A[0][0], A[1][0] is one pitch further.
    const KernelRun padded = runNamed("matmul", {"m=3", "n=5", "k=7", "order=kij", "pad=3"});
    const Region& pA = regionNamed(padded.meta, "A");
    CHECK(pA.strides == std::vector<std::uint64_t>{10, 1});
    CHECK(pA.size == 3 * 10 * 4);
    // kij: the first accesses are k=0, i=0, j=0..4, then i=1: A[1][0] is the 21st access (index 20).
    CHECK(padded.accesses.at(0).address == pA.base);
    CHECK(padded.accesses.at(20).address == pA.base + 10 * 4);
    CHECK(decodeAll(padded) == expectedSequence(3, 5, 7, "kij", {0, 0, 0}, false));

    // base and align: tensors packed at multiples of 64 from 0x1000.
    const KernelRun packed = runNamed("matmul", {"m=3", "n=5", "k=7", "base=0x1000", "align=64"});
    const Region& qA = regionNamed(packed.meta, "A");
    const Region& qB = regionNamed(packed.meta, "B");
    const Region& qC = regionNamed(packed.meta, "C");
    CHECK(qA.base == 0x1000);
    CHECK(qB.base == 0x1000 + 128);   // A is 84 bytes, rounded up to 128
    CHECK(qC.base == qB.base + 192);  // B is 140 bytes, rounded up to 192
}

TEST_CASE("matmul: two runs are identical") {
    const KernelRun x = runNamed("matmul", {"n=9", "order=jik", "tile=4", "fetches=1"});
    const KernelRun y = runNamed("matmul", {"n=9", "order=jik", "tile=4", "fetches=1"});
    CHECK(x.accesses == y.accesses);
    CHECK(x.meta == y.meta);
    CHECK(x.values == y.values);
}
