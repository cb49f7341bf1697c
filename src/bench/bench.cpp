#include "cachescope/bench/bench.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <sstream>
#include <stdexcept>

#include "cachescope/alloc/allocator.hpp"
#include "cachescope/alloc/run.hpp"
#include "cachescope/alloc/trace.hpp"
#include "cachescope/analysis/reuse.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/sim/parallel.hpp"
#include "cachescope/sim/run.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/reader.hpp"
#include "cachescope/trace/writer.hpp"

namespace cachescope {

namespace {

enum class LoopOrder { Ikj, Ijk };

// Float32 C += A·B, n×n row-major, A, B and C at distinct page-aligned bases. Per inner iteration:
// read A[i][k], read B[k][j], read C[i][j], write C[i][j]. The stream goes straight into `sink`
// (inlined), so generating it costs about as much as reading a trace already in memory.
template <class Sink>
void matmulStream(LoopOrder order, std::uint32_t n, Sink&& sink) {
    constexpr std::uint64_t kElement = 4;
    constexpr std::uint64_t kA = 0x10000000, kB = 0x20000000, kC = 0x30000000;
    const std::uint64_t row = std::uint64_t{n} * kElement;
    auto inner = [&](std::uint64_t i, std::uint64_t j, std::uint64_t k) {
        sink(Access{kA + i * row + k * kElement, 4, AccessKind::Read});
        sink(Access{kB + k * row + j * kElement, 4, AccessKind::Read});
        sink(Access{kC + i * row + j * kElement, 4, AccessKind::Read});
        sink(Access{kC + i * row + j * kElement, 4, AccessKind::Write});
    };
    if (order == LoopOrder::Ikj) {
        for (std::uint64_t i = 0; i < n; ++i)
            for (std::uint64_t k = 0; k < n; ++k)
                for (std::uint64_t j = 0; j < n; ++j) inner(i, j, k);
    } else {
        for (std::uint64_t i = 0; i < n; ++i)
            for (std::uint64_t j = 0; j < n; ++j)
                for (std::uint64_t k = 0; k < n; ++k) inner(i, j, k);
    }
}

CacheConfig benchCache(std::string name, std::uint64_t size, std::uint32_t ways, std::uint32_t latency) {
    CacheConfig c;
    c.name = std::move(name);
    c.size = size;
    c.lineSize = 64;
    c.associativity = ways;
    c.replacement = "lru";
    c.latency = latency;
    return c;
}

enum class Shape { L1, L1L2L3, L1L2L3Mmu };

TlbConfig benchTlb(std::string name, std::uint32_t entries, std::uint32_t ways, std::uint32_t latency) {
    TlbConfig t;
    t.name = std::move(name);
    t.entries = entries;
    t.associativity = ways;
    t.latency = latency;
    return t;
}

SimConfig benchConfig(Shape shape) {
    SimConfig config;
    config.name = shape == Shape::L1 ? "L1" : shape == Shape::L1L2L3 ? "L1-L2-L3" : "L1-L2-L3-MMU";
    config.caches.push_back(benchCache("L1", 32 * 1024, 8, 4));
    if (shape != Shape::L1) {
        config.caches.push_back(benchCache("L2", 256 * 1024, 8, 12));
        config.caches.push_back(benchCache("L3", 8 * 1024 * 1024, 16, 40));
    }
    if (shape == Shape::L1L2L3Mmu) {
        // Two TLB levels shaped like a Skylake core's data side, x86-64 4-level walks (4 KiB pages)
        // whose PTE reads go through the L1; 1 GiB of frames, so no page is ever replaced.
        config.addressing = Addressing::Physical;
        config.mmu = MmuConfig{};
        config.tlbs = {benchTlb("DTLB", 64, 4, 1), benchTlb("STLB", 1536, 12, 9)};
    }
    return config;
}

/// Sends the stream into `sim` (a Simulator or a ParallelSimulator) in blocks of 4,096 references,
/// as a trace reader delivers them.
template <class Sim>
void simulateMatmul(Sim& sim, LoopOrder order, std::uint32_t n) {
    std::array<Access, 4096> block;
    std::size_t used = 0;
    matmulStream(order, n, [&](const Access& a) {
        block[used++] = a;
        if (used == block.size()) {
            sim.access(block);
            used = 0;
        }
    });
    sim.access(std::span<const Access>(block.data(), used));
}

/// The matmul stream of matmulStream with its metadata (regions A, B, C; sites 1 to 4: load A,
/// load B, load C, store C), encoded as a binary trace onto `out`. `sum` gets the sum over the
/// accesses of address xor site, for checking the decoded stream.
void writeBinaryMatmul(std::ostream& out, LoopOrder order, std::uint32_t n, std::uint64_t& sum) {
    constexpr std::uint32_t kElement = 4;
    constexpr std::uint64_t kA = 0x10000000, kB = 0x20000000, kC = 0x30000000;
    const std::uint64_t bytes = std::uint64_t{n} * n * kElement;
    TraceMetadata m;
    const char* orderName = order == LoopOrder::Ikj ? "ikj" : "ijk";
    m.source = std::string("bench: naive ") + orderName + " matmul n=" + std::to_string(n);
    m.kernel = "matmul";
    m.params = {{"n", std::to_string(n)}, {"order", orderName}};
    for (const auto& [name, base] : {std::pair{"A", kA}, std::pair{"B", kB}, std::pair{"C", kC}})
        m.regions.push_back(Region{name, base, bytes, kElement, {n, n}, "row-major", {n, 1}});
    const std::uint16_t loadA = m.addSite("load A[i][k]", 0, AccessKind::Read);
    const std::uint16_t loadB = m.addSite("load B[k][j]", 1, AccessKind::Read);
    const std::uint16_t loadC = m.addSite("load C[i][j]", 2, AccessKind::Read);
    const std::uint16_t storeC = m.addSite("store C[i][j]", 2, AccessKind::Write);
    const auto writer = makeBinaryTraceWriter(out, m);
    std::vector<Access> block;
    block.reserve(4096);
    const std::uint16_t sites[4] = {loadA, loadB, loadC, storeC};
    std::uint32_t next = 0;  // matmulStream gives the four statements in this order
    matmulStream(order, n, [&](Access a) {
        assert(a.address >= kA && a.address < kC + bytes);
        a.site = sites[next];
        next = (next + 1) % 4;
        block.push_back(a);
        if (block.size() >= 4096) {
            for (const Access& b : block) sum += b.address ^ b.site;
            writer->write(block);
            block.clear();
        }
    });
    for (const Access& a : block) sum += a.address ^ a.site;
    writer->write(block);
    writer->finish();
}

std::string binaryMatmulTrace(std::uint32_t n, std::uint64_t& sum) {
    std::ostringstream out;
    writeBinaryMatmul(out, LoopOrder::Ikj, n, sum);
    return std::move(out).str();
}

/// The median of a case's run times into r.seconds.
void takeMedian(BenchResult& r) {
    std::vector<double> sorted = r.runSeconds;
    std::sort(sorted.begin(), sorted.end());
    r.seconds = sorted.empty() ? 0 : sorted[sorted.size() / 2];
}

/// A temporary folder, removed with everything in it when this goes out of scope.
struct TempFolder {
    std::filesystem::path path;
    TempFolder() {
        std::string templ = (std::filesystem::temp_directory_path() / "cachescope-bench-XXXXXX").string();
        if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("bench: cannot create a folder in " + templ);
        path = templ;
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    ~TempFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

/// Writes the three files of one loop order into `folder`; returns their (label, path).
std::vector<std::pair<std::string, std::string>> writeMatmulFiles(const std::filesystem::path& folder, LoopOrder order,
                                                                   std::uint32_t n) {
    const std::string stem = (folder / (order == LoopOrder::Ikj ? "matmul-ikj" : "matmul-ijk")).string();
    const std::string din = stem + ".din", dinBin = stem + "-din.bin", kernelBin = stem + "-kernel.bin";
    {
        std::ofstream out(din, std::ios::binary);
        const auto writer = makeTraceWriter(out, TraceFormat::Din, TraceMetadata{});
        std::vector<Access> block;
        block.reserve(4096);
        matmulStream(order, n, [&](const Access& a) {
            block.push_back(a);
            if (block.size() == 4096) {
                writer->write(block);
                block.clear();
            }
        });
        writer->write(block);
        writer->finish();
    }
    {
        const auto in = openTrace(din, TraceFormat::Din);
        std::ofstream out(dinBin, std::ios::binary);
        const auto writer = makeBinaryTraceWriter(out, TraceMetadata{});
        copyTrace(*in, *writer);
    }
    {
        std::ofstream out(kernelBin, std::ios::binary);
        std::uint64_t sum = 0;
        writeBinaryMatmul(out, order, n, sum);
    }
    return {{"din", din}, {"din.bin", dinBin}, {"kernel.bin", kernelBin}};
}

/// Whole runs from trace files (BenchOptions::files).
std::vector<BenchResult> fileBench(const BenchOptions& options) {
    std::vector<BenchResult> results;
    TempFolder folder;
    for (const LoopOrder order : {LoopOrder::Ikj, LoopOrder::Ijk}) {
        if (options.onCaseStart) options.onCaseStart(std::string("writing the ") + (order == LoopOrder::Ikj ? "ikj" : "ijk") + " files");
        for (const auto& [label, path] : writeMatmulFiles(folder.path, order, options.n)) {
            // The kernel binary's L1-L2-L3 runs also as `run --classify` and as `explain --from K
            // --count 1` of its last reference do (issue 12's analysis targets).
            enum class Mode { Run, Classify, Explain };
            const std::vector<std::pair<Shape, Mode>> cases =
                label == "kernel.bin"
                    ? std::vector<std::pair<Shape, Mode>>{{Shape::L1, Mode::Run},
                                                          {Shape::L1L2L3, Mode::Run},
                                                          {Shape::L1L2L3, Mode::Classify},
                                                          {Shape::L1L2L3, Mode::Explain}}
                    : std::vector<std::pair<Shape, Mode>>{{Shape::L1, Mode::Run}, {Shape::L1L2L3, Mode::Run}};
            const std::uint64_t references = matmulReferences(options.n);
            for (const auto& [shape, mode] : cases) {
                const SimConfig config = benchConfig(shape);
                BenchResult r;
                r.name = "file/" + label + (order == LoopOrder::Ikj ? "/ikj/" : "/ijk/") + config.name +
                         (mode == Mode::Classify ? "/classify" : mode == Mode::Explain ? "/explain" : "");
                r.fileBytes = std::filesystem::file_size(path);
                if (options.onCaseStart) options.onCaseStart(r.name);
                for (std::uint32_t run = 0; run < std::max(options.runs, 1u); ++run) {
                    const auto start = std::chrono::steady_clock::now();
                    // As `cachescope run` does: a streaming session over the file (attribution
                    // when it has sites; decoding on a second thread as options.decodeThread says).
                    // As `explain` does: classification without attribution, the references before
                    // the last one stepped over silently, then the last one narrated.
                    SourceSpec source = SourceSpec::file(path);
                    source.decodeThread = options.decodeThread;
                    SessionOptions sessionOptions;
                    sessionOptions.classify = mode != Mode::Run;
                    sessionOptions.attribution = mode != Mode::Explain;
                    const std::unique_ptr<Session> opened =
                        mode == Mode::Explain ? openClassifyingFrom(config, source, sessionOptions, references - 1)
                                              : std::make_unique<Session>(config, source, sessionOptions);
                    Session& session = *opened;
                    if (mode == Mode::Explain) {
                        if (session.atEnd() || session.narrateNext().index != references - 1)
                            throw std::logic_error("bench: " + r.name + " did not reach its last reference");
                    } else {
                        session.runToEnd();
                    }
                    r.runSeconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
                    const Simulator& sim = session.simulator();
                    std::vector<std::uint64_t> misses;
                    for (const Cache& c : sim.hierarchy().caches()) misses.push_back(c.stats().misses());
                    if (run != 0 && (misses != r.misses || sim.references() != r.accesses))
                        throw std::logic_error("bench: two runs of " + r.name + " gave different counts");
                    r.accesses = sim.references();
                    r.misses = std::move(misses);
                }
                r.bytesPerAccess = r.accesses != 0 ? double(r.fileBytes) / double(r.accesses) : 0.0;
                takeMedian(r);
                results.push_back(std::move(r));
            }
            std::filesystem::remove(path);
        }
    }
    return results;
}

/// "ijk/L1-64MiB-full": the ijk stream through one 64 MiB fully associative LRU cache (1,048,576
/// ways in one set: the tag index and the linked-list LRU of wide sets). Building the simulator
/// (about 30 MiB of arrays) is not timed.
BenchResult wideBench(const BenchOptions& options) {
    SimConfig config;
    config.name = "L1-64MiB-full";
    CacheConfig c = benchCache("L1", std::uint64_t{64} << 20, 0, 4);
    c.fullyAssociative = true;
    c.associativity = static_cast<std::uint32_t>(c.size / c.lineSize);
    config.caches.push_back(c);
    BenchResult r;
    r.name = "ijk/" + config.name;
    if (options.onCaseStart) options.onCaseStart(r.name);
    for (std::uint32_t run = 0; run < std::max(options.runs, 1u); ++run) {
        Simulator h(config);
        const auto start = std::chrono::steady_clock::now();
        simulateMatmul(h, LoopOrder::Ijk, options.n);
        r.runSeconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        r.accesses = h.references();
        r.misses = {h.hierarchy().caches()[0].stats().misses()};
    }
    takeMedian(r);
    return r;
}

BenchResult decodeBench(const BenchOptions& options) {
    BenchResult r;
    r.name = "decode/binary";
    if (options.onCaseStart) options.onCaseStart(r.name);
    std::uint64_t expectedSum = 0;
    const std::string trace = binaryMatmulTrace(options.n, expectedSum);
    for (std::uint32_t run = 0; run < std::max(options.runs, 1u); ++run) {
        auto stream = std::make_unique<std::istringstream>(trace);  // copied before the clock starts
        const auto start = std::chrono::steady_clock::now();
        const auto reader = openTrace(std::move(stream), "bench", TraceFormat::Auto);
        std::array<Access, 4096> block;  // as runTrace reads
        std::uint64_t accesses = 0, sum = 0;
        for (std::size_t got; (got = reader->read(block)) != 0;) {
            accesses += got;
            for (std::size_t i = 0; i < got; ++i) sum += block[i].address ^ block[i].site;  // use every access
        }
        r.runSeconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (accesses != 4ULL * options.n * options.n * options.n || sum != expectedSum)
            throw std::logic_error("bench: the binary trace did not decode to its accesses");
        r.accesses = accesses;
    }
    r.bytesPerAccess = r.accesses != 0 ? double(trace.size()) / double(r.accesses) : 0.0;
    std::vector<double> sorted = r.runSeconds;
    std::sort(sorted.begin(), sorted.end());
    r.seconds = sorted[sorted.size() / 2];
    return r;
}

/// The ikj stream through the reuse-distance analysis (64 B lines), exact or SHARDS-sampled at the
/// default rate. `misses` holds one number: the misses of a 32 KiB (512-line) fully associative LRU
/// cache read off the curve.
BenchResult mrcBench(const BenchOptions& options, bool sampled) {
    BenchResult r;
    r.name = sampled ? "mrc/sampled" : "mrc/exact";
    if (options.onCaseStart) options.onCaseStart(r.name);
    for (std::uint32_t run = 0; run < std::max(options.runs, 1u); ++run) {
        const auto start = std::chrono::steady_clock::now();
        ReuseAnalyzer analyzer(ReuseOptions{.blockSize = 64, .sampleRate = sampled ? kDefaultSampleRate : 1.0});
        std::array<Access, 4096> block;
        std::size_t used = 0;
        matmulStream(LoopOrder::Ikj, options.n, [&](const Access& a) {
            block[used++] = a;
            if (used == block.size()) {
                analyzer.add(block);
                used = 0;
            }
        });
        analyzer.add(std::span<const Access>(block.data(), used));
        const ReuseHistogram h = analyzer.histogram();
        r.runSeconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        r.accesses = h.accesses;
        r.misses = {missesAt(h, 512)};
    }
    std::vector<double> sorted = r.runSeconds;
    std::sort(sorted.begin(), sorted.end());
    r.seconds = sorted[sorted.size() / 2];
    return r;
}

/// seek/<config>: a seekable Session over the matmul kernel, run to the end once (the first pass
/// takes the checkpoints), then random seeks (a fixed seed), each timed alone.
BenchResult seekBench(const SimConfig& config, const BenchOptions& options) {
    BenchResult r;
    r.name = "seek/" + config.name;
    if (options.onCaseStart) options.onCaseStart(r.name);
    SessionOptions so;
    so.seekable = true;
    Session session(config, SourceSpec::kernelRun("matmul", {"n=" + std::to_string(options.seekN)}), so);
    session.runToEnd();
    const std::uint64_t length = *session.length();
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;  // xorshift64: the same positions on every run
    for (std::uint32_t i = 0; i < std::max(options.seeks, 1u); ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        const std::uint64_t to = state % (length + 1);
        const auto start = std::chrono::steady_clock::now();
        session.seek(to);
        r.runSeconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (session.position() != to) throw std::logic_error("bench: a seek did not arrive");
    }
    r.accesses = length;
    for (const Cache& c : session.simulator().hierarchy().caches()) r.misses.push_back(c.stats().misses());
    r.bytesPerAccess = length != 0 ? double(session.replayBytes()) / double(length) : 0.0;
    r.checkpointInterval = session.checkpointInterval();
    r.checkpointBytes = session.checkpointBytes();
    std::vector<double> sorted = r.runSeconds;
    std::sort(sorted.begin(), sorted.end());
    r.seconds = sorted[sorted.size() / 2];
    return r;
}

/// The snapshot case of `config`: 4·64³ = 1,048,576 references of the ijk stream (once, timed as the
/// run), then kCopies copies of the Simulator, each timed alone (the copy is destroyed after its
/// clock stops); `copySeconds` is their median.
BenchResult snapshotBench(const SimConfig& config, const BenchOptions& options) {
    constexpr std::uint32_t kN = 64;
    constexpr int kCopies = 9;
    BenchResult r;
    r.name = "snapshot/" + config.name;
    if (options.onCaseStart) options.onCaseStart(r.name);
    Simulator sim(config);
    const auto start = std::chrono::steady_clock::now();
    simulateMatmul(sim, LoopOrder::Ijk, kN);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.runSeconds = {r.seconds};
    r.accesses = sim.references();
    for (const Cache& c : sim.hierarchy().caches()) r.misses.push_back(c.stats().misses());
    std::vector<double> copies;
    for (int i = 0; i < kCopies; ++i) {
        const auto copyStart = std::chrono::steady_clock::now();
        const auto copy = std::make_unique<Simulator>(sim);
        copies.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - copyStart).count());
        if (!copy->sameState(sim)) throw std::logic_error("bench: a copy of the simulator differs from it");
    }
    std::sort(copies.begin(), copies.end());
    r.copySeconds = copies[copies.size() / 2];
    r.snapshotBytes = sim.snapshotBytes();
    return r;
}

/// BenchOptions::alloc: the random allocation trace through every allocator, trace built
/// beforehand (not timed), each run from a fresh allocator.
std::vector<BenchResult> allocBench(const BenchOptions& options) {
    const alloc::AllocTrace trace = alloc::randomAllocTrace(options.allocEvents, 1);
    std::vector<BenchResult> results;
    for (const alloc::AllocatorInfo& info : alloc::allocators()) {
        BenchResult r;
        r.name = "alloc/" + info.name;
        if (options.onCaseStart) options.onCaseStart(r.name);
        for (std::uint32_t run = 0; run < std::max(options.runs, 1u); ++run) {
            const auto allocator = info.make(alloc::kUnlimited);
            const auto start = std::chrono::steady_clock::now();
            const alloc::AllocStats stats = alloc::runAllocations(trace, *allocator);
            r.runSeconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            if (run > 0 && (stats.events != r.accesses || r.misses != std::vector<std::uint64_t>{stats.peakReserved}))
                throw std::logic_error("bench: two runs of " + r.name + " gave different results");
            r.accesses = stats.events;
            r.misses = {stats.peakReserved};
        }
        takeMedian(r);
        results.push_back(std::move(r));
    }
    return results;
}

/// Takes the counts of a finished parallel run into `r`, checked against its sequential twin's in
/// `results` (every run must give the sequential counts: the split is exact).
void takeCounts(BenchResult& r, const ParallelSimulator& sim, const std::vector<BenchResult>& results,
                const std::string& sequentialName) {
    const Simulator merged = sim.merged();
    r.accesses = merged.references();
    r.misses.clear();
    for (const Cache& c : merged.hierarchy().caches()) r.misses.push_back(c.stats().misses());
    for (const BenchResult& q : results)
        if (q.name == sequentialName && (q.misses != r.misses || q.accesses != r.accesses))
            throw std::logic_error("bench: " + r.name + " counted otherwise than " + sequentialName);
}

/// "threads<N>/<order>/<L1|L1-L2-L3>": the in-memory stream through a ParallelSimulator of N shards
/// (BenchOptions::threads), timed from building it to the end of finish().
std::vector<BenchResult> threadsBench(const BenchOptions& options, const std::vector<BenchResult>& sequential) {
    std::vector<BenchResult> results;
    for (const LoopOrder order : {LoopOrder::Ikj, LoopOrder::Ijk})
        for (const Shape shape : {Shape::L1, Shape::L1L2L3}) {
            const SimConfig config = benchConfig(shape);
            const ShardPlan plan = planShards(config, options.threads);
            const std::string name = std::string(order == LoopOrder::Ikj ? "ikj/" : "ijk/") + config.name;
            BenchResult r;
            r.name = "threads" + std::to_string(plan.shards) + "/" + name;
            if (options.onCaseStart) options.onCaseStart(r.name);
            for (std::uint32_t run = 0; run < std::max(options.runs, 1u); ++run) {
                const auto start = std::chrono::steady_clock::now();
                ParallelSimulator sim(config, plan);
                simulateMatmul(sim, order, options.n);
                sim.finish();
                r.runSeconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
                takeCounts(r, sim, sequential, name);
            }
            takeMedian(r);
            results.push_back(std::move(r));
        }
    return results;
}

/// "threads<N>/file/<kind>/<order>/<config>": fileBench's whole runs through a ParallelSimulator of
/// N shards: open, split pass on this thread, the shards on theirs.
std::vector<BenchResult> threadsFileBench(const BenchOptions& options, const std::vector<BenchResult>& sequential) {
    std::vector<BenchResult> results;
    TempFolder folder;
    for (const LoopOrder order : {LoopOrder::Ikj, LoopOrder::Ijk}) {
        for (const auto& [label, path] : writeMatmulFiles(folder.path, order, options.n)) {
            for (const Shape shape : {Shape::L1, Shape::L1L2L3}) {
                const SimConfig config = benchConfig(shape);
                const ShardPlan plan = planShards(config, options.threads);
                const std::string name = "file/" + label + (order == LoopOrder::Ikj ? "/ikj/" : "/ijk/") + config.name;
                BenchResult r;
                r.name = "threads" + std::to_string(plan.shards) + "/" + name;
                r.fileBytes = std::filesystem::file_size(path);
                if (options.onCaseStart) options.onCaseStart(r.name);
                for (std::uint32_t run = 0; run < std::max(options.runs, 1u); ++run) {
                    const auto start = std::chrono::steady_clock::now();
                    ParallelSimulator sim(config, plan);
                    const auto reader = openTrace(path);
                    runTrace(sim, *reader);
                    r.runSeconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
                    takeCounts(r, sim, sequential, name);
                }
                r.bytesPerAccess = r.accesses != 0 ? double(r.fileBytes) / double(r.accesses) : 0.0;
                takeMedian(r);
                results.push_back(std::move(r));
            }
            std::filesystem::remove(path);
        }
    }
    return results;
}

}  // namespace

std::vector<BenchResult> runBench(const BenchOptions& options) {
    if (options.files) {
        std::vector<BenchResult> results = fileBench(options);
        if (options.threads > 1)
            for (BenchResult& r : threadsFileBench(options, results)) results.push_back(std::move(r));
        return results;
    }
    if (options.alloc) return allocBench(options);
    std::vector<BenchResult> results;
    for (const LoopOrder order : {LoopOrder::Ikj, LoopOrder::Ijk}) {
        for (const Shape shape : {Shape::L1, Shape::L1L2L3, Shape::L1L2L3Mmu}) {
            const SimConfig config = benchConfig(shape);
            BenchResult r;
            r.name = std::string(order == LoopOrder::Ikj ? "ikj/" : "ijk/") + config.name;
            if (options.onCaseStart) options.onCaseStart(r.name);
            for (std::uint32_t run = 0; run < std::max(options.runs, 1u); ++run) {
                Simulator h(config);
                const auto start = std::chrono::steady_clock::now();
                simulateMatmul(h, order, options.n);
                r.runSeconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
                std::vector<std::uint64_t> misses;
                for (const Cache& c : h.hierarchy().caches()) misses.push_back(c.stats().misses());
                // Every run must give the same counts: the simulator is deterministic.
                assert(run == 0 || (misses == r.misses && h.references() == r.accesses));
                r.accesses = h.references();
                r.misses = std::move(misses);
                if (const Mmu* mmu = h.mmu()) {
                    r.tlbMisses.clear();
                    for (const Cache& t : mmu->tlbs()) r.tlbMisses.push_back(t.stats().misses());
                    r.walks = mmu->stats().walks;
                }
            }
            std::vector<double> sorted = r.runSeconds;
            std::sort(sorted.begin(), sorted.end());
            r.seconds = sorted[sorted.size() / 2];
            results.push_back(std::move(r));
        }
    }
    if (options.threads > 1)
        for (BenchResult& r : threadsBench(options, results)) results.push_back(std::move(r));
    results.push_back(wideBench(options));
    results.push_back(decodeBench(options));
    results.push_back(mrcBench(options, false));
    results.push_back(mrcBench(options, true));
    for (const SimConfig& config : options.seekConfigs) results.push_back(seekBench(config, options));
    for (const SimConfig& config : options.snapshotConfigs) results.push_back(snapshotBench(config, options));
    return results;
}

}  // namespace cachescope
