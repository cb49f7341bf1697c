// JSON text -> SimConfig. Checks JSON syntax, types and unknown keys here; every other rule is in
// validate.cpp. Every error is one ConfigError starting with "<source>: <JSON path>: ".

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "cachescope/config/config.hpp"
#include "cachescope/config/presets.hpp"
#include "cachescope/config/topology.hpp"
#include "cachescope/core/error.hpp"
#include "internal.hpp"

namespace cachescope {

namespace {

using nlohmann::json;
using configdetail::closest;
using configdetail::joinNames;
using configdetail::where;

const char* const kSizeExample = "a size such as 32768 or \"32KiB\"";

/// How a JSON value is shown in "found ..." : scalars as written, containers by kind.
std::string describe(const json& j) {
    if (j.is_array()) return "an array";
    if (j.is_object()) return "an object";
    std::string s = j.dump();
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
}

template <class E>
struct EnumName {
    const char* name;
    E value;
};

class Parser {
public:
    explicit Parser(std::string source) : source_(std::move(source)) {}

    SimConfig parse(const json& root) {
        SimConfig config;
        if (!root.is_object()) fail("/", "expected an object with a \"caches\" array, found " + describe(root));
        checkKeys(root, "", {"$schema", "name", "description", "seed", "caches", "memory", "addressing", "mmu", "tlbs"});
        // "$schema" only tells editors where configs/schema.json is; it must be a string.
        if (root.contains("$schema")) string(root["$schema"], "/$schema");
        if (root.contains("name")) config.name = string(root["name"], "/name");
        if (root.contains("description")) config.description = string(root["description"], "/description");
        if (root.contains("seed")) config.seed = unsignedInteger(root["seed"], "/seed", "a non-negative integer");
        if (!root.contains("caches"))
            fail("/caches", "required key missing: an array of caches ordered from the CPU outward");
        const json& caches = root["caches"];
        if (!caches.is_array()) fail("/caches", "expected an array of caches, found " + describe(caches));
        std::vector<bool> named;
        for (std::size_t i = 0; i < caches.size(); ++i) {
            config.caches.push_back(cache(caches[i], "/caches/" + std::to_string(i)));
            named.push_back(caches[i].contains("name"));
        }
        if (root.contains("memory")) {
            const json& memory = root["memory"];
            if (!memory.is_object()) fail("/memory", "expected an object, found " + describe(memory));
            checkKeys(memory, "/memory", {"latency"});
            if (memory.contains("latency")) config.memory.latency = latency(memory["latency"], "/memory/latency");
        }
        // Default names, from the shape of the hierarchy.
        const Topology topology = computeTopology(config.caches);
        for (std::size_t i = 0; i < config.caches.size(); ++i)
            if (!named[i]) config.caches[i].name = configdetail::defaultCacheName(config.caches, topology, i);
        translation(root, config);
        configdetail::validateConfig(config, source_);
        for (CacheConfig& c : config.caches)
            if (c.fullyAssociative) c.associativity = c.ways();
        if (config.mmu) {
            for (TlbConfig& t : config.tlbs)
                if (t.fullyAssociative) t.associativity = t.entries;
            for (WalkCacheConfig& w : config.mmu->walkCaches)
                if (w.fullyAssociative) w.associativity = w.entries;
            // The default entry point of page walks, written out: the first cache holding data.
            if (config.mmu->walkEntry.empty())
                config.mmu->walkEntry =
                    topology.firstData == Topology::kMemory ? "memory" : config.caches[topology.firstData].name;
        }
        return config;
    }

private:
    [[noreturn]] void fail(const std::string& path, const std::string& message) const {
        throw ConfigError(where(source_, path) + message);
    }

    void checkKeys(const json& object, const std::string& path, const std::vector<std::string>& allowed) const {
        for (const auto& item : object.items()) {
            const std::string& key = item.key();
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            const std::string guess = closest(key, allowed);
            if (!guess.empty()) fail(path + "/" + key, "unknown key; did you mean \"" + guess + "\"?");
            fail(path + "/" + key, "unknown key; allowed keys here: " + joinNames(allowed));
        }
    }

    std::string string(const json& j, const std::string& path) const {
        if (!j.is_string()) fail(path, "expected a string, found " + describe(j));
        return j.get<std::string>();
    }

    std::uint64_t unsignedInteger(const json& j, const std::string& path, const std::string& expected) const {
        if (!j.is_number_unsigned()) fail(path, "expected " + expected + ", found " + describe(j));
        return j.get<std::uint64_t>();
    }

