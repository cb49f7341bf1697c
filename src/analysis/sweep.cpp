// Parameter sweeps (see analysis/sweep.hpp): expanding --vary lists, applying them to a config's
// JSON, running the combinations on worker threads, and the CSV/JSON tables that shards are
// merged from.

#include "cachescope/analysis/sweep.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>

#include "cachescope/core/error.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/trace/crc32.hpp"

namespace cachescope {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::string_view kCsvMagic = "# cachescope sweep ";
constexpr std::uint64_t kMaxCombinations = 1'000'000;

std::string joinNames(const std::vector<std::string>& names) {
    std::string s;
    for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find(separator, start);
        parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

bool allDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}


}  // namespace

// ---- vary --------------------------------------------------------------------------------------

json varyValue(std::string_view text) {
    if (text.empty()) throw UsageError("--vary: empty value (write values as PATH=V1,V2,...)");
    json j;
    try {
        j = json::parse(text.begin(), text.end());
    } catch (const json::parse_error&) {
        return json(std::string(text));  // a bare word: "32KiB", "lru"
    }
    if (j.is_null() || j.is_array() || j.is_object())
        throw UsageError("--vary: value '" + std::string(text) +
                         "' is not a scalar; expected a number, true/false or a string such as 32KiB");
    return j;
}

SweepVary parseVary(std::string_view spec) {
    const std::size_t eq = spec.find('=');
    if (eq == std::string_view::npos)
        throw UsageError("--vary '" + std::string(spec) +
                         "': expected PATH=V1,V2,... such as caches.L1D.size=16KiB,32KiB");
    SweepVary v;
    v.path = std::string(spec.substr(0, eq));
    if (v.path.empty()) throw UsageError("--vary '" + std::string(spec) + "': the path before '=' is empty");
    v.values = split(spec.substr(eq + 1), ',');
    for (const std::string& value : v.values) {
        if (value.empty())
            throw UsageError("--vary " + v.path + ": empty value in '" + std::string(spec.substr(eq + 1)) +
                             "' (write values as V1,V2,...)");
        varyValue(value);
    }
    return v;
}

void applyVary(json& raw, const json& resolved, std::string_view path, const json& value) {
    const std::string p(path);
    const std::vector<std::string> segments = split(path, '.');
    json* r = &raw;
    const json* s = &resolved;
    std::string at;  // the part of the path walked so far
    auto here = [&at] { return at.empty() ? std::string("the config's top level") : at; };
    auto keysOf = [](const json& object) {
        std::vector<std::string> keys;
        for (const auto& item : object.items()) keys.push_back(item.key());
        std::sort(keys.begin(), keys.end());
        return joinNames(keys);
    };
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const std::string& seg = segments[i];
        const bool last = i + 1 == segments.size();
        if (seg.empty()) throw UsageError("--vary " + p + ": empty name in the path (two dots, or a dot at an end)");
        // The file may write a container differently from its resolved form (bits_per_level: 9
        // for [9, 9, 9, 9]), or leave it out: then the resolved form stands in for it.
        if ((s->is_object() && !r->is_object()) || (s->is_array() && (!r->is_array() || r->size() != s->size())))
            *r = *s;
        const json* sNext = nullptr;
        json* rNext = nullptr;
        if (s->is_object()) {
            if (!s->contains(seg))
                throw UsageError("--vary " + p + ": no key \"" + seg + "\" in " + here() +
                                 "; valid keys: " + keysOf(*s));
            sNext = &(*s)[seg];
            if (!r->contains(seg)) (*r)[seg] = *sNext;
            rNext = &(*r)[seg];
        } else if (s->is_array()) {
            std::size_t index = s->size();
            std::vector<std::string> names;
            for (std::size_t k = 0; k < s->size(); ++k) {
                const json& e = (*s)[k];
                if (e.is_object() && e.contains("name") && e["name"].is_string()) {
                    names.push_back(e["name"].get<std::string>());
                    if (names.back() == seg) index = k;
                }
            }
            if (allDigits(seg) && seg.size() < 10) index = std::stoul(seg);
            if (index >= s->size()) {
                if (s->empty()) throw UsageError("--vary " + p + ": " + here() + " is an empty list");
                std::string valid = names.empty() ? "" : joinNames(names) + ", or ";
                valid += "an index 0 to " + std::to_string(s->size() - 1);
                throw UsageError("--vary " + p + ": no element \"" + seg + "\" in " + here() + "; valid: " + valid);
            }
            sNext = &(*s)[index];
            rNext = &(*r)[index];
        } else {
            throw UsageError("--vary " + p + ": " + here() + " is a value (" + s->dump() +
                             "), there is nothing named \"" + seg + "\" inside it");
        }
        at += (at.empty() ? "" : ".") + seg;
        if (last) {
            if (sNext->is_object())
                throw UsageError("--vary " + p + ": " + at +
                                 " is an object, not a value; name one of its keys: " + keysOf(*sNext));
            *rNext = value;
            return;
        }
        r = rNext;
        s = sNext;
    }
}

