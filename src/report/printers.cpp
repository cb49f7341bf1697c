// Text, JSON and CSV printers of a RunSummary (layouts documented in report/report.hpp).

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cachescope/core/json_text.hpp"
#include "cachescope/core/table.hpp"
#include "cachescope/report/report.hpp"

namespace cachescope {

namespace {

std::string fixed2(double value) {
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), "%.2f", value);
    return buf.data();
}


constexpr std::array<std::string_view, 15> kFields = {
    "name",      "level",       "accesses",     "hits",     "misses",
    "reads",     "writes",      "read_misses",  "write_misses",
    "instruction_fetches",      "instruction_fetch_misses",
    "evictions", "writebacks",  "back_invalidations",       "miss_rate",
};


/// "page cache": the counters of docs/mmap.md.
void printPageCache(std::ostream& os, const PageCacheSummary& p) {
    std::array<char, 64> ms{};
    std::snprintf(ms.data(), ms.size(), "%.3f", double(p.storageNanoseconds) / 1e6);
    os << "\npage cache (" << p.files << (p.files == 1 ? " file, " : " files, ") << p.mappings
       << (p.mappings == 1 ? " mapping)\n" : " mappings)\n");
    os << "faults: " << withThousands(p.minorFaults) << " minor, " << withThousands(p.fileMajorFaults)
       << " file major (read from storage)\n";
    os << "storage reads: " << withThousands(p.storageReads) << " requests, " << withThousands(p.storageBytesRead)
       << " bytes; readahead: " << withThousands(p.readaheadPagesRead) << " pages read, "
       << withThousands(p.readaheadPagesUsed) << " used, " << withThousands(p.readaheadPagesWasted)
       << " evicted unused, " << withThousands(p.readaheadPagesPending) << " not used yet\n";
    os << "file write-backs: " << withThousands(p.fileWritebacks) << " on eviction, ";
    if (p.msyncWritebacks != 0) os << withThousands(p.msyncWritebacks) << " at msync, ";
    os << withThousands(p.writebacksAtEnd)
       << " at the end of the run (" << withThousands(p.storageBytesWritten)
       << " bytes); page-cache evictions: " << withThousands(p.pageCacheEvictions) << '\n';
    os << "bytes copied by read(): " << withThousands(p.bytesCopied) << '\n';
    os << "resident at the end: " << withThousands(p.residentPageCachePages) << " page-cache pages, "
       << withThousands(p.residentAnonymousFrames) << " anonymous frames\n";
    os << "storage time at " << withThousands(p.storageLatencyNs) << " ns per request and "
       << withThousands(p.storageBandwidth) << " bytes/s: " << ms.data() << " ms\n";
}

void printTranslation(std::ostream& os, const TranslationSummary& t) {
    os << "\ntranslation\n";
    std::vector<std::vector<std::string>> rows;
    auto add = [&](const LevelSummary& l) {
        rows.push_back({l.name, withThousands(l.stats.accesses()), withThousands(l.stats.hits()),
                        withThousands(l.stats.misses()), fixed2(100.0 * l.stats.missRate()) + "%",
                        std::to_string(l.latency)});
    };
    for (const LevelSummary& l : t.tlbs) add(l);
    for (const LevelSummary& l : t.walkCaches) add(l);
    if (!rows.empty()) printTable(os, TextTable{{"tlb", "accesses", "hits", "misses", "miss rate", "latency"}, rows});
    os << "walks: " << withThousands(t.walks) << ", page-table entry reads: " << withThousands(t.walkMemoryAccesses)
       << " (served by";
    for (std::size_t i = 0; i < t.pteServedBy.size(); ++i)
        os << (i ? ", " : " ") << t.pteServedBy[i].first << ' ' << withThousands(t.pteServedBy[i].second);
    os << ")\n";
    os << "page faults: " << withThousands(t.pageFaults) << " (" << withThousands(t.majorFaults)
       << " major), pages written out: " << withThousands(t.pagesWrittenOut)
       << ", resident pages (peak): " << withThousands(t.residentPagesPeak)
       << ", page-table pages: " << withThousands(t.pageTablePages) << '\n';
    os << "translation cycles (TLB and walk-cache lookups, page faults at " << t.pageFaultLatency
       << "): " << withThousands(t.cycles) << '\n';
    if (t.pageCache) printPageCache(os, *t.pageCache);
}