    std::uint32_t latency(const json& j, const std::string& path) const {
        const std::uint64_t v = unsignedInteger(j, path, "a non-negative integer number of cycles");
        if (v > std::numeric_limits<std::uint32_t>::max())
            fail(path, "must be at most 4294967295 cycles, got " + std::to_string(v));
        return static_cast<std::uint32_t>(v);
    }

    std::uint64_t size(const json& j, const std::string& path) const {
        if (j.is_number_unsigned()) return j.get<std::uint64_t>();
        if (j.is_string())
            if (const auto v = parseSize(j.get<std::string>())) return *v;
        fail(path, std::string("expected ") + kSizeExample + ", found " + describe(j));
    }

    template <class E, std::size_t N>
    E enumeration(const json& j, const std::string& path, const EnumName<E> (&names)[N]) const {
        std::vector<std::string> allowed;
        for (const auto& n : names) allowed.emplace_back(n.name);
        if (!j.is_string()) fail(path, "expected one of " + joinNames(allowed) + ", found " + describe(j));
        const std::string s = j.get<std::string>();
        for (const auto& n : names)
            if (s == n.name) return n.value;
        std::string message = "unknown value " + describe(j);
        const std::string guess = closest(s, allowed);
        if (!guess.empty()) message += "; did you mean \"" + guess + "\"?";
        fail(path, message + " Expected one of: " + joinNames(allowed));
    }

    CacheConfig cache(const json& j, const std::string& path) const {
        static constexpr EnumName<WritePolicy> kWritePolicies[] = {{"write-back", WritePolicy::WriteBack},
                                                                   {"write-through", WritePolicy::WriteThrough}};
        static constexpr EnumName<Inclusion> kInclusions[] = {
            {"nine", Inclusion::Nine}, {"inclusive", Inclusion::Inclusive}, {"exclusive", Inclusion::Exclusive}};
        static constexpr EnumName<Holds> kHolds[] = {
            {"data", Holds::Data}, {"instructions", Holds::Instructions}, {"both", Holds::Both}};

        if (!j.is_object()) fail(path, "expected a cache object such as {\"size\": \"32KiB\"}, found " + describe(j));
        checkKeys(j, path,
                  {"name", "size", "line_size", "associativity", "replacement", "write_policy", "write_allocate",
                   "inclusion", "latency", "holds"});
        CacheConfig c;
        if (j.contains("name")) {
            c.name = string(j["name"], path + "/name");
            if (c.name.empty()) fail(path + "/name", "must not be empty (leave the key out for the default name)");
        }
        if (!j.contains("size"))
            fail(path + "/size", std::string("required key missing: the capacity in bytes, ") + kSizeExample);
        c.size = size(j["size"], path + "/size");
        if (j.contains("line_size")) {
            const std::uint64_t v = size(j["line_size"], path + "/line_size");
            if (v > std::numeric_limits<std::uint32_t>::max())
                fail(path + "/line_size", "too large: got " + std::to_string(v));
            c.lineSize = static_cast<std::uint32_t>(v);
        }
        if (j.contains("associativity")) {
            const json& a = j["associativity"];
            const std::string p = path + "/associativity";
            if (a.is_string() && a.get<std::string>() == "full") {
                c.fullyAssociative = true;
            } else if (a.is_number_unsigned()) {
                const auto v = a.get<std::uint64_t>();
                if (v > std::numeric_limits<std::uint32_t>::max()) fail(p, "too large: got " + std::to_string(v));
                c.associativity = static_cast<std::uint32_t>(v);
            } else {
                fail(p, "expected a number of ways (such as 8) or \"full\", found " + describe(a));
            }
        }
        if (j.contains("replacement")) c.replacement = string(j["replacement"], path + "/replacement");
        if (j.contains("write_policy")) c.writePolicy = enumeration(j["write_policy"], path + "/write_policy", kWritePolicies);
        if (j.contains("write_allocate")) {
            const json& w = j["write_allocate"];
            if (!w.is_boolean()) fail(path + "/write_allocate", "expected true or false, found " + describe(w));
            c.writeAllocate = w.get<bool>();
        }
        if (j.contains("inclusion")) c.inclusion = enumeration(j["inclusion"], path + "/inclusion", kInclusions);
        if (j.contains("latency")) c.latency = latency(j["latency"], path + "/latency");
        if (j.contains("holds")) c.holds = enumeration(j["holds"], path + "/holds", kHolds);
        return c;
    }

