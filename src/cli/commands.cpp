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

#include <nlohmann/json.hpp>

#include "cachescope/analysis/miss_classes.hpp"
#include "cachescope/analysis/locality.hpp"
#include "cachescope/analysis/opt_gap.hpp"
#include "cachescope/analysis/reuse.hpp"
#include "cachescope/bench/bench.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/core/atomic_file.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/plot/svg.hpp"
#include "cachescope/policy/registry.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/sim/run.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope::cli {

namespace {

using Clock = std::chrono::steady_clock;

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
    void accesses(std::uint64_t count) {
        const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
        const double rate = seconds > 0 ? double(count) / seconds / 1e6 : 0.0;
        show(withThousands(count) + " accesses, " + format("%.1f", rate) + " M accesses/s");
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

void finishStdout() {
    std::cout.flush();
    if (!std::cout) throw IoError("cannot write standard output");
}

RunSummary simulateSource(const RunArgs& args, const SimConfig& config) {
    std::unique_ptr<TraceReader> trace = openSource(args.source);

    Simulator simulator(config);
    const TraceMetadata* metadata = trace->metadata();
    if (metadata != nullptr && metadata->sites.size() > 1)
        simulator.enableAttribution(static_cast<std::uint32_t>(metadata->sites.size()));
    // Observers (built after attribution, which the classifier reads). Without any, the hierarchy
    // keeps its fast path.
    std::optional<MissClassifier> classifier;
    FanOutObserver observers;
    if (args.classify) {
        classifier.emplace(simulator.hierarchy());
        observers.add(&*classifier);
    }
    planFuturesFromSource(simulator, args.source);  // OPT: earlier passes learn the future
    // --plot: a first pass lays out the address axis, then the observer colors each reference by
    // the level that served it, seeing the references as the trace gives them (TappedReader).
    std::optional<LocalityObserver> locality;
    if (!args.plot.empty()) {
        if (readsStandardInput(args.source))
            throw UsageError("--plot reads the trace twice (once to lay out the address axis); give a trace file or "
                             "a kernel, not standard input");
        std::unique_ptr<TraceReader> scan = openSource(args.source);
        locality.emplace(simulator.hierarchy(), scanBands(*scan));
        observers.add(&*locality);
    }
    simulator.hierarchy().setObserver(observers.collapsed());
    RunOptions options;
    {
        Progress progress;
        options.onProgress = [&progress](std::uint64_t n) { progress.accesses(n); };
        if (locality) {
            TappedReader tapped(*trace, *locality);
            runTrace(simulator, tapped, options);
        } else {
            runTrace(simulator, *trace, options);
        }
    }
    if (locality) {
        // The title names the source as the user gave it (describeSource lists every resolved parameter).
        std::string source = args.source.kernel.empty() ? args.source.trace : "kernel " + args.source.kernel;
        for (const std::string& p : args.source.params) source += " " + p;
        const plot::LocalityPicture picture = locality->picture("Locality: " + source + " on " + config.name);
        plot::writeSvg(args.plot, picture);
    }
    if (!simulator.followedPlans())
        throw Error("internal error: an \"opt\" policy saw other accesses than it was planned for; please report "
                    "this with the config and trace");

    simulator.hierarchy().setObserver(nullptr);
    return summarize(
        simulator,
        RunInfo{args.config, describeSource(args.source), std::string(toString(trace->format())), trace->records()},
        metadata, classifier ? &*classifier : nullptr);
}

void runCommand(const RunArgs& args) {
    SimConfig config = loadConfig(args.config);
    if (args.seed) config.seed = *args.seed;
    if (args.vsOpt && readsStandardInput(args.source))
        throw UsageError("--vs-opt reads the trace again for every level; give a trace file, not standard input");
    RunSummary summary = simulateSource(args, config);
    if (args.vsOpt) {
        const OptComparison opt = compareWithOpt(config, [&args] { return openSource(args.source); });
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
    std::cout << path << ": OK\n";
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
}

void configShowCommand(const std::string& path) {
    const SimConfig config = loadConfig(path);
    std::cout << toJson(config).dump(2) << '\n';
}

void benchCommand(const BenchArgs& args) {
    Progress progress;
    BenchOptions options;
    options.n = args.n;
    options.runs = args.runs;
    options.onCaseStart = [&progress](const std::string& name) { progress.show("bench: " + name + " ..."); };
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
            if (r.name.starts_with("snapshot/")) {
                list.back()["copy_seconds"] = r.copySeconds;
                list.back()["snapshot_bytes"] = r.snapshotBytes;
            }
        }
        nlohmann::ordered_json j;
        j["results"] = std::move(list);
        std::cout << j.dump(2) << '\n';
        return;
    }

    const std::array<std::string, 7> header = {"case", "accesses", "misses (per level)", "seconds",
                                               "M accesses/s", "copy ms", "state KiB"};
    std::vector<std::array<std::string, 7>> rows;
    for (const BenchResult& r : results) {
        std::string misses;
        for (std::size_t i = 0; i < r.misses.size(); ++i) misses += (i ? " / " : "") + withThousands(r.misses[i]);
        const bool snapshot = r.name.starts_with("snapshot/");
        rows.push_back({r.name, withThousands(r.accesses), misses, format("%.3f", r.seconds),
                        format("%.1f", r.accessesPerSecond() / 1e6), snapshot ? format("%.3f", r.copySeconds * 1e3) : "",
                        snapshot ? format("%.1f", double(r.snapshotBytes) / 1024) : ""});
    }
    std::array<std::size_t, 7> width{};
    for (std::size_t i = 0; i < header.size(); ++i) {
        width[i] = header[i].size();
        for (const auto& row : rows) width[i] = std::max(width[i], row[i].size());
    }
    auto printRow = [&](const std::array<std::string, 7>& row) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            const std::string pad(width[i] - row[i].size(), ' ');
            std::cout << (i ? "  " : "") << (i == 0 ? row[i] + pad : pad + row[i]);
        }
        std::cout << '\n';
    };
    printRow(header);
    for (const auto& row : rows) printRow(row);
    std::cout << "n = " << args.n << " (float32 matmul, " << withThousands(4ULL * args.n * args.n * args.n)
              << " accesses per case); seconds: median of " << args.runs << " runs, one core\n";
    if (std::any_of(results.begin(), results.end(), [](const BenchResult& r) { return r.name.starts_with("mrc/"); }))
        std::cout << "mrc/exact, mrc/sampled: the ikj stream's reuse distances at 64 B lines (sampled: SHARDS at rate "
                  << format("%.2g", kDefaultSampleRate)
                  << "); misses: a 32 KiB fully associative LRU cache, read off the curve\n";
    if (!options.snapshotConfigs.empty())
        std::cout << "snapshot/<config>: 1,048,576 references (ijk, n = 64) simulated once, then the Simulator copied 9 "
                     "times; copy ms: the median copy; state KiB: Simulator::snapshotBytes(), the state beyond the "
                     "arrays of its caches, TLBs and walk caches\n";
    for (const BenchResult& r : results)
        if (r.bytesPerAccess > 0)
            std::cout << r.name << ": the ikj trace in the binary format, read back through openTrace: "
                      << format("%.3f", r.bytesPerAccess) << " bytes per access\n";
}

}  // namespace cachescope::cli
