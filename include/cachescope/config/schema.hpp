#pragma once
// configs/schema.json, built into the library, and what it says of one key of a config.
//
// The schema is the contract editors and tools see (a config's "$schema" points at it); the loader
// enforces the same rules (tests/config/config_reference_test.cpp keeps the two in step). Front
// ends read it for help text and closed lists of values: the GUI's config editor shows each key's
// description as a tooltip and offers a drop-down where the schema lists every allowed value.
//
//   schemaKey("/caches/1/replacement")  -> description "Replacement policy ...",
//                                          choices {"lru", "fifo", ..., "opt"}, default "lru"
//   schemaKey("/mmu/page_size")         -> description "Bytes per page ...", no choices, default "4096"
//   schemaKey("/caches/0/associativity")-> no choices: any integer, or "full"
//   schemaKey("/caches/0/colour")       -> nullopt: the schema has no such key

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace cachescope {

/// The text of configs/schema.json as it was when the library was built.
std::string_view configSchemaText();
/// The same, parsed (once).
const nlohmann::json& configSchema();

/// What the schema says of one key.
struct SchemaKey {
    std::string description;           // empty if the schema gives none
    /// Every value the key accepts, as a config writes them ("lru"; numbers as text, "4"), when the
    /// schema lists them all (an "enum", or "true" and "false" for a boolean); empty when other
    /// values are accepted too.
    std::vector<std::string> choices;
    std::optional<std::string> defaultValue;  // the schema's "default", as text
};

/// The key at a JSON pointer into a config ("/caches/1/replacement", "/mmu/huge_pages/0/size");
/// array indices select the array's items. nullopt if the schema has no such key.
std::optional<SchemaKey> schemaKey(std::string_view pointer);

}  // namespace cachescope
