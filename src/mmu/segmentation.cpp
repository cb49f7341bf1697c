// Protection and segmentation, step by step as in docs/mmu.md ("Protection", "Segmentation");
// keep the two in step.

#include "cachescope/mmu/segmentation.hpp"

#include <algorithm>

#include "cachescope/core/format.hpp"
#include "cachescope/trace/metadata.hpp"
#include "cachescope/trace/region_permissions.hpp"

namespace cachescope {

std::string_view toString(FaultKind kind) {
    switch (kind) {
        case FaultKind::Unmapped: return "unmapped";
        case FaultKind::Permission: return "permission";
        case FaultKind::Limit: return "limit";
    }
    return "?";
}

Segmentation::Segmentation(const MmuConfig& mmu)
    : mode_(mmu.mode),
      protection_(mmu.protection),
      placement_(mmu.segmentPlacement),
      memory_(mmu.physicalMemory),
      configSegments_(!mmu.segments.empty()) {
    Table& t = table(0);
    for (const SegmentConfig& c : mmu.segments) {
        Segment s;
        s.name = c.name;
        s.start = c.start;
        s.limit = c.limit;
        s.base = c.base.value_or(c.start);
        s.permissions = c.permissions;
        t.segments.push_back(std::move(s));
    }
    std::sort(t.segments.begin(), t.segments.end(),
              [](const Segment& a, const Segment& b) { return a.start < b.start; });
    configTable_ = t;
    if (mode_ == MmuMode::Segmentation) holes_[0] = memory_;
}

Segmentation::Table& Segmentation::table(std::uint32_t process) {
    // The config's segments are every process's table (each process has its own copy, placed and
    // swapped on its own), as every process of one program image would have the same layout.
    while (process >= tables_.size()) tables_.push_back(configSegments_ ? configTable_ : Table{});
    return tables_[process];
}

void Segmentation::setRegions(std::uint32_t process, const TraceMetadata* metadata) {
    if (configSegments_ || metadata == nullptr || metadata->regions.empty()) return;
    Table& t = table(process);
    t.segments.clear();
    // Permissions: regionPermissions (a kernel's inputs read-only), not only the stored `perm`.
    for (std::size_t i = 0; i < metadata->regions.size(); ++i) {  // sorted by base, disjoint
        const Region& r = metadata->regions[i];
        if (mode_ == MmuMode::Segmentation && r.size > memory_)
            throw ConfigError("segment \"" + r.name + "\" (region of " + formatSize(r.size) +
                              ") is larger than physical memory (" + formatSize(memory_) +
                              ", mmu.physical_memory) and could never be placed");
        Segment s;
        s.name = r.name;
        s.start = r.base;
        s.limit = r.size;
        s.base = r.base;
        s.permissions = regionPermissions(*metadata, i);
        t.segments.push_back(std::move(s));
    }
}

bool Segmentation::checks(std::uint32_t process) const {
    if (mode_ != MmuMode::Paging) return true;
    return protection_ && process < tables_.size() && !tables_[process].segments.empty();
}

std::optional<std::size_t> Segmentation::select(const Table& t, std::uint64_t va) const {
    const auto it = std::upper_bound(t.segments.begin(), t.segments.end(), va,
                                     [](std::uint64_t v, const Segment& s) { return v < s.start; });
    if (it == t.segments.begin()) return std::nullopt;
    return static_cast<std::size_t>(it - t.segments.begin()) - 1;
}

std::optional<std::uint64_t> Segmentation::map(std::uint32_t process, const Access& a, std::uint64_t reference,
                                               PhysicalMemoryPort& caches) {
    if (!checks(process)) return a.address;
    Table& t = table(process);
    if (t.segments.empty())
        throw Error("mmu.mode \"" + std::string(toString(mode_)) + "\" needs segments for process " +
                    std::to_string(process) +
                    ": list them in the config's mmu.segments or use a trace that carries regions (a kernel, or "
                    "a binary trace with metadata)");
    ++stats_.checked;
    const std::optional<std::size_t> index = select(t, a.address);
    Segment* s = index ? &t.segments[*index] : nullptr;
    SegmentLookupEvent event;
    if (observer_ != nullptr) {
        event.process = process;
        event.virtualAddress = a.address;
        event.size = a.size;
        event.kind = a.kind;
        event.segment = index;
        if (s != nullptr) {
            event.name = s->name;
            event.start = s->start;
            event.limit = s->limit;
            event.offset = a.address - s->start;
            event.permissions = s->permissions;
        }
    }
    std::optional<FaultKind> kind;
    const std::uint64_t offset = s != nullptr ? a.address - s->start : 0;
    if (s == nullptr) {
        kind = FaultKind::Unmapped;
    } else if (offset >= s->limit || s->limit - offset < a.size) {
        kind = mode_ == MmuMode::Paging ? FaultKind::Unmapped : FaultKind::Limit;
    } else if ((s->permissions & permissionFor(a.kind)) == 0) {
        kind = FaultKind::Permission;
    }
    if (kind) {
        // Outside every region (paging) names no region: the one below it is only the nearest.
        const Segment* named = *kind == FaultKind::Unmapped ? nullptr : s;
        if (observer_ != nullptr) {
            event.fault = kind;
            observer_->onSegmentLookup(event);
        }
        fault(process, a, reference, *kind, named);
        return std::nullopt;
    }
    ++s->references;
    s->lastUse = ++tick_;
    std::uint64_t out = a.address;
    if (mode_ == MmuMode::SegmentedPaging) out = s->base + offset;
    if (mode_ == MmuMode::Segmentation) {
        if (!s->resident) place(process, *s, caches);
        out = s->base + offset;
    }
    if (observer_ != nullptr) {
        event.address = out;
        observer_->onSegmentLookup(event);
    }
    return out;
}

void Segmentation::fault(std::uint32_t process, const Access& a, std::uint64_t reference, FaultKind kind,
                         const Segment* s) {
    ++stats_.faults;
    ++stats_.faultsByKind[static_cast<std::size_t>(kind)];
    ++stats_.faultsByProcess[process];
    ++stats_.faultsBySite[a.site];
    SegmentFault& f = last_;
    f = SegmentFault{};
    f.reference = reference;
    f.process = process;
    f.site = a.site;
    f.address = a.address;
    f.size = a.size;
    f.kind = a.kind;
    f.fault = kind;
    if (s != nullptr) {
        f.segment = s->name;
        f.permissions = s->permissions;
        f.offset = a.address - s->start;
        f.limit = s->limit;
    }
    if (stats_.firstFaults.size() < kListedFaults) stats_.firstFaults.push_back(f);
}

void Segmentation::place(std::uint32_t process, Segment& s, PhysicalMemoryPort& caches) {
    for (;;) {
        // The hole the policy picks among those large enough (ties: the lowest address).
        auto chosen = holes_.end();
        for (auto it = holes_.begin(); it != holes_.end(); ++it) {
            if (it->second < s.limit) continue;
            if (chosen == holes_.end()) {
                chosen = it;
                if (placement_ == SegmentPlacement::First) break;
            } else if ((placement_ == SegmentPlacement::Best && it->second < chosen->second) ||
                       (placement_ == SegmentPlacement::Worst && it->second > chosen->second)) {
                chosen = it;
            }
        }
        if (chosen != holes_.end()) {
            const std::uint64_t base = chosen->first;
            const std::uint64_t rest = chosen->second - s.limit;
            holes_.erase(chosen);
            if (rest > 0) holes_[base + s.limit] = rest;
            s.base = base;
            s.resident = true;
            ++s.loads;
            ++stats_.placements;
            if (observer_ != nullptr) observer_->onSegmentPlaced(process, s.name, s.base, s.limit);
            return;
        }
        if (freeBytes() >= s.limit) {
            compact(caches);
            continue;
        }
        // Swap out the least recently used resident segment of any process (ties: lowest base).
        Segment* victim = nullptr;
        std::uint32_t victimProcess = 0;
        for (std::uint32_t p = 0; p < tables_.size(); ++p)
            for (Segment& o : tables_[p].segments)
                if (o.resident && &o != &s &&
                    (victim == nullptr || o.lastUse < victim->lastUse ||
                     (o.lastUse == victim->lastUse && o.base < victim->base))) {
                    victim = &o;
                    victimProcess = p;
                }
        if (victim == nullptr) throw Error("segment \"" + s.name + "\" does not fit in physical memory");  // validated
        caches.invalidateRange(victim->base, victim->limit);
        victim->resident = false;
        freeRange(victim->base, victim->limit);
        ++stats_.swapOuts;
        if (observer_ != nullptr) observer_->onSegmentSwappedOut(victimProcess, victim->name, victim->base, victim->limit);
    }
}

void Segmentation::freeRange(std::uint64_t base, std::uint64_t size) {
    auto next = holes_.lower_bound(base);
    if (next != holes_.end() && next->first == base + size) {  // joins the hole above
        size += next->second;
        next = holes_.erase(next);
    }
    if (next != holes_.begin()) {
        auto prev = std::prev(next);
        if (prev->first + prev->second == base) {  // joins the hole below
            prev->second += size;
            return;
        }
    }
    holes_[base] = size;
}

void Segmentation::compact(PhysicalMemoryPort& caches) {
    // Slide every resident segment down, in physical order, so the holes become one at the top.
    std::vector<Segment*> resident;
    for (Table& t : tables_)
        for (Segment& s : t.segments)
            if (s.resident) resident.push_back(&s);
    std::sort(resident.begin(), resident.end(), [](const Segment* a, const Segment* b) { return a->base < b->base; });
    std::uint64_t next = 0;
    std::uint64_t moved = 0;
    for (Segment* s : resident) {
        if (s->base != next) {
            caches.invalidateRange(s->base, s->limit);  // its lines under the old addresses go
            moved += s->limit;
            s->base = next;
        }
        next += s->limit;
    }
    holes_.clear();
    if (next < memory_) holes_[next] = memory_ - next;
    ++stats_.compactions;
    stats_.bytesMoved += moved;
    if (observer_ != nullptr) observer_->onCompaction(moved);
}

std::uint64_t Segmentation::freeBytes() const {
    std::uint64_t total = 0;
    for (const auto& [base, size] : holes_) total += size;
    return total;
}

std::vector<SegmentView> Segmentation::segments(std::uint32_t process) const {
    std::vector<SegmentView> out;
    if (process >= tables_.size()) return out;
    for (const Segment& s : tables_[process].segments) {
        SegmentView v;
        v.name = s.name;
        v.start = s.start;
        v.limit = s.limit;
        v.permissions = s.permissions;
        if (mode_ == MmuMode::SegmentedPaging || (mode_ == MmuMode::Segmentation && s.resident)) v.base = s.base;
        v.references = s.references;
        v.loads = s.loads;
        out.push_back(std::move(v));
    }
    return out;
}

std::string Segmentation::describe(const SegmentFault& f) {
    std::string text = std::string(toString(f.kind)) + " of " + std::to_string(f.size) + (f.size == 1 ? " byte" : " bytes") +
                       " at " + hex(f.address) + " (process " + std::to_string(f.process) + ", site " +
                       std::to_string(f.site) + "): ";
    switch (f.fault) {
        case FaultKind::Unmapped:
            text += "protection fault: no region or segment holds it";
            break;
        case FaultKind::Permission:
            text += "protection fault: \"" + f.segment + "\" allows " +
                    (f.permissions == 0 ? std::string("nothing") : permissionsString(f.permissions)) + ", not " +
                    permissionsString(permissionFor(f.kind));
            break;
        case FaultKind::Limit:
            text += "segmentation fault: offset " + hex(f.offset) + " + " + std::to_string(f.size) +
                    " is past the limit of \"" + f.segment + "\" (" + hex(f.limit) + ")";
            break;
    }
    return text;
}

}  // namespace cachescope
