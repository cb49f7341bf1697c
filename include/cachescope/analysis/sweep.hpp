#pragma once
// Parameter sweeps: one base config, a few config keys each given a list of values, every
// combination of them run on every trace; one result row per (combination, trace).
//
// Worked example: base configs/teaching.json, two traces a.trace and b.trace, and
//
//   --vary caches.L1.size=512,1KiB,2KiB --vary caches.L1.associativity=1,2
//
// gives 3 x 2 = 6 combinations and 6 x 2 = 12 runs. The first --vary varies slowest, the trace
// fastest; a run's global index is combination * traces + trace, and the combination number is a
// mixed-radix number whose first digit is the first --vary's value index:
//
//   index 0: size=512  assoc=1 a.trace     index 1: size=512  assoc=1 b.trace
//   index 2: size=512  assoc=2 a.trace     ...
//   index 6: size=1KiB assoc=1 a.trace     ...   index 11: size=2KiB assoc=2 b.trace
//
// A vary path is a dotted path into the config's JSON; a list element is named by its index or by
// its "name" (caches.L1D.size, caches.0.size, tlbs.L1DTLB.entries, mmu.page_replacement,
// memory.latency, seed). The value is set in the JSON as the user wrote it (defaults filled in
// from the resolved config where the file leaves a key out), and every combination is then parsed
// and validated by the normal loader (parseConfig), so its errors carry the usual JSON path.
//
// Sharding (--shard I/N, I 0-based) keeps the runs whose index mod N == I; the rows carry their
// global index, and mergeSweeps() joins the shards back into exactly the whole sweep's table.
// Everything here is deterministic: the table does not depend on the number of threads.
//
// This is the core: it never prints. The CLI (src/cli/sweep_command.cpp) opens the sources and
// writes the files.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/config/config.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

/// One --vary: a dotted config path and its values as written ("4KiB", "8", "lru", "true").
struct SweepVary {
    std::string path;
    std::vector<std::string> values;
    friend bool operator==(const SweepVary&, const SweepVary&) = default;
};

/// Parses "PATH=V1,V2,...". Throws UsageError if there is no '=', the path or a value is empty,
/// or a value is not a JSON scalar.
SweepVary parseVary(std::string_view spec);

/// A value as written on the command line, as the JSON scalar it stands for: a JSON number,
/// true/false or a "quoted string" is that; anything else is the string as written ("32KiB", "lru").
/// Throws UsageError for an empty value, null, an array or an object.
nlohmann::json varyValue(std::string_view text);

/// Sets `path` to `value` in `raw` (a config's JSON as written). `resolved` is the same config
/// with every default written out (toJson of the parsed config): it names the list elements and
/// tells which keys exist; a key the file leaves out is added. Throws UsageError naming the path
/// and listing the valid names (keys, element names, indices) where the path goes wrong.
void applyVary(nlohmann::json& raw, const nlohmann::json& resolved, std::string_view path, const nlohmann::json& value);

/// --shard I/N: the runs whose index mod `count` == `index` (0 <= index < count).
struct Shard {
    std::uint32_t index = 0;
    std::uint32_t count = 1;
};
/// Parses "I/N" (0-based I). Throws UsageError.
Shard parseShard(std::string_view text);

/// What a sweep is; also what shards must agree on to be merged.
struct SweepIdentity {
    std::string configFile;         // as given
    std::uint32_t configCrc32 = 0;  // of the config file's text
    std::vector<SweepVary> vary;
    std::vector<std::string> traces;  // labels (paths, or "kernel matmul n=32 ...")
    bool skipInvalid = false;
    std::uint64_t runs = 0;  // combinations * traces
    Shard shard;
    std::vector<std::string> levels;  // cache names of the base config: the result columns
    bool mmu = false;                 // translation columns present
    std::vector<std::string> tlbs;    // TLB names (with mmu)

    std::uint64_t combinations() const;
    /// The value index of every --vary for `combination` (first --vary = most significant digit).
    std::vector<std::size_t> digits(std::uint64_t combination) const;
    /// The values (as written) of `combination`.
    std::vector<std::string> values(std::uint64_t combination) const;
};

/// Identity as JSON (keys: tool, version, config_file, config_crc32, vary [{path, values}],
/// traces, skip_invalid, runs, shards, shard, levels, mmu, tlbs) and back.
nlohmann::ordered_json identityJson(const SweepIdentity& identity);
/// Throws ConfigError naming `source` if `j` is not such an object.
SweepIdentity identityFromJson(const nlohmann::json& j, const std::string& source);

/// Accesses and misses of one cache or TLB in one run.
struct SweepCounts {
    std::uint64_t accesses = 0;
    std::uint64_t misses = 0;
    double missRate() const { return accesses ? double(misses) / double(accesses) : 0.0; }
    friend bool operator==(const SweepCounts&, const SweepCounts&) = default;
};

