// The built-in allocation workloads (alloc/workload.hpp): counts of events in closed form, peak
// live bytes worked by hand from the tensor sizes, the loss falling over steps, every allocation
// freed but the documented persistent tensors, determinism, parameter errors, and the text trace
// written and read back.

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "cachescope/alloc/fit.hpp"
#include "cachescope/alloc/run.hpp"
#include "cachescope/alloc/workload.hpp"
#include "cachescope/core/error.hpp"
#include "../../src/alloc/workload_nn.hpp"  // the layers, for the gradient check

using namespace cachescope::alloc;

namespace {

struct Counts {
    std::uint64_t allocs = 0, frees = 0, reallocs = 0;
};

Counts countEvents(const AllocTrace& t) {
    Counts c;
    for (const AllocEvent& e : t.events) {
        if (e.op == AllocOp::Alloc) ++c.allocs;
        if (e.op == AllocOp::Free) ++c.frees;
        if (e.op == AllocOp::Realloc) ++c.reallocs;
    }
    return c;
}

AllocStats firstFit(const AllocTrace& t) {
    FitAllocator a(FitPolicy::First);
    return runAllocations(t, a);
}

std::set<std::string> leakSites(const AllocStats& s) {
    std::set<std::string> sites;
    for (const LeakGroup& g : s.leaks) {
        CHECK(g.count == 1);  // one live tensor per persistent name
        sites.insert(g.site);
    }
    return sites;
}

/// Bytes of the first alloc at `site`, 0 if none.
std::uint64_t firstSize(const AllocTrace& t, const std::string& site) {
    for (const AllocEvent& e : t.events)
        if (e.op == AllocOp::Alloc && t.sites[e.site] == site) return e.size;
    return 0;
}

std::string text(const AllocTrace& t) {
    std::ostringstream os;
    writeAllocTrace(os, t);
    return os.str();
}

}  // namespace

TEST_CASE("mlp-train 4,3,2 with batch 2: one Adam step worked by hand") {
    // Bytes: fc1.weight 3x4 = 48, fc1.bias 12, fc2.weight 2x3 = 24, fc2.bias 8 (P = 92);
    // input 2x4 floats = 32, target 2 int64 = 16, loss 4.
    // After backward: params 92 + grads 92 + input 32 + target 16 + loss 4 = 236 live. Adam then
    // makes m, v (48 + 48) and denom 48 for fc1.weight: 236 + 144 = 380; for fc1.bias 236 + 96 + 24
    // + 12 = 368; fc2.weight 236 + 120 + 48 + 24 = 428; fc2.bias 236 + 168 + 16 + 8 = 428: the peak.
    // Forward and backward stay below: the most is 260 (after grad.fc1.weight/bias, before grad.fc1
    // is freed).
    const WorkloadResult r = runWorkload("mlp-train", {"layers=4,3,2", "batch=2"});
    const Counts c = countEvents(r.trace);
    // Parameters 2L; per step 6L + 4 (data, forward, loss, backward) + 2L Adam denominators; Adam
    // state 4L at the first step. L = 2: 4 + 16 + 4 + 8 = 32.
    CHECK(c.allocs == 32);
    CHECK(c.reallocs == 0);
    CHECK(c.frees == 32 - 12);  // all but the 4 parameters and 8 Adam buffers
    const AllocStats s = firstFit(r.trace);
    CHECK(s.peakLive == 428);
    CHECK(s.liveAtEnd == 3 * 92);  // parameters, m and v
    CHECK(leakSites(s) == std::set<std::string>(r.persistent.begin(), r.persistent.end()));
    CHECK(r.persistent.size() == 12);
    REQUIRE(r.losses.size() == 1);
    CHECK(r.losses[0] > 0);

    // A second step: the state exists, so the peak is 4P + data + the largest denominator:
    // 368 + 32 + 16 + 4 + 48 = 468.
    const WorkloadResult two = runWorkload("mlp-train", {"layers=4,3,2", "batch=2", "steps=2"});
    CHECK(firstFit(two.trace).peakLive == 468);
    CHECK(countEvents(two.trace).allocs == 32 + 20);
}

