#pragma once
// src/alloc/workload_nn.hpp: what the built-in workloads (workload_*.cpp) share. A Heap hands out
// tensors (Buf<T>: real data in a vector) and records each allocation, resize and free in a
// TraceBuilder; the layers below compute on them and allocate their outputs and temporaries in the
// order PyTorch's eager autograd does (docs/alloc.md, "Built-in workloads").

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/alloc/workload.hpp"
#include "cachescope/policy/splitmix64.hpp"

namespace cachescope::alloc::nn {

template <class T>
struct Buf {
    std::uint32_t id = 0;
    std::string name;
    std::vector<T> data;
    T& operator[](std::size_t i) { return data[i]; }
    const T& operator[](std::size_t i) const { return data[i]; }
    std::size_t size() const { return data.size(); }
};
using Tensor = Buf<float>;

class Heap {
public:
    explicit Heap(std::string source) : builder_(std::move(source)) {}
    /// A zeroed tensor of `count` elements, recorded as `alloc name count*sizeof(T) [site]` (the
    /// site is the name unless given).
    template <class T = float>
    Buf<T> make(const std::string& name, std::size_t count, const std::string& site = {}) {
        Buf<T> b;
        b.id = builder_.alloc(name, count * sizeof(T), 0, site);
        b.name = name;
        b.data.assign(count, T{});
        return b;
    }
    template <class T>
    void drop(Buf<T>& b) {
        builder_.free(b.id);
        b.data = {};
    }
    /// Grows (or shrinks) the tensor in place, keeping its contents: `realloc name count*sizeof(T)`.
    template <class T>
    void resize(Buf<T>& b, std::size_t count) {
        builder_.realloc(b.id, count * sizeof(T));
        b.data.resize(count);
    }
    TraceBuilder& builder() { return builder_; }

private:
    TraceBuilder builder_;
};

/// Uniform floats from splitmix64 (the same bits on every platform, unlike std:: distributions).
class Random {
public:
    explicit Random(std::uint64_t seed) : gen_(seed) {}
    /// Uniform in [lo, hi).
    float uniform(float lo, float hi) {
        const double u = static_cast<double>(gen_.next() >> 11) * 0x1.0p-53;
        return static_cast<float>(lo + (hi - lo) * u);
    }
    std::uint64_t below(std::uint64_t n) { return gen_.next() % n; }

private:
    SplitMix64 gen_;
};

/// Fills with U(-1/sqrt(fanIn), 1/sqrt(fanIn)), PyTorch's default for Linear and Conv2d.
void initUniform(Tensor& t, std::size_t fanIn, Random& rng);

/// A trainable parameter: its value and, during backward, its gradient (null when none).
struct Param {
    Tensor value;
    Tensor grad;
    bool hasGrad = false;
};

/// y[b][o] = sum_i x[b][i] * w[o][i] + bias[o], written into y (rows x out).
void linearForward(const Tensor& x, const Param& w, const Param& bias, std::size_t rows, std::size_t in,
                   std::size_t out, Tensor& y);
/// dW[o][i] = sum_b dy[b][o] x[b][i]; db[o] = sum_b dy[b][o]; dx (when not null) = dy W.
void linearBackward(const Tensor& x, const Tensor& dy, const Param& w, std::size_t rows, std::size_t in,
                    std::size_t out, Tensor& dW, Tensor& db, Tensor* dx);

/// Cross-entropy as PyTorch composes it: log_softmax (saved for backward) then nll_loss (mean over
/// the batch). Allocates act.log_softmax and loss, frees the logits (not saved by anyone).
struct LossState {
    Tensor logSoftmax;
    Tensor loss;
};
LossState crossEntropyForward(Heap& heap, Tensor& logits, const Buf<std::int64_t>& target, std::size_t rows,
                              std::size_t classes);
/// Backward from the loss to the logits: allocates grad.loss, grad.log_softmax and the returned
/// gradient of the logits (named `gradName`), freeing each as soon as it is used, and frees the
/// saved log_softmax.
Tensor crossEntropyBackward(Heap& heap, LossState& state, const Buf<std::int64_t>& target, std::size_t rows,
                            std::size_t classes, const std::string& gradName);

/// relu into a new tensor `name`.
Tensor reluForward(Heap& heap, const Tensor& x, const std::string& name);
/// dx = dy where y > 0 (y: relu's saved output), into a new tensor `name`.
Tensor reluBackward(Heap& heap, const Tensor& dy, const Tensor& y, const std::string& name);

/// SGD (lr) or Adam (lr, betas 0.9/0.999, eps 1e-8) as torch.optim does them, parameter by
/// parameter: Adam allocates its state (adam.m.P, adam.v.P) lazily at its first step and a
/// temporary adam.denom.P per parameter per step. Afterwards zero_grad(set_to_none=True) frees
/// every gradient.
class Optimizer {
public:
    Optimizer(std::string kind, double lr) : kind_(std::move(kind)), lr_(lr) {}
    void step(Heap& heap, std::vector<Param*>& params);
    /// Sites of the state it keeps (for WorkloadResult::persistent).
    std::vector<std::string> stateNames(const std::vector<Param*>& params) const;

private:
    std::string kind_;
    double lr_;
    std::uint64_t t_ = 0;
    std::vector<Tensor> m_, v_;
};

/// One training batch: `input` (the given floats) and `target` (int64 labels), allocated at the
/// start of each step.
struct Batch {
    Tensor input;
    Buf<std::int64_t> target;
};
Batch makeBatch(Heap& heap, const std::vector<float>& inputs, const std::vector<std::int64_t>& labels);
/// The end of a step: the optimizer (which frees the gradients), then the loss and the batch.
void finishStep(Heap& heap, Optimizer& opt, std::vector<Param*>& params, LossState& loss, Batch& batch);
/// The trace and the persistent tensors (parameters, optimizer state) into `result`.
void finishTraining(Heap& heap, const Optimizer& opt, const std::vector<Param*>& params, WorkloadResult& result);

/// The optimizer parameters both training workloads take.
std::vector<KernelParamSpec> trainingParams();

}  // namespace cachescope::alloc::nn
