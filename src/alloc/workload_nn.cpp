// The layers, loss and optimizers the training workloads share (workload_nn.hpp).

#include "workload_nn.hpp"

#include <algorithm>
#include <cmath>

#include "../kernels/common.hpp"

namespace cachescope::alloc::nn {

void initUniform(Tensor& t, std::size_t fanIn, Random& rng) {
    const float bound = 1.0F / std::sqrt(static_cast<float>(std::max<std::size_t>(fanIn, 1)));
    for (float& v : t.data) v = rng.uniform(-bound, bound);
}

void linearForward(const Tensor& x, const Param& w, const Param& bias, std::size_t rows, std::size_t in,
                   std::size_t out, Tensor& y) {
    for (std::size_t b = 0; b < rows; ++b)
        for (std::size_t o = 0; o < out; ++o) {
            float sum = bias.value[o];
            const float* wr = &w.value[o * in];
            const float* xr = &x[b * in];
            for (std::size_t i = 0; i < in; ++i) sum += xr[i] * wr[i];
            y[b * out + o] = sum;
        }
}

void linearBackward(const Tensor& x, const Tensor& dy, const Param& w, std::size_t rows, std::size_t in,
                    std::size_t out, Tensor& dW, Tensor& db, Tensor* dx) {
    if (dx != nullptr)
        for (std::size_t b = 0; b < rows; ++b)
            for (std::size_t o = 0; o < out; ++o) {
                const float g = dy[b * out + o];
                const float* wr = &w.value[o * in];
                float* dxr = &(*dx)[b * in];
                for (std::size_t i = 0; i < in; ++i) dxr[i] += g * wr[i];
            }
    for (std::size_t b = 0; b < rows; ++b)
        for (std::size_t o = 0; o < out; ++o) {
            const float g = dy[b * out + o];
            db[o] += g;
            float* dwr = &dW[o * in];
            const float* xr = &x[b * in];
            for (std::size_t i = 0; i < in; ++i) dwr[i] += g * xr[i];
        }
}

LossState crossEntropyForward(Heap& heap, Tensor& logits, const Buf<std::int64_t>& target, std::size_t rows,
                              std::size_t classes) {
    LossState s;
    s.logSoftmax = heap.make("act.log_softmax", rows * classes);
    for (std::size_t b = 0; b < rows; ++b) {
        const float* z = &logits[b * classes];
        const float mx = *std::max_element(z, z + classes);
        double sum = 0;
        for (std::size_t c = 0; c < classes; ++c) sum += std::exp(double(z[c] - mx));
        const auto lse = static_cast<float>(std::log(sum)) + mx;
        for (std::size_t c = 0; c < classes; ++c) s.logSoftmax[b * classes + c] = z[c] - lse;
    }
    heap.drop(logits);  // log_softmax saves its output, not its input
    s.loss = heap.make("loss", 1);
    double nll = 0;
    for (std::size_t b = 0; b < rows; ++b)
        nll -= s.logSoftmax[b * classes + static_cast<std::size_t>(target[b])];
    s.loss[0] = static_cast<float>(nll / double(rows));
    return s;
}

Tensor crossEntropyBackward(Heap& heap, LossState& state, const Buf<std::int64_t>& target, std::size_t rows,
                            std::size_t classes, const std::string& gradName) {
    Tensor gLoss = heap.make("grad.loss", 1);
    gLoss[0] = 1.0F;
    Tensor gLs = heap.make("grad.log_softmax", rows * classes);  // nll_loss backward
    for (std::size_t b = 0; b < rows; ++b)
        gLs[b * classes + static_cast<std::size_t>(target[b])] = -gLoss[0] / static_cast<float>(rows);
    heap.drop(gLoss);
    Tensor gZ = heap.make(gradName, rows * classes);  // log_softmax backward: g - softmax * sum(g)
    for (std::size_t b = 0; b < rows; ++b) {
        float sum = 0;
        for (std::size_t c = 0; c < classes; ++c) sum += gLs[b * classes + c];
        for (std::size_t c = 0; c < classes; ++c)
            gZ[b * classes + c] = gLs[b * classes + c] - std::exp(state.logSoftmax[b * classes + c]) * sum;
    }
    heap.drop(gLs);
    heap.drop(state.logSoftmax);
    return gZ;
}

Tensor reluForward(Heap& heap, const Tensor& x, const std::string& name) {
    Tensor y = heap.make(name, x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = std::max(x[i], 0.0F);
    return y;
}

Tensor reluBackward(Heap& heap, const Tensor& dy, const Tensor& y, const std::string& name) {
    Tensor dx = heap.make(name, dy.size());
    for (std::size_t i = 0; i < dy.size(); ++i) dx[i] = y[i] > 0 ? dy[i] : 0.0F;
    return dx;
}

void Optimizer::step(Heap& heap, std::vector<Param*>& params) {
    ++t_;
    if (kind_ == "adam") {
        constexpr double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        const double bc1 = 1 - std::pow(beta1, double(t_)), bc2 = 1 - std::pow(beta2, double(t_));
        for (std::size_t k = 0; k < params.size(); ++k) {
            Param& p = *params[k];
            if (m_.size() <= k) {  // state made at the parameter's first step, as torch.optim.Adam does
                m_.push_back(heap.make("adam.m." + p.value.name, p.value.size()));
                v_.push_back(heap.make("adam.v." + p.value.name, p.value.size()));
            }
            Tensor& m = m_[k];
            Tensor& v = v_[k];
            for (std::size_t i = 0; i < p.value.size(); ++i) {
                m[i] = static_cast<float>(beta1 * m[i] + (1 - beta1) * p.grad[i]);
                v[i] = static_cast<float>(beta2 * v[i] + (1 - beta2) * p.grad[i] * p.grad[i]);
            }
            Tensor denom = heap.make("adam.denom." + p.value.name, p.value.size());
            for (std::size_t i = 0; i < p.value.size(); ++i)
                denom[i] = static_cast<float>(std::sqrt(double(v[i])) / std::sqrt(bc2) + eps);
            for (std::size_t i = 0; i < p.value.size(); ++i)
                p.value[i] -= static_cast<float>(lr_ / bc1 * m[i] / denom[i]);
            heap.drop(denom);
        }
    } else {
        for (Param* p : params)
            for (std::size_t i = 0; i < p->value.size(); ++i) p->value[i] -= static_cast<float>(lr_ * p->grad[i]);
    }
    for (Param* p : params) {  // zero_grad(set_to_none=True)
        heap.drop(p->grad);
        p->hasGrad = false;
    }
}

std::vector<std::string> Optimizer::stateNames(const std::vector<Param*>& params) const {
    std::vector<std::string> names;
    if (kind_ == "adam")
        for (const Param* p : params) {
            names.push_back("adam.m." + p->value.name);
            names.push_back("adam.v." + p->value.name);
        }
    return names;
}

Batch makeBatch(Heap& heap, const std::vector<float>& inputs, const std::vector<std::int64_t>& labels) {
    Batch b;
    b.input = heap.make("input", inputs.size());
    b.input.data = inputs;
    b.target = heap.make<std::int64_t>("target", labels.size());
    b.target.data = labels;
    return b;
}

void finishStep(Heap& heap, Optimizer& opt, std::vector<Param*>& params, LossState& loss, Batch& batch) {
    opt.step(heap, params);
    heap.drop(loss.loss);
    heap.drop(batch.target);
    heap.drop(batch.input);
}

void finishTraining(Heap& heap, const Optimizer& opt, const std::vector<Param*>& params, WorkloadResult& result) {
    for (const Param* p : params) result.persistent.push_back(p->value.name);
    for (const std::string& s : opt.stateNames(params)) result.persistent.push_back(s);
    result.trace = heap.builder().take();
}

std::vector<KernelParamSpec> trainingParams() {
    using namespace kernel_util;
    return {
        intParam("steps", "1", "training steps (the same batch each step, so the loss falls)", 1, 1000),
        choiceParam("optimizer", "adam", "adam (state m, v per parameter, lr 0.001) or sgd (no state, lr 0.05)",
                    {"adam", "sgd"}),
        intParam("seed", "1", "seed of the data and the initial weights", 0, std::int64_t{1} << 62),
    };
}

}  // namespace cachescope::alloc::nn
