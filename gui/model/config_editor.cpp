#include "model/config_editor.hpp"

#include <algorithm>
#include <cstdlib>

#include "cachescope/core/address.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"

namespace cachescope::gui {

namespace {

constexpr const char* kSource = "editor";

/// Keys whose values are always strings, whatever the text looks like (a cache named "2").
bool takesString(const std::string& key) {
    static const std::vector<std::string> keys{
        "name",       "description",      "replacement",      "write_policy", "inclusion", "holds",
        "addressing", "frame_allocation", "page_replacement", "walk_entry",   "base",
        "mode",       "segment_placement", "page_replacement_scope"};
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

nlohmann::json valueOf(const std::string& key, const std::string& text) {
    if (takesString(key)) return text;
    // Numbers, booleans and arrays as JSON; everything else (sizes with units, "full") as a string.
    const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
    if (!parsed.is_discarded() && (parsed.is_number() || parsed.is_boolean() || parsed.is_array())) return parsed;
    return text;
}

std::optional<std::uint64_t> sizeOf(const nlohmann::json& v) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_string()) return parseSize(v.get<std::string>());
    return std::nullopt;
}

std::optional<std::uint64_t> unsignedOf(const nlohmann::json& v) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    return std::nullopt;
}

/// A huge-page base: an integer or a "0x..." string (the loader checks it; this only places a new range).
std::optional<std::uint64_t> addressOf(const nlohmann::json& v) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (!v.is_string()) return std::nullopt;
    const std::string s = v.get<std::string>();
    char* end = nullptr;
    const unsigned long long value = std::strtoull(s.c_str(), &end, 0);
    if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
    return value;
}

/// The sets of an entries/associativity pair (a TLB or walk cache), nullopt unless they divide.
std::optional<std::uint64_t> setsOf(const nlohmann::json& item, std::uint64_t defaultEntries,
                                    std::uint64_t defaultWays) {
    const auto entries = unsignedOf(item.value("entries", nlohmann::json(defaultEntries)));
    if (!entries || *entries == 0) return std::nullopt;
    const nlohmann::json assoc = item.value("associativity", nlohmann::json(defaultWays));
    if (assoc == "full") return 1;
    const auto ways = unsignedOf(assoc);
    if (!ways || *ways == 0 || *entries % *ways != 0) return std::nullopt;
    return *entries / *ways;
}

/// The loader's defaults of the structures the editor can add, as toJson writes them.
const nlohmann::json& defaults() {
    static const nlohmann::json d = [] {
        SimConfig c;
        CacheConfig cache;
        cache.size = 4096;
        c.caches.push_back(cache);
        c.addressing = Addressing::Physical;
        c.mmu = MmuConfig{};
        c.mmu->walkCaches.push_back(WalkCacheConfig{});
        c.tlbs.push_back(TlbConfig{});
        return toJson(c);
    }();
    return d;
}

