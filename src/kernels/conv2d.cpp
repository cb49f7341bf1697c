// conv2d: direct convolution in NCHW or NHWC, im2col followed by a GEMM, and depthwise
// convolution. The exact access order and the closed-form counts are in docs/kernels.md.
//
// Shapes (G = groups: 1, or C when depthwise; Cg = C/G input channels per group):
//   input   N×C×H×W (NCHW) or N×H×W×C (NHWC)
//   weights K×Cg×R×S (KCRS)  or K×R×S×Cg (KRSC)
//   output  N×K×P×Q (NCHW) or N×P×Q×K (NHWC),  P = (H + 2·pad − dil·(R−1) − 1)/stride + 1, same for Q
//   im2col  (C·R·S)×(P·Q), one image at a time (im2col algorithm only)
//
// Example (direct NCHW, C=K=1, 2×2 image, kernel 3, padding 1): output[0][0][0][0] reads the four
// in-bounds taps input[0][0][0][0], [0][1], [1][0], [1][1], each followed by its weight
// weights[0][0][1][1], [1][2], [2][1], [2][2], then stores once.

#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "builtin.hpp"

namespace cachescope {
namespace {

constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 28;  // 1 GiB of floats per tensor

struct Conv {
    std::uint64_t n, c, k, h, w, r, s, stride, pad, dil, p, q, groups, cg, kg;
    bool nhwc, im2col;
};

std::uint64_t outputSize(const char* dim, std::uint64_t in, std::uint64_t kernel, const Conv& cv) {
    const std::uint64_t extent = cv.dil * (kernel - 1) + 1;
    if (in + 2 * cv.pad < extent)
        throw UsageError("conv2d: the dilated kernel spans " + std::to_string(extent) + " pixels but the padded " +
                         dim + " is only " + std::to_string(in + 2 * cv.pad) + " (" + dim + "=" + std::to_string(in) +
                         ", padding=" + std::to_string(cv.pad) + "): expected kernel extent <= " + dim +
                         " + 2*padding");
    return (in + 2 * cv.pad - extent) / cv.stride + 1;
}

void checkElements(const char* tensor, const std::vector<std::uint64_t>& shape) {
    std::uint64_t n = 1;
    for (std::uint64_t d : shape) n *= d;
    if (n > kMaxElements)
        throw UsageError(std::string("conv2d: tensor ") + tensor + " would hold " + std::to_string(n) +
                         " elements; expected at most " + std::to_string(kMaxElements));
}

/// Input coordinate of output position o along one dimension for kernel tap t, or -1 outside.
std::int64_t inputCoord(std::uint64_t o, std::uint64_t t, const Conv& cv, std::uint64_t size) {
    const std::int64_t x = static_cast<std::int64_t>(o * cv.stride + t * cv.dil) - static_cast<std::int64_t>(cv.pad);
    return x >= 0 && x < static_cast<std::int64_t>(size) ? x : -1;
}

// Deterministic small integers (exact in float); docs/kernels.md repeats the formulas.
float inputValue(std::uint64_t n, std::uint64_t c, std::uint64_t h, std::uint64_t w) {
    return static_cast<float>(static_cast<std::int64_t>((n * 3 + c * 5 + h * 7 + w * 11) % 7) - 3);
}
float weightValue(std::uint64_t k, std::uint64_t cg, std::uint64_t r, std::uint64_t s) {
    return static_cast<float>(static_cast<std::int64_t>((k * 5 + cg * 3 + r * 2 + s) % 5) - 2);
}

/// The tensors with their layout hidden: logical (n, c, h, w) / (k, cg, r, s) / (n, k, p, q) indices.
struct ConvTensors {
    const Conv& cv;
    Tensor<float> input, weights, im2col, output;

