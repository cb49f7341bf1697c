// transformer-decode: greedy decoding of `tokens` tokens by a small pre-norm transformer (random
// weights from the seed), one token at a time with a KV cache,
// with the allocations of an eager implementation:
//
//   embed, lm_head, layerL.{wq,wk,wv,wo,mlp.up,mlp.down}   the weights, allocated first (persistent)
//   per token: act.embed; per layer tmp.ln1, tmp.q, tmp.k, tmp.v (k and v then copied into the
//   cache), tmp.scores, tmp.probs (heads x cached tokens), tmp.attn, tmp.attn_out, act.resid1,
//   tmp.ln2, tmp.mlp_up, tmp.gelu (4 x dim), tmp.mlp_down, act.resid2; then tmp.ln_f, tmp.logits.
//   Each temporary is freed as soon as its consumer has run.
//
// The KV cache, kv.layerL.k and kv.layerL.v, grows as `growth` says:
//   cat     realloc to one more token at every token (torch.cat, as Hugging Face's DynamicCache)
//   double  capacity starts at `block` tokens and doubles when full (a std::vector-like growth)
//   paged   a new block of `block` tokens, ID kv.layerL.k.blockN at site kv.layerL.k, when the
//           last is full (vLLM's PagedAttention); blocks are never moved
// The cache is freed when decoding ends; the weights stay.

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>

#include "../kernels/common.hpp"
#include "cachescope/core/error.hpp"
#include "workload_nn.hpp"
#include "workload_registry.hpp"

namespace cachescope::alloc {

namespace {

using namespace nn;

/// y = W x (W: rows x cols), into a new tensor.
void matvec(const Tensor& w, const float* x, std::size_t rows, std::size_t cols, Tensor& y) {
    for (std::size_t r = 0; r < rows; ++r) {
        float sum = 0;
        for (std::size_t c = 0; c < cols; ++c) sum += w[r * cols + c] * x[c];
        y[r] = sum;
    }
}

void layerNorm(const Tensor& x, Tensor& y) {
    double mean = 0, var = 0;
    for (const float v : x.data) mean += v;
    mean /= double(x.size());
    for (const float v : x.data) var += (v - mean) * (v - mean);
    var /= double(x.size());
    const double inv = 1.0 / std::sqrt(var + 1e-5);
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = static_cast<float>((x[i] - mean) * inv);
}

/// One layer's cache of keys or values: rows of `dim` floats, one per token, in one buffer
/// (cat, double) or in blocks of `block` rows (paged).
struct KvCache {
    std::string name;  // kv.layer0.k
    std::string growth;
    std::size_t dim = 0, block = 0, tokens = 0;
    std::vector<Tensor> blocks;  // cat/double: one

