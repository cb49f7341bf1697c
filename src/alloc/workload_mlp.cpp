// mlp-train: training steps of a multi-layer perceptron (Linear, ReLU, ..., Linear, cross-entropy)
// on one fixed random batch, with the allocations of PyTorch's eager autograd. Per step:
//
//   input, target                        the batch (freed at the end of the step)
//   act.fcI, act.reluI (I < L)           forward; act.fcI freed once relu has read it (not saved)
//   act.fcL, act.log_softmax, loss       act.fcL freed by log_softmax (which saves its output)
//   grad.loss, grad.log_softmax, grad.fcL    cross-entropy backward, each freed once used
//   grad.reluI-1, grad.fcI.weight, grad.fcI.bias, then grad.fcI-1    linear and relu backward, for
//                                        I = L..1; act.reluI-1 freed after relu's backward
//   adam.m.P, adam.v.P (first step), adam.denom.P    the optimizer; then every grad.* is freed
//
// Parameters fcI.weight (out x in) and fcI.bias and the Adam state stay live (persistent).

#include <string>

#include "../kernels/common.hpp"
#include "cachescope/core/error.hpp"
#include "workload_nn.hpp"
#include "workload_registry.hpp"

namespace cachescope::alloc {

namespace {

using namespace nn;

WorkloadResult runMlp(const KernelParams& params) {
    const std::vector<std::int64_t> layers = params.integers("layers");
    if (layers.size() < 2)
        throw UsageError("workload mlp-train: --param layers=" + params.choice("layers") +
                         ": expected at least two sizes (inputs, ..., classes), e.g. 784,256,10");
    const auto batch = static_cast<std::size_t>(params.integer("batch"));
    const auto steps = static_cast<std::size_t>(params.integer("steps"));
    const std::string optimizer = params.choice("optimizer");
    const std::size_t L = layers.size() - 1;
    std::vector<std::size_t> n;
    for (const std::int64_t v : layers) n.push_back(static_cast<std::size_t>(v));
    const std::size_t classes = n.back();

    Heap heap(workloadSource("mlp-train", params));
    Random rng(static_cast<std::uint64_t>(params.integer("seed")));
    std::vector<Param> fcW(L + 1), fcB(L + 1);
    std::vector<Param*> all;
    for (std::size_t i = 1; i <= L; ++i) {
        const std::string fc = "fc" + std::to_string(i);
        fcW[i].value = heap.make(fc + ".weight", n[i] * n[i - 1]);
        fcB[i].value = heap.make(fc + ".bias", n[i]);
        initUniform(fcW[i].value, n[i - 1], rng);
        initUniform(fcB[i].value, n[i - 1], rng);
        all.push_back(&fcW[i]);
        all.push_back(&fcB[i]);
    }
    // One fixed batch: inputs in [0, 1), labels uniform over the classes.
    std::vector<float> xData(batch * n[0]);
    for (float& v : xData) v = rng.uniform(0, 1);
    std::vector<std::int64_t> labels(batch);
    for (auto& l : labels) l = static_cast<std::int64_t>(rng.below(classes));

    Optimizer opt(optimizer, optimizer == "adam" ? 1e-3 : 5e-2);
    WorkloadResult result;
    for (std::size_t step = 0; step < steps; ++step) {
        Batch data = makeBatch(heap, xData, labels);
        const Tensor& input = data.input;
        const Buf<std::int64_t>& target = data.target;

        // Forward: acts[i] is the input of layer i + 1 (acts[0] = input).
        std::vector<Tensor> relus(L);
        const Tensor* x = &input;
        Tensor logits;
        for (std::size_t i = 1; i <= L; ++i) {
            Tensor y = heap.make("act.fc" + std::to_string(i), batch * n[i]);
            linearForward(*x, fcW[i], fcB[i], batch, n[i - 1], n[i], y);
            if (i < L) {
                relus[i] = reluForward(heap, y, "act.relu" + std::to_string(i));
                heap.drop(y);
                x = &relus[i];
            } else {
                logits = std::move(y);
            }
        }
        LossState loss = crossEntropyForward(heap, logits, target, batch, classes);
        result.losses.push_back(loss.loss[0]);

        // Backward.
        Tensor gy = crossEntropyBackward(heap, loss, target, batch, classes, "grad.fc" + std::to_string(L));
        for (std::size_t i = L; i >= 1; --i) {
            const std::string fc = "fc" + std::to_string(i);
            const Tensor& xin = i == 1 ? input : relus[i - 1];
            Tensor gx;
            if (i > 1) gx = heap.make("grad.relu" + std::to_string(i - 1), batch * n[i - 1]);
            fcW[i].grad = heap.make("grad." + fc + ".weight", n[i] * n[i - 1]);
            fcB[i].grad = heap.make("grad." + fc + ".bias", n[i]);
            fcW[i].hasGrad = fcB[i].hasGrad = true;
            linearBackward(xin, gy, fcW[i], batch, n[i - 1], n[i], fcW[i].grad, fcB[i].grad, i > 1 ? &gx : nullptr);
            heap.drop(gy);
            if (i > 1) {
                gy = reluBackward(heap, gx, relus[i - 1], "grad.fc" + std::to_string(i - 1));
                heap.drop(gx);
                heap.drop(relus[i - 1]);
            }
        }
        finishStep(heap, opt, all, loss, data);
    }
    finishTraining(heap, opt, all, result);
    return result;
}

}  // namespace

WorkloadInfo mlpTrainWorkload() {
    using namespace kernel_util;
    KernelParamSpec layers{"layers", KernelParamSpec::Type::IntList, "784,256,10",
                           "sizes of the inputs, the hidden layers and the classes", {}, 1, 65536};
    std::vector<KernelParamSpec> ps = {layers, intParam("batch", "32", "samples per batch", 1, 4096)};
    for (auto& p : trainingParams()) ps.push_back(std::move(p));
    return {"mlp-train",
            "training steps of an MLP (Linear+ReLU layers, cross-entropy, Adam or SGD) with autograd's tensor "
            "lifetimes",
            std::move(ps), runMlp};
}

}  // namespace cachescope::alloc
