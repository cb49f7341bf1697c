// Parameter sweeps in the core: --vary parsing, applying a path to a config's JSON, expansion
// order and count, sharding, the error messages, and the numbers of a run against closed forms.

#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/analysis/sweep.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"

using namespace cachescope;
using nlohmann::json;

namespace {

// teaching.json's caches (L1 1 KiB 2-way = 16 lines of 64 B, L2 4 KiB 4-way), without comments.
const char* const kBase = R"({
  "name": "base",
  "caches": [
    { "name": "L1", "size": "1KiB", "line_size": 64, "associativity": 2, "latency": 1 },
    { "name": "L2", "size": "4KiB", "line_size": 64, "associativity": 4, "latency": 10 }
  ],
  "memory": { "latency": 100 }
})";

/// The message of the exception `f` throws (of type E), or "" if it throws none.
template <class E, class F>
std::string messageOf(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// A text trace that reads `lines` consecutive 64-byte lines from address 0, `passes` times.
std::string passes(unsigned lines, unsigned count) {
    std::string t;
    for (unsigned p = 0; p < count; ++p)
        for (unsigned l = 0; l < lines; ++l)
            t += "R 0x" + ([](unsigned v) {
                     std::ostringstream os;
                     os << std::hex << v;
                     return os.str();
                 })(l * 64) +
                 " 4\n";
    return t;
}

SweepOpener textOpener(std::vector<std::string> traces) {
    return [traces = std::move(traces)](std::size_t i) {
        return openTrace(std::make_unique<std::istringstream>(traces[i]), "t" + std::to_string(i), TraceFormat::Text);
    };
}

}  // namespace

TEST_CASE("sweep: --vary values are JSON scalars, bare words are strings") {
    CHECK(varyValue("8") == json(8));
    CHECK(varyValue("true") == json(true));
    CHECK(varyValue("32KiB") == json("32KiB"));
    CHECK(varyValue("lru") == json("lru"));
    CHECK(varyValue("\"8\"") == json("8"));
    const SweepVary v = parseVary("caches.L1D.size=4KiB,8KiB,16KiB");
    CHECK(v.path == "caches.L1D.size");
    CHECK(v.values == std::vector<std::string>{"4KiB", "8KiB", "16KiB"});
}

TEST_CASE("sweep: a --vary value that is not a scalar is an error") {
    const std::string m = messageOf<UsageError>([] { parseVary("caches.L1.size=1KiB,[1]"); });
    CHECK(contains(m, "'[1]' is not a scalar"));
    CHECK(contains(messageOf<UsageError>([] { parseVary("caches.L1.size=1KiB,,2KiB"); }), "empty value"));
    CHECK(contains(messageOf<UsageError>([] { parseVary("caches.L1.size"); }), "expected PATH=V1,V2"));
}

TEST_CASE("sweep: a --vary number beyond a double's range is a usage error (fuzz_sweep_syntax's finding)") {
    // nlohmann threw out_of_range.406 out of parseVary, printed raw by the CLI.
    const std::string m = messageOf<UsageError>([] { parseVary("caches.L1.size=1e717151"); });
    CHECK(m == "--vary: value '1e717151' is a number too large to represent");
    // The fuzzer's own input, kept in fuzz/corpus/fuzz_sweep_syntax: any cachescope error is fine.
    CHECK_THROWS_AS(parseVary("6,='2,:,17N1e='2,:,1e717151="), cachescope::Error);
}

TEST_CASE("sweep: applyVary names list elements by name or by index and adds keys the file leaves out") {
    json raw = json::parse(kBase);
    const json resolved = toJson(parseConfig(kBase, "base"));
    applyVary(raw, resolved, "caches.L2.size", json("8KiB"));
    applyVary(raw, resolved, "caches.0.associativity", json(4));
    applyVary(raw, resolved, "caches.L1.replacement", json("fifo"));  // not in the file: added
    applyVary(raw, resolved, "memory.latency", json(200));
    applyVary(raw, resolved, "seed", json(7));  // not in the file either
    CHECK(raw["caches"][1]["size"] == "8KiB");
    CHECK(raw["caches"][0]["associativity"] == 4);
    CHECK(raw["caches"][0]["replacement"] == "fifo");
    CHECK(raw["caches"][0]["size"] == "1KiB");  // the rest as written
    const SimConfig c = parseConfig(raw.dump(), "x");
    CHECK(c.caches[1].size == 8192);
    CHECK(c.caches[0].associativity == 4);
    CHECK(c.caches[0].replacement == "fifo");
    CHECK(c.memory.latency == 200);
    CHECK(c.seed == 7);
}

