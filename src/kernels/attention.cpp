// attention: one head of scaled dot-product attention, computed the textbook (unfused) way, so
// the whole L×L score matrix S goes through memory four times. The exact access order and the
// closed-form counts are in docs/kernels.md.
//
//   1. S[i][j] = (Σ_t Q[i][t]·K[j][t]) / sqrt(d)        sum in a register, one store per score
//   2. per row i of S, in place: m = max_j S[i][j]; S[i][j] = exp(S[i][j] − m), sum += it;
//      S[i][j] = S[i][j] / sum                            three passes over the row
//   3. O[i][t] = Σ_j S[i][j]·V[j][t]                      sum in a register, one store
// With causal=1 only j <= i exists: masked scores are neither computed, stored nor read.
//
// Example: L=2, d=1, non-causal: loads Q[0][0] K[0][0], store S[0][0], loads Q[0][0] K[1][0],
// store S[0][1], then row 1, then 3 passes over each row of S, then O.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "builtin.hpp"

namespace cachescope {
namespace {

// Deterministic small integers (docs/kernels.md repeats the formulas).
float qValue(std::uint64_t i, std::uint64_t t) {
    return static_cast<float>(static_cast<std::int64_t>((i + 2 * t) % 3) - 1);
}
float kValue(std::uint64_t j, std::uint64_t t) {
    return static_cast<float>(static_cast<std::int64_t>((2 * j + t) % 3) - 1);
}
float vValue(std::uint64_t j, std::uint64_t t) {
    return static_cast<float>(static_cast<std::int64_t>((3 * j + t) % 5) - 2);
}

void dump2(std::map<std::string, std::vector<double>>& out, const std::string& name, const Tensor<float>& t) {
    std::vector<double>& v = out[name];
    v.clear();
    for (std::uint64_t a = 0; a < t.dim(0); ++a)
        for (std::uint64_t b = 0; b < t.dim(1); ++b) v.push_back(t.at(a, b));
}

void runAttention(KernelRunContext& ctx) {
    const std::uint64_t L = ctx.params.count("seq");
    const std::uint64_t d = ctx.params.count("dim");
    const bool causal = ctx.params.flag("causal");

    Tensor<float> Q = ctx.layout.tensor<float>(ctx.meta, "Q", {L, d});
    Tensor<float> K = ctx.layout.tensor<float>(ctx.meta, "K", {L, d});
    Tensor<float> V = ctx.layout.tensor<float>(ctx.meta, "V", {L, d});
    Tensor<float> S = ctx.layout.tensor<float>(ctx.meta, "S", {L, L});
    Tensor<float> O = ctx.layout.tensor<float>(ctx.meta, "O", {L, d});
    for (std::uint64_t i = 0; i < L; ++i)
        for (std::uint64_t t = 0; t < d; ++t) {
            Q.at(i, t) = qValue(i, t);
            K.at(i, t) = kValue(i, t);
            V.at(i, t) = vValue(i, t);
        }

    TraceMetadata& m = ctx.meta;
    const std::uint16_t loadQ = m.addSite("load Q[i][t] (scores)", Q.region(), AccessKind::Read);
    const std::uint16_t loadK = m.addSite("load K[j][t] (scores)", K.region(), AccessKind::Read);
    const std::uint16_t storeS = m.addSite("store S[i][j] (scores)", S.region(), AccessKind::Write);
    const std::uint16_t loadMax = m.addSite("load S[i][j] (softmax max)", S.region(), AccessKind::Read);
    const std::uint16_t loadExp = m.addSite("load S[i][j] (softmax exp)", S.region(), AccessKind::Read);
    const std::uint16_t storeExp = m.addSite("store S[i][j] (softmax exp)", S.region(), AccessKind::Write);
    const std::uint16_t loadNorm = m.addSite("load S[i][j] (softmax normalise)", S.region(), AccessKind::Read);
    const std::uint16_t storeNorm = m.addSite("store S[i][j] (softmax normalise)", S.region(), AccessKind::Write);
    const std::uint16_t loadP = m.addSite("load S[i][j] (S·V)", S.region(), AccessKind::Read);
    const std::uint16_t loadV = m.addSite("load V[j][t] (S·V)", V.region(), AccessKind::Read);
    const std::uint16_t storeO = m.addSite("store O[i][t]", O.region(), AccessKind::Write);
    Recorder& rec = ctx.ready();

    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    auto cols = [&](std::uint64_t i) { return causal ? i + 1 : L; };  // j < cols(i)

    // 1. Scores.
    for (std::uint64_t i = 0; i < L; ++i)
        for (std::uint64_t j = 0; j < cols(i); ++j) {
            float acc = 0.0f;
            for (std::uint64_t t = 0; t < d; ++t) {
                const float q = Q.load(rec, loadQ, i, t);
                acc += q * K.load(rec, loadK, j, t);
            }
            S.store(rec, storeS, acc * scale, i, j);
        }
    // 2. Row softmax in place, three passes.
    for (std::uint64_t i = 0; i < L; ++i) {
        float mx = -INFINITY;
        for (std::uint64_t j = 0; j < cols(i); ++j) mx = std::fmax(mx, S.load(rec, loadMax, i, j));
        float sum = 0.0f;
        for (std::uint64_t j = 0; j < cols(i); ++j) {
            const float e = std::exp(S.load(rec, loadExp, i, j) - mx);
            S.store(rec, storeExp, e, i, j);
            sum += e;
        }
        for (std::uint64_t j = 0; j < cols(i); ++j) S.store(rec, storeNorm, S.load(rec, loadNorm, i, j) / sum, i, j);
    }
    // 3. O = S·V.
    for (std::uint64_t i = 0; i < L; ++i)
        for (std::uint64_t t = 0; t < d; ++t) {
            float acc = 0.0f;
            for (std::uint64_t j = 0; j < cols(i); ++j) {
                const float p = S.load(rec, loadP, i, j);
                acc += p * V.load(rec, loadV, j, t);
            }
            O.store(rec, storeO, acc, i, t);
        }

    if (ctx.values) {
        dump2(*ctx.values, "Q", Q);
        dump2(*ctx.values, "K", K);
        dump2(*ctx.values, "V", V);
        dump2(*ctx.values, "S", S);
        dump2(*ctx.values, "O", O);
    }
}

}  // namespace

KernelInfo attentionKernel() {
    KernelInfo info;
    info.name = "attention";
    info.description = "single-head attention, unfused: S = Q·Kᵀ/sqrt(d), row softmax of S in place, O = S·V";
    KernelParamSpec seq{"seq", KernelParamSpec::Type::Int, "64", "sequence length L (S is L×L)", {}, 1, 8192};
    KernelParamSpec dim{"dim", KernelParamSpec::Type::Int, "32", "head dimension d", {}, 1, 4096};
    KernelParamSpec causal;
    causal.name = "causal";
    causal.type = KernelParamSpec::Type::Bool;
    causal.defaultValue = "0";
    causal.description = "causal mask: row i attends to j <= i only (masked scores are never touched)";
    info.params = {seq, dim, causal};
    info.run = runAttention;
    info.dataReferences = [](const KernelParams& p) {  // T·(4d + 6) + L·d, T the scores computed
        const std::uint64_t L = p.count("seq"), d = p.count("dim");
        const std::uint64_t T = p.flag("causal") ? L * (L + 1) / 2 : L * L;
        return T * (4 * d + 6) + L * d;
    };
    return info;
}

}  // namespace cachescope
