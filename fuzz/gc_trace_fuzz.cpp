// libFuzzer target: the object-graph trace reader of the garbage-collection mode (gc/trace.hpp).
// Errors must be cachescope::Error; a trace that reads must name only objects it made, and every
// object's garbage point must come after its `new`.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "cachescope/core/error.hpp"
#include "cachescope/gc/trace.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cachescope;
    try {
        std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
        const gc::GcTrace trace = gc::readGcTrace(in, "fuzz");
        for (const gc::GcEvent& e : trace.events) {
            if (e.op == gc::GcOp::Collect) continue;  // names no object
            const bool pair = e.op == gc::GcOp::Ref || e.op == gc::GcOp::Unref;
            if (e.a >= trace.objects.size() || (pair && e.b >= trace.objects.size())) std::abort();
        }
        for (const gc::GcObject& o : trace.objects) {
            if (o.madeAt >= trace.events.size()) std::abort();
            if (o.garbageAt != gc::kNever && (o.garbageAt <= o.madeAt || o.garbageAt >= trace.events.size()))
                std::abort();
        }
    } catch (const Error&) {
    }
    return 0;
}
