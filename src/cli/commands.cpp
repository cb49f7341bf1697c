// The subcommands of `cachescope` (see commands.hpp).

#include "commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <ostream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "cachescope/core/json_text.hpp"
#include "cachescope/analysis/locality.hpp"
#include "cachescope/analysis/opt_gap.hpp"
#include "cachescope/analysis/reuse.hpp"
#include "cachescope/bench/bench.hpp"
#include "cachescope/core/table.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/config/presets.hpp"
#include "cachescope/config/resources.hpp"
#include "cachescope/core/atomic_file.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/kernels/kernel.hpp"
#include "cachescope/plot/svg.hpp"
#include "cachescope/policy/registry.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/session/sharded_run.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope::cli {

namespace {

using Clock = std::chrono::steady_clock;

/// A run of at least this many references is announced before it starts (seconds or more even in
/// a Release build: 10^9 references at the 90-200 M/s of a full hierarchy).
constexpr std::uint64_t kLongRun = 1'000'000'000;

std::string format(const char* fmt, double value) {
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), fmt, value);
    return buf.data();
}

/// A one-line progress indicator on stderr, refreshed in place with '\r'. It shows nothing unless
/// stderr is a terminal, and nothing during the first half second (short runs stay quiet). The
/// line is erased when the indicator is destroyed, also when the run ends with an error.
class Progress {
public:
    Progress() : enabled_(::isatty(2) == 1), start_(Clock::now()) {}
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress() { clear(); }

    void show(const std::string& text) {
        if (!enabled_) return;
        if (!shown_ && Clock::now() - start_ < std::chrono::milliseconds(500)) return;
        std::string line = "\r" + text;
        if (text.size() < width_) line += std::string(width_ - text.size(), ' ');
        width_ = std::max(width_, text.size());
        std::cerr << line << std::flush;
        shown_ = true;
    }
    /// `count` references so far; with `total` (known in advance for kernels), the share done and
    /// an estimate of the time left at the rate so far.
    void accesses(std::uint64_t count, std::uint64_t total = 0) {
        const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
        const double rate = seconds > 0 ? double(count) / seconds : 0.0;
        if (total == 0 || count > total) {
            show(withThousands(count) + " references, " + format("%.1f", rate / 1e6) + " M references/s");
            return;
        }
        std::string text = withThousands(count) + " of " + withThousands(total) + " references (" +
                           format("%.1f", 100.0 * double(count) / double(total)) + "%), " +
                           format("%.1f", rate / 1e6) + " M/s";
        if (rate > 0) text += ", about " + roughDuration(double(total - count) / rate) + " left";
        show(text);
    }
    void clear() {
        if (!shown_) return;
        std::cerr << '\r' << std::string(width_, ' ') << '\r' << std::flush;
        shown_ = false;
        width_ = 0;
    }

private:
    bool enabled_;
    bool shown_ = false;
    std::size_t width_ = 0;
    Clock::time_point start_;
};

}  // namespace

void emit(const std::string& path, const std::function<void(std::ostream&)>& write) {
    if (path.empty() || path == "-") {
        write(std::cout);
    } else {
        writeFileAtomically(path, write);
    }
}

void checkOutputs(std::initializer_list<std::string> paths) {
    for (const std::string& path : paths)
        if (!path.empty() && path != "-") checkWritable(path);
}

void finishStdout() {
    std::cout.flush();
    if (!std::cout) throw IoError("cannot write standard output");
}

namespace {

/// Throws TraceError if the run saw no reference: an all-zero report with 0.00% miss rates would
/// read as a result; say what happened.
void requireReferences(const RunSummary& summary, const SourceSpec& source) {
    if (summary.references != 0) return;
    const std::uint64_t skipped = summary.info.skippedLines;
    throw TraceError((source.readsStandardInput() ? std::string("standard input") : describeSourceBriefly(source)) +
                     " holds no references: nothing to simulate" +
                     (skipped == 0 ? std::string()
                                   : " (" + withThousands(skipped) + (skipped == 1 ? " line" : " lines") +
                                         " skipped as not trace records)"));
}

}  // namespace

