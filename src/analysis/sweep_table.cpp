// Sweeps (analysis/sweep.hpp): the tables: writing a sweep as CSV (an identity line, a header, one
// row per run) or JSON, and reading either back (what `sweep merge` and `sweep --plot` read).

#include "cachescope/core/json_text.hpp"
#include "cachescope/analysis/sweep.hpp"

#include <charconv>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"

namespace cachescope {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::string_view kCsvMagic = "# cachescope sweep ";

}  // namespace

// ---- writing -----------------------------------------------------------------------------------

std::string sweepCsvHeader(const SweepIdentity& id) {
    std::string h = "index";
    for (const SweepVary& v : id.vary) h += "," + csvField(v.path);
    h += ",trace";
    for (const std::string& l : id.levels)
        h += "," + csvField(l + "_accesses") + "," + csvField(l + "_misses") + "," + csvField(l + "_miss_rate");
    h += ",memory_reads,memory_writes,total_cycles,amat";
    if (id.mmu) {
        for (const std::string& t : id.tlbs) h += "," + csvField(t + "_accesses") + "," + csvField(t + "_misses");
        h += ",page_faults,walks";
    }
    return h + ",error";
}

void writeSweepCsv(std::ostream& os, const SweepTable& table) {
    const SweepIdentity& id = table.identity;
    os << kCsvMagic << jsonText(identityJson(id)) << '\n' << sweepCsvHeader(id) << '\n';
    for (const SweepRow& r : table.rows) {
        os << r.index;
        for (const std::string& v : r.values) os << ',' << csvField(v);
        os << ',' << csvField(r.traceLabel);
        if (!r.error.empty()) {
            const std::size_t empty = 3 * id.levels.size() + 4 + (id.mmu ? 2 * id.tlbs.size() + 2 : 0);
            os << std::string(empty, ',') << ',' << csvField(r.error) << '\n';
            continue;
        }
        for (const SweepCounts& c : r.levels)
            os << ',' << c.accesses << ',' << c.misses << ',' << shortestNumber(c.missRate());
        os << ',' << r.memoryReads << ',' << r.memoryWrites << ',' << r.totalCycles << ',' << shortestNumber(r.amat);
        if (id.mmu) {
            for (const SweepCounts& c : r.tlbs) os << ',' << c.accesses << ',' << c.misses;
            os << ',' << r.pageFaults << ',' << r.walks;
        }
        os << ",\n";
    }
}

void writeSweepJson(std::ostream& os, const SweepTable& table) {
    const SweepIdentity& id = table.identity;
    ordered_json rows = ordered_json::array();
    for (const SweepRow& r : table.rows) {
        ordered_json j;
        j["index"] = r.index;
        ordered_json values = ordered_json::object();
        for (std::size_t k = 0; k < id.vary.size(); ++k) values[id.vary[k].path] = varyValue(r.values[k]);
        j["values"] = std::move(values);
        j["trace"] = r.traceLabel;
        if (!r.error.empty()) {
            j["error"] = r.error;
            rows.push_back(std::move(j));
            continue;
        }
        ordered_json levels = ordered_json::array();
        for (std::size_t l = 0; l < r.levels.size(); ++l)
            levels.push_back({{"name", id.levels[l]},
                              {"accesses", r.levels[l].accesses},
                              {"misses", r.levels[l].misses},
                              {"miss_rate", r.levels[l].missRate()}});
        j["levels"] = std::move(levels);
        j["memory"] = {{"reads", r.memoryReads}, {"writes", r.memoryWrites}};
        j["total_cycles"] = r.totalCycles;
        j["amat"] = r.amat;
        if (id.mmu) {
            ordered_json tlbs = ordered_json::array();
            for (std::size_t t = 0; t < r.tlbs.size(); ++t)
                tlbs.push_back({{"name", id.tlbs[t]},
                                {"accesses", r.tlbs[t].accesses},
                                {"misses", r.tlbs[t].misses},
                                {"miss_rate", r.tlbs[t].missRate()}});
            j["tlbs"] = std::move(tlbs);
            j["page_faults"] = r.pageFaults;
            j["walks"] = r.walks;
        }
        rows.push_back(std::move(j));
    }
    ordered_json out;
    out["sweep"] = identityJson(id);
    out["rows"] = std::move(rows);
    os << jsonText(out, 2) << '\n';
}

// ---- reading -----------------------------------------------------------------------------------