Shard parseShard(std::string_view text) {
    const std::size_t slash = text.find('/');
    const std::string t(text);
    auto bad = [&t](const std::string& why) {
        return UsageError("--shard '" + t + "': " + why +
                          "; expected I/N with 0 <= I < N, e.g. 0/4 ... 3/4 (I counts from 0)");
    };
    if (slash == std::string_view::npos) throw bad("no '/'");
    const std::string_view i = text.substr(0, slash);
    const std::string_view n = text.substr(slash + 1);
    if (!allDigits(i) || !allDigits(n) || i.size() > 9 || n.size() > 9) throw bad("I and N must be whole numbers");
    Shard shard;
    shard.index = static_cast<std::uint32_t>(std::stoul(std::string(i)));
    shard.count = static_cast<std::uint32_t>(std::stoul(std::string(n)));
    if (shard.count == 0) throw bad("N must be at least 1");
    if (shard.index >= shard.count) throw bad("I must be less than N");
    return shard;
}

// ---- identity ----------------------------------------------------------------------------------

std::uint64_t SweepIdentity::combinations() const {
    std::uint64_t n = 1;
    for (const SweepVary& v : vary) n *= v.values.size();
    return n;
}

std::vector<std::size_t> SweepIdentity::digits(std::uint64_t combination) const {
    std::vector<std::size_t> d(vary.size());
    for (std::size_t k = vary.size(); k-- > 0;) {
        d[k] = static_cast<std::size_t>(combination % vary[k].values.size());
        combination /= vary[k].values.size();
    }
    return d;
}

std::vector<std::string> SweepIdentity::values(std::uint64_t combination) const {
    const std::vector<std::size_t> d = digits(combination);
    std::vector<std::string> v;
    for (std::size_t k = 0; k < vary.size(); ++k) v.push_back(vary[k].values[d[k]]);
    return v;
}

ordered_json identityJson(const SweepIdentity& id) {
    ordered_json j;
    j["tool"] = "cachescope";
    j["version"] = CACHESCOPE_VERSION;
    j["config_file"] = id.configFile;
    j["config_crc32"] = id.configCrc32;
    ordered_json vary = ordered_json::array();
    for (const SweepVary& v : id.vary) vary.push_back({{"path", v.path}, {"values", v.values}});
    j["vary"] = std::move(vary);
    j["traces"] = id.traces;
    j["skip_invalid"] = id.skipInvalid;
    j["runs"] = id.runs;
    j["shards"] = id.shard.count;
    j["shard"] = id.shard.index;
    j["levels"] = id.levels;
    j["mmu"] = id.mmu;
    j["tlbs"] = id.tlbs;
    return j;
}