/// One (combination, trace) run. Plain values; names of levels and TLBs are in the identity.
struct SweepRow {
    std::uint64_t index = 0;  // global run index
    std::uint64_t combination = 0;
    std::size_t trace = 0;
    std::vector<std::string> values;  // one per --vary, as written
    std::string traceLabel;
    std::string error;                // non-empty: an invalid combination (--skip-invalid); no numbers
    std::vector<SweepCounts> levels;  // per cache, in config order
    std::uint64_t memoryReads = 0;
    std::uint64_t memoryWrites = 0;
    std::uint64_t totalCycles = 0;
    double amat = 0.0;
    std::vector<SweepCounts> tlbs;  // with mmu
    std::uint64_t pageFaults = 0;   // with mmu
    std::uint64_t walks = 0;        // with mmu
    friend bool operator==(const SweepRow&, const SweepRow&) = default;
};

/// The rows of a sweep (or of one shard), sorted by index.
struct SweepTable {
    SweepIdentity identity;
    std::vector<SweepRow> rows;
};

/// The expanded sweep: every combination's config, parsed and validated up front.
class SweepPlan {
public:
    /// `configText` is the base config file's content, `configFile` its name (messages, identity).
    /// Throws ConfigError if the base config is invalid; UsageError for a bad --vary (path or
    /// value) or an empty trace list. An invalid combination throws ConfigError
    /// "combination C of N (path=value, ...): <loader message>" unless `skipInvalid`, which keeps
    /// the message for an error row instead.
    SweepPlan(const std::string& configFile, std::string_view configText, std::vector<SweepVary> vary,
              std::vector<std::string> traces, bool skipInvalid);

    const SweepIdentity& identity() const { return identity_; }
    std::uint64_t combinations() const { return configs_.size(); }
    std::uint64_t runs() const { return identity_.runs; }
    /// nullptr for an invalid combination (skipInvalid); error() then tells why.
    const SimConfig* config(std::uint64_t combination) const;
    const std::string& error(std::uint64_t combination) const { return errors_[combination]; }
    /// The global run indices of `shard`, ascending.
    std::vector<std::uint64_t> shardRuns(Shard shard) const;

private:
    SweepIdentity identity_;
    std::vector<std::optional<SimConfig>> configs_;
    std::vector<std::string> errors_;
};

/// Opens a fresh reader of trace `trace` (an index into the plan's traces). Called from worker
/// threads, several at once: it must be safe to call concurrently.
using SweepOpener = std::function<std::unique_ptr<TraceReader>(std::size_t trace)>;

struct SweepOptions {
    unsigned jobs = 1;  // worker threads (each simulates whole runs)
    Shard shard;
    /// Called after each run (from the worker thread, serialized) with runs done and runs to do.
    std::function<void(std::uint64_t done, std::uint64_t total)> onRunDone;
};

/// Simulates the runs of `options.shard`, `options.jobs` at a time; rows in index order. If runs
/// fail (a bad trace), stops starting new ones and rethrows the error of the lowest failed index
/// (the same error for any number of jobs).
SweepTable runSweep(const SweepPlan& plan, const SweepOpener& open, const SweepOptions& options);

/// One run, on the calling thread (runSweep's unit of work).
SweepRow runSweepOne(const SweepPlan& plan, const SweepOpener& open, std::uint64_t index);

// ---- files ------------------------------------------------------------------------------------
// CSV: a first line "# cachescope sweep " + identity JSON on one line, a header row
//   index,<vary paths...>,trace,<cache>_accesses,<cache>_misses,<cache>_miss_rate,...,
//   memory_reads,memory_writes,total_cycles,amat[,<tlb>_accesses,<tlb>_misses,...,page_faults,walks],error
// then one row per run. JSON: {"sweep": identity, "rows": [...]}, each row
//   {index, values {path: scalar}, trace, levels [{name, accesses, misses, miss_rate}], memory
//   {reads, writes}, total_cycles, amat[, tlbs [...], page_faults, walks]} or, for an invalid
//   combination, {index, values, trace, error}.

/// The CSV header row (without the newline) for `identity`.
std::string sweepCsvHeader(const SweepIdentity& identity);
void writeSweepCsv(std::ostream& os, const SweepTable& table);
void writeSweepJson(std::ostream& os, const SweepTable& table);
/// Reads what writeSweepCsv or writeSweepJson wrote (told apart by the first character).
/// Throws ConfigError naming `source` (and the line) on anything else.
SweepTable readSweep(std::string_view text, const std::string& source);

/// Joins shards of one sweep into the whole sweep's table (shard 0 of 1). `names` name the parts
/// in messages. Throws UsageError if the parts belong to different sweeps (their identities
/// differ other than in `shard`), a row sits in the wrong shard, an index appears twice, or indices
/// are missing (named, with the shard they belong to).
SweepTable mergeSweeps(const std::vector<SweepTable>& parts, const std::vector<std::string>& names);

}  // namespace cachescope