namespace {

/// RFC 4180 records; `line` of each record's start (1-based) for messages.
struct CsvRecord {
    std::size_t line = 0;
    std::vector<std::string> fields;
};

std::vector<CsvRecord> parseCsv(std::string_view text, std::size_t firstLine, const std::string& source) {
    std::vector<CsvRecord> records;
    std::size_t line = firstLine;
    std::size_t i = 0;
    while (i < text.size()) {
        CsvRecord rec;
        rec.line = line;
        std::string field;
        bool ended = false;
        while (!ended) {
            if (i < text.size() && text[i] == '"') {
                ++i;
                for (;;) {
                    if (i >= text.size())
                        throw ConfigError(source + ":" + std::to_string(rec.line) + ": unterminated quoted field");
                    if (text[i] == '"') {
                        if (i + 1 < text.size() && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (text[i] == '\n') ++line;
                    field += text[i++];
                }
            }
            while (i < text.size() && text[i] != ',' && text[i] != '\n') field += text[i++];
            rec.fields.push_back(std::move(field));
            field.clear();
            if (i >= text.size() || text[i] == '\n') {
                ended = true;
                ++line;
            }
            ++i;
        }
        records.push_back(std::move(rec));
    }
    return records;
}

std::uint64_t parseCount(const std::string& text, const std::string& where) {
    std::uint64_t v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size())
        throw ConfigError(where + ": expected a whole number, found \"" + text + "\"");
    return v;
}

double parseReal(const std::string& text, const std::string& where) {
    double v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size())
        throw ConfigError(where + ": expected a number, found \"" + text + "\"");
    return v;
}

/// Fills the derived fields of a row read back and checks them against the identity.
void completeRow(SweepRow& row, const SweepIdentity& id, const std::vector<std::string>& values,
                 const std::string& trace, const std::string& where) {
    if (row.index >= id.runs)
        throw ConfigError(where + ": run index " + std::to_string(row.index) + " is beyond the sweep's " +
                          std::to_string(id.runs) + " runs");
    row.combination = row.index / id.traces.size();
    row.trace = static_cast<std::size_t>(row.index % id.traces.size());
    row.values = id.values(row.combination);
    row.traceLabel = id.traces[row.trace];
    if (values != row.values || trace != row.traceLabel)
        throw ConfigError(where + ": run " + std::to_string(row.index) +
                          " does not have the values and trace its index stands for in this sweep");
}

SweepTable readCsv(std::string_view text, const std::string& source) {
    const std::size_t eol = text.find('\n');
    if (text.substr(0, kCsvMagic.size()) != kCsvMagic || eol == std::string_view::npos)
        throw ConfigError(source + ":1: not a cachescope sweep file: expected a first line '" + std::string(kCsvMagic) +
                          "{...}' (CSV) or a JSON object");
    SweepTable table;
    const std::string_view identityText = text.substr(kCsvMagic.size(), eol - kCsvMagic.size());
    json identity;
    try {
        identity = json::parse(identityText.begin(), identityText.end());
    } catch (const json::parse_error& e) {
        throw ConfigError(source + ":1: the sweep identity is not valid JSON: " + e.what());
    }
    table.identity = identityFromJson(identity, source + ":1");
    const SweepIdentity& id = table.identity;
    const std::vector<CsvRecord> records = parseCsv(text.substr(eol + 1), 2, source);
    const std::string header = sweepCsvHeader(id);
    if (records.empty()) throw ConfigError(source + ":2: missing the header row '" + header + "'");
    std::string got;
    for (const std::string& f : records.front().fields) got += (got.empty() ? "" : ",") + csvField(f);
    if (got != header)
        throw ConfigError(source + ":2: header '" + got + "' does not match the sweep's columns '" + header + "'");
    const std::size_t columns = records.front().fields.size();
    for (std::size_t r = 1; r < records.size(); ++r) {
        const CsvRecord& rec = records[r];
        const std::string where = source + ":" + std::to_string(rec.line);
        if (rec.fields.size() != columns)
            throw ConfigError(where + ": " + std::to_string(rec.fields.size()) + " fields, the header has " +
                              std::to_string(columns));
        std::size_t f = 0;
        SweepRow row;
        row.index = parseCount(rec.fields[f++], where + ": index");
        std::vector<std::string> values(rec.fields.begin() + 1,
                                        rec.fields.begin() + 1 + static_cast<std::ptrdiff_t>(id.vary.size()));
        f += id.vary.size();
        const std::string trace = rec.fields[f++];
        completeRow(row, id, values, trace, where);
        row.error = rec.fields.back();
        if (!row.error.empty()) {
            table.rows.push_back(std::move(row));
            continue;
        }
        for (const std::string& l : id.levels) {
            SweepCounts c;
            c.accesses = parseCount(rec.fields[f++], where + ": " + l + "_accesses");
            c.misses = parseCount(rec.fields[f++], where + ": " + l + "_misses");
            ++f;  // miss rate: derived
            row.levels.push_back(c);
        }
        row.memoryReads = parseCount(rec.fields[f++], where + ": memory_reads");
        row.memoryWrites = parseCount(rec.fields[f++], where + ": memory_writes");
        row.totalCycles = parseCount(rec.fields[f++], where + ": total_cycles");
        row.amat = parseReal(rec.fields[f++], where + ": amat");
        if (id.mmu) {
            for (const std::string& t : id.tlbs) {
                SweepCounts c;
                c.accesses = parseCount(rec.fields[f++], where + ": " + t + "_accesses");
                c.misses = parseCount(rec.fields[f++], where + ": " + t + "_misses");
                row.tlbs.push_back(c);
            }
            row.pageFaults = parseCount(rec.fields[f++], where + ": page_faults");
            row.walks = parseCount(rec.fields[f++], where + ": walks");
        }
        table.rows.push_back(std::move(row));
    }
    return table;
}

SweepTable readJson(std::string_view text, const std::string& source) {
    json root;
    try {
        root = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        throw ConfigError(source + ": not a cachescope sweep file: invalid JSON: " + e.what());
    }
    if (!root.is_object() || !root.contains("sweep") || !root.contains("rows") || !root["rows"].is_array())
        throw ConfigError(source + ": not a cachescope sweep file: expected an object with \"sweep\" and \"rows\"");
    SweepTable table;
    table.identity = identityFromJson(root["sweep"], source + ": /sweep");
    const SweepIdentity& id = table.identity;
    for (std::size_t r = 0; r < root["rows"].size(); ++r) {
        const json& j = root["rows"][r];
        const std::string where = source + ": /rows/" + std::to_string(r);
        try {
            SweepRow row;
            row.index = wholeNumber(j.at("index"));
            std::vector<std::string> values;
            for (std::size_t k = 0; k < id.vary.size(); ++k) {
                // Compare through the written form: the scalar the value as written stands for.
                const json& v = j.at("values").at(id.vary[k].path);
                const std::vector<std::string> expected =
                    id.values(std::min<std::uint64_t>(row.index / id.traces.size(), id.combinations() - 1));
                values.push_back(varyValue(expected[k]) == v ? expected[k] : jsonText(v));
            }
            completeRow(row, id, values, j.at("trace").get<std::string>(), where);
            if (j.contains("error")) {
                row.error = j["error"].get<std::string>();
                table.rows.push_back(std::move(row));
                continue;
            }
            if (j.at("levels").size() != id.levels.size())
                throw ConfigError(where + ": expected " + std::to_string(id.levels.size()) + " levels");
            for (const json& l : j.at("levels"))
                row.levels.push_back({wholeNumber(l.at("accesses")), wholeNumber(l.at("misses"))});
            row.memoryReads = wholeNumber(j.at("memory").at("reads"));
            row.memoryWrites = wholeNumber(j.at("memory").at("writes"));
            row.totalCycles = wholeNumber(j.at("total_cycles"));
            row.amat = j.at("amat").get<double>();
            if (id.mmu) {
                if (j.at("tlbs").size() != id.tlbs.size())
                    throw ConfigError(where + ": expected " + std::to_string(id.tlbs.size()) + " TLBs");
                for (const json& t : j.at("tlbs"))
                    row.tlbs.push_back({wholeNumber(t.at("accesses")), wholeNumber(t.at("misses"))});
                row.pageFaults = wholeNumber(j.at("page_faults"));
                row.walks = wholeNumber(j.at("walks"));
            }
            table.rows.push_back(std::move(row));
        } catch (const std::invalid_argument& e) {
            throw ConfigError(where + ": " + e.what());
        } catch (const json::exception& e) {
            throw ConfigError(where + ": " + e.what());
        }
    }
    return table;
}

}  // namespace

SweepTable readSweep(std::string_view text, const std::string& source) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{') return readJson(text, source);
    return readCsv(text, source);
}

}  // namespace cachescope