    float& in(std::uint64_t n, std::uint64_t c, std::uint64_t h, std::uint64_t w) {
        return cv.nhwc ? input.at(n, h, w, c) : input.at(n, c, h, w);
    }
    float loadIn(Recorder& rec, std::uint16_t site, std::uint64_t n, std::uint64_t c, std::uint64_t h,
                 std::uint64_t w) const {
        return cv.nhwc ? input.load(rec, site, n, h, w, c) : input.load(rec, site, n, c, h, w);
    }
    float& wt(std::uint64_t k, std::uint64_t cg, std::uint64_t r, std::uint64_t s) {
        return cv.nhwc ? weights.at(k, r, s, cg) : weights.at(k, cg, r, s);
    }
    float loadWt(Recorder& rec, std::uint16_t site, std::uint64_t k, std::uint64_t cg, std::uint64_t r,
                 std::uint64_t s) const {
        return cv.nhwc ? weights.load(rec, site, k, r, s, cg) : weights.load(rec, site, k, cg, r, s);
    }
    float loadOut(Recorder& rec, std::uint16_t site, std::uint64_t n, std::uint64_t k, std::uint64_t p,
                  std::uint64_t q) const {
        return cv.nhwc ? output.load(rec, site, n, p, q, k) : output.load(rec, site, n, k, p, q);
    }
    void storeOut(Recorder& rec, std::uint16_t site, float v, std::uint64_t n, std::uint64_t k, std::uint64_t p,
                  std::uint64_t q) {
        if (cv.nhwc)
            output.store(rec, site, v, n, p, q, k);
        else
            output.store(rec, site, v, n, k, p, q);
    }
    /// Row of the im2col buffer for input channel c and tap (r, s): ordered like the weights
    /// (c, r, s for KCRS; r, s, c for KRSC) so that a row of weights is a contiguous GEMM operand.
    std::uint64_t row(std::uint64_t c, std::uint64_t r, std::uint64_t s) const {
        return cv.nhwc ? (r * cv.s + s) * cv.c + c : (c * cv.r + r) * cv.s + s;
    }
};

/// Calls f(cg, r, s) over one filter's taps in the weights' memory order.
template <class F>
void forEachTap(const Conv& cv, F&& f) {
    if (cv.nhwc) {
        for (std::uint64_t r = 0; r < cv.r; ++r)
            for (std::uint64_t s = 0; s < cv.s; ++s)
                for (std::uint64_t cg = 0; cg < cv.cg; ++cg) f(cg, r, s);
    } else {
        for (std::uint64_t cg = 0; cg < cv.cg; ++cg)
            for (std::uint64_t r = 0; r < cv.r; ++r)
                for (std::uint64_t s = 0; s < cv.s; ++s) f(cg, r, s);
    }
}

void dump4(std::map<std::string, std::vector<double>>& out, const std::string& name, const Tensor<float>& t) {
    std::vector<double>& v = out[name];
    v.clear();
    for (std::uint64_t a = 0; a < t.dim(0); ++a)
        for (std::uint64_t b = 0; b < t.dim(1); ++b)
            for (std::uint64_t c = 0; c < t.dim(2); ++c)
                for (std::uint64_t d = 0; d < t.dim(3); ++d) v.push_back(t.at(a, b, c, d));
}

void dump2(std::map<std::string, std::vector<double>>& out, const std::string& name, const Tensor<float>& t) {
    std::vector<double>& v = out[name];
    v.clear();
    for (std::uint64_t a = 0; a < t.dim(0); ++a)
        for (std::uint64_t b = 0; b < t.dim(1); ++b) v.push_back(t.at(a, b));
}

/// The convolution's shape from its parameters (throws for a kernel wider than the padded image).
Conv parseConv(const KernelParams& prm) {
    Conv cv{};
    cv.n = prm.count("batch");
    cv.c = prm.count("channels");
    cv.h = prm.count("height");
    cv.w = prm.count("width");
    cv.r = cv.s = prm.count("kernel");
    cv.stride = prm.count("stride");
    cv.pad = prm.count("padding");
    cv.dil = prm.count("dilation");
    cv.nhwc = prm.choice("layout") == "NHWC";
    cv.im2col = prm.choice("algo") == "im2col";
    const bool depthwise = prm.flag("depthwise");
    cv.k = depthwise ? cv.c : prm.count("filters");
    cv.groups = depthwise ? cv.c : 1;
    cv.cg = cv.c / cv.groups;
    cv.kg = cv.k / cv.groups;
    cv.p = outputSize("height", cv.h, cv.r, cv);
    cv.q = outputSize("width", cv.w, cv.s, cv);
    return cv;
}

/// In-bounds (tap, output) pairs along one dimension: Th = Σ_{r<R} #{p < P : 0 <= p·stride + r·dil − pad < H}.
std::uint64_t inBoundsPairs(std::uint64_t taps, std::uint64_t outputs, std::uint64_t size, const Conv& cv) {
    std::uint64_t n = 0;
    for (std::uint64_t t = 0; t < taps; ++t)
        for (std::uint64_t o = 0; o < outputs; ++o) n += inputCoord(o, t, cv, size) >= 0 ? 1 : 0;
    return n;
}

/// The closed forms of docs/kernels.md (direct, or im2col + GEMM).
std::uint64_t conv2dReferences(const KernelParams& prm) {
    const Conv cv = parseConv(prm);
    const std::uint64_t th = inBoundsPairs(cv.r, cv.p, cv.h, cv), tw = inBoundsPairs(cv.s, cv.q, cv.w, cv);
    if (!cv.im2col) return 2 * cv.n * cv.k * cv.cg * th * tw + cv.n * cv.k * cv.p * cv.q;
    const std::uint64_t taps = cv.c * th * tw;  // per image: input loads = im2col data stores
    return cv.n * (2 * taps + (cv.c * cv.r * cv.s * cv.p * cv.q - taps) + 4 * cv.k * cv.cg * cv.r * cv.s * cv.p * cv.q);
}

void runConv2d(KernelRunContext& ctx) {
    const Conv cv = parseConv(ctx.params);

    const std::vector<std::uint64_t> inShape =
        cv.nhwc ? std::vector{cv.n, cv.h, cv.w, cv.c} : std::vector{cv.n, cv.c, cv.h, cv.w};
    const std::vector<std::uint64_t> wShape =
        cv.nhwc ? std::vector{cv.k, cv.r, cv.s, cv.cg} : std::vector{cv.k, cv.cg, cv.r, cv.s};
    const std::vector<std::uint64_t> outShape =
        cv.nhwc ? std::vector{cv.n, cv.p, cv.q, cv.k} : std::vector{cv.n, cv.k, cv.p, cv.q};
    const std::vector<std::uint64_t> colShape{cv.c * cv.r * cv.s, cv.p * cv.q};
    checkElements("input", inShape);
    checkElements("weights", wShape);
    checkElements("output", outShape);
    if (cv.im2col) checkElements("im2col", colShape);

    const std::string act = cv.nhwc ? "NHWC" : "NCHW";
    const std::string filt = cv.nhwc ? "KRSC" : "KCRS";
    ConvTensors t{cv, {}, {}, {}, {}};
    t.input = ctx.layout.tensor<float>(ctx.meta, "input", inShape, act);
    t.weights = ctx.layout.tensor<float>(ctx.meta, "weights", wShape, filt);
    if (cv.im2col) t.im2col = ctx.layout.tensor<float>(ctx.meta, "im2col", colShape, "row-major");
    t.output = ctx.layout.tensor<float>(ctx.meta, "output", outShape, act);

    const std::string inIdx = cv.nhwc ? "input[n][h][w][c]" : "input[n][c][h][w]";
    const std::string wIdx = cv.nhwc ? "weights[k][r][s][c]" : "weights[k][c][r][s]";
    const std::string outIdx = cv.nhwc ? "output[n][p][q][k]" : "output[n][k][p][q]";
    const auto in = t.input.region(), wr = t.weights.region(), out = t.output.region();

    for (std::uint64_t n = 0; n < cv.n; ++n)
        for (std::uint64_t c = 0; c < cv.c; ++c)
            for (std::uint64_t h = 0; h < cv.h; ++h)
                for (std::uint64_t w = 0; w < cv.w; ++w) t.in(n, c, h, w) = inputValue(n, c, h, w);
    for (std::uint64_t k = 0; k < cv.k; ++k)
        forEachTap(cv, [&](std::uint64_t cg, std::uint64_t r, std::uint64_t s) {
            t.wt(k, cg, r, s) = weightValue(k, cg, r, s);
        });

    if (!cv.im2col) {
        const std::uint16_t loadIn = ctx.meta.addSite("load " + inIdx, in, AccessKind::Read);
        const std::uint16_t loadW = ctx.meta.addSite("load " + wIdx, wr, AccessKind::Read);
        const std::uint16_t storeOut = ctx.meta.addSite("store " + outIdx, out, AccessKind::Write);
        Recorder& rec = ctx.ready();
        // One output element: acc lives in a register; only in-bounds taps are loaded.
        auto pixel = [&](std::uint64_t n, std::uint64_t k, std::uint64_t p, std::uint64_t q) {
            const std::uint64_t g = k / cv.kg;
            float acc = 0.0f;
            forEachTap(cv, [&](std::uint64_t cg, std::uint64_t r, std::uint64_t s) {
                const std::int64_t h = inputCoord(p, r, cv, cv.h), w = inputCoord(q, s, cv, cv.w);
                if (h < 0 || w < 0) return;
                const float x = t.loadIn(rec, loadIn, n, g * cv.cg + cg, static_cast<std::uint64_t>(h),
                                         static_cast<std::uint64_t>(w));
                acc += x * t.loadWt(rec, loadW, k, cg, r, s);
            });
            t.storeOut(rec, storeOut, acc, n, k, p, q);
        };
        // Loop order follows the layout, so that the output is written sequentially:
        // NCHW: n, k, p, q (taps c, r, s);  NHWC: n, p, q, k (taps r, s, c).
        for (std::uint64_t n = 0; n < cv.n; ++n) {
            if (cv.nhwc) {
                for (std::uint64_t p = 0; p < cv.p; ++p)
                    for (std::uint64_t q = 0; q < cv.q; ++q)
                        for (std::uint64_t k = 0; k < cv.k; ++k) pixel(n, k, p, q);
            } else {
                for (std::uint64_t k = 0; k < cv.k; ++k)
                    for (std::uint64_t p = 0; p < cv.p; ++p)
                        for (std::uint64_t q = 0; q < cv.q; ++q) pixel(n, k, p, q);
            }
        }
    } else {
        const auto col = t.im2col.region();
        const std::uint16_t loadIn = ctx.meta.addSite("load " + inIdx + " (im2col)", in, AccessKind::Read);
        const std::uint16_t storeCol = ctx.meta.addSite("store im2col[row][p*Q+q] = input", col, AccessKind::Write);
        const std::uint16_t storeZero =
            ctx.meta.addSite("store im2col[row][p*Q+q] = 0 (padding)", col, AccessKind::Write);
        const std::uint16_t loadW = ctx.meta.addSite("load " + wIdx + " (gemm)", wr, AccessKind::Read);
        const std::uint16_t loadCol = ctx.meta.addSite("load im2col[row][p*Q+q] (gemm)", col, AccessKind::Read);
        const std::uint16_t loadOut = ctx.meta.addSite("load " + outIdx + " (gemm)", out, AccessKind::Read);
        const std::uint16_t storeOut = ctx.meta.addSite("store " + outIdx + " (gemm)", out, AccessKind::Write);
        Recorder& rec = ctx.ready();
        for (std::uint64_t n = 0; n < cv.n; ++n) {
            // 1. Fill the column buffer row by row (rows in the weights' order), columns p, q.
            auto fillRow = [&](std::uint64_t c, std::uint64_t r, std::uint64_t s) {
                const std::uint64_t row = t.row(c, r, s);
                for (std::uint64_t p = 0; p < cv.p; ++p)
                    for (std::uint64_t q = 0; q < cv.q; ++q) {
                        const std::int64_t h = inputCoord(p, r, cv, cv.h), w = inputCoord(q, s, cv, cv.w);
                        if (h < 0 || w < 0) {
                            t.im2col.store(rec, storeZero, 0.0f, row, p * cv.q + q);
                        } else {
                            const float x = t.loadIn(rec, loadIn, n, c, static_cast<std::uint64_t>(h),
                                                     static_cast<std::uint64_t>(w));
                            t.im2col.store(rec, storeCol, x, row, p * cv.q + q);
                        }
                    }
            };
            if (cv.nhwc) {
                for (std::uint64_t r = 0; r < cv.r; ++r)
                    for (std::uint64_t s = 0; s < cv.s; ++s)
                        for (std::uint64_t c = 0; c < cv.c; ++c) fillRow(c, r, s);
            } else {
                for (std::uint64_t c = 0; c < cv.c; ++c)
                    for (std::uint64_t r = 0; r < cv.r; ++r)
                        for (std::uint64_t s = 0; s < cv.s; ++s) fillRow(c, r, s);
            }
            // 2. GEMM output(K×PQ) += weights(K×CRS)·im2col(CRS×PQ), loop order k, (c, r, s), p, q;
            //    a depthwise filter k only meets the rows of its own channel.
            for (std::uint64_t k = 0; k < cv.k; ++k) {
                const std::uint64_t g = k / cv.kg;
                forEachTap(cv, [&](std::uint64_t cg, std::uint64_t r, std::uint64_t s) {
                    const std::uint64_t row = t.row(g * cv.cg + cg, r, s);
                    for (std::uint64_t p = 0; p < cv.p; ++p)
                        for (std::uint64_t q = 0; q < cv.q; ++q) {
                            const float wv = t.loadWt(rec, loadW, k, cg, r, s);
                            const float x = t.im2col.load(rec, loadCol, row, p * cv.q + q);
                            const float o = t.loadOut(rec, loadOut, n, k, p, q);
                            t.storeOut(rec, storeOut, o + wv * x, n, k, p, q);
                        }
                });
            }
        }
    }

    if (ctx.values) {
        dump4(*ctx.values, "input", t.input);
        dump4(*ctx.values, "weights", t.weights);
        dump4(*ctx.values, "output", t.output);
        if (cv.im2col) dump2(*ctx.values, "im2col", t.im2col);
    }
}

KernelParamSpec intParam(std::string name, std::string def, std::string description, std::int64_t min,
                         std::int64_t max) {
    KernelParamSpec p;
    p.name = std::move(name);
    p.type = KernelParamSpec::Type::Int;
    p.defaultValue = std::move(def);
    p.description = std::move(description);
    p.min = min;
    p.max = max;
    return p;
}

KernelParamSpec choiceParam(std::string name, std::string def, std::string description,
                            std::vector<std::string> choices) {
    KernelParamSpec p;
    p.name = std::move(name);
    p.type = KernelParamSpec::Type::Choice;
    p.defaultValue = std::move(def);
    p.description = std::move(description);
    p.choices = std::move(choices);
    return p;
}

KernelParamSpec boolParam(std::string name, std::string description) {
    KernelParamSpec p;
    p.name = std::move(name);
    p.type = KernelParamSpec::Type::Bool;
    p.defaultValue = "0";
    p.description = std::move(description);
    return p;
}

}  // namespace

KernelInfo conv2dKernel() {
    KernelInfo info;
    info.name = "conv2d";
    info.description = "2-D convolution: direct (NCHW or NHWC) or im2col + GEMM; stride, padding, dilation, depthwise";
    info.params = {
        intParam("batch", "1", "images N", 1, 256),
        intParam("channels", "16", "input channels C", 1, 4096),
        intParam("filters", "16", "output channels K (ignored when depthwise: K = C)", 1, 4096),
        intParam("height", "32", "input height H", 1, 4096),
        intParam("width", "32", "input width W", 1, 4096),
        intParam("kernel", "3", "filter height and width R = S", 1, 32),
        intParam("stride", "1", "stride in both dimensions", 1, 32),
        intParam("padding", "1", "zero padding on every side", 0, 32),
        intParam("dilation", "1", "distance between filter taps", 1, 32),
        choiceParam("layout", "NCHW", "activation layout (weights KCRS for NCHW, KRSC for NHWC)", {"NCHW", "NHWC"}),
        choiceParam("algo", "direct", "direct loop nest, or im2col buffer followed by a GEMM", {"direct", "im2col"}),
        boolParam("depthwise", "one filter per input channel (groups = C, K = C)"),
    };
    info.run = runConv2d;
    info.dataReferences = conv2dReferences;
    return info;
}

}  // namespace cachescope