RunSummary simulateSource(const RunArgs& args, const SimConfig& config) {
    const SourceSpec source = toSpec(args.source);
    // A kernel knows its length in closed form: a long run says so before it starts (on standard
    // error, whatever it is), and the progress line (on a terminal only) estimates the time left.
    std::uint64_t total = 0;
    if (!source.kernel.empty()) {
        const KernelInfo& kernel = findKernel(source.kernel);
        total = kernelReferences(kernel, resolveParams(kernel, source.params));
    }
    std::optional<Progress> progress;  // shown while the run itself goes (not while OPT plans)
    SessionOptions options;
    options.classify = args.classify;
    options.configLabel = args.config;
    options.stopOnFault = args.stopOnFault;
    options.onProgress = [&progress, total](std::uint64_t n) {
        if (progress) progress->accesses(n, total);
    };
    // --threads: split into shards when the config allows it exactly, else one thread with a note.
    std::optional<ThreadsSummary> threads;
    ShardPlan plan;
    if (args.threads != 1) {
        plan = planShards(config, args.threads);
        threads = ThreadsSummary{std::max(1u, args.threads == 0 ? std::thread::hardware_concurrency() : args.threads),
                                 plan.shards, plan.reason};
        const char* observer = args.classify      ? "--classify compares every miss with one fully associative shadow of "
                                                    "the whole stream"
                               : !args.plot.empty() ? "--plot colors every reference, in trace order, through one observer"
                                                    : nullptr;
        if (plan.shards > 1 && observer != nullptr) *threads = ThreadsSummary{threads->requested, 1, observer};
        if (!threads->note.empty())
            std::cerr << "cachescope: note: --threads " << args.threads << ": "
                      << (threads->shards > 1 ? std::to_string(threads->shards) + " shards"
                                              : std::string("running on one thread"))
                      << ": " << threads->note << "\n";
    }
    auto announce = [&] {  // once the kernel's tensors passed the memory budget
        if (total >= kLongRun)
            std::cerr << "cachescope: " << describeSourceBriefly(source) << " will simulate " << withThousands(total)
                      << " references\n";
    };
    if (threads && threads->shards > 1) {
        announce();  // (before the source opens here: runInShards opens, plans and runs in one go)
        progress.emplace();
        RunSummary summary = runInShards(config, source, plan, options, args.config);
        progress.reset();
        requireReferences(summary, source);
        summary.threads = threads;
        return summary;
    }
    Session session(config, source, options);  // opens the source; plans OPT's futures
    announce();
    // --plot: a first pass lays out the address axis, then the observer colors each reference by
    // the level that served it, seeing the references as the trace gives them (the access tap).
    std::optional<LocalityObserver> locality;
    if (!args.plot.empty()) {
        if (source.readsStandardInput())
            throw UsageError("--plot reads the trace twice (once to lay out the address axis); give a trace file or "
                             "a kernel, not standard input");
        std::unique_ptr<TraceReader> scan = openSource(source);
        locality.emplace(session.simulator().hierarchy(), scanBands(*scan));
        session.setObservers(&*locality, nullptr);
        session.setAccessTap([&locality](std::span<const Access> block) { locality->onTraceBlock(block); });
    }
    progress.emplace();
    session.runToEnd();  // and checks that OPT followed its plans
    progress.reset();
    RunSummary summary = session.summary(args.config);
    requireReferences(summary, source);
    summary.threads = threads;
    if (locality) {
        // The title names the source as the user gave it (describeSource lists every resolved parameter).
        std::string title = args.source.kernel.empty() ? args.source.trace : "kernel " + args.source.kernel;
        for (const std::string& p : args.source.params) title += " " + p;
        if (!args.source.mix.empty()) {
            title.clear();
            for (std::size_t p = 0; p < args.source.mix.size(); ++p)
                title += (p == 0 ? "" : ", ") + ("p" + std::to_string(p) + " " + args.source.mix[p]);
        }
        const plot::LocalityPicture picture = locality->picture("Locality: " + title + " on " + config.name);
        plot::writeSvg(args.plot, picture);
    }
    return summary;
}

