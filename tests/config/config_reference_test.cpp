// The config reference of docs/config.md checked against the loader and configs/schema.json
// (issue 16): the reference tables are those whose header is `| key | type | default | meaning |`;
// each row names one key by its full path, dots between objects and [] for an array's items:
//
//   | key | type | default | meaning |
//   |---|---|---|---|
//   | `caches[].line_size` | size | `64` | line (block) size in bytes; a power of two |
//
// A default cell is one of
//   **required**        the schema requires the key and the loader refuses a config without it;
//   —                   no default: a config that leaves the key out has no such key in `config show`;
//   `JSON` [prose]      the loader's default: writing that JSON value for the key changes nothing in
//                       `config show` (toJson), nor does writing the schema's "default";
//   derived: prose      a default computed from other keys (names, addressing, walk_entry); the
//                       keys allowed this form are listed below with their value in the skeleton.
// Checked: the documented paths equal the schema's property paths and the keys the loader accepts
// (the loader lists them when it meets an unknown key), the types name the schema's types, enum
// values and minimums, and every default holds.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cli/cli_run.hpp"

using namespace cachescope;
using nlohmann::json;

namespace {

const std::filesystem::path kRoot{CACHESCOPE_SOURCE_DIR};

std::string readText(const std::filesystem::path& p) {
    REQUIRE_MESSAGE(std::filesystem::is_regular_file(p), "cannot read " << p);
    return cachescope::testing::readFile(p);
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct DocRow {
    std::size_t line = 0;
    std::string path, type, defaultCell, meaning;
};

/// The rows of every reference table of docs/config.md, in order.
std::vector<DocRow> docRows() {
    std::istringstream in(readText(kRoot / "docs" / "config.md"));
    std::vector<DocRow> rows;
    std::string text;
    std::size_t lineNo = 0;
    bool inTable = false;
    auto cells = [](const std::string& line) {
        std::vector<std::string> out;
        std::string cell;
        // Split at '|' outside code spans (a code span may hold one).
        bool code = false;
        for (std::size_t i = 1; i < line.size(); ++i) {
            const char c = line[i];
            if (c == '`') code = !code;
            if (c == '|' && !code) {
                out.push_back(trim(cell));
                cell.clear();
            } else {
                cell += c;
            }
        }
        return out;
    };
    while (std::getline(in, text)) {
        ++lineNo;
        if (text.rfind("|", 0) != 0) {
            inTable = false;
            continue;
        }
        const std::vector<std::string> c = cells(text);
        if (!inTable) {
            inTable = c.size() == 4 && c[0] == "key" && c[1] == "type" && c[2] == "default" && c[3] == "meaning";
            continue;
        }
        if (text.rfind("|---", 0) == 0) continue;
        INFO("docs/config.md:" << lineNo << ": " << text);
        REQUIRE_MESSAGE(c.size() == 4, "a reference row has 4 cells: key, type, default, meaning");
        const std::string& key = c[0];
        REQUIRE_MESSAGE((key.size() > 2 && key.front() == '`' && key.back() == '`' &&
                         key.find('`', 1) == key.size() - 1),
                        "the key cell is one code span holding the key's path");
        rows.push_back({lineNo, key.substr(1, key.size() - 2), c[1], c[2], c[3]});
    }
    return rows;
}

const json& schema() {
    static const json s = json::parse(readText(kRoot / "configs" / "schema.json"));
    return s;
}

/// A schema node with its "$ref" (to "#/$defs/<name>") merged in; the node's own keys win.
json resolved(const json& node) {
    json out = node;
    if (node.contains("$ref")) {
        const std::string ref = node["$ref"].get<std::string>();
        const std::string prefix = "#/$defs/";
        REQUIRE(ref.rfind(prefix, 0) == 0);
        json target = resolved(schema()["$defs"][ref.substr(prefix.size())]);
        for (const auto& item : target.items())
            if (!out.contains(item.key())) out[item.key()] = item.value();
        out["$refName"] = ref.substr(prefix.size());
    }
    return out;
}

struct SchemaKey {
    json node;  // resolved
    bool required = false;
};

void collect(const json& node, const std::string& prefix, std::map<std::string, SchemaKey>& out) {
    const json n = resolved(node);
    if (n.contains("properties")) {
        const json required = n.value("required", json::array());
        for (const auto& p : n["properties"].items()) {
            const std::string path = prefix.empty() ? p.key() : prefix + "." + p.key();
            const bool isRequired = std::find(required.begin(), required.end(), p.key()) != required.end();
            out[path] = {resolved(p.value()), isRequired};
            collect(p.value(), path, out);
        }
    }
    if (n.contains("items")) collect(n["items"], prefix + "[]", out);
    if (n.contains("oneOf"))
        for (const json& alternative : n["oneOf"]) collect(alternative, prefix, out);
}

/// Every property path of configs/schema.json: "caches[].size", "mmu.walk_caches[].level", ...
const std::map<std::string, SchemaKey>& schemaKeys() {
    static const std::map<std::string, SchemaKey> keys = [] {
        std::map<std::string, SchemaKey> k;
        collect(schema(), "", k);
        return k;
    }();
    return keys;
}

/// One config holding every object with only its required keys: the defaults show everywhere.
json skeleton() {
    return json::parse(R"({
        "caches": [{"size": "32KiB"}],
        "memory": {},
        "mmu": {"huge_pages": [{"base": 0, "size": "2MiB"}], "walk_caches": [{}],
                "segments": [{"name": "A", "start": 0, "limit": 4096}]},
        "tlbs": [{}]
    })");
}

/// "mmu.walk_caches[].level" -> "/mmu/walk_caches/0/level" (the skeleton's first item).
json::json_pointer pointer(const std::string& path) {
    std::string p;
    std::string part;
    auto flush = [&] {
        if (part.empty()) return;
        p += "/" + part;
        part.clear();
    };
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '.') {
            flush();
        } else if (path.compare(i, 2, "[]") == 0) {
            flush();
            p += "/0";
            ++i;
        } else {
            part += path[i];
        }
    }
    flush();
    return json::json_pointer(p);
}

