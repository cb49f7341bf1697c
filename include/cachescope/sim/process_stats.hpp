#pragma once
// What one process did in a run with several (docs/mmu.md, "Processes").

#include <cstdint>
#include <vector>

namespace cachescope {

/// Everything between the context switches that started and ended a process's turns is charged to
/// it (Simulator::processStats).
struct ProcessStats {
    std::uint32_t process = 0;
    std::uint64_t references = 0;              // CPU references
    std::vector<std::uint64_t> cacheMisses;    // per cache (Hierarchy::caches() order)
    std::vector<std::uint64_t> tlbMisses;      // per TLB (Mmu::tlbs() order; empty without an mmu)
    std::uint64_t pageFaults = 0;
    friend bool operator==(const ProcessStats&, const ProcessStats&) = default;
};

}  // namespace cachescope
