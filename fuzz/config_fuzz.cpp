// libFuzzer target: the config loader, then a Simulator built from what it accepts (when its
// estimated state fits a small budget) simulating a short fixed stream. Errors must be ConfigError
// (or another cachescope::Error); a crash, std::bad_alloc, a hang or a sanitizer report is a finding.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cachescope/config/config.hpp"
#include "cachescope/config/resources.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/sim/simulator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cachescope;
    try {
        const SimConfig config = parseConfig(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
        checkMemoryBudget(config, std::uint64_t{64} << 20, "fuzz.json");
        Simulator sim(config);
        for (std::uint64_t i = 0; i < 64; ++i)
            sim.access(Access{(i * 4160) ^ (i << 20), 8, i % 3 == 0 ? AccessKind::Write : AccessKind::Read});
    } catch (const Error&) {
    }
    return 0;
}
