// libFuzzer target: the allocation trace reader (alloc/trace.hpp) on text and on binary traces
// (version 3's allocation blocks; the reader tells them apart by the magic). Errors must be
// cachescope::Error; a trace that reads must be consistent (every ID and site index in range, a
// free only of a live ID) and survive a round trip through the binary writer and the text writer.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/alloc/trace.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/writer.hpp"

namespace {

bool sameEvents(const cachescope::alloc::AllocTrace& a, const cachescope::alloc::AllocTrace& b) {
    if (a.events.size() != b.events.size() || a.names != b.names || a.sites != b.sites) return false;
    for (std::size_t i = 0; i < a.events.size(); ++i) {
        const auto &x = a.events[i], &y = b.events[i];
        if (x.op != y.op || x.id != y.id || x.size != y.size || x.align != y.align || x.site != y.site) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cachescope;
    alloc::AllocTrace trace;
    try {
        std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
        trace = alloc::readAllocTrace(in, "fuzz");
    } catch (const Error&) {
        return 0;
    }
    std::vector<bool> live(trace.names.size(), false);
    for (const alloc::AllocEvent& e : trace.events) {
        if (e.op == alloc::AllocOp::EmptyCache) continue;
        if (e.id >= trace.names.size() || e.site >= trace.sites.size()) std::abort();
        if (e.size > alloc::kMaxAllocSize) std::abort();
        if (e.op == alloc::AllocOp::Alloc) {
            if (live[e.id]) std::abort();
            live[e.id] = true;
        } else {
            if (!live[e.id]) std::abort();
            if (e.op == alloc::AllocOp::Free) live[e.id] = false;
        }
    }
    try {
        std::ostringstream bin;
        auto writer = makeBinaryTraceWriter(bin, TraceMetadata{});
        alloc::writeAllocations(*writer, trace);
        writer->finish();
        std::istringstream binIn(bin.str());
        const alloc::AllocTrace fromBinary = alloc::readAllocTrace(binIn, "fuzz.bin");
        if (!sameEvents(trace, fromBinary)) std::abort();
        std::ostringstream text;
        alloc::writeAllocTrace(text, fromBinary);
        std::istringstream textIn(text.str());
        if (!sameEvents(trace, alloc::readAllocTrace(textIn, "fuzz.alloc"))) std::abort();
    } catch (const Error&) {
        std::abort();  // what was read must be writable and read back
    }
    return 0;
}