TEST_CASE("sweep: a bad --vary path names the path and the valid names") {
    json raw = json::parse(kBase);
    const json resolved = toJson(parseConfig(kBase, "base"));
    const std::string noElement = messageOf<UsageError>([&] { applyVary(raw, resolved, "caches.L3.size", json(1)); });
    CHECK(noElement == "--vary caches.L3.size: no element \"L3\" in caches; valid: L1, L2, or an index 0 to 1");
    const std::string noKey = messageOf<UsageError>([&] { applyVary(raw, resolved, "caches.L1.sise", json(1)); });
    CHECK(contains(noKey, "--vary caches.L1.sise: no key \"sise\" in caches.L1; valid keys: associativity, holds,"));
    const std::string noMmu =
        messageOf<UsageError>([&] { applyVary(raw, resolved, "mmu.page_replacement", json("lru")); });
    CHECK(contains(noMmu, "no key \"mmu\" in the config's top level; valid keys: caches, description, memory"));
}

TEST_CASE("sweep: expansion order and count (first --vary slowest, traces fastest)") {
    const std::vector<std::string> sizes = {"512", "1KiB", "2KiB"};
    const std::vector<std::string> ways = {"1", "2", "4", "8"};
    const SweepPlan plan("base", kBase,
                         {SweepVary{"caches.L1.size", sizes}, SweepVary{"caches.L1.associativity", ways}}, {"a", "b"},
                         false);
    CHECK(plan.combinations() == 3 * 4);  // product of the list lengths
    CHECK(plan.runs() == 3 * 4 * 2);      // x traces
    // The order, written out with nested loops independently of the plan's mixed-radix digits.
    std::uint64_t index = 0;
    for (std::size_t s = 0; s < sizes.size(); ++s)
        for (std::size_t w = 0; w < ways.size(); ++w)
            for (std::size_t t = 0; t < 2; ++t, ++index) {
                CAPTURE(index);
                const std::uint64_t combination = index / 2;
                CHECK(plan.identity().values(combination) == std::vector<std::string>{sizes[s], ways[w]});
                const SimConfig* c = plan.config(combination);
                REQUIRE(c != nullptr);
                CHECK(c->caches[0].size == std::vector<std::uint64_t>{512, 1024, 2048}[s]);
                CHECK(c->caches[0].associativity == std::vector<std::uint32_t>{1, 2, 4, 8}[w]);
                CHECK(c->caches[1].size == 4096);  // untouched
            }
    // Shards partition the runs: index mod N.
    std::set<std::uint64_t> seen;
    for (std::uint32_t i = 0; i < 5; ++i)
        for (const std::uint64_t r : plan.shardRuns(Shard{i, 5})) {
            CHECK(r % 5 == i);
            CHECK(seen.insert(r).second);
        }
    CHECK(seen.size() == plan.runs());
}

TEST_CASE("sweep: an impossible combination fails the sweep naming the combination and the JSON path") {
    const std::string m = messageOf<ConfigError>([] {
        SweepPlan("base", kBase, {SweepVary{"caches.L1.associativity", {"2", "3"}}}, {"a"}, false);
    });
    // 1 KiB / 64 B = 16 lines; 3 ways do not divide them.
    CHECK(contains(m, "combination 1 of 2 (caches.L1.associativity=3): base: /caches/0/associativity"));
    const SweepPlan skipping("base", kBase, {SweepVary{"caches.L1.associativity", {"2", "3"}}}, {"a"}, true);
    CHECK(skipping.config(0) != nullptr);
    CHECK(skipping.config(1) == nullptr);
    CHECK(contains(skipping.error(1), "/caches/0/associativity"));
}

TEST_CASE("sweep: a value the loader rejects is an error naming the combination") {
    const std::string m = messageOf<ConfigError>([] {
        SweepPlan("base", kBase, {SweepVary{"caches.L1.replacement", {"lru", "lur"}}}, {"a"}, false);
    });
    CHECK(contains(m, "combination 1 of 2 (caches.L1.replacement=lur): base: /caches/0/replacement"));
}

TEST_CASE("sweep: --shard parsing (0-based)") {
    const Shard s = parseShard("2/5");
    CHECK(s.index == 2);
    CHECK(s.count == 5);
    CHECK(contains(messageOf<UsageError>([] { parseShard("5/5"); }), "I must be less than N"));
    CHECK(contains(messageOf<UsageError>([] { parseShard("1-5"); }), "no '/'"));
}

