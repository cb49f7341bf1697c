#include "config/schema_check.hpp"

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

namespace cachescope::test {

namespace {

using nlohmann::json;

class Checker {
public:
    explicit Checker(const json& root) : root_(root) {}

    void check(const json& schema, const json& doc, const std::string& path, std::vector<std::string>& errors) const {
        auto error = [&](const std::string& what) { errors.push_back((path.empty() ? "/" : path) + ": " + what); };
        if (schema.is_boolean()) {
            if (!schema.get<bool>()) error("false schema");
            return;
        }
        if (!schema.is_object()) {
            error("schema is not an object");
            return;
        }
        static const std::set<std::string> kAnnotations{"$schema", "$id", "title", "description", "default",
                                                        "examples", "$defs", "definitions"};
        for (const auto& item : schema.items()) {
            const std::string& key = item.key();
            const json& value = item.value();
            if (kAnnotations.count(key) != 0) continue;
            if (key == "$ref") {
                const json* target = resolve(value.get<std::string>());
                if (target == nullptr) error("unresolvable $ref " + value.dump());
                else check(*target, doc, path, errors);
            } else if (key == "type") {
                bool ok = false;
                if (value.is_string()) ok = hasType(doc, value.get<std::string>());
                else
                    for (const json& t : value) ok = ok || hasType(doc, t.get<std::string>());
                if (!ok) error("expected type " + value.dump() + ", found " + doc.dump());
            } else if (key == "enum") {
                if (std::find(value.begin(), value.end(), doc) == value.end())
                    error("value " + doc.dump() + " not in enum " + value.dump());
            } else if (key == "properties") {
                if (!doc.is_object()) continue;
                for (const auto& p : value.items())
                    if (doc.contains(p.key())) check(p.value(), doc[p.key()], path + "/" + p.key(), errors);
            } else if (key == "additionalProperties") {
                if (!doc.is_object()) continue;
                const json props = schema.value("properties", json::object());
                for (const auto& d : doc.items())
                    if (!props.contains(d.key())) {
                        if (value.is_boolean() && !value.get<bool>())
                            errors.push_back(path + "/" + d.key() + ": additional property not allowed");
                        else
                            check(value, d.value(), path + "/" + d.key(), errors);
                    }
            } else if (key == "required") {
                if (!doc.is_object()) continue;
                for (const json& r : value)
                    if (!doc.contains(r.get<std::string>())) error("required property " + r.dump() + " missing");
            } else if (key == "items") {
                if (!doc.is_array()) continue;
                for (std::size_t i = 0; i < doc.size(); ++i)
                    check(value, doc[i], path + "/" + std::to_string(i), errors);
            } else if (key == "minItems") {
                if (doc.is_array() && doc.size() < value.get<std::size_t>())
                    error("fewer than " + value.dump() + " items");
            } else if (key == "minLength") {
                if (doc.is_string() && doc.get<std::string>().size() < value.get<std::size_t>())
                    error("shorter than " + value.dump() + " characters");
            } else if (key == "minimum") {
                if (doc.is_number() && doc.get<double>() < value.get<double>()) error("less than minimum " + value.dump());
            } else if (key == "maximum") {
                if (doc.is_number() && doc.get<double>() > value.get<double>())
                    error("greater than maximum " + value.dump());
            } else if (key == "pattern") {
                if (doc.is_string() && !std::regex_search(doc.get<std::string>(), std::regex(value.get<std::string>())))
                    error(doc.dump() + " does not match pattern " + value.dump());
            } else if (key == "oneOf" || key == "anyOf") {
                std::size_t matches = 0;
                for (const json& sub : value) {
                    std::vector<std::string> subErrors;
                    check(sub, doc, path, subErrors);
                    if (subErrors.empty()) ++matches;
                }
                if (key == "oneOf" && matches != 1)
                    error("matches " + std::to_string(matches) + " of the oneOf alternatives, expected exactly 1");
                if (key == "anyOf" && matches == 0) error("matches none of the anyOf alternatives");
            } else {
                error("unsupported schema keyword \"" + key + "\"");
            }
        }
    }

private:
    static bool hasType(const json& doc, const std::string& type) {
        if (type == "object") return doc.is_object();
        if (type == "array") return doc.is_array();
        if (type == "string") return doc.is_string();
        if (type == "boolean") return doc.is_boolean();
        if (type == "null") return doc.is_null();
        if (type == "number") return doc.is_number();
        if (type == "integer") {
            if (doc.is_number_integer()) return true;
            if (!doc.is_number_float()) return false;
            const double d = doc.get<double>();
            return std::isfinite(d) && std::floor(d) == d;
        }
        return false;
    }

    const json* resolve(const std::string& ref) const {
        for (const std::string prefix : {"#/$defs/", "#/definitions/"}) {
            if (ref.rfind(prefix, 0) != 0) continue;
            const std::string section = prefix.substr(2, prefix.size() - 3);
            const std::string name = ref.substr(prefix.size());
            if (root_.contains(section) && root_[section].contains(name)) return &root_[section][name];
        }
        return nullptr;
    }

    const json& root_;
};

}  // namespace

std::vector<std::string> schemaErrors(const nlohmann::json& schema, const nlohmann::json& document) {
    std::vector<std::string> errors;
    Checker(schema).check(schema, document, "", errors);
    return errors;
}

}  // namespace cachescope::test
