// The built-in schema (config/schema.hpp): the text is configs/schema.json's, and schemaKey finds
// a key's description, closed list of values and default through arrays, "$ref" and "oneOf".

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/config/schema.hpp"
#include "cachescope/policy/registry.hpp"

using namespace cachescope;

TEST_CASE("config schema: the built-in text is configs/schema.json as it is in the source tree") {
    std::ifstream in(std::string(CACHESCOPE_SOURCE_DIR) + "/configs/schema.json", std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream text;
    text << in.rdbuf();
    CHECK(configSchemaText() == text.str());
    CHECK(configSchema().at("title").is_string());
}

TEST_CASE("config schema: a key's choices, description and default, through arrays and references") {
    // Replacement policies: the schema lists exactly the registry's policies (an independent list).
    for (const char* path : {"/caches/0/replacement", "/caches/3/replacement", "/tlbs/1/replacement"}) {
        CAPTURE(path);
        const auto key = schemaKey(path);
        REQUIRE(key.has_value());
        std::vector<std::string> registry;
        for (const PolicyInfo& p : policies()) registry.emplace_back(p.name);
        CHECK(key->choices == registry);
        CHECK(key->description.rfind("Replacement policy", 0) == 0);
    }
    const auto pages = schemaKey("/mmu/page_replacement");
    REQUIRE(pages.has_value());
    CHECK(pages->choices == std::vector<std::string>{"fifo", "lru", "clock", "opt"});
    const auto pte = schemaKey("/mmu/pte_size");  // numbers come as the text a config would hold
    REQUIRE(pte.has_value());
    CHECK(pte->choices == std::vector<std::string>{"4", "8"});
    CHECK(pte->defaultValue == "8");

    // A size: its own description beside "$ref": "#/$defs/size"; any size is accepted, so no list.
    const auto pageSize = schemaKey("/mmu/page_size");
    REQUIRE(pageSize.has_value());
    CHECK(pageSize->description.rfind("Bytes per page", 0) == 0);
    CHECK(pageSize->choices.empty());
    CHECK(pageSize->defaultValue == "4096");
    // "full" or any integer: not a closed list either.
    const auto ways = schemaKey("/caches/0/associativity");
    REQUIRE(ways.has_value());
    CHECK(ways->choices.empty());
    CHECK_FALSE(ways->description.empty());
    const auto allocate = schemaKey("/caches/2/write_allocate");  // a boolean: both values
    REQUIRE(allocate.has_value());
    CHECK(allocate->choices == std::vector<std::string>{"true", "false"});
    // Inside the MMU's arrays.
    CHECK(schemaKey("/mmu/huge_pages/0/size").has_value());
    CHECK(schemaKey("/mmu/walk_caches/2/entries").has_value());
    CHECK(schemaKey("/addressing")->choices == std::vector<std::string>{"virtual", "physical"});
}

TEST_CASE("config schema: keys the schema does not have are nullopt") {
    CHECK_FALSE(schemaKey("/caches/0/colour").has_value());
    CHECK_FALSE(schemaKey("/caches/x/size").has_value());  // not an index
    CHECK_FALSE(schemaKey("caches").has_value());          // not a JSON pointer
    CHECK_FALSE(schemaKey("").has_value());
    CHECK_FALSE(schemaKey("/mmu/page_size/0").has_value());  // a size has no items
    CHECK_FALSE(schemaKey("/nothing/at/all").has_value());
}