TEST_CASE("sweep: run numbers match closed forms, whatever the number of jobs") {
    // Trace t0: 8 lines read twice; t1: 32 lines read twice. L1 = 16 lines, LRU.
    //  - 8 lines fit: 8 compulsory misses, the second pass hits: 16 accesses, 8 misses.
    //  - 32 lines cycle through 16-line LRU sets: every access misses (64 of 64), for any
    //    associativity that divides 16 (each set sees its lines in a cycle longer than its ways).
    //  L2 (64 lines) holds all 32: it sees L1's misses and misses only on the first pass.
    const SweepPlan plan("base", kBase, {SweepVary{"caches.L1.associativity", {"1", "2", "16"}}}, {"t0", "t1"}, false);
    const SweepOpener open = textOpener({passes(8, 2), passes(32, 2)});
    SweepOptions one;
    one.jobs = 1;
    const SweepTable a = runSweep(plan, open, one);
    REQUIRE(a.rows.size() == 6);
    for (const SweepRow& r : a.rows) {
        CAPTURE(r.index);
        const bool small = r.trace == 0;
        CHECK(r.levels[0].accesses == (small ? 16u : 64u));
        CHECK(r.levels[0].misses == (small ? 8u : 64u));
        CHECK(r.levels[1].accesses == r.levels[0].misses);
        CHECK(r.levels[1].misses == (small ? 8u : 32u));
        CHECK(r.memoryReads == r.levels[1].misses);
        // additive model: L1 latency 1 per access, L2 10 per access, memory 100 per read
        CHECK(r.totalCycles == r.levels[0].accesses * 1 + r.levels[1].accesses * 10 + r.memoryReads * 100);
        CHECK(r.amat == doctest::Approx(double(r.totalCycles) / double(r.levels[0].accesses)));
    }
    SweepOptions three = one;
    three.jobs = 3;
    const SweepTable b = runSweep(plan, open, three);
    CHECK(a.rows == b.rows);
    std::ostringstream csvA, csvB;
    writeSweepCsv(csvA, a);
    writeSweepCsv(csvB, b);
    CHECK(csvA.str() == csvB.str());
}

TEST_CASE("sweep: CSV and JSON read back to the same table") {
    const SweepPlan plan("base", kBase, {SweepVary{"caches.L1.associativity", {"2", "3"}}}, {"t0"}, true);
    const SweepTable table = runSweep(plan, textOpener({passes(8, 2)}), SweepOptions{});
    REQUIRE(table.rows.size() == 2);
    CHECK(table.rows[1].error != "");
    std::ostringstream csv, js;
    writeSweepCsv(csv, table);
    writeSweepJson(js, table);
    for (const std::string& text : {csv.str(), js.str()}) {
        const SweepTable back = readSweep(text, "f");
        CHECK(back.rows == table.rows);
        std::ostringstream again;
        if (text == csv.str())
            writeSweepCsv(again, back);
        else
            writeSweepJson(again, back);
        CHECK(again.str() == text);
    }
}

TEST_CASE("sweep: the other error messages of --vary, --shard and the plan, one check each") {
    CHECK(contains(messageOf<UsageError>([] { varyValue(""); }), "--vary: empty value"));
    CHECK(contains(messageOf<UsageError>([] { parseVary("=1,2"); }), "the path before '=' is empty"));
    json raw = json::parse(kBase);
    const json resolved = toJson(parseConfig(kBase, "base"));
    CHECK(contains(messageOf<UsageError>([&] { applyVary(raw, resolved, "caches..size", json(1)); }),
                   "--vary caches..size: empty name in the path"));
    CHECK(messageOf<UsageError>([&] { applyVary(raw, resolved, "memory.latency.x", json(1)); }) ==
          "--vary memory.latency.x: memory.latency is a value (100), there is nothing named \"x\" inside it");
    CHECK(contains(messageOf<UsageError>([&] { applyVary(raw, resolved, "caches.L2", json(1)); }),
                   "--vary caches.L2: caches.L2 is an object, not a value; name one of its keys: associativity,"));
    const char* const paging = R"({"caches": [{"size": 1024}], "mmu": {"bits_per_level": [10, 10]}})";
    json pagingRaw = json::parse(paging);
    CHECK(contains(messageOf<UsageError>([&] {
                       applyVary(pagingRaw, toJson(parseConfig(paging, "p")), "mmu.walk_caches.0.entries", json(1));
                   }),
                   "--vary mmu.walk_caches.0.entries: mmu.walk_caches is an empty list"));
    CHECK(contains(messageOf<UsageError>([] { parseShard("a/2"); }), "I and N must be whole numbers"));
    CHECK(contains(messageOf<UsageError>([] { parseShard("0/0"); }), "N must be at least 1"));
    CHECK(contains(messageOf<UsageError>([] { SweepPlan("base", kBase, {}, {}, false); }),
                   "give at least one trace file, or --kernel NAME"));
    CHECK(contains(messageOf<UsageError>([] {
                       SweepPlan("base", kBase, {SweepVary{"seed", {}}}, {"a"}, false);
                   }),
                   "--vary seed: no values"));
    CHECK(contains(messageOf<UsageError>([] {
                       SweepPlan("base", kBase, {SweepVary{"seed", {"1"}}, SweepVary{"seed", {"2"}}}, {"a"}, false);
                   }),
                   "--vary seed is given twice"));
    std::vector<SweepVary> huge;
    for (int k = 0; k < 21; ++k) huge.push_back(SweepVary{"p" + std::to_string(k), {"1", "2"}});  // 2^21 > 10^6
    CHECK(contains(messageOf<UsageError>([&] { SweepPlan("base", kBase, huge, {"a"}, false); }),
                   "more than 1000000 combinations"));
    const SweepPlan plan("base", kBase, {}, {"t0"}, false);
    SweepOptions bad;
    bad.shard = Shard{3, 2};
    CHECK(contains(messageOf<UsageError>([&] { runSweep(plan, textOpener({""}), bad); }), "shard 3/2 out of range"));
}

