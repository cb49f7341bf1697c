#pragma once
// The simulator's configuration as plain validated structs. JSON is parsed once (config/loader)
// into these; every object of the simulator is then built from them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

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

struct SimConfig {
    std::string name = "unnamed";
    std::string description;
    std::uint64_t seed = 1;             // seeds every randomized policy
    std::vector<CacheConfig> caches;    // ordered from the CPU outward
    MemoryConfig memory;

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

/// Parses a size such as 32768, "32KiB", "32K", "1MiB", "1M", "2GiB". Returns nullopt if malformed.
std::optional<std::uint64_t> parseSize(std::string_view text);

/// Formats a byte count compactly and exactly: 32768 -> "32KiB", 1000 -> "1000B".
std::string formatSize(std::uint64_t bytes);

}  // namespace cachescope
