// `cachescope sweep` (every combination of --vary values on every trace, in parallel, optionally
// one shard of it) and `cachescope sweep merge OUT FILE...` (shards back into the whole sweep).
// The plan, the threads and the file formats are in the core (analysis/sweep.hpp).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "cachescope/analysis/sweep.hpp"
#include "cachescope/analysis/sweep_plot.hpp"
#include "cachescope/config/presets.hpp"
#include "cachescope/core/atomic_file.hpp"
#include "cachescope/core/error.hpp"
#include "commands.hpp"

namespace cachescope::cli {

namespace {

struct SweepArgs {
    std::string config;
    std::vector<std::string> vary;
    std::vector<std::string> traces;
    std::string traceFormat = "auto";
    std::string kernel;
    std::vector<std::string> params;
    unsigned jobs = 0;  // 0 = number of cores
    std::string shard;  // "I/N", empty = the whole sweep
    bool json = false;
    bool csv = false;
    bool skipInvalid = false;
    std::string output;
    std::string plot, plotLevel, plotX;  // --plot FILE.svg: the sweep curve (analysis/sweep_plot.hpp)
};

struct MergeArgs {
    std::string output;
    std::vector<std::string> inputs;
    bool json = false;
    bool csv = false;
    std::string plot, plotLevel, plotX;
};

std::string readText(const std::string& path, const char* what) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw IoError("cannot open " + std::string(what) + " '" + path + "': Is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot open " + std::string(what) + " '" + path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw IoError("cannot read " + std::string(what) + " '" + path + "'");
    return text.str();
}

void emitTable(const std::string& path, bool json, const SweepTable& table) {
    auto write = [&](std::ostream& os) {
        if (json) {
            writeSweepJson(os, table);
        } else {
            writeSweepCsv(os, table);
        }
    };
    emit(path, write);
}

/// The table, and the plot if asked: the curve against a numeric --vary, or one bar per run when
/// every --vary is words (policies; --plot-x does not apply then). The chart is built first so a
/// bad --plot-level or --plot-x fails before anything is written.
void writeOutputs(const std::string& output, bool json, const SweepTable& table, const std::string& plotFile,
                  const std::string& level, const std::string& x) {
    std::optional<plot::LineChart> chart;
    std::optional<plot::BarChart> bars;
    if (!plotFile.empty()) {
        if (hasNumericVary(table) || !x.empty())
            chart = sweepChart(table, level, x);
        else
            bars = sweepBars(table, level);
    }
    emitTable(output, json, table);
    if (chart) plot::writeSvg(plotFile, *chart);
    if (bars) plot::writeSvg(plotFile, *bars);
}

void sweepCommand(const SweepArgs& args) {
    if (args.config.empty()) throw UsageError("sweep needs --config FILE (the base config the --vary keys change)");
    checkOutputs({args.output, args.plot});
    std::vector<SourceSpec> sources;
    std::vector<std::string> labels;
    if (!args.kernel.empty()) {
        if (!args.traces.empty())
            throw UsageError("sweep: give trace files or --kernel, not both (got trace '" + args.traces.front() +
                             "' and --kernel " + args.kernel + ")");
        sources.push_back(SourceSpec::kernelRun(args.kernel, args.params));
    } else {
        for (const std::string& t : args.traces) {
            if (t == "-")
                throw UsageError(
                    "sweep reads every trace once per combination; give trace files, not - "
                    "(standard input)");
            sources.push_back(SourceSpec::file(t, parseTraceFormat(args.traceFormat)));
            sources.back().params = args.params;  // refused by openSource: parameters need a kernel
            openSource(sources.back());  // a missing or undetectable trace fails now, before any run
        }
    }
    for (const SourceSpec& s : sources) labels.push_back(describeSource(s));

    std::vector<SweepVary> vary;
    for (const std::string& v : args.vary) vary.push_back(parseVary(v));
    const std::string configPath = resolveConfigPath(args.config);  // a preset name works too
    const SweepPlan plan(configPath, readText(configPath, "config"), std::move(vary), labels, args.skipInvalid);

    SweepOptions options;
    options.jobs = args.jobs != 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
    if (!args.shard.empty()) options.shard = parseShard(args.shard);
    // Parallel runs keep the CPUs busy already: each decodes its trace inline.
    if (options.jobs > 1)
        for (SourceSpec& s : sources) s.decodeThread = DecodeThread::Off;
    // Progress on a terminal only ("sweep: 5 of 16 runs"), erased when the sweep ends or fails.
    struct Progress {
        bool on = ::isatty(2) == 1;
        Progress() = default;
        Progress(const Progress&) = delete;
        Progress& operator=(const Progress&) = delete;
        ~Progress() {
            if (on) std::cerr << "\r\033[K" << std::flush;
        }
    } progress;
    if (progress.on)
        options.onRunDone = [](std::uint64_t done, std::uint64_t total) {
            std::cerr << "\rsweep: " << done << " of " << total << " runs" << std::flush;
        };
    const SweepTable table = runSweep(
        plan, [&sources](std::size_t trace) { return openSource(sources[trace]); }, options);
    writeOutputs(args.output, args.json, table, args.plot, args.plotLevel, args.plotX);
}

void sweepMergeCommand(const MergeArgs& args) {
    checkOutputs({args.output, args.plot});
    std::vector<SweepTable> parts;
    bool firstIsJson = false;
    for (const std::string& path : args.inputs) {
        const std::string text = readText(path, "sweep file");
        if (parts.empty())
            firstIsJson = text.find_first_not_of(" \t\r\n") != std::string::npos &&
                          text[text.find_first_not_of(" \t\r\n")] == '{';
        parts.push_back(readSweep(text, path));
    }
    const SweepTable merged = mergeSweeps(parts, args.inputs);
    const std::string ext = std::filesystem::path(args.output).extension().string();
    const bool json = args.json || (!args.csv && (ext == ".json" || (ext != ".csv" && firstIsJson)));
    writeOutputs(args.output, json, merged, args.plot, args.plotLevel, args.plotX);
}

}  // namespace

Command addSweepCommand(CLI::App& app) {
    auto args = std::make_shared<SweepArgs>();
    auto merge = std::make_shared<MergeArgs>();
    CLI::App* cmd = app.add_subcommand("sweep", "Run every combination of config values on every trace (CSV/JSON)");
    cmd->add_option("--config,-c", args->config, "Base hierarchy config (JSON)");
    cmd->add_option("--vary", args->vary,
                    "PATH=V1,V2,... a config key and its values (repeatable; the first varies slowest)")
        ->allow_extra_args(false);  // one value per --vary, so trace files after it stay positional
    cmd->add_option("--jobs,-j", args->jobs, "Worker threads (default: number of cores)")->check(CLI::Range(1u, 1024u));
    cmd->add_option("--shard", args->shard, "Run only shard I/N: the runs whose index mod N == I (I from 0)");
    CLI::Option* jsonOpt = cmd->add_flag("--json", args->json, "Write JSON");
    CLI::Option* csvOpt = cmd->add_flag("--csv", args->csv, "Write CSV (the default)");
    jsonOpt->excludes(csvOpt);
    cmd->add_flag("--skip-invalid", args->skipInvalid,
                  "Report an impossible combination as an error row instead of failing the sweep");
    cmd->add_option("-o,--output", args->output, "Write to FILE (atomically) instead of stdout");
    auto addPlotOptions = [](CLI::App* c, std::string& plotFile, std::string& level, std::string& x) {
        c->add_option("--plot", plotFile,
                      "Also draw the sweep curve to FILE.svg: a level's miss rate against a numeric --vary, one line "
                      "per combination of the others (docs/plots.md)");
        c->add_option("--plot-level", level, "Cache or TLB whose miss rate --plot draws (default: the first cache)");
        c->add_option("--plot-x", x, "The --vary path on the x axis of --plot (default: the first numeric one)");
    };
    addPlotOptions(cmd, args->plot, args->plotLevel, args->plotX);
    cmd->add_option("--trace-format", args->traceFormat, "Trace format (default: detect from content)")
        ->check(CLI::IsMember({"auto", "text", "din", "lackey", "binary"}));
    cmd->add_option("--kernel,-k", args->kernel, "Run a built-in kernel instead of reading traces");
    cmd->add_option("--param,-p", args->params, "Kernel parameter NAME=VALUE (repeatable)")->allow_extra_args(false);
    cmd->add_option("traces", args->traces, "Trace files");
    cmd->footer(
        "Examples:\n"
        "  cachescope sweep -c configs/teaching.json --vary caches.L1.size=512,1KiB,2KiB \\\n"
        "      --vary caches.L1.associativity=1,2,4 traces/strided.trace traces/sequential.trace\n"
        "  cachescope sweep -c configs/default.json --vary caches.L1D.replacement=lru,fifo,random --json \\\n"
        "      --kernel matmul --param n=64\n"
        "  cachescope sweep -c configs/teaching.json --vary caches.0.size=1KiB,2KiB --shard 0/2 -o part0.csv "
        "traces/strided.trace\n"
        "  cachescope sweep merge all.csv part0.csv part1.csv\n"
        "  cachescope sweep -c configs/teaching.json --vary caches.L1.size=256,512,1KiB,2KiB,4KiB \\\n"
        "      --vary caches.L1.associativity=1,2,4 --plot sweep.svg --kernel matmul --param n=16\n"
        "Rows: index = combination * traces + trace. See docs/sweeps.md.");

    CLI::App* mergeCmd = cmd->add_subcommand("merge", "Join the shards of one sweep into the whole sweep's output");
    mergeCmd->add_option("out", merge->output, "Output file (- = stdout); .json = JSON, .csv = CSV")->required();
    mergeCmd->add_option("files", merge->inputs, "Shard files (CSV or JSON)")->required();
    CLI::Option* mJson = mergeCmd->add_flag("--json", merge->json, "Write JSON");
    CLI::Option* mCsv = mergeCmd->add_flag("--csv", merge->csv, "Write CSV");
    mJson->excludes(mCsv);
    addPlotOptions(mergeCmd, merge->plot, merge->plotLevel, merge->plotX);
    mergeCmd->footer(
        "Examples:\n"
        "  cachescope sweep merge all.csv part0.csv part1.csv part2.csv\n"
        "  cachescope sweep merge all.json part*.json");

    return Command{cmd, [args, merge, mergeCmd] {
                       if (mergeCmd->parsed()) {
                           sweepMergeCommand(*merge);
                       } else {
                           sweepCommand(*args);
                       }
                   }};
}

}  // namespace cachescope::cli
