// dataloader: a training loop's input pipeline over a dataset file (docs/kernels.md, docs/mmap.md).
//
// The file "dataset.bin" holds `samples` samples of `sample_size` bytes (floats). Each epoch visits
// the samples in order (sequential) or in a seeded shuffle, `batch` at a time:
//   mode=mmap:  the file is mapped (region "dataset", file_access mmap); the normalisation pass
//               reads each sample's floats straight from the mapping;
//   mode=read:  read() copies each sample into its slot of a reused buffer "batch": the copy reads
//               the file's page-cache pages through the kernel's window (region "dataset",
//               file_access read) and writes the buffer, one float (4 bytes) at a time; the
//               normalisation pass then reads the floats from the buffer.
// The normalisation pass computes each batch's mean and standard deviation over all its floats and
// stores them in "stats" (two floats per batch): a real result, checked in the tests.
// Per epoch, with F = sample_size / 4 floats per sample and B = ceil(samples / batch) batches: mmap
// records samples·F reads + 2·B writes; read adds samples·F reads and samples·F writes for the copies.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "builtin.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/policy/splitmix64.hpp"
#include "common.hpp"

namespace cachescope {

/// The value of float `e` of sample `s` in the synthetic dataset: small integers, so sums are exact.
float dataloaderValue(std::uint64_t s, std::uint64_t e) { return static_cast<float>((13 * s + 7 * e) % 17) - 8.0f; }

/// The order in which epoch `epoch` visits the samples: 0..n-1, or a Fisher–Yates shuffle drawn from
/// splitmix64 seeded with seed + epoch.
std::vector<std::uint64_t> dataloaderOrder(std::uint64_t n, bool shuffled, std::uint64_t seed, std::uint64_t epoch) {
    std::vector<std::uint64_t> order(n);
    std::iota(order.begin(), order.end(), std::uint64_t{0});
    if (!shuffled) return order;
    SplitMix64 rng(seed + epoch);
    for (std::uint64_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);
    return order;
}

namespace {

void runDataloader(KernelRunContext& ctx) {
    const KernelParams& p = ctx.params;
    const std::uint64_t samples = p.count("samples"), sampleSize = p.count("sample_size"), batch = p.count("batch");
    const std::uint64_t epochs = p.count("epochs"), seed = p.count("seed");
    const bool readMode = p.choice("mode") == "read", shuffled = p.choice("order") == "shuffled";
    if (sampleSize % 4 != 0)
        throw UsageError("kernel dataloader: --param sample_size=" + std::to_string(sampleSize) +
                         ": expected a multiple of 4 (samples hold 4-byte floats)");
    const std::uint64_t floats = sampleSize / 4;
    const std::uint64_t batches = (samples + batch - 1) / batch;

    Tensor<float> data = ctx.layout.tensor<float>(ctx.meta, "dataset", {samples, floats});
    Region& file = ctx.meta.regions[static_cast<std::size_t>(data.region())];
    file.file = "dataset.bin";
    file.fileSize = file.size;
    file.fileOffset = 0;
    file.fileAccess = readMode ? "read" : "mmap";
    Tensor<float> buffer;
    if (readMode) buffer = ctx.layout.tensor<float>(ctx.meta, "batch", {std::min(batch, samples), floats});
    Tensor<float> stats = ctx.layout.tensor<float>(ctx.meta, "stats", {epochs * batches, 2});

    std::uint16_t copyLoad = 0, copyStore = 0, loadSample = 0;
    if (readMode) {
        copyLoad = ctx.meta.addSite("read(): load dataset[s][e] (page cache)", data.region(), AccessKind::Read);
        copyStore = ctx.meta.addSite("read(): store batch[i][e]", buffer.region(), AccessKind::Write);
        loadSample = ctx.meta.addSite("load batch[i][e] (normalise)", buffer.region(), AccessKind::Read);
    } else {
        loadSample = ctx.meta.addSite("load dataset[s][e] (normalise)", data.region(), AccessKind::Read);
    }
    const std::uint16_t storeMean = ctx.meta.addSite("store stats[b][0] (mean)", stats.region(), AccessKind::Write);
    const std::uint16_t storeStd = ctx.meta.addSite("store stats[b][1] (std)", stats.region(), AccessKind::Write);
    for (std::uint64_t s = 0; s < samples; ++s)
        for (std::uint64_t e = 0; e < floats; ++e) data.at(s, e) = dataloaderValue(s, e);

    Recorder& rec = ctx.ready();
    for (std::uint64_t epoch = 0; epoch < epochs; ++epoch) {
        const std::vector<std::uint64_t> order = dataloaderOrder(samples, shuffled, seed, epoch);
        for (std::uint64_t b = 0; b < batches; ++b) {
            const std::uint64_t first = b * batch, count = std::min(batch, samples - first);
            if (readMode)  // read() each sample into its slot of the buffer
                for (std::uint64_t i = 0; i < count; ++i) {
                    const std::uint64_t s = order[first + i];
                    for (std::uint64_t e = 0; e < floats; ++e) buffer.store(rec, copyStore, data.load(rec, copyLoad, s, e), i, e);
                }
            double sum = 0, squares = 0;
            for (std::uint64_t i = 0; i < count; ++i)
                for (std::uint64_t e = 0; e < floats; ++e) {
                    const double v = readMode ? buffer.load(rec, loadSample, i, e)
                                              : data.load(rec, loadSample, order[first + i], e);
                    sum += v;
                    squares += v * v;
                }
            const double n = static_cast<double>(count * floats);
            const double mean = sum / n;
            const std::uint64_t row = epoch * batches + b;
            stats.store(rec, storeMean, static_cast<float>(mean), row, std::uint64_t{0});
            stats.store(rec, storeStd, static_cast<float>(std::sqrt(std::max(0.0, squares / n - mean * mean))), row,
                        std::uint64_t{1});
        }
    }
    kernel_util::saveValues(ctx, stats);
}

}  // namespace

KernelInfo dataloaderKernel() {
    using namespace kernel_util;
    return KernelInfo{
        "dataloader",
        "a dataset file read in batches with read() into a buffer or through mmap, then normalised",
        {
            intParam("samples", "256", "samples in the dataset file", 1, 1 << 24),
            intParam("sample_size", "4096", "bytes per sample (a multiple of 4: floats)", 4, 1 << 26),
            intParam("batch", "32", "samples per batch", 1, 1 << 20),
            intParam("epochs", "1", "passes over the dataset", 1, 1000),
            choiceParam("mode", "mmap", "mmap: normalise from a mapping of the file; read: read() each sample into a buffer first",
                        {"mmap", "read"}),
            choiceParam("order", "sequential", "the order samples are visited in each epoch", {"sequential", "shuffled"}),
            intParam("seed", "1", "seeds the shuffle (epoch e uses seed + e)", 0, std::int64_t{1} << 62),
        },
        runDataloader,
        [](const KernelParams& p) {
            const std::uint64_t samples = p.count("samples"), size = p.count("sample_size"), batch = p.count("batch");
            const std::uint64_t batches = (samples + batch - 1) / batch;
            const std::uint64_t copies = p.choice("mode") == "read" ? 2 * samples * (size / 4) : 0;
            return p.count("epochs") * (samples * (size / 4) + copies + 2 * batches);
        },
    };
}

}  // namespace cachescope