SweepIdentity identityFromJson(const json& j, const std::string& source) {
    auto fail = [&source](const std::string& why) {
        return ConfigError(source + ": not a cachescope sweep identity: " + why);
    };
    try {
        if (!j.is_object() || j.value("tool", "") != "cachescope") throw fail("expected \"tool\": \"cachescope\"");
        SweepIdentity id;
        if (j.at("version").get<std::string>() != CACHESCOPE_VERSION)
            throw fail("written by cachescope " + j.at("version").get<std::string>() + ", this is " +
                       CACHESCOPE_VERSION);
        id.configFile = j.at("config_file").get<std::string>();
        id.configCrc32 = j.at("config_crc32").get<std::uint32_t>();
        for (const json& v : j.at("vary")) {
            SweepVary sv{v.at("path").get<std::string>(), v.at("values").get<std::vector<std::string>>()};
            if (sv.values.empty()) throw fail("vary " + sv.path + " has no values");
            id.vary.push_back(std::move(sv));
        }
        id.traces = j.at("traces").get<std::vector<std::string>>();
        id.skipInvalid = j.at("skip_invalid").get<bool>();
        id.runs = j.at("runs").get<std::uint64_t>();
        id.shard.count = j.at("shards").get<std::uint32_t>();
        id.shard.index = j.at("shard").get<std::uint32_t>();
        id.levels = j.at("levels").get<std::vector<std::string>>();
        id.mmu = j.at("mmu").get<bool>();
        id.tlbs = j.at("tlbs").get<std::vector<std::string>>();
        if (id.shard.count == 0 || id.shard.index >= id.shard.count) throw fail("shard out of range");
        if (id.traces.empty() || id.combinations() * id.traces.size() != id.runs)
            throw fail("runs is not combinations x traces");
        return id;
    } catch (const json::exception& e) {
        throw fail(e.what());
    }
}

// ---- plan --------------------------------------------------------------------------------------

SweepPlan::SweepPlan(const std::string& configFile, std::string_view configText, std::vector<SweepVary> vary,
                     std::vector<std::string> traces, bool skipInvalid) {
    if (traces.empty()) throw UsageError("sweep: give at least one trace file, or --kernel NAME");
    for (std::size_t a = 0; a < vary.size(); ++a) {
        if (vary[a].values.empty()) throw UsageError("--vary " + vary[a].path + ": no values");
        for (std::size_t b = 0; b < a; ++b)
            if (vary[a].path == vary[b].path)
                throw UsageError("--vary " + vary[a].path + " is given twice; list all its values in one --vary");
    }
    const SimConfig base = parseConfig(configText, configFile);
    const json raw = json::parse(configText.begin(), configText.end(), nullptr, true, /*ignore_comments=*/true);
    const json resolved = toJson(base);

    identity_.configFile = configFile;
    identity_.configCrc32 = crc32(configText);
    identity_.vary = std::move(vary);
    identity_.traces = std::move(traces);
    identity_.skipInvalid = skipInvalid;
    for (const CacheConfig& c : base.caches) identity_.levels.push_back(c.name);
    identity_.mmu = base.mmu.has_value();
    for (const TlbConfig& t : base.tlbs) identity_.tlbs.push_back(t.name);

    std::uint64_t combinations = 1;
    for (const SweepVary& v : identity_.vary) {
        if (combinations > kMaxCombinations / v.values.size())
            throw UsageError("sweep: more than " + std::to_string(kMaxCombinations) +
                             " combinations; split the sweep into several");
        combinations *= v.values.size();
    }
    identity_.runs = combinations * identity_.traces.size();

    // Every path is checked (with its first value) before any combination, so a bad path is
    // reported as such and not as an invalid combination.
    std::vector<std::vector<json>> values(identity_.vary.size());
    for (std::size_t k = 0; k < identity_.vary.size(); ++k) {
        for (const std::string& v : identity_.vary[k].values) values[k].push_back(varyValue(v));
        json probe = raw;
        applyVary(probe, resolved, identity_.vary[k].path, values[k].front());
    }

    configs_.resize(combinations);
    errors_.resize(combinations);
    for (std::uint64_t c = 0; c < combinations; ++c) {
        const std::vector<std::size_t> d = identity_.digits(c);
        json j = raw;
        std::string label;
        for (std::size_t k = 0; k < identity_.vary.size(); ++k) {
            applyVary(j, resolved, identity_.vary[k].path, values[k][d[k]]);
            label += (k ? ", " : "") + identity_.vary[k].path + "=" + identity_.vary[k].values[d[k]];
        }
        try {
            configs_[c] = parseConfig(j.dump(), configFile);
        } catch (const ConfigError& e) {
            std::string message = "combination " + std::to_string(c) + " of " + std::to_string(combinations) + " (" +
                                  label + "): " + e.what();
            if (!skipInvalid) throw ConfigError(message + " (--skip-invalid reports such combinations as error rows)");
            errors_[c] = std::move(message);
        }
    }
}

const SimConfig* SweepPlan::config(std::uint64_t combination) const {
    const std::optional<SimConfig>& c = configs_[combination];
    return c ? &*c : nullptr;
}

