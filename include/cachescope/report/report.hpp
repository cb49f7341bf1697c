#pragma once
// Reports of a finished run: plain text, JSON and CSV. The printers take a RunSummary, a plain
// value with every number they print, so they can be tested on hand-built inputs without running
// the engine; summarize() builds one from a Hierarchy after a run.
//
// Example: a one-level cache that saw 4 reads, 1 hit, 3 misses, latency 4, memory latency 100:
//   total_cycles = 4 accesses * 4 + 3 memory reads * 100 = 316, AMAT = 316 / 4 = 79.00 cycles.
//
// Text layout (numbers right-aligned, thousands separated by commas, miss rate with 2 decimals):
//
//   cachescope 0.1.0: config configs/x.json, trace t.trace (text, 4 records, 4 references)
//
//   level  accesses  hits  misses  miss rate  reads  writes  read misses  write misses  evictions  write-backs
//   L1            4     1       3     75.00%      4       0            3             0          0            0
//
//   memory: 3 reads, 0 writes
//   latency (cycles): L1 4, memory 100
//   total estimated cycles: 316
//   AMAT: 79.00 cycles per reference
//
// CSV layout: one header row with the fields of the JSON "levels" objects in the same order
// (name,level,accesses,hits,misses,reads,writes,read_misses,write_misses,instruction_fetches,
// instruction_fetch_misses,evictions,writebacks,back_invalidations,miss_rate), one row per cache,
// then one row named "memory" with only reads and writes filled in (every other field empty).
// miss_rate is a fraction (0.75), printed in the shortest form that reads back exactly. When the
// reader skipped lines that are not records (RunInfo::skippedLines), a last row "skipped lines"
// holds the count in the accesses field.
//
// With miss classes (run --classify; docs/semantics.md "Miss classes (3C)"): the text report adds a
// table "miss classes (3C)" (level, misses, compulsory, capacity, conflict) after the level table,
// and three columns per level (compulsory, capacity, conflict) to the "by tensor" table; the JSON
// adds "compulsory", "capacity", "conflict" to each "levels" object (after "misses") and a
// "miss_classes" object to each "regions" and "sites" entry, keyed by cache name, each value
// {"compulsory", "capacity", "conflict"}; the CSV adds the columns compulsory,capacity,conflict
// after miss_rate (empty in the memory row). Without them every report is unchanged.
//
// Protection and segmentation (docs/mmu.md; RunSummary::segmentation, present when the mmu checks
// references): the text report adds a section "protection and segmentation" after translation
// (the segment table of process 0, the holes, placements, swap-outs, compactions, faults by kind,
// process and statement, and the first faults listed); the JSON an object "segmentation" after
// "mmu"; the CSV a row "faults" with the count in the accesses field (like "skipped lines"), then,
// when there were faults, a blank line and a second table
// (reference,process,site,statement,address,size,kind,fault,segment) listing the first ones.
//
// The flush (run --flush, RunSummary::flush) is reported apart from the counts above; see
// RunSummary::flushed for where each report puts it.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/analysis/miss_classes.hpp"
#include "cachescope/cache/stats.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/core/format.hpp"  // withThousands, shortestNumber, csvField: used with reports
#include "cachescope/mmu/segmentation.hpp"
#include "cachescope/sim/flush.hpp"
#include "cachescope/sim/process_stats.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope {

class Simulator;

/// What was run: names exactly as given on the command line.
struct RunInfo {
    std::string configFile;
    std::string tracePath;
    std::string traceFormat;  // "text", "din", "lackey"
    std::uint64_t records = 0;
    /// Lines skipped as not trace records (Lackey logs; TraceReader::skippedLines). When non-zero
    /// the reports say so: the text header, "skipped_lines" in the JSON "trace" object, and a CSV
    /// row "skipped lines" with the count in the accesses column.
    std::uint64_t skippedLines = 0;
    /// The source as the text header names it (describeSourceBriefly); empty = tracePath.
    std::string sourceLabel = {};
};

struct LevelSummary {
    std::string name;
    std::uint32_t level = 1;
    std::uint32_t latency = 0;  // cycles
    CacheStats stats;
    std::optional<MissClassCounts> missClasses = std::nullopt;  // with --classify (analysis/miss_classes.hpp)
    /// Misses of this cache (or TLB) under OPT on the same stream (analysis/opt_gap.hpp), when the
    /// run compared with OPT (`run --vs-opt`) and OPT was allowed at this level.
    std::optional<std::uint64_t> optMisses = std::nullopt;
};