/// "processes": the switches and one row per process (only when several ran).
void printProcesses(std::ostream& os, const RunSummary& s) {
    if (!s.processes) return;
    const ProcessesSummary& p = *s.processes;
    os << "\nprocesses: " << p.rows.size() << ", context switches: " << withThousands(p.contextSwitches);
    if (s.translation)
        os << ", TLB entries flushed: " << withThousands(p.tlbEntriesFlushed)
           << ", walk-cache entries flushed: " << withThousands(p.walkCacheEntriesFlushed);
    os << '\n';
    std::vector<std::string> header{"process", "references"};
    for (const LevelSummary& l : s.levels) header.push_back(l.name + " misses");
    for (const std::string& t : p.tlbNames) header.push_back(t + " misses");
    if (s.translation) header.push_back("page faults");
    std::vector<std::vector<std::string>> cells;
    for (const ProcessStats& row : p.rows) {
        std::vector<std::string> line{std::to_string(row.process), withThousands(row.references)};
        for (const std::uint64_t m : row.cacheMisses) line.push_back(withThousands(m));
        for (const std::uint64_t m : row.tlbMisses) line.push_back(withThousands(m));
        if (s.translation) line.push_back(withThousands(row.pageFaults));
        cells.push_back(std::move(line));
    }
    printTable(os, TextTable{header, cells});
}

nlohmann::ordered_json processesJson(const RunSummary& s) {
    const ProcessesSummary& p = *s.processes;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const ProcessStats& row : p.rows) {
        nlohmann::ordered_json misses = nlohmann::ordered_json::object(), tlbMisses = nlohmann::ordered_json::object();
        for (std::size_t c = 0; c < s.levels.size() && c < row.cacheMisses.size(); ++c)
            misses[s.levels[c].name] = row.cacheMisses[c];
        for (std::size_t t = 0; t < p.tlbNames.size() && t < row.tlbMisses.size(); ++t)
            tlbMisses[p.tlbNames[t]] = row.tlbMisses[t];
        rows.push_back({{"process", row.process},
                        {"references", row.references},
                        {"misses", std::move(misses)},
                        {"tlb_misses", std::move(tlbMisses)},
                        {"page_faults", row.pageFaults}});
    }
    return {{"count", p.rows.size()},
            {"context_switches", p.contextSwitches},
            {"tlb_entries_flushed", p.tlbEntriesFlushed},
            {"walk_cache_entries_flushed", p.walkCacheEntriesFlushed},
            {"rows", std::move(rows)}};
}

/// "compared with OPT": misses, OPT's misses on the same stream, the difference and its share.
void printOptComparison(std::ostream& os, const RunSummary& s) {
    std::vector<std::vector<std::string>> rows;
    auto add = [&](const LevelSummary& l) {
        if (!l.optMisses) return;
        const std::uint64_t misses = l.stats.misses(), opt = *l.optMisses;
        const std::uint64_t above = misses >= opt ? misses - opt : 0;
        rows.push_back({l.name, withThousands(misses), withThousands(opt), withThousands(above),
                        misses ? fixed2(100.0 * double(above) / double(misses)) + "%" : "-"});
    };
    for (const LevelSummary& l : s.levels) add(l);
    if (s.translation)
        for (const LevelSummary& l : s.translation->tlbs) add(l);
    if (rows.empty()) return;
    os << "\ncompared with OPT (Belady's optimal replacement, each level on the same stream)\n";
    printTable(os, TextTable{{"level", "misses", "OPT misses", "above OPT", "share of misses"}, rows});
}

