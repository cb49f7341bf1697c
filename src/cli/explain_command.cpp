// `cachescope explain`: narrates references K..K+N-1 of a trace step by step (the address split
// into tag, set and offset, the set before, hit or miss, the victim and why, translation, the
// level that served it and its cycles), as text for a student checking an exercise by hand, or
// as JSON. A Session simulates and narrates (session/session.hpp); this file parses and prints.

#include <iostream>
#include <memory>

#include "cachescope/core/json_text.hpp"
#include "cachescope/analysis/narration.hpp"
#include "cachescope/report/narration_printers.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/core/atomic_file.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/session/session.hpp"
#include "commands.hpp"

namespace cachescope::cli {

namespace {

struct ExplainArgs {
    std::string config;
    SourceArgs source;
    std::uint64_t from = 0;
    std::uint64_t count = 20;
    std::optional<std::uint64_t> seed;
    bool json = false;
    std::string output;
};

void explainCommand(const ExplainArgs& args) {
    if (args.count == 0)
        throw UsageError("--count must be at least 1 (got 0): it is the number of references to explain");
    checkOutputs({args.output});
    SimConfig config = loadConfig(args.config);
    if (args.seed) config.seed = *args.seed;
    const SourceSpec source = toSpec(args.source);
    SessionOptions options;
    options.configLabel = args.config;
    options.attribution = false;  // narration names statements from the metadata; no per-site counts
    // Every miss step names its 3C class; the references before --from are simulated silently,
    // keeping only what those classes need (session.hpp, openClassifyingFrom).
    const std::unique_ptr<Session> opened = openClassifyingFrom(config, source, options, args.from);
    Session& session = *opened;
    std::vector<ReferenceNarration> references;
    while (references.size() < args.count && !session.atEnd()) references.push_back(session.narrateNext());
    if (references.empty()) {
        const std::uint64_t n = session.position();
        throw UsageError("--from " + std::to_string(args.from) + " is past the end of the trace: it has " +
                         std::to_string(n) + (n == 1 ? " reference" : " references") +
                         (n == 0 ? "" : " (0 to " + std::to_string(n - 1) + ")"));
    }
    const bool reachedEnd = references.size() < args.count;
    auto write = [&](std::ostream& os) {
        if (args.json) {
            nlohmann::ordered_json j;
            j["config"] = args.config;
            j["source"] = describeSource(source);
            j["from"] = args.from;
            j["count"] = references.size();
            j["references"] = narrationToJson(references)["references"];
            os << jsonText(j, 2) << '\n';
            return;
        }
        const std::uint64_t last = references.back().index;
        os << "cachescope explain: " << args.config << " on " << describeSourceBriefly(source) << ", reference"
           << (last == args.from ? " " + std::to_string(args.from)
                                 : "s " + std::to_string(args.from) + " to " + std::to_string(last))
           << (reachedEnd ? " (the end of the trace)" : "") << "\n";
        printNarrationText(os, session.simulator(), references);
    };
    emit(args.output, write);
}

}  // namespace

Command addExplainCommand(CLI::App& app) {
    auto args = std::make_shared<ExplainArgs>();
    auto seed = std::make_shared<std::uint64_t>(0);
    CLI::App* cmd = app.add_subcommand("explain",
                                       "Narrate references step by step: address split, sets, victims, "
                                       "translation, who served each and its cycles");
    cmd->add_option("--config,-c", args->config, "Hierarchy config (JSON)")->required();
    cmd->add_option("--from", args->from, "First reference to explain (0-based; earlier ones are simulated silently)");
    cmd->add_option("--count,-n", args->count, "How many references to explain (default 20)");
    CLI::Option* seedOpt = cmd->add_option("--seed", *seed, "Seed of randomized policies (overrides the config)");
    cmd->add_flag("--json", args->json, "Print the narration as JSON");
    cmd->add_option("-o,--output", args->output, "Write to FILE (atomically) instead of stdout");
    addSourceOptions(cmd, args->source);
    cmd->footer(
        "Examples:\n"
        "  cachescope explain --config configs/teaching.json traces/thrash-one-set.trace\n"
        "  cachescope explain -c configs/teaching.json --from 100 --count 5 traces/matmul-ijk.bin\n"
        "  cachescope explain -c configs/teaching-paging.json traces/page-crossing.trace\n"
        "  cachescope explain -c configs/teaching.json --kernel matmul --param n=4 --count 8 --json");
    return {cmd, [args, seed, seedOpt] {
                if (seedOpt->count() > 0) args->seed = *seed;
                explainCommand(*args);
            }};
}

}  // namespace cachescope::cli
