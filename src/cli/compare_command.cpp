// `cachescope compare`: the same trace under several configs, one table side by side
// (layout in report/compare.hpp).

#include <iostream>

#include "cachescope/core/json_text.hpp"
#include "cachescope/core/atomic_file.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/report/compare.hpp"
#include "commands.hpp"

namespace cachescope::cli {

namespace {

struct CompareArgs {
    std::vector<std::string> configs;
    SourceArgs source;
    bool json = false;
    bool classify = false;
    std::string output;
};

void compareCommand(const CompareArgs& args) {
    checkOutputs({args.output});
    if (args.configs.size() < 2)
        throw UsageError("compare needs at least two --config files (got " + std::to_string(args.configs.size()) + ")");
    if (toSpec(args.source).readsStandardInput())
        throw UsageError("compare reads the trace once per config; give a trace file, not standard input");
    // Load every config first, so a bad one fails before any simulation.
    std::vector<SimConfig> configs;
    for (const std::string& path : args.configs) configs.push_back(loadConfig(path));
    std::vector<RunSummary> runs;
    for (std::size_t i = 0; i < configs.size(); ++i) {
        RunArgs run;
        run.config = args.configs[i];
        run.source = args.source;
        run.classify = args.classify;
        runs.push_back(simulateSource(run, configs[i]));
    }
    auto write = [&](std::ostream& os) {
        if (args.json)
            os << jsonText(compareJson(runs), 2) << '\n';
        else
            printCompareText(os, runs);
    };
    emit(args.output, write);
}

}  // namespace

Command addCompareCommand(CLI::App& app) {
    auto args = std::make_shared<CompareArgs>();
    CLI::App* cmd = app.add_subcommand("compare", "Run one trace under several configs and compare them side by side");
    cmd->add_option("--config,-c", args->configs, "Hierarchy config (JSON); repeat: two or more")
        ->allow_extra_args(false);  // one file per --config, so the trace is not taken for a config
    cmd->add_flag("--json", args->json, "Print the comparison as JSON");
    cmd->add_flag("--classify", args->classify, "Add compulsory, capacity and conflict misses (3C) per level");
    cmd->add_option("-o,--output", args->output, "Write the comparison to FILE (atomically) instead of stdout");
    addSourceOptions(cmd, args->source);
    cmd->footer(
        "Examples:\n"
        "  cachescope compare -c configs/teaching.json -c configs/teaching-paging.json traces/strided.trace\n"
        "  cachescope compare -c a.json -c b.json --classify --kernel matmul --param n=32\n"
        "  cachescope compare -c a.json -c b.json -c c.json --json -o cmp.json traces/sequential.trace");
    return {cmd, [args] { compareCommand(*args); }};
}

}  // namespace cachescope::cli
