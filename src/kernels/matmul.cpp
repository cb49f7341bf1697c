// matmul: C = A·B with a choice of loop order, tiling, B pre-transposed and element type.
// See docs/kernels.md for the access order and the closed-form counts.

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "builtin.hpp"
#include "common.hpp"

namespace cachescope {

namespace {

using kernel_util::fromInt;
using kernel_util::multiplyAdd;

/// Input values (small integers, so float sums are exact in any order).
std::int64_t valueA(std::uint64_t i, std::uint64_t k) { return static_cast<std::int64_t>((7 * i + 3 * k) % 5) - 2; }
std::int64_t valueB(std::uint64_t k, std::uint64_t j) { return static_cast<std::int64_t>((3 * k + 5 * j) % 7) - 3; }

template <class T>
void runMatmul(KernelRunContext& ctx) {
    const KernelParams& p = ctx.params;
    const std::uint64_t n = p.count("n");
    const std::uint64_t m = p.count("m") == 0 ? n : p.count("m");
    const std::uint64_t kk = p.count("k") == 0 ? n : p.count("k");
    const bool transposeB = p.flag("transpose_b");

    Tensor<T> A = ctx.layout.tensor<T>(ctx.meta, "A", {m, kk});
    Tensor<T> B = transposeB ? ctx.layout.tensor<T>(ctx.meta, "B", {n, kk}, "transposed")
                             : ctx.layout.tensor<T>(ctx.meta, "B", {kk, n});
    Tensor<T> C = ctx.layout.tensor<T>(ctx.meta, "C", {m, n});
    const std::uint16_t loadA = ctx.meta.addSite("load A[i][k]", A.region(), AccessKind::Read);
    const std::uint16_t loadB =
        ctx.meta.addSite(transposeB ? "load B[j][k] (B transposed)" : "load B[k][j]", B.region(), AccessKind::Read);
    const std::uint16_t loadC = ctx.meta.addSite("load C[i][j]", C.region(), AccessKind::Read);
    const std::uint16_t storeC = ctx.meta.addSite("store C[i][j]", C.region(), AccessKind::Write);

    for (std::uint64_t i = 0; i < m; ++i)
        for (std::uint64_t k = 0; k < kk; ++k) A.at(i, k) = fromInt<T>(valueA(i, k));
    for (std::uint64_t k = 0; k < kk; ++k)
        for (std::uint64_t j = 0; j < n; ++j) (transposeB ? B.at(j, k) : B.at(k, j)) = fromInt<T>(valueB(k, j));
    // C starts at zero (Tensor's storage is value-initialised).

    Recorder& rec = ctx.ready();

    // The loop order names the dimensions from outermost to innermost: "ikj" = i, then k, then j.
    // Dimension 0 is i (extent m), 1 is j (extent n), 2 is k (extent k).
    const std::string& order = p.choice("order");
    std::array<std::size_t, 3> loop{};
    for (std::size_t d = 0; d < 3; ++d) loop[d] = order[d] == 'i' ? 0u : order[d] == 'j' ? 1u : 2u;
    const std::array<std::uint64_t, 3> extent{m, n, kk};
    const std::uint64_t tile = p.count("tile");
    const std::array<std::uint64_t, 3> tileParam{p.count("ti"), p.count("tj"), p.count("tk")};
    std::array<std::uint64_t, 3> step{};  // tile size per dimension; the whole extent = untiled
    for (std::size_t d = 0; d < 3; ++d) {
        const std::uint64_t t = tileParam[d] != 0 ? tileParam[d] : tile;
        step[d] = t == 0 ? extent[d] : std::min(t, extent[d]);
    }
    const std::uint64_t e0 = extent[loop[0]], e1 = extent[loop[1]], e2 = extent[loop[2]];
    const std::uint64_t s0 = step[loop[0]], s1 = step[loop[1]], s2 = step[loop[2]];

    std::array<std::uint64_t, 3> idx{};  // idx[0] = i, idx[1] = j, idx[2] = k
    // Tiles, in the loop order...
    for (std::uint64_t t0 = 0; t0 < e0; t0 += s0)
        for (std::uint64_t t1 = 0; t1 < e1; t1 += s1)
            for (std::uint64_t t2 = 0; t2 < e2; t2 += s2)
                // ...then the elements of one tile, in the same order (min() at the edges).
                for (idx[loop[0]] = t0; idx[loop[0]] < std::min(t0 + s0, e0); ++idx[loop[0]])
                    for (idx[loop[1]] = t1; idx[loop[1]] < std::min(t1 + s1, e1); ++idx[loop[1]])
                        for (idx[loop[2]] = t2; idx[loop[2]] < std::min(t2 + s2, e2); ++idx[loop[2]]) {
                            const std::uint64_t i = idx[0], j = idx[1], k = idx[2];
                            // C[i][j] = C[i][j] + A[i][k] * B[k][j]
                            const T a = A.load(rec, loadA, i, k);
                            const T b = transposeB ? B.load(rec, loadB, j, k) : B.load(rec, loadB, k, j);
                            const T c = C.load(rec, loadC, i, j);
                            C.store(rec, storeC, multiplyAdd(c, a, b), i, j);
                        }

    kernel_util::saveValues(ctx, A);
    kernel_util::saveValues(ctx, B);
    kernel_util::saveValues(ctx, C);
}

}  // namespace

KernelInfo matmulKernel() {
    using namespace kernel_util;
    constexpr std::int64_t kMaxDim = 8192;
    return KernelInfo{
        "matmul",
        "C = A·B (A: m×k, B: k×n); six loop orders, tiling, B pre-transposed",
        {
            intParam("m", "0", "rows of A and C (0 = same as n)", 0, kMaxDim),
            intParam("n", "64", "columns of B and C", 1, kMaxDim),
            intParam("k", "0", "columns of A, rows of B (0 = same as n)", 0, kMaxDim),
            choiceParam("order", "ikj", "loop order, outermost first", {"ijk", "ikj", "jik", "jki", "kij", "kji"}),
            intParam("ti", "0", "tile size along i (0 = the value of tile)", 0, kMaxDim),
            intParam("tj", "0", "tile size along j (0 = the value of tile)", 0, kMaxDim),
            intParam("tk", "0", "tile size along k (0 = the value of tile)", 0, kMaxDim),
            intParam("tile", "0", "tile size of every dimension whose ti/tj/tk is 0 (0 = untiled)", 0, kMaxDim),
            boolParam("transpose_b", "0", "store B transposed (n×k): the loop over k then reads B by rows"),
            choiceParam("elem", "4", "bytes per element: 1 uint8, 2 uint16 (wrap around), 4 float, 8 double",
                        {"1", "2", "4", "8"}),
        },
        [](KernelRunContext& ctx) {
            kernel_util::withElementType(ctx.params.choice("elem"), [&](auto t) { runMatmul<decltype(t)>(ctx); });
        },
        [](const KernelParams& p) {  // four accesses per (i, j, k), whatever the order and tiling
            const std::uint64_t n = p.count("n");
            const std::uint64_t m = p.count("m") == 0 ? n : p.count("m");
            const std::uint64_t k = p.count("k") == 0 ? n : p.count("k");
            return 4 * m * n * k;
        },
    };
}

}  // namespace cachescope