void runCommand(const RunArgs& args) {
    checkOutputs({args.output, args.plot});
    SimConfig config = loadConfig(args.config);
    if (args.seed) config.seed = *args.seed;
    const SourceSpec source = toSpec(args.source);
    if (args.vsOpt && source.readsStandardInput())
        throw UsageError("--vs-opt reads the trace again for every level; give a trace file, not standard input");
    RunSummary summary = simulateSource(args, config);
    summary.flushed = args.flush;
    if (args.vsOpt) {
        const OptComparison opt = compareWithOpt(config, [&source] { return openSource(source); });
        for (std::size_t c = 0; c < summary.levels.size(); ++c) summary.levels[c].optMisses = opt.cacheMisses[c];
        if (summary.translation)
            for (std::size_t t = 0; t < summary.translation->tlbs.size(); ++t)
                summary.translation->tlbs[t].optMisses = opt.tlbMisses[t];
    }
    emit(args.output, [&](std::ostream& os) {
        switch (args.format) {
        case ReportFormat::Text: printText(os, summary); break;
        case ReportFormat::Json: printJson(os, summary); break;
        case ReportFormat::Csv: printCsv(os, summary); break;
        }
    });
}

void policiesCommand() {
    std::size_t width = 0;
    for (const PolicyInfo& p : policies()) width = std::max(width, p.name.size());
    for (const PolicyInfo& p : policies()) {
        std::cout << p.name << std::string(width - p.name.size() + 2, ' ') << p.description << '\n';
    }
}

void configCheckCommand(const std::string& path) {
    const SimConfig config = loadConfig(path);
    const std::string resolved = resolveConfigPath(path);
    std::cout << path << (resolved != path ? " (" + resolved + ")" : std::string()) << ": OK\n";
    std::size_t width = 0;
    for (const CacheConfig& c : config.caches) width = std::max(width, c.name.size());
    for (const CacheConfig& c : config.caches) {
        const std::string ways = c.fullyAssociative
                                     ? "fully associative (" + std::to_string(c.ways()) + " ways)"
                                     : std::to_string(c.ways()) + "-way";
        std::cout << "  " << c.name << std::string(width - c.name.size(), ' ') << "  " << formatSize(c.size) << ", "
                  << ways << ", " << c.sets() << (c.sets() == 1 ? " set" : " sets") << ", "
                  << formatSize(c.lineSize) << " lines, " << c.replacement << ", " << toString(c.writePolicy)
                  << (c.writeAllocate ? ", write-allocate" : ", no-write-allocate") << ", "
                  << toString(c.inclusion) << ", latency " << c.latency
                  << (c.holds == Holds::Both ? "" : ", holds " + std::string(toString(c.holds)) + " only") << "\n";
    }
    std::cout << "  memory latency " << config.memory.latency << "\n";
    if (config.mmu) {
        const MmuConfig& m = *config.mmu;
        std::string levels;
        for (const std::uint32_t b : m.bitsPerLevel) levels += (levels.empty() ? "" : "+") + std::to_string(b);
        std::cout << "  mmu: " << formatSize(m.pageSize) << " pages, " << m.bitsPerLevel.size()
                  << "-level page table (" << levels << " index bits, " << m.virtualBits() << "-bit virtual addresses, "
                  << m.pteSize << " B entries), " << formatSize(m.physicalMemory) << " physical memory ("
                  << withThousands(m.frames()) << " frames, " << toString(m.frameAllocation) << " allocation, "
                  << toString(m.pageReplacement) << " replacement), page walks enter at "
                  << (m.walkEntry.empty() ? std::string("the first data cache") : m.walkEntry)
                  << ", page-fault latency " << m.pageFaultLatency << "\n";
        if (!m.hugePages.empty())
            std::cout << "    huge pages: " << m.hugePages.size() << (m.hugePages.size() == 1 ? " range" : " ranges")
                      << "\n";
        for (const WalkCacheConfig& w : m.walkCaches)
            std::cout << "    walk cache (level " << w.level << "): " << w.entries << " entries, "
                      << (w.fullyAssociative ? std::string("fully associative") : std::to_string(w.ways()) + "-way")
                      << ", " << w.replacement << ", latency " << w.latency << "\n";
        std::size_t tlbWidth = 0;
        for (const TlbConfig& t : config.tlbs) tlbWidth = std::max(tlbWidth, t.name.size());
        for (const TlbConfig& t : config.tlbs)
            std::cout << "  " << t.name << std::string(tlbWidth - t.name.size(), ' ') << "  " << t.entries
                      << " entries, "
                      << (t.fullyAssociative ? std::string("fully associative")
                                             : std::to_string(t.ways()) + "-way, " + std::to_string(t.sets()) +
                                                   (t.sets() == 1 ? " set" : " sets"))
                      << ", " << t.replacement << ", latency " << t.latency
                      << (t.holds == Holds::Both ? "" : ", holds " + std::string(toString(t.holds)) + " only") << "\n";
    } else {
        std::cout << "  no mmu: addresses are used as they are (virtual)\n";
    }
    const MemoryEstimate estimate = estimateMemory(config);
    std::cout << "  simulator state: about " << approximateSize(estimate.total) << " (largest: "
              << estimate.largest().path << ", " << approximateSize(estimate.largest().bytes)
              << "); the memory budget is " << approximateSize(defaultMemoryBudget())
              << " (half of this machine's memory; --max-memory changes it)\n";
}

