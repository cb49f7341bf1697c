// The narration's printers: text and JSON (report/narration_printers.hpp, docs/explain.md).

#include "cachescope/report/narration_printers.hpp"

#include <string>

#include "cachescope/core/format.hpp"

namespace cachescope {

namespace {

std::string bitRange(unsigned low, unsigned count) {
    if (count == 0) return "none";
    if (count == 1) return "bit " + std::to_string(low);
    return "bits " + std::to_string(low) + "-" + std::to_string(low + count - 1);
}

std::string sizeText(std::uint64_t bytes) {
    if (bytes >= 1024 && bytes % 1024 == 0) {
        if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
        return std::to_string(bytes >> 10) + " KiB";
    }
    return std::to_string(bytes) + " B";
}

/// "step for L1" and the like: what the parent was.
std::string roleText(const CacheStep& s, const std::vector<CacheStep>& steps) {
    if (s.parent < 0) return std::string(toString(s.role));
    const std::string& above = steps[static_cast<std::size_t>(s.parent)].name;
    return std::string(toString(s.role)) + (s.role == StepRole::Fill ? " for " : " from ") + above;
}

void printRemovals(std::ostream& os, const std::vector<Removal>& removals, const std::string& indent) {
    for (const Removal& r : removals)
        os << indent << "removed from " << r.cacheName << ": line " << hex(r.lineAddress) << " (set " << r.set
           << ", way " << r.way
           << (!r.dirty                                 ? ", clean"
               : r.reason == RemovalReason::PageEvicted || r.reason == RemovalReason::SegmentMoved
                   ? ", dirty: written to memory"
                                                        : ", dirty")
           << ") - " << toString(r.reason) << '\n';
}

std::string cycles(std::uint64_t n) { return std::to_string(n) + (n == 1 ? " cycle" : " cycles"); }

void printSteps(std::ostream& os, const std::vector<Cache>& caches, const std::vector<CacheStep>& steps,
                const std::string& base) {
    for (const CacheStep& s : steps) {
        const std::string indent = base + std::string(2 * s.depth, ' ');
        os << indent << s.name << ": " << roleText(s, steps) << ", " << toString(s.kind) << " " << hex(s.address)
           << " (" << s.size << " B)";
        if (s.cache == CacheStep::kMemory) {
            os << "; " << cycles(s.latency) << '\n';
            continue;
        }
        const std::string& policy = caches[s.cache].config().replacement;
        os << "\n";
        const std::string more = indent + "    ";
        os << more << "tag " << hex(s.tag) << " | set " << s.set << " | offset " << s.offset << '\n';
        os << more << "set " << s.set << " before:";
        for (std::size_t w = 0; w < s.setBefore.size(); ++w) {
            const WayView& v = s.setBefore[w];
            os << (w ? "," : "") << " way " << w << " ";
            if (!v.valid)
                os << "empty";
            else
                os << "tag " << hex(v.tag) << " (line " << hex(v.lineAddress) << (v.dirty ? ", dirty)" : ")");
        }
        os << "; " << s.policyBefore << '\n';
        os << more;
        if (s.hit) {
            os << "HIT in way " << s.way;
        } else {
            os << "MISS";
            if (s.missClass) os << " (" << toString(*s.missClass) << ")";
            if (s.way == CacheStep::kNoWay)
                os << ", not allocated";
            else if (s.evicted)
                os << "; set full, " << policy << " evicts way " << s.way << ": tag " << hex(s.victimTag) << " (line "
                   << hex(s.victimAddress) << (s.victimDirty ? ", dirty: written back)" : ", clean)") << "; fills it";
            else
                os << ", fills empty way " << s.way;
        }
        os << "; " << cycles(s.latency) << '\n';
        printRemovals(os, s.removals, more);
    }
}

std::string pageText(std::uint64_t page) { return hex(page); }

/// "segment A: offset 0x10 + 4 <= limit 0x40, perm rw allows write; ..." (docs/mmu.md).
void printSegmentStep(std::ostream& os, const ReferenceNarration& r, const SegmentStep& s) {
    if (!s.segment) {
        os << "  segment lookup: no segment or region holds " << hex(r.address) << ": PROTECTION FAULT (unmapped); "
           << "the reference goes no further\n";
        return;
    }
    const std::string perm = s.permissions == 0 ? std::string("none") : permissionsString(s.permissions);
    os << "  segment " << *s.segment << " (start " << hex(s.start) << ", limit " << hex(s.limit) << ", perm " << perm
       << "): offset " << hex(r.address) << " - " << hex(s.start) << " = " << hex(s.offset);
    if (s.fault == FaultKind::Limit) {
        os << "; offset + " << r.size << " > limit: SEGMENTATION FAULT (limit); the reference goes no further\n";
        return;
    }
    if (s.fault == FaultKind::Unmapped) {
        os << "; offset + " << r.size << " > limit: outside the region: PROTECTION FAULT (unmapped); the reference "
              "goes no further\n";
        return;
    }
    os << ", offset + " << r.size << " <= limit";
    if (s.fault == FaultKind::Permission) {
        os << "; a " << toString(r.kind) << " needs " << permissionsString(permissionFor(r.kind))
           << ": PROTECTION FAULT (permission); the reference goes no further\n";
        return;
    }
    os << "; " << perm << " allows a " << toString(r.kind) << '\n';
    for (const std::string& name : s.swappedOut) os << "    no hole fits: segment " << name << " swapped out\n";
    if (s.compactedBytes) os << "    holes too small, enough free in all: COMPACTION moved " << *s.compactedBytes << " bytes\n";
    printRemovals(os, s.removals, "      ");
    if (s.placedAt) os << "    segment " << *s.segment << " placed at physical " << hex(*s.placedAt) << '\n';
    if (s.address != r.address) os << "    base + offset = " << hex(s.address) << '\n';
}

}  // namespace

void printNarrationText(std::ostream& os, const Simulator& simulator, const std::vector<ReferenceNarration>& refs) {
    const Hierarchy& h = simulator.hierarchy();
    for (const Cache& c : h.caches()) {
        const AddressLayout& l = c.layout();
        os << c.name() << ": " << c.sets() << (c.sets() == 1 ? " set" : " sets") << " x " << c.ways() << " ways of "
           << l.lineSize() << " B lines: offset = " << bitRange(0, l.lineBits())
           << ", set = " << bitRange(l.lineBits(), l.setBits()) << ", tag = the bits above; " << c.config().replacement
           << ", latency " << c.config().latency << '\n';
    }
    os << "memory: latency " << h.config().memory.latency << '\n';
    if (const Mmu* mmu = simulator.mmu()) {
        const MmuConfig& m = mmu->config();
        os << "mmu: " << sizeText(m.pageSize) << " pages, " << m.bitsPerLevel.size() << "-level page table, "
           << m.pteSize << " B entries, " << m.frames() << " frames, page fault " << m.pageFaultLatency << " cycles\n";
        for (const Cache& t : mmu->tlbs())
            os << t.name() << ": " << t.sets() << (t.sets() == 1 ? " set" : " sets") << " x " << t.ways()
               << " ways (set = page number mod " << t.sets() << "), " << t.config().replacement << ", latency "
               << t.config().latency << '\n';
    }
    if (const Segmentation* seg = simulator.segmentation()) {
        os << "segments: mode " << toString(seg->mode());
        if (seg->mode() == MmuMode::Segmentation)
            os << ", " << toString(seg->placement()) << "-fit placement in " << sizeText(seg->physicalMemory())
               << " of physical memory";
        os << "; a reference names the segment with the greatest start at or below its address\n";
    }
    for (const ReferenceNarration& r : refs) {
        os << "\n#" << r.index << " " << toString(r.kind) << " " << hex(r.address) << " (" << r.size << " B)";
        if (!r.element.empty()) os << "  " << r.element;
        if (!r.statement.empty()) os << "  [" << r.statement << "]";
        if (r.process != 0 || r.contextSwitch) os << "  process " << r.process;
        os << '\n';
        if (const std::optional<ContextSwitchStep>& c = r.contextSwitch) {
            os << "  context switch: process " << c->from << " -> " << c->to << ": ";
            if (c->tlbEntriesFlushed == 0 && c->walkCacheEntriesFlushed == 0)
                os << "nothing flushed";
            else
                os << "flushed " << c->tlbEntriesFlushed << " TLB " << (c->tlbEntriesFlushed == 1 ? "entry" : "entries")
                   << " and " << c->walkCacheEntriesFlushed << " walk-cache "
                   << (c->walkCacheEntriesFlushed == 1 ? "entry" : "entries");
            os << " (TLBs with asid keep theirs, tagged by process)\n";
        }
        if (r.segment) printSegmentStep(os, r, *r.segment);
        for (const Piece& p : r.pieces) {
            if (r.pieces.size() > 1) os << "  piece " << hex(p.virtualAddress) << " (" << p.size << " B)\n";
            if (p.translation) {
                const Translation& t = *p.translation;
                os << "  translate " << hex(p.virtualAddress) << ": page " << pageText(t.pageNumber) << ", offset "
                   << hex(t.offset) << " (" << sizeText(t.pageSize) << (t.huge ? " huge page)" : " pages)") << '\n';
                for (const TlbStep& s : t.tlbs) {
                    os << "    " << s.name << ": set " << s.set;
                    if (s.hit)
                        os << ", HIT in way " << s.way;
                    else
                        os << ", MISS";
                    os << "; " << cycles(s.latency) << '\n';
                }
                for (const WalkCacheStep& s : t.walkCaches)
                    os << "    " << s.name << ": " << (s.hit ? "HIT" : "MISS") << "; " << cycles(s.latency) << '\n';
                if (t.fault) {
                    const PageFault& f = *t.fault;
                    os << "    PAGE FAULT ("
                       << (f.file ? (f.major ? "major: file page read from storage"
                                             : f.readaheadUsed ? "minor: file page found in the page cache, readahead page used"
                                                               : "minor: file page found in the page cache")
                                  : (f.major ? "major: the page was evicted before" : "first touch"))
                       << ")";
                    if (f.huge)
                        os << ": huge page at physical " << hex(f.physicalBase);
                    else
                        os << ": page " << pageText(t.pageNumber) << " gets frame " << f.frame << " (physical "
                           << hex(f.physicalBase) << ")";
                    if (f.evicted && f.evictedUnusedReadahead)
                        os << ", evicting a file page read ahead and never used from it (clean)";
                    else if (f.evicted)
                        os << ", evicting page " << pageText(f.evictedPage) << " from it"
                           << (f.evictedDirty ? " (dirty: written out)" : " (clean)");
                    os << "; " << cycles(f.latency) << '\n';
                    if (f.readaheadPages != 0) {
                        os << "    readahead: " << f.readaheadPages << " more page" << (f.readaheadPages == 1 ? "" : "s")
                           << " of the file read in the same request";
                        if (f.readaheadEvictions != 0)
                            os << ", evicting " << f.readaheadEvictions << " page" << (f.readaheadEvictions == 1 ? "" : "s");
                        os << '\n';
                    }
                    printRemovals(os, f.removals, "      ");
                }
                for (const WalkStep& w : t.walk) {
                    os << "    walk level " << w.level << ": entry " << w.index << " of the table at "
                       << hex(w.tableAddress) << ", PTE at " << hex(w.pteAddress) << ", served by " << w.servedByName
                       << '\n';
                    printSteps(os, h.caches(), w.steps, "      ");
                }
                for (const TlbStep& s : t.tlbs)
                    if (s.filled) {
                        os << "    " << s.name << " fill: way " << s.fillWay;
                        if (s.evicted) os << ", replacing page " << pageText(s.victimPage);
                        os << '\n';
                    }
                os << "    physical address " << hex(t.physicalAddress) << '\n';
            }
            printSteps(os, h.caches(), p.steps, "  ");
        }
        os << "  served by " << r.servedByName << "; " << cycles(r.cycles) << '\n';
        for (const std::string& e : r.events) os << "  then " << e << '\n';
    }
}

namespace {

nlohmann::ordered_json removalsJson(const std::vector<Removal>& removals) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const Removal& r : removals)
        a.push_back({{"cache", r.cacheName},
                     {"line_address", r.lineAddress},
                     {"set", r.set},
                     {"way", r.way},
                     {"dirty", r.dirty},
                     {"reason", std::string(toString(r.reason))}});
    return a;
}

