// parseConfig on valid configs: defaults, default names, comments, full associativity, toJson and
// the round trip parseConfig(toJson(c)) == c.

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"

using namespace cachescope;

namespace {

std::vector<std::string> namesOf(const SimConfig& c) {
    std::vector<std::string> names;
    for (const CacheConfig& cache : c.caches) names.push_back(cache.name);
    return names;
}

std::vector<std::string> namesOf(const std::string& text) { return namesOf(parseConfig(text, "t.json")); }

}  // namespace

// Note: doctest finds cachescope::toString(enum) by ADL when it prints a failed comparison of two
// enums, and cannot print its string_view; so enums are compared through toString here.

TEST_CASE("config parse: every default is filled in (values documented in docs/config.md)") {
    const SimConfig c = parseConfig(R"({"caches": [{"size": "32KiB"}]})", "t.json");
    CHECK(c.name == "unnamed");
    CHECK(c.description.empty());
    CHECK(c.seed == 1);
    CHECK(c.memory.latency == 100);
    REQUIRE(c.caches.size() == 1);
    const CacheConfig& l1 = c.caches[0];
    CHECK(l1.name == "L1");
    CHECK(l1.size == 32768);
    CHECK(l1.lineSize == 64);
    CHECK(l1.associativity == 8);
    CHECK_FALSE(l1.fullyAssociative);
    CHECK(l1.replacement == "lru");
    CHECK(toString(l1.writePolicy) == "write-back");
    CHECK(l1.writeAllocate);
    CHECK(toString(l1.inclusion) == "nine");
    CHECK(l1.latency == 4);
    CHECK(toString(l1.holds) == "both");
    // 32768 / 64 = 512 lines, 512 / 8 = 64 sets.
    CHECK(l1.lines() == 512);
    CHECK(l1.sets() == 64);
}

TEST_CASE("config parse: every key read") {
    const SimConfig c = parseConfig(R"({
        "name": "all", "description": "every key", "seed": 42,
        "caches": [
            {"name": "first", "size": 2048, "line_size": "128B", "associativity": 4, "replacement": "lru",
             "write_policy": "write-through", "write_allocate": false, "inclusion": "nine", "latency": 3,
             "holds": "data"},
            {"name": "second", "size": "1M", "line_size": 128, "associativity": 2,
             "write_policy": "write-back", "inclusion": "inclusive", "latency": 0, "holds": "both"}
        ],
        "memory": {"latency": 7}
    })",
                                    "t.json");
    CHECK(c.name == "all");
    CHECK(c.description == "every key");
    CHECK(c.seed == 42);
    CHECK(c.memory.latency == 7);
    REQUIRE(c.caches.size() == 2);
    const CacheConfig& a = c.caches[0];
    CHECK(a.name == "first");
    CHECK(a.size == 2048);
    CHECK(a.lineSize == 128);
    CHECK(a.associativity == 4);
    CHECK(toString(a.writePolicy) == "write-through");
    CHECK_FALSE(a.writeAllocate);
    CHECK(a.latency == 3);
    CHECK(toString(a.holds) == "data");
    CHECK(a.sets() == 4);  // 2048 / 128 = 16 lines, / 4 ways
    const CacheConfig& b = c.caches[1];
    CHECK(b.name == "second");
    CHECK(b.size == 1048576);
    CHECK(b.lineSize == 128);
    CHECK(toString(b.inclusion) == "inclusive");
    CHECK(b.latency == 0);
    CHECK(b.sets() == 4096);  // 1048576 / 128 = 8192 lines, / 2 ways
}

TEST_CASE("config parse: \"full\" associativity is one set of every line") {
    const SimConfig c = parseConfig(R"({"caches": [{"size": "1KiB", "associativity": "full"}]})", "t.json");
    const CacheConfig& l1 = c.caches[0];
    CHECK(l1.fullyAssociative);
    CHECK(l1.ways() == 16);  // 1024 / 64
    CHECK(l1.sets() == 1);
    CHECK(l1.associativity == 16);
    // A fully associative cache needs no power-of-two line count: 3 lines, 1 set.
    const SimConfig odd = parseConfig(R"({"caches": [{"size": 192, "associativity": "full"}]})", "t.json");
    CHECK(odd.caches[0].ways() == 3);
}