void configPresetsCommand() {
    const std::vector<PresetInfo> found = presets();
    if (found.empty())
        throw IoError("no presets found: none of the data folders has a configs/ folder (set CACHESCOPE_DATA_DIR to "
                      "the folder that holds configs/ and traces/)");
    std::size_t width = 0;
    for (const PresetInfo& p : found) width = std::max(width, p.name.size());
    for (const PresetInfo& p : found) {
        const SimConfig config = loadConfig(p.path.string());
        std::cout << p.name << std::string(width - p.name.size() + 2, ' ') << config.description << '\n';
    }
    std::cout << "(from " << found.front().path.parent_path().string()
              << "; use a preset's name wherever a config file goes: --config " << found.front().name << ")\n";
}

void configShowCommand(const std::string& path) {
    const SimConfig config = loadConfig(path);
    std::cout << jsonText(toJson(config), 2) << '\n';
}

void benchCommand(const BenchArgs& args) {
    Progress progress;
    BenchOptions options;
    options.n = args.n;
    options.runs = args.runs;
    options.files = args.files;
    options.alloc = args.alloc;
    options.threads = args.threads;
    options.decodeThread = parseDecodeThread(args.decodeThread);
    options.onCaseStart = [&progress](const std::string& name) { progress.show("bench: " + name + " ..."); };
    for (const std::string& path : args.seekConfigs) options.seekConfigs.push_back(loadConfig(path));
    if (!args.configs.empty()) {
        std::vector<std::filesystem::path> paths;
        for (const auto& entry : std::filesystem::directory_iterator(args.configs))
            if (entry.path().extension() == ".json" && entry.path().filename() != "schema.json")
                paths.push_back(entry.path());
        std::sort(paths.begin(), paths.end());
        for (const auto& path : paths) options.snapshotConfigs.push_back(loadConfig(path.string()));
    }
    const std::vector<BenchResult> results = runBench(options);
    progress.clear();

    if (args.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const BenchResult& r : results) {
            list.push_back({{"name", r.name},
                            {"accesses", r.accesses},
                            {"misses", r.misses},
                            {"seconds", r.seconds},
                            {"run_seconds", r.runSeconds},
                            {"accesses_per_second", r.accessesPerSecond()}});
            if (r.bytesPerAccess > 0) list.back()["bytes_per_access"] = r.bytesPerAccess;
            if (r.name.starts_with("seek/")) {
                list.back()["ms_per_seek"] = r.seconds * 1e3;
                list.back()["checkpoint_interval"] = r.checkpointInterval;
                list.back()["checkpoint_bytes"] = r.checkpointBytes;
            }
            if (r.name.starts_with("snapshot/")) {
                list.back()["copy_seconds"] = r.copySeconds;
                list.back()["snapshot_bytes"] = r.snapshotBytes;
            }
        }
        nlohmann::ordered_json j;
        j["results"] = std::move(list);
        std::cout << jsonText(j, 2) << '\n';
        return;
    }

    if (args.alloc) {
        TextTable t{{"case", "events", "peak reserved bytes", "seconds", "M events/s"}, {}};
        for (const BenchResult& r : results)
            t.rows.push_back({r.name, withThousands(r.accesses), withThousands(r.misses.at(0)), format("%.3f", r.seconds),
                              format("%.1f", r.accessesPerSecond() / 1e6)});
        printTable(std::cout, t);
        std::cout << "alloc/<allocator>: a deterministic random allocation trace (alloc::randomAllocTrace, seed 1, 512 "
                     "IDs) through the allocator; seconds: median of "
                  << args.runs << " runs, one core\n";
        return;
    }

    // Snapshot cases add two columns: one copy of the Simulator, and its state beyond the cache arrays.
    const bool snapshots =
        std::any_of(results.begin(), results.end(), [](const BenchResult& r) { return r.name.starts_with("snapshot/"); });
    TextTable table{{"case", "accesses", "misses (per level)", "seconds", "M accesses/s"}, {}};
    if (snapshots) table.header.insert(table.header.end(), {"copy ms", "state KiB"});
    for (const BenchResult& r : results) {
        std::string misses;
        for (std::size_t i = 0; i < r.misses.size(); ++i) misses += (i ? " / " : "") + withThousands(r.misses[i]);
        table.rows.push_back({r.name, withThousands(r.accesses), misses, format("%.3f", r.seconds),
                              r.name.starts_with("seek/") ? "-" : format("%.1f", r.accessesPerSecond() / 1e6)});
        if (snapshots) {
            const bool snapshot = r.name.starts_with("snapshot/");
            table.rows.back().push_back(snapshot ? format("%.3f", r.copySeconds * 1e3) : "");
            table.rows.back().push_back(snapshot ? format("%.1f", double(r.snapshotBytes) / 1024) : "");
        }
    }
    printTable(std::cout, table);
    std::cout << "n = " << args.n << " (float32 matmul, " << withThousands(matmulReferences(args.n))
              << " accesses per case); seconds: median of " << args.runs << " runs, "
              << (args.files && useDecodeThread(options.decodeThread) ? "decoding on a second thread" : "one core")
              << '\n';
    if (std::any_of(results.begin(), results.end(), [](const BenchResult& r) { return r.name.starts_with("mrc/"); }))
        std::cout << "mrc/exact, mrc/sampled: the ikj stream's reuse distances at 64 B lines (sampled: SHARDS at rate "
                  << format("%.2g", kDefaultSampleRate)
                  << "); misses: a 32 KiB fully associative LRU cache, read off the curve\n";
    if (!options.snapshotConfigs.empty())
        std::cout << "snapshot/<config>: 1,048,576 references (ijk, n = 64) simulated once, then the Simulator copied 9 "
                     "times; copy ms: the median copy; state KiB: Simulator::snapshotBytes(), the state beyond the "
                     "arrays of its caches, TLBs and walk caches\n";
    if (args.files)
        std::cout << "file/<kind>/...: whole runs (open, read, simulate) from a temporary file: din = din text, "
                     "din.bin = that din converted to binary, kernel.bin = binary with the matmul kernel's regions and "
                     "sites; bytes per access: "
                  << [&results] {
                         std::string s;
                         for (const BenchResult& r : results)
                             if (r.name.starts_with("file/") && r.name.ends_with("/L1") &&
                                 r.name.find("/ikj/") != std::string::npos)
                                 s += (s.empty() ? "" : ", ") + r.name.substr(5, r.name.find("/ikj/") - 5) + " " +
                                      format("%.2f", r.bytesPerAccess);
                         return s;
                     }()
                  << '\n';
    if (args.files) {
        // The analyses against the plain run of the same file (issue 12: --classify at most 1.5 times
        // a plain run, explain's prefix at run speed).
        std::string ratios;
        for (const BenchResult& r : results) {
            const bool classify = r.name.ends_with("/classify"), explain = r.name.ends_with("/explain");
            if (!classify && !explain) continue;
            const std::string plain = r.name.substr(0, r.name.rfind('/'));
            for (const BenchResult& p : results)
                if (p.name == plain && p.seconds > 0)
                    ratios += std::string(ratios.empty() ? "" : ", ") + r.name.substr(5) + " " +
                              format("%.2f", r.seconds / p.seconds) + "x";
        }
        if (!ratios.empty())
            std::cout << ".../classify: as `run --classify` (3C classes of every miss); .../explain: as `explain --from "
                      << std::to_string(matmulReferences(args.n) - 1)
                      << " --count 1` (every reference before the last one simulated silently, keeping what its "
                         "classes need, then the last one narrated); time against the plain run of the same file: "
                      << ratios << '\n';
    }
    if (std::any_of(results.begin(), results.end(), [](const BenchResult& r) { return r.name.starts_with("threads"); }))
        std::cout << "threads<S>/...: the same case split into S shards by set (run --threads; docs/performance.md), "
                     "one thread each, plus the split pass on the calling thread; seconds include starting and "
                     "joining the threads\n";
    for (const BenchResult& r : results)
        if (r.bytesPerAccess > 0 && r.name.starts_with("decode/"))
            std::cout << r.name << ": the ikj trace in the binary format, read back through openTrace: "
                      << format("%.3f", r.bytesPerAccess) << " bytes per access\n";
    for (const BenchResult& r : results)
        if (r.name.starts_with("seek/"))
            std::cout << r.name << ": median " << format("%.2f", r.seconds * 1e3) << " ms per seek over "
                      << r.runSeconds.size() << " random seeks in " << withThousands(r.accesses)
                      << " matmul kernel references (seconds: one seek); checkpoints every "
                      << withThousands(r.checkpointInterval) << " references, "
                      << format("%.1f", double(r.checkpointBytes) / (1 << 20)) << " MiB in all; replay "
                      << format("%.3f", r.bytesPerAccess) << " bytes per reference\n";
}