    // ---- translation (docs/mmu.md) ----------------------------------------------------------

    void translation(const json& root, SimConfig& config) const {
        static constexpr EnumName<Addressing> kAddressing[] = {{"virtual", Addressing::Virtual},
                                                               {"physical", Addressing::Physical}};
        const bool hasMmu = root.contains("mmu");
        if (root.contains("addressing")) {
            config.addressing = enumeration(root["addressing"], "/addressing", kAddressing);
        } else if (hasMmu) {
            config.addressing = Addressing::Physical;  // implied by the mmu
        }
        if (hasMmu) config.mmu = mmu(root["mmu"], "/mmu");
        if (root.contains("tlbs")) {
            if (!hasMmu)
                fail("/tlbs", "TLBs need an \"mmu\" object (page size, page table, physical memory); add one "
                              "or remove \"tlbs\"");
            const json& tlbs = root["tlbs"];
            if (!tlbs.is_array()) fail("/tlbs", "expected an array of TLBs, found " + describe(tlbs));
            std::vector<bool> named;
            for (std::size_t i = 0; i < tlbs.size(); ++i) {
                config.tlbs.push_back(tlb(tlbs[i], "/tlbs/" + std::to_string(i)));
                named.push_back(tlbs[i].contains("name"));
            }
            for (std::size_t i = 0; i < config.tlbs.size(); ++i)
                if (!named[i]) config.tlbs[i].name = configdetail::defaultTlbName(config.tlbs, i);
        }
    }

    std::uint32_t smallInteger(const json& j, const std::string& path, const std::string& expected) const {
        const std::uint64_t v = unsignedInteger(j, path, expected);
        if (v > std::numeric_limits<std::uint32_t>::max())
            fail(path, "must be at most 4294967295, got " + std::to_string(v));
        return static_cast<std::uint32_t>(v);
    }

    /// "associativity": a number of ways or "full".
    void ways(const json& a, const std::string& p, std::uint32_t& associativity, bool& full) const {
        if (a.is_string() && a.get<std::string>() == "full") {
            full = true;
        } else if (a.is_number_unsigned()) {
            associativity = smallInteger(a, p, "a number of ways");
        } else {
            fail(p, "expected a number of ways (such as 4) or \"full\", found " + describe(a));
        }
    }

    /// A virtual address: a JSON integer or a hexadecimal string such as "0x40000000".
    std::uint64_t address(const json& j, const std::string& path) const {
        if (j.is_number_unsigned()) return j.get<std::uint64_t>();
        if (j.is_string()) {
            const std::string s = j.get<std::string>();
            if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s.size() <= 18) {
                std::uint64_t v = 0;
                bool ok = true;
                for (std::size_t i = 2; i < s.size() && ok; ++i) {
                    const char c = s[i];
                    unsigned digit = 0;
                    if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
                    else if (c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
                    else if (c >= 'A' && c <= 'F') digit = static_cast<unsigned>(c - 'A' + 10);
                    else ok = false;
                    v = (v << 4) | digit;
                }
                if (ok) return v;
            }
        }
        fail(path, "expected an address: an integer or a hexadecimal string such as \"0x40000000\", found " +
                       describe(j));
    }

