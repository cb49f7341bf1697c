#include "cachescope/gc/report.hpp"

#include <algorithm>

#include "cachescope/core/format.hpp"
#include "cachescope/core/table.hpp"

namespace cachescope::gc {

namespace {

/// At most this many objects are named per line of the text report (JSON names them all).
constexpr std::size_t kNamed = 8;

std::string objectList(const GcTrace& trace, const std::vector<std::uint32_t>& objects) {
    std::string text;
    for (std::size_t k = 0; k < objects.size() && k < kNamed; ++k)
        text += (k == 0 ? "" : ", ") + describe(trace.objects[objects[k]]);
    if (objects.size() > kNamed) text += ", ... and " + withThousands(objects.size() - kNamed) + " more";
    return text;
}

std::string lineOf(const GcTrace& trace, std::size_t event) {
    return event == kNever ? std::string("-") : std::to_string(trace.events[event].line);
}

nlohmann::ordered_json idList(const GcTrace& trace, const std::vector<std::uint32_t>& objects) {
    nlohmann::ordered_json ids = nlohmann::ordered_json::array();
    for (const std::uint32_t x : objects) ids.push_back(trace.objects[x].id);
    return ids;
}

nlohmann::ordered_json lineJson(const GcTrace& trace, std::size_t event) {
    return event == kNever ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(trace.events[event].line);
}

nlohmann::ordered_json totalsJson(const GcTrace& trace, const CollectorTotals& t) {
    return {{"freed_objects", t.freedObjects},
            {"freed_bytes", t.freedBytes},
            {"peak_held_bytes", t.peakHeld},
            {"peak_held_line", t.peakHeld == 0 ? nlohmann::ordered_json(nullptr) : lineJson(trace, t.peakAt)},
            {"held_bytes_at_end", t.heldAtEnd},
            {"garbage_objects_at_end", t.garbageAtEnd},
            {"garbage_bytes_at_end", t.garbageBytesAtEnd}};
}

}  // namespace

std::string eventText(const GcTrace& trace, const GcEvent& ev) {
    const std::string op = opName(ev.op);
    switch (ev.op) {
        case GcOp::New: {
            const GcObject& o = trace.objects[ev.a];
            return op + " " + o.id + " " + std::to_string(o.size) + (o.name.empty() ? "" : " " + o.name);
        }
        case GcOp::Ref:
        case GcOp::Unref: return op + " " + trace.objects[ev.a].id + " " + trace.objects[ev.b].id;
        case GcOp::Root:
        case GcOp::Unroot: return op + " " + trace.objects[ev.a].id;
        case GcOp::Collect: return op;
    }
    return op;
}

void TimelineRecorder::onStep(const GcStep& step) {
    TimelineRow row;
    row.line = step.event->line;
    row.event = eventText(trace_, *step.event);
    row.reachable = step.reachableBytes;
    row.rcHeld = step.rcHeldBytes;
    row.msHeld = step.msHeldBytes - (step.collection != nullptr ? step.collection->freedBytes : 0);
    row.rcFreed = step.rcFreed->size();
    row.msFreed = step.collection != nullptr ? step.collection->freed.size() : 0;
    rows_.push_back(std::move(row));
}

void printGcText(std::ostream& os, const GcTrace& trace, const GcStats& s) {
    os << "trace: " << trace.source << " (" << withThousands(s.events) << " events, " << withThousands(s.objects)
       << " objects, " << withThousands(s.bytesMade) << " bytes made)\n";
    os << "mark-sweep collects: "
       << (s.threshold == 0 ? std::string("only at 'collect' events")
                            : "every " + withThousands(s.threshold) + " bytes allocated, and at 'collect' events")
       << "\n\n";
    TextTable t{{"measure", "reference counting", "mark-sweep"}, {}};
    const auto row = [&t](const std::string& what, const std::string& rc, const std::string& ms) {
        t.rows.push_back({what, rc, ms});
    };
    row("objects freed", withThousands(s.rc.freedObjects), withThousands(s.ms.freedObjects));
    row("bytes freed", withThousands(s.rc.freedBytes), withThousands(s.ms.freedBytes));
    row("peak held bytes", withThousands(s.rc.peakHeld), withThousands(s.ms.peakHeld));
    row("  at line", s.rc.peakHeld == 0 ? "-" : lineOf(trace, s.rc.peakAt),
        s.ms.peakHeld == 0 ? "-" : lineOf(trace, s.ms.peakAt));
    row("held bytes at the end", withThousands(s.rc.heldAtEnd), withThousands(s.ms.heldAtEnd));
    row("garbage objects still held at the end", withThousands(s.rc.garbageAtEnd), withThousands(s.ms.garbageAtEnd));
    row("garbage bytes still held at the end", withThousands(s.rc.garbageBytesAtEnd),
        withThousands(s.ms.garbageBytesAtEnd));
    std::uint64_t marked = 0, swept = 0, mostFreed = 0;
    for (const Collection& c : s.collections) {
        marked += c.marked.objects;
        swept += c.heapObjects;
        mostFreed = std::max<std::uint64_t>(mostFreed, c.freed.size());
    }
    row("freeing events / collections", withThousands(s.rcReleases.size()), withThousands(s.collections.size()));
    row("most objects freed by one event", withThousands(s.largestCascade()), withThousands(mostFreed));
    row("work: count updates / objects marked", withThousands(s.rcUpdates), withThousands(marked));
    row("work: objects swept", "-", withThousands(swept));
    printTable(os, t);
    os << "peak reachable bytes (the least any collector can hold): " << withThousands(s.peakReachable);
    if (s.peakReachable != 0) os << " at line " << lineOf(trace, s.peakReachableAt);
    os << '\n';

    if (s.rcReleases.empty()) {
        os << "\nreference counting freed nothing\n";
    } else {
        os << "\nreference counting freed (at once, when a count fell to 0):\n";
        TextTable r{{"line", "event", "objects", "bytes", "freed"}, {}};
        r.indent = "  ";
        r.align = {TextTable::Align::Right, TextTable::Align::Left, TextTable::Align::Right, TextTable::Align::Right,
                   TextTable::Align::Left};
        for (const RcRelease& x : s.rcReleases)
            r.rows.push_back({lineOf(trace, x.event), eventText(trace, trace.events[x.event]),
                              withThousands(x.objects.size()), withThousands(x.bytes), objectList(trace, x.objects)});
        printTable(os, r);
    }

    if (s.collections.empty()) {
        os << "\nmark-sweep never collected\n";
    } else {
        os << "\nmark-sweep collections (each a pause: mark what the roots reach, sweep the heap):\n";
        TextTable c{{"#", "line", "trigger", "allocated since", "heap objects", "marked objects", "marked bytes",
                     "freed objects", "freed bytes"},
                    {}};
        c.indent = "  ";
        c.align = {TextTable::Align::Right, TextTable::Align::Right, TextTable::Align::Left};
        for (std::size_t k = 0; k < s.collections.size(); ++k) {
            const Collection& x = s.collections[k];
            c.rows.push_back({std::to_string(k + 1), lineOf(trace, x.event), x.explicitCollect ? "collect" : "threshold",
                              withThousands(x.allocatedSince), withThousands(x.heapObjects),
                              withThousands(x.marked.objects), withThousands(x.markedBytes),
                              withThousands(x.freed.size()), withThousands(x.freedBytes)});
        }
        printTable(os, c);
        for (std::size_t k = 0; k < s.collections.size(); ++k)
            if (!s.collections[k].freed.empty())
                os << "  #" << k + 1 << " freed: " << objectList(trace, s.collections[k].freed) << '\n';
    }

    if (s.leakedCycles.empty()) {
        os << "\nno cycles leaked: reference counting freed every object the program dropped\n";
        return;
    }
    os << "\ncycles reference counting leaked (as Python's gc.DEBUG_LEAK lists garbage):\n";
    for (std::size_t k = 0; k < s.leakedCycles.size(); ++k) {
        const LeakedCycle& c = s.leakedCycles[k];
        os << "  cycle " << k + 1 << ": " << withThousands(c.objects.size()) << " objects, " << withThousands(c.bytes)
           << " bytes, unreachable since line " << lineOf(trace, c.garbageAt) << "; "
           << (c.collectedAt == kNever ? std::string("mark-sweep has not collected it (no collection since)")
                                       : "mark-sweep freed it at line " + lineOf(trace, c.collectedAt))
           << '\n';
        std::vector<unsigned char> cyclic(trace.objects.size(), 0);
        for (const std::uint32_t x : c.onCycle) cyclic[x] = 1;
        for (const std::uint32_t x : c.objects) {
            const GcObject& o = trace.objects[x];
            os << "    gc: collectable <" << (o.name.empty() ? "object" : o.name) << ' ' << o.id << "> "
               << withThousands(o.size) << " B" << (cyclic[x] != 0 ? "" : " (held by the cycle)") << '\n';
        }
    }
}

nlohmann::ordered_json gcJson(const GcTrace& trace, const GcStats& s) {
    nlohmann::ordered_json j;
    j["trace"] = trace.source;
    j["threshold"] = s.threshold == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.threshold);
    j["events"] = s.events;
    j["objects"] = s.objects;
    j["bytes_made"] = s.bytesMade;
    j["peak_reachable_bytes"] = s.peakReachable;
    j["peak_reachable_line"] = s.peakReachable == 0 ? nlohmann::ordered_json(nullptr) : lineJson(trace, s.peakReachableAt);

