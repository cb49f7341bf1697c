#include "cachescope/config/config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

#include <nlohmann/json.hpp>

#include "internal.hpp"

namespace cachescope {

std::string_view toString(WritePolicy p) {
    switch (p) {
        case WritePolicy::WriteBack: return "write-back";
        case WritePolicy::WriteThrough: return "write-through";
    }
    return "?";
}

std::string_view toString(Inclusion i) {
    switch (i) {
        case Inclusion::Nine: return "nine";
        case Inclusion::Inclusive: return "inclusive";
        case Inclusion::Exclusive: return "exclusive";
    }
    return "?";
}

std::string_view toString(Holds h) {
    switch (h) {
        case Holds::Data: return "data";
        case Holds::Instructions: return "instructions";
        case Holds::Both: return "both";
    }
    return "?";
}

bool operator==(const CacheConfig& a, const CacheConfig& b) {
    return a.name == b.name && a.size == b.size && a.lineSize == b.lineSize &&
           a.fullyAssociative == b.fullyAssociative && (a.fullyAssociative || a.associativity == b.associativity) &&
           a.replacement == b.replacement && a.writePolicy == b.writePolicy && a.writeAllocate == b.writeAllocate &&
           a.inclusion == b.inclusion && a.latency == b.latency && a.holds == b.holds;
}

// Grammar (units case-insensitive): digits, then optionally spaces and a unit, where the unit is
// B (x1), K / KB / KiB (x1024), M / MB / MiB (x1024^2), G / GB / GiB (x1024^3) or T / TB / TiB
// (x1024^4).
std::optional<std::uint64_t> parseSize(std::string_view text) {
    std::size_t i = 0;
    std::uint64_t value = 0;
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
        const auto digit = static_cast<std::uint64_t>(text[i] - '0');
        if (value > (kMax - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
        ++i;
    }
    if (i == 0) return std::nullopt;
    const std::size_t digitsEnd = i;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i == text.size() && i != digitsEnd) return std::nullopt;  // spaces only before a unit
    std::string unit;
    for (; i < text.size(); ++i) unit += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    std::uint64_t multiplier = 1;
    if (unit.empty() || unit == "B") {
        multiplier = 1;
    } else {
        const char prefix = unit[0];
        const std::string rest = unit.substr(1);
        if (rest != "" && rest != "B" && rest != "IB") return std::nullopt;
        if (prefix == 'K') multiplier = std::uint64_t{1} << 10;
        else if (prefix == 'M') multiplier = std::uint64_t{1} << 20;
        else if (prefix == 'G') multiplier = std::uint64_t{1} << 30;
        else if (prefix == 'T') multiplier = std::uint64_t{1} << 40;
        else return std::nullopt;
    }
    if (value > kMax / multiplier) return std::nullopt;
    return value * multiplier;
}

std::string formatSize(std::uint64_t bytes) {
    static constexpr std::array<std::pair<unsigned, const char*>, 3> kUnits{
        {{30, "GiB"}, {20, "MiB"}, {10, "KiB"}}};
    if (bytes != 0)
        for (const auto& [shift, unit] : kUnits) {
            const std::uint64_t m = std::uint64_t{1} << shift;
            if (bytes % m == 0) return std::to_string(bytes / m) + unit;
        }
    return std::to_string(bytes) + "B";
}

nlohmann::json toJson(const SimConfig& config) {
    const Topology topology = computeTopology(config.caches);
    nlohmann::json caches = nlohmann::json::array();
    for (std::size_t i = 0; i < config.caches.size(); ++i) {
        const CacheConfig& c = config.caches[i];
        nlohmann::json j;
        j["name"] = configdetail::effectiveName(config.caches, topology, i);
        j["size"] = c.size;
        j["line_size"] = c.lineSize;
        if (c.fullyAssociative) j["associativity"] = "full";
        else j["associativity"] = c.associativity;
        j["replacement"] = c.replacement;
        j["write_policy"] = toString(c.writePolicy);
        j["write_allocate"] = c.writeAllocate;
        j["inclusion"] = toString(c.inclusion);
        j["latency"] = c.latency;
        j["holds"] = toString(c.holds);
        caches.push_back(std::move(j));
    }
    nlohmann::json out;
    out["name"] = config.name;
    out["description"] = config.description;
    out["seed"] = config.seed;
    out["caches"] = std::move(caches);
    out["memory"] = {{"latency", config.memory.latency}};
    configdetail::addTranslationJson(config, out);
    return out;
}

namespace configdetail {

std::size_t editDistance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t bestDistance = std::numeric_limits<std::size_t>::max();
    for (const std::string& c : candidates) {
        const std::size_t dist = editDistance(word, c);
        if (dist < bestDistance) {
            bestDistance = dist;
            best = c;
        }
    }
    // A likely typo: at most 2 edits, and fewer edits than half the longer word (so "x" is not
    // "close" to "name").
    const std::size_t longer = std::max(word.size(), best.size());
    if (bestDistance <= 2 && bestDistance * 2 < longer) return best;
    return {};
}

std::string defaultCacheName(const std::vector<CacheConfig>& caches, const Topology& topology, std::size_t index) {
    std::uint32_t level = topology.level[index];
    if (!topology.reachable[index]) {
        level = 1;
        for (std::size_t p = 0; p < index; ++p) level = std::max(level, topology.level[p] + 1);
    }
    std::string name = "L" + std::to_string(level);
    if (caches[index].holds == Holds::Instructions) name += 'I';
    if (caches[index].holds == Holds::Data) name += 'D';
    return name;
}

std::string effectiveName(const std::vector<CacheConfig>& caches, const Topology& topology, std::size_t index) {
    return caches[index].name.empty() ? defaultCacheName(caches, topology, index) : caches[index].name;
}

std::string where(std::string_view source, std::string_view path) {
    std::string s;
    if (!source.empty()) {
        s += source;
        s += ": ";
    }
    s += path;
    s += ": ";
    return s;
}

}  // namespace configdetail

}  // namespace cachescope
