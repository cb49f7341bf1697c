// The presets in configs/: every one loads, validates and matches configs/schema.json; the schema
// checker itself rejects bad documents; loadConfig reports unreadable and invalid files.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/policy/registry.hpp"
#include "config/schema_check.hpp"

using namespace cachescope;
using nlohmann::json;

namespace {

const std::filesystem::path kRoot{CACHESCOPE_SOURCE_DIR};

std::string readText(const std::filesystem::path& p) {
    std::ifstream in(p);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

json readJson(const std::filesystem::path& p) { return json::parse(readText(p), nullptr, true, true); }

const json& schema() {
    static const json s = readJson(kRoot / "configs" / "schema.json");
    return s;
}

/// Every configs/*.json but the schema, sorted.
std::vector<std::filesystem::path> presets() {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(kRoot / "configs"))
        if (entry.path().extension() == ".json" && entry.path().filename() != "schema.json")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::string loadError(const std::string& path) {
    try {
        loadConfig(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

/// A small valid config to break in the schema tests.
json goodDocument() {
    return json::parse(R"({"name": "n", "seed": 3, "caches": [{"size": "32KiB", "associativity": 8,
                          "write_policy": "write-back", "holds": "data"}], "memory": {"latency": 5}})");
}

bool anyContains(const std::vector<std::string>& errors, const std::string& part) {
    return std::any_of(errors.begin(), errors.end(), [&](const std::string& e) { return e.find(part) != std::string::npos; });
}

}  // namespace

TEST_CASE("config presets: the expected files exist") {
    std::set<std::string> names;
    for (const auto& p : presets()) names.insert(p.filename().string());
    for (const char* expected : {"teaching.json", "default.json", "skylake-client.json", "zen4.json", "cortex-a72.json"}) {
        CAPTURE(expected);
        CHECK(names.count(expected) == 1);
    }
}

TEST_CASE("config presets: every configs/*.json loads, round-trips and matches the schema") {
    const auto files = presets();
    REQUIRE(files.size() >= 5);
    for (const auto& path : files) {
        CAPTURE(path.string());
        SimConfig c;
        CHECK_NOTHROW(c = loadConfig(path.string()));
        CHECK(c.name == path.stem().string());  // each preset is named after its file
        CHECK_FALSE(c.description.empty());
        CHECK(parseConfig(toJson(c).dump(), "round trip") == c);
        // Comments at the top say where the numbers come from.
        CHECK(readText(path).rfind("//", 0) == 0);
        const auto errors = cachescope::test::schemaErrors(schema(), readJson(path));
        std::string all;
        for (const auto& e : errors) all += e + "\n";
        CAPTURE(all);
        CHECK(errors.empty());
        // The fully resolved form matches the schema too.
        CHECK(cachescope::test::schemaErrors(schema(), toJson(c)).empty());
    }
}

TEST_CASE("config presets: teaching.json has exactly the documented geometry") {
    const SimConfig c = loadConfig((kRoot / "configs" / "teaching.json").string());
    REQUIRE(c.caches.size() == 2);
    const CacheConfig& l1 = c.caches[0];
    const CacheConfig& l2 = c.caches[1];
    CHECK(l1.name == "L1");
    CHECK(l1.size == 1024);
    CHECK(l1.lineSize == 64);
    CHECK(l1.ways() == 2);
    CHECK(l1.sets() == 8);  // 1024 / 64 = 16 lines, / 2 ways
    CHECK(l1.replacement == "lru");
    CHECK(l1.latency == 1);
    CHECK(l2.name == "L2");
    CHECK(l2.size == 4096);
    CHECK(l2.lineSize == 64);
    CHECK(l2.ways() == 4);
    CHECK(l2.sets() == 16);  // 4096 / 64 = 64 lines, / 4 ways
    CHECK(l2.replacement == "lru");
    CHECK(l2.latency == 10);
    CHECK(c.memory.latency == 100);
    for (const CacheConfig& cache : c.caches) {
        CHECK(toString(cache.holds) == "both");
        CHECK(toString(cache.writePolicy) == "write-back");
        CHECK(cache.writeAllocate);
        CHECK(toString(cache.inclusion) == "nine");
    }
}

TEST_CASE("config presets: hardware geometries (sets worked by hand)") {
    struct Expect {
        const char* file;
        std::vector<std::string> names;
        std::vector<std::uint64_t> sets;
    };
    const std::vector<Expect> expects{
        // 32 KiB / 64 B / 8 = 64; 256 KiB / 64 B / 8 = 512; 8 MiB / 64 B / 16 = 8192.
        {"default.json", {"L1I", "L1D", "L2", "L3"}, {64, 64, 512, 8192}},
        // 256 KiB / 64 B / 4 = 1024.
        {"skylake-client.json", {"L1I", "L1D", "L2", "L3"}, {64, 64, 1024, 8192}},
        // 1 MiB / 64 B / 8 = 2048; 32 MiB / 64 B / 16 = 32768.
        {"zen4.json", {"L1I", "L1D", "L2", "L3"}, {64, 64, 2048, 32768}},
        // 48 KiB / 64 B / 3 = 256; 32 KiB / 64 B / 2 = 256; 1 MiB / 64 B / 16 = 1024.
        {"cortex-a72.json", {"L1I", "L1D", "L2"}, {256, 256, 1024}},
    };
    for (const Expect& e : expects) {
        CAPTURE(e.file);
        const SimConfig c = loadConfig((kRoot / "configs" / e.file).string());
        REQUIRE(c.caches.size() == e.names.size());
        for (std::size_t i = 0; i < c.caches.size(); ++i) {
            CAPTURE(i);
            CHECK(c.caches[i].name == e.names[i]);
            CHECK(c.caches[i].sets() == e.sets[i]);
            CHECK(c.caches[i].lineSize == 64);
        }
    }
    const SimConfig zen4 = loadConfig((kRoot / "configs" / "zen4.json").string());
    CHECK(toString(zen4.caches[2].inclusion) == "inclusive");
    CHECK(toString(zen4.caches[3].inclusion) == "exclusive");
}

TEST_CASE("config schema: keys agree with the loader") {
    // The cache keys of the schema are exactly those toJson writes (and parseConfig reads). With an
    // mmu and a TLB, so that toJson writes every top-level key.
    SimConfig c;
    c.caches.resize(1);
    c.caches[0].size = 1024;
    c.addressing = Addressing::Physical;
    c.mmu = MmuConfig{};
    c.tlbs.resize(1);
    const json j = toJson(c);
    std::set<std::string> written;
    for (const auto& item : j["caches"][0].items()) written.insert(item.key());
    std::set<std::string> inSchema;
    for (const auto& item : schema()["$defs"]["cache"]["properties"].items()) inSchema.insert(item.key());
    CHECK(written == inSchema);
    std::set<std::string> top{"$schema"};
    for (const auto& item : j.items()) top.insert(item.key());
    std::set<std::string> topSchema;
    for (const auto& item : schema()["properties"].items()) topSchema.insert(item.key());
    CHECK(top == topSchema);
    // Every registered policy can be chosen in an editor.
    const json& allowed = schema()["$defs"]["cache"]["properties"]["replacement"]["enum"];
    for (const PolicyInfo& p : policies()) {
        CAPTURE(p.name);
        CHECK(std::find(allowed.begin(), allowed.end(), json(std::string(p.name))) != allowed.end());
    }
}

TEST_CASE("config schema: the checker accepts a good document and rejects bad ones") {
    CHECK(cachescope::test::schemaErrors(schema(), goodDocument()).empty());

    json d = goodDocument();
    d["colour"] = "red";  // unknown top-level key
    auto errors = cachescope::test::schemaErrors(schema(), d);
    CHECK(anyContains(errors, "/colour: additional property not allowed"));

    d = goodDocument();
    d["caches"][0]["asociativity"] = 8;  // unknown cache key
    CHECK(anyContains(cachescope::test::schemaErrors(schema(), d), "/caches/0/asociativity: additional property"));

    d = goodDocument();
    d["caches"][0]["write_policy"] = "write-around";  // not in the enum
    CHECK(anyContains(cachescope::test::schemaErrors(schema(), d), "/caches/0/write_policy: value \"write-around\""));

    d = goodDocument();
    d["caches"][0].erase("size");  // required
    CHECK(anyContains(cachescope::test::schemaErrors(schema(), d), "/caches/0: required property \"size\" missing"));

    d = goodDocument();
    d["caches"][0]["size"] = "32XB";  // fails the pattern, so neither alternative matches
    CHECK(anyContains(cachescope::test::schemaErrors(schema(), d), "/caches/0/size: matches 0 of the oneOf"));

    d = goodDocument();
    d["caches"] = json::array();  // minItems
    CHECK(anyContains(cachescope::test::schemaErrors(schema(), d), "/caches: fewer than 1 items"));

    d = goodDocument();
    d["memory"]["latency"] = "5";  // type
    CHECK(anyContains(cachescope::test::schemaErrors(schema(), d), "/memory/latency: expected type \"integer\""));

    d = goodDocument();
    d["seed"] = -1;  // minimum
    CHECK(anyContains(cachescope::test::schemaErrors(schema(), d), "/seed: less than minimum 0"));

    d = goodDocument();
    d["caches"][0]["associativity"] = 0;  // neither >= 1 nor "full"
    CHECK(anyContains(cachescope::test::schemaErrors(schema(), d), "/caches/0/associativity: matches 0"));

    d = goodDocument();
    d["caches"][0]["name"] = "";  // minLength
    CHECK(anyContains(cachescope::test::schemaErrors(schema(), d), "/caches/0/name: shorter than 1"));
}

TEST_CASE("config schema: the size pattern accepts what parseSize accepts") {
    const json& sizeSchema = schema()["$defs"]["size"];
    for (const char* text : {"0", "64", "64B", "64 b", "1K", "32KB", "32KiB", "32kib", "32 KiB", "8MiB", "1M", "2GiB",
                             "", "K", "32 ", "32Ki", "32KiBB", "1.5K", "-1", "32T"}) {
        CAPTURE(text);
        const bool schemaAccepts = cachescope::test::schemaErrors(sizeSchema, json(text)).empty();
        CHECK(schemaAccepts == parseSize(text).has_value());
    }
}

TEST_CASE("config schema: the checker's own keywords") {
    const json s = json::parse(R"({
        "$defs": {"small": {"type": "integer", "maximum": 3}},
        "type": "object",
        "properties": {
            "a": {"oneOf": [{"type": "integer"}, {"type": "number"}]},
            "b": {"anyOf": [{"$ref": "#/$defs/small"}, {"enum": ["x"]}]},
            "c": {"$ref": "#/definitions/missing"},
            "d": {"type": ["string", "null"]},
            "e": {"items": {"type": "boolean"}},
            "f": {"not": {}}
        }
    })");
    CHECK(cachescope::test::schemaErrors(s, json::parse(R"({"a": 1.5, "b": 2, "d": null, "e": [true]})")).empty());
    // 1 is an integer and a number: oneOf needs exactly one match.
    CHECK(anyContains(cachescope::test::schemaErrors(s, json::parse(R"({"a": 1})")), "/a: matches 2 of the oneOf"));
    CHECK(anyContains(cachescope::test::schemaErrors(s, json::parse(R"({"b": 4})")), "/b: matches none of the anyOf"));
    CHECK(cachescope::test::schemaErrors(s, json::parse(R"({"b": "x"})")).empty());
    CHECK(anyContains(cachescope::test::schemaErrors(s, json::parse(R"({"c": 1})")), "/c: unresolvable $ref"));
    CHECK(anyContains(cachescope::test::schemaErrors(s, json::parse(R"({"d": 1})")), "/d: expected type"));
    CHECK(anyContains(cachescope::test::schemaErrors(s, json::parse(R"({"e": [true, 0]})")), "/e/1: expected type"));
    // A keyword the checker does not implement is an error, never silently ignored.
    CHECK(anyContains(cachescope::test::schemaErrors(s, json::parse(R"({"f": 1})")), "/f: unsupported schema keyword \"not\""));
}

TEST_CASE("config load: a missing file is an IoError") {
    const std::string path = (kRoot / "tests" / "data" / "no-such-config.json").string();
    try {
        loadConfig(path);
        FAIL("no exception");
    } catch (const IoError& e) {
        CHECK(std::string(e.what()) == "cannot open config '" + path + "': No such file or directory");
    }
    CHECK_THROWS_AS(loadConfig((kRoot / "tests" / "data").string()), IoError);
}

TEST_CASE("config load: errors in a file start with the file's name") {
    const std::string syntax = (kRoot / "tests" / "data" / "bad-syntax.json").string();
    // Line 5 is `        { "size": "32KiB" "associativity": 8 }`. The parser gives up at the last character of
    // the unexpected token: the closing quote of "associativity", column 41 (the token starts at 27).
    const std::string e = loadError(syntax);
    CAPTURE(e);
    CHECK(e.rfind(syntax + ":5:41: JSON syntax error: ", 0) == 0);
    CHECK_THROWS_AS(loadConfig(syntax), ConfigError);

    const std::string assoc = (kRoot / "tests" / "data" / "bad-associativity.json").string();
    CHECK(loadError(assoc) == assoc + ": /caches/1/associativity: must divide the number of lines (512), got 6");
}
