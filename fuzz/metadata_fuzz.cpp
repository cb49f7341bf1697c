// libFuzzer target: trace metadata JSON (what binary trace headers carry). Invalid JSON and invalid
// metadata must be TraceError; metadata that parses must round-trip through toJson.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/metadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cachescope;
    const nlohmann::ordered_json json =
        nlohmann::ordered_json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) return 0;
    try {
        const TraceMetadata m = metadataFromJson(json, "fuzz");
        if (metadataFromJson(toJson(m), "again") != m) std::abort();
    } catch (const Error&) {
    }
    return 0;
}
