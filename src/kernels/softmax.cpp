// softmax: Y = softmax(X) row by row, in the three passes a numerically safe implementation makes:
//   for each row i:
//     pass 1 (max):       for j: load X[i][j]                    mx = max(mx, x)
//     pass 2 (exp, sum):  for j: load X[i][j]; store Y[i][j]      Y = exp(x - mx), s += Y
//     pass 3 (normalise): for j: load Y[i][j]; store Y[i][j]      Y = Y / s
// 5·cols accesses per row; X is read twice, Y written twice and read once.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "builtin.hpp"
#include "common.hpp"

namespace cachescope {

namespace {

/// X[i][j]'s value: multiples of 1/4 in [-2.5, 2.5].
double valueX(std::uint64_t i, std::uint64_t j) { return static_cast<double>((7 * i + 3 * j) % 21) * 0.25 - 2.5; }

template <class T>
void runSoftmax(KernelRunContext& ctx) {
    const std::uint64_t rows = ctx.params.count("rows"), cols = ctx.params.count("cols");
    Tensor<T> X = ctx.layout.tensor<T>(ctx.meta, "X", {rows, cols});
    Tensor<T> Y = ctx.layout.tensor<T>(ctx.meta, "Y", {rows, cols});
    const std::uint16_t loadXMax = ctx.meta.addSite("load X[i][j] (max)", X.region(), AccessKind::Read);
    const std::uint16_t loadXExp = ctx.meta.addSite("load X[i][j] (exp)", X.region(), AccessKind::Read);
    const std::uint16_t storeYExp = ctx.meta.addSite("store Y[i][j] (exp)", Y.region(), AccessKind::Write);
    const std::uint16_t loadYNorm = ctx.meta.addSite("load Y[i][j] (normalise)", Y.region(), AccessKind::Read);
    const std::uint16_t storeYNorm = ctx.meta.addSite("store Y[i][j] (normalise)", Y.region(), AccessKind::Write);
    for (std::uint64_t i = 0; i < rows; ++i)
        for (std::uint64_t j = 0; j < cols; ++j) X.at(i, j) = static_cast<T>(valueX(i, j));

    Recorder& rec = ctx.ready();
    for (std::uint64_t i = 0; i < rows; ++i) {
        T mx = -std::numeric_limits<T>::infinity();
        for (std::uint64_t j = 0; j < cols; ++j) mx = std::max(mx, X.load(rec, loadXMax, i, j));
        T sum = 0;
        for (std::uint64_t j = 0; j < cols; ++j) {
            const T e = std::exp(X.load(rec, loadXExp, i, j) - mx);
            Y.store(rec, storeYExp, e, i, j);
            sum += e;
        }
        for (std::uint64_t j = 0; j < cols; ++j) Y.store(rec, storeYNorm, Y.load(rec, loadYNorm, i, j) / sum, i, j);
    }

    kernel_util::saveValues(ctx, X);
    kernel_util::saveValues(ctx, Y);
}

}  // namespace

KernelInfo softmaxKernel() {
    using namespace kernel_util;
    return KernelInfo{
        "softmax",
        "Y = softmax(X) per row, three passes (max, exp and sum, normalise)",
        {
            intParam("rows", "64", "rows of X and Y", 1, 65536),
            intParam("cols", "256", "columns of X and Y (the softmax axis)", 1, 65536),
            choiceParam("elem", "4", "bytes per element: 4 float, 8 double", {"4", "8"}),
        },
        [](KernelRunContext& ctx) {
            if (ctx.params.choice("elem") == "8")
                runSoftmax<double>(ctx);
            else
                runSoftmax<float>(ctx);
        },
        [](const KernelParams& p) { return 5 * p.count("rows") * p.count("cols"); },
    };
}

}  // namespace cachescope
