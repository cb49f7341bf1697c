// TraceMetadata <-> JSON (the binary trace header, `trace info --json`).

#include <limits>
#include <string>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope {

nlohmann::ordered_json toJson(const TraceMetadata& m) {
    nlohmann::ordered_json params = nlohmann::ordered_json::object();
    for (const auto& [name, value] : m.params) params[name] = value;
    nlohmann::ordered_json regions = nlohmann::ordered_json::array();
    for (const Region& r : m.regions) {
        regions.push_back({{"name", r.name},
                           {"base", r.base},
                           {"size", r.size},
                           {"element_size", r.elementSize},
                           {"shape", r.shape},
                           {"layout", r.layout},
                           {"strides", r.strides}});
        if (r.fileBacked()) {  // anonymous regions keep the form traces had before files existed
            auto& j = regions.back();
            j["file"] = r.file;
            j["file_size"] = r.fileSize;
            j["file_offset"] = r.fileOffset;
            j["file_access"] = r.fileAccess;
        }
        if (r.permissions) regions.back()["perm"] = permissionsString(*r.permissions);
    }
    nlohmann::ordered_json sites = nlohmann::ordered_json::array();
    for (const Site& s : m.sites)
        sites.push_back({{"name", s.name}, {"region", s.region}, {"kind", std::string(toString(s.kind))}});
    return {{"source", m.source},
            {"kernel", m.kernel},
            {"params", std::move(params)},
            {"regions", std::move(regions)},
            {"sites", std::move(sites)}};
}

namespace {

template <class Json>
class Parser {
public:
    explicit Parser(const std::string& where) : where_(where) {}

    [[noreturn]] void fail(const std::string& path, const std::string& what) const {
        throw TraceError(where_ + ": " + (path.empty() ? std::string("/") : path) + ": " + what);
    }

    static std::string typeName(const Json& j) { return j.type_name(); }

