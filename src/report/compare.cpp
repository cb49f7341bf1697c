// Side-by-side comparison of runs (report/compare.hpp).

#include "cachescope/report/compare.hpp"

#include "cachescope/core/table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace cachescope {

std::optional<double> CompareRow::difference() const {
    if (values.size() != 2 || !values[0] || !values[1]) return std::nullopt;
    return *values[1] - *values[0];
}

std::optional<double> CompareRow::relativeDifference() const {
    const std::optional<double> d = difference();
    if (!d || *values[0] == 0) return std::nullopt;
    return *d / *values[0];
}

std::vector<CompareRow> compareRows(const std::vector<RunSummary>& runs) {
    std::vector<std::string> names;  // cache names, in the order first met
    for (const RunSummary& r : runs)
        for (const LevelSummary& l : r.levels)
            if (std::find(names.begin(), names.end(), l.name) == names.end()) names.push_back(l.name);
    const bool classified =
        !runs.empty() && std::all_of(runs.begin(), runs.end(), [](const RunSummary& r) { return r.classified; });
    using Kind = CompareRow::Kind;
    std::vector<CompareRow> rows;
    auto levelRow = [&](const std::string& name, const char* metric, Kind kind, auto get) {
        CompareRow row{name, metric, kind, {}};
        for (const RunSummary& r : runs) {
            const auto it =
                std::find_if(r.levels.begin(), r.levels.end(), [&](const LevelSummary& l) { return l.name == name; });
            row.values.push_back(it == r.levels.end() ? std::nullopt : std::optional<double>(get(*it)));
        }
        rows.push_back(std::move(row));
    };
    for (const std::string& name : names) {
        levelRow(name, "accesses", Kind::Count, [](const LevelSummary& l) { return double(l.stats.accesses()); });
        levelRow(name, "misses", Kind::Count, [](const LevelSummary& l) { return double(l.stats.misses()); });
        levelRow(name, "miss_rate", Kind::Rate, [](const LevelSummary& l) { return l.stats.missRate(); });
        if (!classified) continue;
        auto classes = [](const LevelSummary& l) { return l.missClasses.value_or(MissClassCounts{}); };
        levelRow(name, "compulsory", Kind::Count, [&](const LevelSummary& l) { return double(classes(l).compulsory); });
        levelRow(name, "capacity", Kind::Count, [&](const LevelSummary& l) { return double(classes(l).capacity); });
        levelRow(name, "conflict", Kind::Count, [&](const LevelSummary& l) { return double(classes(l).conflict); });
    }
    // TLBs (matched by name like caches), when any run translates.
    std::vector<std::string> tlbNames;
    for (const RunSummary& r : runs)
        if (r.translation)
            for (const LevelSummary& t : r.translation->tlbs)
                if (std::find(tlbNames.begin(), tlbNames.end(), t.name) == tlbNames.end()) tlbNames.push_back(t.name);
    auto tlbRow = [&](const std::string& name, const char* metric, Kind kind, auto get) {
        CompareRow row{name, metric, kind, {}};
        for (const RunSummary& r : runs) {
            std::optional<double> v;
            if (r.translation)
                for (const LevelSummary& t : r.translation->tlbs)
                    if (t.name == name) v = get(t);
            row.values.push_back(v);
        }
        rows.push_back(std::move(row));
    };
    for (const std::string& name : tlbNames) {
        tlbRow(name, "accesses", Kind::Count, [](const LevelSummary& t) { return double(t.stats.accesses()); });
        tlbRow(name, "misses", Kind::Count, [](const LevelSummary& t) { return double(t.stats.misses()); });
        tlbRow(name, "miss_rate", Kind::Rate, [](const LevelSummary& t) { return t.stats.missRate(); });
    }
    const bool anyTranslation = std::any_of(runs.begin(), runs.end(), [](const RunSummary& r) { return r.translation.has_value(); });
    auto translationRow = [&](const char* metric, auto get) {  // "-" for a run without an mmu
        CompareRow row{"", metric, Kind::Count, {}};
        for (const RunSummary& r : runs)
            row.values.push_back(r.translation ? std::optional<double>(get(*r.translation)) : std::nullopt);
        rows.push_back(std::move(row));
    };
    if (anyTranslation) {
        translationRow("page_faults", [](const TranslationSummary& t) { return double(t.pageFaults); });
        translationRow("walks", [](const TranslationSummary& t) { return double(t.walks); });
    }
    auto totalRow = [&](const char* metric, Kind kind, auto get) {
        CompareRow row{"", metric, kind, {}};
        for (const RunSummary& r : runs) row.values.emplace_back(get(r));
        rows.push_back(std::move(row));
    };
    totalRow("memory_reads", Kind::Count, [](const RunSummary& r) { return double(r.memory.reads); });
    totalRow("memory_writes", Kind::Count, [](const RunSummary& r) { return double(r.memory.writes); });
    totalRow("total_cycles", Kind::Count, [](const RunSummary& r) { return double(r.totalCycles); });
    totalRow("amat", Kind::Cycles, [](const RunSummary& r) { return r.amat; });
    return rows;
}

namespace {

std::string printf2(const char* fmt, double value) {
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), fmt, value);
    return buf.data();
}

