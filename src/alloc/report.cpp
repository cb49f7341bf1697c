#include "cachescope/alloc/report.hpp"

#include <cstdio>

#include "cachescope/core/format.hpp"
#include "cachescope/core/table.hpp"

namespace cachescope::alloc {

namespace {

const char* opName(AllocOp op) {
    switch (op) {
        case AllocOp::Alloc: return "alloc";
        case AllocOp::Free: return "free";
        case AllocOp::Realloc: return "realloc";
        case AllocOp::EmptyCache: return "empty_cache";
    }
    return "?";
}

std::string percent(double fraction) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * fraction);
    return buf;
}

std::string fixed2(double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", value);
    return buf;
}

std::string siteName(const std::string& site) { return site.empty() ? "(no site)" : site; }

std::string stepsPerAllocation(const AllocStats& s) {
    return s.attempts() == 0 ? "-" : fixed2(static_cast<double>(s.searchSteps) / static_cast<double>(s.attempts()));
}

/// The static plan's peak reserved (the lower bound of `alloc compare`), if it ran and placed.
const AllocStats* plannedRun(const std::vector<AllocStats>& runs) {
    for (const AllocStats& s : runs)
        if (s.allocator == "planned" && s.peakReserved > 0) return &s;
    return nullptr;
}

TextTable compareTable(const std::vector<AllocStats>& runs) {
    TextTable t{{"allocator", "peak live", "peak reserved", "/ planned", "internal frag", "external frag max", "failed",
                 "enough free in total", "steps/alloc"},
                {}};
    const AllocStats* planned = plannedRun(runs);
    for (const AllocStats& s : runs)
        t.rows.push_back({s.allocator, withThousands(s.peakLive), withThousands(s.peakReserved),
                          planned == nullptr ? "-"
                                             : fixed2(static_cast<double>(s.peakReserved) /
                                                      static_cast<double>(planned->peakReserved)),
                          percent(s.internalFragmentation()), percent(s.externalFragMax), withThousands(s.failed.size()),
                          withThousands(s.fragmentationFailures()), stepsPerAllocation(s)});
    return t;
}

}  // namespace

void TimelineRecorder::onStep(const AllocStep& step) {
    TimelineRow row;
    row.line = step.event->line;
    row.op = step.event->op;
    if (step.event->op != AllocOp::EmptyCache) row.id = trace_.names[step.event->id];
    row.ok = step.ok;
    row.address = step.address;
    row.blockSize = step.blockSize;
    row.steps = step.steps;
    row.live = step.liveBytes;
    row.reserved = step.reserved;
    row.free = step.free;
    rows_.push_back(row);
}

void printAllocText(std::ostream& os, const AllocTrace& trace, const AllocStats& s) {
    os << "allocator: " << s.allocator << '\n';
    os << "trace: " << trace.source << " (" << withThousands(s.events) << " events: " << withThousands(s.allocs)
       << " alloc, " << withThousands(s.frees) << " free, " << withThousands(s.reallocs) << " realloc)\n";
    os << "capacity: " << (s.capacity == kUnlimited ? std::string("unlimited") : withThousands(s.capacity) + " bytes")
       << "\n\n";
    TextTable t{{"measure", "value"}, {}};
    t.rows.push_back({"peak live bytes", withThousands(s.peakLive)});
    t.rows.push_back({"peak reserved bytes (footprint)", withThousands(s.peakReserved)});
    t.rows.push_back({"peak reserved / peak live",
                      s.peakLive == 0 ? "-" : fixed2(static_cast<double>(s.peakReserved) / static_cast<double>(s.peakLive))});
    t.rows.push_back({"reserved but unallocated, max", withThousands(s.unallocatedMax)});
    t.rows.push_back({"reserved but unallocated, at the end", withThousands(s.unallocatedAtEnd)});
    t.rows.push_back({"internal fragmentation (rounding)", percent(s.internalFragmentation())});
    t.rows.push_back({"external fragmentation, max", percent(s.externalFragMax)});
    t.rows.push_back({"external fragmentation, mean over events", percent(s.externalFragMean)});
    t.rows.push_back({"external fragmentation, at the end", percent(s.externalFragEnd)});
    t.rows.push_back({"failed allocations", withThousands(s.failed.size())});
    t.rows.push_back({"  of which enough was free in total", withThousands(s.fragmentationFailures())});
    t.rows.push_back({"search steps per allocation", stepsPerAllocation(s)});
    t.rows.push_back({"search steps, most for one allocation", withThousands(s.maxSearchSteps)});
    t.rows.push_back({"live bytes at the end", withThousands(s.liveAtEnd)});
    printTable(os, t);
    if (!s.failed.empty()) {
        os << "\nfailed allocations:\n";
        TextTable f{{"line", "id", "size", "free", "headroom", "enough in total"}, {}};
        f.indent = "  ";
        for (const FailedAllocation& x : s.failed)
            f.rows.push_back({std::to_string(x.line), x.id, withThousands(x.size), withThousands(x.freeBytes),
                              s.capacity == kUnlimited ? "unlimited" : withThousands(x.headroom),
                              x.fragmentation ? "yes" : "no"});
        f.align = {TextTable::Align::Right, TextTable::Align::Left};
        printTable(os, f);
    }
    if (s.leaks.empty()) {
        os << "\nno leaks: every allocation was freed\n";
    } else {
        std::uint64_t count = 0, bytes = 0;
        for (const LeakGroup& g : s.leaks) {
            count += g.count;
            bytes += g.bytes;
        }
        os << "\nleaks: " << withThousands(bytes) << " bytes in " << withThousands(count)
           << " allocation(s) never freed, by site:\n";
        TextTable l{{"site", "bytes", "allocations"}, {}};
        l.indent = "  ";
        for (const LeakGroup& g : s.leaks) l.rows.push_back({siteName(g.site), withThousands(g.bytes), withThousands(g.count)});
        printTable(os, l);
    }
}