    MmuConfig mmu(const json& j, const std::string& path) const {
        static constexpr EnumName<FrameAllocation> kFrames[] = {{"sequential", FrameAllocation::Sequential},
                                                                {"random", FrameAllocation::Random}};
        static constexpr EnumName<PageReplacementKind> kReplacers[] = {{"fifo", PageReplacementKind::Fifo},
                                                                       {"lru", PageReplacementKind::Lru},
                                                                       {"clock", PageReplacementKind::Clock},
                                                                       {"opt", PageReplacementKind::Opt}};
        if (!j.is_object())
            fail(path, "expected an mmu object such as {\"page_size\": \"4KiB\"}, found " + describe(j));
        checkKeys(j, path,
                  {"page_size", "levels", "bits_per_level", "pte_size", "physical_memory", "frame_allocation",
                   "page_replacement", "page_replacement_scope", "huge_pages", "walk_caches", "walk_entry",
                   "page_fault_latency", "readahead", "storage", "mode", "protection", "segment_placement",
                   "segments"});
        MmuConfig m;
        if (j.contains("page_size")) m.pageSize = size(j["page_size"], path + "/page_size");
        // levels and bits_per_level: either, both (they must agree) or neither (4 levels of 9 bits).
        constexpr std::uint64_t kMaxLevels = 64;
        std::optional<std::uint64_t> levels;
        if (j.contains("levels")) {
            levels = unsignedInteger(j["levels"], path + "/levels", "a number of page-table levels (such as 4)");
            if (*levels < 1 || *levels > kMaxLevels)
                fail(path + "/levels", "must be between 1 and " + std::to_string(kMaxLevels) + ", got " +
                                           std::to_string(*levels));
        }
        if (j.contains("bits_per_level")) {
            const json& b = j["bits_per_level"];
            const std::string p = path + "/bits_per_level";
            if (b.is_number_unsigned()) {
                const std::uint32_t bits = smallInteger(b, p, "a number of index bits");
                m.bitsPerLevel.assign(levels.value_or(4), bits);
            } else if (b.is_array()) {
                if (b.empty()) fail(p, "must list the index bits of at least one level (root first), found []");
                if (b.size() > kMaxLevels)
                    fail(p, "at most " + std::to_string(kMaxLevels) + " levels, got " + std::to_string(b.size()));
                if (levels && *levels != b.size())
                    fail(p, "lists " + std::to_string(b.size()) + " levels but \"levels\" is " +
                                std::to_string(*levels) + "; they must agree (or give only one of them)");
                m.bitsPerLevel.clear();
                for (std::size_t i = 0; i < b.size(); ++i)
                    m.bitsPerLevel.push_back(smallInteger(b[i], p + "/" + std::to_string(i), "a number of index bits"));
            } else {
                fail(p, "expected a number of index bits (such as 9, for every level) or an array of them root "
                        "first (such as [10, 10]), found " + describe(b));
            }
        } else if (levels) {
            m.bitsPerLevel.assign(*levels, 9);
        }
        if (j.contains("pte_size")) {
            const std::uint64_t v = size(j["pte_size"], path + "/pte_size");
            if (v != 4 && v != 8) fail(path + "/pte_size", "must be 4 or 8 bytes, got " + std::to_string(v));
            m.pteSize = static_cast<std::uint32_t>(v);
        }
        if (j.contains("physical_memory")) m.physicalMemory = size(j["physical_memory"], path + "/physical_memory");
        if (j.contains("frame_allocation"))
            m.frameAllocation = enumeration(j["frame_allocation"], path + "/frame_allocation", kFrames);
        if (j.contains("page_replacement"))
            m.pageReplacement = enumeration(j["page_replacement"], path + "/page_replacement", kReplacers);
        static constexpr EnumName<PageReplacementScope> kScopes[] = {{"global", PageReplacementScope::Global},
                                                                     {"local", PageReplacementScope::Local}};
        if (j.contains("page_replacement_scope"))
            m.pageReplacementScope =
                enumeration(j["page_replacement_scope"], path + "/page_replacement_scope", kScopes);
        if (j.contains("huge_pages")) {
            const json& h = j["huge_pages"];
            const std::string p = path + "/huge_pages";
            if (!h.is_array()) fail(p, "expected an array of huge-page ranges, found " + describe(h));
            for (std::size_t i = 0; i < h.size(); ++i) m.hugePages.push_back(hugePages(h[i], p + "/" + std::to_string(i)));
        }
        if (j.contains("walk_caches")) {
            const json& w = j["walk_caches"];
            const std::string p = path + "/walk_caches";
            if (!w.is_array()) fail(p, "expected an array of walk caches, found " + describe(w));
            for (std::size_t i = 0; i < w.size(); ++i) m.walkCaches.push_back(walkCache(w[i], p + "/" + std::to_string(i)));
        }
        if (j.contains("walk_entry")) {
            m.walkEntry = string(j["walk_entry"], path + "/walk_entry");
            if (m.walkEntry.empty())
                fail(path + "/walk_entry", "must not be empty: a cache name or \"memory\" (leave the key out for "
                                           "the first data cache)");
        }
        if (j.contains("page_fault_latency"))
            m.pageFaultLatency = latency(j["page_fault_latency"], path + "/page_fault_latency");
        if (j.contains("readahead"))
            m.readahead = smallInteger(j["readahead"], path + "/readahead", "a number of pages (0 turns readahead off)");
        if (j.contains("storage")) m.storage = storage(j["storage"], path + "/storage");
        segmentation(j, path, m);
        return m;
    }