/// "by tensor" / "by statement": references, then each cache's misses and miss ratio
/// (misses per access of that cache charged to the row).
void printAttribution(std::ostream& os, const RunSummary& s, const std::vector<AttributionRow>& rows,
                      const std::string& title, bool withRegion) {
    if (rows.empty()) return;
    os << '\n' << title << '\n';
    std::vector<std::string> header{title == "by tensor" ? "tensor" : "statement"};
    if (withRegion) header.push_back("tensor");
    header.push_back("references");
    const bool classes = s.classified && title == "by tensor";
    for (const LevelSummary& l : s.levels) {
        header.push_back(l.name + " misses");
        header.push_back(l.name + " miss rate");
        if (classes)
            for (const char* c : {" compulsory", " capacity", " conflict"}) header.push_back(l.name + c);
    }
    std::vector<std::vector<std::string>> cells;
    for (const AttributionRow& row : rows) {
        std::vector<std::string> line{row.name};
        if (withRegion) line.push_back(row.region);
        line.push_back(row.references ? withThousands(row.references) : "-");
        for (std::size_t c = 0; c < s.levels.size(); ++c) {
            line.push_back(withThousands(row.misses[c]));
            line.push_back(row.accesses[c] ? fixed2(100.0 * double(row.misses[c]) / double(row.accesses[c])) + "%"
                                           : "-");
            if (classes) {
                const MissClassCounts m = c < row.missClasses.size() ? row.missClasses[c] : MissClassCounts{};
                for (const std::uint64_t n : {m.compulsory, m.capacity, m.conflict}) line.push_back(withThousands(n));
            }
        }
        cells.push_back(std::move(line));
    }
    printTable(os, TextTable{header, cells});
}

nlohmann::ordered_json classesJson(const MissClassCounts& m) {
    return {{"compulsory", m.compulsory}, {"capacity", m.capacity}, {"conflict", m.conflict}};
}

/// "miss classes (3C)": each level's misses split into compulsory, capacity and conflict.
void printMissClasses(std::ostream& os, const RunSummary& s) {
    os << "\nmiss classes (3C)\n";
    std::vector<std::vector<std::string>> rows;
    for (const LevelSummary& l : s.levels) {
        const MissClassCounts m = l.missClasses.value_or(MissClassCounts{});
        rows.push_back({l.name, withThousands(l.stats.misses()), withThousands(m.compulsory), withThousands(m.capacity),
                        withThousands(m.conflict)});
    }
    printTable(os, TextTable{{"level", "misses", "compulsory", "capacity", "conflict"}, rows});
}

nlohmann::ordered_json attributionJson(const RunSummary& s, const std::vector<AttributionRow>& rows, bool withRegion) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const AttributionRow& row : rows) {
        nlohmann::ordered_json misses = nlohmann::ordered_json::object(), accesses = nlohmann::ordered_json::object();
        for (std::size_t c = 0; c < s.levels.size(); ++c) {
            misses[s.levels[c].name] = row.misses[c];
            accesses[s.levels[c].name] = row.accesses[c];
        }
        nlohmann::ordered_json j;
        j["name"] = row.name;
        if (withRegion) j["region"] = row.region;
        j["accesses"] = row.references;
        j["misses"] = std::move(misses);
        j["level_accesses"] = std::move(accesses);
        if (s.classified) {
            nlohmann::ordered_json classes = nlohmann::ordered_json::object();
            for (std::size_t c = 0; c < s.levels.size(); ++c)
                classes[s.levels[c].name] =
                    classesJson(c < row.missClasses.size() ? row.missClasses[c] : MissClassCounts{});
            j["miss_classes"] = std::move(classes);
        }
        out.push_back(std::move(j));
    }
    return out;
}

/// "L1 2, L2 3": one count per cache.
std::string perCache(const RunSummary& s, const std::vector<std::uint64_t>& counts) {
    std::string text;
    for (std::size_t c = 0; c < s.levels.size() && c < counts.size(); ++c)
        text += (c ? ", " : "") + s.levels[c].name + " " + withThousands(counts[c]);
    return text;
}

/// The flush line (--flush), or the dirty lines left behind without it.
void printFlush(std::ostream& os, const RunSummary& s) {
    if (s.flushed) {
        os << "flush at the end (--flush; not in the counts above): write-backs " << perCache(s, s.flush.writebacks)
           << "; memory writes " << withThousands(s.flush.memoryWrites) << '\n';
    } else if (const std::uint64_t dirty = s.flush.totalDirtyLines(); dirty != 0) {
        os << "dirty lines left at the end: " << withThousands(dirty) << " (" << perCache(s, s.flush.dirtyLines)
           << "), not written back (Dinero's default; --flush writes them back and counts them apart)\n";
    }
}

nlohmann::ordered_json perCacheJson(const RunSummary& s, const std::vector<std::uint64_t>& counts) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < s.levels.size() && c < counts.size(); ++c) j[s.levels[c].name] = counts[c];
    return j;
}

}  // namespace

