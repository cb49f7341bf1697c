#pragma once
// The simulator's configuration as plain validated structs. JSON is parsed once (config/loader)
// into these; every object of the simulator is then built from them.

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cachescope/core/permissions.hpp"

namespace cachescope {

enum class WritePolicy : std::uint8_t { WriteBack, WriteThrough };
enum class Inclusion : std::uint8_t {
    Nine,       // non-inclusive non-exclusive: each level acts on its own (Dinero IV)
    Inclusive,  // holds every line of the caches above it; its evictions back-invalidate them
    Exclusive,  // holds no line of the caches above it; filled by their victims
};
enum class Holds : std::uint8_t { Data, Instructions, Both };

std::string_view toString(WritePolicy);
std::string_view toString(Inclusion);
std::string_view toString(Holds);

struct CacheConfig {
    std::string name;                   // defaults to L<level>, L1I/L1D for a split level
    std::uint64_t size = 0;             // bytes; required
    std::uint32_t lineSize = 64;        // bytes, power of two
    std::uint32_t associativity = 8;    // ways; ignored when fullyAssociative
    bool fullyAssociative = false;      // "associativity": "full"
    std::string replacement = "lru";    // a name from the policy registry
    WritePolicy writePolicy = WritePolicy::WriteBack;
    bool writeAllocate = true;
    Inclusion inclusion = Inclusion::Nine;
    std::uint32_t latency = 4;          // cycles for an access that reaches this cache
    Holds holds = Holds::Both;

    std::uint64_t lines() const { return size / lineSize; }
    std::uint32_t ways() const { return fullyAssociative ? static_cast<std::uint32_t>(lines()) : associativity; }
    std::uint64_t sets() const { return lines() / ways(); }
    bool holdsInstructions() const { return holds != Holds::Data; }
    bool holdsData() const { return holds != Holds::Instructions; }

    /// Equal geometry and settings; `associativity` is compared only when not fully associative.
    friend bool operator==(const CacheConfig&, const CacheConfig&);
};

struct MemoryConfig {
    std::uint32_t latency = 100;  // cycles for each read or write that reaches memory

    friend bool operator==(const MemoryConfig&, const MemoryConfig&) = default;
};

// ---- translation (docs/mmu.md) -------------------------------------------------------------

enum class Addressing : std::uint8_t {
    Virtual,   // caches see trace addresses as they are (no mmu)
    Physical,  // every access is translated first; caches are physically indexed and tagged
};
enum class FrameAllocation : std::uint8_t { Sequential, Random };
enum class PageReplacementKind : std::uint8_t { Fifo, Lru, Clock, Opt };
/// Which pages a fault may evict when memory is full (docs/mmu.md, "Processes"): any process's
/// (global) or only the faulting process's own (local).
enum class PageReplacementScope : std::uint8_t { Global, Local };

/// How the mmu maps addresses (docs/mmu.md, "Segmentation").
enum class MmuMode : std::uint8_t {
    Paging,           // pages only (the default)
    Segmentation,     // segments placed in physical memory, no pages
    SegmentedPaging,  // the segment's base is added first, then the linear address is paged (32-bit x86)
};
/// Where pure segmentation places a segment among the holes of physical memory.
enum class SegmentPlacement : std::uint8_t { First, Best, Worst };

std::string_view toString(Addressing);
std::string_view toString(FrameAllocation);
std::string_view toString(PageReplacementKind);
std::string_view toString(MmuMode);
std::string_view toString(SegmentPlacement);

/// A segment from the config (`mmu.segments`): references to [start, start + limit) use it.
struct SegmentConfig {
    std::string name;
    std::uint64_t start = 0;  // the first virtual address that selects it
    std::uint64_t limit = 0;  // bytes; offsets at or past it are a segmentation fault
    /// segmented-paging: the linear address of offset 0 (default: start, the flat model).
    std::optional<std::uint64_t> base = std::nullopt;
    Permissions permissions = kPermReadWrite;
    friend bool operator==(const SegmentConfig&, const SegmentConfig&) = default;
};
std::string_view toString(PageReplacementScope);

struct TlbConfig {
    std::string name;                  // defaults to "TLB<level>", "I"/"D" appended when split
    std::uint32_t entries = 64;
    std::uint32_t associativity = 4;   // ways; ignored when fullyAssociative
    bool fullyAssociative = false;     // "associativity": "full"
    std::string replacement = "lru";   // the same registry as caches
    std::uint32_t latency = 1;         // cycles per lookup that reaches this TLB
    Holds holds = Holds::Both;
    /// Entries tagged with an address-space id: kept across context switches (false: flushed).
    bool asid = false;

