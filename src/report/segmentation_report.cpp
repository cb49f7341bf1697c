// The protection and segmentation parts of the reports (layouts in report/report.hpp).

#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/core/table.hpp"
#include "cachescope/report/report.hpp"

namespace cachescope {

namespace {

std::string permText(Permissions p) { return p == 0 ? std::string("-") : permissionsString(p); }

}  // namespace

void printSegmentationText(std::ostream& os, const SegmentationSummary& s) {
    const SegmentationStats& st = s.stats;
    os << "\nprotection and segmentation (mode " << toString(s.mode);
    if (s.mode == MmuMode::Paging) os << ", protection " << (s.protection ? "on" : "off");
    if (s.mode == MmuMode::Segmentation)
        os << ", " << toString(s.placement) << "-fit placement in " << formatSize(s.physicalMemory);
    os << ")\n";
    if (s.segments.empty()) {
        os << "no segments or regions: nothing was checked\n";
        return;
    }
    // Paging: the regions and their permissions; the segmentation modes add the base (linear or
    // physical) and, for placement, how often each segment was loaded.
    // With more than one process's table, a first column names the process.
    const bool paging = s.mode == MmuMode::Paging, placed = s.mode == MmuMode::Segmentation;
    const bool processes = s.segments.back().process != 0;
    std::vector<std::string> header{paging ? "region" : "segment", "start", "limit", "perm"};
    if (processes) header.insert(header.begin(), "process");
    if (!paging) header.push_back(placed ? "physical base" : "linear base");
    header.push_back("references");
    if (placed) header.push_back("loads");
    std::vector<std::vector<std::string>> rows;
    for (const auto& [process, v] : s.segments) {
        rows.push_back({v.name, hex(v.start), withThousands(v.limit), permText(v.permissions)});
        if (processes) rows.back().insert(rows.back().begin(), std::to_string(process));
        if (!paging) rows.back().push_back(v.base ? hex(*v.base) : std::string("-"));
        rows.back().push_back(withThousands(v.references));
        if (placed) rows.back().push_back(withThousands(v.loads));
    }
    TextTable table{header, rows};
    if (processes) table.align = {TextTable::Align::Left, TextTable::Align::Left};
    printTable(os, table);
    if (s.mode == MmuMode::Segmentation) {
        std::uint64_t free = 0, largest = 0;
        os << "holes:";
        for (const auto& [base, size] : s.holes) {
            os << " [" << hex(base) << ", " << hex(base + size) << ")";
            free += size;
            largest = std::max(largest, size);
        }
        if (s.holes.empty())
            os << " none (physical memory is full)\n";
        else
            os << "; free " << formatSize(free) << " in " << s.holes.size()
               << (s.holes.size() == 1 ? " hole" : " holes") << ", largest " << formatSize(largest) << '\n';
        os << "placements: " << withThousands(st.placements) << ", swap-outs: " << withThousands(st.swapOuts)
           << ", compactions: " << withThousands(st.compactions) << " (" << withThousands(st.bytesMoved)
           << " bytes moved)\n";
    }
    os << "references checked: " << withThousands(st.checked) << ", faults: " << withThousands(st.faults);
    if (st.faults == 0) {
        os << '\n';
        return;
    }
    os << " (";
    for (std::size_t k = 0; k < kFaultKinds; ++k)
        os << (k ? ", " : "") << toString(static_cast<FaultKind>(k)) << ' ' << withThousands(st.faultsByKind[k]);
    os << ")\n";
    os << "faults by process:";
    for (const auto& [process, n] : st.faultsByProcess) os << ' ' << process << ": " << withThousands(n) << ';';
    os << '\n';
    const bool named = !s.siteNames.empty();  // the trace names its statements
    if (named) {
        os << "faults by statement:";
        for (const auto& [site, n] : st.faultsBySite) os << " \"" << s.siteName(site) << "\" " << withThousands(n) << ';';
        os << '\n';
    }
    os << "first faults:\n";
    for (const SegmentFault& f : st.firstFaults) {
        os << "  reference " << withThousands(f.reference) << ": " << Segmentation::describe(f);
        if (named) os << " [" << s.siteName(f.site) << "]";
        os << '\n';
    }
}

nlohmann::ordered_json segmentationJson(const SegmentationSummary& s) {
    const SegmentationStats& st = s.stats;
    nlohmann::ordered_json j;
    j["mode"] = toString(s.mode);
    j["protection"] = s.protection;
    if (s.mode == MmuMode::Segmentation) {
        j["placement"] = toString(s.placement);
        j["physical_memory"] = s.physicalMemory;
    }
    nlohmann::ordered_json segments = nlohmann::ordered_json::array();
    for (const auto& [process, v] : s.segments) {
        nlohmann::ordered_json g{{"process", process},
                                 {"name", v.name},
                                 {"start", hex(v.start)},
                                 {"limit", v.limit},
                                 {"perm", permissionsString(v.permissions)}};
        g["base"] = v.base ? nlohmann::ordered_json(hex(*v.base)) : nlohmann::ordered_json(nullptr);
        g["references"] = v.references;
        if (s.mode == MmuMode::Segmentation) g["loads"] = v.loads;
        segments.push_back(std::move(g));
    }
    j["segments"] = std::move(segments);
    if (s.mode == MmuMode::Segmentation) {
        nlohmann::ordered_json holes = nlohmann::ordered_json::array();
        for (const auto& [base, size] : s.holes) holes.push_back({{"base", hex(base)}, {"size", size}});
        j["holes"] = std::move(holes);
        j["placements"] = st.placements;
        j["swap_outs"] = st.swapOuts;
        j["compactions"] = st.compactions;
        j["bytes_moved"] = st.bytesMoved;
    }
    j["checked"] = st.checked;
    j["faults"] = st.faults;
    nlohmann::ordered_json byKind;
    for (std::size_t k = 0; k < kFaultKinds; ++k) byKind[std::string(toString(static_cast<FaultKind>(k)))] = st.faultsByKind[k];
    j["faults_by_kind"] = std::move(byKind);
    nlohmann::ordered_json byProcess = nlohmann::ordered_json::object();
    for (const auto& [process, n] : st.faultsByProcess) byProcess[std::to_string(process)] = n;
    j["faults_by_process"] = std::move(byProcess);
    nlohmann::ordered_json bySite = nlohmann::ordered_json::array();
    for (const auto& [site, n] : st.faultsBySite) bySite.push_back({{"site", site}, {"statement", s.siteName(site)}, {"faults", n}});
    j["faults_by_site"] = std::move(bySite);
    nlohmann::ordered_json first = nlohmann::ordered_json::array();
    for (const SegmentFault& f : st.firstFaults)
        first.push_back({{"reference", f.reference},
                         {"process", f.process},
                         {"site", f.site},
                         {"statement", s.siteName(f.site)},
                         {"address", hex(f.address)},
                         {"size", f.size},
                         {"kind", std::string(toString(f.kind))},
                         {"fault", std::string(toString(f.fault))},
                         {"segment", f.segment}});
    j["first_faults"] = std::move(first);
    return j;
}

void printSegmentationCsvRow(std::ostream& os, const SegmentationSummary& s, std::size_t columns) {
    os << "faults,," << s.stats.faults << std::string(columns - 3, ',') << '\n';
}

void printSegmentationCsvFaults(std::ostream& os, const SegmentationSummary& s) {
    if (s.stats.firstFaults.empty()) return;
    os << "\nreference,process,site,statement,address,size,kind,fault,segment\n";
    for (const SegmentFault& f : s.stats.firstFaults)
        os << f.reference << ',' << f.process << ',' << f.site << ',' << csvField(s.siteName(f.site)) << ','
           << hex(f.address) << ',' << f.size << ',' << toString(f.kind) << ',' << toString(f.fault) << ','
           << csvField(f.segment) << '\n';
}

}  // namespace cachescope