/// Files and the page cache (docs/mmap.md), present when the trace has file-backed regions and the
/// config an mmu. The text report adds a "page cache" block after the translation lines; the JSON
/// an object "page_cache" at the end of "mmu" (keys: the fields below in snake_case); the CSV is
/// unchanged.
struct PageCacheSummary {
    std::uint64_t files = 0, mappings = 0;
    std::uint64_t minorFaults = 0, fileMajorFaults = 0;
    std::uint64_t storageReads = 0, storageBytesRead = 0;
    std::uint64_t readaheadPagesRead = 0, readaheadPagesUsed = 0, readaheadPagesWasted = 0, readaheadPagesPending = 0;
    std::uint64_t pageCacheEvictions = 0;
    std::uint64_t fileWritebacks = 0, writebacksAtEnd = 0, storageBytesWritten = 0;  // written includes the end's
    std::uint64_t msyncWritebacks = 0;  // printed only when not 0 (Mmu::msync: a trace's msync events)
    std::uint64_t bytesCopied = 0;
    std::uint64_t residentPageCachePages = 0, residentAnonymousFrames = 0;
    std::uint64_t storageLatencyNs = 0, storageBandwidth = 0, storageNanoseconds = 0;
};

/// Translation counters, present when the config has an mmu.
struct TranslationSummary {
    std::vector<LevelSummary> tlbs;        // name, level, latency, accesses/hits/misses
    std::vector<LevelSummary> walkCaches;
    std::uint64_t walks = 0;
    std::uint64_t walkMemoryAccesses = 0;
    std::vector<std::pair<std::string, std::uint64_t>> pteServedBy;  // cache names, then "memory"
    std::uint64_t pageFaults = 0;
    std::uint64_t majorFaults = 0;
    std::uint64_t pagesWrittenOut = 0;
    std::uint64_t residentPagesPeak = 0;
    std::uint64_t pageTablePages = 0;
    std::uint32_t pageFaultLatency = 0;
    std::uint64_t cycles = 0;  // TLB and walk-cache lookups and page faults
    std::optional<PageCacheSummary> pageCache = std::nullopt;
};

/// Protection and segmentation (mmu/segmentation.hpp), present when the mmu checks references.
struct SegmentationSummary {
    MmuMode mode = MmuMode::Paging;
    bool protection = false;
    SegmentPlacement placement = SegmentPlacement::First;
    std::uint64_t physicalMemory = 0;
    SegmentationStats stats;
    /// Every process's table, by process id (a segment of process P, as Segmentation::segments(P)).
    struct ProcessSegment {
        std::uint32_t process = 0;
        SegmentView view;
    };
    std::vector<ProcessSegment> segments;
    std::map<std::uint64_t, std::uint64_t> holes;  // segmentation: free holes, address -> bytes
    std::vector<std::string> siteNames;           // by site id, from the metadata (may be empty)
    /// The statement's name; without metadata "(unknown)" for site 0, else "site N".
    std::string siteName(std::uint16_t site) const {
        return site < siteNames.size() ? siteNames[site] : site == 0 ? "(unknown)" : "site " + std::to_string(site);
    }
};

/// A run with more than one process (docs/mmu.md, "Processes"): the context switches, what they
/// flushed, and one row per process. The text report adds a section "processes" after the
/// translation; the JSON an object "processes" {"count", "context_switches", "tlb_entries_flushed",
/// "walk_cache_entries_flushed", "rows": [{"process", "references", "misses": {cache: n},
/// "tlb_misses": {tlb: n}, "page_faults"}]} after "mmu"; the CSV rows "context switches",
/// "tlb entries flushed", "process P" (references), "process P <cache>" and "process P <tlb>"
/// (misses) and "process P page faults", each count in the accesses field. Absent with one
/// process, so single-process reports are unchanged.
struct ProcessesSummary {
    std::uint64_t contextSwitches = 0;
    std::uint64_t tlbEntriesFlushed = 0;
    std::uint64_t walkCacheEntriesFlushed = 0;
    std::vector<std::string> tlbNames;  // the columns of ProcessStats::tlbMisses
    std::vector<ProcessStats> rows;     // by process id
};