    StorageConfig storage(const json& j, const std::string& path) const {
        if (!j.is_object())
            fail(path, "expected a storage object such as {\"latency_ns\": 100000, \"bandwidth\": \"2GiB\"}, found " +
                           describe(j));
        checkKeys(j, path, {"latency_ns", "bandwidth"});
        StorageConfig s;
        if (j.contains("latency_ns"))
            s.latencyNs = unsignedInteger(j["latency_ns"], path + "/latency_ns", "a number of nanoseconds per request");
        if (j.contains("bandwidth")) s.bandwidth = size(j["bandwidth"], path + "/bandwidth");
        return s;
    }

    /// mode, protection, segment_placement and segments (docs/config.md, "Protection and segmentation").
    void segmentation(const json& j, const std::string& path, MmuConfig& m) const {
        static constexpr EnumName<MmuMode> kModes[] = {{"paging", MmuMode::Paging},
                                                       {"segmentation", MmuMode::Segmentation},
                                                       {"segmented-paging", MmuMode::SegmentedPaging}};
        static constexpr EnumName<SegmentPlacement> kPlacements[] = {{"first", SegmentPlacement::First},
                                                                     {"best", SegmentPlacement::Best},
                                                                     {"worst", SegmentPlacement::Worst}};
        if (j.contains("mode")) m.mode = enumeration(j["mode"], path + "/mode", kModes);
        if (j.contains("protection")) {
            if (!j["protection"].is_boolean())
                fail(path + "/protection", "expected true or false, found " + describe(j["protection"]));
            m.protection = j["protection"].get<bool>();
        }
        if (j.contains("segment_placement"))
            m.segmentPlacement = enumeration(j["segment_placement"], path + "/segment_placement", kPlacements);
        if (j.contains("segments")) {
            const json& s = j["segments"];
            const std::string p = path + "/segments";
            if (!s.is_array()) fail(p, "expected an array of segments, found " + describe(s));
            for (std::size_t i = 0; i < s.size(); ++i) m.segments.push_back(segment(s[i], p + "/" + std::to_string(i)));
        }
    }

    SegmentConfig segment(const json& j, const std::string& path) const {
        if (!j.is_object())
            fail(path, "expected a segment such as {\"name\": \"A\", \"start\": \"0x1000\", \"limit\": \"4KiB\", "
                       "\"perm\": \"r\"}, found " + describe(j));
        checkKeys(j, path, {"name", "start", "limit", "base", "perm"});
        SegmentConfig s;
        if (!j.contains("name")) fail(path + "/name", "required key missing: the segment's name");
        s.name = string(j["name"], path + "/name");
        if (!j.contains("start"))
            fail(path + "/start", "required key missing: the first virtual address that selects the segment");
        s.start = address(j["start"], path + "/start");
        if (!j.contains("limit")) fail(path + "/limit", std::string("required key missing: the segment's length, ") + kSizeExample);
        s.limit = size(j["limit"], path + "/limit");
        if (j.contains("base")) s.base = address(j["base"], path + "/base");
        if (j.contains("perm")) {
            const std::string text = string(j["perm"], path + "/perm");
            const auto perm = parsePermissions(text);
            if (!perm) fail(path + "/perm", "expected permissions such as \"r\", \"rw\", \"x\" or \"rwx\", found \"" + text + "\"");
            s.permissions = *perm;
        }
        return s;
    }

    HugePageRange hugePages(const json& j, const std::string& path) const {
        if (!j.is_object())
            fail(path, "expected a range such as {\"base\": \"0x40000000\", \"size\": \"1GiB\"}, found " +
                           describe(j));
        checkKeys(j, path, {"base", "size", "page_size"});
        HugePageRange r;
        if (!j.contains("base")) fail(path + "/base", "required key missing: the first virtual address of the range");
        r.base = address(j["base"], path + "/base");
        if (!j.contains("size")) fail(path + "/size", std::string("required key missing: the range's length, ") + kSizeExample);
        r.size = size(j["size"], path + "/size");
        if (j.contains("page_size")) r.pageSize = size(j["page_size"], path + "/page_size");
        return r;
    }

    WalkCacheConfig walkCache(const json& j, const std::string& path) const {
        if (!j.is_object())
            fail(path, "expected a walk cache such as {\"level\": 2, \"entries\": 32}, found " + describe(j));
        checkKeys(j, path, {"level", "entries", "associativity", "replacement", "latency"});
        WalkCacheConfig w;
        if (j.contains("level")) w.level = smallInteger(j["level"], path + "/level", "a page-table level (0 = root)");
        if (j.contains("entries")) w.entries = smallInteger(j["entries"], path + "/entries", "a number of entries");
        if (j.contains("associativity")) ways(j["associativity"], path + "/associativity", w.associativity, w.fullyAssociative);
        if (j.contains("replacement")) w.replacement = string(j["replacement"], path + "/replacement");
        if (j.contains("latency")) w.latency = latency(j["latency"], path + "/latency");
        return w;
    }

