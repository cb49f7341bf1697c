// Sweeps (analysis/sweep.hpp): the identity of a sweep (its --vary lists and traces, as JSON in
// every table) and the plan: every combination's config, parsed once, and the runs of a shard.

#include "cachescope/core/json_text.hpp"
#include "cachescope/analysis/sweep.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/crc32.hpp"

namespace cachescope {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::uint64_t kMaxCombinations = 1'000'000;

}  // namespace

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
        const auto count = [&](const char* key, std::uint64_t max) {
            try {
                return wholeNumber(j.at(key), max);
            } catch (const std::invalid_argument& e) {
                throw fail(std::string("\"") + key + "\": " + e.what());
            }
        };
        id.configCrc32 = static_cast<std::uint32_t>(count("config_crc32", UINT32_MAX));
        for (const json& v : j.at("vary")) {
            SweepVary sv{v.at("path").get<std::string>(), v.at("values").get<std::vector<std::string>>()};
            if (sv.values.empty()) throw fail("vary " + sv.path + " has no values");
            id.vary.push_back(std::move(sv));
        }
        id.traces = j.at("traces").get<std::vector<std::string>>();
        id.skipInvalid = j.at("skip_invalid").get<bool>();
        id.runs = count("runs", UINT64_MAX);
        id.shard.count = static_cast<std::uint32_t>(count("shards", UINT32_MAX));
        id.shard.index = static_cast<std::uint32_t>(count("shard", UINT32_MAX));
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
            configs_[c] = parseConfig(jsonText(j), configFile);
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

}  // namespace cachescope