    nlohmann::ordered_json rc = totalsJson(trace, s.rc);
    rc["count_updates"] = s.rcUpdates;
    rc["largest_cascade"] = s.largestCascade();
    nlohmann::ordered_json releases = nlohmann::ordered_json::array();
    for (const RcRelease& r : s.rcReleases)
        releases.push_back({{"line", trace.events[r.event].line},
                            {"event", eventText(trace, trace.events[r.event])},
                            {"freed", idList(trace, r.objects)},
                            {"freed_bytes", r.bytes}});
    rc["releases"] = releases;
    j["reference_counting"] = rc;

    nlohmann::ordered_json ms = totalsJson(trace, s.ms);
    nlohmann::ordered_json collections = nlohmann::ordered_json::array();
    for (const Collection& c : s.collections)
        collections.push_back({{"line", trace.events[c.event].line},
                               {"trigger", c.explicitCollect ? "collect" : "threshold"},
                               {"allocated_since", c.allocatedSince},
                               {"heap_objects", c.heapObjects},
                               {"heap_bytes", c.heapBytes},
                               {"marked_objects", c.marked.objects},
                               {"marked_bytes", c.markedBytes},
                               {"references_followed", c.marked.edges},
                               {"freed", idList(trace, c.freed)},
                               {"freed_bytes", c.freedBytes}});
    ms["collections"] = collections;
    j["mark_sweep"] = ms;

