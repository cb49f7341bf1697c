// Narration: events of one reference → a ReferenceNarration, and its printers (text, JSON).

#include "cachescope/analysis/narration.hpp"

#include <algorithm>
#include <array>

#include "cachescope/config/topology.hpp"
#include "cachescope/core/format.hpp"

namespace cachescope {

namespace {

/// The latency of an arrival at cache `c` (or memory).
std::uint32_t latencyOf(const Hierarchy& h, std::uint32_t c) {
    return c == CacheStep::kMemory ? h.config().memory.latency : h.caches()[c].config().latency;
}

std::string cacheName(const Hierarchy& h, std::uint32_t c) {
    return c == CacheStep::kMemory ? std::string("memory") : h.caches()[c].name();
}

/// The cache (or memory) that supplied the data of steps[i]: where it hit, or, on a miss, where
/// the request it sent on (fill or write-around) was served; a miss that allocated without asking
/// below (a whole-line write) is served by the cache itself.
std::uint32_t serverOf(const std::vector<CacheStep>& steps, std::size_t i) {
    const CacheStep& s = steps[i];
    if (s.cache == CacheStep::kMemory || s.hit) return s.cache;
    for (std::size_t j = i + 1; j < steps.size(); ++j)
        if (steps[j].parent == static_cast<std::int32_t>(i) &&
            (steps[j].role == StepRole::Fill || steps[j].role == StepRole::WriteAround))
            return serverOf(steps, j);
    return s.cache;
}

}  // namespace

std::string_view toString(StepRole role) {
    switch (role) {
        case StepRole::Reference:
            return "reference";
        case StepRole::PteRead:
            return "pte read";
        case StepRole::Fill:
            return "fill";
        case StepRole::WriteBack:
            return "write-back";
        case StepRole::Victim:
            return "victim";
        case StepRole::WriteThrough:
            return "write-through";
        case StepRole::WriteAround:
            return "write-around";
    }
    return "?";
}

// ---- Narrator --------------------------------------------------------------------------------

Narrator::Narrator(const Simulator& simulator, const TraceMetadata* metadata) : sim_(&simulator), metadata_(metadata) {}

void Narrator::begin(std::uint64_t index, const Access& a) {
    current_ = {};
    current_.index = index;
    current_.kind = a.kind;
    current_.address = a.address;
    current_.size = a.size;
    if (metadata_ != nullptr) {
        current_.element = describeElement(*metadata_, a.address);
        if (a.site != 0 && a.site < metadata_->sites.size()) current_.statement = metadata_->sites[a.site].name;
    }
    translating_ = false;
    awaitingPiece_ = false;
    pendingWalk_.clear();
    pendingRemovals_.clear();
    open_.clear();
    evict_.reset();
}

ReferenceNarration Narrator::finish() {
    const Hierarchy& h = sim_->hierarchy();
    ReferenceNarration r = std::move(current_);
    current_ = {};
    // Served by: the farthest level any piece's data came from.
    std::uint32_t served = CacheStep::kMemory;
    bool any = false;
    auto farther = [&](std::uint32_t a, std::uint32_t b) {  // true if a is farther from the CPU than b
        if (a == b) return false;
        if (a == CacheStep::kMemory) return true;
        if (b == CacheStep::kMemory) return false;
        return h.level(a) > h.level(b);
    };
    std::uint64_t cycles = 0;
    auto addSteps = [&](const std::vector<CacheStep>& steps) {
        for (const CacheStep& s : steps) cycles += s.latency;
    };
    for (const Piece& p : r.pieces) {
        for (std::size_t i = 0; i < p.steps.size(); ++i) {
            if (p.steps[i].depth != 0) continue;
            const std::uint32_t s = serverOf(p.steps, i);
            if (!any || farther(s, served)) served = s;
            any = true;
        }
        addSteps(p.steps);
        if (p.translation) {
            const Translation& t = *p.translation;
            for (const TlbStep& s : t.tlbs) cycles += s.latency;
            for (const WalkCacheStep& s : t.walkCaches) cycles += s.latency;
            for (const WalkStep& w : t.walk) addSteps(w.steps);
            if (t.fault) {
                cycles += t.fault->latency;
                // An evicted page's dirty lines go straight to memory: one memory write each.
                for (const Removal& removal : t.fault->removals)
                    if (removal.dirty) cycles += h.config().memory.latency;
            }
        }
    }
    r.servedBy = served;
    r.servedByName = cacheName(h, served);
    r.cycles = cycles;
    return r;
}

std::vector<CacheStep>& Narrator::target() {
    if (translating_) return pendingWalk_;
    if (current_.pieces.empty()) current_.pieces.emplace_back();
    return current_.pieces.back().steps;
}

Translation& Narrator::translation() {
    if (current_.pieces.empty() || !current_.pieces.back().translation) {
        current_.pieces.emplace_back();
        current_.pieces.back().translation.emplace();
    }
    return *current_.pieces.back().translation;
}

CacheStep& Narrator::openStep(std::uint32_t cache, AccessKind kind, std::uint64_t address, std::uint32_t size) {
    const Hierarchy& h = sim_->hierarchy();
    std::vector<CacheStep>& steps = target();
    CacheStep s;
    s.cache = cache;
    s.name = cacheName(h, cache);
    s.depth = static_cast<std::uint32_t>(open_.size());
    s.parent = open_.empty() ? -1 : static_cast<std::int32_t>(open_.back());
    s.kind = kind;
    s.address = address;
    s.size = size;
    s.latency = latencyOf(h, cache);
    if (s.parent < 0) {
        s.role = translating_ ? StepRole::PteRead : StepRole::Reference;
    } else {
        const CacheStep& p = steps[static_cast<std::size_t>(s.parent)];
        if (kind != AccessKind::Write)
            s.role = StepRole::Fill;
        else if (p.kind == AccessKind::Write && p.address == address && p.size == size)
            // The parent's own write passed on: through a write-through cache, or around a
            // no-write-allocate one.
            s.role = h.caches()[p.cache].config().writePolicy == WritePolicy::WriteThrough ? StepRole::WriteThrough
                                                                                           : StepRole::WriteAround;
        else
            s.role = StepRole::WriteBack;  // or a clean victim: settled when the parent completes
    }
    steps.push_back(std::move(s));
    return steps.back();
}

void Narrator::onReference(const Access& a) {
    if (awaitingPiece_ && !current_.pieces.empty()) {  // the piece whose translation just ended
        awaitingPiece_ = false;
        current_.pieces.back().size = a.size;
        return;
    }
    Piece p;
    p.virtualAddress = p.physicalAddress = a.address;
    p.size = a.size;
    current_.pieces.push_back(std::move(p));
}

void Narrator::onCacheLookup(const CacheLookupEvent& e) {
    const Cache& cache = sim_->hierarchy().caches()[e.cache];
    const AddressLayout& layout = cache.layout();
    CacheStep& s = openStep(e.cache, e.kind, e.address, e.size);
    s.offsetBits = layout.lineBits();
    s.setBits = layout.setBits();
    s.tag = layout.tag(e.address);
    s.set = layout.set(e.address);
    s.offset = layout.offset(e.address);
    for (std::uint32_t w = 0; w < cache.ways(); ++w) {
        const Cache::LineView v = cache.lineAt(s.set, w);
        s.setBefore.push_back(
            {v.valid, v.dirty, v.valid ? layout.tagOfLine(v.line) : 0, v.valid ? layout.lineBase(v.line) : 0});
    }
    s.policyBefore = cache.policy().describeSet(s.set);
    open_.push_back(target().size() - 1);
}

void Narrator::onCacheAccess(const CacheEvent& e) {
    if (open_.empty()) return;  // not announced (cannot happen with this hierarchy)
    const std::size_t i = open_.back();
    open_.pop_back();
    std::vector<CacheStep>& steps = target();
    CacheStep& s = steps[i];
    const AddressLayout& layout = sim_->hierarchy().caches()[e.cache].layout();
    s.hit = e.hit;
    s.way = e.way;
    s.evicted = e.evicted;
    if (!e.hit && classes_ != nullptr && classes_->lastEventMissed(e.cache))
        if (const std::optional<MissClass> c = classes_->lastClass(e.cache)) s.missClass = std::string(toString(*c));
    if (e.evicted) {
        s.victimTag = layout.tagOfLine(e.victimLine);
        s.victimAddress = layout.lineBase(e.victimLine);
        s.victimDirty = e.victimDirty;
        // A clean victim sent below goes into an exclusive cache; a dirty one is a write-back.
        for (std::size_t j = i + 1; j < steps.size(); ++j)
            if (steps[j].parent == static_cast<std::int32_t>(i) && steps[j].role == StepRole::WriteBack &&
                steps[j].address == s.victimAddress && !s.victimDirty)
                steps[j].role = StepRole::Victim;
    }
}

void Narrator::onMemoryAccess(const MemoryEvent& e) {
    CacheStep& s = openStep(CacheStep::kMemory, e.kind, e.address, e.size);
    s.hit = true;  // memory always has the data
}

void Narrator::onInvalidate(const InvalidateEvent& e) {
    const Cache& cache = sim_->hierarchy().caches()[e.cache];
    Removal r{e.cache, cache.name(), cache.layout().lineBase(e.line), e.set, e.way, e.dirty, {}};
    if (e.backInvalidation) {
        r.reason = "back-invalidation";
    } else if (!open_.empty()) {
        r.reason = "handed up (exclusive)";
    } else {
        r.reason = "page evicted";
    }
    if (!open_.empty())
        target()[open_.back()].removals.push_back(std::move(r));
    else
        pendingRemovals_.push_back(std::move(r));
}

void Narrator::onTranslationStart(const TranslationStartEvent& e) {
    Piece p;
    p.virtualAddress = e.virtualAddress;
    Translation t;
    t.pageNumber = e.pageNumber;
    t.offset = e.offset;
    t.pageSize = std::uint64_t{1} << e.pageShift;
    t.huge = e.huge;
    p.translation = std::move(t);
    current_.pieces.push_back(std::move(p));
    translating_ = true;
    awaitingPiece_ = false;
}

void Narrator::onTlbLookup(const TlbLookupEvent& e) {
    const Cache& tlb = sim_->mmu()->tlbs()[e.tlb];
    TlbStep s;
    s.tlb = e.tlb;
    s.name = tlb.name();
    s.set = e.set;
    s.hit = e.hit;
    s.way = e.way;
    s.latency = tlb.config().latency;
    translation().tlbs.push_back(std::move(s));
}

void Narrator::onTlbFill(const TlbFillEvent& e) {
    for (TlbStep& s : translation().tlbs)
        if (s.tlb == e.tlb && !s.hit) {
            s.filled = true;
            s.fillWay = e.way;
            s.evicted = e.evicted;
            s.victimPage = Mmu::pageNumberOfKey(e.victimKey);
        }
}

void Narrator::onWalkCacheLookup(const WalkCacheEvent& e) {
    const Cache& wc = sim_->mmu()->walkCaches()[e.walkCache];
    translation().walkCaches.push_back({e.walkCache, wc.name(), e.level, e.hit, wc.config().latency});
}

void Narrator::onWalkStep(const WalkStepEvent& e) {
    WalkStep w;
    w.level = e.level;
    w.pteAddress = e.pteAddress;
    w.index = e.index;
    w.tableAddress = e.pteAddress - e.index * sim_->mmu()->config().pteSize;
    w.servedBy = e.servedBy == Topology::kMemory ? CacheStep::kMemory : e.servedBy;
    w.servedByName = cacheName(sim_->hierarchy(), w.servedBy);
    w.steps = std::move(pendingWalk_);
    pendingWalk_.clear();
    translation().walk.push_back(std::move(w));
}

void Narrator::onPageEvict(const PageEvictEvent& e) { evict_ = e; }

void Narrator::onPageFault(const PageFaultEvent& e) {
    PageFault f;
    f.major = e.major;
    f.huge = e.huge;
    f.frame = e.frame;
    f.physicalBase = e.physicalBase;
    f.latency = sim_->mmu()->config().pageFaultLatency;
    if (evict_) {
        f.evicted = true;
        f.evictedPage = Mmu::pageNumberOfKey(evict_->key);
        f.evictedFrame = evict_->frame;
        f.evictedDirty = evict_->dirty;
        evict_.reset();
    }
    f.removals = std::move(pendingRemovals_);
    pendingRemovals_.clear();
    translation().fault = std::move(f);
}

void Narrator::onTranslationEnd(const TranslationEndEvent& e) {
    translation().physicalAddress = e.physicalAddress;
    current_.pieces.back().physicalAddress = e.physicalAddress;
    translating_ = false;
    awaitingPiece_ = true;
}

// ---- driver ----------------------------------------------------------------------------------

NarrationResult narrateTrace(Simulator& simulator, TraceReader& trace, std::uint64_t from, std::uint64_t count,
                             HierarchyObserver* others, MissClassifier* classes) {
    struct Detach {  // leaves no dangling observer behind, also on an exception
        Simulator& sim;
        ~Detach() { sim.setObservers(nullptr, nullptr); }
    } detach{simulator};
    NarrationResult result;
    Narrator narrator(simulator, trace.metadata());
    narrator.setMissClassifier(classes);
    FanOutObserver always;  // attached for the whole run: the classifier first, then `others`
    always.add(classes);
    always.add(others);
    FanOutObserver fan;  // while narrating: the same, then the narrator
    fan.add(classes);
    fan.add(others);
    fan.add(&narrator);
    simulator.setObservers(always.collapsed(), nullptr);
    bool narrating = false;
    std::array<Access, 4096> block;
    while (result.references.size() < count) {
        const std::size_t n = trace.read(block);
        if (n == 0) {
            result.reachedEnd = true;
            break;
        }
        std::size_t i = 0;
        if (result.referencesRead < from) {  // the silent prefix, in blocks
            i = static_cast<std::size_t>(std::min<std::uint64_t>(n, from - result.referencesRead));
            simulator.access(std::span<const Access>(block.data(), i));
            result.referencesRead += i;
        }
        for (; i < n && result.references.size() < count; ++i) {
            if (!narrating) {
                simulator.setObservers(fan.collapsed(), &narrator);
                narrating = true;
            }
            narrator.begin(result.referencesRead, block[i]);
            simulator.access(block[i]);
            result.references.push_back(narrator.finish());
            ++result.referencesRead;
        }
    }
    return result;
}

// ---- printers --------------------------------------------------------------------------------

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
           << (!r.dirty                     ? ", clean"
               : r.reason == "page evicted" ? ", dirty: written to memory"
                                            : ", dirty")
           << ") - " << r.reason << '\n';
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
            if (s.missClass) os << " (" << *s.missClass << ")";
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
    for (const ReferenceNarration& r : refs) {
        os << "\n#" << r.index << " " << toString(r.kind) << " " << hex(r.address) << " (" << r.size << " B)";
        if (!r.element.empty()) os << "  " << r.element;
        if (!r.statement.empty()) os << "  [" << r.statement << "]";
        os << '\n';
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
                    os << "    PAGE FAULT (" << (f.major ? "major: the page was evicted before" : "first touch") << ")";
                    if (f.huge)
                        os << ": huge page at physical " << hex(f.physicalBase);
                    else
                        os << ": page " << pageText(t.pageNumber) << " gets frame " << f.frame << " (physical "
                           << hex(f.physicalBase) << ")";
                    if (f.evicted)
                        os << ", evicting page " << pageText(f.evictedPage) << " from it"
                           << (f.evictedDirty ? " (dirty: written out)" : " (clean)");
                    os << "; " << cycles(f.latency) << '\n';
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
                     {"reason", r.reason}});
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
            if (s.missClass) j["miss_class"] = *s.missClass;
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
                    if (f.evicted) {
                        fj["evicted_page"] = f.evictedPage;
                        fj["evicted_frame"] = f.evictedFrame;
                        fj["evicted_dirty"] = f.evictedDirty;
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
        list.push_back(std::move(j));
    }
    nlohmann::ordered_json out;
    out["references"] = std::move(list);
    return out;
}

}  // namespace cachescope