TEST_CASE("mlp-train 784,256,10: counts and peak in closed form") {
    const std::uint64_t P = 4 * (784 * 256 + 256 + 256 * 10 + 10);  // 814,120 bytes of parameters
    const std::uint64_t data = 32 * 784 * 4 + 32 * 8 + 4;           // input, target, loss
    const std::uint64_t L = 2;
    const WorkloadResult adam = runWorkload("mlp-train", {"steps=2"});
    CHECK(countEvents(adam.trace).allocs == 2 * L + 2 * (8 * L + 4) + 4 * L);
    // Step 2's optimizer at fc1.weight: parameters, gradients, m and v, and its denominator.
    CHECK(firstFit(adam.trace).peakLive == 4 * P + data + 784 * 256 * 4);
    const WorkloadResult sgd = runWorkload("mlp-train", {"optimizer=sgd", "steps=2"});
    CHECK(countEvents(sgd.trace).allocs == 2 * L + 2 * (6 * L + 4));
    // SGD keeps no state: the peak is at the end of backward, when grad.fc1.weight and .bias join
    // the other gradients while grad.fc1 (32 x 256 floats, fc1's output gradient) is still live:
    // P + P of gradients + data + 32,768.
    CHECK(firstFit(sgd.trace).peakLive == 2 * P + data + 32 * 256 * 4);
    CHECK(firstFit(sgd.trace).liveAtEnd == P);
}

TEST_CASE("training workloads: the loss falls over steps with either optimizer") {
    for (const char* w : {"mlp-train", "cnn-train"})
        for (const char* opt : {"optimizer=adam", "optimizer=sgd"}) {
            CAPTURE(w);
            CAPTURE(opt);
            const WorkloadResult r = runWorkload(w, {opt, "steps=6", "batch=4"});
            REQUIRE(r.losses.size() == 6);
            CHECK(r.losses.back() < r.losses.front());
            for (std::size_t i = 1; i < r.losses.size(); ++i) CHECK(r.losses[i] < r.losses[i - 1]);
        }
}

TEST_CASE("cnn-train: counts, im2col workspaces and lifetimes") {
    // Parameters 6; per step 33 (data 2, forward 13, backward 18) + 6 Adam denominators; Adam
    // state 12 at the first step.
    const WorkloadResult r = runWorkload("cnn-train", {});
    CHECK(countEvents(r.trace).allocs == 6 + 39 + 12);
    const WorkloadResult sgd = runWorkload("cnn-train", {"optimizer=sgd", "steps=2"});
    CHECK(countEvents(sgd.trace).allocs == 6 + 2 * 33);
    // Defaults: batch 8, in_channels 3, channels 8 (conv2: 16), image 16.
    CHECK(firstSize(r.trace, "im2col.conv1") == 8 * 3 * 9 * 16 * 16 * 4);
    CHECK(firstSize(r.trace, "im2col.conv2") == 8 * 8 * 9 * 8 * 8 * 4);
    CHECK(firstSize(r.trace, "col2im.conv2") == 8 * 8 * 9 * 8 * 8 * 4);
    CHECK(firstSize(r.trace, "pool1.indices") == 8 * 8 * 8 * 8 * 8);  // int64 per pooled output
    CHECK(firstSize(r.trace, "fc.weight") == 10 * 16 * 4 * 4 * 4);
    CHECK(firstSize(r.trace, "col2im.conv1") == 0);  // conv1's input needs no gradient
    // The forward im2col workspace lives for exactly one allocation (its product, act.conv1).
    const auto& ev = r.trace.events;
    const auto it = std::find_if(ev.begin(), ev.end(), [&](const AllocEvent& e) {
        return e.op == AllocOp::Alloc && r.trace.sites[e.site] == "im2col.conv1";
    });
    REQUIRE(it + 2 < ev.end());
    CHECK(r.trace.sites[(it + 1)->site] == "act.conv1");
    CHECK((it + 2)->op == AllocOp::Free);
    CHECK((it + 2)->id == it->id);
    const AllocStats s = firstFit(r.trace);
    CHECK(leakSites(s) == std::set<std::string>(r.persistent.begin(), r.persistent.end()));
    CHECK(r.persistent.size() == 18);
}