    nlohmann::ordered_json cycles = nlohmann::ordered_json::array();
    for (const LeakedCycle& c : s.leakedCycles) {
        std::vector<unsigned char> cyclic(trace.objects.size(), 0);
        for (const std::uint32_t x : c.onCycle) cyclic[x] = 1;
        nlohmann::ordered_json objects = nlohmann::ordered_json::array();
        for (const std::uint32_t x : c.objects) {
            const GcObject& o = trace.objects[x];
            objects.push_back({{"id", o.id},
                               {"name", o.name.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.name)},
                               {"size", o.size},
                               {"on_cycle", cyclic[x] != 0}});
        }
        cycles.push_back({{"objects", objects},
                          {"bytes", c.bytes},
                          {"unreachable_line", lineJson(trace, c.garbageAt)},
                          {"collected_line", lineJson(trace, c.collectedAt)}});
    }
    j["leaked_cycles"] = cycles;
    return j;
}

void printGcCsv(std::ostream& os, const std::vector<TimelineRow>& rows) {
    os << "line,event,reachable_bytes,rc_held_bytes,ms_held_bytes,rc_freed_objects,ms_freed_objects\n";
    for (const TimelineRow& r : rows)
        os << r.line << ',' << csvField(r.event) << ',' << r.reachable << ',' << r.rcHeld << ',' << r.msHeld << ','
           << r.rcFreed << ',' << r.msFreed << '\n';
}

}  // namespace cachescope::gc
