// Sweeps (analysis/sweep.hpp): merging shards (the same identity, disjoint runs, every run once)
// into one table.

#include "cachescope/core/json_text.hpp"
#include "cachescope/analysis/sweep.hpp"

#include <string>
#include <vector>

#include "cachescope/core/error.hpp"

namespace cachescope {

namespace {

using nlohmann::ordered_json;

}  // namespace

// ---- merging -----------------------------------------------------------------------------------

SweepTable mergeSweeps(const std::vector<SweepTable>& parts, const std::vector<std::string>& names) {
    if (parts.empty()) throw UsageError("sweep merge: give at least one shard file");
    auto name = [&names](std::size_t i) { return i < names.size() ? names[i] : "part " + std::to_string(i); };
    SweepTable merged;
    merged.identity = parts.front().identity;
    merged.identity.shard = Shard{};
    ordered_json reference = identityJson(parts.front().identity);
    reference.erase("shard");
    const std::uint32_t shards = parts.front().identity.shard.count;
    std::vector<std::size_t> owner(merged.identity.runs, parts.size());  // which part holds each index
    for (std::size_t p = 0; p < parts.size(); ++p) {
        ordered_json id = identityJson(parts[p].identity);
        id.erase("shard");
        if (id != reference) {
            std::string key;
            for (const auto& item : reference.items())
                if (!id.contains(item.key()) || id[item.key()] != item.value()) {
                    key = item.key();
                    break;
                }
            throw UsageError("sweep merge: " + name(p) + " belongs to another sweep than " + name(0) + ": its \"" +
                             key + "\" is " + jsonText(id[key]) + ", not " + jsonText(reference[key]));
        }
        const Shard shard = parts[p].identity.shard;
        for (const SweepRow& row : parts[p].rows) {
            if (row.index % shard.count != shard.index)
                throw UsageError("sweep merge: " + name(p) + " is shard " + std::to_string(shard.index) + "/" +
                                 std::to_string(shard.count) + " but holds run " + std::to_string(row.index));
            if (owner[row.index] != parts.size())
                throw UsageError("sweep merge: run " + std::to_string(row.index) + " appears twice (in " +
                                 name(owner[row.index]) + " and " + name(p) + ")");
            owner[row.index] = p;
        }
    }
    std::vector<std::uint64_t> missing;
    for (std::uint64_t i = 0; i < owner.size(); ++i)
        if (owner[i] == parts.size()) missing.push_back(i);
    if (!missing.empty()) {
        std::string list;
        std::vector<std::uint64_t> missingShards;
        for (std::size_t k = 0; k < missing.size(); ++k) {
            if (k < 20) list += (k ? ", " : "") + std::to_string(missing[k]);
            const std::uint64_t s = missing[k] % shards;
            if (std::find(missingShards.begin(), missingShards.end(), s) == missingShards.end())
                missingShards.push_back(s);
        }
        if (missing.size() > 20) list += ", ... (" + std::to_string(missing.size()) + " in all)";
        std::sort(missingShards.begin(), missingShards.end());
        std::string shardList;
        for (const std::uint64_t s : missingShards)
            shardList += (shardList.empty() ? "" : ", ") + std::to_string(s) + "/" + std::to_string(shards);
        throw UsageError("sweep merge: missing runs " + list + " of " + std::to_string(merged.identity.runs) +
                         " (they belong to shard " + shardList + ")");
    }
    merged.rows.resize(owner.size());
    for (const SweepTable& part : parts)
        for (const SweepRow& row : part.rows) merged.rows[row.index] = row;
    return merged;
}

}  // namespace cachescope