// ---- registration (main.cpp) ---------------------------------------------------------------

Command addRunCommand(CLI::App& app) {
    auto run = std::make_shared<RunArgs>();
    auto json = std::make_shared<bool>(false);
    auto csv = std::make_shared<bool>(false);
    auto seed = std::make_shared<std::uint64_t>(0);
    CLI::App* runCmd = app.add_subcommand("run", "Simulate a trace through the configured hierarchy");
    runCmd->add_option("--config,-c", run->config, "Hierarchy config (JSON)")->required();
    CLI::Option* seedOpt = runCmd->add_option("--seed", *seed, "Seed of randomized policies (overrides the config)");
    CLI::Option* jsonOpt = runCmd->add_flag("--json", *json, "Print the report as JSON");
    CLI::Option* csvOpt = runCmd->add_flag("--csv", *csv, "Print the report as CSV (one row per cache, then memory)");
    jsonOpt->excludes(csvOpt);
    runCmd->add_flag("--classify", run->classify,
                     "Split each level's misses into compulsory, capacity and conflict (3C), also per tensor");
    runCmd->add_option("-o,--output", run->output, "Write the report to FILE (atomically) instead of stdout");
    runCmd->add_option("--plot", run->plot,
                       "Also draw the run's locality picture (address against time, colored by the level that "
                       "served each reference) to FILE.svg (atomically)");
    runCmd->add_flag("--vs-opt", run->vsOpt,
                     "Also simulate each cache and TLB level under OPT (Belady) on the same stream and report the "
                     "misses above optimal (reads the trace 2 more times per level)");
    runCmd->add_flag("--flush", run->flush,
                     "Also write every dirty line back at the end, down to memory, and report those write-backs "
                     "apart from the run's counts (without it, as in Dinero IV, nothing is written back at the end)");
    runCmd->add_option("--threads", run->threads,
                       "Simulate in N shards of the sets, one thread each, when the config allows it exactly "
                       "(results identical to one thread); 0 = one per core. Otherwise one thread, with a note")
        ->capture_default_str();
    auto onFault = std::make_shared<std::string>("count");
    runCmd->add_option("--on-fault", *onFault,
                       "What a protection or segmentation fault does (docs/mmu.md): count (counted, the reference "
                       "skipped, the first ones listed in the report) or stop (the run ends with an error naming "
                       "the reference and address)")
        ->check(CLI::IsMember({"count", "stop"}))
        ->capture_default_str();
    addSourceOptions(runCmd, run->source);
    runCmd->footer(
        "Examples:\n"
        "  cachescope run --config configs/default.json traces/sequential.trace\n"
        "  cachescope run --config configs/teaching.json traces/thrash-one-set.trace\n"
        "  cachescope run -c configs/default.json --csv -o out.csv traces/strided.trace\n"
        "  cachescope run -c configs/teaching.json --kernel matmul --param n=32 --param order=ijk --param tile=8\n"
        "  cachescope run -c configs/teaching.json --classify traces/thrash-one-set.trace\n"
        "  cachescope run -c configs/teaching.json --kernel matmul --param n=32 --param order=ijk --plot matmul.svg\n"
        "  cachescope run -c configs/teaching.json --vs-opt traces/thrash-one-set.trace\n"
        "  cachescope run -c configs/default.json --threads 2 trace.bin\n"
        "  cachescope trace record -o a.bin -- ./a.out && cachescope run -c configs/default.json a.bin\n"
        "  valgrind --tool=lackey --trace-mem=yes --log-fd=3 ./a.out 3>a.lackey && \\\n"
        "      cachescope run -c configs/default.json a.lackey\n"
        "(Lackey's records go to --log-fd 3, so the program's own output stays out of the trace.)");
    return {runCmd, [run, json, csv, seed, seedOpt, onFault] {
                if (seedOpt->count() > 0) run->seed = *seed;
                run->stopOnFault = *onFault == "stop";
                run->format = *json ? ReportFormat::Json : *csv ? ReportFormat::Csv : ReportFormat::Text;
                runCommand(*run);
            }};
}

