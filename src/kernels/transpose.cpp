// transpose: B = Aᵀ, naive or tiled. Reading A by rows while writing B by columns (or the other way
// round) is the simplest lesson in stride; tiles keep both working sets small.

#include <algorithm>
#include <cstdint>

#include "builtin.hpp"
#include "common.hpp"

namespace cachescope {

namespace {

/// A[i][j]'s value: distinct-ish small integers (0..100) exact in every element type.
std::int64_t valueA(std::uint64_t i, std::uint64_t j) { return static_cast<std::int64_t>((31 * i + 17 * j) % 101); }

template <class T>
void runTranspose(KernelRunContext& ctx) {
    const std::uint64_t rows = ctx.params.count("rows"), cols = ctx.params.count("cols");
    const std::uint64_t tileParam = ctx.params.count("tile");
    Tensor<T> A = ctx.layout.tensor<T>(ctx.meta, "A", {rows, cols});
    Tensor<T> B = ctx.layout.tensor<T>(ctx.meta, "B", {cols, rows});
    const std::uint16_t loadA = ctx.meta.addSite("load A[i][j]", A.region(), AccessKind::Read);
    const std::uint16_t storeB = ctx.meta.addSite("store B[j][i]", B.region(), AccessKind::Write);
    for (std::uint64_t i = 0; i < rows; ++i)
        for (std::uint64_t j = 0; j < cols; ++j) A.at(i, j) = kernel_util::fromInt<T>(valueA(i, j));

    Recorder& rec = ctx.ready();
    // Untiled = one tile covering everything.
    const std::uint64_t ti = tileParam == 0 ? rows : tileParam, tj = tileParam == 0 ? cols : tileParam;
    for (std::uint64_t i0 = 0; i0 < rows; i0 += ti)
        for (std::uint64_t j0 = 0; j0 < cols; j0 += tj)
            for (std::uint64_t i = i0; i < std::min(i0 + ti, rows); ++i)
                for (std::uint64_t j = j0; j < std::min(j0 + tj, cols); ++j) {
                    // B[j][i] = A[i][j]
                    B.store(rec, storeB, A.load(rec, loadA, i, j), j, i);
                }

    kernel_util::saveValues(ctx, A);
    kernel_util::saveValues(ctx, B);
}

}  // namespace

KernelInfo transposeKernel() {
    using namespace kernel_util;
    return KernelInfo{
        "transpose",
        "B = Aᵀ (A: rows×cols), naive or tiled: stride and tiling",
        {
            intParam("rows", "256", "rows of A", 1, 16384),
            intParam("cols", "256", "columns of A", 1, 16384),
            intParam("tile", "0", "square tile size (0 = naive: row by row of A)", 0, 16384),
            choiceParam("elem", "4", "bytes per element: 1 uint8, 2 uint16, 4 float, 8 double", {"1", "2", "4", "8"}),
        },
        [](KernelRunContext& ctx) {
            kernel_util::withElementType(ctx.params.choice("elem"), [&](auto t) { runTranspose<decltype(t)>(ctx); });
        },
        [](const KernelParams& p) { return 2 * p.count("rows") * p.count("cols"); },
    };
}

}  // namespace cachescope
