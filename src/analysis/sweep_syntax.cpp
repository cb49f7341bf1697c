// Sweeps (analysis/sweep.hpp): the command-line syntax: --vary PATH=V1,V2,... (parsing the list,
// each value's JSON, applying a value at a config path with did-you-mean errors) and --shard I/N.

#include "cachescope/analysis/sweep.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"

namespace cachescope {

namespace {

using nlohmann::json;

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

}  // namespace cachescope
