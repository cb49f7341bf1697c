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
        "  cachescope run -c configs/teaching.json --kernel matmul --param n=32 --param order=ijk --plot matmul.svg\n"
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
        "  cachescope alloc --allocator best-fit traces/textbook-placement.alloc\n"
        "  cachescope gc traces/parent-child-cycle.gc\n"
        "  cachescope alloc compare --workload mlp-train --param batch=64\n"
        "Run 'cachescope <command> --help' for the options of a command.");

    // Every subcommand, in the order `--help` lists them: each add...Command declares its options
    // on `app` and says what to run when it is chosen.
    std::vector<Command> commands;
    commands.push_back(addRunCommand(app));
    commands.push_back(addKernelsCommand(app));
    commands.push_back(addTraceCommand(app));
    commands.push_back(addPoliciesCommand(app));
    commands.push_back(addConfigCommand(app));
    commands.push_back(addBenchCommand(app));
    commands.push_back(addCompareCommand(app));
    commands.push_back(addSweepCommand(app));
    commands.push_back(addExplainCommand(app));
    commands.push_back(addReuseCommand(app));
    commands.push_back(addMrcCommand(app));
    commands.push_back(addAllocCommand(app));
    commands.push_back(addGcCommand(app));
    commands.push_back(addWorkloadsCommand(app));
    applyOptionRules(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ExtrasError& e) {
        // Often a second value given to a repeatable option (compare -c a.json b.json TRACE).
        const int status = app.exit(e);
        std::cerr << "Options such as --config in compare, --param, --vary and --seek-config take one value each; "
                     "repeat the option for more (-c a.json -c b.json).\n";
        return status;
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    try {
        const auto chosen =
            std::find_if(commands.begin(), commands.end(), [](const Command& c) { return c.app->parsed(); });
        if (chosen != commands.end()) chosen->run();
        finishStdout();
    } catch (const cachescope::Error& e) {
        return fail(e.what());
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    return 0;
}
