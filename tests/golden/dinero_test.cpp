// cachescope against Dinero IV release 7.
//
// tests/golden/dinero/expected.json holds, for several din traces (generated in code by
// golden/dinero_traces.cpp) and cache configurations, the per-level counts that the real Dinero IV
// (built from its public source, see tests/golden/dinero/README.md) reported BEFORE its end-of-run
// copy-back. Each entry gives the exact dineroIV command line, the same hierarchy as a cachescope
// config, and the counts. The test regenerates the trace, runs cachescope's Hierarchy and checks
// every recorded count. Nothing here was read off cachescope.

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/config/config.hpp"
#include "cachescope/sim/hierarchy.hpp"
#include "cachescope/trace/reader.hpp"
#include "golden/dinero_traces.hpp"

using namespace cachescope;
using namespace cachescope::golden;
using nlohmann::json;

namespace {

const std::string kExpectedPath = std::string(CACHESCOPE_SOURCE_DIR) + "/tests/golden/dinero/expected.json";

const json& expected() {
    static const json j = [] {
        std::ifstream in(kExpectedPath);
        REQUIRE_MESSAGE(in.good(), "cannot open " << kExpectedPath);
        return json::parse(in);
    }();
    return j;
}

std::vector<Access> accessesOf(const std::vector<DinRecord>& trace) {
    std::vector<Access> out;
    out.reserve(trace.size());
    for (const DinRecord& r : trace) out.push_back(toAccess(r));
    return out;
}

// Generated once per trace name and kept for the whole run.
const std::vector<Access>& traceAccesses(const std::string& name) {
    static std::map<std::string, std::vector<Access>> cache;
    auto it = cache.find(name);
    if (it == cache.end()) it = cache.emplace(name, accessesOf(makeDineroTrace(name))).first;
    return it->second;
}

std::uint64_t counter(const CacheStats& s, const std::string& key) {
    if (key == "fetches") return s.accessesByKind[kindIndex(AccessKind::Fetch)];
    if (key == "reads") return s.accessesByKind[kindIndex(AccessKind::Read)];  // data reads only
    if (key == "writes") return s.accessesByKind[kindIndex(AccessKind::Write)];
    if (key == "fetch_misses") return s.missesByKind[kindIndex(AccessKind::Fetch)];
    if (key == "read_misses") return s.missesByKind[kindIndex(AccessKind::Read)];
    if (key == "write_misses") return s.missesByKind[kindIndex(AccessKind::Write)];
    if (key == "writebacks") return s.writebacks;
    FAIL("expected.json names an unknown counter \"" << key << "\"");
    return 0;
}

bool usesPolicy(const json& entry, const std::string& policy) {
    for (const json& c : entry.at("config").at("caches"))
        if (c.value("replacement", std::string("lru")) == policy) return true;
    return false;
}

// Runs one entry and checks every count it records. Returns the number of counts checked.
int checkEntry(const json& entry) {
    const std::string name = entry.at("name").get<std::string>();
    INFO("entry " << name << "  (" << entry.at("dinero").get<std::string>() << ")");
    const SimConfig config = parseConfig(entry.at("config").dump(), "expected.json entry " + name);
    Hierarchy h(config);
    const std::vector<Access>& trace = traceAccesses(entry.at("trace").get<std::string>());
    h.access(std::span<const Access>(trace));

    int checked = 0;
    for (const json& level : entry.at("levels")) {
        const std::string cacheName = level.at("cache").get<std::string>();
        const Cache* cache = nullptr;
        for (const Cache& c : h.caches())
            if (c.name() == cacheName) cache = &c;
        REQUIRE_MESSAGE(cache != nullptr, name << ": no cache named " << cacheName);
        for (const auto& [key, value] : level.at("counts").items()) {
            const std::uint64_t want = value.get<std::uint64_t>();
            const std::uint64_t got = counter(cache->stats(), key);
            CHECK_MESSAGE(got == want, name << " " << cacheName << " " << key << ": Dinero IV " << want
                                            << ", cachescope " << got);
            ++checked;
        }
    }
    const json& mem = entry.at("memory");
    CHECK_MESSAGE(h.memory().reads == mem.at("reads").get<std::uint64_t>(),
                  name << " memory reads: Dinero IV " << mem.at("reads") << ", cachescope " << h.memory().reads);
    CHECK_MESSAGE(h.memory().writes == mem.at("writes").get<std::uint64_t>(),
                  name << " memory writes: Dinero IV " << mem.at("writes") << ", cachescope " << h.memory().writes);
    return checked + 2;
}

}  // namespace

