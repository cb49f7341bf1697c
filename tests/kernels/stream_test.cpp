// openKernelTrace: the worker-thread stream equals runKernel's, metadata at once, errors from the
// worker rethrown by read(), early destruction stops the worker.

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/kernels/stream.hpp"
#include "kernels/kernel_test_util.hpp"

using namespace cachescope;
using namespace cachescope::test;

namespace {

std::vector<Access> readAll(TraceReader& reader, std::size_t chunk) {
    std::vector<Access> out, buffer(chunk);
    while (const std::size_t n = reader.read(buffer))
        out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
    return out;
}

/// A kernel for the tests: records `before` reads of one region, then throws if asked to.
KernelInfo scripted(std::uint64_t before, bool throwAfter, bool throwBeforeReady = false) {
    return KernelInfo{"scripted", "test kernel", {}, [=](KernelRunContext& ctx) {
                          if (throwBeforeReady) throw TraceError("failed before ready");
                          Tensor<float> X = ctx.layout.tensor<float>(ctx.meta, "X", {before + 1});
                          const std::uint16_t load = ctx.meta.addSite("load X[i]", X.region(), AccessKind::Read);
                          Recorder& rec = ctx.ready();
                          for (std::uint64_t i = 0; i < before; ++i) X.load(rec, load, i);
                          if (throwAfter) throw TraceError("kernel failed after " + std::to_string(before));
                      }};
}

}  // namespace

TEST_CASE("kernel stream: equals runKernel's accesses and metadata, whatever the read size") {
    // n=24: 4·24³ = 55,296 accesses, more than the queue holds (4 blocks of 8192), so the worker waits.
    for (const std::vector<std::string>& settings :
         {std::vector<std::string>{"n=24", "order=jki", "tile=5"}, std::vector<std::string>{"n=17", "fetches=1"}}) {
        const KernelRun run = runNamed("matmul", settings);
        for (std::size_t chunk : {std::size_t{1000}, std::size_t{8192}, std::size_t{20000}}) {
            CAPTURE(chunk);
            auto reader = openKernelTrace("matmul", settings);
            REQUIRE(reader->metadata() != nullptr);
            CHECK(*reader->metadata() == run.meta);
            CHECK(toString(reader->format()) == "kernel");
            CHECK(reader->records() == 0);
            const std::vector<Access> got = readAll(*reader, chunk);
            CHECK(got == run.accesses);
            CHECK(reader->records() == run.accesses.size());
            std::vector<Access> more(10);
            CHECK(reader->read(more) == 0);  // stays at the end
        }
    }
}

TEST_CASE("kernel stream: metadata is complete before anything is read") {
    auto reader = openKernelTrace("layernorm", {"rows=2", "cols=3", "fetches=1"});
    const TraceMetadata* meta = reader->metadata();
    REQUIRE(meta != nullptr);
    CHECK(meta->kernel == "layernorm");
    CHECK(meta->regions.size() == 5);  // X, gamma, beta, Y, code
    CHECK(meta->regions.back().name == "code");
    CHECK(meta->sites.size() == 8);  // (unknown) + 6 statements + "fetch code"
    CHECK(meta->source.rfind("kernel layernorm rows=2 cols=3", 0) == 0);
}

TEST_CASE("kernel stream: parameter errors are thrown by openKernelTrace itself") {
    CHECK_THROWS_AS(openKernelTrace("matmul", {"order=xyz"}), UsageError);
    CHECK_THROWS_AS(openKernelTrace("nosuchkernel", {}), UsageError);
}

TEST_CASE("kernel stream: an exception in the worker is rethrown by read() after the accesses before it") {
    auto reader = openKernelTrace(scripted(20000, true), KernelParams(resolveParams(scripted(0, false), {})));
    std::vector<Access> buffer(3000);
    std::uint64_t total = 0;
    std::string message;
    try {
        while (const std::size_t n = reader->read(buffer)) total += n;
    } catch (const TraceError& e) {
        message = e.what();
    }
    CHECK(total == 2 * Recorder::kBlock);  // the full blocks recorded before the failure
    CHECK(message == "kernel failed after 20000");
    CHECK_THROWS_AS(reader->read(buffer), TraceError);  // and again on the next read

    // A kernel that fails before ready(): openKernelTrace throws.
    CHECK_THROWS_WITH_AS(openKernelTrace(scripted(0, false, true), resolveParams(scripted(0, false), {})),
                         "failed before ready", TraceError);

    // A kernel that records nothing: an empty trace.
    auto empty = openKernelTrace(scripted(0, false), resolveParams(scripted(0, false), {}));
    CHECK(empty->read(buffer) == 0);
    CHECK(empty->metadata()->regions.size() == 1);
}

TEST_CASE("kernel stream: destroying the reader early stops the worker (no hang, no leak)") {
    {
        // matmul n=512 would be 4·512³ ≈ 537 M accesses: only a prompt stop lets this test finish.
        auto reader = openKernelTrace("matmul", {"n=512"});
        std::vector<Access> buffer(Recorder::kBlock);
        CHECK(reader->read(buffer) == Recorder::kBlock);
        CHECK(reader->records() == Recorder::kBlock);
    }
    {
        auto reader = openKernelTrace("matmul", {"n=512", "order=ijk"});  // destroyed without reading
        CHECK(reader->metadata() != nullptr);
    }
    {
        // Destroyed after the worker has finished.
        auto reader = openKernelTrace("matmul", {"n=4"});
        std::vector<Access> buffer(10);
        CHECK(reader->read(buffer) == 10);
    }
}

TEST_CASE("kernel stream: two streams of the same kernel are identical") {
    auto x = openKernelTrace("softmax", {"rows=8", "cols=300"});
    auto y = openKernelTrace("softmax", {"rows=8", "cols=300"});
    CHECK(readAll(*x, 4096) == readAll(*y, 777));
}
