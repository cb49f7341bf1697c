// libFuzzer target: one trace reader (chosen at compile time by CACHESCOPE_FUZZ_FORMAT, a
// TraceFormat enumerator name; Auto exercises format detection) reads the input to its end.
// Errors must be cachescope::Error (TraceError, IoError); anything else, a crash, a hang or a
// sanitizer report is a finding. Every access read must be valid: size 1..kMaxReferenceSize, not
// running past 2^64.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cachescope;
    auto stream = std::make_unique<std::istringstream>(std::string(reinterpret_cast<const char*>(data), size));
    try {
        auto reader = openTrace(std::move(stream), "fuzz", TraceFormat::CACHESCOPE_FUZZ_FORMAT);
        Access block[256];
        std::uint64_t total = 0;
        // Control events (msync): a valid range, positions in order, none past the accesses returned
        // once the call handing it over returns (checked at the next event and at the end).
        struct CheckEvents final : TraceEventSink {
            std::uint64_t last = 0;
            void onTraceEvent(const TraceEvent& e) override {
                if (e.position < last || !msyncProblem(e.address, e.size).empty()) std::abort();
                last = e.position;
            }
        } events;
        reader->setEventSink(&events);
        for (std::size_t n; (n = reader->read(block)) > 0;) {
            for (std::size_t i = 0; i < n; ++i) {
                const Access& a = block[i];
                if (a.size == 0 || a.size > kMaxReferenceSize || a.address + (a.size - 1) < a.address) std::abort();
            }
            total += n;
        }
        if (reader->records() > total) std::abort();  // a record holds one or two accesses
        if (events.last > total) std::abort();
    } catch (const Error&) {
    }
    return 0;
}
