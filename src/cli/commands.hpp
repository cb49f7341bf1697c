#pragma once
// The subcommands of `cachescope`. Each one takes its parsed options, writes its report to
// standard output (or a file) and throws cachescope::Error on a user error; main() turns errors
// into one "cachescope: error: ..." line and exit status 1.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <functional>
#include <initializer_list>

#include <CLI/CLI.hpp>

#include "cachescope/config/config.hpp"
#include "cachescope/kernels/kernel.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope::cli {

enum class ReportFormat { Text, Json, Csv };

/// Where accesses come from: a trace file (or "-") or a built-in kernel run live.
struct SourceArgs {
    std::string trace;                // "-" = standard input; empty with a kernel
    std::string traceFormat = "auto";
    std::string kernel;               // empty = read `trace`
    std::vector<std::string> params;  // "name=value" for the kernel
    std::string maxMemory;            // --max-memory SIZE; empty = half of this machine's memory
    std::string placement;            // --placement ALLOCATOR; empty = the kernel's own layout
    std::string decodeThread = "auto";  // --decode-thread auto|on|off
    std::vector<std::string> mix;     // --mix SOURCE (repeatable): processes 0, 1, ...
    std::uint64_t quantum = 1000;     // --quantum N: references per turn with --mix
};

/// The session library's description of the same source (trace format name parsed).
SourceSpec toSpec(const SourceArgs& source);

struct RunArgs {
    std::string config;
    SourceArgs source;
    std::optional<std::uint64_t> seed;
    ReportFormat format = ReportFormat::Text;
    std::string output;          // empty = standard output
    bool classify = false;       // 3C miss classes (analysis/miss_classes.hpp)
    std::string plot;            // --plot: the run's locality picture (SVG); empty = none
    bool vsOpt = false;          // also simulate each level under OPT (analysis/opt_gap.hpp)
    bool flush = false;          // --flush: report the end-of-run flush (sim/flush.hpp) apart
    std::uint32_t threads = 1;   // --threads: shards simulated in parallel (sim/parallel.hpp); 0 = one per core
    bool stopOnFault = false;    // --on-fault stop: a protection or segmentation fault ends the run
};

struct BenchArgs {
    bool json = false;
    std::uint32_t n = 256;
    std::uint32_t runs = 3;
    std::vector<std::string> seekConfigs;  // --seek-config: one seek/<name> case each
    std::string configs;  // non-empty: a snapshot case for every *.json there but schema.json
    bool files = false;   // --files: whole runs from trace files (n defaults to 192 then)
    bool alloc = false;   // --alloc: the allocator suite (alloc/<allocator> cases)
    std::uint32_t threads = 1;  // --threads: also the threads<S>/... cases (BenchOptions::threads)
    std::string decodeThread = "auto";  // --decode-thread, for --files
};

struct TraceRecordArgs {
    std::string kernel;
    std::vector<std::string> params;
    std::vector<std::string> program;  // after "--": run it under Valgrind Lackey
    std::string placement;             // --placement ALLOCATOR (a kernel's tensors)
    std::string output;
    std::string format = "auto";       // auto = from the output file's extension, else binary
    bool allocations = false;          // --allocations: the program's allocations (docs/alloc.md)
};

struct TraceConvertArgs {
    std::string input, output;
    std::string from = "auto";
    std::string to = "auto";           // auto = from the output file's extension
};

struct TraceInfoArgs {
    SourceArgs source;
    bool json = false;
    std::uint32_t lineSize = 64;
    std::uint32_t pageSize = 4096;
};

void runCommand(const RunArgs& args);
/// Simulates the source of `args` under `config` (already loaded from args.config, seed applied)
/// and returns the report; what `run` and `compare` share. Reads the source once (twice for OPT
/// page replacement, which needs a trace file).
RunSummary simulateSource(const RunArgs& args, const SimConfig& config);
void kernelsCommand(const std::string& name);  // empty = every kernel
/// The parameter table of `kernels` and `workloads`: name, default, description, allowed values.
void printParamSpecs(std::ostream& os, const std::vector<KernelParamSpec>& params);
void traceRecordCommand(const TraceRecordArgs& args);
void traceConvertCommand(const TraceConvertArgs& args);
void traceInfoCommand(const TraceInfoArgs& args);
/// The output format named by `name`, or chosen from the extension of `path` when `name` is auto:
/// .bin/.cst binary, .din din, .lackey lackey, .trace/.txt text; otherwise `fallback`, or a
/// UsageError if there is none.
TraceFormat outputFormat(const std::string& name, const std::string& path, std::optional<TraceFormat> fallback);
void policiesCommand();
void configCheckCommand(const std::string& path);
void configShowCommand(const std::string& path);
void configPresetsCommand();
void benchCommand(const BenchArgs& args);

/// A subcommand: `add...Command(app)` declares its options on `app` and returns the subcommand and
/// what to run when it was chosen (it dispatches to its own subcommands, if any). main() runs the
/// chosen one.
struct Command {
    CLI::App* app = nullptr;
    std::function<void()> run;
};
/// Applies the rules every option of `app` and its subcommands follows (option_rules.cpp): no
/// negative value for an unsigned option; one value per occurrence of a repeatable option.
void applyOptionRules(CLI::App& app);
/// Adds the options of a trace source (trace file, --trace-format, --kernel, --param) to `cmd`.
void addSourceOptions(CLI::App* cmd, SourceArgs& source);

// Every subcommand, registered the same way by main.cpp (each adds one line here and one there):
Command addRunCommand(CLI::App& app);       // commands.cpp
Command addKernelsCommand(CLI::App& app);   // trace_commands.cpp
Command addTraceCommand(CLI::App& app);     // trace record, convert, info (trace_commands.cpp)
Command addPoliciesCommand(CLI::App& app);  // commands.cpp
Command addConfigCommand(CLI::App& app);    // config check, show (commands.cpp)
Command addBenchCommand(CLI::App& app);     // commands.cpp
Command addCompareCommand(CLI::App& app);  // compare_command.cpp
Command addSweepCommand(CLI::App& app);  // sweep, sweep merge (sweep_command.cpp)
Command addExplainCommand(CLI::App& app);  // explain_command.cpp
Command addReuseCommand(CLI::App& app);  // reuse_commands.cpp: reuse-distance histogram
Command addMrcCommand(CLI::App& app);    // reuse_commands.cpp: miss-ratio curve (exact or SHARDS)
Command addAllocCommand(CLI::App& app);  // alloc, alloc compare (alloc_command.cpp)
Command addGcCommand(CLI::App& app);     // gc: reference counting vs mark-sweep (gc_command.cpp)
Command addWorkloadsCommand(CLI::App& app);  // workloads_command.cpp: the allocation workloads

/// Writes with `write` to standard output when `path` is empty or "-", else atomically to `path`
/// (writeFileAtomically: a failed command leaves no file behind).
void emit(const std::string& path, const std::function<void(std::ostream&)>& write);

/// Fails at once, before any simulation, if one of the output files named on the command line
/// (-o, --plot) cannot be created (checkWritable); empty and "-" (standard output) pass.
void checkOutputs(std::initializer_list<std::string> paths);

/// Flushes standard output; throws IoError if anything written to it was lost (e.g. disk full).
void finishStdout();

}  // namespace cachescope::cli
