// Sweeps (analysis/sweep.hpp): merging shards (the same identity, disjoint runs, every run once)
// into one table.

#include "cachescope/core/json_text.hpp"
#include "cachescope/analysis/sweep.hpp"

#include <algorithm>
#include <set>
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
    const std::uint64_t runs = merged.identity.runs;
    // Memory follows the rows the files hold, never the runs their header claims (a 1 KiB file can
    // claim 2^27 runs): (run index, part) pairs, sorted.
    std::vector<std::pair<std::uint64_t, std::size_t>> at;
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
            if (row.index >= runs)
                throw UsageError("sweep merge: " + name(p) + " holds run " + std::to_string(row.index) +
                                 ", past the sweep's " + std::to_string(runs) + " runs");
            if (row.index % shard.count != shard.index)
                throw UsageError("sweep merge: " + name(p) + " is shard " + std::to_string(shard.index) + "/" +
                                 std::to_string(shard.count) + " but holds run " + std::to_string(row.index));
            at.emplace_back(row.index, p);
        }
    }
    std::sort(at.begin(), at.end());
    for (std::size_t k = 1; k < at.size(); ++k)
        if (at[k].first == at[k - 1].first)
            throw UsageError("sweep merge: run " + std::to_string(at[k].first) + " appears twice (in " +
                             name(at[k - 1].second) + " and " + name(at[k].second) + ")");
    if (at.size() != runs) {
        // The first 20 missing runs and the shards they belong to (at most 20 listed), gap by gap.
        std::vector<std::uint64_t> first;
        std::set<std::uint64_t> missingShards;
        bool moreShards = false;
        const auto gap = [&](std::uint64_t from, std::uint64_t to) {  // runs [from, to) are missing
            for (std::uint64_t i = from; i < to && first.size() < 20; ++i) first.push_back(i);
            for (std::uint64_t i = from, n = 0; i < to && n < shards; ++i, ++n) {
                if (missingShards.size() == 20 && !missingShards.contains(i % shards)) {
                    moreShards = true;
                    break;
                }
                missingShards.insert(i % shards);
            }
        };
        std::uint64_t next = 0;
        for (const auto& [index, part] : at) {
            if (index > next) gap(next, index);
            next = index + 1;
        }
        if (next < runs) gap(next, runs);
        const std::uint64_t missing = runs - at.size();
        std::string list;
        for (std::size_t k = 0; k < first.size(); ++k) list += (k ? ", " : "") + std::to_string(first[k]);
        if (missing > first.size()) list += ", ... (" + std::to_string(missing) + " in all)";
        std::string shardList;
        for (const std::uint64_t s : missingShards)
            shardList += (shardList.empty() ? "" : ", ") + std::to_string(s) + "/" + std::to_string(shards);
        if (moreShards) shardList += ", ...";
        throw UsageError("sweep merge: missing runs " + list + " of " + std::to_string(runs) +
                         " (they belong to shard " + shardList + ")");
    }
    merged.rows.resize(at.size());
    for (const SweepTable& part : parts)
        for (const SweepRow& row : part.rows) merged.rows[row.index] = row;
    return merged;
}

}  // namespace cachescope