TEST_CASE("config parse: the number of ways need not be a power of two") {
    // 96 KiB / 64 B = 1536 lines; 12 ways -> 128 sets.
    const SimConfig c = parseConfig(R"({"caches": [{"size": "96KiB", "associativity": 12}]})", "t.json");
    CHECK(c.caches[0].sets() == 128);
    // 48 KiB / 64 B = 768 lines; 3 ways -> 256 sets (the Cortex-A72 L1I).
    const SimConfig d = parseConfig(R"({"caches": [{"size": "48KiB", "associativity": 3}]})", "t.json");
    CHECK(d.caches[0].sets() == 256);
}

TEST_CASE("config parse: default names follow the levels of the hierarchy") {
    using V = std::vector<std::string>;
    CHECK(namesOf(R"({"caches": [{"size": 1024}]})") == V{"L1"});
    CHECK(namesOf(R"({"caches": [{"size": 1024}, {"size": 4096}, {"size": 8192}]})") == V{"L1", "L2", "L3"});
    CHECK(namesOf(R"({"caches": [{"size": 1024, "holds": "instructions"}, {"size": 1024, "holds": "data"},
                                 {"size": 4096}, {"size": 8192}]})") == V{"L1I", "L1D", "L2", "L3"});
    CHECK(namesOf(R"({"caches": [{"size": 1024, "holds": "instructions"}, {"size": 1024, "holds": "data"},
                                 {"size": 4096, "holds": "instructions"}, {"size": 4096, "holds": "data"},
                                 {"size": 8192}]})") == V{"L1I", "L1D", "L2I", "L2D", "L3"});
    // Only a data cache: fetches go to memory, the cache is still L1D.
    CHECK(namesOf(R"({"caches": [{"size": 1024, "holds": "data"}]})") == V{"L1D"});
    CHECK(namesOf(R"({"caches": [{"size": 1024, "holds": "data"}, {"size": 4096}]})") == V{"L1D", "L2"});
    // Explicit names are kept; the others still get level names.
    CHECK(namesOf(R"({"caches": [{"name": "icache", "size": 1024, "holds": "instructions"},
                                 {"size": 1024, "holds": "data"}, {"size": 4096}]})") == V{"icache", "L1D", "L2"});
}

TEST_CASE("config parse: comments are allowed") {
    const SimConfig c = parseConfig(R"(// a line comment
    /* a block
       comment */
    {
        "caches": [ // the caches
            {"size": "2KiB" /* inline */, "associativity": 2}
        ]
    }
    // trailing comment)",
                                    "t.json");
    CHECK(c.caches[0].size == 2048);
    CHECK(c.caches[0].associativity == 2);
}

TEST_CASE("config parse: \"$schema\" is accepted and ignored") {
    const SimConfig c = parseConfig(R"({"$schema": "./schema.json", "caches": [{"size": 1024}]})", "t.json");
    CHECK(c == parseConfig(R"({"caches": [{"size": 1024}]})", "t.json"));
}

TEST_CASE("config toString: the names used in JSON") {
    CHECK(toString(WritePolicy::WriteBack) == "write-back");
    CHECK(toString(WritePolicy::WriteThrough) == "write-through");
    CHECK(toString(Inclusion::Nine) == "nine");
    CHECK(toString(Inclusion::Inclusive) == "inclusive");
    CHECK(toString(Inclusion::Exclusive) == "exclusive");
    CHECK(toString(Holds::Data) == "data");
    CHECK(toString(Holds::Instructions) == "instructions");
    CHECK(toString(Holds::Both) == "both");
}

