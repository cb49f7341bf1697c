#pragma once
// The config editor's state: the fields of every cache, TLB and the MMU as the user types them,
// checked by the config loader itself (parseConfig on the JSON the fields make), so the editor
// flags exactly the messages `cachescope config check` would print, at the field the message's
// JSON path names. Derived values (sets, index and offset bits, TLB reach) are computed live.
//
// A field is addressed by its JSON pointer in the config ("/caches/1/associativity",
// "/tlbs/0/entries", "/mmu/page_size"). Text that reads as a JSON number, true/false or an array
// ("[10, 10]") is stored as such; anything else as a string ("32KiB", "full", "lru").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/config/config.hpp"

namespace cachescope::gui {

class ConfigEditor {
public:
    /// Starts from `config` (every default filled in, as toJson writes it).
    explicit ConfigEditor(const SimConfig& config);

    /// The editable fields, in display order: each cache's, each TLB's, then the MMU's.
    const std::vector<std::string>& fields() const { return fields_; }
    /// The text of a field as typed (or as loaded).
    std::string text(const std::string& path) const;
    /// Sets a field's text and checks the whole config again.
    void set(const std::string& path, const std::string& text);

    /// The parsed config when every field is valid.
    const std::optional<SimConfig>& valid() const { return valid_; }
    /// The loader's message when not valid ("/caches/0/associativity: must divide ..."), else empty.
    const std::string& error() const { return error_; }
    /// The JSON path the message names ("/caches/0/associativity"), empty if none.
    const std::string& errorPath() const { return errorPath_; }
    /// True if the message names this field (or something inside it).
    bool flags(const std::string& path) const;

    /// The config as JSON text (what Save writes).
    std::string json() const { return doc_.dump(4); }

    /// Derived values of cache `i` from its current fields (nullopt if they do not parse).
    struct CacheDerived {
        std::uint64_t lines = 0, sets = 0;
        unsigned offsetBits = 0, setBits = 0;
    };
    std::optional<CacheDerived> cacheDerived(std::size_t i) const;
    /// Bytes TLB `i` maps when full (entries × page size), nullopt if they do not parse.
    std::optional<std::uint64_t> tlbReach(std::size_t i) const;

private:
    void check();
    nlohmann::json doc_;
    std::vector<std::string> fields_;
    std::optional<SimConfig> valid_;
    std::string error_, errorPath_;
};

}  // namespace cachescope::gui