void printText(std::ostream& os, const RunSummary& s) {
    os << "cachescope run: config " << s.info.configFile << ", trace "
       << (s.info.sourceLabel.empty() ? s.info.tracePath : s.info.sourceLabel) << " ("
       << s.info.traceFormat << ", " << withThousands(s.info.records) << " records, "
       << withThousands(s.references) << " references)\n";
    if (s.info.skippedLines != 0)
        os << "skipped " << withThousands(s.info.skippedLines)
           << (s.info.skippedLines == 1 ? " line that is not a trace record" : " lines that are not trace records")
           << " (the traced program's output or Valgrind's messages)\n";
    if (s.msyncs != 0)  // docs/mmap.md, "msync": without a file-backed mapping they write nothing
        os << "msync events: " << withThousands(s.msyncs)
           << (s.translation && s.translation->pageCache ? "" : " (no file-backed mapping: nothing written back)")
           << '\n';
    if (const std::optional<ThreadsSummary>& t = s.threads)
        os << "threads: " << t->requested << " requested, "
           << (t->shards > 1 ? std::to_string(t->shards) + " shards simulated in parallel" : std::string("run on one thread"))
           << (t->note.empty() ? "" : ": " + t->note) << '\n';
    os << '\n';

    // One row of cells per cache; column 0 (the name) is left-aligned, the others right-aligned.
    const std::vector<std::string> header = {"level",  "accesses",    "hits",         "misses",
                                             "miss rate", "reads",     "writes",       "read misses",
                                             "write misses", "evictions", "write-backs"};
    std::vector<std::vector<std::string>> rows;
    for (const LevelSummary& l : s.levels) {
        const CacheStats& c = l.stats;
        rows.push_back({l.name, withThousands(c.accesses()), withThousands(c.hits()), withThousands(c.misses()),
                        fixed2(100.0 * c.missRate()) + "%", withThousands(c.reads()), withThousands(c.writes()),
                        withThousands(c.readMisses()), withThousands(c.writeMisses()), withThousands(c.evictions),
                        withThousands(c.writebacks)});
    }
    printTable(os, TextTable{header, rows});
    if (s.classified) printMissClasses(os, s);
    os << "\nmemory: " << withThousands(s.memory.reads) << " reads, " << withThousands(s.memory.writes)
       << " writes\n";
    printFlush(os, s);
    os << "latency (cycles):";
    for (const LevelSummary& l : s.levels) os << ' ' << l.name << ' ' << l.latency << ',';
    os << " memory " << s.memoryLatency << '\n';
    if (s.translation) printTranslation(os, *s.translation);
    if (s.segmentation) printSegmentationText(os, *s.segmentation);
    printProcesses(os, s);
    printOptComparison(os, s);
    printAttribution(os, s, s.regions, "by tensor", false);
    printAttribution(os, s, s.sites, "by statement", true);
    const bool comparedWithOpt =
        std::any_of(s.levels.begin(), s.levels.end(), [](const LevelSummary& l) { return l.optMisses.has_value(); });
    if (!s.regions.empty() || comparedWithOpt || s.processes) os << '\n';  // the tables above end without a blank line
    os << "total estimated cycles: " << withThousands(s.totalCycles) << '\n';
    os << "AMAT: " << fixed2(s.amat) << " cycles per reference\n";
}