TEST_CASE("sweep: the error messages of reading sweep files and merging, one check each") {
    const SweepPlan plan("base", kBase, {SweepVary{"caches.L1.associativity", {"1", "2"}}}, {"t0"}, false);
    const SweepOpener open = textOpener({passes(4, 1)});
    SweepOptions first;
    first.shard = Shard{0, 2};
    const SweepTable shard0 = runSweep(plan, open, first);
    std::ostringstream os;
    writeSweepCsv(os, shard0);
    const std::string csv = os.str();
    const std::size_t headerEnd = csv.find('\n', csv.find('\n') + 1) + 1;
    const std::string top = csv.substr(0, headerEnd);  // identity line and header
    auto readError = [](const std::string& text) { return messageOf<ConfigError>([&] { readSweep(text, "f.csv"); }); };
    CHECK(contains(readError("index,a\n"), "f.csv:1: not a cachescope sweep file"));
    CHECK(contains(readError("# cachescope sweep {oops\n"), "f.csv:1: the sweep identity is not valid JSON"));
    CHECK(contains(readError("# cachescope sweep {\"tool\": \"other\"}\n"),
                   "f.csv:1: not a cachescope sweep identity: expected \"tool\": \"cachescope\""));
    std::string otherVersion = top.substr(0, top.find('\n') + 1);
    otherVersion.replace(otherVersion.find(CACHESCOPE_VERSION), std::string(CACHESCOPE_VERSION).size(), "0.0.0-x");
    CHECK(contains(readError(otherVersion), "written by cachescope 0.0.0-x"));
    CHECK(contains(readError(top.substr(0, top.find('\n') + 1)), "f.csv:2: missing the header row"));
    CHECK(contains(readError(top.substr(0, top.find('\n') + 1) + "index,x\n"), "f.csv:2: header 'index,x' does not"));
    CHECK(contains(readError(top + "0,1,\"t0\n"), "f.csv:3: unterminated quoted field"));
    CHECK(contains(readError(top + "0,1,t0\n"), "f.csv:3: 3 fields, the header has"));
    CHECK(contains(readError(top + "0,1,t0,x,0,0,0,0,0,0,0,0,0,\n"), "f.csv:3: L1_accesses: expected a whole number"));
    CHECK(contains(readError(top + "0,1,t0,4,4,1,4,4,1,4,0,444,x,\n"), "f.csv:3: amat: expected a number"));
    CHECK(contains(readError(top + "7,1,t0,4,4,1,4,4,1,4,0,444,1,\n"), "run index 7 is beyond the sweep's 2 runs"));
    CHECK(contains(readError(top + "0,2,t0,4,4,1,4,4,1,4,0,444,1,\n"),
                   "run 0 does not have the values and trace its index stands for"));
    CHECK(contains(readError("{\"sweep\": 1"), "f.csv: not a cachescope sweep file: invalid JSON"));
    CHECK(contains(readError("{\"rows\": []}"), "expected an object with \"sweep\" and \"rows\""));
    std::ostringstream js;
    writeSweepJson(js, shard0);
    json j = json::parse(js.str());
    j["rows"][0]["levels"].erase(1);
    CHECK(contains(readError(j.dump()), "f.csv: /rows/0: expected 2 levels"));

    CHECK(contains(messageOf<UsageError>([] { mergeSweeps({}, {}); }), "give at least one shard file"));
    SweepTable wrong = shard0;
    wrong.identity.shard = Shard{1, 2};  // claims to be shard 1 but holds run 0
    CHECK(contains(messageOf<UsageError>([&] { mergeSweeps({wrong}, {"w.csv"}); }),
                   "w.csv is shard 1/2 but holds run 0"));
}