/// `config show` of a config: toJson of what the loader made of it.
json show(const json& config) { return toJson(parseConfig(config.dump(), "reference.json")); }

std::string errorOf(const json& config) {
    try {
        parseConfig(config.dump(), "reference.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

/// The skeleton without `path` (and without the TLBs when the mmu goes: they need one).
json without(const std::string& path) {
    json config = skeleton();
    const json::json_pointer ptr = pointer(path);
    if (config.contains(ptr)) config[ptr.parent_pointer()].erase(ptr.back());
    if (path == "mmu") config.erase("tlbs");
    return config;
}

json with(const std::string& path, const json& value) {
    json config = without(path);
    config[pointer(path)] = value;
    return config;
}

/// The first code span of a cell, or "" when the cell does not start with one.
std::string leadingCode(const std::string& cell) {
    if (cell.empty() || cell[0] != '`') return "";
    const auto end = cell.find('`', 1);
    return end == std::string::npos ? "" : cell.substr(1, end - 1);
}

/// Defaults computed from other keys, with their value in the skeleton (one cache holding both,
/// an mmu, one TLB holding both).
const std::map<std::string, json>& derivedDefaults() {
    static const std::map<std::string, json> d{
        {"addressing", "physical"},  // "virtual" without an mmu
        {"caches[].name", "L1"},
        {"tlbs[].name", "TLB1"},
        {"mmu.walk_entry", "L1"},  // the first cache holding data
    };
    return d;
}

}  // namespace

TEST_CASE("config reference: docs/config.md lists every key of configs/schema.json and no other") {
    std::set<std::string> documented;
    for (const DocRow& row : docRows()) {
        INFO("docs/config.md:" << row.line << ": " << row.path);
        CHECK_MESSAGE(documented.insert(row.path).second, "documented twice");
        CHECK_MESSAGE(schemaKeys().count(row.path) == 1, "not a property of configs/schema.json");
    }
    CHECK(documented.size() >= 40);  // 9 top-level, 10 per cache, 11 in the mmu, ...
    for (const auto& [path, key] : schemaKeys()) {
        INFO("configs/schema.json: " << path);
        CHECK_MESSAGE(documented.count(path) == 1, "missing from docs/config.md's reference tables");
    }
}

TEST_CASE("config reference: the documented keys are exactly the keys the loader accepts") {
    // Group the documented paths by the object that holds them; ask the loader for that object's
    // keys by giving it one it cannot know (it lists the allowed keys when nothing is close).
    std::map<std::string, std::set<std::string>> byObject;
    for (const DocRow& row : docRows()) {
        const auto dot = row.path.rfind('.');
        const std::string object = dot == std::string::npos ? "" : row.path.substr(0, dot);
        byObject[object].insert(dot == std::string::npos ? row.path : row.path.substr(dot + 1));
    }
    CHECK(byObject.size() == 9);  // the top level, caches[], memory, mmu, its three arrays, mmu.storage, tlbs[]
    for (const auto& [object, keys] : byObject) {
        INFO("object: " << (object.empty() ? "(top level)" : object));
        json config = skeleton();
        const json::json_pointer ptr = pointer(object.empty() ? "zzzzzzzzzzzz" : object + ".zzzzzzzzzzzz");
        config[ptr] = 1;
        const std::string error = errorOf(config);
        const std::string marker = "allowed keys here: ";
        const auto at = error.find(marker);
        REQUIRE_MESSAGE(at != std::string::npos, "the loader did not list its keys: " << error);
        std::set<std::string> accepted;
        std::istringstream list(error.substr(at + marker.size()));
        std::string name;
        while (std::getline(list, name, ',')) accepted.insert(trim(name));
        std::string onlyLoader, onlyDocs;
        for (const std::string& k : accepted)
            if (keys.count(k) == 0) onlyLoader += " " + k;
        for (const std::string& k : keys)
            if (accepted.count(k) == 0) onlyDocs += " " + k;
        CHECK_MESSAGE(onlyLoader.empty(), "accepted by the loader, not documented:" << onlyLoader);
        CHECK_MESSAGE(onlyDocs.empty(), "documented, not accepted by the loader:" << onlyDocs);
    }
}

TEST_CASE("config reference: each documented type names the schema's types, values and minimums") {
    for (const DocRow& row : docRows()) {
        const auto found = schemaKeys().find(row.path);
        if (found == schemaKeys().end()) continue;  // reported by the first test
        INFO("docs/config.md:" << row.line << ": " << row.path << " has type \"" << row.type << "\"");
        std::vector<json> alternatives{found->second.node};
        if (found->second.node.contains("oneOf") && !found->second.node.contains("$refName"))
            for (const json& a : found->second.node["oneOf"]) alternatives.push_back(resolved(a));
        for (const json& n : alternatives) {
            if (n.value("$refName", "") == "size") {
                CHECK(contains(row.type, "size"));
                continue;
            }
            if (n.contains("type")) {
                const std::string type = n["type"].get<std::string>();
                CHECK_MESSAGE(contains(row.type, type), "the schema's type is " << type);
                if (n.contains("minimum") && type == "integer")
                    CHECK_MESSAGE(contains(row.type, "≥ " + n["minimum"].dump()),
                                  "the schema's minimum is " << n["minimum"].dump());
            }
            if (n.contains("enum") && !n.contains("type"))
                for (const json& v : n["enum"])
                    CHECK_MESSAGE(contains(row.type, "`" + v.dump() + "`"), "the schema allows " << v.dump());
        }
    }
}

TEST_CASE("config reference: every documented default is the loader's and the schema's") {
    std::set<std::string> derivedSeen;
    std::size_t jsonDefaults = 0;
    for (const DocRow& row : docRows()) {
        const auto found = schemaKeys().find(row.path);
        if (found == schemaKeys().end()) continue;
        const SchemaKey& key = found->second;
        const std::string& cell = row.defaultCell;
        INFO("docs/config.md:" << row.line << ": " << row.path << " has default \"" << cell << "\"");
        const json base = without(row.path);
        if (cell == "**required**") {
            CHECK_MESSAGE(key.required, "the schema does not require it");
            CHECK_MESSAGE(contains(errorOf(base), "required key missing"), "the loader accepts a config without it");
        } else if (cell == "—") {
            CHECK_FALSE(key.node.contains("default"));
            CHECK(errorOf(base).empty());
            CHECK_FALSE(show(base).contains(pointer(row.path)));
        } else if (cell.rfind("derived: ", 0) == 0) {
            derivedSeen.insert(row.path);
            const auto d = derivedDefaults().find(row.path);
            REQUIRE_MESSAGE(d != derivedDefaults().end(), "not a derived default in this test's list");
            CHECK(show(base)[pointer(row.path)] == d->second);
        } else {
            CHECK_FALSE(key.required);
            const std::string code = leadingCode(cell);
            REQUIRE_MESSAGE(!code.empty(), "a default is **required**, —, derived: ..., or a JSON value in `...`");
            const json value = json::parse(code, nullptr, /*allow_exceptions=*/false);
            REQUIRE_MESSAGE(!value.is_discarded(), "`" << code << "` is not JSON");
            ++jsonDefaults;
            const json shown = show(base);
            CHECK_MESSAGE(shown.contains(pointer(row.path)), "config show does not write the key");
            CHECK_MESSAGE(show(with(row.path, value)) == shown, "writing the documented default changes the config; "
                                                                "config show prints " << shown.value(pointer(row.path), json()).dump());
            if (key.node.contains("default"))
                CHECK_MESSAGE(show(with(row.path, key.node["default"])) == shown,
                              "writing the schema's default " << key.node["default"].dump() << " changes the config");
        }
    }
    CHECK(jsonDefaults >= 30);
    for (const auto& [path, value] : derivedDefaults()) {
        INFO(path);
        CHECK_MESSAGE(derivedSeen.count(path) == 1, "documented without \"derived: \"");
    }
}

TEST_CASE("config reference: the skeleton used above is valid and shows every default") {
    // Hand-checked values of `config show` for the skeleton, independent of the docs.
    const json s = show(skeleton());
    CHECK(s["caches"][0]["line_size"] == 64);
    CHECK(s["caches"][0]["associativity"] == 8);
    CHECK(s["memory"]["latency"] == 100);
    CHECK(s["mmu"]["physical_memory"] == 1073741824);
    CHECK(s["mmu"]["bits_per_level"] == json::array({9, 9, 9, 9}));
    CHECK(s["mmu"]["huge_pages"][0]["page_size"] == 2097152);
    CHECK(s["mmu"]["walk_caches"][0]["entries"] == 32);
    CHECK(s["mmu"]["mode"] == "paging");
    CHECK(s["mmu"]["protection"] == false);
    CHECK(s["mmu"]["segments"][0] == json::parse(R"({"name": "A", "start": "0x0", "limit": 4096, "perm": "rw"})"));
    CHECK(s["tlbs"][0]["entries"] == 64);
    CHECK(pointer("mmu.walk_caches[].level").to_string() == "/mmu/walk_caches/0/level");
    CHECK(pointer("caches").to_string() == "/caches");
}