Command addPoliciesCommand(CLI::App& app) {
    CLI::App* policiesCmd = app.add_subcommand("policies", "List the replacement policies");
    policiesCmd->footer("Example:\n  cachescope policies");
    return {policiesCmd, [] { policiesCommand(); }};
}

Command addConfigCommand(CLI::App& app) {
    auto configPath = std::make_shared<std::string>();
    CLI::App* configCmd = app.add_subcommand("config", "Check or show a hierarchy config");
    configCmd->require_subcommand(1);
    // Each subcommand sets its own footer (CLI11 copies the parent's at creation otherwise).
    configCmd->footer(
        "Examples:\n"
        "  cachescope config check configs/default.json\n"
        "  cachescope config show configs/teaching.json\n"
        "  cachescope config presets");
    CLI::App* checkCmd = configCmd->add_subcommand("check", "Validate a config and summarize its caches");
    checkCmd->add_option("file", *configPath, "Config file (JSON)")->required();
    checkCmd->footer(
        "Examples:\n"
        "  cachescope config check configs/default.json\n"
        "  cachescope config check configs/teaching-paging.json");
    CLI::App* presetsCmd = configCmd->add_subcommand(
        "presets", "List the bundled configs; their names work wherever a config file goes (--config zen4)");
    presetsCmd->footer("Example:\n  cachescope config presets\n  cachescope run --config skylake-client --kernel matmul");
    CLI::App* showCmd = configCmd->add_subcommand("show", "Print the config with every default filled in (JSON)");
    showCmd->add_option("file", *configPath, "Config file (JSON)")->required();
    showCmd->footer(
        "Examples:\n"
        "  cachescope config show configs/teaching.json\n"
        "  cachescope config show configs/skylake-client.json");
    return {configCmd, [configPath, checkCmd, presetsCmd] {
                if (presetsCmd->parsed())
                    configPresetsCommand();
                else if (checkCmd->parsed())
                    configCheckCommand(*configPath);
                else
                    configShowCommand(*configPath);
            }};
}

