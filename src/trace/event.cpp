// Trace control events (trace/event.hpp).

#include "cachescope/trace/event.hpp"

#include "cachescope/core/format.hpp"

namespace cachescope {

std::string msyncProblem(std::uint64_t address, std::uint64_t size) {
    if (size == 0) return "msync size 0 (expected 1 to " + std::to_string(kMaxMsyncSize) + " bytes)";
    if (size > kMaxMsyncSize)
        return "msync size " + std::to_string(size) + " too large (expected at most " + std::to_string(kMaxMsyncSize) +
               " bytes, 2^48)";
    if (size - 1 > ~std::uint64_t{0} - address)
        return "msync range runs past the end of the 64-bit address space (expected address + size <= 2^64)";
    return {};
}

std::string describeMsync(const TraceEvent& event, std::uint64_t pagesWritten) {
    return "msync " + hex(event.address) + " +" + withThousands(event.size) + " B in process " +
           std::to_string(event.process) + ": " + withThousands(pagesWritten) +
           (pagesWritten == 1 ? " dirty file page written back" : " dirty file pages written back");
}

}  // namespace cachescope