TEST_CASE("transformer-decode: KV cache growth in closed form") {
    // layers 2, dim 64, tokens 32 by default; weights 2 + 6 per layer; per token 3 + 14 per layer.
    const std::uint64_t L = 2, T = 32, d = 64;
    const std::uint64_t perToken = T * (3 + 14 * L), weights = 2 + 6 * L;
    const WorkloadResult cat = runWorkload("transformer-decode", {});
    const Counts c = countEvents(cat.trace);
    CHECK(c.allocs == weights + perToken + 2 * L);
    CHECK(c.reallocs == 2 * L * (T - 1));
    CHECK(c.frees == perToken + 2 * L);  // the cache is freed at the end, the weights stay
    // The last realloc holds all T rows of dim floats.
    std::uint64_t lastReallocSize = 0;
    for (const AllocEvent& e : cat.trace.events)
        if (e.op == AllocOp::Realloc) lastReallocSize = e.size;
    CHECK(lastReallocSize == T * d * 4);

    const WorkloadResult paged = runWorkload("transformer-decode", {"growth=paged", "block=10"});
    CHECK(countEvents(paged.trace).allocs == weights + perToken + 2 * L * 4);  // ceil(32 / 10) blocks
    CHECK(countEvents(paged.trace).reallocs == 0);
    CHECK(firstSize(paged.trace, "kv.layer1.v") == 10 * d * 4);  // every block at the cache's site
    CHECK(std::count(paged.trace.names.begin(), paged.trace.names.end(), "kv.layer1.v.block3") == 1);

    const WorkloadResult dbl = runWorkload("transformer-decode", {"growth=double", "block=5"});
    CHECK(countEvents(dbl.trace).reallocs == 2 * L * 3);  // 5 -> 10 -> 20 -> 40 tokens
    for (const WorkloadResult* r : {&cat, &paged, &dbl}) {
        const AllocStats s = firstFit(r->trace);
        CHECK(leakSites(s) == std::set<std::string>(r->persistent.begin(), r->persistent.end()));
        CHECK(s.liveAtEnd == (2 * 256 * d + L * (4 * d * d + 8 * d * d)) * 4);  // embed, lm_head, layers
        REQUIRE(r->tokens.size() == T);
        for (const std::int64_t tok : r->tokens) CHECK((tok >= 0 && tok < 256));
        CHECK(r->tokens == cat.tokens);  // the growth changes the memory, not the computation
    }
}

TEST_CASE("workloads are deterministic, the seed changes the data") {
    for (const WorkloadInfo& w : workloads()) {
        CAPTURE(w.name);
        const std::vector<std::string> small = w.name == "mlp-train"   ? std::vector<std::string>{"layers=20,8,3"}
                                               : w.name == "cnn-train" ? std::vector<std::string>{"image=8"}
                                                                       : std::vector<std::string>{"tokens=8"};
        const WorkloadResult a = runWorkload(w.name, small), b = runWorkload(w.name, small);
        CHECK(text(a.trace) == text(b.trace));
        CHECK(a.losses == b.losses);
        CHECK(a.tokens == b.tokens);
        std::vector<std::string> seeded = small;
        seeded.push_back("seed=7");
        const WorkloadResult c = runWorkload(w.name, seeded);
        CHECK((c.losses != a.losses || c.tokens != a.tokens));
    }
}

TEST_CASE("a workload's trace written as text reads back the same, line numbers included") {
    const WorkloadResult r = runWorkload("transformer-decode", {"tokens=5", "growth=cat"});
    std::istringstream in(text(r.trace));
    const AllocTrace back = readAllocTrace(in, "decode.alloc");
    REQUIRE(back.events.size() == r.trace.events.size());
    for (std::size_t i = 0; i < back.events.size(); ++i) {
        const AllocEvent &x = r.trace.events[i], &y = back.events[i];
        CHECK(x.op == y.op);
        CHECK(x.size == y.size);
        CHECK(x.line == y.line);
        CHECK(r.trace.names[x.id] == back.names[y.id]);
        CHECK(r.trace.sites[x.site] == back.sites[y.site]);
    }
    CHECK(text(r.trace).rfind("# workload transformer-decode tokens=5 ", 0) == 0);
}

TEST_CASE("TraceBuilder: a name live twice gets a second ID") {
    TraceBuilder b("t");
    const auto x = b.alloc("tmp", 10);
    const auto y = b.alloc("tmp", 20);
    b.free(x);
    const auto z = b.alloc("tmp", 30);  // "tmp" is free again
    const AllocTrace t = b.take();
    CHECK(t.names[x] == "tmp");
    CHECK(t.names[y] == "tmp~2");
    CHECK(z == x);
    CHECK(t.sites[t.events[1].site] == "tmp");
}

