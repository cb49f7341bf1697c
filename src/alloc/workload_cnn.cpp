// cnn-train: training steps of a small CNN on one fixed random batch of images, convolutions done by
// im2col + matrix product as PyTorch's CPU slow_conv2d and Caffe do, with autograd's lifetimes:
//
//   conv1 (3x3, padding 1) -> relu -> maxpool 2x2 -> conv2 (3x3, padding 1) -> relu -> maxpool 2x2
//   -> fc -> cross-entropy; conv1 has `channels` output channels, conv2 twice as many.
//
// Forward, per conv: im2col.convI (B x Cin*9 x H*W floats) lives only while its product is formed;
// act.convI is freed by relu; act.reluI is saved (relu and the pool's backward need it); the pool
// keeps poolI.indices (int64, as max_pool2d_with_indices). Backward, per conv: grad.<input> and the
// workspace col2im.convI (Cout -> Cin*9 columns, scattered back), then im2col.convI recomputed
// for the weight gradient (the columns are not kept from the forward pass).

#include <algorithm>
#include <limits>
#include <string>

#include "../kernels/common.hpp"
#include "cachescope/core/error.hpp"
#include "workload_nn.hpp"
#include "workload_registry.hpp"

namespace cachescope::alloc {

namespace {

using namespace nn;

struct Shape {
    std::size_t batch, channels, size;  // N, C, H = W
    std::size_t plane() const { return size * size; }
    std::size_t count() const { return batch * channels * plane(); }
};

/// Calls f(column index, image index) for every element of the im2col columns that lies inside the
/// image: col[b][(c*3 + ky)*3 + kx][y*S + x] stands for x[b][c][y + ky - 1][x + kx - 1] (padding 1).
template <class F>
void forEachPatchElement(const Shape& s, F&& f) {
    const std::size_t rows = s.channels * 9, S = s.size;
    for (std::size_t b = 0; b < s.batch; ++b)
        for (std::size_t c = 0; c < s.channels; ++c)
            for (std::size_t k = 0; k < 9; ++k) {
                const std::size_t column = (b * rows + c * 9 + k) * s.plane();
                const long ky = long(k / 3) - 1, kx = long(k % 3) - 1;
                for (std::size_t y = 0; y < S; ++y)
                    for (std::size_t xx = 0; xx < S; ++xx) {
                        const long sy = long(y) + ky, sx = long(xx) + kx;
                        if (sy < 0 || sx < 0 || sy >= long(S) || sx >= long(S)) continue;
                        f(column + y * S + xx, ((b * s.channels + c) * S + std::size_t(sy)) * S + std::size_t(sx));
                    }
            }
}

/// The columns of `x` (col was zeroed when allocated, so the padding stays 0).
void im2col(const Tensor& x, const Shape& s, Tensor& col) {
    forEachPatchElement(s, [&](std::size_t c, std::size_t i) { col[c] = x[i]; });
}

/// The reverse scatter: each column element added back to the image element it came from.
void col2im(const Tensor& dcol, const Shape& s, Tensor& dx) {
    forEachPatchElement(s, [&](std::size_t c, std::size_t i) { dx[i] += dcol[c]; });
}

struct Conv {
    std::string name;  // conv1
    Param w, b;        // w: cout x cin*9
    std::size_t cin = 0, cout = 0;
};

/// Forward: im2col workspace, product into act.convI, workspace freed.
Tensor convForward(Heap& heap, Conv& conv, const Tensor& x, const Shape& in) {
    const std::size_t rows = conv.cin * 9, P = in.plane();
    Tensor col = heap.make("im2col." + conv.name, in.batch * rows * P);
    im2col(x, in, col);
    Tensor y = heap.make("act." + conv.name, in.batch * conv.cout * P);
    for (std::size_t b = 0; b < in.batch; ++b)
        for (std::size_t co = 0; co < conv.cout; ++co) {
            float* out = &y[(b * conv.cout + co) * P];
            std::fill(out, out + P, conv.b.value[co]);
            for (std::size_t r = 0; r < rows; ++r) {
                const float w = conv.w.value[co * rows + r];
                const float* c = &col[(b * rows + r) * P];
                for (std::size_t p = 0; p < P; ++p) out[p] += w * c[p];
            }
        }
    heap.drop(col);
    return y;
}

/// Backward: the input's gradient (when `dxName` is not empty) through col2im.convI, then the
/// weight and bias gradients from the recomputed im2col.convI.
Tensor convBackward(Heap& heap, Conv& conv, const Tensor& x, const Tensor& dy, const Shape& in,
                    const std::string& dxName) {
    const std::size_t rows = conv.cin * 9, P = in.plane();
    Tensor dx;
    if (!dxName.empty()) {
        dx = heap.make(dxName, in.count());
        Tensor dcol = heap.make("col2im." + conv.name, in.batch * rows * P);
        for (std::size_t b = 0; b < in.batch; ++b)
            for (std::size_t co = 0; co < conv.cout; ++co) {
                const float* g = &dy[(b * conv.cout + co) * P];
                for (std::size_t r = 0; r < rows; ++r) {
                    const float w = conv.w.value[co * rows + r];
                    float* d = &dcol[(b * rows + r) * P];
                    for (std::size_t p = 0; p < P; ++p) d[p] += w * g[p];
                }
            }
        col2im(dcol, in, dx);
        heap.drop(dcol);
    }
    Tensor col = heap.make("im2col." + conv.name, in.batch * rows * P);
    im2col(x, in, col);
    conv.w.grad = heap.make("grad." + conv.name + ".weight", conv.cout * rows);
    conv.b.grad = heap.make("grad." + conv.name + ".bias", conv.cout);
    for (std::size_t b = 0; b < in.batch; ++b)
        for (std::size_t co = 0; co < conv.cout; ++co) {
            const float* g = &dy[(b * conv.cout + co) * P];
            for (std::size_t p = 0; p < P; ++p) conv.b.grad[co] += g[p];
            for (std::size_t r = 0; r < rows; ++r) {
                const float* c = &col[(b * rows + r) * P];
                float sum = 0;
                for (std::size_t p = 0; p < P; ++p) sum += g[p] * c[p];
                conv.w.grad[co * rows + r] += sum;
            }
        }
    heap.drop(col);
    return dx;
}

/// 2x2 max pooling, stride 2: act.poolI and poolI.indices (the argmax within the input plane).
void poolForward(Heap& heap, const std::string& name, const Tensor& x, const Shape& in, Tensor& y,
                 Buf<std::int64_t>& idx) {
    const std::size_t S = in.size, O = S / 2;
    y = heap.make("act." + name, in.batch * in.channels * O * O);
    idx = heap.make<std::int64_t>(name + ".indices", y.size());
    for (std::size_t bc = 0; bc < in.batch * in.channels; ++bc)
        for (std::size_t oy = 0; oy < O; ++oy)
            for (std::size_t ox = 0; ox < O; ++ox) {
                float best = -std::numeric_limits<float>::infinity();
                std::size_t arg = 0;
                for (std::size_t k = 0; k < 4; ++k) {
                    const std::size_t p = (2 * oy + k / 2) * S + 2 * ox + k % 2;
                    if (x[bc * S * S + p] > best) best = x[bc * S * S + p], arg = p;
                }
                y[(bc * O + oy) * O + ox] = best;
                idx[(bc * O + oy) * O + ox] = static_cast<std::int64_t>(arg);
            }
}

Tensor poolBackward(Heap& heap, const std::string& dxName, const Tensor& dy, const Buf<std::int64_t>& idx,
                    const Shape& in) {
    Tensor dx = heap.make(dxName, in.count());
    const std::size_t O = in.size / 2;
    for (std::size_t i = 0; i < dy.size(); ++i) {
        const std::size_t bc = i / (O * O);
        dx[bc * in.plane() + static_cast<std::size_t>(idx[i])] += dy[i];
    }
    return dx;
}

/// Pool I's backward then ReLU I's: grad.reluI from grad.poolI through the indices, then
/// grad.convI; each input freed once used, and the saved indices and ReLU output with them.
Tensor poolReluBackward(Heap& heap, const std::string& i, Tensor& gpool, Buf<std::int64_t>& idx, Tensor& relu,
                        const Shape& reluShape) {
    Tensor gr = poolBackward(heap, "grad.relu" + i, gpool, idx, reluShape);
    heap.drop(gpool);
    heap.drop(idx);
    Tensor ga = reluBackward(heap, gr, relu, "grad.conv" + i);
    heap.drop(gr);
    heap.drop(relu);
    return ga;
}

WorkloadResult runCnn(const KernelParams& params) {
    const auto B = static_cast<std::size_t>(params.integer("batch"));
    const auto Cin = static_cast<std::size_t>(params.integer("in_channels"));
    const auto C1 = static_cast<std::size_t>(params.integer("channels"));
    const std::size_t C2 = 2 * C1;
    const auto S = static_cast<std::size_t>(params.integer("image"));
    const auto K = static_cast<std::size_t>(params.integer("classes"));
    if (S % 4 != 0)
        throw UsageError("workload cnn-train: --param image=" + std::to_string(S) +
                         ": expected a multiple of 4 (two 2x2 poolings halve it twice)");
    const std::size_t features = C2 * (S / 4) * (S / 4);

    Heap heap(workloadSource("cnn-train", params));
    Random rng(static_cast<std::uint64_t>(params.integer("seed")));
    Conv conv1{"conv1", {}, {}, Cin, C1}, conv2{"conv2", {}, {}, C1, C2};
    Param fcW, fcB;
    for (Conv* c : {&conv1, &conv2}) {
        c->w.value = heap.make(c->name + ".weight", c->cout * c->cin * 9);
        c->b.value = heap.make(c->name + ".bias", c->cout);
        initUniform(c->w.value, c->cin * 9, rng);
        initUniform(c->b.value, c->cin * 9, rng);
    }
    fcW.value = heap.make("fc.weight", K * features);
    fcB.value = heap.make("fc.bias", K);
    initUniform(fcW.value, features, rng);
    initUniform(fcB.value, features, rng);
    std::vector<Param*> all = {&conv1.w, &conv1.b, &conv2.w, &conv2.b, &fcW, &fcB};

    std::vector<float> xData(B * Cin * S * S);
    for (float& v : xData) v = rng.uniform(0, 1);
    std::vector<std::int64_t> labels(B);
    for (auto& l : labels) l = static_cast<std::int64_t>(rng.below(K));

    const std::string optimizer = params.choice("optimizer");
    Optimizer opt(optimizer, optimizer == "adam" ? 1e-3 : 5e-2);
    const Shape s0{B, Cin, S}, s1{B, C1, S}, p1{B, C1, S / 2}, s2{B, C2, S / 2};
    WorkloadResult result;
    for (std::int64_t step = 0; step < params.integer("steps"); ++step) {
        Batch data = makeBatch(heap, xData, labels);
        const Tensor& input = data.input;
        const Buf<std::int64_t>& target = data.target;

        Tensor a1 = convForward(heap, conv1, input, s0);
        Tensor r1 = reluForward(heap, a1, "act.relu1");
        heap.drop(a1);
        Tensor pool1;
        Buf<std::int64_t> idx1;
        poolForward(heap, "pool1", r1, s1, pool1, idx1);
        Tensor a2 = convForward(heap, conv2, pool1, p1);
        Tensor r2 = reluForward(heap, a2, "act.relu2");
        heap.drop(a2);
        Tensor pool2;
        Buf<std::int64_t> idx2;
        poolForward(heap, "pool2", r2, s2, pool2, idx2);
        Tensor logits = heap.make("act.fc", B * K);  // pool2 flattened is a view: no allocation
        linearForward(pool2, fcW, fcB, B, features, K, logits);
        LossState loss = crossEntropyForward(heap, logits, target, B, K);
        result.losses.push_back(loss.loss[0]);

        Tensor gfc = crossEntropyBackward(heap, loss, target, B, K, "grad.fc");
        Tensor gpool2 = heap.make("grad.pool2", pool2.size());
        fcW.grad = heap.make("grad.fc.weight", fcW.value.size());
        fcB.grad = heap.make("grad.fc.bias", K);
        linearBackward(pool2, gfc, fcW, B, features, K, fcW.grad, fcB.grad, &gpool2);
        heap.drop(gfc);
        heap.drop(pool2);
        Tensor ga2 = poolReluBackward(heap, "2", gpool2, idx2, r2, s2);
        Tensor gpool1 = convBackward(heap, conv2, pool1, ga2, p1, "grad.pool1");
        heap.drop(ga2);
        heap.drop(pool1);
        Tensor ga1 = poolReluBackward(heap, "1", gpool1, idx1, r1, s1);
        convBackward(heap, conv1, input, ga1, s0, "");
        heap.drop(ga1);

        finishStep(heap, opt, all, loss, data);
    }
    finishTraining(heap, opt, all, result);
    return result;
}

}  // namespace

WorkloadInfo cnnTrainWorkload() {
    using namespace kernel_util;
    std::vector<KernelParamSpec> ps = {
        intParam("batch", "8", "images per batch", 1, 1024),
        intParam("in_channels", "3", "channels of the input images", 1, 64),
        intParam("channels", "8", "output channels of conv1 (conv2 has twice as many)", 1, 256),
        intParam("image", "16", "height and width of the images (a multiple of 4)", 4, 256),
        intParam("classes", "10", "classes of the last layer", 2, 1000),
    };
    for (auto& p : trainingParams()) ps.push_back(std::move(p));
    return {"cnn-train",
            "training steps of a small CNN (im2col convolutions, ReLU, max pooling, fc, cross-entropy) with "
            "autograd's tensor lifetimes",
            std::move(ps), runCnn};
}

}  // namespace cachescope::alloc