TEST_CASE("dinero: write traces (tool)") {
    // A generator, not a check: with CACHESCOPE_WRITE_DINERO_TRACES=<dir> it writes every trace
    // as <dir>/<name>.din for running the real Dinero IV (tests/golden/dinero/README.md).
    const char* dir = std::getenv("CACHESCOPE_WRITE_DINERO_TRACES");
    if (dir == nullptr || *dir == '\0') return;
    for (const std::string& name : dineroTraceNames()) {
        const std::string path = std::string(dir) + "/" + name + ".din";
        std::ofstream out(path, std::ios::binary);
        REQUIRE_MESSAGE(out.good(), "cannot write " << path);
        out << toDinText(makeDineroTrace(name));
        REQUIRE(out.good());
        MESSAGE("wrote " << path);
    }
}

TEST_CASE("dinero traces: deterministic, well formed, and read back by the din reader") {
    // Worked by hand: the din line and the access for two records.
    CHECK(toDinText({{2, 0x400004}, {0, 0x10000007}}) == "2 400004\n0 10000007\n");
    CHECK(toAccess({0, 0x10000007}) == Access{0x10000004, 4, AccessKind::Read});
    CHECK(toAccess({1, 0x2a}) == Access{0x28, 4, AccessKind::Write});
    CHECK(toAccess({2, 0x400004}) == Access{0x400004, 4, AccessKind::Fetch});
    CHECK_THROWS_AS(makeDineroTrace("nope"), std::invalid_argument);

    // Sizes follow from the generators: 24*24*(1 + 2*24 + 1) for ijk, 24*24*(1 + 3*24) for ikj.
    const std::map<std::string, std::size_t> sizes{
        {"hand10", 10}, {"program", 50'000}, {"matmul-ijk", 28'800}, {"matmul-ikj", 42'048}, {"random", 30'000}};
    for (const std::string& name : dineroTraceNames()) {
        INFO("trace " << name);
        const std::vector<DinRecord> t = makeDineroTrace(name);
        CHECK(t == makeDineroTrace(name));
        REQUIRE(sizes.count(name) == 1);
        CHECK(t.size() == sizes.at(name));
        std::size_t byLabel[3] = {0, 0, 0};
        std::size_t badLabels = 0;
        for (const DinRecord& r : t) {
            if (r.label <= 2) ++byLabel[r.label];
            else ++badLabels;
        }
        CHECK(badLabels == 0);
        if (name == "program") CHECK(byLabel[2] > t.size() / 2);  // mostly instruction fetches
        if (name == "random") {
            CHECK(byLabel[1] > t.size() / 4);  // about 30% writes
            CHECK(byLabel[1] < t.size() * 35 / 100);
        }
        if (name == "matmul-ijk") CHECK(byLabel[1] == 24u * 24u);
        if (name == "matmul-ikj") CHECK(byLabel[1] == 24u * 24u * 24u);

        // The din text, read back by cachescope's own din reader, gives the same accesses.
        auto reader = openTrace(std::make_unique<std::istringstream>(toDinText(t)), name + ".din", TraceFormat::Din);
        std::vector<Access> back(t.size() + 1);
        std::size_t n = 0;
        for (std::size_t got = 0; (got = reader->read(std::span<Access>(back).subspan(n))) != 0;) n += got;
        back.resize(n);
        CHECK(back == accessesOf(t));
    }
}

TEST_CASE("dinero: hand-worked 10-record trace on a 2-line direct-mapped cache") {
    // 32 B cache, 16 B lines, direct-mapped: 2 sets; line = addr >> 4, set = line % 2.
    //   R 00  line0 set0 miss (fill)            R 04  line0 hit
    //   W 10  line1 set1 miss (fill), dirty     R 20  line2 set0 miss, evicts clean line0
    //   W 24  line2 hit, dirty                  R 00  line0 set0 miss, evicts dirty line2: write-back
    //   I 18  line1 set1 hit                    R 30  line3 set1 miss, evicts dirty line1: write-back
    //   W 38  line3 hit, dirty                  I 10  line1 set1 miss, evicts dirty line3: write-back
    // fetches 2 (1 miss), reads 5 (4 misses), writes 3 (1 miss); 3 write-backs.
    // Memory: 6 line reads (every miss fills, the write miss too), 3 line writes.
    const json* entry = nullptr;
    for (const json& e : expected().at("entries"))
        if (e.at("trace") == "hand10") entry = &e;
    REQUIRE(entry != nullptr);
    // Dinero IV agrees with the hand count...
    const json& dinero = entry->at("levels").at(0).at("counts");
    CHECK(dinero.at("fetches") == 2);
    CHECK(dinero.at("fetch_misses") == 1);
    CHECK(dinero.at("reads") == 5);
    CHECK(dinero.at("read_misses") == 4);
    CHECK(dinero.at("writes") == 3);
    CHECK(dinero.at("write_misses") == 1);
    CHECK(dinero.at("writebacks") == 3);
    CHECK(entry->at("memory").at("reads") == 6);
    CHECK(entry->at("memory").at("writes") == 3);
    // ...and so does cachescope.
    CHECK(checkEntry(*entry) == 9);
}

