// kernelReferences: the closed-form count of every kernel equals the references a run records,
// counted by reading the kernel's whole stream, on shapes chosen to exercise each term (uneven
// tiles, padding and dilation, stride, causal masks, depthwise groups, im2col, fetches).

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/kernels/kernel.hpp"

using namespace cachescope;

namespace {

std::uint64_t counted(const std::string& kernel, const std::vector<std::string>& settings) {
    auto reader = openKernelTrace(kernel, settings);
    std::array<Access, 4096> block{};
    std::uint64_t n = 0;
    while (const std::size_t got = reader->read(block)) n += got;
    return n;
}

std::uint64_t closedForm(const std::string& kernel, const std::vector<std::string>& settings) {
    const KernelInfo& info = findKernel(kernel);
    return kernelReferences(info, resolveParams(info, settings));
}

}  // namespace

TEST_CASE("kernel references: the closed form equals the recorded count of every kernel") {
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
        {"matmul", {"n=5"}},
        {"matmul", {"m=3", "n=7", "k=4", "order=jki", "ti=2", "tk=3"}},
        {"matmul", {"n=6", "tile=4", "transpose_b=1", "fetches=1"}},
        {"transpose", {"rows=9", "cols=5", "tile=4"}},
        {"softmax", {"rows=3", "cols=11"}},
        {"layernorm", {"rows=4", "cols=7", "fetches=1"}},
        {"attention", {"seq=7", "dim=3"}},
        {"attention", {"seq=9", "dim=2", "causal=1"}},
        {"pool2d", {"channels=2", "height=7", "width=6", "window=3", "stride=2"}},
        {"pool2d", {"batch=2", "channels=1", "height=4", "width=4", "op=avg", "fetches=1"}},
        {"conv2d", {"channels=2", "filters=3", "height=6", "width=5"}},
        {"conv2d", {"channels=3", "filters=2", "height=7", "width=7", "kernel=3", "padding=2", "dilation=2",
                    "stride=2", "layout=NHWC"}},
        {"conv2d", {"channels=2", "filters=2", "height=5", "width=6", "padding=1", "algo=im2col"}},
        {"conv2d", {"batch=2", "channels=4", "height=5", "width=5", "kernel=3", "padding=1", "depthwise=1",
                    "algo=im2col", "layout=NHWC"}},
        {"conv2d", {"channels=3", "height=6", "width=6", "kernel=2", "padding=0", "depthwise=1", "fetches=1"}},
        {"dataloader", {"samples=7", "sample_size=8", "batch=3"}},
        {"dataloader", {"samples=5", "sample_size=12", "batch=2", "epochs=2", "mode=read", "order=shuffled"}},
    };
    for (const auto& [kernel, settings] : cases) {
        std::string label = kernel;
        for (const std::string& s : settings) label += " " + s;
        CHECK_MESSAGE(closedForm(kernel, settings) == counted(kernel, settings), label);
    }
}

TEST_CASE("kernel references: hand-worked values") {
    // matmul n=8192: 4·8192³, the run issue 11 quotes as 2.2·10^12.
    CHECK(closedForm("matmul", {"n=8192"}) == 2'199'023'255'552ULL);
    // docs/kernels.md's conv2d example: C = K = 1, 2×2 image, 3×3 kernel, padding 1: 36 accesses.
    CHECK(closedForm("conv2d", {"channels=1", "filters=1", "height=2", "width=2", "kernel=3", "padding=1"}) == 36);
    // pool2d's example: a 4×4 image, window 2, stride 2: 16 loads and 4 stores.
    CHECK(closedForm("pool2d", {"channels=1", "height=4", "width=4"}) == 20);
    // attention, L = 2, d = 1: T = 4 scores, 4·(4 + 6) + 2 = 42; causal T = 3: 3·10 + 2 = 32.
    CHECK(closedForm("attention", {"seq=2", "dim=1"}) == 42);
    CHECK(closedForm("attention", {"seq=2", "dim=1", "causal=1"}) == 32);
    // dataloader, 4 samples of 2 floats in batches of 2: 8 loads and 2 batches x 2 stats stores;
    // read() adds a load and a store per float copied: 12 + 2·8 = 28.
    CHECK(closedForm("dataloader", {"samples=4", "sample_size=8", "batch=2"}) == 12);
    CHECK(closedForm("dataloader", {"samples=4", "sample_size=8", "batch=2", "mode=read"}) == 28);
    // fetches=1 doubles: one fetch before every access.
    CHECK(closedForm("softmax", {"rows=2", "cols=3", "fetches=1"}) == 2 * 5 * 2 * 3);
}

TEST_CASE("kernel references: an impossible shape is the run's error") {
    CHECK_THROWS_AS(closedForm("conv2d", {"height=2", "width=2", "kernel=5", "padding=0"}), UsageError);
}
