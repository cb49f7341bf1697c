#include "model/inspector.hpp"

#include <cstdio>

namespace cachescope::gui {

namespace {

std::string roleText(const CacheStep& s) {
    switch (s.role) {
    case StepRole::Reference: return "";
    case StepRole::PteRead: return " (page-table read)";
    case StepRole::Fill: return " (fill for the level above)";
    case StepRole::WriteBack: return " (write-back from above)";
    case StepRole::Victim: return " (victim from above)";
    case StepRole::WriteThrough: return " (write-through)";
    case StepRole::WriteAround: return " (write-around)";
    }
    return "";
}

void addSteps(std::vector<Sentence>& out, const std::vector<CacheStep>& steps, std::uint32_t baseDepth) {
    for (const CacheStep& s : steps) {
        Sentence line;
        line.depth = baseDepth + s.depth;
        line.tone = s.cache == CacheStep::kMemory ? Sentence::Tone::Plain
                    : s.hit                         ? Sentence::Tone::Hit
                                                    : Sentence::Tone::Miss;
        line.text = describeStep(s);
        out.push_back(std::move(line));
    }
}

}  // namespace

std::string describeStep(const CacheStep& s) {
    std::string t = s.name + " " + std::string(toString(s.kind)) + " " + hex(s.address) + roleText(s);
    if (s.cache == CacheStep::kMemory) return t + ": memory serves it (" + std::to_string(s.latency) + " cycles)";
    t += ": set " + std::to_string(s.set) + ", tag " + hex(s.tag) + " - ";
    if (s.hit) return t + "hit in way " + std::to_string(s.way);
    t += "miss";
    if (s.missClass) t += " (" + std::string(toString(*s.missClass)) + ")";
    if (s.way == CacheStep::kNoWay) return t + ", not allocated";
    t += ", filled way " + std::to_string(s.way);
    if (s.evicted) {
        t += ", evicting line " + hex(s.victimAddress) + (s.victimDirty ? " (dirty: written back)" : " (clean)");
        if (!s.policyBefore.empty()) t += " chosen by the policy [" + s.policyBefore + "]";
    } else {
        t += " (it was empty)";
    }
    for (const Removal& r : s.removals)
        t += "; " + r.cacheName + " loses line " + hex(r.lineAddress) + " (" + std::string(toString(r.reason)) + ")";
    return t;
}

InspectorView buildInspector(const ReferenceNarration& n, const Simulator& simulator) {
    InspectorView v;
    // The split of the (physical) address of the first piece by every cache, whether or not the
    // reference got that far: students can check each level's set index by hand.
    if (!n.pieces.empty()) {
        const std::uint64_t pa = n.pieces.front().physicalAddress;
        for (const Cache& c : simulator.hierarchy().caches()) {
            const AddressLayout& l = c.layout();
            v.splits.push_back({c.name(), pa, l.tag(pa), l.set(pa), l.offset(pa), l.setBits(), l.lineBits()});
        }
    }
    v.title = "reference " + std::to_string(n.index) + ": " + std::string(toString(n.kind)) + " " + hex(n.address) +
              " (" + std::to_string(n.size) + " bytes)";
    v.element = n.element;
    v.statement = n.statement;
    for (const Piece& p : n.pieces) {
        if (p.translation) {
            const Translation& tr = *p.translation;
            v.path.push_back({0, Sentence::Tone::Plain,
                              "virtual " + hex(p.virtualAddress) + " = page " + hex(tr.pageNumber) + ", offset " +
                                  hex(tr.offset)});
            for (const TlbStep& t : tr.tlbs)
                v.path.push_back({0, t.hit ? Sentence::Tone::Hit : Sentence::Tone::Miss,
                                  t.name + ": set " + std::to_string(t.set) + " - " +
                                      (t.hit ? "hit in way " + std::to_string(t.way) : std::string("miss")) +
                                      (t.evicted ? ", filled evicting page " + hex(t.victimPage) : std::string())});
            if (tr.fault)
                v.path.push_back({0, Sentence::Tone::Miss,
                                  std::string(tr.fault->major ? "major" : "minor") + " page fault: frame " +
                                      std::to_string(tr.fault->frame) +
                                      (tr.fault->evicted ? ", evicting page " + hex(tr.fault->evictedPage) +
                                                               (tr.fault->evictedDirty ? " (dirty: written out)" : "")
                                                         : std::string())});
            for (const WalkStep& w : tr.walk) {
                v.path.push_back({0, Sentence::Tone::Plain,
                                  "walk level " + std::to_string(w.level) + ": entry " + std::to_string(w.index) +
                                      " at " + hex(w.pteAddress) + ", served by " + w.servedByName});
                addSteps(v.path, w.steps, 1);
            }
            v.path.push_back({0, Sentence::Tone::Plain, "physical address " + hex(p.physicalAddress)});
        }
        addSteps(v.path, p.steps, 0);
        for (const CacheStep& s : p.steps)
            if (!s.hit && s.cache != CacheStep::kMemory && s.missClass) v.missClasses.push_back(s.name + ": " + std::string(toString(*s.missClass)));
    }
    v.outcome = "served by " + n.servedByName + " (" + std::to_string(n.cycles) + " cycles)";
    for (const std::string& e : n.events) v.events.push_back("then " + e);
    return v;
}

std::string describeNext(const Access& next, const std::string& element) {
    std::string t = std::string(toString(next.kind)) + " " + hex(next.address) + " (" + std::to_string(next.size) +
                    " bytes)";
    if (!element.empty()) t += " " + element;
    return t;
}

}  // namespace cachescope::gui
