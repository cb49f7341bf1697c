// `cachescope trace info`: one pass over a trace that counts accesses by kind, the bytes they
// move, the address range, and the footprint (distinct lines and pages), in total and per region.
//
// Worked example (64-byte lines, 4 KiB pages), regions A = [0x1000, 0x1100) and B = [0x2000, 0x2040):
//   R 0x1000 4    A, line 0x40
//   W 0x103e 4    A, bytes 0x103e..0x1041 cross a line boundary: lines 0x40 and 0x41
//   R 0x2000 8    B, line 0x80
//   R 0x5000 1    outside every region, line 0x140
// gives 4 accesses (3 reads, 1 write), 17 bytes, range 0x1000 - 0x5000, 4 lines, 3 pages
// (0x1, 0x2, 0x5); A: 2 accesses, 2 lines; B: 1 access, 1 line; "(outside regions)": 1, 1 line.

#include "cachescope/trace/info.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <unordered_set>

#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"
#include "cachescope/core/table.hpp"

namespace cachescope {

namespace {

constexpr std::size_t kBlock = 4096;
constexpr const char* kOutside = "(outside regions)";

/// The last byte an access touches; an access running past the top of the address space stops there.
std::uint64_t lastByte(const Access& a) {
    const std::uint64_t extent = a.size == 0 ? 0 : a.size - 1;
    const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
    return a.address > top - extent ? top : a.address + extent;
}

/// Distinct units (lines or pages) touched, with a one-entry memo: most accesses repeat the last unit.
class UnitSet {
public:
    explicit UnitSet(std::uint64_t unitSize) : unitSize_(unitSize) {}
    void add(std::uint64_t first, std::uint64_t last) {
        const std::uint64_t lo = first / unitSize_, hi = last / unitSize_;
        if (lo == hi && hasLast_ && lo == last_) return;
        for (std::uint64_t u = lo;; ++u) {
            seen_.insert(u);
            if (u == hi) break;
        }
        last_ = hi;
        hasLast_ = true;
    }
    std::uint64_t size() const { return seen_.size(); }

private:
    std::uint64_t unitSize_;
    std::unordered_set<std::uint64_t> seen_;
    std::uint64_t last_ = 0;
    bool hasLast_ = false;
};

/// 64 -> "64 B", 4096 -> "4 KiB", 2097152 -> "2 MiB".
std::string sizeText(std::uint64_t bytes) {
    static constexpr std::array<const char*, 4> kUnits{"B", "KiB", "MiB", "GiB"};
    std::size_t unit = 0;
    while (unit + 1 < kUnits.size() && bytes != 0 && bytes % 1024 == 0) {
        bytes /= 1024;
        ++unit;
    }
    return withThousands(bytes) + " " + kUnits[unit];
}

std::string shapeText(const std::vector<std::uint64_t>& shape) {
    std::string out;
    for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? "x" : "") + std::to_string(shape[i]);
    return out.empty() ? "-" : out;
}

/// The metadata region behind info.regions[i] (they come in the metadata's order); nullptr for
/// "(outside regions)".
const Region* regionAt(const TraceInfo& info, std::size_t i) {
    if (!info.metadata || i >= info.metadata->regions.size()) return nullptr;
    return &info.metadata->regions[i];
}

}  // namespace

TraceInfo traceInfo(TraceReader& trace, const std::string& name, std::uint32_t lineSize, std::uint32_t pageSize) {
    if (lineSize == 0 || pageSize == 0) throw UsageError("trace info: the line and page sizes must be at least 1 byte");
    TraceInfo info;
    info.name = name;
    info.lineSize = lineSize;
    info.pageSize = pageSize;

    struct CountEvents final : TraceEventSink {
        std::uint64_t& msyncs;
        explicit CountEvents(std::uint64_t& n) : msyncs(n) {}
        void onTraceEvent(const TraceEvent& e) override { msyncs += e.kind == TraceEventKind::Msync ? 1 : 0; }
    } countEvents(info.msyncs);
    trace.setEventSink(&countEvents);
    struct Unset {
        TraceReader& trace;
        ~Unset() { trace.setEventSink(nullptr); }
    } unset{trace};
    std::vector<Access> block(kBlock);
    std::size_t n = trace.read(block);
    // Metadata is read with the header, at the latest by the first read().
    const TraceMetadata* meta = trace.metadata();
    if (meta != nullptr) info.metadata = *meta;

    UnitSet lines(lineSize), pages(pageSize);
    const std::size_t regionCount = meta != nullptr ? meta->regions.size() : 0;
    // One slot per region plus the last for "(outside regions)".
    std::vector<RegionInfo> regions(regionCount + 1);
    std::vector<UnitSet> regionLines(regionCount + 1, UnitSet(lineSize));
    bool any = false;

    for (; n != 0; n = trace.read(block)) {
        for (std::size_t i = 0; i < n; ++i) {
            const Access& a = block[i];
            const std::uint64_t last = lastByte(a);
            ++info.accesses;
            info.bytes += a.size;
            switch (a.kind) {
            case AccessKind::Read: ++info.reads; break;
            case AccessKind::Write: ++info.writes; break;
            case AccessKind::Fetch: ++info.fetches; break;
            }
            if (!any || a.address < info.minAddress) info.minAddress = a.address;
            if (!any || last > info.maxAddress) info.maxAddress = last;
            any = true;
            lines.add(a.address, last);
            pages.add(a.address, last);
            if (meta != nullptr) {
                // An access belongs to the region of its first byte, with every line it covers.
                const std::size_t r = meta->regionOf(a.address).value_or(regionCount);
                RegionInfo& ri = regions[r];
                ++ri.accesses;
                ri.reads += a.kind == AccessKind::Read ? 1 : 0;
                ri.writes += a.kind == AccessKind::Write ? 1 : 0;
                regionLines[r].add(a.address, last);
            }
        }
    }
    info.records = trace.records();
    info.format = trace.format();
    info.footprintLines = lines.size();
    info.footprintPages = pages.size();
    if (meta != nullptr) {
        for (std::size_t r = 0; r <= regionCount; ++r) {
            regions[r].name = r < regionCount ? meta->regions[r].name : kOutside;
            regions[r].footprintLines = regionLines[r].size();
        }
        if (regions.back().accesses == 0) regions.pop_back();
        info.regions = std::move(regions);
    }
    return info;
}