TEST_CASE("config toJson: fully resolved, sizes as integers") {
    const SimConfig c = parseConfig(R"({"caches": [{"size": "1KiB", "holds": "instructions"},
                                                   {"size": "1KiB", "holds": "data", "associativity": "full"},
                                                   {"size": "1MiB"}]})",
                                    "t.json");
    const nlohmann::json j = toJson(c);
    CHECK(j["name"] == "unnamed");
    CHECK(j["description"] == "");
    CHECK(j["seed"] == 1);
    CHECK(j["memory"]["latency"] == 100);
    REQUIRE(j["caches"].size() == 3);
    const nlohmann::json& i = j["caches"][0];
    CHECK(i["name"] == "L1I");
    CHECK(i["size"] == 1024);
    CHECK(i["line_size"] == 64);
    CHECK(i["associativity"] == 8);
    CHECK(i["replacement"] == "lru");
    CHECK(i["write_policy"] == "write-back");
    CHECK(i["write_allocate"] == true);
    CHECK(i["inclusion"] == "nine");
    CHECK(i["latency"] == 4);
    CHECK(i["holds"] == "instructions");
    CHECK(i.size() == 10);  // every cache key, no more
    CHECK(j["caches"][1]["associativity"] == "full");
    CHECK(j["caches"][2]["size"] == 1048576);
    CHECK(j["caches"][2]["name"] == "L2");
}

TEST_CASE("config toJson: a config built in code gets its default names") {
    SimConfig c;
    c.caches.resize(2);
    c.caches[0].size = 1024;
    c.caches[0].holds = Holds::Data;
    c.caches[1].size = 4096;
    const nlohmann::json j = toJson(c);
    CHECK(j["caches"][0]["name"] == "L1D");
    CHECK(j["caches"][1]["name"] == "L2");
}

TEST_CASE("config toJson: parseConfig(toJson(c)) == c") {
    SimConfig c;
    c.name = "round trip";
    c.description = "non-default values everywhere";
    c.seed = 18446744073709551615u;
    c.memory.latency = 123;
    CacheConfig a;
    a.name = "A";
    a.size = 4096;
    a.lineSize = 32;
    a.associativity = 2;
    a.writePolicy = WritePolicy::WriteThrough;
    a.writeAllocate = false;
    a.latency = 2;
    a.holds = Holds::Data;
    CacheConfig b;
    b.name = "B";
    b.size = 2048;
    b.lineSize = 32;
    b.fullyAssociative = true;
    b.associativity = 64;  // 2048 / 32
    b.holds = Holds::Instructions;
    b.latency = 0;
    CacheConfig d;
    d.name = "C";
    d.size = 1 << 20;
    d.lineSize = 32;
    d.associativity = 16;
    d.inclusion = Inclusion::Inclusive;
    d.latency = 20;
    c.caches = {a, b, d};
    validate(c);
    const std::string text = toJson(c).dump(2);
    CAPTURE(text);
    CHECK(parseConfig(text, "rt.json") == c);

    // The check above could fail: == sees each field.
    const std::vector<std::function<void(SimConfig&)>> changes{
        [](SimConfig& s) { s.name = "x"; },
        [](SimConfig& s) { s.description = "x"; },
        [](SimConfig& s) { s.seed = 2; },
        [](SimConfig& s) { s.memory.latency = 1; },
        [](SimConfig& s) { s.caches.pop_back(); },
        [](SimConfig& s) { s.caches[0].name = "x"; },
        [](SimConfig& s) { s.caches[0].size = 8192; },
        [](SimConfig& s) { s.caches[0].lineSize = 64; },
        [](SimConfig& s) { s.caches[0].associativity = 4; },
        [](SimConfig& s) { s.caches[0].fullyAssociative = true; },
        [](SimConfig& s) { s.caches[0].replacement = "fifo"; },
        [](SimConfig& s) { s.caches[0].writePolicy = WritePolicy::WriteBack; },
        [](SimConfig& s) { s.caches[0].writeAllocate = true; },
        [](SimConfig& s) { s.caches[0].inclusion = Inclusion::Exclusive; },
        [](SimConfig& s) { s.caches[0].latency = 9; },
        [](SimConfig& s) { s.caches[0].holds = Holds::Both; },
    };
    for (std::size_t i = 0; i < changes.size(); ++i) {
        CAPTURE(i);
        SimConfig changed = c;
        changes[i](changed);
        CHECK_FALSE(changed == c);
    }
    // ... except the way count of a fully associative cache, which "full" makes irrelevant.
    SimConfig same = c;
    same.caches[1].associativity = 8;
    CHECK(same == c);
}
