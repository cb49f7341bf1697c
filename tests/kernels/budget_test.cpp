// Kernel tensors are refused past the memory budget, before anything is allocated (issue: softmax
// rows=65536 cols=65536 ended in std::bad_alloc).

#include <doctest/doctest.h>

#include <string>

#include "cachescope/core/error.hpp"
#include "kernels/kernel_test_util.hpp"

using namespace cachescope;

namespace {

std::string errorOf(const std::string& kernel, const std::vector<std::string>& settings, std::uint64_t budget) {
    const KernelInfo& k = findKernel(kernel);
    KernelParams params = resolveParams(k, settings);
    params.memoryBudget = budget;
    test::CollectSink sink;
    try {
        runKernel(k, params, sink, nullptr);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("kernel memory budget: softmax's second tensor passes the budget, named with its shape") {
    // X and Y are 64 x 64 float32: 16 KiB each. A 24 KiB budget takes X, not Y (32 KiB in all).
    const std::string e = errorOf("softmax", {"rows=64", "cols=64"}, 24 * 1024);
    CAPTURE(e);
    CHECK(e.rfind("tensor Y (64x64 elements of 4 bytes) would bring the kernel's tensors to about 32 KiB", 0) == 0);
    CHECK(e.find("budget of 24 KiB") != std::string::npos);
    CHECK(errorOf("softmax", {"rows=64", "cols=64"}, 32 * 1024).empty());  // exactly the budget: runs
}

TEST_CASE("kernel memory budget: the default refuses the 16 GiB softmax of the issue at once") {
    // 65536 x 65536 float32 = 16 GiB per tensor, 32 GiB for X and Y: beyond half of any machine
    // this suite runs on (the default budget is half the machine's memory).
    const std::string e = errorOf("softmax", {"rows=65536", "cols=65536"}, 0);
    CAPTURE(e);
    CHECK(e.find("tensor ") == 0);
    CHECK(e.find("--max-memory") != std::string::npos);
}

TEST_CASE("kernel memory budget: a shape whose size overflows 64 bits saturates and is refused") {
    Layout layout(Layout::Options{0x10000000, 4096, 0, std::uint64_t{1} << 20, {}});
    TraceMetadata meta;
    CHECK_THROWS_AS(layout.tensor<double>(meta, "huge", {std::uint64_t{1} << 40, std::uint64_t{1} << 40}), UsageError);
    CHECK(layout.bytes() == 0);
    CHECK(meta.regions.empty());
    const Tensor<float> t = layout.tensor<float>(meta, "small", {16, 16});
    CHECK(layout.bytes() == 16 * 16 * 4);
    CHECK(t.shape() == std::vector<std::uint64_t>{16, 16});
}