std::vector<std::uint64_t> SweepPlan::shardRuns(Shard shard) const {
    std::vector<std::uint64_t> runs;
    for (std::uint64_t i = shard.index; i < identity_.runs; i += shard.count) runs.push_back(i);
    return runs;
}

// ---- running -----------------------------------------------------------------------------------

SweepRow runSweepOne(const SweepPlan& plan, const SweepOpener& open, std::uint64_t index) {
    const SweepIdentity& id = plan.identity();
    SweepRow row;
    row.index = index;
    row.combination = index / id.traces.size();
    row.trace = static_cast<std::size_t>(index % id.traces.size());
    row.values = id.values(row.combination);
    row.traceLabel = id.traces[row.trace];
    const SimConfig* config = plan.config(row.combination);
    if (config == nullptr) {
        row.error = plan.error(row.combination);
        return row;
    }
    // One run: plan (OPT) -> run -> check, as every front end does it (session/session.hpp).
    SessionOptions options;
    options.attribution = false;  // the table has no per-site columns
    Session session(*config, SourceSpec::custom([&open, &row] { return open(row.trace); }, row.traceLabel), options);
    session.runToEnd();  // throws if OPT did not follow its plans (an internal error)
    const RunSummary s = session.summary(id.configFile);
    for (const LevelSummary& l : s.levels) row.levels.push_back({l.stats.accesses(), l.stats.misses()});
    row.memoryReads = s.memory.reads;
    row.memoryWrites = s.memory.writes;
    row.totalCycles = s.totalCycles;
    row.amat = s.amat;
    if (s.translation) {
        for (const LevelSummary& t : s.translation->tlbs) row.tlbs.push_back({t.stats.accesses(), t.stats.misses()});
        row.pageFaults = s.translation->pageFaults;
        row.walks = s.translation->walks;
    }
    return row;
}