    void append(Heap& heap, const Tensor& row) {
        if (growth == "paged") {
            if (tokens % block == 0)
                blocks.push_back(heap.make(name + ".block" + std::to_string(blocks.size()), block * dim, name));
        } else if (blocks.empty()) {
            blocks.push_back(heap.make(name, (growth == "cat" ? 1 : block) * dim));
        } else if (growth == "cat") {
            heap.resize(blocks[0], (tokens + 1) * dim);
        } else if (tokens * dim == blocks[0].size()) {
            heap.resize(blocks[0], 2 * tokens * dim);
        }
        std::copy(row.data.begin(), row.data.end(), &at(tokens));
        ++tokens;
    }
    float& at(std::size_t token) {
        return growth == "paged" ? blocks[token / block][(token % block) * dim] : blocks[0][token * dim];
    }
    void release(Heap& heap) {
        for (Tensor& b : blocks) heap.drop(b);
        blocks.clear();
    }
};

WorkloadResult runDecode(const KernelParams& params) {
    const auto L = static_cast<std::size_t>(params.integer("layers"));
    const auto d = static_cast<std::size_t>(params.integer("dim"));
    const auto H = static_cast<std::size_t>(params.integer("heads"));
    const auto T = static_cast<std::size_t>(params.integer("tokens"));
    const auto V = static_cast<std::size_t>(params.integer("vocab"));
    const auto block = static_cast<std::size_t>(params.integer("block"));
    const std::string growth = params.choice("growth");
    if (d % H != 0)
        throw UsageError("workload transformer-decode: --param heads=" + std::to_string(H) +
                         ": expected a divisor of dim (" + std::to_string(d) + ")");
    const std::size_t hd = d / H;

    Heap heap(workloadSource("transformer-decode", params));
    Random rng(static_cast<std::uint64_t>(params.integer("seed")));
    WorkloadResult result;
    Tensor embed = heap.make("embed", V * d);
    for (float& v : embed.data) v = rng.uniform(-1, 1);
    Tensor lmHead = heap.make("lm_head", V * d);
    initUniform(lmHead, d, rng);
    result.persistent.push_back("embed");
    result.persistent.push_back("lm_head");
    struct Layer {
        Tensor wq, wk, wv, wo, up, down;
        KvCache k, v;
    };
    std::vector<Layer> layers(L);
    for (std::size_t l = 0; l < L; ++l) {
        const std::string p = "layer" + std::to_string(l) + ".";
        Layer& ly = layers[l];
        for (auto [t, n, rows, cols] : {std::tuple{&ly.wq, "wq", d, d}, std::tuple{&ly.wk, "wk", d, d},
                                        std::tuple{&ly.wv, "wv", d, d}, std::tuple{&ly.wo, "wo", d, d},
                                        std::tuple{&ly.up, "mlp.up", 4 * d, d}, std::tuple{&ly.down, "mlp.down", d, 4 * d}}) {
            *t = heap.make(p + n, rows * cols);
            initUniform(*t, cols, rng);
            result.persistent.push_back(p + n);
        }
        const std::string kv = "kv.layer" + std::to_string(l);
        ly.k = {kv + ".k", growth, d, block, 0, {}};
        ly.v = {kv + ".v", growth, d, block, 0, {}};
    }

    std::int64_t token = 0;  // decoding starts from token 0 (beginning of sequence)
    for (std::size_t pos = 0; pos < T; ++pos) {
        Tensor x = heap.make("act.embed", d);
        for (std::size_t i = 0; i < d; ++i) {  // token embedding + sinusoidal position
            const double freq = std::pow(10000.0, -double(2 * (i / 2)) / double(d));
            x[i] = embed[static_cast<std::size_t>(token) * d + i] +
                   static_cast<float>(i % 2 == 0 ? std::sin(double(pos) * freq) : std::cos(double(pos) * freq));
        }
        for (std::size_t l = 0; l < L; ++l) {
            Layer& ly = layers[l];
            const std::string sfx = ".layer" + std::to_string(l);
            Tensor h = heap.make("tmp.ln1" + sfx, d);
            layerNorm(x, h);
            Tensor q = heap.make("tmp.q" + sfx, d);
            matvec(ly.wq, h.data.data(), d, d, q);
            Tensor k = heap.make("tmp.k" + sfx, d);
            matvec(ly.wk, h.data.data(), d, d, k);
            Tensor v = heap.make("tmp.v" + sfx, d);
            matvec(ly.wv, h.data.data(), d, d, v);
            heap.drop(h);
            ly.k.append(heap, k);
            ly.v.append(heap, v);
            heap.drop(k);
            heap.drop(v);
            const std::size_t n = pos + 1;
            Tensor scores = heap.make("tmp.scores" + sfx, H * n);
            for (std::size_t hh = 0; hh < H; ++hh)
                for (std::size_t t = 0; t < n; ++t) {
                    const float* kr = &ly.k.at(t) + hh * hd;
                    float dot = 0;
                    for (std::size_t i = 0; i < hd; ++i) dot += q[hh * hd + i] * kr[i];
                    scores[hh * n + t] = dot / std::sqrt(static_cast<float>(hd));
                }
            Tensor probs = heap.make("tmp.probs" + sfx, H * n);
            for (std::size_t hh = 0; hh < H; ++hh) {
                const float mx = *std::max_element(&scores[hh * n], &scores[hh * n] + n);
                float sum = 0;
                for (std::size_t t = 0; t < n; ++t) sum += probs[hh * n + t] = std::exp(scores[hh * n + t] - mx);
                for (std::size_t t = 0; t < n; ++t) probs[hh * n + t] /= sum;
            }
            heap.drop(scores);
            Tensor attn = heap.make("tmp.attn" + sfx, d);
            for (std::size_t hh = 0; hh < H; ++hh)
                for (std::size_t t = 0; t < n; ++t) {
                    const float* vr = &ly.v.at(t) + hh * hd;
                    for (std::size_t i = 0; i < hd; ++i) attn[hh * hd + i] += probs[hh * n + t] * vr[i];
                }
            heap.drop(probs);
            heap.drop(q);
            Tensor o = heap.make("tmp.attn_out" + sfx, d);
            matvec(ly.wo, attn.data.data(), d, d, o);
            heap.drop(attn);
            Tensor r1 = heap.make("act.resid1" + sfx, d);
            for (std::size_t i = 0; i < d; ++i) r1[i] = x[i] + o[i];
            heap.drop(o);
            heap.drop(x);
            Tensor h2 = heap.make("tmp.ln2" + sfx, d);
            layerNorm(r1, h2);
            Tensor up = heap.make("tmp.mlp_up" + sfx, 4 * d);
            matvec(ly.up, h2.data.data(), 4 * d, d, up);
            heap.drop(h2);
            Tensor g = heap.make("tmp.gelu" + sfx, 4 * d);
            for (std::size_t i = 0; i < 4 * d; ++i)
                g[i] = static_cast<float>(0.5 * up[i] * (1 + std::erf(up[i] / std::sqrt(2.0))));
            heap.drop(up);
            Tensor down = heap.make("tmp.mlp_down" + sfx, d);
            matvec(ly.down, g.data.data(), d, 4 * d, down);
            heap.drop(g);
            Tensor r2 = heap.make("act.resid2" + sfx, d);
            for (std::size_t i = 0; i < d; ++i) r2[i] = r1[i] + down[i];
            heap.drop(down);
            heap.drop(r1);
            x = std::move(r2);
        }
        Tensor hf = heap.make("tmp.ln_f", d);
        layerNorm(x, hf);
        heap.drop(x);
        Tensor logits = heap.make("tmp.logits", V);
        matvec(lmHead, hf.data.data(), V, d, logits);
        heap.drop(hf);
        token = std::max_element(logits.data.begin(), logits.data.end()) - logits.data.begin();
        heap.drop(logits);
        result.tokens.push_back(token);
    }
    for (Layer& ly : layers) {
        ly.k.release(heap);
        ly.v.release(heap);
    }
    result.trace = heap.builder().take();
    return result;
}

}  // namespace

WorkloadInfo transformerDecodeWorkload() {
    using namespace kernel_util;
    return {"transformer-decode",
            "greedy decoding with a growing KV cache (torch.cat, doubling or paged blocks) and per-token "
            "temporaries",
            {
                intParam("tokens", "32", "tokens to decode", 1, 8192),
                intParam("layers", "2", "transformer layers", 1, 64),
                intParam("dim", "64", "model width (d_model)", 1, 4096),
                intParam("heads", "4", "attention heads (must divide dim)", 1, 256),
                intParam("vocab", "256", "vocabulary size (embedding and output layer)", 2, 65536),
                choiceParam("growth", "cat", "how the KV cache grows: cat (realloc every token), double, paged",
                            {"cat", "double", "paged"}),
                intParam("block", "16", "paged: tokens per block; double: the first capacity", 1, 8192),
                intParam("seed", "1", "seed of the weights", 0, std::int64_t{1} << 62),
            },
            runDecode};
}

}  // namespace cachescope::alloc