/// Accesses and misses of every cache charged to one tensor (region) or one statement (site);
/// Hierarchy::enableAttribution defines the charging. `accesses` and `misses` follow `levels`.
/// Pseudo rows: "(other)" (references outside every region, or of unknown sites),
/// "(write-backs)" (write-backs and victims, which no statement asked for), "(page walks)"
/// (page-table reads). Over all rows, each cache's accesses and misses sum to its totals.
struct AttributionRow {
    std::string name;
    std::string region;             // sites: the region the statement touches ("" if none)
    std::uint64_t references = 0;   // CPU references (0 for the write-back and walk rows)
    std::vector<std::uint64_t> accesses, misses;
    std::vector<MissClassCounts> missClasses{};  // per cache, like `misses`; empty unless classified
};

/// `run --threads N` (sim/parallel.hpp), when more than one thread was asked for. The text report
/// adds a line "threads: ...", the JSON an object "threads" {"requested", "shards", "note"} after
/// "references" ("note" only when fewer shards than threads were used); the CSV is unchanged.
struct ThreadsSummary {
    std::uint32_t requested = 0;  // threads asked for (--threads 0: this machine's cores)
    std::uint32_t shards = 1;     // shards (shares of the sets) simulated in parallel, one thread each; 1 = sequential
    std::string note = {};        // why fewer shards than threads ("" when none)
};

struct RunSummary {
    RunInfo info;
    std::uint64_t references = 0;  // CPU references simulated
    /// The trace's msync events applied (trace/event.hpp; printed only when not 0; what they wrote
    /// back is the page cache's msyncWritebacks).
    std::uint64_t msyncs = 0;
    std::vector<LevelSummary> levels;
    MemoryStats memory;
    std::uint32_t memoryLatency = 0;
    std::uint64_t totalCycles = 0;
    double amat = 0.0;
    nlohmann::json config;  // the resolved config (toJson(SimConfig)); printed as is in JSON
    std::optional<TranslationSummary> translation;
    std::optional<SegmentationSummary> segmentation = std::nullopt;
    std::optional<ProcessesSummary> processes;  // only when more than one process ran
    std::vector<AttributionRow> regions;  // empty unless the run attributed (trace with metadata)
    std::vector<AttributionRow> sites;
    bool classified = false;  // levels (and rows) carry miss classes (run --classify)
    /// The end-of-run flush (sim/flush.hpp), computed by summarize() without changing the run's
    /// counts. With `flushed` (run --flush) the reports add it apart: the text line "flush at the
    /// end", the JSON object "flush" {"writebacks": {cache: n}, "memory_writes": n}, the CSV column
    /// flush_writebacks (last; the memory row holds the flush's memory writes). Without it, when
    /// dirty lines remain, the text says so and the JSON adds "dirty_lines_at_end" {cache: n}.
    FlushCounts flush = {};
    bool flushed = false;
    std::optional<ThreadsSummary> threads = std::nullopt;  // run --threads N with N != 1
};

/// Collects the statistics of a finished run; with `metadata` and attribution on in the simulator,
/// also the per-region and per-site rows (rows with no references and no accesses are left out).
/// With `classes` (a MissClassifier attached to the simulator's hierarchy for the whole run), every
/// level and row also carries its misses by class.
RunSummary summarize(const Simulator& simulator, const RunInfo& info, const TraceMetadata* metadata = nullptr,
                     const MissClassifier* classes = nullptr);

void printText(std::ostream& os, const RunSummary& summary);
/// The parts of the three reports for RunSummary::segmentation (report/segmentation_report.cpp).
void printSegmentationText(std::ostream& os, const SegmentationSummary& s);
nlohmann::ordered_json segmentationJson(const SegmentationSummary& s);
/// The "faults" row of the CSV's main table (`columns` fields in all) and the table of first faults.
void printSegmentationCsvRow(std::ostream& os, const SegmentationSummary& s, std::size_t columns);
void printSegmentationCsvFaults(std::ostream& os, const SegmentationSummary& s);
/// The JSON report; keys keep the documented order (tool, version, config_file, trace, ...).
nlohmann::ordered_json reportJson(const RunSummary& summary);
/// reportJson(summary).dump(2) and a newline.
void printJson(std::ostream& os, const RunSummary& summary);
void printCsv(std::ostream& os, const RunSummary& summary);

}  // namespace cachescope
