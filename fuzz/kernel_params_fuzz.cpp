// libFuzzer target: kernel parameters. The input is "kernel\nname=value\nname=value..."; the
// kernel name picks one of the built-in kernels (by index when not a name). resolveParams must
// accept or throw UsageError; the kernel is not run (its cost is the parameters' business).

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/kernels/kernel.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cachescope;
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    std::string name;
    std::getline(in, name);
    std::vector<std::string> settings;
    for (std::string line; std::getline(in, line);) settings.push_back(line);
    const std::vector<KernelInfo>& all = kernels();
    const KernelInfo* kernel = &all[name.size() % all.size()];
    for (const KernelInfo& k : all)
        if (k.name == name) kernel = &k;
    try {
        const KernelParams params = resolveParams(*kernel, settings);
        (void)params.all();
    } catch (const Error&) {
    }
    return 0;
}