    TlbConfig tlb(const json& j, const std::string& path) const {
        static constexpr EnumName<Holds> kHolds[] = {
            {"data", Holds::Data}, {"instructions", Holds::Instructions}, {"both", Holds::Both}};
        if (!j.is_object())
            fail(path, "expected a TLB object such as {\"entries\": 64, \"associativity\": 4}, found " + describe(j));
        checkKeys(j, path, {"name", "entries", "associativity", "replacement", "latency", "holds", "asid"});
        TlbConfig t;
        if (j.contains("name")) {
            t.name = string(j["name"], path + "/name");
            if (t.name.empty()) fail(path + "/name", "must not be empty (leave the key out for the default name)");
        }
        if (j.contains("entries")) t.entries = smallInteger(j["entries"], path + "/entries", "a number of entries");
        if (j.contains("associativity")) ways(j["associativity"], path + "/associativity", t.associativity, t.fullyAssociative);
        if (j.contains("replacement")) t.replacement = string(j["replacement"], path + "/replacement");
        if (j.contains("latency")) t.latency = latency(j["latency"], path + "/latency");
        if (j.contains("holds")) t.holds = enumeration(j["holds"], path + "/holds", kHolds);
        if (j.contains("asid")) {
            if (!j["asid"].is_boolean())
                fail(path + "/asid", "expected true (entries tagged by process, kept across context switches) or "
                                     "false (flushed at every switch), found " + describe(j["asid"]));
            t.asid = j["asid"].get<bool>();
        }
        return t;
    }

    std::string source_;
};

}  // namespace

SimConfig parseConfig(std::string_view text, const std::string& source) {
    json root;
    try {
        root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
    } catch (const json::parse_error& e) {
        // e.byte counts the characters read, the offending one included: it sits at index byte - 1.
        // For a multi-character token (a string, a number, a literal) that is its last character.
        const std::size_t at = e.byte == 0 ? 0 : std::min<std::size_t>(e.byte - 1, text.size());
        std::size_t line = 1;
        std::size_t lineStart = 0;
        for (std::size_t i = 0; i < at; ++i)
            if (text[i] == '\n') {
                ++line;
                lineStart = i + 1;
            }
        const std::size_t column = at - lineStart + 1;
        // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 2: <what>".
        std::string what = e.what();
        if (const auto c = what.find("column "); c != std::string::npos)
            if (const auto colon = what.find(": ", c); colon != std::string::npos) what = what.substr(colon + 2);
        throw ConfigError(source + ":" + std::to_string(line) + ":" + std::to_string(column) +
                          ": JSON syntax error: " + what);
    } catch (const json::out_of_range& e) {
        // nlohmann's only out_of_range while parsing: "[json.exception.out_of_range.406] number
        // overflow parsing '1e400'" (a number beyond a double's range).
        std::string what = e.what();
        std::string number;
        if (const auto q = what.find('\''); q != std::string::npos) number = what.substr(q);
        throw ConfigError(source + ": a number is too large: " + (number.empty() ? what : number) +
                          " (numbers in a config must fit in 64 bits)");
    }
    return Parser(source).parse(root);
}

SimConfig loadConfig(const std::string& given) {
    // A path that exists is read as given; otherwise a preset name ("skylake-client") or a bundled
    // path ("configs/teaching.json") from any folder (config/presets.hpp).
    const std::string path = resolveConfigPath(given);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw IoError("cannot open config '" + path + "': Is a directory");
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        std::string message = "cannot open config '" + path + "': " + (err != 0 ? std::strerror(err) : "unknown error");
        if (path.find('/') == std::string::npos) {
            const std::vector<PresetInfo> known = presets();
            if (!known.empty()) {
                message += " (nor is it a preset; the presets are";
                for (std::size_t i = 0; i < known.size(); ++i) message += (i == 0 ? " " : ", ") + known[i].name;
                message += ")";
            }
        }
        throw IoError(message);
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw IoError("cannot read config '" + path + "'");
    return parseConfig(text.str(), path);
}

}  // namespace cachescope
