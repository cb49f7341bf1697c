// The translation part of the config (issue #3, docs/config.md "Translation", docs/mmu.md):
// defaults, every key, one test per rule (path and key words of the message), the resolved JSON and
// its round trip, default TLB names, and the presets that gained TLBs.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "config/schema_check.hpp"

using namespace cachescope;
using nlohmann::json;

namespace {

const std::filesystem::path kRoot{CACHESCOPE_SOURCE_DIR};

std::string errorOf(const std::string& text) {
    try {
        parseConfig(text, "x.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// The teaching caches plus the given top-level keys: withMmu(R"("mmu": {})").
std::string withKeys(const std::string& keys) {
    return R"({"caches": [{"size": "1KiB", "associativity": 2}, {"size": "4KiB", "associativity": 4}], )" + keys + "}";
}
/// An mmu with the given keys (and no TLB).
std::string mmu(const std::string& keys) { return withKeys(R"("mmu": {)" + keys + "}"); }
/// An mmu of defaults and the given TLBs.
std::string tlbs(const std::string& list) { return withKeys(R"("mmu": {}, "tlbs": [)" + list + "]"); }

SimConfig parse(const std::string& text) { return parseConfig(text, "x.json"); }

const json& schema() {
    static const json s = [] {
        std::ifstream in(kRoot / "configs" / "schema.json");
        std::ostringstream t;
        t << in.rdbuf();
        return json::parse(t.str(), nullptr, true, true);
    }();
    return s;
}

}  // namespace

// ---- defaults and keys ---------------------------------------------------------------------

TEST_CASE("mmu config: without an mmu, addressing is virtual and nothing is translated") {
    const SimConfig c = parse(withKeys(R"("name": "n")"));
    CHECK((c.addressing == Addressing::Virtual));
    CHECK_FALSE(c.mmu.has_value());
    CHECK(c.tlbs.empty());
    // toJson writes no translation keys, so older outputs are unchanged.
    const json j = toJson(c);
    CHECK_FALSE(j.contains("addressing"));
    CHECK_FALSE(j.contains("mmu"));
    CHECK_FALSE(j.contains("tlbs"));
    // An explicit "virtual" is the same config.
    CHECK(parse(withKeys(R"("name": "n", "addressing": "virtual")")) == c);
}

TEST_CASE("mmu config: an empty mmu takes every documented default") {
    const SimConfig c = parse(mmu(""));
    CHECK((c.addressing == Addressing::Physical));  // implied by the mmu
    REQUIRE(c.mmu.has_value());
    const MmuConfig& m = *c.mmu;
    CHECK(m.pageSize == 4096);
    CHECK(m.bitsPerLevel == std::vector<std::uint32_t>{9, 9, 9, 9});
    CHECK(m.pteSize == 8);
    CHECK(m.physicalMemory == (std::uint64_t{1} << 30));
    CHECK(m.frames() == 262144);  // 2^30 / 2^12
    CHECK((m.frameAllocation == FrameAllocation::Sequential));
    CHECK((m.pageReplacement == PageReplacementKind::Lru));
    CHECK(m.hugePages.empty());
    CHECK(m.walkCaches.empty());
    CHECK(m.walkEntry == "L1");  // the first cache holding data, written out
    CHECK(m.pageFaultLatency == 0);
    CHECK(m.virtualBits() == 48);  // 12 + 4 x 9
    CHECK(c.tlbs.empty());
}

TEST_CASE("mmu config: virtualBits is log2(page size) plus every level's bits") {
    MmuConfig m;
    m.bitsPerLevel = {10, 10};
    CHECK(m.virtualBits() == 32);  // the 32-bit teaching layout: 12 + 10 + 10
    m.pageSize = 65536;
    m.bitsPerLevel = {13, 13, 13};
    CHECK(m.virtualBits() == 55);  // 16 + 39
}

TEST_CASE("mmu config: every mmu key is parsed") {
    const SimConfig c = parse(mmu(R"("page_size": "16KiB", "levels": 3, "bits_per_level": [11, 11, 11],
        "pte_size": 4, "physical_memory": "64MiB", "frame_allocation": "random", "page_replacement": "clock",
        "huge_pages": [{"base": "0x4000000", "size": "64MiB", "page_size": "32MiB"}, {"base": 0, "size": 67108864, "page_size": "32MiB"}],
        "walk_caches": [{"level": 1, "entries": 16, "associativity": "full", "replacement": "fifo", "latency": 2}],
        "walk_entry": "L2", "page_fault_latency": 5000)"));
    REQUIRE(c.mmu.has_value());
    const MmuConfig& m = *c.mmu;
    CHECK(m.pageSize == 16384);
    CHECK(m.bitsPerLevel == std::vector<std::uint32_t>{11, 11, 11});
    CHECK(m.pteSize == 4);
    CHECK(m.physicalMemory == 64 * 1024 * 1024);
    CHECK(m.frames() == 4096);  // 64 MiB / 16 KiB
    CHECK((m.frameAllocation == FrameAllocation::Random));
    CHECK((m.pageReplacement == PageReplacementKind::Clock));
    REQUIRE(m.hugePages.size() == 2);
    // shift of level 1 = 14 + 11 = 25: 32 MiB huge pages.
    CHECK(m.hugePages[0] == HugePageRange{0x4000000, 64 * 1024 * 1024, 32 * 1024 * 1024});
    CHECK(m.hugePages[1] == HugePageRange{0, 64 * 1024 * 1024, 32 * 1024 * 1024});
    REQUIRE(m.walkCaches.size() == 1);
    CHECK(m.walkCaches[0].level == 1);
    CHECK(m.walkCaches[0].entries == 16);
    CHECK(m.walkCaches[0].fullyAssociative);
    CHECK(m.walkCaches[0].ways() == 16);
    CHECK(m.walkCaches[0].sets() == 1);
    CHECK(m.walkCaches[0].replacement == "fifo");
    CHECK(m.walkCaches[0].latency == 2);
    CHECK(m.walkEntry == "L2");
    CHECK(m.pageFaultLatency == 5000);
    CHECK(m.virtualBits() == 47);  // 14 + 33
}

TEST_CASE("mmu config: levels and bits_per_level, alone or together") {
    CHECK(parse(mmu(R"("levels": 5)")).mmu->bitsPerLevel == std::vector<std::uint32_t>(5, 9));
    CHECK(parse(mmu(R"("bits_per_level": 10)")).mmu->bitsPerLevel == std::vector<std::uint32_t>(4, 10));
    CHECK(parse(mmu(R"("levels": 2, "bits_per_level": 10)")).mmu->bitsPerLevel == std::vector<std::uint32_t>{10, 10});
    CHECK(parse(mmu(R"("bits_per_level": [7, 8, 9])")).mmu->bitsPerLevel == std::vector<std::uint32_t>{7, 8, 9});
    const std::string e = errorOf(mmu(R"("levels": 3, "bits_per_level": [10, 10])"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/bits_per_level: "));
    CHECK(contains(e, "lists 2 levels"));
    CHECK(contains(e, "\"levels\" is 3"));
    const std::string zero = errorOf(mmu(R"("levels": 0)"));
    CAPTURE(zero);
    CHECK(startsWith(zero, "x.json: /mmu/levels: "));
    CHECK(contains(zero, "got 0"));
}

TEST_CASE("mmu config: every TLB key is parsed, and TLB defaults") {
    const SimConfig c = parse(tlbs(R"({"name": "DTLB", "entries": 32, "associativity": "full", "replacement": "plru",
        "latency": 2, "holds": "data"}, {})"));
    REQUIRE(c.tlbs.size() == 2);
    const TlbConfig& d = c.tlbs[0];
    CHECK(d.name == "DTLB");
    CHECK(d.entries == 32);
    CHECK(d.fullyAssociative);
    CHECK(d.ways() == 32);
    CHECK(d.sets() == 1);
    CHECK(d.replacement == "plru");
    CHECK(d.latency == 2);
    CHECK((d.holds == Holds::Data));
    const TlbConfig& t = c.tlbs[1];  // every default: 64 entries, 4-way -> 16 sets, LRU, 1 cycle, both
    CHECK(t.name == "TLB2");         // below a data-only TLB1D... named by its level, 2
    CHECK(t.entries == 64);
    CHECK(t.ways() == 4);
    CHECK(t.sets() == 16);
    CHECK(t.replacement == "lru");
    CHECK(t.latency == 1);
    CHECK((t.holds == Holds::Both));
}

TEST_CASE("mmu config: default TLB names follow the levels, like caches") {
    const SimConfig c = parse(tlbs(R"({"holds": "instructions"}, {"holds": "data"}, {"holds": "instructions"},
        {"holds": "data", "entries": 1024, "associativity": 8}, {"entries": 2048, "associativity": 8})"));
    REQUIRE(c.tlbs.size() == 5);
    CHECK(c.tlbs[0].name == "TLB1I");
    CHECK(c.tlbs[1].name == "TLB1D");
    CHECK(c.tlbs[2].name == "TLB2I");
    CHECK(c.tlbs[3].name == "TLB2D");
    CHECK(c.tlbs[4].name == "TLB3");
    const SimConfig single = parse(tlbs("{}"));
    CHECK(single.tlbs[0].name == "TLB1");
}

TEST_CASE("mmu config: a 1536-entry 12-way TLB (128 sets) is accepted") {
    const SimConfig c = parse(tlbs(R"({"entries": 1536, "associativity": 12})"));
    CHECK(c.tlbs[0].sets() == 128);  // 1536 / 12
    // 1536 entries 8-way would be 192 sets: rejected (see the geometry test below).
}

TEST_CASE("mmu config: huge page bases as hexadecimal strings or integers") {
    // x86-64 layout: 2 MiB pages are leaves at level 2 (12 + 9), 1 GiB at level 1 (12 + 18).
    const SimConfig c = parse(mmu(R"("huge_pages": [{"base": "0x40000000", "size": "1GiB", "page_size": "1GiB"},
        {"base": "0X200000", "size": "4MiB"}, {"base": 8388608, "size": "2MiB"}])"));
    const auto& h = c.mmu->hugePages;
    REQUIRE(h.size() == 3);
    CHECK(h[0].base == 0x40000000);
    CHECK(h[0].pageSize == (std::uint64_t{1} << 30));
    CHECK(h[1].base == 0x200000);
    CHECK(h[1].pageSize == 2 * 1024 * 1024);  // the default
    CHECK(h[2].base == 8388608);
}

// ---- toJson and the round trip ---------------------------------------------------------------

TEST_CASE("mmu config: toJson writes every default and parses back to the same config") {
    const SimConfig c = parse(withKeys(R"("mmu": {"walk_caches": [{"level": 2}]}, "tlbs": [{"holds": "data"}, {"associativity": "full"}])"));
    const json j = toJson(c);
    CHECK(j["addressing"] == "physical");
    const json& m = j["mmu"];
    CHECK(m["page_size"] == 4096);
    CHECK(m["levels"] == 4);
    CHECK(m["bits_per_level"] == json::array({9, 9, 9, 9}));
    CHECK(m["pte_size"] == 8);
    CHECK(m["physical_memory"] == 1073741824);
    CHECK(m["frame_allocation"] == "sequential");
    CHECK(m["page_replacement"] == "lru");
    CHECK(m["huge_pages"] == json::array());
    CHECK(m["walk_caches"][0] == json::parse(R"({"level": 2, "entries": 32, "associativity": 4, "replacement": "lru", "latency": 1})"));
    CHECK(m["walk_entry"] == "L1");
    CHECK(m["page_fault_latency"] == 0);
    CHECK(m["page_replacement_scope"] == "global");
    CHECK(j["tlbs"][0] == json::parse(R"({"name": "TLB1D", "entries": 64, "associativity": 4, "replacement": "lru", "latency": 1, "holds": "data", "asid": false})"));
    CHECK(j["tlbs"][1]["associativity"] == "full");
    CHECK(j["tlbs"][1]["name"] == "TLB2");
    CHECK(parseConfig(j.dump(), "round trip") == c);
    CHECK(cachescope::test::schemaErrors(schema(), j).empty());
}

TEST_CASE("mmu config: round trip of a config using every key") {
    const SimConfig c = parse(mmu(R"("page_size": "8KiB", "bits_per_level": [8, 9, 10], "pte_size": 4,
        "physical_memory": "1MiB", "frame_allocation": "random", "page_replacement": "fifo",
        "huge_pages": [{"base": "0x4000000", "size": "16MiB", "page_size": "8MiB"}],
        "walk_caches": [{"level": 0, "entries": 8, "associativity": 2}, {"level": 1, "associativity": "full"}],
        "walk_entry": "memory", "page_fault_latency": 7)"));
    const json j = toJson(c);
    CHECK(j["mmu"]["huge_pages"][0]["base"] == "0x4000000");
    CHECK(j["mmu"]["huge_pages"][0]["page_size"] == 8 * 1024 * 1024);  // 2^(13 + 10)
    CHECK(parseConfig(j.dump(), "round trip") == c);
}

TEST_CASE("mmu config: toString of the translation enums") {
    CHECK(std::string(toString(Addressing::Virtual)) == "virtual");
    CHECK(std::string(toString(Addressing::Physical)) == "physical");
    CHECK(std::string(toString(FrameAllocation::Sequential)) == "sequential");
    CHECK(std::string(toString(FrameAllocation::Random)) == "random");
    CHECK(std::string(toString(PageReplacementKind::Fifo)) == "fifo");
    CHECK(std::string(toString(PageReplacementKind::Lru)) == "lru");
    CHECK(std::string(toString(PageReplacementKind::Clock)) == "clock");
    CHECK(std::string(toString(PageReplacementKind::Opt)) == "opt");
}

// ---- errors: addressing, keys, enums -------------------------------------------------------

TEST_CASE("mmu config error: physical addressing without an mmu") {
    const std::string e = errorOf(withKeys(R"("addressing": "physical")"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /addressing: "));
    CHECK(contains(e, "needs an \"mmu\""));
}

TEST_CASE("mmu config error: virtual addressing with an mmu") {
    const std::string e = errorOf(withKeys(R"("addressing": "virtual", "mmu": {})"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /addressing: "));
    CHECK(contains(e, "cannot have an \"mmu\""));
}

TEST_CASE("mmu config error: a config built in code with an mmu but virtual addressing") {
    SimConfig c;
    c.caches.resize(1);
    c.caches[0].size = 1024;
    c.mmu = MmuConfig{};
    CHECK_THROWS_AS(validate(c), ConfigError);
    c.addressing = Addressing::Physical;
    CHECK_NOTHROW(validate(c));
}

TEST_CASE("mmu config error: an unknown addressing value suggests the right one") {
    const std::string e = errorOf(withKeys(R"("addressing": "phyiscal", "mmu": {})"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /addressing: "));
    CHECK(contains(e, "did you mean \"physical\"?"));
    CHECK(contains(e, "virtual, physical"));
}

TEST_CASE("mmu config error: tlbs without an mmu") {
    const std::string e = errorOf(withKeys(R"("tlbs": [{}])"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /tlbs: "));
    CHECK(contains(e, "need an \"mmu\""));
    SimConfig c;
    c.caches.resize(1);
    c.caches[0].size = 1024;
    c.tlbs.resize(1);
    CHECK(contains([&] {
        try {
            validate(c);
        } catch (const ConfigError& ex) {
            return std::string(ex.what());
        }
        return std::string();
    }(), "/tlbs: "));
}

TEST_CASE("mmu config error: unknown keys in mmu, huge pages, walk caches and TLBs suggest the right key") {
    struct Case {
        std::string text, path, guess;
    };
    const Case cases[] = {
        {mmu(R"("page_sise": 4096)"), "/mmu/page_sise", "page_size"},
        {mmu(R"("huge_pages": [{"base": 0, "size": "2MiB", "pagesize": "2MiB"}])"), "/mmu/huge_pages/0/pagesize", "page_size"},
        {mmu(R"("walk_caches": [{"levle": 1}])"), "/mmu/walk_caches/0/levle", "level"},
        {tlbs(R"({"entires": 8})"), "/tlbs/0/entires", "entries"},
    };
    for (const Case& c : cases) {
        const std::string e = errorOf(c.text);
        CAPTURE(e);
        CHECK(startsWith(e, "x.json: " + c.path + ": unknown key"));
        CHECK(contains(e, "did you mean \"" + c.guess + "\"?"));
    }
}

TEST_CASE("mmu config error: unknown frame_allocation and page_replacement values") {
    std::string e = errorOf(mmu(R"("frame_allocation": "sequental")"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/frame_allocation: "));
    CHECK(contains(e, "did you mean \"sequential\"?"));
    e = errorOf(mmu(R"("page_replacement": "clok")"));
    CHECK(startsWith(e, "x.json: /mmu/page_replacement: "));
    CHECK(contains(e, "did you mean \"clock\"?"));
    CHECK(contains(e, "fifo, lru, clock, opt"));
}

TEST_CASE("mmu config: page_replacement_scope and tlbs asid (processes) and their errors") {
    const SimConfig c = parse(withKeys(R"("mmu": {"page_replacement_scope": "local"}, "tlbs": [{"asid": true}, {}])"));
    CHECK(std::string(toString(c.mmu->pageReplacementScope)) == "local");
    CHECK(c.tlbs[0].asid);
    CHECK_FALSE(c.tlbs[1].asid);
    CHECK(std::string(toString(PageReplacementScope::Global)) == "global");
    std::string e = errorOf(mmu(R"("page_replacement_scope": "locl")"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/page_replacement_scope: "));
    CHECK(contains(e, "did you mean \"local\"?"));
    e = errorOf(tlbs(R"({"asid": "yes"})"));
    CHECK(startsWith(e, "x.json: /tlbs/0/asid: expected true"));
    CHECK(contains(e, "found"));
}

TEST_CASE("mmu config: page_replacement opt is accepted (runs plan the future in a first pass)") {
    const SimConfig c = parse(mmu(R"("page_replacement": "opt")"));
    REQUIRE(c.mmu);
    CHECK(toString(c.mmu->pageReplacement) == "opt");
}

// ---- errors: the page table ----------------------------------------------------------------

TEST_CASE("mmu config error: page_size must be a power of two") {
    const std::string e = errorOf(mmu(R"("page_size": 6144)"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/page_size: "));
    CHECK(contains(e, "power of two, got 6144"));
}

TEST_CASE("mmu config error: page_size must be at least pte_size") {
    const std::string e = errorOf(mmu(R"("page_size": 4, "pte_size": 8)"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/page_size: "));
    CHECK(contains(e, "at least pte_size (8 bytes), got 4"));
    CHECK(errorOf(mmu(R"("page_size": 8, "pte_size": 8, "bits_per_level": [1], "physical_memory": 64)")).empty());
}

TEST_CASE("mmu config error: pte_size must be 4 or 8") {
    const std::string e = errorOf(mmu(R"("pte_size": 16)"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/pte_size: "));
    CHECK(contains(e, "4 or 8"));
    CHECK(contains(e, "got 16"));
}

TEST_CASE("mmu config error: bits_per_level entries are 1 to 30") {
    std::string e = errorOf(mmu(R"("bits_per_level": [10, 0])"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/bits_per_level/1: "));
    CHECK(contains(e, "1 to 30 bits, got 0"));
    e = errorOf(mmu(R"("bits_per_level": [31])"));
    CHECK(startsWith(e, "x.json: /mmu/bits_per_level/0: "));
    CHECK(contains(e, "got 31"));
    CHECK(errorOf(mmu(R"("bits_per_level": [30], "page_size": 4096)")).empty());
}

TEST_CASE("mmu config error: virtual addresses of more than 64 bits") {
    // 12 + 6 x 9 = 66 bits; 12 + 52 = 64 is the largest allowed.
    const std::string e = errorOf(mmu(R"("levels": 6)"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/bits_per_level: "));
    CHECK(contains(e, "66 bits"));
    CHECK(contains(e, "at most 64"));
    CHECK(errorOf(mmu(R"("bits_per_level": [26, 26])")).empty());
}

TEST_CASE("mmu config error: physical_memory must be a positive multiple of the page size") {
    std::string e = errorOf(mmu(R"("physical_memory": 6000)"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/physical_memory: "));
    CHECK(contains(e, "multiple of page_size (4KiB), got 6000"));
    e = errorOf(mmu(R"("physical_memory": 0)"));
    CHECK(startsWith(e, "x.json: /mmu/physical_memory: "));
    CHECK(contains(e, "positive"));
}

TEST_CASE("mmu config error: physical_memory at most 2^48") {
    // 2^48 = 262144 GiB is allowed (with 1 MiB pages: 2^28 frames; with 4 KiB pages it would be 2^36
    // frames, beyond the 2^32 - 2 frame limit tested in resources_test.cpp); one page more is not.
    CHECK(errorOf(mmu(R"("page_size": "1MiB", "physical_memory": "262144GiB")")).empty());
    const std::string e = errorOf(mmu(R"("page_size": "1MiB", "physical_memory": 281474977759232)"));  // 2^48 + 1 MiB
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/physical_memory: "));
    CHECK(contains(e, "at most 2^48"));
}

// ---- errors: huge pages ----------------------------------------------------------------------

TEST_CASE("mmu config error: a huge page size that is no level's span") {
    // x86-64 layout: levels 1 and 2 give 1 GiB and 2 MiB; 4 MiB is neither.
    const std::string e = errorOf(mmu(R"("huge_pages": [{"base": 0, "size": "4MiB", "page_size": "4MiB"}])"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/huge_pages/0/page_size: "));
    CHECK(contains(e, "got 4MiB"));
    CHECK(contains(e, "allowed here: 1GiB, 2MiB"));
    // The root level (512 GiB spans) and the normal page size are not huge pages.
    CHECK(contains(errorOf(mmu(R"("huge_pages": [{"base": 0, "size": "512GiB", "page_size": "512GiB"}])")),
                   "/mmu/huge_pages/0/page_size: "));
    CHECK(contains(errorOf(mmu(R"("huge_pages": [{"base": 0, "size": "4KiB", "page_size": "4KiB"}])")),
                   "/mmu/huge_pages/0/page_size: "));
    // A 3-level table has one level (1) that is neither the root nor the last: 4 KiB x 2^9 = 2 MiB.
    CHECK(errorOf(mmu(R"("bits_per_level": [2, 9, 9], "huge_pages": [{"base": 0, "size": "2MiB"}])")).empty());
    // Tables of 1 or 2 levels have none (level 0 is the root, level 1 the last of the 2).
    CHECK(contains(errorOf(mmu(R"("bits_per_level": [20], "huge_pages": [{"base": 0, "size": "2MiB"}])")),
                   "allows no huge pages"));
    CHECK(contains(errorOf(mmu(R"("bits_per_level": [10, 10], "huge_pages": [{"base": 0, "size": "4MiB", "page_size": "4MiB"}])")),
                   "allows no huge pages"));
}

TEST_CASE("mmu config error: huge page base and size must be multiples of the huge page size") {
    std::string e = errorOf(mmu(R"("huge_pages": [{"base": "0x100000", "size": "2MiB"}])"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/huge_pages/0/base: "));
    CHECK(contains(e, "multiple of the huge page size (2MiB), got 0x100000"));
    e = errorOf(mmu(R"("huge_pages": [{"base": "0x200000", "size": "3MiB"}])"));
    CHECK(startsWith(e, "x.json: /mmu/huge_pages/0/size: "));
    CHECK(contains(e, "got 3145728"));
}

TEST_CASE("mmu config error: a huge page range beyond the virtual address space") {
    // 12 + 2 + 9 + 9 = 32-bit addresses, 2 MiB huge pages; [0xFFE00000, +4 MiB) ends past 2^32.
    const std::string e =
        errorOf(mmu(R"("bits_per_level": [2, 9, 9], "huge_pages": [{"base": "0xFFE00000", "size": "4MiB"}])"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/huge_pages/0: "));
    CHECK(contains(e, "beyond the virtual address space (32 bits"));
    // Ending exactly at 2^32 is fine.
    CHECK(errorOf(mmu(R"("bits_per_level": [2, 9, 9], "huge_pages": [{"base": "0xFFE00000", "size": "2MiB"}])")).empty());
}

TEST_CASE("mmu config error: overlapping huge page ranges") {
    const std::string e = errorOf(mmu(R"("huge_pages": [{"base": "0x40000000", "size": "1GiB", "page_size": "1GiB"},
        {"base": "0x7FE00000", "size": "4MiB"}])"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/huge_pages/1: "));
    CHECK(contains(e, "overlaps /mmu/huge_pages/0"));
    // Adjacent ranges do not overlap.
    CHECK(errorOf(mmu(R"("huge_pages": [{"base": "0x40000000", "size": "1GiB", "page_size": "1GiB"},
        {"base": "0x80000000", "size": "4MiB"}])")).empty());
}

TEST_CASE("mmu config error: bad huge page base") {
    const std::string e = errorOf(mmu(R"("huge_pages": [{"base": "0x4G", "size": "2MiB"}])"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/huge_pages/0/base: "));
    CHECK(contains(e, "hexadecimal string"));
}

// ---- errors: walk caches and walk_entry ----------------------------------------------------

TEST_CASE("mmu config error: walk cache level out of range") {
    const std::string e = errorOf(mmu(R"("walk_caches": [{"level": 3}])"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/walk_caches/0/level: "));
    CHECK(contains(e, "between 0 (the root) and 2"));
    CHECK(contains(e, "got 3"));
    CHECK(errorOf(mmu(R"("walk_caches": [{"level": 2}])")).empty());
}

TEST_CASE("mmu config error: walk cache geometry and replacement") {
    std::string e = errorOf(mmu(R"("walk_caches": [{"entries": 24, "associativity": 4}])"));  // 6 sets
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/walk_caches/0/associativity: "));
    CHECK(contains(e, "24 / 4 = 6"));
    e = errorOf(mmu(R"("walk_caches": [{"entries": 32, "associativity": 5}])"));
    CHECK(startsWith(e, "x.json: /mmu/walk_caches/0/associativity: "));
    CHECK(contains(e, "must divide the number of entries (32), got 5"));
    e = errorOf(mmu(R"("walk_caches": [{"entries": 0}])"));
    CHECK(startsWith(e, "x.json: /mmu/walk_caches/0/entries: "));
    e = errorOf(mmu(R"("walk_caches": [{"replacement": "lur"}])"));
    CHECK(startsWith(e, "x.json: /mmu/walk_caches/0/replacement: "));
    CHECK(contains(e, "did you mean \"lru\"?"));
}

TEST_CASE("mmu config error: walk_entry must name a data cache or memory") {
    std::string e = errorOf(mmu(R"("walk_entry": "L3")"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /mmu/walk_entry: "));
    CHECK(contains(e, "unknown cache \"L3\""));
    CHECK(contains(e, "memory, L1, L2"));
    e = errorOf(mmu(R"("walk_entry": "memroy")"));
    CHECK(contains(e, "did you mean \"memory\"?"));
    e = errorOf(R"({"caches": [{"size": "1KiB", "holds": "instructions", "associativity": 2}, {"size": "1KiB", "holds": "data", "associativity": 2}],
        "mmu": {"walk_entry": "L1I"}})");
    CHECK(startsWith(e, "x.json: /mmu/walk_entry: "));
    CHECK(contains(e, "holds only instructions"));
    CHECK(parse(mmu(R"("walk_entry": "memory")")).mmu->walkEntry == "memory");
}

TEST_CASE("mmu config: walk_entry defaults to the first cache holding data") {
    const SimConfig c = parse(R"({"caches": [{"size": "1KiB", "holds": "instructions", "associativity": 2},
        {"size": "1KiB", "holds": "data", "associativity": 2}, {"size": "4KiB"}], "mmu": {}})");
    CHECK(c.mmu->walkEntry == "L1D");
    const SimConfig onlyFetches = parse(R"({"caches": [{"size": "1KiB", "holds": "instructions", "associativity": 2}], "mmu": {}})");
    CHECK(onlyFetches.mmu->walkEntry == "memory");
}

// ---- errors: TLBs ----------------------------------------------------------------------------

TEST_CASE("mmu config error: TLB geometry") {
    std::string e = errorOf(tlbs(R"({"entries": 0})"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /tlbs/0/entries: "));
    CHECK(contains(e, "at least 1 entry"));
    e = errorOf(tlbs(R"({"entries": 1536, "associativity": 8})"));  // 192 sets
    CHECK(startsWith(e, "x.json: /tlbs/0/associativity: "));
    CHECK(contains(e, "1536 / 8 = 192"));
    CHECK(contains(e, "power of two"));
    e = errorOf(tlbs(R"({"entries": 64, "associativity": 5})"));
    CHECK(startsWith(e, "x.json: /tlbs/0/associativity: "));
    CHECK(contains(e, "must divide the number of entries (64), got 5"));
    e = errorOf(tlbs(R"({"entries": 8, "associativity": 16})"));
    CHECK(startsWith(e, "x.json: /tlbs/0/associativity: "));
    CHECK(contains(e, "at most the number of entries (8), got 16"));
    e = errorOf(tlbs(R"({}, {"associativity": "half"})"));
    CHECK(startsWith(e, "x.json: /tlbs/1/associativity: "));
    CHECK(contains(e, "\"full\""));
    // Fully associative with any entry count is fine: one set.
    CHECK(errorOf(tlbs(R"({"entries": 72, "associativity": "full"})")).empty());
}

TEST_CASE("mmu config error: TLB replacement must be a registered policy") {
    const std::string e = errorOf(tlbs(R"({"replacement": "fifi"})"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /tlbs/0/replacement: "));
    CHECK(contains(e, "unknown replacement policy \"fifi\""));
    CHECK(contains(e, "did you mean \"fifo\"?"));
    CHECK(contains(e, "Valid policies: "));
}

TEST_CASE("mmu config error: duplicate TLB names, default names included") {
    std::string e = errorOf(tlbs(R"({"name": "TLB"}, {"name": "TLB"})"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /tlbs/1/name: "));
    CHECK(contains(e, "duplicate TLB name \"TLB\""));
    e = errorOf(tlbs(R"({"name": "TLB2"}, {})"));  // the second defaults to TLB2
    CHECK(startsWith(e, "x.json: /tlbs/1/name: "));
    CHECK(contains(e, "\"TLB2\""));
}

TEST_CASE("mmu config error: an unreachable TLB") {
    // A both-TLB's misses go to the next both-TLB: the instruction-only TLB after it gets nothing.
    const std::string e = errorOf(tlbs(R"({}, {"holds": "instructions"})"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /tlbs/1/holds: "));
    CHECK(contains(e, "\"TLB2I\""));
    CHECK(contains(e, "can never be reached"));
}

TEST_CASE("mmu config error: wrong JSON types in the translation keys") {
    CHECK(startsWith(errorOf(withKeys(R"("mmu": [])")), "x.json: /mmu: expected an mmu object"));
    CHECK(startsWith(errorOf(withKeys(R"("mmu": {}, "tlbs": {})")), "x.json: /tlbs: expected an array"));
    CHECK(startsWith(errorOf(mmu(R"("bits_per_level": "9")")), "x.json: /mmu/bits_per_level: expected"));
    CHECK(startsWith(errorOf(mmu(R"("page_size": true)")), "x.json: /mmu/page_size: expected a size"));
    CHECK(startsWith(errorOf(mmu(R"("huge_pages": [{"size": "2MiB"}])")), "x.json: /mmu/huge_pages/0/base: required"));
    CHECK(startsWith(errorOf(mmu(R"("walk_entry": "")")), "x.json: /mmu/walk_entry: must not be empty"));
    CHECK(startsWith(errorOf(tlbs(R"({"name": ""})")), "x.json: /tlbs/0/name: must not be empty"));
}

// ---- presets ---------------------------------------------------------------------------------

TEST_CASE("mmu config presets: TLBs and page tables of the hardware presets (sets worked by hand)") {
    struct Expected {
        const char* file;
        std::vector<std::string> names;
        std::vector<std::uint32_t> sets;
        std::uint64_t physicalMemory;
    };
    const std::uint64_t GiB = std::uint64_t{1} << 30;
    const Expected presets[] = {
        {"skylake-client.json", {"ITLB", "DTLB", "STLB"}, {16, 16, 128}, 16 * GiB},            // 128/8, 64/4, 1536/12
        {"zen4.json", {"L1ITLB", "L1DTLB", "L2ITLB", "L2DTLB"}, {1, 1, 64, 128}, 16 * GiB},   // full, full, 512/8, 3072/24
        {"cortex-a72.json", {"L1ITLB", "L1DTLB", "L2TLB"}, {1, 1, 256}, 4 * GiB},              // full, full, 1024/4
    };
    for (const Expected& e : presets) {
        CAPTURE(e.file);
        const SimConfig c = loadConfig((kRoot / "configs" / e.file).string());
        CHECK((c.addressing == Addressing::Physical));
        REQUIRE(c.mmu.has_value());
        CHECK(c.mmu->pageSize == 4096);
        CHECK(c.mmu->virtualBits() == 48);
        CHECK((c.mmu->pageReplacement == PageReplacementKind::Lru));
        CHECK(c.mmu->physicalMemory == e.physicalMemory);
        REQUIRE(c.tlbs.size() == e.names.size());
        for (std::size_t i = 0; i < c.tlbs.size(); ++i) {
            CAPTURE(i);
            CHECK(c.tlbs[i].name == e.names[i]);
            CHECK(c.tlbs[i].sets() == e.sets[i]);
        }
    }
}

TEST_CASE("mmu config presets: teaching-paging.json is the documented 2-level layout") {
    const SimConfig c = loadConfig((kRoot / "configs" / "teaching-paging.json").string());
    REQUIRE(c.mmu.has_value());
    const MmuConfig& m = *c.mmu;
    CHECK(m.bitsPerLevel == std::vector<std::uint32_t>{10, 10});
    CHECK(m.pageSize == 4096);
    CHECK(m.pteSize == 4);
    CHECK(m.virtualBits() == 32);
    CHECK(m.frames() == 16);  // 64 KiB / 4 KiB
    CHECK((m.pageReplacement == PageReplacementKind::Fifo));
    CHECK(m.walkEntry == "L1");
    REQUIRE(c.tlbs.size() == 1);
    CHECK(c.tlbs[0].entries == 8);
    CHECK(c.tlbs[0].ways() == 2);
    CHECK(c.tlbs[0].sets() == 4);
    // The caches are those of teaching.json.
    const SimConfig teaching = loadConfig((kRoot / "configs" / "teaching.json").string());
    CHECK(c.caches == teaching.caches);
    CHECK(c.memory == teaching.memory);
}

TEST_CASE("mmu config presets: teaching.json and default.json stay without translation") {
    for (const char* file : {"teaching.json", "default.json"}) {
        CAPTURE(file);
        const SimConfig c = loadConfig((kRoot / "configs" / file).string());
        CHECK_FALSE(c.mmu.has_value());
        CHECK(c.tlbs.empty());
        CHECK((c.addressing == Addressing::Virtual));
    }
}

TEST_CASE("mmu config schema: translation keys agree with toJson, and TLB policies with the cache list") {
    SimConfig c = parse(mmu(R"("huge_pages": [{"base": 0, "size": "2MiB"}], "walk_caches": [{}])"));
    c.tlbs.resize(1);
    const json j = toJson(c);
    auto keys = [](const json& object) {
        std::set<std::string> k;
        for (const auto& item : object.items()) k.insert(item.key());
        return k;
    };
    const json& defs = schema()["$defs"];
    CHECK(keys(j["mmu"]) == keys(defs["mmu"]["properties"]));
    CHECK(keys(j["mmu"]["huge_pages"][0]) == keys(defs["hugePages"]["properties"]));
    CHECK(keys(j["mmu"]["walk_caches"][0]) == keys(defs["walkCache"]["properties"]));
    CHECK(keys(j["tlbs"][0]) == keys(defs["tlb"]["properties"]));
    const json& cachePolicies = defs["cache"]["properties"]["replacement"]["enum"];
    CHECK(defs["tlb"]["properties"]["replacement"]["enum"] == cachePolicies);
    CHECK(defs["walkCache"]["properties"]["replacement"]["enum"] == cachePolicies);
    CHECK(cachescope::test::schemaErrors(schema(), j).empty());
    // The schema rejects what the loader rejects for types and enums.
    json bad = j;
    bad["mmu"]["page_replacement"] = "optimal";
    CHECK_FALSE(cachescope::test::schemaErrors(schema(), bad).empty());
    bad = j;
    bad["tlbs"][0]["entires"] = 8;
    CHECK_FALSE(cachescope::test::schemaErrors(schema(), bad).empty());
}

TEST_CASE("mmu config: the example of docs/config.md \"Translation\" parses as described") {
    std::ifstream in(kRoot / "docs" / "config.md");
    std::ostringstream t;
    t << in.rdbuf();
    const std::string doc = t.str();
    const std::size_t section = doc.find("## Translation");
    REQUIRE(section != std::string::npos);
    const std::size_t begin = doc.find("```jsonc", section);
    REQUIRE(begin != std::string::npos);
    const std::size_t end = doc.find("```", begin + 8);
    const SimConfig c = parse(doc.substr(begin + 8, end - begin - 8));
    REQUIRE(c.mmu.has_value());
    CHECK(c.mmu->physicalMemory == 64 * 1024 * 1024);
    CHECK((c.mmu->pageReplacement == PageReplacementKind::Clock));
    REQUIRE(c.tlbs.size() == 2);
    CHECK(c.tlbs[0].name == "TLB1D");
    CHECK(c.tlbs[0].sets() == 16);
    CHECK(c.tlbs[1].name == "TLB2");
    CHECK(c.tlbs[1].sets() == 128);
}

TEST_CASE("mmu config: an invalid TLB in a file names the file and the path") {
    const std::string path = (kRoot / "tests" / "data" / "bad-tlb-sets.json").string();
    std::string e;
    try {
        loadConfig(path);
    } catch (const ConfigError& ex) {
        e = ex.what();
    }
    CAPTURE(e);
    CHECK(startsWith(e, path + ": /tlbs/0/associativity: "));
    CHECK(contains(e, "192"));
}

TEST_CASE("mmu config: readahead and storage (docs/mmap.md)") {
    const SimConfig d = parse(mmu(""));
    CHECK(d.mmu->readahead == 0);
    CHECK(d.mmu->storage.latencyNs == 100000);
    CHECK(d.mmu->storage.bandwidth == 2147483648u);
    const SimConfig c = parse(mmu(R"("readahead": 8, "storage": {"latency_ns": 80000, "bandwidth": "3GiB"})"));
    CHECK(c.mmu->readahead == 8);
    CHECK(c.mmu->storage.latencyNs == 80000);
    CHECK(c.mmu->storage.bandwidth == 3u * 1024 * 1024 * 1024);
    const json j = toJson(c);
    CHECK(j["mmu"]["readahead"] == 8);
    CHECK(j["mmu"]["storage"] == json::parse(R"({"latency_ns": 80000, "bandwidth": 3221225472})"));
    CHECK(parseConfig(j.dump(), "round trip") == c);
    // 64 KiB of physical memory: 16 frames.
    CHECK(contains(errorOf(mmu(R"("physical_memory": "64KiB", "readahead": 17)")),
                   "/mmu/readahead: reads 17 pages ahead but physical memory holds 16 frames"));
    CHECK(contains(errorOf(mmu(R"("storage": {"bandwidth": 0})")), "/mmu/storage/bandwidth: must be at least 1"));
    CHECK(contains(errorOf(mmu(R"("storage": {"latency": 5})")), "/mmu/storage"));
    CHECK(contains(errorOf(mmu(R"("storage": 5)")), "/mmu/storage: expected a storage object"));
    CHECK(contains(errorOf(mmu(R"("readahead": -1)")), "/mmu/readahead"));
}