nlohmann::ordered_json stepsJson(const std::vector<CacheStep>& steps) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const CacheStep& s : steps) {
        nlohmann::ordered_json j;
        j["cache"] = s.name;
        j["role"] = toString(s.role);
        j["depth"] = s.depth;
        j["parent"] = s.parent;
        j["kind"] = toString(s.kind);
        j["address"] = s.address;
        j["size"] = s.size;
        if (s.cache != CacheStep::kMemory) {
            j["offset_bits"] = s.offsetBits;
            j["set_bits"] = s.setBits;
            j["tag"] = s.tag;
            j["set"] = s.set;
            j["offset"] = s.offset;
            nlohmann::ordered_json ways = nlohmann::ordered_json::array();
            for (const WayView& v : s.setBefore) {
                if (v.valid)
                    ways.push_back(
                        {{"valid", true}, {"tag", v.tag}, {"line_address", v.lineAddress}, {"dirty", v.dirty}});
                else
                    ways.push_back({{"valid", false}});
            }
            j["set_before"] = std::move(ways);
            j["policy_before"] = s.policyBefore;
            j["hit"] = s.hit;
            if (s.way != CacheStep::kNoWay)
                j["way"] = s.way;
            else
                j["way"] = nullptr;
            j["evicted"] = s.evicted;
            if (s.evicted) {
                j["victim_tag"] = s.victimTag;
                j["victim_address"] = s.victimAddress;
                j["victim_dirty"] = s.victimDirty;
            }
            j["removals"] = removalsJson(s.removals);
            if (s.missClass) j["miss_class"] = std::string(toString(*s.missClass));
        }
        j["latency"] = s.latency;
        a.push_back(std::move(j));
    }
    return a;
}

}  // namespace