    const Json& object(const Json& j, const std::string& path, std::initializer_list<std::string_view> keys) const {
        if (!j.is_object()) fail(path, std::string("expected an object, found ") + typeName(j));
        for (auto it = j.begin(); it != j.end(); ++it) {
            bool known = false;
            for (const std::string_view k : keys) known = known || it.key() == k;
            if (!known) {
                std::string list;
                for (const std::string_view k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
                fail(path + "/" + it.key(), "unknown key (expected one of " + list + ")");
            }
        }
        return j;
    }

    std::string string(const Json& j, const std::string& path) const {
        if (!j.is_string()) fail(path, std::string("expected a string, found ") + typeName(j));
        return j.template get<std::string>();
    }

    std::uint64_t unsignedInt(const Json& j, const std::string& path, std::uint64_t max) const {
        if (!j.is_number_unsigned() && !(j.is_number_integer() && j.template get<std::int64_t>() >= 0))
            fail(path, std::string("expected an unsigned integer, found ") +
                           (j.is_number_integer() ? "a negative number" : typeName(j)));
        const auto v = j.template get<std::uint64_t>();
        if (v > max)
            fail(path, "value " + std::to_string(v) + " is too large (expected at most " + std::to_string(max) + ")");
        return v;
    }

    std::vector<std::uint64_t> unsignedArray(const Json& j, const std::string& path) const {
        if (!j.is_array()) fail(path, std::string("expected an array, found ") + typeName(j));
        std::vector<std::uint64_t> v;
        for (std::size_t i = 0; i < j.size(); ++i)
            v.push_back(unsignedInt(j[i], path + "/" + std::to_string(i), std::numeric_limits<std::uint64_t>::max()));
        return v;
    }

    const Json& array(const Json& j, const std::string& path) const {
        if (!j.is_array()) fail(path, std::string("expected an array, found ") + typeName(j));
        return j;
    }

    TraceMetadata parse(const Json& root) const {
        TraceMetadata m;
        object(root, "", {"source", "kernel", "params", "regions", "sites"});
        if (root.contains("source")) m.source = string(root["source"], "/source");
        if (root.contains("kernel")) m.kernel = string(root["kernel"], "/kernel");
        if (root.contains("params")) {
            const Json& params = root["params"];
            if (!params.is_object()) fail("/params", std::string("expected an object, found ") + typeName(params));
            for (auto it = params.begin(); it != params.end(); ++it)
                m.params.emplace_back(it.key(), string(it.value(), "/params/" + it.key()));
        }
        if (root.contains("regions")) {
            const Json& regions = array(root["regions"], "/regions");
            for (std::size_t i = 0; i < regions.size(); ++i) m.regions.push_back(region(regions[i], i));
            for (std::size_t i = 1; i < m.regions.size(); ++i) {
                const Region& a = m.regions[i - 1];
                const Region& b = m.regions[i];
                if (b.base < a.base + a.size)
                    fail("/regions/" + std::to_string(i) + "/base",
                         "region '" + b.name + "' at " + std::to_string(b.base) + " overlaps or precedes region '" +
                             a.name + "' (" + std::to_string(a.base) + " + " + std::to_string(a.size) +
                             " bytes) (expected regions sorted by base and disjoint)");
            }
            for (std::size_t i = 0; i < m.regions.size(); ++i) {  // file-backed regions
                const Region& r = m.regions[i];
                if (!r.fileBacked()) continue;
                const std::string path = "/regions/" + std::to_string(i);
                if (r.size > r.fileSize - r.fileOffset)
                    fail(path + "/size", "region '" + r.name + "' maps " + std::to_string(r.size) + " bytes from offset " +
                                             std::to_string(r.fileOffset) + " of file '" + r.file + "', which has " +
                                             std::to_string(r.fileSize) + " bytes (expected the mapping to lie in the file)");
                for (std::size_t k = 0; k < i; ++k)
                    if (m.regions[k].file == r.file && m.regions[k].fileSize != r.fileSize)
                        fail(path + "/file_size", std::to_string(r.fileSize) + " bytes, but region '" + m.regions[k].name +
                                                      "' gives file '" + r.file + "' " +
                                                      std::to_string(m.regions[k].fileSize) +
                                                      " (expected every region of one file to agree on its size)");
            }
        }
        if (root.contains("sites")) {
            const Json& sites = array(root["sites"], "/sites");
            if (sites.empty()) fail("/sites", "empty (expected at least site 0, \"(unknown)\")");
            if (sites.size() > std::size_t{0xFFFF} + 1)
                fail("/sites", std::to_string(sites.size()) + " sites (expected at most 65536)");
            m.sites.clear();
            for (std::size_t i = 0; i < sites.size(); ++i) m.sites.push_back(site(sites[i], i, m.regions.size()));
        }
        return m;
    }

private:
    Region region(const Json& j, std::size_t i) const {
        const std::string path = "/regions/" + std::to_string(i);
        object(j, path,
               {"name", "base", "size", "element_size", "shape", "layout", "strides", "perm", "file",
                "file_size", "file_offset", "file_access"});
        Region r;
        for (const char* key : {"name", "base", "size"})
            if (!j.contains(key)) fail(path, std::string("missing key '") + key + "'");
        r.name = string(j["name"], path + "/name");
        r.base = unsignedInt(j["base"], path + "/base", std::numeric_limits<std::uint64_t>::max());
        r.size = unsignedInt(j["size"], path + "/size", std::numeric_limits<std::uint64_t>::max() - r.base);
        if (j.contains("element_size")) {
            r.elementSize = static_cast<std::uint32_t>(
                unsignedInt(j["element_size"], path + "/element_size", std::numeric_limits<std::uint32_t>::max()));
            if (r.elementSize == 0) fail(path + "/element_size", "0 (expected at least 1)");
        }
        if (j.contains("shape")) r.shape = unsignedArray(j["shape"], path + "/shape");
        if (j.contains("layout")) r.layout = string(j["layout"], path + "/layout");
        if (j.contains("strides")) r.strides = unsignedArray(j["strides"], path + "/strides");
        if (j.contains("perm")) {
            const std::string text = string(j["perm"], path + "/perm");
            r.permissions = parsePermissions(text);
            if (!r.permissions)
                fail(path + "/perm", "\"" + text + "\" (expected permissions such as \"r\", \"rw\", \"x\" or \"rwx\")");
        }
        if (!r.strides.empty() && r.strides.size() != r.shape.size())
            fail(path + "/strides", std::to_string(r.strides.size()) + " strides for " +
                                        std::to_string(r.shape.size()) + " dimensions (expected one per dimension)");
        if (j.contains("file")) {
            r.file = string(j["file"], path + "/file");
            if (r.file.empty()) fail(path + "/file", "empty file name (leave the key out for anonymous memory)");
            if (!j.contains("file_size")) fail(path, "missing key 'file_size' (a file-backed region needs its file's size)");
            r.fileSize = unsignedInt(j["file_size"], path + "/file_size", std::numeric_limits<std::uint64_t>::max());
            if (j.contains("file_offset"))
                r.fileOffset = unsignedInt(j["file_offset"], path + "/file_offset", r.fileSize);
            r.fileAccess = j.contains("file_access") ? string(j["file_access"], path + "/file_access") : "mmap";
            if (r.fileAccess != "mmap" && r.fileAccess != "read")
                fail(path + "/file_access", "'" + r.fileAccess + "' (expected \"mmap\" or \"read\")");
        } else {
            for (const char* key : {"file_size", "file_offset", "file_access"})
                if (j.contains(key)) fail(path + "/" + key, "given without 'file' (expected a file name beside it)");
        }
        return r;
    }

    Site site(const Json& j, std::size_t i, std::size_t regions) const {
        const std::string path = "/sites/" + std::to_string(i);
        object(j, path, {"name", "region", "kind"});
        if (!j.contains("name")) fail(path, "missing key 'name'");
        Site s;
        s.name = string(j["name"], path + "/name");
        if (j.contains("region")) {
            const Json& r = j["region"];
            if (!r.is_number_integer())
                fail(path + "/region", std::string("expected an integer, found ") + typeName(r));
            const auto v = r.template get<std::int64_t>();
            if (v < -1 || (v >= 0 && static_cast<std::uint64_t>(v) >= regions))
                fail(path + "/region", "region " + std::to_string(v) + " does not exist (expected -1" +
                                           (regions == 0 ? std::string(": there are no regions")
                                                         : " or 0 to " + std::to_string(regions - 1)) +
                                           ")");
            s.region = static_cast<std::int32_t>(v);
        }
        if (j.contains("kind")) {
            const std::string k = string(j["kind"], path + "/kind");
            bool found = false;
            for (const AccessKind kind : {AccessKind::Read, AccessKind::Write, AccessKind::Fetch})
                if (k == toString(kind)) {
                    s.kind = kind;
                    found = true;
                }
            if (!found) fail(path + "/kind", "unknown kind \"" + k + "\" (expected read, write or fetch)");
        }
        return s;
    }

    const std::string& where_;
};

}  // namespace

TraceMetadata metadataFromJson(const nlohmann::json& json, const std::string& where) {
    return Parser<nlohmann::json>(where).parse(json);
}

TraceMetadata metadataFromJson(const nlohmann::ordered_json& json, const std::string& where) {
    return Parser<nlohmann::ordered_json>(where).parse(json);
}

}  // namespace cachescope
