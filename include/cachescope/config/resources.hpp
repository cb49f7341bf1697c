#pragma once
// How much memory a config's simulator state can take, estimated before anything is allocated, so
// that a config far too large ("size": "16GiB" for an L1, 8 TiB of physical memory) is refused with
// a message instead of eating the machine or ending in std::bad_alloc.
//
// The estimate is an upper bound of the state the engine keeps per structure (docs/config.md,
// "Memory limits"):
//   cache / TLB / walk cache   per line or entry: its tag (8 B), dirty bit (1 B), the last-hit slot
//                              (4 B) and the replacement policy's per-way state (at most 8 B), i.e.
//                              kBytesPerLine = 24, plus 4 B of valid-line count per set and, in a set
//                              of at most kWideSetWays ways, 16 B of fingerprint filter (one byte a
//                              way, padded: Cache::kFingerprintStride), kBytesPerNarrowSet = 20; a TLB entry
//                              also keeps its page's physical base (8 B); a set wider than
//                              kWideSetWays ways (fully associative ones included) also keeps a tag
//                              index and O(1) policy structures, kBytesPerWideLine = 48 more per
//                              line: the index is a hash table at most half full (2 slots of 16 B
//                              per line) and the policy's tree or list about 16 B (measured: 47 B
//                              per line for a 64 MiB fully associative LRU or LFU cache);
//   physical memory            per frame that may become resident: the page record, the frame's
//                              owner and dirty bit, the page replacer's state and hash-table slack,
//                              kBytesPerFrame = 64. Only frames a trace touches are allocated, so the
//                              bound is reached only by a trace that touches all of physical memory;
//                              it is still counted whole, since nothing else stops such a trace.
// Worked example: configs/teaching.json's L1 (1 KiB, 64 B lines, 2-way) has 16 lines in 8 sets:
//   16 * 24 + 8 * 20 = 544 bytes.

#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/config/config.hpp"

namespace cachescope {

inline constexpr std::uint64_t kBytesPerLine = 24;
inline constexpr std::uint64_t kBytesPerSet = 4;
inline constexpr std::uint64_t kBytesPerNarrowSet = kBytesPerSet + 16;  // Cache::kFingerprintStride (cache.cpp checks)
inline constexpr std::uint64_t kBytesPerTlbEntry = kBytesPerLine + 8;
inline constexpr std::uint64_t kBytesPerFrame = 64;
/// Sets with more ways than this keep a tag index (the same threshold as Cache::kWideWays).
inline constexpr std::uint64_t kWideSetWays = 16;
inline constexpr std::uint64_t kBytesPerWideLine = 48;

struct MemoryEstimate {
    struct Part {
        std::string path;     // JSON path of the setting that decides it: "/caches/0/size", "/mmu/physical_memory"
        std::uint64_t bytes = 0;
    };
    std::vector<Part> parts;  // in config order: caches, TLBs, walk caches, physical memory
    std::uint64_t total = 0;  // saturates at 2^64 - 1
    /// The largest part (parts must not be empty).
    const Part& largest() const;
};

/// The estimate of `config`'s simulator state (config must be valid).
MemoryEstimate estimateMemory(const SimConfig& config);

/// The part of the estimate fixed by geometry: the caches', TLBs' and walk caches' arrays (every
/// part but physical memory). A snapshot holds these plus Simulator::snapshotBytes().
std::uint64_t structureBytes(const SimConfig& config);

/// The default budget: half of this machine's physical memory (at least 256 MiB when it cannot be
/// read).
std::uint64_t defaultMemoryBudget();

/// Throws ConfigError if estimateMemory(config).total exceeds `budget`, naming the largest part's
/// JSON path, the estimate and the budget, e.g.
///   /caches/0/size: the simulator's state would need about 16GiB (24 B per line of 16GiB / 64 B
///   lines...), more than the memory budget of 12GiB; make the structure smaller or raise the
///   budget with --max-memory
/// `source` (the config file name, may be empty) starts the message.
void checkMemoryBudget(const SimConfig& config, std::uint64_t budget, const std::string& source);

/// "1.5 GiB"-style rounding for messages (formatSize is exact, this is for people).
std::string approximateSize(std::uint64_t bytes);

}  // namespace cachescope
