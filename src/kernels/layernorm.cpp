// layernorm: Y[i][j] = (X[i][j] - mean_i) / sqrt(var_i + eps) * gamma[j] + beta[j], row by row:
//   for each row i:
//     pass 1 (mean):      for j: load X[i][j]                                       sum += x
//     pass 2 (variance):  for j: load X[i][j]                                       sq += (x - mean)²
//     pass 3 (normalise): for j: load X[i][j]; load gamma[j]; load beta[j]; store Y[i][j]
// 6·cols accesses per row. eps = 1e-5; the variance is the population one (divided by cols).

#include <cmath>
#include <cstdint>

#include "builtin.hpp"
#include "common.hpp"

namespace cachescope {

namespace {

double valueX(std::uint64_t i, std::uint64_t j) { return static_cast<double>((5 * i + 3 * j) % 13) * 0.5 - 3.0; }
double valueGamma(std::uint64_t j) { return 1.0 + static_cast<double>(j % 4) * 0.25; }
double valueBeta(std::uint64_t j) { return static_cast<double>(j % 3) * 0.5 - 0.5; }

template <class T>
void runLayernorm(KernelRunContext& ctx) {
    const std::uint64_t rows = ctx.params.count("rows"), cols = ctx.params.count("cols");
    Tensor<T> X = ctx.layout.tensor<T>(ctx.meta, "X", {rows, cols});
    Tensor<T> gamma = ctx.layout.tensor<T>(ctx.meta, "gamma", {cols});
    Tensor<T> beta = ctx.layout.tensor<T>(ctx.meta, "beta", {cols});
    Tensor<T> Y = ctx.layout.tensor<T>(ctx.meta, "Y", {rows, cols});
    const std::uint16_t loadXMean = ctx.meta.addSite("load X[i][j] (mean)", X.region(), AccessKind::Read);
    const std::uint16_t loadXVar = ctx.meta.addSite("load X[i][j] (variance)", X.region(), AccessKind::Read);
    const std::uint16_t loadXNorm = ctx.meta.addSite("load X[i][j] (normalise)", X.region(), AccessKind::Read);
    const std::uint16_t loadGamma = ctx.meta.addSite("load gamma[j]", gamma.region(), AccessKind::Read);
    const std::uint16_t loadBeta = ctx.meta.addSite("load beta[j]", beta.region(), AccessKind::Read);
    const std::uint16_t storeY = ctx.meta.addSite("store Y[i][j]", Y.region(), AccessKind::Write);
    for (std::uint64_t i = 0; i < rows; ++i)
        for (std::uint64_t j = 0; j < cols; ++j) X.at(i, j) = static_cast<T>(valueX(i, j));
    for (std::uint64_t j = 0; j < cols; ++j) {
        gamma.at(j) = static_cast<T>(valueGamma(j));
        beta.at(j) = static_cast<T>(valueBeta(j));
    }

    Recorder& rec = ctx.ready();
    const T eps = static_cast<T>(1e-5);
    const T n = static_cast<T>(cols);
    for (std::uint64_t i = 0; i < rows; ++i) {
        T sum = 0;
        for (std::uint64_t j = 0; j < cols; ++j) sum += X.load(rec, loadXMean, i, j);
        const T mean = sum / n;
        T sq = 0;
        for (std::uint64_t j = 0; j < cols; ++j) {
            const T d = X.load(rec, loadXVar, i, j) - mean;
            sq += d * d;
        }
        const T rstd = 1 / std::sqrt(sq / n + eps);
        for (std::uint64_t j = 0; j < cols; ++j) {
            const T x = X.load(rec, loadXNorm, i, j);
            const T g = gamma.load(rec, loadGamma, j);
            const T b = beta.load(rec, loadBeta, j);
            Y.store(rec, storeY, (x - mean) * rstd * g + b, i, j);
        }
    }

    kernel_util::saveValues(ctx, X);
    kernel_util::saveValues(ctx, gamma);
    kernel_util::saveValues(ctx, beta);
    kernel_util::saveValues(ctx, Y);
}

}  // namespace

KernelInfo layernormKernel() {
    using namespace kernel_util;
    return KernelInfo{
        "layernorm",
        "Y = layer normalisation of X per row with gamma, beta (passes: mean, variance, normalise)",
        {
            intParam("rows", "64", "rows of X and Y", 1, 65536),
            intParam("cols", "256", "columns of X and Y (the normalised axis)", 1, 65536),
            choiceParam("elem", "4", "bytes per element: 4 float, 8 double", {"4", "8"}),
        },
        [](KernelRunContext& ctx) {
            if (ctx.params.choice("elem") == "8")
                runLayernorm<double>(ctx);
            else
                runLayernorm<float>(ctx);
        },
        [](const KernelParams& p) { return 6 * p.count("rows") * p.count("cols"); },
    };
}

}  // namespace cachescope