std::string keyOf(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

const std::vector<std::string>& ConfigEditor::keysOf(Kind kind) {
    static const std::vector<std::string> top{"name", "description", "seed", "addressing"};
    static const std::vector<std::string> cache{"name",        "size",    "line_size",    "associativity",
                                                "replacement", "latency", "write_policy", "write_allocate",
                                                "inclusion",   "holds"};
    static const std::vector<std::string> memory{"latency"};
    static const std::vector<std::string> mmu{"page_size",        "levels",          "bits_per_level",
                                              "pte_size",         "physical_memory", "frame_allocation",
                                              "page_replacement", "walk_entry",      "page_fault_latency",
                                              "readahead",        "mode",            "protection",
                                              "segment_placement", "page_replacement_scope"};
    static const std::vector<std::string> storage{"latency_ns", "bandwidth"};  // mmu.storage (docs/mmap.md)
    static const std::vector<std::string> huge{"base", "size", "page_size"};
    static const std::vector<std::string> walk{"level", "entries", "associativity", "replacement", "latency"};
    static const std::vector<std::string> tlb{"name",    "entries", "associativity", "replacement",
                                              "latency", "holds",   "asid"};
    switch (kind) {
        case Kind::Top:
            return top;
        case Kind::Cache:
            return cache;
        case Kind::Memory:
            return memory;
        case Kind::Mmu:
            return mmu;
        case Kind::HugePage:
            return huge;
        case Kind::WalkCache:
            return walk;
        case Kind::Tlb:
            return tlb;
        case Kind::Storage:
            return storage;
    }
    return top;
}

ConfigEditor::ConfigEditor(const SimConfig& config) : doc_(toJson(config)) {
    rebuildFields();
    check();
}

void ConfigEditor::rebuildFields() {
    fields_.clear();
    auto addAll = [&](const std::string& prefix, Kind kind) {
        for (const std::string& key : keysOf(kind)) fields_.push_back(prefix + "/" + key);
    };
    addAll("", Kind::Top);
    if (doc_.contains("caches") && doc_["caches"].is_array())
        for (std::size_t i = 0; i < doc_["caches"].size(); ++i) addAll("/caches/" + std::to_string(i), Kind::Cache);
    addAll("/memory", Kind::Memory);
    if (hasMmu()) {
        addAll("/mmu", Kind::Mmu);
        addAll("/mmu/storage", Kind::Storage);
        const nlohmann::json& m = doc_["mmu"];
        if (m.contains("huge_pages") && m["huge_pages"].is_array())
            for (std::size_t i = 0; i < m["huge_pages"].size(); ++i)
                addAll("/mmu/huge_pages/" + std::to_string(i), Kind::HugePage);
        if (m.contains("walk_caches") && m["walk_caches"].is_array())
            for (std::size_t i = 0; i < m["walk_caches"].size(); ++i)
                addAll("/mmu/walk_caches/" + std::to_string(i), Kind::WalkCache);
    }
    if (doc_.contains("tlbs") && doc_["tlbs"].is_array())
        for (std::size_t i = 0; i < doc_["tlbs"].size(); ++i) addAll("/tlbs/" + std::to_string(i), Kind::Tlb);
}

std::string ConfigEditor::text(const std::string& path) const {
    const nlohmann::json::json_pointer p(path);
    if (!doc_.contains(p)) return "";
    const nlohmann::json& v = doc_.at(p);
    return v.is_string() ? v.get<std::string>() : v.dump();
}

void ConfigEditor::set(const std::string& path, const std::string& text) {
    const nlohmann::json::json_pointer p(path);
    const std::string key = keyOf(path);
    if (text.empty()) {
        if (doc_.contains(p)) doc_.at(p.parent_pointer()).erase(key);
    } else {
        doc_[p] = valueOf(key, text);
    }
    // levels and an array of bits per level must agree: keep them together.
    if (path == "/mmu/bits_per_level" && doc_["mmu"].contains("bits_per_level") &&
        doc_["mmu"]["bits_per_level"].is_array()) {
        doc_["mmu"]["levels"] = doc_["mmu"]["bits_per_level"].size();
    } else if (path == "/mmu/levels" && doc_["mmu"].contains("bits_per_level") &&
               doc_["mmu"]["bits_per_level"].is_array() && !doc_["mmu"]["bits_per_level"].empty()) {
        if (const auto levels = unsignedOf(doc_["mmu"].value("levels", nlohmann::json())); levels && *levels <= 64) {
            nlohmann::json& bits = doc_["mmu"]["bits_per_level"];
            const nlohmann::json last = bits.back();
            while (bits.size() > *levels && bits.size() > 1) bits.erase(bits.size() - 1);
            while (bits.size() < *levels) bits.push_back(last);
        }
    }
    check();
}

void ConfigEditor::add(const std::string& arrayPath) {
    const nlohmann::json::json_pointer p(arrayPath);
    if (!doc_.contains(p) || !doc_.at(p).is_array()) doc_[p] = nlohmann::json::array();
    nlohmann::json& items = doc_.at(p);
    if (arrayPath == "/caches") {
        nlohmann::json item = items.empty() ? defaults()["caches"][0] : items.back();
        item.erase("name");
        if (const auto size = sizeOf(item.value("size", nlohmann::json()))) item["size"] = *size * 4;
        items.push_back(std::move(item));
    } else if (arrayPath == "/tlbs") {
        nlohmann::json item = defaults()["tlbs"][0];
        item.erase("name");
        items.push_back(std::move(item));
    } else if (arrayPath == "/mmu/walk_caches") {
        items.push_back(defaults()["mmu"]["walk_caches"][0]);
    } else if (arrayPath == "/mmu/huge_pages") {
        std::uint64_t page = std::uint64_t{2} << 20;
        if (const auto m = mmuDerived(); m && !m->hugePageSizes.empty())
            page = *std::min_element(m->hugePageSizes.begin(), m->hugePageSizes.end());
        std::uint64_t base = 0;  // after every range so far, aligned
        for (const nlohmann::json& h : items) {
            const auto b = addressOf(h.value("base", nlohmann::json()));
            const auto s = sizeOf(h.value("size", nlohmann::json()));
            if (b && s) base = std::max(base, *b + *s);
        }
        base = (base + page - 1) / page * page;
        items.push_back({{"base", hex(base)}, {"size", page}, {"page_size", page}});
    }
    rebuildFields();
    check();
}

void ConfigEditor::remove(const std::string& itemPath) {
    const nlohmann::json::json_pointer p(itemPath);
    const nlohmann::json::json_pointer parent = p.parent_pointer();
    if (doc_.contains(p) && doc_.at(parent).is_array()) doc_.at(parent).erase(std::stoul(keyOf(itemPath)));
    rebuildFields();
    check();
}

void ConfigEditor::setMmu(bool on) {
    if (on == hasMmu()) return;
    if (on) {
        nlohmann::json m = defaults()["mmu"];
        m["walk_caches"] = nlohmann::json::array();
        m.erase("walk_entry");  // the default: the first cache holding data
        doc_["mmu"] = std::move(m);
        doc_["addressing"] = "physical";
        doc_["tlbs"] = nlohmann::json::array();
    } else {
        doc_.erase("mmu");
        doc_.erase("tlbs");
        doc_.erase("addressing");
    }
    rebuildFields();
    check();
}

void ConfigEditor::check() {
    try {
        valid_ = parseConfig(doc_.dump(), kSource);
        error_.clear();
        errorPath_.clear();
    } catch (const ConfigError& e) {
        valid_.reset();
        error_ = e.what();
        // "editor: /caches/0/associativity: message" -> the path between the prefix and ": ".
        const std::string prefix = std::string(kSource) + ": ";
        std::string rest = error_.rfind(prefix, 0) == 0 ? error_.substr(prefix.size()) : error_;
        if (!rest.empty() && rest[0] == '/') {
            errorPath_ = rest.substr(0, rest.find(": "));
            error_ = rest;
        } else {
            errorPath_.clear();
        }
    }
}

bool ConfigEditor::flags(const std::string& path) const {
    if (errorPath_.empty()) return false;
    return errorPath_ == path || errorPath_.rfind(path + "/", 0) == 0;
}

std::optional<ConfigEditor::CacheDerived> ConfigEditor::cacheDerived(std::size_t i) const {
    if (!doc_.contains("caches") || i >= doc_["caches"].size()) return std::nullopt;
    const nlohmann::json& c = doc_["caches"][i];
    const auto size = sizeOf(c.value("size", nlohmann::json()));
    const auto line = sizeOf(c.value("line_size", nlohmann::json(64)));
    if (!size || !line || *line == 0 || !isPowerOfTwo(*line)) return std::nullopt;
    CacheDerived d;
    d.lines = *size / *line;
    const nlohmann::json assoc = c.value("associativity", nlohmann::json(8));
    std::uint64_t ways = 0;
    if (assoc == "full")
        ways = d.lines;
    else if (assoc.is_number_unsigned())
        ways = assoc.get<std::uint64_t>();
    if (ways == 0 || d.lines == 0 || d.lines % ways != 0) return std::nullopt;
    d.sets = d.lines / ways;
    d.offsetBits = log2Exact(*line);
    if (!isPowerOfTwo(d.sets)) return std::nullopt;
    d.setBits = log2Exact(d.sets);
    return d;
}

std::optional<std::uint64_t> ConfigEditor::tlbReach(std::size_t i) const {
    if (!hasMmu() || !doc_.contains("tlbs") || i >= doc_["tlbs"].size()) return std::nullopt;
    const auto page = sizeOf(doc_["mmu"].value("page_size", nlohmann::json(4096)));
    const auto entries = unsignedOf(doc_["tlbs"][i].value("entries", nlohmann::json(64)));
    if (!page || !entries) return std::nullopt;
    return *entries * *page;
}

std::optional<std::uint64_t> ConfigEditor::tlbSets(std::size_t i) const {
    if (!doc_.contains("tlbs") || i >= doc_["tlbs"].size()) return std::nullopt;
    return setsOf(doc_["tlbs"][i], 64, 4);
}

std::optional<std::uint64_t> ConfigEditor::walkCacheSets(std::size_t i) const {
    if (!hasMmu() || !doc_["mmu"].contains("walk_caches") || i >= doc_["mmu"]["walk_caches"].size())
        return std::nullopt;
    return setsOf(doc_["mmu"]["walk_caches"][i], 32, 4);
}

std::optional<ConfigEditor::MmuDerived> ConfigEditor::mmuDerived() const {
    if (!hasMmu()) return std::nullopt;
    const nlohmann::json& m = doc_["mmu"];
    const auto page = sizeOf(m.value("page_size", nlohmann::json(4096)));
    if (!page || *page == 0 || !isPowerOfTwo(*page)) return std::nullopt;
    std::vector<std::uint64_t> bits;
    const nlohmann::json b = m.value("bits_per_level", nlohmann::json(9));
    if (b.is_array()) {
        for (const nlohmann::json& x : b) {
            if (!x.is_number_unsigned()) return std::nullopt;
            bits.push_back(x.get<std::uint64_t>());
        }
    } else if (const auto each = unsignedOf(b)) {
        const auto levels = unsignedOf(m.value("levels", nlohmann::json(4)));
        if (!levels || *levels > 64) return std::nullopt;
        bits.assign(*levels, *each);
    } else {
        return std::nullopt;
    }
    MmuDerived d;
    d.offsetBits = log2Exact(*page);
    std::uint64_t v = d.offsetBits;
    for (const std::uint64_t x : bits) v += x;
    if (bits.empty() || v > 64) return std::nullopt;
    d.virtualBits = static_cast<unsigned>(v);
    d.span.resize(bits.size());
    std::uint64_t shift = d.offsetBits;
    for (std::size_t i = bits.size(); i-- > 0;) {
        d.span[i] = shift >= 64 ? 0 : std::uint64_t{1} << shift;
        shift += bits[i];
    }
    for (std::size_t i = 1; i + 1 < bits.size(); ++i) d.hugePageSizes.push_back(d.span[i]);
    if (const auto phys = sizeOf(m.value("physical_memory", nlohmann::json(std::uint64_t{1} << 30))))
        d.frames = *phys / *page;
    return d;
}

}  // namespace cachescope::gui