Command addBenchCommand(CLI::App& app) {
    auto bench = std::make_shared<BenchArgs>();
    CLI::App* benchCmd = app.add_subcommand("bench", "Measure simulation speed on matmul address streams");
    benchCmd->add_flag("--json", bench->json, "Print the results as JSON");
    benchCmd->add_option("--n", bench->n, "Matrix dimension (4*n^3 accesses per case)")
        ->check(CLI::Range(1u, 4096u))
        ->capture_default_str();
    benchCmd->add_option("--runs", bench->runs, "Runs per case; the median time is reported")
        ->check(CLI::Range(1u, 100u))
        ->capture_default_str();
    benchCmd->add_option("--seek-config", bench->seekConfigs,
                         "Add a seek/<name> case: random seeks in a seekable session over a 10 M-reference "
                         "matmul under this config (repeatable)");
    benchCmd->add_option("--configs", bench->configs,
                         "Also a snapshot/<name> case for each config (*.json but schema.json) in this directory")
        ->check(CLI::ExistingDirectory);
    benchCmd->add_option("--threads", bench->threads,
                         "Also run the L1 and L1-L2-L3 cases split into this many shards, one thread each "
                         "(threads<S>/... cases; with --files, from the files too)")
        ->check(CLI::Range(1u, 256u))
        ->capture_default_str();
    CLI::Option* nOption = benchCmd->get_option("--n");
    benchCmd->add_flag("--files", bench->files,
                       "Instead: whole runs from trace files (din text, din converted to binary, kernel-recorded "
                       "binary) written to a temporary folder; n defaults to 192 here");
    benchCmd->add_flag("--alloc", bench->alloc,
                       "Instead: the allocator simulator, every allocator on a 1 M-event random allocation trace");
    benchCmd->add_option("--decode-thread", bench->decodeThread,
                         "With --files: decode the files on a second thread (auto: when more than one CPU is "
                         "available), or not")
        ->check(CLI::IsMember({"auto", "on", "off"}))
        ->capture_default_str();
    benchCmd->footer(
        "Examples:\n"
        "  cachescope bench\n"
        "  cachescope bench --n 64 --json\n"
        "  cachescope bench --seek-config configs/skylake-client.json\n"
        "  cachescope bench --configs configs\n"
        "  cachescope bench --files --runs 5\n"
        "  cachescope bench --alloc\n"
        "  cachescope bench --files --threads 2\n"

        "  cachescope bench --files --decode-thread off");
    return {benchCmd, [bench, nOption] {
                if (bench->files && nOption->count() == 0) bench->n = 192;  // the traces: 28.3 M accesses
                benchCommand(*bench);
            }};
}

}  // namespace cachescope::cli
