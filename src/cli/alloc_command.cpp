// `cachescope alloc`: an allocation trace through one simulated allocator (alloc/), or through
// every one side by side (`alloc compare`). Layout and semantics in docs/alloc.md.

#include <iostream>
#include <memory>

#include "cachescope/core/json_text.hpp"
#include "cachescope/alloc/allocator.hpp"
#include "cachescope/alloc/report.hpp"
#include "cachescope/alloc/run.hpp"
#include "cachescope/alloc/trace.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "commands.hpp"

namespace cachescope::cli {

namespace {

struct AllocArgs {
    std::string allocator = "first-fit";
    std::string trace;
    std::string capacity;  // empty = unlimited
    bool json = false, csv = false;
    std::string output;
};

std::uint64_t capacityOf(const std::string& text) {
    if (text.empty()) return alloc::kUnlimited;
    const auto value = parseSize(text);
    if (!value || *value == 0)
        throw UsageError("--capacity '" + text + "' is not a size; expected a byte count such as 1048576 or 24GiB");
    return *value;
}

void allocCommand(const AllocArgs& args) {
    checkOutputs({args.output});
    const std::uint64_t capacity = capacityOf(args.capacity);
    auto allocator = alloc::makeAllocator(args.allocator, capacity);
    const alloc::AllocTrace trace = alloc::loadAllocTrace(args.trace);
    alloc::TimelineRecorder timeline(trace);
    const alloc::AllocStats stats = alloc::runAllocations(trace, *allocator, args.csv ? &timeline : nullptr);
    emit(args.output, [&](std::ostream& os) {
        if (args.json)
            os << jsonText(alloc::allocJson(trace, stats), 2) << '\n';
        else if (args.csv)
            alloc::printAllocCsv(os, timeline.rows());
        else
            alloc::printAllocText(os, trace, stats);
    });
}

void allocCompareCommand(const AllocArgs& args) {
    checkOutputs({args.output});
    const std::uint64_t capacity = capacityOf(args.capacity);
    const alloc::AllocTrace trace = alloc::loadAllocTrace(args.trace);
    std::vector<alloc::AllocStats> runs;
    for (const alloc::AllocatorInfo& info : alloc::allocators()) {
        auto allocator = info.make(capacity);
        runs.push_back(alloc::runAllocations(trace, *allocator));
    }
    emit(args.output, [&](std::ostream& os) {
        if (args.json) {
            nlohmann::ordered_json j = nlohmann::ordered_json::array();
            for (const auto& s : runs) j.push_back(alloc::allocJson(trace, s));
            os << jsonText(j, 2) << '\n';
            return;
        }
        if (args.csv)
            alloc::printAllocCompareCsv(os, runs);
        else
            alloc::printAllocCompareText(os, trace, runs);
    });
}

void addCommonOptions(CLI::App* cmd, AllocArgs& args) {
    cmd->add_option("--capacity", args.capacity, "Fail allocations beyond SIZE bytes of heap (e.g. 24GiB); default unlimited");
    CLI::Option* json = cmd->add_flag("--json", args.json, "Print as JSON");
    CLI::Option* csv = cmd->add_flag("--csv", args.csv, "Print as CSV");
    json->excludes(csv);
    cmd->add_option("-o,--output", args.output, "Write to FILE (atomically) instead of stdout");
    cmd->add_option("trace", args.trace, "Allocation trace (docs/alloc.md); - = standard input")->required();
}

}  // namespace

Command addAllocCommand(CLI::App& app) {
    auto args = std::make_shared<AllocArgs>();
    auto cmpArgs = std::make_shared<AllocArgs>();
    CLI::App* cmd = app.add_subcommand("alloc", "Run an allocation trace through a simulated allocator (fragmentation, footprint, leaks)");
    std::string names;
    for (const auto& info : alloc::allocators()) names += "\n  " + info.name + ": " + info.description;
    cmd->add_option("--allocator,-a", args->allocator, "Allocator (default first-fit):" + names);
    addCommonOptions(cmd, *args);
    CLI::App* compare = cmd->add_subcommand("compare", "Run the trace through every allocator, side by side");
    addCommonOptions(compare, *cmpArgs);
    compare->footer(
        "Examples:\n"
        "  cachescope alloc compare traces/textbook-placement.alloc\n"
        "  cachescope alloc compare --capacity 1705KiB --csv -o compare.csv traces/textbook-placement.alloc");
    // `alloc compare TRACE` must not take "compare" for the trace of `alloc`.
    cmd->get_option("trace")->required(false);
    cmd->footer(
        "Examples:\n"
        "  cachescope alloc --allocator best-fit traces/textbook-placement.alloc\n"
        "  cachescope alloc -a buddy --json traces/textbook-placement.alloc\n"
        "  cachescope alloc -a first-fit --capacity 1705KiB --csv -o timeline.csv traces/textbook-placement.alloc\n"
        "  cachescope alloc compare --capacity 1705KiB traces/textbook-placement.alloc");
    return {cmd, [cmd, compare, args, cmpArgs] {
                if (compare->parsed()) {
                    allocCompareCommand(*cmpArgs);
                    return;
                }
                if (args->trace.empty()) throw UsageError("alloc needs an allocation trace (or '-' for standard input)");
                (void)cmd;
                allocCommand(*args);
            }};
}

}  // namespace cachescope::cli
