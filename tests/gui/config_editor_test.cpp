// The config editor's model (gui/model/config_editor.hpp): fields checked by the loader itself, the
// message flagged at the field it names, derived values worked out by hand.

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>

#include "cachescope/core/error.hpp"
#include "gui_test_util.hpp"
#include "model/config_editor.hpp"
#include "model/workspace.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

namespace {
/// validate()'s message for a config built in code (the same validator, reached without JSON).
std::string validateMessage(const SimConfig& c) {
    try {
        validate(c);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("config editor: derived values of the teaching caches, live") {
    ConfigEditor ed(loadConfig(sourcePath("configs/teaching.json")));
    CHECK(ed.error().empty());
    REQUIRE(ed.valid());
    // L1: 1 KiB / 64 B = 16 lines, 2 ways -> 8 sets: 3 set bits, 6 offset bits.
    auto d = ed.cacheDerived(0);
    REQUIRE(d);
    CHECK(d->lines == 16);
    CHECK(d->sets == 8);
    CHECK(d->setBits == 3);
    CHECK(d->offsetBits == 6);
    CHECK(ed.text("/caches/0/size") == "1024");
    ed.set("/caches/0/size", "2KiB");  // 32 lines -> 16 sets
    d = ed.cacheDerived(0);
    REQUIRE(d);
    CHECK(d->sets == 16);
    CHECK(d->setBits == 4);
    REQUIRE(ed.valid());
    CHECK(ed.valid()->caches[0].size == 2048);
    ed.set("/caches/0/associativity", "full");
    CHECK(ed.cacheDerived(0)->sets == 1);
    CHECK(ed.valid()->caches[0].fullyAssociative);
    CHECK_FALSE(ed.tlbReach(0));  // no TLBs here
}

TEST_CASE("config editor: an invalid value is flagged with the loader's message, and fixing it clears it") {
    SimConfig base = loadConfig(sourcePath("configs/teaching.json"));
    ConfigEditor ed(base);
    ed.set("/caches/1/associativity", "3");
    CHECK_FALSE(ed.valid());
    CHECK(ed.errorPath() == "/caches/1/associativity");
    SimConfig bad = base;
    bad.caches[1].associativity = 3;
    CHECK(ed.error() ==
          validateMessage(bad));  // "/caches/1/associativity: must divide the number of lines (64), got 3"
    CHECK(ed.flags("/caches/1/associativity"));
    CHECK(ed.flags("/caches/1"));
    CHECK_FALSE(ed.flags("/caches/0/associativity"));
    CHECK_FALSE(ed.cacheDerived(1));
    ed.set("/caches/1/associativity", "8");
    CHECK(ed.error().empty());
    CHECK(ed.valid());
    CHECK(ed.cacheDerived(1)->sets == 8);  // 64 lines / 8 ways

    ed.set("/caches/0/size", "lots");
    CHECK(ed.errorPath() == "/caches/0/size");
    CHECK_FALSE(ed.cacheDerived(0));
    ed.set("/caches/0/replacement", "lru");  // an unrelated valid edit keeps the first problem flagged
    CHECK(ed.errorPath() == "/caches/0/size");
}

TEST_CASE("config editor: TLB reach and MMU fields of teaching-paging") {
    ConfigEditor ed(loadConfig(sourcePath("configs/teaching-paging.json")));
    REQUIRE(ed.valid());
    CHECK(ed.tlbReach(0) == 8u * 4096u);  // 8 entries of 4 KiB pages
    CHECK(ed.text("/mmu/bits_per_level") == "[10,10]");
    ed.set("/tlbs/0/entries", "16");
    CHECK(ed.tlbReach(0) == 16u * 4096u);
    ed.set("/mmu/bits_per_level", "[10, 9]");
    REQUIRE(ed.valid());
    CHECK(ed.valid()->mmu->bitsPerLevel == std::vector<std::uint32_t>{10, 9});
    const auto& f = ed.fields();
    CHECK(std::find(f.begin(), f.end(), "/tlbs/0/entries") != f.end());
    CHECK(std::find(f.begin(), f.end(), "/mmu/page_size") != f.end());
    // The JSON it saves loads back to the same config.
    CHECK(parseConfig(ed.json(), "saved") == *ed.valid());
}

// ---- every key the loader knows ------------------------------------------------------------------

namespace {

/// A config that sets every key the loader accepts (but "$schema"), most of them away from their
/// defaults: split L1s, an L2, an MMU with a huge-page range and a walk cache, a TLB.
const char* kEveryKey = R"({
    "name": "every-key", "description": "all of them", "seed": 7, "addressing": "physical",
    "caches": [
        {"name": "L1D", "size": "1KiB", "line_size": 64, "associativity": 2, "replacement": "lru", "latency": 1,
         "write_policy": "write-back", "write_allocate": true, "inclusion": "nine", "holds": "data"},
        {"name": "L1I", "size": "1KiB", "associativity": 2, "holds": "instructions"},
        {"name": "L2", "size": "4KiB", "associativity": 4, "latency": 10}
    ],
    "memory": {"latency": 100},
    "mmu": {"page_size": "4KiB", "levels": 4, "bits_per_level": 9, "pte_size": 8, "physical_memory": "64MiB",
            "frame_allocation": "sequential", "page_replacement": "clock",
            "huge_pages": [{"base": "0x40000000", "size": "2MiB", "page_size": "2MiB"}],
            "walk_caches": [{"level": 1, "entries": 32, "associativity": "full", "replacement": "lru", "latency": 1}],
            "walk_entry": "L2", "page_fault_latency": 1000},
    "tlbs": [{"name": "DTLB", "entries": 8, "associativity": 2, "replacement": "lru", "latency": 1, "holds": "both"}]
})";

/// One edit (or a few that only make sense together) and what it must do to the parsed config.
struct Edit {
    std::vector<std::pair<std::string, std::string>> set;
    std::function<bool(const SimConfig&)> expect;
};

std::vector<Edit> editOfEveryKey() {
    return {
        {{{"/name", "renamed"}}, [](const SimConfig& c) { return c.name == "renamed"; }},
        {{{"/description", "other"}}, [](const SimConfig& c) { return c.description == "other"; }},
        {{{"/seed", "9"}}, [](const SimConfig& c) { return c.seed == 9; }},
        {{{"/addressing", "physical"}}, [](const SimConfig& c) { return c.addressing == Addressing::Physical; }},
        {{{"/caches/0/name", "D1"}}, [](const SimConfig& c) { return c.caches[0].name == "D1"; }},
        {{{"/caches/0/size", "2KiB"}}, [](const SimConfig& c) { return c.caches[0].size == 2048; }},
        {{{"/caches/0/line_size", "32"}}, [](const SimConfig& c) { return c.caches[0].lineSize == 32; }},
        {{{"/caches/0/associativity", "4"}}, [](const SimConfig& c) { return c.caches[0].associativity == 4; }},
        {{{"/caches/0/replacement", "fifo"}}, [](const SimConfig& c) { return c.caches[0].replacement == "fifo"; }},
        {{{"/caches/0/latency", "2"}}, [](const SimConfig& c) { return c.caches[0].latency == 2; }},
        {{{"/caches/0/write_policy", "write-through"}},
         [](const SimConfig& c) { return c.caches[0].writePolicy == WritePolicy::WriteThrough; }},
        {{{"/caches/0/write_allocate", "false"}}, [](const SimConfig& c) { return !c.caches[0].writeAllocate; }},
        {{{"/caches/2/inclusion", "inclusive"}},
         [](const SimConfig& c) { return c.caches[2].inclusion == Inclusion::Inclusive; }},
        {{{"/caches/2/holds", "data"}}, [](const SimConfig& c) { return c.caches[2].holds == Holds::Data; }},
        {{{"/memory/latency", "150"}}, [](const SimConfig& c) { return c.memory.latency == 150; }},
        {{{"/mmu/page_size", "8KiB"}, {"/mmu/huge_pages/0/page_size", "4MiB"}, {"/mmu/huge_pages/0/size", "4MiB"}},
         [](const SimConfig& c) { return c.mmu->pageSize == 8192 && c.mmu->hugePages[0].pageSize == 4u << 20; }},
        {{{"/mmu/levels", "3"}},  // the array of bits follows: [9, 9, 9]
         [](const SimConfig& c) {
             return c.mmu->bitsPerLevel == std::vector<std::uint32_t>{9, 9, 9};
         }},
        {{{"/mmu/bits_per_level", "[10, 9, 9, 9]"}},
         [](const SimConfig& c) {
             return c.mmu->bitsPerLevel == std::vector<std::uint32_t>{10, 9, 9, 9};
         }},
        {{{"/mmu/pte_size", "4"}}, [](const SimConfig& c) { return c.mmu->pteSize == 4; }},
        {{{"/mmu/physical_memory", "128MiB"}}, [](const SimConfig& c) { return c.mmu->physicalMemory == 128u << 20; }},
        {{{"/mmu/frame_allocation", "random"}},
         [](const SimConfig& c) { return c.mmu->frameAllocation == FrameAllocation::Random; }},
        {{{"/mmu/page_replacement", "fifo"}},
         [](const SimConfig& c) { return c.mmu->pageReplacement == PageReplacementKind::Fifo; }},
        {{{"/mmu/page_replacement_scope", "local"}},
         [](const SimConfig& c) { return c.mmu->pageReplacementScope == PageReplacementScope::Local; }},
        {{{"/mmu/walk_entry", "memory"}}, [](const SimConfig& c) { return c.mmu->walkEntry == "memory"; }},
        {{{"/mmu/page_fault_latency", "5"}}, [](const SimConfig& c) { return c.mmu->pageFaultLatency == 5; }},
        {{{"/mmu/readahead", "4"}}, [](const SimConfig& c) { return c.mmu->readahead == 4; }},
        {{{"/mmu/storage/latency_ns", "5000"}}, [](const SimConfig& c) { return c.mmu->storage.latencyNs == 5000; }},
        {{{"/mmu/storage/bandwidth", "1GiB"}},
         [](const SimConfig& c) { return c.mmu->storage.bandwidth == std::uint64_t{1} << 30; }},
        {{{"/mmu/mode", "segmented-paging"}}, [](const SimConfig& c) { return c.mmu->mode == MmuMode::SegmentedPaging; }},
        {{{"/mmu/protection", "true"}}, [](const SimConfig& c) { return c.mmu->protection; }},
        {{{"/mmu/segment_placement", "worst"}},
         [](const SimConfig& c) { return c.mmu->segmentPlacement == SegmentPlacement::Worst; }},
        {{{"/mmu/huge_pages/0/base", "0x80000000"}},
         [](const SimConfig& c) { return c.mmu->hugePages[0].base == 0x80000000u; }},
        {{{"/mmu/huge_pages/0/size", "4MiB"}}, [](const SimConfig& c) { return c.mmu->hugePages[0].size == 4u << 20; }},
        {{{"/mmu/huge_pages/0/page_size", "1GiB"}, {"/mmu/huge_pages/0/size", "1GiB"}},
         [](const SimConfig& c) { return c.mmu->hugePages[0].pageSize == 1u << 30; }},
        {{{"/mmu/walk_caches/0/level", "0"}}, [](const SimConfig& c) { return c.mmu->walkCaches[0].level == 0; }},
        {{{"/mmu/walk_caches/0/entries", "16"}}, [](const SimConfig& c) { return c.mmu->walkCaches[0].entries == 16; }},
        {{{"/mmu/walk_caches/0/associativity", "4"}},
         [](const SimConfig& c) {
             return !c.mmu->walkCaches[0].fullyAssociative && c.mmu->walkCaches[0].associativity == 4;
         }},
        {{{"/mmu/walk_caches/0/replacement", "fifo"}},
         [](const SimConfig& c) { return c.mmu->walkCaches[0].replacement == "fifo"; }},
        {{{"/mmu/walk_caches/0/latency", "3"}}, [](const SimConfig& c) { return c.mmu->walkCaches[0].latency == 3; }},
        {{{"/tlbs/0/name", "TLBX"}}, [](const SimConfig& c) { return c.tlbs[0].name == "TLBX"; }},
        {{{"/tlbs/0/entries", "16"}}, [](const SimConfig& c) { return c.tlbs[0].entries == 16; }},
        {{{"/tlbs/0/associativity", "full"}}, [](const SimConfig& c) { return c.tlbs[0].fullyAssociative; }},
        {{{"/tlbs/0/replacement", "fifo"}}, [](const SimConfig& c) { return c.tlbs[0].replacement == "fifo"; }},
        {{{"/tlbs/0/latency", "2"}}, [](const SimConfig& c) { return c.tlbs[0].latency == 2; }},
        {{{"/tlbs/0/holds", "data"}}, [](const SimConfig& c) { return c.tlbs[0].holds == Holds::Data; }},
        {{{"/tlbs/0/asid", "true"}}, [](const SimConfig& c) { return c.tlbs[0].asid; }},
    };
}

/// The keys the schema lists for one kind of object, less those the editor edits as structure.
std::vector<std::string> schemaKeys(const nlohmann::json& properties, std::vector<std::string> structural) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : properties.items())
        if (std::find(structural.begin(), structural.end(), key) == structural.end()) keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    return keys;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

TEST_CASE("config editor: its keys are the schema's (configs/schema.json), every one of them") {
    std::ifstream in(sourcePath("configs/schema.json"));
    const nlohmann::json schema = nlohmann::json::parse(in);
    const nlohmann::json& defs = schema["$defs"];
    using K = ConfigEditor::Kind;
    CHECK(sorted(ConfigEditor::keysOf(K::Top)) ==
          schemaKeys(schema["properties"], {"$schema", "caches", "memory", "mmu", "tlbs"}));
    CHECK(sorted(ConfigEditor::keysOf(K::Memory)) == schemaKeys(schema["properties"]["memory"]["properties"], {}));
    CHECK(sorted(ConfigEditor::keysOf(K::Cache)) == schemaKeys(defs["cache"]["properties"], {}));
    CHECK(sorted(ConfigEditor::keysOf(K::Mmu)) ==
          schemaKeys(defs["mmu"]["properties"], {"huge_pages", "walk_caches", "storage", "segments"}));
    CHECK(sorted(ConfigEditor::keysOf(K::Storage)) == schemaKeys(defs["mmu"]["properties"]["storage"]["properties"], {}));
    CHECK(sorted(ConfigEditor::keysOf(K::HugePage)) == schemaKeys(defs["hugePages"]["properties"], {}));
    CHECK(sorted(ConfigEditor::keysOf(K::WalkCache)) == schemaKeys(defs["walkCache"]["properties"], {}));
    CHECK(sorted(ConfigEditor::keysOf(K::Tlb)) == schemaKeys(defs["tlb"]["properties"], {}));
}

TEST_CASE("config editor: every key round-trips, and an edit of each reaches the parsed config") {
    const SimConfig base = parseConfig(kEveryKey, "every-key");
    ConfigEditor ed(base);
    REQUIRE(ed.valid());
    CHECK(*ed.valid() == base);
    // Typing back what is shown changes nothing, field by field.
    for (const std::string& path : ed.fields()) {
        INFO(path);
        const std::string text = ed.text(path);
        CHECK_FALSE(text.empty());  // toJson writes every key
        ed.set(path, text);
        REQUIRE(ed.valid());
        CHECK(*ed.valid() == base);
    }
    CHECK(parseConfig(ed.json(), "saved") == base);

    // Every field has an edit below; each edit, from the base, lands in the parsed config, and the
    // JSON the editor saves loads back to the same.
    const auto edits = editOfEveryKey();
    // (Keys of items are the same in every item: "/caches/1/holds" is covered by "/caches/2/holds".)
    auto kindKey = [](const std::string& path) {
        std::string out;
        for (std::size_t i = 0; i < path.size(); ++i) {
            if (std::isdigit(static_cast<unsigned char>(path[i])) && i > 0 && path[i - 1] == '/') {
                while (i + 1 < path.size() && std::isdigit(static_cast<unsigned char>(path[i + 1]))) ++i;
                out += '*';
            } else {
                out += path[i];
            }
        }
        return out;
    };
    for (const std::string& path : ed.fields()) {
        INFO(path);
        bool covered = false;
        for (const Edit& e : edits)
            for (const auto& [p, t] : e.set) covered = covered || kindKey(p) == kindKey(path);
        CHECK(covered);
    }
    for (const Edit& e : edits) {
        ConfigEditor one(base);
        for (const auto& [path, text] : e.set) one.set(path, text);
        INFO(e.set.front().first, " = ", e.set.front().second, ": ", one.error());
        REQUIRE(one.valid());
        CHECK(e.expect(*one.valid()));
        CHECK(parseConfig(one.json(), "saved") == *one.valid());
    }
    // An empty field leaves the key out: its default comes back.
    ed.set("/caches/0/latency", "");
    CHECK(ed.text("/caches/0/latency").empty());
    REQUIRE(ed.valid());
    CHECK(ed.valid()->caches[0].latency == CacheConfig{}.latency);
    // Names stay strings even when they read as numbers.
    ed.set("/caches/1/name", "2");
    INFO(ed.error());
    REQUIRE(ed.valid());
    CHECK(ed.valid()->caches[1].name == "2");
}

TEST_CASE("config editor: MMU on and off, huge pages, walk caches, TLBs and caches added and removed") {
    ConfigEditor ed(loadConfig(sourcePath("configs/teaching.json")));
    CHECK_FALSE(ed.hasMmu());
    CHECK_FALSE(ed.mmuDerived());
    ed.setMmu(true);
    REQUIRE(ed.valid());
    REQUIRE(ed.valid()->mmu);
    // The loader's defaults: the same as loading the config with "mmu": {}.
    nlohmann::json withMmu = toJson(loadConfig(sourcePath("configs/teaching.json")));
    withMmu["mmu"] = nlohmann::json::object();
    CHECK(*ed.valid() == parseConfig(withMmu.dump(), "with-mmu"));
    // x86-64: 12 offset bits + 4 x 9 = 48; an entry maps 512 GiB, 1 GiB, 2 MiB, 4 KiB (root first);
    // huge pages may be 1 GiB or 2 MiB (neither the root nor the last level); 1 GiB / 4 KiB frames.
    auto m = ed.mmuDerived();
    REQUIRE(m);
    CHECK(m->virtualBits == 48);
    CHECK(m->offsetBits == 12);
    CHECK(m->span == std::vector<std::uint64_t>{std::uint64_t{1} << 39, 1u << 30, 2u << 20, 4096});
    CHECK(m->hugePageSizes == std::vector<std::uint64_t>{1u << 30, 2u << 20});
    CHECK(m->frames == (1u << 30) / 4096);

    ed.add("/mmu/huge_pages");  // the smallest huge page, at 0
    ed.add("/mmu/huge_pages");  // the next one after it
    REQUIRE(ed.valid());
    REQUIRE(ed.valid()->mmu->hugePages.size() == 2);
    CHECK(ed.valid()->mmu->hugePages[0] == HugePageRange{0, 2u << 20, 2u << 20});
    CHECK(ed.valid()->mmu->hugePages[1] == HugePageRange{2u << 20, 2u << 20, 2u << 20});
    CHECK(ed.text("/mmu/huge_pages/1/base") == "0x200000");
    ed.add("/mmu/walk_caches");
    ed.add("/tlbs");
    REQUIRE(ed.valid());
    CHECK(ed.valid()->mmu->walkCaches == std::vector<WalkCacheConfig>{WalkCacheConfig{}});
    CHECK(ed.walkCacheSets(0) == 8u);  // 32 entries, 4 ways
    REQUIRE(ed.valid()->tlbs.size() == 1);
    CHECK(ed.valid()->tlbs[0].entries == TlbConfig{}.entries);
    CHECK(ed.tlbSets(0) == 16u);                // 64 entries, 4 ways
    CHECK(ed.tlbReach(0) == 64u * 4096u);       // 256 KiB
    ed.set("/mmu/bits_per_level", "[10, 10]");  // the textbook 32-bit layout: no level for huge pages
    CHECK(ed.text("/mmu/levels") == "2");
    CHECK(ed.errorPath().rfind("/mmu/huge_pages/0", 0) == 0);
    CHECK(ed.flags("/mmu/huge_pages/0/page_size"));
    CHECK(ed.mmuDerived()->hugePageSizes.empty());
    ed.remove("/mmu/huge_pages/1");
    ed.remove("/mmu/huge_pages/0");
    ed.set("/mmu/walk_caches/0/level", "0");
    REQUIRE(ed.valid());
    CHECK(ed.mmuDerived()->virtualBits == 32);
    const auto& f = ed.fields();
    CHECK(std::find(f.begin(), f.end(), "/mmu/walk_caches/0/entries") != f.end());
    CHECK(std::find(f.begin(), f.end(), "/mmu/huge_pages/0/base") == f.end());

    ed.setMmu(false);
    REQUIRE(ed.valid());
    CHECK_FALSE(ed.valid()->mmu);
    CHECK(ed.valid()->tlbs.empty());
    for (const std::string& path : ed.fields()) CHECK(path.rfind("/mmu", 0) != 0);

    ed.add("/caches");  // a copy of L2, four times its size, with its default name
    REQUIRE(ed.valid());
    REQUIRE(ed.valid()->caches.size() == 3);
    CHECK(ed.valid()->caches[2].size == 16384);
    CHECK(ed.text("/caches/2/name").empty());
    ed.remove("/caches/2");
    REQUIRE(ed.valid());
    CHECK(*ed.valid() == loadConfig(sourcePath("configs/teaching.json")));
}

TEST_CASE("config editor: an invalid value gets the loader's message for a file, and the scene stays") {
    SceneState state;
    REQUIRE(openSceneInto(state, teachingOn("traces/thrash-one-set.trace")));
    state.player->step(7);
    const SimConfig before = state.player->session().config();

    ConfigEditor ed(before);
    ed.set("/caches/0/line_size", "48");
    REQUIRE_FALSE(ed.valid());
    // The same document as a file, through the loader the command line uses.
    const auto file = std::filesystem::temp_directory_path() / "cachescope-editor-test.json";
    { std::ofstream(file) << ed.json(); }
    std::string fromFile;
    try {
        loadConfig(file.string());
    } catch (const ConfigError& e) {
        fromFile = e.what();
    }
    std::filesystem::remove(file);
    CHECK(fromFile == file.string() + ": " + ed.error());
    CHECK(ed.errorPath() == "/caches/0/line_size");

    // The scene is untouched by the draft; applying a config that does not validate keeps it.
    SimConfig broken = before;
    broken.caches[0].lineSize = 48;
    CHECK_FALSE(applyConfig(state, broken));
    CHECK(state.error == validateMessage(broken));
    CHECK(state.player->position() == 7);
    CHECK(state.player->session().config() == before);
    REQUIRE(state.player->last());
    CHECK(state.player->last()->index == 6);
    // A valid one rebuilds and replays to the same position.
    ed.set("/caches/0/line_size", "32");
    REQUIRE(ed.valid());
    CHECK(applyConfig(state, *ed.valid()));
    CHECK(state.error.empty());
    CHECK(state.player->position() == 7);
    CHECK(state.player->session().config().caches[0].lineSize == 32);
}

TEST_CASE("config editor: nonsense in any field gives a message, never an exception") {
    const SimConfig base = parseConfig(kEveryKey, "every-key");
    const std::vector<std::string> nonsense{
        "x",    "-1", "0",  "[",    "[1, \"a\"]",    "1e999", "18446744073709551616",
        "true", "{}", "0x", "full", "99999999999999"};
    const std::vector<std::string> fields = ConfigEditor(base).fields();
    for (const std::string& path : fields)
        for (const std::string& text : nonsense) {
            INFO(path, " = ", text);
            ConfigEditor ed(base);
            CHECK_NOTHROW(ed.set(path, text));
            CHECK((ed.valid().has_value() || !ed.error().empty()));
            CHECK_NOTHROW((void)ed.cacheDerived(0));
            CHECK_NOTHROW((void)ed.tlbReach(0));
            CHECK_NOTHROW((void)ed.tlbSets(0));
            CHECK_NOTHROW((void)ed.walkCacheSets(0));
            CHECK_NOTHROW((void)ed.mmuDerived());
            CHECK_NOTHROW(ed.add("/mmu/huge_pages"));
        }
}