    std::uint32_t ways() const { return fullyAssociative ? entries : associativity; }
    std::uint32_t sets() const { return entries / ways(); }
    friend bool operator==(const TlbConfig&, const TlbConfig&) = default;
};

/// A virtual range backed by huge pages (each `pageSize` bytes, a leaf higher in the page table).
struct HugePageRange {
    std::uint64_t base = 0;                   // virtual, a multiple of pageSize
    std::uint64_t size = 0;                   // a multiple of pageSize
    std::uint64_t pageSize = 2 * 1024 * 1024; // 2 MiB or 1 GiB with the x86-64 layout
    friend bool operator==(const HugePageRange&, const HugePageRange&) = default;
};

/// A paging-structure cache: remembers, for a virtual-address prefix, where the table of the level
/// below `level` is, so a walk that hits it skips levels 0..level.
struct WalkCacheConfig {
    std::uint32_t level = 0;            // 0 = the root table's entries
    std::uint32_t entries = 32;
    std::uint32_t associativity = 4;
    bool fullyAssociative = false;
    std::string replacement = "lru";
    std::uint32_t latency = 1;
    std::uint32_t ways() const { return fullyAssociative ? entries : associativity; }
    std::uint32_t sets() const { return entries / ways(); }
    friend bool operator==(const WalkCacheConfig&, const WalkCacheConfig&) = default;
};

/// The storage file pages come from (docs/mmap.md): a time estimate for reads and write-backs, one
/// request per major fault (with its readahead) and per write-back.
struct StorageConfig {
    std::uint64_t latencyNs = 100000;                   // per request: 100 µs, an SSD
    std::uint64_t bandwidth = std::uint64_t{1} << 31;   // bytes per second: 2 GiB/s
    friend bool operator==(const StorageConfig&, const StorageConfig&) = default;
};

struct MmuConfig {
    std::uint64_t pageSize = 4096;
    std::vector<std::uint32_t> bitsPerLevel{9, 9, 9, 9};  // index bits of each table, root first
    std::uint32_t pteSize = 8;                            // bytes per page-table entry
    std::uint64_t physicalMemory = std::uint64_t{1} << 30;  // bytes of pageable frames
    FrameAllocation frameAllocation = FrameAllocation::Sequential;
    PageReplacementKind pageReplacement = PageReplacementKind::Lru;
    PageReplacementScope pageReplacementScope = PageReplacementScope::Global;
    std::vector<HugePageRange> hugePages;
    std::vector<WalkCacheConfig> walkCaches;
    std::string walkEntry;              // where PTE reads enter: "" = the first data cache, a cache name, or "memory"
    std::uint32_t pageFaultLatency = 0; // cycles added per page fault
    std::uint32_t readahead = 0;        // file pages read after the one a major fault needs (docs/mmap.md)
    StorageConfig storage;
    // ---- protection and segmentation (docs/mmu.md; mmu/segmentation.hpp) ----
    MmuMode mode = MmuMode::Paging;
    bool protection = false;            // paging: check references against the trace's regions
    SegmentPlacement segmentPlacement = SegmentPlacement::First;
    std::vector<SegmentConfig> segments;  // empty: one segment per region of the trace

    std::uint64_t frames() const { return physicalMemory / pageSize; }
    /// log2(pageSize) + the sum of bitsPerLevel (floor(log2): exact for the power-of-two page sizes
    /// that validation accepts).
    unsigned virtualBits() const {
        unsigned bits = pageSize == 0 ? 0 : static_cast<unsigned>(std::bit_width(pageSize) - 1);
        for (const std::uint32_t b : bitsPerLevel) bits += b;
        return bits;
    }
    friend bool operator==(const MmuConfig&, const MmuConfig&) = default;
};

struct SimConfig {
    std::string name = "unnamed";
    std::string description;
    std::uint64_t seed = 1;             // seeds every randomized policy and random frame allocation
    std::vector<CacheConfig> caches;    // ordered from the CPU outward
    MemoryConfig memory;
    Addressing addressing = Addressing::Virtual;  // Physical requires mmu
    std::optional<MmuConfig> mmu;       // present: addresses are translated (addressing Physical)
    std::vector<TlbConfig> tlbs;        // ordered from the CPU outward; only with mmu

    friend bool operator==(const SimConfig&, const SimConfig&) = default;
};

/// Parses JSON text (comments allowed) into a validated config. `source` names the text in
/// messages (usually the file name). Throws ConfigError naming the JSON path on any problem.
SimConfig parseConfig(std::string_view text, const std::string& source);

/// Reads and parses a config file. Throws IoError if it cannot be read, ConfigError if invalid.
SimConfig loadConfig(const std::string& path);

/// Validates a config built in code (parseConfig calls this too). Throws ConfigError.
void validate(const SimConfig& config);

/// The fully resolved config (every default filled in) as JSON; parseConfig(toJson(c)) == c.
nlohmann::json toJson(const SimConfig& config);

/// Parses a size such as 32768, "32KiB", "32K", "1MiB", "1M", "2GiB", "1TiB". Returns nullopt if
/// malformed or above 2^64 - 1.
std::optional<std::uint64_t> parseSize(std::string_view text);

/// Formats a byte count compactly and exactly: 32768 -> "32KiB", 1000 -> "1000B".
std::string formatSize(std::uint64_t bytes);

}  // namespace cachescope
