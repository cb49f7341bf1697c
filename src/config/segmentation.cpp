// The protection and segmentation part of a config (docs/config.md, "Protection and segmentation";
// docs/mmu.md): `mmu.mode`, `mmu.protection`, `mmu.segment_placement`, `mmu.segments`.

#include <algorithm>
#include <numeric>
#include <string>

#include <nlohmann/json.hpp>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"
#include "internal.hpp"

namespace cachescope {

std::string_view toString(MmuMode m) {
    switch (m) {
        case MmuMode::Paging: return "paging";
        case MmuMode::Segmentation: return "segmentation";
        case MmuMode::SegmentedPaging: return "segmented-paging";
    }
    return "?";
}

std::string_view toString(SegmentPlacement p) {
    switch (p) {
        case SegmentPlacement::First: return "first";
        case SegmentPlacement::Best: return "best";
        case SegmentPlacement::Worst: return "worst";
    }
    return "?";
}

namespace configdetail {

void validateSegmentation(const SimConfig& config, std::string_view source) {
    auto fail = [&](const std::string& path, const std::string& message) {
        throw ConfigError(where(source, path) + message);
    };
    const MmuConfig& m = *config.mmu;
    if (m.mode == MmuMode::Segmentation) {
        if (!config.tlbs.empty())
            fail("/tlbs", "mmu.mode \"segmentation\" has no pages, so no TLBs; remove \"tlbs\" or use mode "
                          "\"segmented-paging\"");
        if (!m.walkCaches.empty())
            fail("/mmu/walk_caches", "mmu.mode \"segmentation\" has no page table, so no walk caches; remove them or "
                                     "use mode \"segmented-paging\"");
        if (!m.hugePages.empty())
            fail("/mmu/huge_pages", "mmu.mode \"segmentation\" has no pages, so no huge pages; remove them or use "
                                    "mode \"segmented-paging\"");
    }
    if ((m.mode != MmuMode::Paging || m.protection) && m.pageReplacement == PageReplacementKind::Opt)
        fail("/mmu/page_replacement", "\"opt\" plans its future from the trace's virtual addresses, which protection "
                                      "and segmentation may skip or move; choose fifo, lru or clock here");
    std::vector<std::size_t> order(m.segments.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = 0; i < m.segments.size(); ++i) {
        const SegmentConfig& s = m.segments[i];
        const std::string p = "/mmu/segments/" + std::to_string(i);
        if (s.name.empty()) fail(p + "/name", "must not be empty");
        for (std::size_t k = 0; k < i; ++k)
            if (m.segments[k].name == s.name)
                fail(p + "/name", "\"" + s.name + "\" also names /mmu/segments/" + std::to_string(k) +
                                      " (expected a name per segment)");
        if (s.limit == 0) fail(p + "/limit", "must be at least 1 byte, got 0");
        if (s.start + s.limit < s.start)
            fail(p + "/limit", "start " + hex(s.start) + " + limit passes 2^64");
        if (s.base && m.mode != MmuMode::SegmentedPaging)
            fail(p + "/base", "\"base\" applies to mode \"segmented-paging\" only (\"segmentation\" places segments "
                              "itself; \"paging\" has no segment bases); remove it");
        if (s.base && *s.base + s.limit < *s.base)
            fail(p + "/base", "base " + hex(*s.base) + " + limit passes 2^64");
        if (m.mode == MmuMode::Segmentation && s.limit > m.physicalMemory)
            fail(p + "/limit", "segment \"" + s.name + "\" (" + formatSize(s.limit) + ") is larger than physical memory (" +
                                   formatSize(m.physicalMemory) + ") and could never be placed");
    }
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return m.segments[a].start < m.segments[b].start; });
    for (std::size_t i = 1; i < order.size(); ++i) {
        const SegmentConfig& a = m.segments[order[i - 1]];
        const SegmentConfig& b = m.segments[order[i]];
        if (b.start < a.start + a.limit)
            fail("/mmu/segments/" + std::to_string(order[i]) + "/start",
                 "segment \"" + b.name + "\" at " + hex(b.start) + " overlaps segment \"" + a.name + "\" (" +
                     hex(a.start) + " + " + formatSize(a.limit) + "); segments must be disjoint");
    }
}

void addSegmentationJson(const MmuConfig& m, nlohmann::json& mmu) {
    mmu["mode"] = toString(m.mode);
    mmu["protection"] = m.protection;
    mmu["segment_placement"] = toString(m.segmentPlacement);
    nlohmann::json segments = nlohmann::json::array();
    for (const SegmentConfig& s : m.segments) {
        nlohmann::json j;
        j["name"] = s.name;
        j["start"] = hex(s.start);
        j["limit"] = s.limit;
        if (s.base) j["base"] = hex(*s.base);
        j["perm"] = permissionsString(s.permissions);
        segments.push_back(std::move(j));
    }
    mmu["segments"] = std::move(segments);
}

}  // namespace configdetail

}  // namespace cachescope
