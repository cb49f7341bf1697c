#include "model/config_editor.hpp"

#include "cachescope/core/address.hpp"
#include "cachescope/core/error.hpp"

namespace cachescope::gui {

namespace {

constexpr const char* kSource = "editor";

nlohmann::json valueOf(const std::string& text) {
    // Numbers, booleans and arrays as JSON; everything else (sizes with units, names) as a string.
    const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
    if (!parsed.is_discarded() && (parsed.is_number() || parsed.is_boolean() || parsed.is_array())) return parsed;
    return text;
}

std::optional<std::uint64_t> sizeOf(const nlohmann::json& v) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_string()) return parseSize(v.get<std::string>());
    return std::nullopt;
}

}  // namespace

ConfigEditor::ConfigEditor(const SimConfig& config) : doc_(toJson(config)) {
    for (std::size_t i = 0; i < config.caches.size(); ++i)
        for (const char* key : {"size", "line_size", "associativity", "replacement", "latency", "write_policy",
                                "write_allocate", "inclusion"})
            fields_.push_back("/caches/" + std::to_string(i) + "/" + key);
    for (std::size_t i = 0; i < config.tlbs.size(); ++i)
        for (const char* key : {"entries", "associativity", "replacement", "latency"})
            fields_.push_back("/tlbs/" + std::to_string(i) + "/" + key);
    if (config.mmu)
        for (const char* key : {"page_size", "bits_per_level", "physical_memory", "page_replacement", "frame_allocation"})
            fields_.push_back(std::string("/mmu/") + key);
    fields_.push_back("/memory/latency");
    check();
}

std::string ConfigEditor::text(const std::string& path) const {
    const nlohmann::json::json_pointer p(path);
    if (!doc_.contains(p)) return "";
    const nlohmann::json& v = doc_.at(p);
    return v.is_string() ? v.get<std::string>() : v.dump();
}

void ConfigEditor::set(const std::string& path, const std::string& text) {
    doc_[nlohmann::json::json_pointer(path)] = valueOf(text);
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
    const nlohmann::json& c = doc_["caches"][i];
    const auto size = sizeOf(c["size"]);
    const auto line = sizeOf(c["line_size"]);
    if (!size || !line || *line == 0 || !isPowerOfTwo(*line)) return std::nullopt;
    CacheDerived d;
    d.lines = *size / *line;
    std::uint64_t ways = 0;
    if (c["associativity"] == "full") ways = d.lines;
    else if (c["associativity"].is_number_unsigned()) ways = c["associativity"].get<std::uint64_t>();
    if (ways == 0 || d.lines == 0 || d.lines % ways != 0) return std::nullopt;
    d.sets = d.lines / ways;
    d.offsetBits = log2Exact(*line);
    if (!isPowerOfTwo(d.sets)) return std::nullopt;
    d.setBits = log2Exact(d.sets);
    return d;
}

std::optional<std::uint64_t> ConfigEditor::tlbReach(std::size_t i) const {
    if (!doc_.contains("mmu") || !doc_.contains("tlbs") || i >= doc_["tlbs"].size()) return std::nullopt;
    const auto page = sizeOf(doc_["mmu"]["page_size"]);
    const nlohmann::json& e = doc_["tlbs"][i]["entries"];
    if (!page || !e.is_number_unsigned()) return std::nullopt;
    return e.get<std::uint64_t>() * *page;
}

}  // namespace cachescope::gui
