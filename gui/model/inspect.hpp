#pragma once
// The GUI's questions to the engine, one small function per query. The panels and view models
// never reach into the engine's classes for these themselves: when the engine gains richer typed
// views (per-way policy state, TLB entries, resident pages), only these functions change.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cachescope/cache/cache.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope::gui {

/// The replacement policy's state of one set in words ("MRU→LRU: 1 0"), as the policy tells it.
std::string policyStateOf(const Cache& cache, std::uint32_t set);

/// The way the next miss in `set` would fill: the lowest invalid way while the set has one (the
/// cache fills those itself), else the policy's victim (victim() is const, so asking is free).
std::uint32_t nextVictimOf(const Cache& cache, std::uint32_t set);

/// The physical address the caches see for virtual address `va` now: `va` itself without an MMU;
/// with one, the translation of a resident page (Mmu::physicalAddress), or nullopt when the page is
/// not resident (its lines then are in no cache: evicting a page invalidates them).
/// `process`: whose address space (a --mix's processes each have their own).
std::optional<std::uint64_t> physicalAddressOf(const Simulator& simulator, std::uint64_t va);
std::optional<std::uint64_t> physicalAddressOf(const Simulator& simulator, std::uint64_t va, std::uint32_t process);

/// "A[3][5]" for an address inside a region with strides, "code+0x40" for other regions, empty
/// outside every region or without metadata.
std::string elementOf(const TraceMetadata* metadata, std::uint64_t address);

/// The logical indices (outermost first) of the element of `region` at `address`; nullopt if the
/// region has no strides or the address falls in padding.
std::optional<std::vector<std::uint64_t>> elementIndexOf(const Region& region, std::uint64_t address);

}  // namespace cachescope::gui
