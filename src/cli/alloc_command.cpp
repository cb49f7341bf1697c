// `cachescope alloc`: an allocation trace (a file, or a built-in workload run with --workload) through
// one simulated allocator (alloc/), or through every one side by side (`alloc compare`); --plot
// draws the heap map. Layout and semantics in docs/alloc.md.

#include <iostream>
#include <memory>

#include "cachescope/core/json_text.hpp"
#include "cachescope/alloc/allocator.hpp"
#include "cachescope/alloc/heap_plot.hpp"
#include "cachescope/alloc/workload.hpp"
#include "cachescope/alloc/report.hpp"
#include "cachescope/alloc/run.hpp"
#include "cachescope/alloc/trace.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/plot/svg.hpp"
#include "cachescope/core/atomic_file.hpp"
#include "cachescope/core/error.hpp"
#include "commands.hpp"

namespace cachescope::cli {

namespace {

struct AllocArgs {
    std::string allocator = "first-fit";
    std::string trace;
    std::string workload;             // --workload: a built-in workload instead of a trace file
    std::vector<std::string> params;  // its --param name=value
    std::string writeTrace;           // --write-trace FILE: the trace as text
    std::string plot;                 // --plot FILE.svg: the heap map
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

/// Hands every step to each of its observers that is not null (--csv and --plot together).
struct ObserverList final : alloc::AllocObserver {
    std::vector<alloc::AllocObserver*> list;
    void onStep(const alloc::AllocStep& step) override {
        for (alloc::AllocObserver* o : list)
            if (o != nullptr) o->onStep(step);
    }
};

/// The trace file, or the workload run (its loss or tokens noted on stderr); --write-trace written.
alloc::AllocTrace loadSource(const AllocArgs& args) {
    if (args.trace.empty() == args.workload.empty())
        throw UsageError("alloc needs an allocation trace (or '-' for standard input) or --workload NAME "
                         "(cachescope workloads lists them), not both");
    if (args.workload.empty() && !args.params.empty())
        throw UsageError("--param sets a workload's parameters; it needs --workload NAME");
    alloc::AllocTrace trace;
    if (args.workload.empty()) {
        trace = alloc::loadAllocTrace(args.trace);
    } else {
        alloc::WorkloadResult r = alloc::runWorkload(args.workload, args.params);
        if (!r.losses.empty()) {
            std::cerr << "cachescope: " << args.workload << ": loss by step";
            for (std::size_t i = 0; i < r.losses.size(); ++i)
                if (i < 8 || i + 1 == r.losses.size())
                    std::cerr << (i == 0 ? " " : i < 8 ? ", " : " ... ") << plot::fixed(r.losses[i], 4);
            std::cerr << '\n';
        }
        if (!r.tokens.empty()) {
            std::cerr << "cachescope: " << args.workload << ": generated tokens";
            for (std::size_t i = 0; i < r.tokens.size() && i < 16; ++i) std::cerr << ' ' << r.tokens[i];
            std::cerr << (r.tokens.size() > 16 ? " ...\n" : "\n");
        }
        trace = std::move(r.trace);
    }
    if (!args.writeTrace.empty())
        writeFileAtomically(args.writeTrace, [&](std::ostream& os) { alloc::writeAllocTrace(os, trace); });
    return trace;
}

void allocCommand(const AllocArgs& args) {
    checkOutputs({args.output, args.writeTrace, args.plot});
    const std::uint64_t capacity = capacityOf(args.capacity);
    auto allocator = alloc::makeAllocator(args.allocator, capacity);
    const alloc::AllocTrace trace = loadSource(args);
    alloc::TimelineRecorder timeline(trace);
    alloc::HeapMapRecorder heap(trace);
    ObserverList observers;
    observers.list = {args.csv ? &timeline : nullptr, args.plot.empty() ? nullptr : &heap};
    const alloc::AllocStats stats = alloc::runAllocations(trace, *allocator, &observers);
    if (!args.plot.empty()) plot::writeSvg(args.plot, alloc::heapMapFigure(trace, {heap.heapMap(args.allocator)}));
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
    checkOutputs({args.output, args.writeTrace, args.plot});
    const std::uint64_t capacity = capacityOf(args.capacity);
    const alloc::AllocTrace trace = loadSource(args);
    std::vector<alloc::AllocStats> runs;
    std::vector<plot::HeapMap> panels;
    for (const alloc::AllocatorInfo& info : alloc::allocators()) {
        auto allocator = info.make(capacity);
        alloc::HeapMapRecorder heap(trace);
        runs.push_back(alloc::runAllocations(trace, *allocator, args.plot.empty() ? nullptr : &heap));
        if (!args.plot.empty()) panels.push_back(heap.heapMap(info.name));
    }
    if (!args.plot.empty()) plot::writeSvg(args.plot, alloc::heapMapFigure(trace, std::move(panels)));
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
    cmd->add_option("--workload,-w", args.workload, "Run a built-in workload instead of a trace (cachescope workloads)");
    cmd->add_option("--param,-p", args.params, "Workload parameter NAME=VALUE (repeatable)");
    cmd->add_option("--write-trace", args.writeTrace, "Also write the allocation trace as text to FILE (atomically)");
    cmd->add_option("--plot", args.plot, "Draw the heap map and fragmentation over time to FILE.svg");
    cmd->add_option("trace", args.trace, "Allocation trace (docs/alloc.md); - = standard input");
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
        "  cachescope alloc compare --capacity 1705KiB --csv -o compare.csv traces/textbook-placement.alloc\n"
        "  cachescope alloc compare --workload cnn-train --plot heaps.svg");
    // `alloc compare TRACE` must not take "compare" for the trace of `alloc`.
    cmd->get_option("trace")->required(false);
    cmd->footer(
        "Examples:\n"
        "  cachescope alloc --allocator best-fit traces/textbook-placement.alloc\n"
        "  cachescope alloc -a buddy --json traces/textbook-placement.alloc\n"
        "  cachescope alloc -a first-fit --capacity 1705KiB --csv -o timeline.csv traces/textbook-placement.alloc\n"
        "  cachescope alloc compare --capacity 1705KiB traces/textbook-placement.alloc\n"
        "  cachescope alloc -a best-fit --workload mlp-train --param layers=784,512,10 --plot heap.svg\n"
        "  cachescope alloc --workload transformer-decode --param growth=paged --write-trace decode.alloc");
    return {cmd, [cmd, compare, args, cmpArgs] {
                if (compare->parsed()) {
                    allocCompareCommand(*cmpArgs);
                    return;
                }
                (void)cmd;
                allocCommand(*args);
            }};
}

}  // namespace cachescope::cli
