#pragma once
// The config editor's state: every key the config loader accepts (docs/config.md; configs/
// schema.json) for the top level, every cache, memory, the MMU with its huge-page ranges and walk
// caches, and every TLB, as the user types them, checked by the config loader itself (parseConfig
// on the JSON the fields make), so the editor flags exactly the messages `cachescope config check`
// would print, at the field the message's JSON path names. Derived values (sets, index and offset
// bits, TLB reach, the virtual-address bits, the page sizes huge pages may use) are computed live.
//
// A field is addressed by its JSON pointer in the config ("/caches/1/associativity",
// "/tlbs/0/entries", "/mmu/huge_pages/0/base"). Text that reads as a JSON number, true/false or an
// array ("[10, 10]") is stored as such, except in keys that only take strings (names,
// replacement, policies, ...); anything else is stored as a string ("32KiB", "full", "lru").
// An empty field leaves the key out: its default applies.
//
// Structure: add()/remove() append or drop a cache, a TLB, a huge-page range or a walk cache;
// setMmu() adds the MMU with every default (the x86-64 layout, 1 GiB) or removes it with the TLBs.
// Setting "/mmu/bits_per_level" to an array also sets "/mmu/levels" to its length, and setting
// "/mmu/levels" resizes an array of bits (the loader requires both to agree).

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

    /// The kinds of object the loader reads, and the keys the editor edits in each: every key the
    /// loader accepts except "$schema" (ignored by the loader) and the arrays edited as structure
    /// ("caches", "tlbs", "memory", "mmu" at the top; "huge_pages", "walk_caches" in the MMU).
    enum class Kind : std::uint8_t { Top, Cache, Memory, Mmu, HugePage, WalkCache, Tlb, Storage };
    static const std::vector<std::string>& keysOf(Kind kind);

    /// The editable fields, in display order: the top level, each cache, memory, the MMU, its
    /// huge-page ranges and walk caches, each TLB.
    const std::vector<std::string>& fields() const { return fields_; }
    /// The text of a field as typed (or as loaded); empty when the key is left out.
    std::string text(const std::string& path) const;
    /// Sets a field's text (empty: leave the key out) and checks the whole config again.
    void set(const std::string& path, const std::string& text);

    /// Appends an item to "/caches", "/tlbs", "/mmu/huge_pages" or "/mmu/walk_caches": a copy of the
    /// last cache (without its name, 4 times its size), a TLB or walk cache with the loader's
    /// defaults, a huge-page range of the smallest huge page size the table allows after the last.
    void add(const std::string& arrayPath);
    /// Removes "/caches/2", "/tlbs/0", "/mmu/huge_pages/1", ...
    void remove(const std::string& itemPath);
    bool hasMmu() const { return doc_.contains("mmu"); }
    /// Adds the MMU with the loader's defaults, or removes it together with the TLBs.
    void setMmu(bool on);

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
    /// Sets of TLB `i` or walk cache `i` (entries / ways), nullopt if they do not parse.
    std::optional<std::uint64_t> tlbSets(std::size_t i) const;
    std::optional<std::uint64_t> walkCacheSets(std::size_t i) const;

    /// The MMU's layout from its current fields (nullopt without an MMU or if they do not parse).
    struct MmuDerived {
        unsigned offsetBits = 0;                   // log2(page size)
        unsigned virtualBits = 0;                  // offset bits + every level's index bits
        std::vector<std::uint64_t> span;           // bytes one entry of each level maps, root first
        std::vector<std::uint64_t> hugePageSizes;  // the spans of levels 1 .. levels-2
        std::uint64_t frames = 0;                  // physical memory / page size
    };
    std::optional<MmuDerived> mmuDerived() const;

private:
    void rebuildFields();
    void check();
    nlohmann::json doc_;
    std::vector<std::string> fields_;
    std::optional<SimConfig> valid_;
    std::string error_, errorPath_;
};

}  // namespace cachescope::gui
