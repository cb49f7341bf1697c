// libFuzzer target: the sweep syntax, --vary KEY=V1,V2,... and --shard I/N. Both must accept or
// throw cachescope::Error (UsageError).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cachescope/analysis/sweep.hpp"
#include "cachescope/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cachescope;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)parseVary(text);
    } catch (const Error&) {
    }
    try {
        (void)parseShard(text);
    } catch (const Error&) {
    }
    return 0;
}