void printTraceInfo(std::ostream& os, const TraceInfo& info) {
    os << "trace: " << info.name << " (" << toString(info.format) << ", " << withThousands(info.records)
       << (info.records == 1 ? " record)\n" : " records)\n");
    os << "accesses: " << withThousands(info.accesses) << " (reads " << withThousands(info.reads) << ", writes "
       << withThousands(info.writes) << ", fetches " << withThousands(info.fetches) << "), "
       << withThousands(info.bytes) << (info.bytes == 1 ? " byte\n" : " bytes\n");
    if (info.msyncs != 0) os << "msync events: " << withThousands(info.msyncs) << '\n';
    if (info.accesses == 0)
        os << "address range: (none)\n";
    else
        os << "address range: " << hex(info.minAddress) << " - " << hex(info.maxAddress) << '\n';
    os << "footprint: " << withThousands(info.footprintLines) << (info.footprintLines == 1 ? " line" : " lines")
       << " of " << sizeText(info.lineSize) << ", " << withThousands(info.footprintPages)
       << (info.footprintPages == 1 ? " page" : " pages") << " of " << sizeText(info.pageSize) << '\n';
    if (!info.metadata) return;
    const TraceMetadata& meta = *info.metadata;
    if (!meta.source.empty()) os << "source: " << meta.source << '\n';
    if (!meta.kernel.empty()) {
        os << "kernel: " << meta.kernel;
        for (const auto& [key, value] : meta.params) os << ' ' << key << '=' << value;
        os << '\n';
    }
    if (info.regions.empty()) return;
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < info.regions.size(); ++i) {
        const RegionInfo& r = info.regions[i];
        const Region* region = regionAt(info, i);
        rows.push_back({r.name, region ? hex(region->base) : "-", region ? withThousands(region->size) : "-",
                        region ? shapeText(region->shape) : "-",
                        region ? std::to_string(region->elementSize) : "-", withThousands(r.accesses),
                        withThousands(r.reads), withThousands(r.writes), withThousands(r.footprintLines)});
    }
    os << "regions:\n";
    printTable(os, TextTable{{"name", "base", "size", "shape", "element", "accesses", "reads", "writes", "lines"},
                             rows, {}, "  "});
}

nlohmann::ordered_json traceInfoJson(const TraceInfo& info) {
    nlohmann::ordered_json j;
    j["trace"] = info.name;
    j["format"] = std::string(toString(info.format));
    j["records"] = info.records;
    j["accesses"] = info.accesses;
    j["reads"] = info.reads;
    j["writes"] = info.writes;
    j["fetches"] = info.fetches;
    j["bytes"] = info.bytes;
    if (info.msyncs != 0) j["msyncs"] = info.msyncs;
    if (info.accesses != 0) {
        j["min_address"] = info.minAddress;
        j["max_address"] = info.maxAddress;
    } else {
        j["min_address"] = nullptr;
        j["max_address"] = nullptr;
    }
    j["line_size"] = info.lineSize;
    j["page_size"] = info.pageSize;
    j["footprint_lines"] = info.footprintLines;
    j["footprint_pages"] = info.footprintPages;
    if (info.metadata) {
        const TraceMetadata& meta = *info.metadata;
        j["source"] = meta.source;
        j["kernel"] = meta.kernel;
        nlohmann::ordered_json params = nlohmann::ordered_json::object();
        for (const auto& [key, value] : meta.params) params[key] = value;
        j["params"] = std::move(params);
    }
    nlohmann::ordered_json regions = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < info.regions.size(); ++i) {
        const RegionInfo& r = info.regions[i];
        nlohmann::ordered_json o;
        o["name"] = r.name;
        const Region* region = regionAt(info, i);
        if (region != nullptr) {
            o["base"] = region->base;
            o["size"] = region->size;
            o["element_size"] = region->elementSize;
            o["shape"] = region->shape;
            o["layout"] = region->layout;
        }
        o["accesses"] = r.accesses;
        o["reads"] = r.reads;
        o["writes"] = r.writes;
        o["footprint_lines"] = r.footprintLines;
        regions.push_back(std::move(o));
    }
    j["regions"] = std::move(regions);
    return j;
}

}  // namespace cachescope