nlohmann::ordered_json reportJson(const RunSummary& s) {
    nlohmann::ordered_json levels = nlohmann::ordered_json::array();
    for (const LevelSummary& l : s.levels) {
        const CacheStats& c = l.stats;
        levels.push_back({
            {"name", l.name},
            {"level", l.level},
            {"accesses", c.accesses()},
            {"hits", c.hits()},
            {"misses", c.misses()},
            {"reads", c.reads()},
            {"writes", c.writes()},
            {"read_misses", c.readMisses()},
            {"write_misses", c.writeMisses()},
            {"instruction_fetches", c.fetches()},
            {"instruction_fetch_misses", c.fetchMisses()},
            {"evictions", c.evictions},
            {"writebacks", c.writebacks},
            {"back_invalidations", c.backInvalidations},
            {"miss_rate", c.missRate()},
        });
        if (s.classified) {  // after "misses"
            nlohmann::ordered_json& level = levels.back();
            nlohmann::ordered_json ordered;
            for (auto& [key, value] : level.items()) {
                ordered[key] = value;
                if (key == "misses") {
                    const MissClassCounts m = l.missClasses.value_or(MissClassCounts{});
                    ordered["compulsory"] = m.compulsory;
                    ordered["capacity"] = m.capacity;
                    ordered["conflict"] = m.conflict;
                }
            }
            level = std::move(ordered);
        }
        if (l.optMisses) levels.back()["opt_misses"] = *l.optMisses;
    }
    nlohmann::ordered_json j;  // keys in insertion order
    j["tool"] = "cachescope";
    j["version"] = CACHESCOPE_VERSION;
    j["config_file"] = s.info.configFile;
    j["trace"] = {{"path", s.info.tracePath}, {"format", s.info.traceFormat}, {"records", s.info.records}};
    if (s.info.skippedLines != 0) j["trace"]["skipped_lines"] = s.info.skippedLines;
    if (s.msyncs != 0) j["trace"]["msyncs"] = s.msyncs;
    j["references"] = s.references;
    if (const std::optional<ThreadsSummary>& t = s.threads) {
        j["threads"] = {{"requested", t->requested}, {"shards", t->shards}};
        if (!t->note.empty()) j["threads"]["note"] = t->note;
    }
    j["levels"] = std::move(levels);
    j["memory"] = {{"reads", s.memory.reads}, {"writes", s.memory.writes}};
    if (s.flushed)
        j["flush"] = {{"writebacks", perCacheJson(s, s.flush.writebacks)}, {"memory_writes", s.flush.memoryWrites}};
    else if (s.flush.totalDirtyLines() != 0)
        j["dirty_lines_at_end"] = perCacheJson(s, s.flush.dirtyLines);
    if (s.translation) {
        const TranslationSummary& t = *s.translation;
        nlohmann::ordered_json tlbs = nlohmann::ordered_json::array();
        for (const LevelSummary& l : t.tlbs)
            tlbs.push_back({{"name", l.name},
                            {"level", l.level},
                            {"accesses", l.stats.accesses()},
                            {"hits", l.stats.hits()},
                            {"misses", l.stats.misses()},
                            {"miss_rate", l.stats.missRate()}});
        for (std::size_t i = 0; i < t.tlbs.size(); ++i)
            if (t.tlbs[i].optMisses) tlbs[i]["opt_misses"] = *t.tlbs[i].optMisses;
        nlohmann::ordered_json walkCaches = nlohmann::ordered_json::array();
        for (const LevelSummary& l : t.walkCaches)
            walkCaches.push_back({{"name", l.name}, {"lookups", l.stats.accesses()}, {"hits", l.stats.hits()}});
        nlohmann::ordered_json served;
        for (const auto& [name, n] : t.pteServedBy) served[name] = n;
        j["tlbs"] = std::move(tlbs);
        j["mmu"] = {{"page_faults", t.pageFaults},
                    {"major_faults", t.majorFaults},
                    {"walks", t.walks},
                    {"walk_memory_accesses", t.walkMemoryAccesses},
                    {"pte_reads_served_by", std::move(served)},
                    {"walk_caches", std::move(walkCaches)},
                    {"pages_written_out", t.pagesWrittenOut},
                    {"resident_pages_peak", t.residentPagesPeak},
                    {"page_table_pages", t.pageTablePages},
                    {"translation_cycles", t.cycles}};
        if (t.pageCache) {
            const PageCacheSummary& p = *t.pageCache;
            j["mmu"]["page_cache"] = {{"files", p.files},
                                      {"mappings", p.mappings},
                                      {"minor_faults", p.minorFaults},
                                      {"file_major_faults", p.fileMajorFaults},
                                      {"storage_reads", p.storageReads},
                                      {"storage_bytes_read", p.storageBytesRead},
                                      {"readahead_pages_read", p.readaheadPagesRead},
                                      {"readahead_pages_used", p.readaheadPagesUsed},
                                      {"readahead_pages_wasted", p.readaheadPagesWasted},
                                      {"readahead_pages_pending", p.readaheadPagesPending},
                                      {"page_cache_evictions", p.pageCacheEvictions},
                                      {"file_writebacks", p.fileWritebacks},
                                      {"writebacks_at_end", p.writebacksAtEnd},
                                      {"storage_bytes_written", p.storageBytesWritten},
                                      {"bytes_copied", p.bytesCopied},
                                      {"resident_page_cache_pages", p.residentPageCachePages},
                                      {"resident_anonymous_frames", p.residentAnonymousFrames},
                                      {"storage_latency_ns", p.storageLatencyNs},
                                      {"storage_bandwidth", p.storageBandwidth},
                                      {"storage_nanoseconds", p.storageNanoseconds}};
            if (p.msyncWritebacks != 0) j["mmu"]["page_cache"]["msync_writebacks"] = p.msyncWritebacks;
        }
    }
    if (s.segmentation) j["segmentation"] = segmentationJson(*s.segmentation);
    if (s.processes) j["processes"] = processesJson(s);
    if (!s.regions.empty()) {
        j["regions"] = attributionJson(s, s.regions, false);
        j["sites"] = attributionJson(s, s.sites, true);
    }
    j["total_cycles"] = s.totalCycles;
    j["amat"] = s.amat;
    j["config"] = nlohmann::ordered_json(s.config);
    return j;
}