TEST_CASE("dinero golden: the expected numbers cover what they claim") {
    // Guards against a truncated expected.json making the comparisons below vacuous.
    const json& entries = expected().at("entries");
    std::size_t lru = 0, fifo = 0, multiLevel = 0, writeThrough = 0, noAllocate = 0, full = 0;
    std::map<std::string, int> traces;
    for (const json& e : entries) {
        lru += usesPolicy(e, "lru");
        fifo += usesPolicy(e, "fifo");
        const json& caches = e.at("config").at("caches");
        multiLevel += caches.size() > 1;
        for (const json& c : caches) {
            writeThrough += c.value("write_policy", std::string("write-back")) == "write-through";
            noAllocate += !c.value("write_allocate", true);
            full += c.value("associativity", json(8)) == "full";
        }
        ++traces[e.at("trace").get<std::string>()];
    }
    CHECK(entries.size() >= 40);
    CHECK(lru >= 12);
    CHECK(fifo >= 12);
    CHECK(multiLevel >= 10);
    CHECK(writeThrough >= 4);
    CHECK(noAllocate >= 4);
    CHECK(full >= 4);
    CHECK(traces.size() == dineroTraceNames().size());
}

TEST_CASE("dinero golden: each cachescope config describes its Dinero IV command line") {
    // The config and the command line of an entry are written apart; check they say the same.
    for (const json& e : expected().at("entries")) {
        const std::string name = e.at("name").get<std::string>();
        std::istringstream cmd(e.at("dinero").get<std::string>());
        std::map<std::string, std::string> opt;
        for (std::string flag, value; cmd >> flag;)
            if (flag.size() > 1 && flag[0] == '-' && cmd >> value) opt[flag] = value;
        CHECK_MESSAGE(opt["-informat"] == "d", name);
        const json& caches = e.at("config").at("caches");
        REQUIRE(caches.size() == e.at("levels").size());
        for (std::size_t i = 0; i < caches.size(); ++i) {
            const json& c = caches[i];
            const std::string d = e.at("levels")[i].at("dinero_cache").get<std::string>();  // "l2-ucache"
            INFO(name << " " << d);
            CHECK(e.at("levels")[i].at("cache") == c.at("name"));
            const std::string p = "-" + d.substr(0, 4);                                       // "-l2-u"
            const std::optional<std::uint64_t> size = parseSize(opt[p + "size"]);
            REQUIRE(size.has_value());
            CHECK(*size == c.at("size").get<std::uint64_t>());
            CHECK(std::stoull(opt[p + "bsize"]) == c.at("line_size").get<std::uint64_t>());
            const std::uint64_t ways = c.at("associativity") == "full"
                                           ? c.at("size").get<std::uint64_t>() / c.at("line_size").get<std::uint64_t>()
                                           : c.at("associativity").get<std::uint64_t>();
            CHECK(std::stoull(opt[p + "assoc"]) == ways);
            CHECK(opt[p + "repl"] == (c.at("replacement") == "fifo" ? "f" : "l"));
            const char kind = d[3];
            CHECK(c.at("holds") == (kind == 'i' ? "instructions" : kind == 'd' ? "data" : "both"));
            if (kind != 'i') {
                CHECK(opt[p + "wback"] == (c.at("write_policy") == "write-back" ? "a" : "n"));
                CHECK(opt[p + "walloc"] == (c.at("write_allocate").get<bool>() ? "a" : "n"));
            }
        }
    }
}

TEST_CASE("dinero golden: cachescope counts equal Dinero IV's, LRU hierarchies") {
    int checked = 0;
    for (const json& e : expected().at("entries"))
        if (!usesPolicy(e, "fifo")) checked += checkEntry(e);
    CHECK(checked > 100);
}

TEST_CASE("dinero golden: cachescope counts equal Dinero IV's, FIFO hierarchies") {
    int checked = 0;
    for (const json& e : expected().at("entries"))
        if (usesPolicy(e, "fifo")) checked += checkEntry(e);
    CHECK(checked > 100);
}