std::string label(const CompareRow& row) {
    std::string metric = row.metric;
    if (metric == "miss_rate")
        metric = "miss rate";
    else if (metric == "memory_reads")
        metric = "memory reads";
    else if (metric == "memory_writes")
        metric = "memory writes";
    else if (metric == "total_cycles")
        metric = "total cycles";
    else if (metric == "amat")
        metric = "AMAT";
    else if (metric == "page_faults")
        metric = "page faults";
    else if (metric == "walks")
        metric = "page walks";
    return row.level.empty() ? metric : row.level + " " + metric;
}

std::string cell(const CompareRow& row, const std::optional<double>& v) {
    if (!v) return "-";
    switch (row.kind) {
        case CompareRow::Kind::Count:
            return withThousands(static_cast<std::uint64_t>(std::llround(*v)));
        case CompareRow::Kind::Rate:
            return printf2("%.2f", 100.0 * *v) + "%";
        case CompareRow::Kind::Cycles:
            return printf2("%.2f", *v);
    }
    return "-";
}

std::string differenceCell(const CompareRow& row) {
    const std::optional<double> d = row.difference();
    if (!d) return "-";
    switch (row.kind) {
        case CompareRow::Kind::Count: {
            const long long n = std::llround(*d);
            const std::string digits = withThousands(static_cast<std::uint64_t>(n < 0 ? -n : n));
            return n > 0 ? "+" + digits : n < 0 ? "-" + digits : digits;
        }
        case CompareRow::Kind::Rate:
            return printf2("%+.2f", 100.0 * *d) + " pp";
        case CompareRow::Kind::Cycles:
            return printf2("%+.2f", *d);
    }
    return "-";
}

std::string relativeCell(const CompareRow& row) {
    const std::optional<double> r = row.relativeDifference();
    if (!r) return "-";
    return *r == 0 ? "0.00%" : printf2("%+.2f", 100.0 * *r) + "%";
}

std::string letter(std::size_t i) {
    std::string s;
    for (std::size_t n = i + 1; n > 0; n = (n - 1) / 26) s.insert(s.begin(), char('A' + (n - 1) % 26));
    return s;
}

}  // namespace

void printCompareText(std::ostream& os, const std::vector<RunSummary>& runs) {
    if (runs.empty()) return;
    const RunInfo& info = runs.front().info;
    os << "cachescope compare: trace " << info.tracePath << " (" << info.traceFormat << ", "
       << withThousands(info.records) << " records, " << withThousands(runs.front().references) << " references)\n";
    for (std::size_t i = 0; i < runs.size(); ++i) os << "  " << letter(i) << ": " << runs[i].info.configFile << '\n';
    os << '\n';

    const bool two = runs.size() == 2;
    std::vector<std::string> header{"metric"};
    for (std::size_t i = 0; i < runs.size(); ++i) header.push_back(letter(i));
    if (two) {
        header.push_back("B - A");
        header.push_back("change");
    }
    std::vector<std::vector<std::string>> cells;
    for (const CompareRow& row : compareRows(runs)) {
        std::vector<std::string> line{label(row)};
        for (const auto& v : row.values) line.push_back(cell(row, v));
        if (two) {
            line.push_back(differenceCell(row));
            line.push_back(relativeCell(row));
        }
        cells.push_back(std::move(line));
    }
    printTable(os, TextTable{header, cells});  // metric left, numbers right
    if (two) os << "\nchange = (B - A) / A; miss rates differ in percentage points (pp)\n";
}

nlohmann::ordered_json compareJson(const std::vector<RunSummary>& runs) {
    auto number = [](const CompareRow& row, double v) -> nlohmann::ordered_json {
        if (row.kind == CompareRow::Kind::Count) return static_cast<std::uint64_t>(std::llround(v));
        return v;
    };
    nlohmann::ordered_json j;
    j["tool"] = "cachescope";
    j["version"] = CACHESCOPE_VERSION;
    if (!runs.empty()) {
        const RunInfo& info = runs.front().info;
        j["trace"] = {{"path", info.tracePath}, {"format", info.traceFormat}, {"records", info.records}};
        j["references"] = runs.front().references;
    }
    nlohmann::ordered_json configs = nlohmann::ordered_json::array();
    for (const RunSummary& r : runs) configs.push_back(r.info.configFile);
    j["configs"] = std::move(configs);
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const CompareRow& row : compareRows(runs)) {
        nlohmann::ordered_json r;
        if (!row.level.empty()) r["level"] = row.level;
        r["metric"] = row.metric;
        nlohmann::ordered_json values = nlohmann::ordered_json::array();
        for (const auto& v : row.values) values.push_back(v ? number(row, *v) : nlohmann::ordered_json());
        r["values"] = std::move(values);
        if (runs.size() == 2) {
            const std::optional<double> d = row.difference(), rel = row.relativeDifference();
            if (!d)
                r["difference"] = nullptr;
            else if (row.kind == CompareRow::Kind::Count)
                r["difference"] = static_cast<std::int64_t>(std::llround(*d));
            else
                r["difference"] = *d;
            r["relative_difference"] = rel ? nlohmann::ordered_json(*rel) : nlohmann::ordered_json();
        }
        rows.push_back(std::move(r));
    }
    j["rows"] = std::move(rows);
    return j;
}

}  // namespace cachescope