void printJson(std::ostream& os, const RunSummary& s) { os << jsonText(reportJson(s), 2) << '\n'; }

void printCsv(std::ostream& os, const RunSummary& s) {
    for (std::size_t i = 0; i < kFields.size(); ++i) os << (i ? "," : "") << kFields[i];
    if (s.classified) os << ",compulsory,capacity,conflict";
    if (s.flushed) os << ",flush_writebacks";
    os << '\n';
    for (const LevelSummary& l : s.levels) {
        const CacheStats& c = l.stats;
        os << csvField(l.name) << ',' << l.level << ',' << c.accesses() << ',' << c.hits() << ',' << c.misses() << ','
           << c.reads() << ',' << c.writes() << ',' << c.readMisses() << ',' << c.writeMisses() << ',' << c.fetches()
           << ',' << c.fetchMisses() << ',' << c.evictions << ',' << c.writebacks << ',' << c.backInvalidations << ','
           << shortestNumber(c.missRate());
        if (s.classified) {
            const MissClassCounts m = l.missClasses.value_or(MissClassCounts{});
            os << ',' << m.compulsory << ',' << m.capacity << ',' << m.conflict;
        }
        if (s.flushed) {
            const auto index = static_cast<std::size_t>(&l - s.levels.data());
            os << ',' << (index < s.flush.writebacks.size() ? s.flush.writebacks[index] : 0);
        }
        os << '\n';
    }
    // memory: name, level, accesses, hits, misses empty; reads, writes; the remaining 8 fields empty
    os << "memory,,,,," << s.memory.reads << ',' << s.memory.writes << ",,,,,,,," << (s.classified ? ",,," : "");
    if (s.flushed) os << ',' << s.flush.memoryWrites;
    os << '\n';
    // skipped lines: the count in the accesses field, every other field empty
    auto countRow = [&](const std::string& name, std::uint64_t count) {
        os << csvField(name) << ",," << count << ",,,,,,,,,,,," << (s.classified ? ",,," : "") << (s.flushed ? "," : "")
           << '\n';
    };
    if (s.info.skippedLines != 0) countRow("skipped lines", s.info.skippedLines);
    if (s.msyncs != 0) countRow("msync events", s.msyncs);
    if (s.processes) {
        const ProcessesSummary& p = *s.processes;
        countRow("context switches", p.contextSwitches);
        if (s.translation) countRow("tlb entries flushed", p.tlbEntriesFlushed);
        for (const ProcessStats& row : p.rows) {
            const std::string name = "process " + std::to_string(row.process);
            countRow(name, row.references);
            for (std::size_t c = 0; c < s.levels.size() && c < row.cacheMisses.size(); ++c)
                countRow(name + " " + s.levels[c].name, row.cacheMisses[c]);
            for (std::size_t t = 0; t < p.tlbNames.size() && t < row.tlbMisses.size(); ++t)
                countRow(name + " " + p.tlbNames[t], row.tlbMisses[t]);
            if (s.translation) countRow(name + " page faults", row.pageFaults);
        }
    }
    if (s.segmentation) {
        printSegmentationCsvRow(os, *s.segmentation, kFields.size() + (s.classified ? 3 : 0) + (s.flushed ? 1 : 0));
        printSegmentationCsvFaults(os, *s.segmentation);
    }
}

}  // namespace cachescope
