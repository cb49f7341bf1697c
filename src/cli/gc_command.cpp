// `cachescope gc`: an object-graph trace under reference counting and mark-sweep, side by side
// (gc/). Format and semantics in docs/gc.md.

#include <iostream>
#include <memory>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/json_text.hpp"
#include "cachescope/gc/report.hpp"
#include "cachescope/gc/run.hpp"
#include "cachescope/gc/trace.hpp"
#include "commands.hpp"

namespace cachescope::cli {

namespace {

struct GcArgs {
    std::string trace;
    std::string threshold;  // empty = only at `collect` events
    bool json = false, csv = false;
    std::string output;
};

std::uint64_t thresholdOf(const std::string& text) {
    if (text.empty()) return 0;
    const auto value = parseSize(text);
    if (!value || *value == 0)
        throw UsageError("--threshold '" + text + "' is not a size; expected a byte count above 0 such as 4096 or 1MiB");
    return *value;
}

void gcCommand(const GcArgs& args) {
    checkOutputs({args.output});
    gc::GcOptions options;
    options.threshold = thresholdOf(args.threshold);
    const gc::GcTrace trace = gc::loadGcTrace(args.trace);
    gc::TimelineRecorder timeline(trace);
    const gc::GcStats stats = gc::runGc(trace, options, args.csv ? &timeline : nullptr);
    emit(args.output, [&](std::ostream& os) {
        if (args.json)
            os << jsonText(gc::gcJson(trace, stats), 2) << '\n';
        else if (args.csv)
            gc::printGcCsv(os, timeline.rows());
        else
            gc::printGcText(os, trace, stats);
    });
}

}  // namespace

Command addGcCommand(CLI::App& app) {
    auto args = std::make_shared<GcArgs>();
    CLI::App* cmd = app.add_subcommand(
        "gc", "Run an object-graph trace under reference counting and mark-sweep (what each frees, leaked cycles, pauses)");
    cmd->add_option("--threshold", args->threshold,
                    "Mark-sweep also collects after every BYTES allocated (e.g. 4KiB); default: only at 'collect' events");
    CLI::Option* json = cmd->add_flag("--json", args->json, "Print as JSON");
    CLI::Option* csv = cmd->add_flag("--csv", args->csv, "Print the timeline as CSV, one row per event");
    json->excludes(csv);
    cmd->add_option("-o,--output", args->output, "Write to FILE (atomically) instead of stdout");
    cmd->add_option("trace", args->trace, "Object-graph trace (docs/gc.md); - = standard input")->required();
    cmd->footer(
        "Examples:\n"
        "  cachescope gc traces/parent-child-cycle.gc\n"
        "  cachescope gc --threshold 1KiB traces/autograd.gc\n"
        "  cachescope gc --json -o gc.json traces/doubly-linked-list.gc\n"
        "  cachescope gc --csv traces/autograd.gc");
    return {cmd, [args] { gcCommand(*args); }};
}

}  // namespace cachescope::cli