TEST_CASE("workload parameters: one clear message per mistake") {
    using cachescope::UsageError;
    CHECK_THROWS_WITH_AS(runWorkload("mlp-train", {"layers=784"}),
                         "workload mlp-train: --param layers=784: expected at least two sizes (inputs, ..., classes), "
                         "e.g. 784,256,10",
                         UsageError);
    CHECK_THROWS_WITH_AS(runWorkload("mlp-train", {"layers=784,,10"}),
                         "workload mlp-train: --param layers=784,,10: expected integers from 1 to 65536 separated by "
                         "commas (e.g. 784,256,10)",
                         UsageError);
    CHECK_THROWS_WITH_AS(runWorkload("mlp-train", {"batch=0"}),
                         "workload mlp-train: --param batch=0: expected an integer from 1 to 4096 (decimal or 0x hex)",
                         UsageError);
    CHECK_THROWS_WITH_AS(runWorkload("mlp-train", {"bacth=4"}),
                         "workload mlp-train: --param bacth=4: unknown parameter 'bacth' (did you mean 'batch'?); "
                         "parameters are layers, batch, steps, optimizer, seed",
                         UsageError);
    CHECK_THROWS_WITH_AS(runWorkload("cnn-train", {"image=18"}),
                         "workload cnn-train: --param image=18: expected a multiple of 4 (two 2x2 poolings halve it "
                         "twice)",
                         UsageError);
    CHECK_THROWS_WITH_AS(runWorkload("transformer-decode", {"heads=3"}),
                         "workload transformer-decode: --param heads=3: expected a divisor of dim (64)", UsageError);
    CHECK_THROWS_WITH_AS(runWorkload("transformer-decode", {"growth=grow"}),
                         "workload transformer-decode: --param growth=grow: expected one of cat, double, paged",
                         UsageError);
    CHECK_THROWS_WITH_AS(runWorkload("mlp-trian", {}),
                         "unknown workload 'mlp-trian' (did you mean 'mlp-train'?); known workloads: mlp-train, "
                         "cnn-train, transformer-decode",
                         UsageError);
}

// The layers' backward passes against finite differences of their forward passes: the gradients
// the training workloads follow are the loss's (so "the loss falls" is not luck).
TEST_CASE("workload layers: Linear, ReLU and cross-entropy gradients match finite differences") {
    using namespace cachescope::alloc::nn;
    Heap heap("grad-check");
    Random rng(3);
    const std::size_t rows = 3, in = 4, hidden = 5, classes = 3;
    Param w1, b1, w2, b2;
    w1.value = heap.make("w1", hidden * in);
    b1.value = heap.make("b1", hidden);
    w2.value = heap.make("w2", classes * hidden);
    b2.value = heap.make("b2", classes);
    for (Param* p : {&w1, &b1, &w2, &b2}) initUniform(p->value, 2, rng);
    Tensor x = heap.make("x", rows * in);
    for (float& v : x.data) v = rng.uniform(-1, 1);
    Buf<std::int64_t> target = heap.make<std::int64_t>("target", rows);
    target.data = {0, 2, 1};

    auto lossOf = [&] {
        Tensor h = heap.make("h", rows * hidden);
        linearForward(x, w1, b1, rows, in, hidden, h);
        Tensor r = reluForward(heap, h, "r");
        Tensor z = heap.make("z", rows * classes);
        linearForward(r, w2, b2, rows, hidden, classes, z);
        LossState s = crossEntropyForward(heap, z, target, rows, classes);
        const double loss = s.loss[0];
        heap.drop(h);
        heap.drop(r);
        heap.drop(s.logSoftmax);
        heap.drop(s.loss);
        return loss;
    };
    // Analytic gradients, the way mlp-train computes them.
    Tensor h = heap.make("h", rows * hidden);
    linearForward(x, w1, b1, rows, in, hidden, h);
    Tensor r = reluForward(heap, h, "r");
    Tensor z = heap.make("z", rows * classes);
    linearForward(r, w2, b2, rows, hidden, classes, z);
    LossState s = crossEntropyForward(heap, z, target, rows, classes);
    Tensor gz = crossEntropyBackward(heap, s, target, rows, classes, "gz");
    Tensor gr = heap.make("gr", rows * hidden);
    w2.grad = heap.make("gw2", w2.value.size());
    b2.grad = heap.make("gb2", classes);
    linearBackward(r, gz, w2, rows, hidden, classes, w2.grad, b2.grad, &gr);
    Tensor gh = reluBackward(heap, gr, r, "gh");
    w1.grad = heap.make("gw1", w1.value.size());
    b1.grad = heap.make("gb1", hidden);
    linearBackward(x, gh, w1, rows, in, hidden, w1.grad, b1.grad, nullptr);

    const float eps = 1e-3F;  // small enough that no ReLU input changes sign
    for (Param* p : {&w1, &b1, &w2, &b2})
        for (std::size_t i = 0; i < p->value.size(); ++i) {
            const float keep = p->value[i];
            p->value[i] = keep + eps;
            const double up = lossOf();
            p->value[i] = keep - eps;
            const double down = lossOf();
            p->value[i] = keep;
            CAPTURE(i);
            CAPTURE(p->value.name);
            // The float loss rounds to ~1e-7, so the difference quotient carries ~5e-5 of noise.
            CHECK(p->grad[i] == doctest::Approx((up - down) / (2 * eps)).epsilon(0.02).scale(5e-3));
        }
}
