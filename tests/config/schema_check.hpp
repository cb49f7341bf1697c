#pragma once
// A small JSON Schema validator for exactly the keywords configs/schema.json uses, so the tests
// can check that every preset in configs/ matches the schema that editors use for completion.
//
// Supported: type (one name or a list), properties, required, additionalProperties (boolean),
// enum, items, minItems, minimum, maximum, minLength, pattern (std::regex, ECMAScript), oneOf,
// anyOf, $ref to "#/$defs/<name>" or "#/definitions/<name>". Annotations ($schema, $id, title,
// description, default, examples) are ignored. Any other keyword is reported as an error, so the
// schema cannot silently grow a keyword this checker ignores.
//
// Example: schema {"type": "object", "properties": {"a": {"enum": [1, 2]}}, "additionalProperties": false}
//   {"a": 1}  -> no errors
//   {"a": 3}  -> ["/a: value 3 not in enum [1,2]"]
//   {"b": 1}  -> ["/b: additional property not allowed"]

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cachescope::test {

/// Every violation of `schema` by `document`, each "<JSON path>: <what>"; empty if it conforms.
std::vector<std::string> schemaErrors(const nlohmann::json& schema, const nlohmann::json& document);

}  // namespace cachescope::test
