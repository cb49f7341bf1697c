// cachescope command line: parses the arguments (CLI11) and dispatches to the subcommands in
// commands.hpp. User errors become one line "cachescope: error: <message>" and exit status 1;
// CLI11 usage errors print CLI11's message and exit with its code.

#include <algorithm>
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cachescope/core/error.hpp"
#include "commands.hpp"

namespace {

std::string oneLine(std::string message) {
    for (char& c : message)
        if (c == '\n' || c == '\r') c = ' ';
    return message;
}

int fail(const std::string& message) {
    std::cout.flush();
    std::cerr << "cachescope: error: " << oneLine(message) << std::endl;
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace cachescope::cli;

    CLI::App app{"cachescope: trace-driven simulator of caches and memory hierarchies", "cachescope"};
    app.set_version_flag("--version", std::string("cachescope ") + CACHESCOPE_VERSION);
    app.require_subcommand(1);
    app.footer(
        "Examples:\n"
        "  cachescope run --config configs/default.json traces/sequential.trace\n"
        "  cachescope run --config configs/default.json --json -o report.json traces/strided.trace\n"
        "  cachescope run --config configs/teaching.json --kernel matmul --param n=32 --param order=ijk\n"
        "  cachescope run -c configs/default.json --kernel matmul --param n=64 --plot matmul.svg\n"
        "  cachescope kernels\n"
        "  cachescope trace record --kernel conv2d -o conv.bin\n"
        "  cachescope trace info conv.bin\n"
        "  cachescope explain --config configs/teaching.json traces/thrash-one-set.trace\n"
        "  cachescope policies\n"
        "  cachescope config check configs/teaching.json\n"
        "  cachescope bench --n 128\n"
        "  cachescope compare -c configs/teaching.json -c configs/teaching-paging.json traces/strided.trace\n"
        "  cachescope sweep -c configs/teaching.json --vary caches.L1.size=512,1KiB,2KiB traces/strided.trace\n"
        "  cachescope reuse traces/matmul-ikj.bin\n"
        "  cachescope mrc --sizes 32KiB traces/matmul-ijk.bin\n"
        "Run 'cachescope <command> --help' for the options of a command.");

    // ---- run ---------------------------------------------------------------------------------
    RunArgs run;
    bool json = false;
    bool csv = false;
    std::uint64_t seed = 0;
    CLI::App* runCmd = app.add_subcommand("run", "Simulate a trace through the configured hierarchy");
    runCmd->add_option("--config,-c", run.config, "Hierarchy config (JSON)")->required();
    CLI::Option* seedOpt = runCmd->add_option("--seed", seed, "Seed of randomized policies (overrides the config)");
    CLI::Option* jsonOpt = runCmd->add_flag("--json", json, "Print the report as JSON");
    CLI::Option* csvOpt = runCmd->add_flag("--csv", csv, "Print the report as CSV (one row per cache, then memory)");
    jsonOpt->excludes(csvOpt);
    runCmd->add_flag("--classify", run.classify,
                     "Split each level's misses into compulsory, capacity and conflict (3C), also per tensor");
    runCmd->add_option("-o,--output", run.output, "Write the report to FILE (atomically) instead of stdout");
    runCmd->add_option("--plot", run.plot,
                       "Also draw the run's locality picture (address against time, colored by the level that "
                       "served each reference) to FILE.svg (atomically)");
    runCmd->add_flag("--vs-opt", run.vsOpt,
                     "Also simulate each cache and TLB level under OPT (Belady) on the same stream and report the "
                     "misses above optimal (reads the trace 2 more times per level)");
    addSourceOptions(runCmd, run.source);
    runCmd->footer(
        "Examples:\n"
        "  cachescope run --config configs/default.json traces/sequential.trace\n"
        "  cachescope run --config configs/teaching.json traces/thrash-one-set.trace\n"
        "  cachescope run -c configs/default.json --csv -o out.csv traces/strided.trace\n"
        "  cachescope run -c configs/teaching.json --kernel matmul --param n=32 --param order=ijk --param tile=8\n"
        "  cachescope run -c configs/teaching.json --classify traces/thrash-one-set.trace\n"
        "  cachescope run -c configs/default.json --kernel matmul --param n=64 --plot matmul.svg\n"
        "  cachescope run -c configs/teaching.json --vs-opt traces/thrash-one-set.trace\n"
        "  valgrind --tool=lackey --trace-mem=yes ./a.out 2>&1 | cachescope run -c configs/default.json -");

    // ---- kernels -------------------------------------------------------------------------------
    std::string kernelName;
    CLI::App* kernelsCmd = app.add_subcommand("kernels", "List the built-in kernels and their parameters");
    kernelsCmd->add_option("name", kernelName, "Show only this kernel");
    kernelsCmd->footer("Examples:\n  cachescope kernels\n  cachescope kernels conv2d");

    // ---- trace record / convert / info ----------------------------------------------------------
    CLI::App* traceCmd = app.add_subcommand("trace", "Record, convert and describe traces");
    traceCmd->require_subcommand(1);
    TraceRecordArgs record;
    CLI::App* recordCmd = traceCmd->add_subcommand(
        "record", "Record a kernel's accesses, or a program's under Valgrind Lackey, to a trace file");
    recordCmd->add_option("--kernel,-k", record.kernel, "Built-in kernel to record");
    recordCmd->add_option("--param,-p", record.params, "Kernel parameter NAME=VALUE (repeatable)");
    recordCmd->add_option("-o,--output", record.output, "Trace file to write (atomically)")->required();
    recordCmd->add_option("--format", record.format, "Output format (default: from the extension, else binary)")
        ->check(CLI::IsMember({"auto", "text", "din", "lackey", "binary"}));
    recordCmd->add_option("program", record.program, "Program and its arguments, after --");
    recordCmd->footer(
        "Examples:\n"
        "  cachescope trace record --kernel matmul --param n=64 --param order=ijk -o matmul.bin\n"
        "  cachescope trace record -o ls.bin -- ls -l /\n"
        "(tracing a program needs Debian's valgrind package)");
    TraceConvertArgs convert;
    CLI::App* convertCmd = traceCmd->add_subcommand("convert", "Convert a trace between formats");
    convertCmd->add_option("input", convert.input, "Trace to read (- = standard input)")->required();
    convertCmd->add_option("output", convert.output, "Trace to write (atomically)")->required();
    convertCmd->add_option("--from", convert.from, "Input format (default: detect)")
        ->check(CLI::IsMember({"auto", "text", "din", "lackey", "binary"}));
    convertCmd->add_option("--to", convert.to, "Output format (default: from the output's extension)")
        ->check(CLI::IsMember({"auto", "text", "din", "lackey", "binary"}));
    convertCmd->footer(
        "Examples:\n"
        "  cachescope trace convert traces/sample.din sample.bin\n"
        "  cachescope trace convert matmul.bin matmul.trace");
    TraceInfoArgs info;
    CLI::App* infoCmd = traceCmd->add_subcommand("info", "Describe a trace: accesses, footprint, regions");
    addSourceOptions(infoCmd, info.source);
    infoCmd->add_flag("--json", info.json, "Print as JSON");
    infoCmd->add_option("--line-size", info.lineSize, "Line size for the footprint (bytes)")
        ->check(CLI::Range(1u, 1u << 30));
    infoCmd->add_option("--page-size", info.pageSize, "Page size for the footprint (bytes)")->check(CLI::Range(1u, 1u << 30));
    infoCmd->footer(
        "Examples:\n"
        "  cachescope trace info traces/matmul-ikj.bin\n"
        "  cachescope trace info --kernel conv2d --param layout=NHWC --json");

    // ---- policies ------------------------------------------------------------------------------
    CLI::App* policiesCmd = app.add_subcommand("policies", "List the replacement policies");
    policiesCmd->footer("Example:\n  cachescope policies");

    // ---- config check / show -----------------------------------------------------------------
    std::string configPath;
    CLI::App* configCmd = app.add_subcommand("config", "Check or show a hierarchy config");
    configCmd->require_subcommand(1);
    CLI::App* checkCmd = configCmd->add_subcommand("check", "Validate a config and summarize its caches");
    checkCmd->add_option("file", configPath, "Config file (JSON)")->required();
    CLI::App* showCmd = configCmd->add_subcommand("show", "Print the config with every default filled in (JSON)");
    showCmd->add_option("file", configPath, "Config file (JSON)")->required();
    configCmd->footer(
        "Examples:\n"
        "  cachescope config check configs/default.json\n"
        "  cachescope config show configs/teaching.json");

    // ---- bench -----------------------------------------------------------------------------------
    BenchArgs bench;
    CLI::App* benchCmd = app.add_subcommand("bench", "Measure simulation speed on matmul address streams");
    benchCmd->add_flag("--json", bench.json, "Print the results as JSON");
    benchCmd->add_option("--n", bench.n, "Matrix dimension (4*n^3 accesses per case)")
        ->check(CLI::Range(1u, 4096u));
    benchCmd->add_option("--runs", bench.runs, "Runs per case; the median time is reported")
        ->check(CLI::Range(1u, 100u));
    benchCmd->add_option("--configs", bench.configs,
                         "Also a snapshot/<name> case for each config (*.json but schema.json) in this directory")
        ->check(CLI::ExistingDirectory);
    benchCmd->footer(
        "Examples:\n"
        "  cachescope bench\n"
        "  cachescope bench --n 64 --json\n"
        "  cachescope bench --configs configs");

    // Subcommands that live in their own files.
    std::vector<Command> commands;
    commands.push_back(addCompareCommand(app));
    commands.push_back(addSweepCommand(app));
    commands.push_back(addExplainCommand(app));
    commands.push_back(addReuseCommand(app));
    commands.push_back(addMrcCommand(app));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    try {
        const auto chosen =
            std::find_if(commands.begin(), commands.end(), [](const Command& c) { return c.app->parsed(); });
        if (chosen != commands.end()) {
            chosen->run();
        } else if (runCmd->parsed()) {
            if (seedOpt->count() > 0) run.seed = seed;
            run.format = json ? ReportFormat::Json : csv ? ReportFormat::Csv : ReportFormat::Text;
            runCommand(run);
        } else if (kernelsCmd->parsed()) {
            kernelsCommand(kernelName);
        } else if (recordCmd->parsed()) {
            traceRecordCommand(record);
        } else if (convertCmd->parsed()) {
            traceConvertCommand(convert);
        } else if (infoCmd->parsed()) {
            traceInfoCommand(info);
        } else if (policiesCmd->parsed()) {
            policiesCommand();
        } else if (checkCmd->parsed()) {
            configCheckCommand(configPath);
        } else if (showCmd->parsed()) {
            configShowCommand(configPath);
        } else if (benchCmd->parsed()) {
            benchCommand(bench);
        }
        finishStdout();
    } catch (const cachescope::Error& e) {
        return fail(e.what());
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    return 0;
}