nlohmann::ordered_json narrationToJson(const std::vector<ReferenceNarration>& refs) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const ReferenceNarration& r : refs) {
        nlohmann::ordered_json j;
        j["index"] = r.index;
        j["kind"] = toString(r.kind);
        j["address"] = r.address;
        j["size"] = r.size;
        if (!r.element.empty()) j["element"] = r.element;
        if (!r.statement.empty()) j["statement"] = r.statement;
        if (r.process != 0 || r.contextSwitch) j["process"] = r.process;
        if (const std::optional<ContextSwitchStep>& c = r.contextSwitch)
            j["context_switch"] = {{"from", c->from},
                                   {"to", c->to},
                                   {"tlb_entries_flushed", c->tlbEntriesFlushed},
                                   {"walk_cache_entries_flushed", c->walkCacheEntriesFlushed}};
        if (r.segment) {
            const SegmentStep& s = *r.segment;
            nlohmann::ordered_json sj;
            sj["segment"] = s.segment ? nlohmann::ordered_json(*s.segment) : nlohmann::ordered_json(nullptr);
            sj["start"] = s.start;
            sj["limit"] = s.limit;
            sj["offset"] = s.offset;
            sj["perm"] = permissionsString(s.permissions);
            sj["fault"] = s.fault ? nlohmann::ordered_json(std::string(toString(*s.fault))) : nlohmann::ordered_json(nullptr);
            sj["address"] = s.address;
            sj["swapped_out"] = s.swappedOut;
            sj["compacted_bytes"] = s.compactedBytes ? nlohmann::ordered_json(*s.compactedBytes) : nlohmann::ordered_json(nullptr);
            sj["placed_at"] = s.placedAt ? nlohmann::ordered_json(*s.placedAt) : nlohmann::ordered_json(nullptr);
            sj["removals"] = removalsJson(s.removals);
            j["segment"] = std::move(sj);
        }
        nlohmann::ordered_json pieces = nlohmann::ordered_json::array();
        for (const Piece& p : r.pieces) {
            nlohmann::ordered_json pj;
            pj["virtual_address"] = p.virtualAddress;
            pj["physical_address"] = p.physicalAddress;
            pj["size"] = p.size;
            if (p.translation) {
                const Translation& t = *p.translation;
                nlohmann::ordered_json tj;
                tj["page_number"] = t.pageNumber;
                tj["offset"] = t.offset;
                tj["page_size"] = t.pageSize;
                tj["huge"] = t.huge;
                nlohmann::ordered_json tlbs = nlohmann::ordered_json::array();
                for (const TlbStep& s : t.tlbs) {
                    nlohmann::ordered_json sj{{"tlb", s.name}, {"set", s.set}, {"hit", s.hit}};
                    if (s.hit) sj["way"] = s.way;
                    sj["latency"] = s.latency;
                    if (s.filled) {
                        sj["fill_way"] = s.fillWay;
                        sj["evicted"] = s.evicted;
                        if (s.evicted) sj["victim_page"] = s.victimPage;
                    }
                    tlbs.push_back(std::move(sj));
                }
                tj["tlbs"] = std::move(tlbs);
                nlohmann::ordered_json wcs = nlohmann::ordered_json::array();
                for (const WalkCacheStep& s : t.walkCaches)
                    wcs.push_back({{"walk_cache", s.name}, {"level", s.level}, {"hit", s.hit}, {"latency", s.latency}});
                tj["walk_caches"] = std::move(wcs);
                nlohmann::ordered_json walk = nlohmann::ordered_json::array();
                for (const WalkStep& w : t.walk)
                    walk.push_back({{"level", w.level},
                                    {"index", w.index},
                                    {"table_address", w.tableAddress},
                                    {"pte_address", w.pteAddress},
                                    {"served_by", w.servedByName},
                                    {"steps", stepsJson(w.steps)}});
                tj["walk"] = std::move(walk);
                if (t.fault) {
                    const PageFault& f = *t.fault;
                    nlohmann::ordered_json fj{{"major", f.major},     {"huge", f.huge},
                                              {"frame", f.frame},     {"physical_base", f.physicalBase},
                                              {"latency", f.latency}, {"evicted", f.evicted}};
                    if (f.file) fj["file"] = true;  // only for file pages: other narrations read as before
                    if (f.readaheadPages != 0) fj["readahead_pages"] = f.readaheadPages;
                    if (f.readaheadEvictions != 0) fj["readahead_evictions"] = f.readaheadEvictions;
                    if (f.readaheadUsed) fj["readahead_used"] = true;
                    if (f.evicted) {
                        fj["evicted_page"] = f.evictedPage;
                        fj["evicted_frame"] = f.evictedFrame;
                        fj["evicted_dirty"] = f.evictedDirty;
                        if (f.evictedUnusedReadahead) fj["evicted_unused_readahead"] = true;
                    }
                    fj["removals"] = removalsJson(f.removals);
                    tj["page_fault"] = std::move(fj);
                } else {
                    tj["page_fault"] = nullptr;
                }
                tj["physical_address"] = t.physicalAddress;
                pj["translation"] = std::move(tj);
            }
            pj["steps"] = stepsJson(p.steps);
            pieces.push_back(std::move(pj));
        }
        j["pieces"] = std::move(pieces);
        j["served_by"] = r.servedByName;
        j["cycles"] = r.cycles;
        if (!r.events.empty()) j["events"] = r.events;  // control events after it (msync), narrated
        list.push_back(std::move(j));
    }
    nlohmann::ordered_json out;
    out["references"] = std::move(list);
    return out;
}

}  // namespace cachescope