nlohmann::ordered_json allocJson(const AllocTrace& trace, const AllocStats& s) {
    nlohmann::ordered_json j;
    j["allocator"] = s.allocator;
    j["trace"] = trace.source;
    j["capacity"] = s.capacity == kUnlimited ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.capacity);
    j["events"] = {{"total", s.events}, {"alloc", s.allocs}, {"free", s.frees}, {"realloc", s.reallocs},
                   {"empty_cache", s.emptyCaches}, {"ignored_frees", s.ignoredFrees}};
    j["peak_live_bytes"] = s.peakLive;
    j["peak_reserved_bytes"] = s.peakReserved;
    j["live_bytes_at_end"] = s.liveAtEnd;
    j["reserved_bytes_at_end"] = s.reservedAtEnd;
    j["reserved_unallocated_bytes"] = {{"max", s.unallocatedMax}, {"end", s.unallocatedAtEnd}};
    j["internal_fragmentation"] = {{"requested_bytes", s.requestedTotal},
                                   {"block_bytes", s.blockTotal},
                                   {"fraction", s.internalFragmentation()}};
    j["external_fragmentation"] = {{"max", s.externalFragMax}, {"mean", s.externalFragMean}, {"end", s.externalFragEnd}};
    j["search_steps"] = {{"total", s.searchSteps}, {"max", s.maxSearchSteps}, {"attempts", s.attempts()}};
    nlohmann::ordered_json failed = nlohmann::ordered_json::array();
    for (const FailedAllocation& f : s.failed)
        failed.push_back({{"line", f.line}, {"id", f.id}, {"size", f.size}, {"free_bytes", f.freeBytes},
                          {"headroom", s.capacity == kUnlimited ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.headroom)},
                          {"enough_free_in_total", f.fragmentation}});
    j["failed_allocations"] = failed;
    j["fragmentation_failures"] = s.fragmentationFailures();
    nlohmann::ordered_json leaks = nlohmann::ordered_json::array();
    for (const LeakGroup& g : s.leaks)
        leaks.push_back({{"site", g.site.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(g.site)},
                         {"bytes", g.bytes},
                         {"count", g.count}});
    j["leaks"] = leaks;
    return j;
}

void printAllocCsv(std::ostream& os, const std::vector<TimelineRow>& rows) {
    os << "line,op,id,ok,address,block_size,search_steps,live_bytes,reserved_bytes,free_bytes,largest_free,"
          "external_fragmentation\n";
    for (const TimelineRow& r : rows)
        os << r.line << ',' << opName(r.op) << ',' << csvField(r.id) << ',' << (r.ok ? 1 : 0) << ',' << r.address
           << ',' << r.blockSize << ',' << r.steps << ',' << r.live << ',' << r.reserved << ',' << r.free.total << ','
           << r.free.largest << ',' << shortestNumber(externalFragmentation(r.free)) << '\n';
}

void printAllocCompareText(std::ostream& os, const AllocTrace& trace, const std::vector<AllocStats>& runs) {
    os << "trace: " << trace.source << "\n\n";
    printTable(os, compareTable(runs));
    if (const AllocStats* planned = plannedRun(runs))
        os << "\n/ planned: peak reserved over the static plan's arena (" << withThousands(planned->peakReserved)
           << " bytes), the footprint when every lifetime is known ahead\n";
}

void printAllocCompareCsv(std::ostream& os, const std::vector<AllocStats>& runs) {
    // Plain numbers (no thousands separators, fractions rather than percentages).
    os << "allocator,peak_live_bytes,peak_reserved_bytes,internal_fragmentation,external_fragmentation_max,"
          "failed_allocations,fragmentation_failures,search_steps_per_allocation\n";
    for (const AllocStats& s : runs)
        os << csvField(s.allocator) << ',' << s.peakLive << ',' << s.peakReserved << ','
           << shortestNumber(s.internalFragmentation()) << ',' << shortestNumber(s.externalFragMax) << ','
           << s.failed.size() << ',' << s.fragmentationFailures() << ','
           << shortestNumber(s.attempts() == 0 ? 0.0 : static_cast<double>(s.searchSteps) / static_cast<double>(s.attempts()))
           << '\n';
}

}  // namespace cachescope::alloc
