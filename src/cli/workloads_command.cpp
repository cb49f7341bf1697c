// `cachescope workloads`: the built-in allocation workloads (alloc/workload.hpp) and their
// parameters, as `cachescope kernels` lists the kernels.

#include <iostream>
#include <memory>

#include "cachescope/alloc/workload.hpp"
#include "commands.hpp"

namespace cachescope::cli {

namespace {

void workloadsCommand(const std::string& name) {
    std::vector<const alloc::WorkloadInfo*> list;
    if (!name.empty()) {
        list.push_back(&alloc::findWorkload(name));
    } else {
        for (const alloc::WorkloadInfo& w : alloc::workloads()) list.push_back(&w);
    }
    for (const alloc::WorkloadInfo* w : list) {
        std::cout << w->name << ": " << w->description << '\n';
        printParamSpecs(std::cout, w->params);
        if (list.size() > 1) std::cout << '\n';
    }
    if (name.empty())
        std::cout << "Run one: cachescope alloc --workload mlp-train --param layers=784,256,10 --param batch=32\n";
}

}  // namespace

Command addWorkloadsCommand(CLI::App& app) {
    auto name = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand("workloads", "List the built-in allocation workloads (for alloc --workload)");
    cmd->add_option("name", *name, "Show only this workload");
    cmd->footer("Examples:\n  cachescope workloads\n  cachescope workloads mlp-train\n"
                "  cachescope alloc compare --workload mlp-train --param batch=64");
    return {cmd, [name] { workloadsCommand(*name); }};
}

}  // namespace cachescope::cli