SweepTable runSweep(const SweepPlan& plan, const SweepOpener& open, const SweepOptions& options) {
    if (options.shard.count == 0 || options.shard.index >= options.shard.count)
        throw UsageError("sweep: shard " + std::to_string(options.shard.index) + "/" +
                         std::to_string(options.shard.count) + " out of range");
    const std::vector<std::uint64_t> runs = plan.shardRuns(options.shard);
    std::vector<SweepRow> rows(runs.size());
    std::vector<std::exception_ptr> errors(runs.size());
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex progress;
    std::uint64_t done = 0;

    // Runs are claimed in index order and a claimed run always finishes, so when a run fails every
    // run of a lower index has been (or is being) simulated: the lowest failure is the same for
    // any number of workers.
    auto worker = [&] {
        while (!failed.load()) {
            const std::size_t k = next.fetch_add(1);
            if (k >= runs.size()) return;
            try {
                rows[k] = runSweepOne(plan, open, runs[k]);
            } catch (...) {
                errors[k] = std::current_exception();
                failed.store(true);
            }
            if (options.onRunDone) {
                const std::lock_guard<std::mutex> lock(progress);
                options.onRunDone(++done, runs.size());
            }
        }
    };
    const std::size_t jobs = std::clamp<std::size_t>(options.jobs, 1, std::max<std::size_t>(runs.size(), 1));
    if (jobs == 1) {
        worker();
    } else {
        std::vector<std::jthread> threads;
        for (std::size_t t = 0; t < jobs; ++t) threads.emplace_back(worker);
    }  // joined here
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);

    SweepTable table;
    table.identity = plan.identity();
    table.identity.shard = options.shard;
    table.rows = std::move(rows);
    return table;
}

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
    os << kCsvMagic << identityJson(id).dump() << '\n' << sweepCsvHeader(id) << '\n';
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
    os << out.dump(2) << '\n';
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
            row.index = j.at("index").get<std::uint64_t>();
            std::vector<std::string> values;
            for (std::size_t k = 0; k < id.vary.size(); ++k) {
                // Compare through the written form: the scalar the value as written stands for.
                const json& v = j.at("values").at(id.vary[k].path);
                const std::vector<std::string> expected =
                    id.values(std::min<std::uint64_t>(row.index / id.traces.size(), id.combinations() - 1));
                values.push_back(varyValue(expected[k]) == v ? expected[k] : v.dump());
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
                row.levels.push_back({l.at("accesses").get<std::uint64_t>(), l.at("misses").get<std::uint64_t>()});
            row.memoryReads = j.at("memory").at("reads").get<std::uint64_t>();
            row.memoryWrites = j.at("memory").at("writes").get<std::uint64_t>();
            row.totalCycles = j.at("total_cycles").get<std::uint64_t>();
            row.amat = j.at("amat").get<double>();
            if (id.mmu) {
                if (j.at("tlbs").size() != id.tlbs.size())
                    throw ConfigError(where + ": expected " + std::to_string(id.tlbs.size()) + " TLBs");
                for (const json& t : j.at("tlbs"))
                    row.tlbs.push_back({t.at("accesses").get<std::uint64_t>(), t.at("misses").get<std::uint64_t>()});
                row.pageFaults = j.at("page_faults").get<std::uint64_t>();
                row.walks = j.at("walks").get<std::uint64_t>();
            }
            table.rows.push_back(std::move(row));
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

// ---- merging -----------------------------------------------------------------------------------

SweepTable mergeSweeps(const std::vector<SweepTable>& parts, const std::vector<std::string>& names) {
    if (parts.empty()) throw UsageError("sweep merge: give at least one shard file");
    auto name = [&names](std::size_t i) { return i < names.size() ? names[i] : "part " + std::to_string(i); };
    SweepTable merged;
    merged.identity = parts.front().identity;
    merged.identity.shard = Shard{};
    ordered_json reference = identityJson(parts.front().identity);
    reference.erase("shard");
    const std::uint32_t shards = parts.front().identity.shard.count;
    std::vector<std::size_t> owner(merged.identity.runs, parts.size());  // which part holds each index
    for (std::size_t p = 0; p < parts.size(); ++p) {
        ordered_json id = identityJson(parts[p].identity);
        id.erase("shard");
        if (id != reference) {
            std::string key;
            for (const auto& item : reference.items())
                if (!id.contains(item.key()) || id[item.key()] != item.value()) {
                    key = item.key();
                    break;
                }
            throw UsageError("sweep merge: " + name(p) + " belongs to another sweep than " + name(0) + ": its \"" +
                             key + "\" is " + id[key].dump() + ", not " + reference[key].dump());
        }
        const Shard shard = parts[p].identity.shard;
        for (const SweepRow& row : parts[p].rows) {
            if (row.index % shard.count != shard.index)
                throw UsageError("sweep merge: " + name(p) + " is shard " + std::to_string(shard.index) + "/" +
                                 std::to_string(shard.count) + " but holds run " + std::to_string(row.index));
            if (owner[row.index] != parts.size())
                throw UsageError("sweep merge: run " + std::to_string(row.index) + " appears twice (in " +
                                 name(owner[row.index]) + " and " + name(p) + ")");
            owner[row.index] = p;
        }
    }
    std::vector<std::uint64_t> missing;
    for (std::uint64_t i = 0; i < owner.size(); ++i)
        if (owner[i] == parts.size()) missing.push_back(i);
    if (!missing.empty()) {
        std::string list;
        std::vector<std::uint64_t> missingShards;
        for (std::size_t k = 0; k < missing.size(); ++k) {
            if (k < 20) list += (k ? ", " : "") + std::to_string(missing[k]);
            const std::uint64_t s = missing[k] % shards;
            if (std::find(missingShards.begin(), missingShards.end(), s) == missingShards.end())
                missingShards.push_back(s);
        }
        if (missing.size() > 20) list += ", ... (" + std::to_string(missing.size()) + " in all)";
        std::sort(missingShards.begin(), missingShards.end());
        std::string shardList;
        for (const std::uint64_t s : missingShards)
            shardList += (shardList.empty() ? "" : ", ") + std::to_string(s) + "/" + std::to_string(shards);
        throw UsageError("sweep merge: missing runs " + list + " of " + std::to_string(merged.identity.runs) +
                         " (they belong to shard " + shardList + ")");
    }
    merged.rows.resize(owner.size());
    for (const SweepTable& part : parts)
        for (const SweepRow& row : part.rows) merged.rows[row.index] = row;
    return merged;
}

}  // namespace cachescope
