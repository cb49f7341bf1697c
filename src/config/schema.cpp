// configs/schema.json built in, and lookups of one key (config/schema.hpp).

#include "cachescope/config/schema.hpp"

namespace cachescope {

namespace generated {
extern const std::string_view kConfigSchemaText;  // cmake/config_schema.cpp.in
}

std::string_view configSchemaText() { return generated::kConfigSchemaText; }

const nlohmann::json& configSchema() {
    static const nlohmann::json schema = nlohmann::json::parse(configSchemaText());
    return schema;
}

namespace {

/// `node` with a local "$ref" ("#/$defs/cache") followed, repeatedly.
const nlohmann::json* resolve(const nlohmann::json* node) {
    for (int depth = 0; depth < 16 && node->is_object() && node->contains("$ref"); ++depth) {
        const auto& ref = (*node)["$ref"];
        if (!ref.is_string() || ref.get_ref<const std::string&>().rfind("#/", 0) != 0) break;
        const nlohmann::json::json_pointer ptr(ref.get<std::string>().substr(1));
        if (!configSchema().contains(ptr)) return node;
        node = &configSchema()[ptr];
    }
    return node;
}

std::string asText(const nlohmann::json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
}

bool isIndex(std::string_view token) {
    return !token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::optional<SchemaKey> schemaKey(std::string_view pointer) {
    if (pointer.empty() || pointer.front() != '/') return std::nullopt;
    const nlohmann::json* node = &configSchema();
    std::string description;
    std::optional<std::string> defaultValue;
    std::size_t at = 1;
    while (at <= pointer.size()) {
        std::size_t end = pointer.find('/', at);
        if (end == std::string_view::npos) end = pointer.size();
        const std::string_view token = pointer.substr(at, end - at);
        at = end + 1;
        const nlohmann::json* container = resolve(node);
        const nlohmann::json* next = nullptr;
        if (isIndex(token) && container->contains("items")) {
            next = &(*container)["items"];
        } else if (container->contains("properties") && (*container)["properties"].contains(std::string(token))) {
            next = &(*container)["properties"][std::string(token)];
        } else if (container->contains("oneOf")) {  // an item that may be an array or one value
            for (const auto& branch : (*container)["oneOf"]) {
                const nlohmann::json* b = resolve(&branch);
                if (isIndex(token) && b->contains("items")) next = &(*b)["items"];
            }
        }
        if (next == nullptr) return std::nullopt;
        // The description and default sit on the referencing node when it has them ("page_size":
        // its own description beside "$ref": "#/$defs/size"), else on what it refers to.
        const nlohmann::json* target = resolve(next);
        const auto text = [&](const char* key) -> std::optional<std::string> {
            for (const nlohmann::json* n : {next, target})
                if (n->is_object() && n->contains(key)) return asText((*n)[key]);
            return std::nullopt;
        };
        description = text("description").value_or("");
        defaultValue = text("default");
        node = next;
    }
    SchemaKey key;
    key.description = std::move(description);
    key.defaultValue = std::move(defaultValue);
    const nlohmann::json* target = resolve(node);
    if (target->is_object() && target->contains("enum"))
        for (const auto& v : (*target)["enum"]) key.choices.push_back(asText(v));
    else if (target->is_object() && target->value("type", "") == "boolean")
        key.choices = {"true", "false"};
    return key;
}

}  // namespace cachescope
