// pool2d: max or average pooling over window×window patches of an NCHW tensor (no padding).
// The exact access order and the closed-form counts are in docs/kernels.md.
//
//   for n, c, p, q:  acc = (max: first tap | avg: 0) in a register
//       for r, s:     acc = max(acc, load input[n][c][p·stride + r][q·stride + s])   (or acc += ...)
//       store output[n][c][p][q] = acc   (avg: acc / window²)
//   P = (H − window)/stride + 1, Q = (W − window)/stride + 1
//
// Example: a 4×4 image, window 2, stride 2: output[0][0][0][0] reads input[0][0][0][0], [0][1],
// [1][0], [1][1] and stores once; 4 outputs, 16 loads, every input read exactly once.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "builtin.hpp"

namespace cachescope {
namespace {

constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 28;

// Deterministic small integers (the same formula as conv2d's input).
float inputValue(std::uint64_t n, std::uint64_t c, std::uint64_t h, std::uint64_t w) {
    return static_cast<float>(static_cast<std::int64_t>((n * 3 + c * 5 + h * 7 + w * 11) % 7) - 3);
}

void dump4(std::map<std::string, std::vector<double>>& out, const std::string& name, const Tensor<float>& t) {
    std::vector<double>& v = out[name];
    v.clear();
    for (std::uint64_t a = 0; a < t.dim(0); ++a)
        for (std::uint64_t b = 0; b < t.dim(1); ++b)
            for (std::uint64_t c = 0; c < t.dim(2); ++c)
                for (std::uint64_t d = 0; d < t.dim(3); ++d) v.push_back(t.at(a, b, c, d));
}

void runPool(KernelRunContext& ctx) {
    const KernelParams& prm = ctx.params;
    const std::uint64_t N = prm.count("batch"), C = prm.count("channels"), H = prm.count("height"),
                        W = prm.count("width"), win = prm.count("window"), stride = prm.count("stride");
    const bool isMax = prm.choice("op") == "max";
    if (win > H || win > W)
        throw UsageError("pool2d: window=" + std::to_string(win) + " does not fit in the " + std::to_string(H) + "×" +
                         std::to_string(W) + " input (height×width): expected window <= height and window <= width");
    if (N * C * H * W > kMaxElements)
        throw UsageError("pool2d: tensor input would hold " + std::to_string(N * C * H * W) +
                         " elements; expected at most " + std::to_string(kMaxElements));
    const std::uint64_t P = (H - win) / stride + 1, Q = (W - win) / stride + 1;

    Tensor<float> input = ctx.layout.tensor<float>(ctx.meta, "input", {N, C, H, W}, "NCHW");
    Tensor<float> output = ctx.layout.tensor<float>(ctx.meta, "output", {N, C, P, Q}, "NCHW");
    for (std::uint64_t n = 0; n < N; ++n)
        for (std::uint64_t c = 0; c < C; ++c)
            for (std::uint64_t h = 0; h < H; ++h)
                for (std::uint64_t w = 0; w < W; ++w) input.at(n, c, h, w) = inputValue(n, c, h, w);

    const std::uint16_t loadIn = ctx.meta.addSite(
        isMax ? "load input[n][c][h][w] (max)" : "load input[n][c][h][w] (sum)", input.region(), AccessKind::Read);
    const std::uint16_t storeOut = ctx.meta.addSite("store output[n][c][p][q]", output.region(), AccessKind::Write);
    Recorder& rec = ctx.ready();

    const float area = static_cast<float>(win * win);
    for (std::uint64_t n = 0; n < N; ++n)
        for (std::uint64_t c = 0; c < C; ++c)
            for (std::uint64_t p = 0; p < P; ++p)
                for (std::uint64_t q = 0; q < Q; ++q) {
                    float acc = 0.0f;
                    for (std::uint64_t r = 0; r < win; ++r)
                        for (std::uint64_t s = 0; s < win; ++s) {
                            const float x = input.load(rec, loadIn, n, c, p * stride + r, q * stride + s);
                            if (!isMax)
                                acc += x;
                            else
                                acc = (r == 0 && s == 0) ? x : std::max(acc, x);
                        }
                    output.store(rec, storeOut, isMax ? acc : acc / area, n, c, p, q);
                }

    if (ctx.values) {
        dump4(*ctx.values, "input", input);
        dump4(*ctx.values, "output", output);
    }
}

}  // namespace

KernelInfo pool2dKernel() {
    KernelInfo info;
    info.name = "pool2d";
    info.description = "max or average pooling of an NCHW tensor over window×window patches (no padding)";
    auto intParam = [](std::string name, std::string def, std::string description, std::int64_t max) {
        return KernelParamSpec{
            std::move(name), KernelParamSpec::Type::Int, std::move(def), std::move(description), {}, 1, max};
    };
    info.params = {
        intParam("batch", "1", "images N", 256),
        intParam("channels", "16", "channels C", 4096),
        intParam("height", "32", "input height H", 4096),
        intParam("width", "32", "input width W", 4096),
        intParam("window", "2", "pooling window (window×window)", 64),
        intParam("stride", "2", "stride in both dimensions", 64),
        KernelParamSpec{"op", KernelParamSpec::Type::Choice, "max", "max or avg", {"max", "avg"}, 0, 0},
    };
    info.run = runPool;
    info.dataReferences = [](const KernelParams& p) {  // window² loads and one store per output
        const std::uint64_t H = p.count("height"), W = p.count("width"), win = p.count("window"),
                            stride = p.count("stride");
        if (win > H || win > W) return std::uint64_t{0};  // the run refuses it
        const std::uint64_t P = (H - win) / stride + 1, Q = (W - win) / stride + 1;
        return p.count("batch") * p.count("channels") * P * Q * (win * win + 1);
    };
    return info;
}

}  // namespace cachescope
