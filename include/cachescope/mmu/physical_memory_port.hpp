#pragma once
// What the MMU needs of the memory system behind it, and nothing more: page-table entries live in
// physical memory, so a walk reads them through the caches; a page leaving physical memory takes
// its lines out of the caches. The Simulator adapts its cache Hierarchy to this interface, so the
// mmu folder does not depend on the sim folder (the Hierarchy knows nothing of the MMU either).
//
// Both operations happen only on TLB misses and page faults, never on the MMU's TLB-hit path, so
// one virtual call each costs nothing measurable.

#include <cstdint>

#include "cachescope/core/access.hpp"

namespace cachescope {

class PhysicalMemoryPort {
public:
    /// Sends `read` (a PTE read) into the caches at cache `entry` (an index of the config's caches,
    /// or Topology::kMemory to bypass them). Returns the index of the cache that served it, or
    /// Topology::kMemory.
    virtual std::uint32_t readThrough(std::uint32_t entry, const Access& read) = 0;
    /// Removes every line of the physical range [address, address + size) from every cache (dirty
    /// lines are written back).
    virtual void invalidateRange(std::uint64_t address, std::uint64_t size) = 0;

protected:
    ~PhysicalMemoryPort() = default;  // not owned through this interface
};

}  // namespace cachescope
