#include "model/tensor_view.hpp"

#include <algorithm>
#include <charconv>

#include "model/inspect.hpp"

namespace cachescope::gui {

TouchIndex::TouchIndex(const std::vector<const TraceMetadata*>& perProcess, const SourceSpec& source,
                       std::uint32_t lineSize)
    : lineSize_(lineSize) {
    init(perProcess);
    auto reader = openSource(source);
    std::vector<Access> block(4096);
    std::uint64_t index = 0;
    while (const std::size_t n = reader->read(block))
        for (std::size_t i = 0; i < n; ++i) add(perProcess, block[i], index++);
}

TouchIndex::TouchIndex(const TraceMetadata& metadata, const std::vector<Access>& accesses, std::uint32_t lineSize)
    : lineSize_(lineSize) {
    const std::vector<const TraceMetadata*> one{&metadata};
    init(one);
    for (std::uint64_t i = 0; i < accesses.size(); ++i) add(one, accesses[i], i);
}

void TouchIndex::init(const std::vector<const TraceMetadata*>& perProcess) {
    regions_.resize(perProcess.size());
    for (std::size_t p = 0; p < perProcess.size(); ++p) {
        if (perProcess[p] == nullptr) continue;
        for (const Region& r : perProcess[p]->regions) {
            const std::uint64_t first = r.base / lineSize_;
            const std::uint64_t last = r.size == 0 ? first : (r.base + r.size - 1) / lineSize_;
            regions_[p].push_back({first, std::vector<std::uint64_t>(last - first + 1, kNever)});
        }
    }
}

void TouchIndex::add(const std::vector<const TraceMetadata*>& perProcess, const Access& a, std::uint64_t index) {
    if (a.process >= perProcess.size() || perProcess[a.process] == nullptr) return;
    const TraceMetadata& metadata = *perProcess[a.process];
    std::vector<Lines>& regions = regions_[a.process];
    // An access may span lines (and in principle regions): mark every line it covers.
    const std::uint64_t firstLine = a.address / lineSize_;
    const std::uint64_t lastLine = (a.address + a.size - 1) / lineSize_;
    for (std::uint64_t line = firstLine; line <= lastLine; ++line) {
        const auto r = metadata.regionOf(std::max(line * lineSize_, a.address));
        if (!r) continue;
        std::uint64_t& slot = regions[*r].first[line - regions[*r].baseLine];
        slot = std::min(slot, index);
    }
}

std::uint64_t TouchIndex::firstTouch(std::uint32_t process, std::size_t region, std::uint64_t address) const {
    if (process >= regions_.size() || region >= regions_[process].size()) return kNever;
    const Lines& r = regions_[process][region];
    const std::uint64_t line = address / lineSize_;
    if (line < r.baseLine || line - r.baseLine >= r.first.size()) return kNever;
    return r.first[line - r.baseLine];
}

std::uint8_t residenceOf(const Simulator& simulator, std::uint64_t va, std::uint32_t process) {
    const std::optional<std::uint64_t> pa = physicalAddressOf(simulator, va, process);
    if (!pa) return kResidenceMemory;  // a page not resident: none of its lines is cached
    const Hierarchy& h = simulator.hierarchy();
    std::uint32_t best = 0;
    for (std::uint32_t c = 0; c < h.caches().size(); ++c) {
        const Cache& cache = h.caches()[c];
        if (!cache.config().holdsData()) continue;
        if (cache.contains(cache.layout().line(*pa))) {
            const std::uint32_t level = h.level(c);
            if (best == 0 || level < best) best = level;
        }
    }
    return best == 0 ? kResidenceMemory : static_cast<std::uint8_t>(std::min<std::uint32_t>(best, 0xF0));
}

namespace {

std::uint32_t tileOf(const TraceMetadata& meta) {
    for (const auto& [name, value] : meta.params) {
        if (name != "tile") continue;
        std::uint32_t t = 0;
        std::from_chars(value.data(), value.data() + value.size(), t);
        return t;
    }
    return 0;
}

/// Process `process`'s tensors (`meta`'s regions with a shape) as grids, named prefix + name.
void appendTensorGrids(std::vector<TensorGrid>& out, const Session& session, const TraceMetadata& meta,
                       std::uint32_t process, const std::string& prefix, const TouchIndex& touches,
                       const ReferenceNarration* last) {
    const Simulator& sim = session.simulator();
    const Hierarchy& h = sim.hierarchy();
    const std::uint64_t position = session.position();
    const std::uint32_t tile = tileOf(meta);
    const std::uint32_t firstData = h.firstDataCache();

    for (std::size_t r = 0; r < meta.regions.size(); ++r) {
        const Region& region = meta.regions[r];
        if (region.shape.empty() || region.strides.size() != region.shape.size()) continue;
        TensorGrid g;
        g.name = prefix + region.name;
        g.process = process;
        g.region = r;
        g.elementSize = region.elementSize;
        g.tile = tile;
        std::uint64_t rows = 1;
        for (std::size_t d = 0; d + 1 < region.shape.size(); ++d) rows *= region.shape[d];
        g.rows = static_cast<std::uint32_t>(rows);
        g.cols = static_cast<std::uint32_t>(region.shape.back());
        g.residence.resize(std::size_t{g.rows} * g.cols);
        g.lineStart.resize(g.residence.size());

        // Row-major walk of the logical indices; the address from the strides.
        std::vector<std::uint64_t> index(region.shape.size(), 0);
        std::uint64_t lastLine = ~std::uint64_t{0};
        std::uint8_t lastResidence = 0;
        for (std::size_t e = 0; e < g.residence.size(); ++e) {
            std::uint64_t offset = 0;
            for (std::size_t d = 0; d < index.size(); ++d) offset += index[d] * region.strides[d];
            const std::uint64_t va = region.base + offset * region.elementSize;
            const std::uint64_t line = va / touches.lineSize();
            g.lineStart[e] = (e % g.cols == 0) || line != lastLine;
            std::uint8_t res;
            if (line == lastLine) {
                res = lastResidence;
            } else if (touches.firstTouch(process, r, va) >= position) {
                res = kResidenceNever;
            } else {
                res = residenceOf(sim, va, process);
            }
            g.residence[e] = res;
            lastLine = line;
            lastResidence = res;
            g.counts[res == 1 ? 0 : res == kResidenceMemory ? 2 : res == kResidenceNever ? 3 : 1]++;
            for (std::size_t d = index.size(); d-- > 0;) {  // next index, last dimension fastest
                if (++index[d] < region.shape[d]) break;
                index[d] = 0;
            }
        }
        if (last != nullptr && region.contains(last->address)) {
            if (auto idx = elementIndexOf(region, last->address)) {
                std::uint64_t row = 0;
                for (std::size_t d = 0; d + 1 < idx->size(); ++d) row = row * region.shape[d] + (*idx)[d];
                g.current = std::pair{static_cast<std::uint32_t>(row), static_cast<std::uint32_t>(idx->back())};
            }
        }
        // Per statement counts exist for a single source's sites (a --mix drops them).
        if (h.attributing() && firstData != Hierarchy::kMemory && &meta == session.metadata()) {
            for (std::uint32_t s = 0; s < meta.sites.size() && s < h.writebackSlot(); ++s) {
                if (meta.sites[s].region != static_cast<std::int32_t>(r)) continue;
                g.accesses += h.attributedAccesses(firstData, s);
                g.misses += h.attributedMisses(firstData, s);
            }
        }
        out.push_back(std::move(g));
    }
}

}  // namespace

std::vector<TensorGrid> buildTensorGrids(const Session& session, const TouchIndex& touches,
                                         const ReferenceNarration* last) {
    std::vector<TensorGrid> out;
    const std::uint32_t processes = session.describedProcesses();
    for (std::uint32_t p = 0; p < processes; ++p) {
        const TraceMetadata* meta = session.processMetadata(p);
        if (meta == nullptr) continue;
        const std::string prefix = processes > 1 ? "p" + std::to_string(p) + " " : "";
        appendTensorGrids(out, session, *meta, p, prefix, touches, last != nullptr && last->process == p ? last : nullptr);
    }
    return out;
}

std::vector<TensorChoice> tensorChoices(const Session& session) {
    std::vector<TensorChoice> out;
    const std::uint32_t processes = session.describedProcesses();
    for (std::uint32_t p = 0; p < processes; ++p) {
        const TraceMetadata* meta = session.processMetadata(p);
        if (meta == nullptr) continue;
        const std::string prefix = processes > 1 ? "p" + std::to_string(p) + " " : "";
        for (std::size_t r = 0; r < meta->regions.size(); ++r) {
            TensorChoice c{prefix + meta->regions[r].name, {}};
            c.stop.kind = StopKind::TensorAccess;
            c.stop.region = static_cast<std::uint32_t>(r);
            c.stop.process = p;
            out.push_back(std::move(c));
        }
    }
    return out;
}

}  // namespace cachescope::gui
