// The rules a config must satisfy beyond JSON types (docs/config.md, "Rules"). Every violation
// throws one ConfigError whose message starts with the JSON path of the offending key, e.g.
//   /caches/1/associativity: must divide the number of lines (512), got 6

#include <limits>
#include <string>

#include "cachescope/config/config.hpp"
#include "cachescope/config/topology.hpp"
#include "cachescope/core/address.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/policy/registry.hpp"
#include "internal.hpp"

namespace cachescope {

namespace configdetail {

namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::vector<std::string> registeredPolicies() {
    std::vector<std::string> names;
    for (const PolicyInfo& p : policies()) names.emplace_back(p.name);
    return names;
}

}  // namespace

void validateConfig(const SimConfig& config, std::string_view source) {
    auto fail = [&](const std::string& path, const std::string& message) {
        throw ConfigError(where(source, path) + message);
    };
    const auto& caches = config.caches;
    if (caches.empty()) fail("/caches", "must list at least one cache (ordered from the CPU outward), found none");

    const Topology topology = computeTopology(caches);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < caches.size(); ++i) names.push_back(effectiveName(caches, topology, i));
    auto at = [](std::size_t i, std::string_view key) {
        return "/caches/" + std::to_string(i) + "/" + std::string(key);
    };

    // Geometry and policy of each cache on its own.
    for (std::size_t i = 0; i < caches.size(); ++i) {
        const CacheConfig& c = caches[i];
        if (!isPowerOfTwo(c.lineSize))
            fail(at(i, "line_size"), "must be a power of two, got " + std::to_string(c.lineSize));
        if (c.size == 0)
            fail(at(i, "size"), "must be at least one line (" + std::to_string(c.lineSize) + " bytes), got 0");
        if (c.size % c.lineSize != 0)
            fail(at(i, "size"), "must be a multiple of the line size (" + std::to_string(c.lineSize) + "), got " +
                                    std::to_string(c.size));
        const std::uint64_t lines = c.lines();
        if (lines > std::numeric_limits<std::uint32_t>::max())
            fail(at(i, "size"), "too large: at most 4294967295 lines, got " + std::to_string(lines) + " lines of " +
                                    std::to_string(c.lineSize) + " bytes");
        if (!c.fullyAssociative) {
            const std::uint32_t ways = c.associativity;
            if (ways == 0) fail(at(i, "associativity"), "must be at least 1 way (or \"full\"), got 0");
            if (ways > lines)
                fail(at(i, "associativity"), "must be at most the number of lines (" + std::to_string(lines) +
                                                 "), got " + std::to_string(ways));
            if (lines % ways != 0)
                fail(at(i, "associativity"), "must divide the number of lines (" + std::to_string(lines) + "), got " +
                                                 std::to_string(ways));
            const std::uint64_t sets = lines / ways;
            if (!isPowerOfTwo(sets))
                fail(at(i, "associativity"), "the number of sets (lines / ways = " + std::to_string(lines) + " / " +
                                                 std::to_string(ways) + " = " + std::to_string(sets) +
                                                 ") must be a power of two; the number of ways need not be");
        }
        if (findPolicy(c.replacement) == nullptr) {
            std::string message = "unknown replacement policy " + quoted(c.replacement);
            const std::string guess = closest(c.replacement, registeredPolicies());
            if (!guess.empty()) message += "; did you mean " + quoted(guess) + "?";
            message += " Valid policies: " + policyNames();
            fail(at(i, "replacement"), message);
        }
    }

    // Names are unique (an empty name stands for its default name).
    for (std::size_t i = 0; i < caches.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (names[i] == names[j])
                fail(at(i, "name"), "duplicate cache name " + quoted(names[i]) + " (also the name of /caches/" +
                                        std::to_string(j) + "); cache names must be unique");

    // The shape of the hierarchy (docs/semantics.md).
    for (std::size_t i = 0; i < caches.size(); ++i) {
        if (topology.reachable[i]) continue;
        std::string why;
        for (std::size_t p = i; p-- > 0;)
            if (topology.reachable[p] && caches[p].holds == Holds::Both) {
                why = " (" + quoted(names[p]) +
                      " holds both data and instructions, and a cache's misses go to the first later cache that "
                      "holds everything it holds, so they skip caches that hold only one kind)";
                break;
            }
        fail(at(i, "holds"), quoted(names[i]) + " (holds " + std::string(toString(caches[i].holds)) +
                                 ") can never be reached: no cache before it sends misses to it" + why);
    }

    // Inclusion rules.
    for (std::size_t i = 0; i < caches.size(); ++i) {
        const CacheConfig& c = caches[i];
        if (c.inclusion == Inclusion::Nine) continue;
        const auto& above = topology.above[i];
        const std::string kind(toString(c.inclusion));
        if (c.inclusion == Inclusion::Exclusive) {
            if (above.empty())
                fail(at(i, "inclusion"), quoted(names[i]) +
                                             " cannot be exclusive: no cache is above it, and an exclusive cache is "
                                             "filled only by the victims of the caches above it");
            if (i == topology.firstInstruction || i == topology.firstData)
                fail(at(i, "inclusion"),
                     quoted(names[i]) + " cannot be exclusive: it is the first cache for " +
                         (i == topology.firstInstruction ? "instruction fetches" : "data") +
                         ", which would reach it with no cache above to fill it with victims (give that side its "
                         "own first-level cache)");
            if (c.writePolicy != WritePolicy::WriteBack)
                fail(at(i, "write_policy"), "an exclusive cache must be write-back (its lines arrive as victims from "
                                            "above), got write-through");
            if (!c.writeAllocate)
                fail(at(i, "write_allocate"), "an exclusive cache must be write-allocate (it stores the victims "
                                              "written to it), got false");
            for (const std::uint32_t a : above) {
                const std::string because = " because the exclusive cache " + quoted(names[i]) +
                                            " below it is filled by its victims";
                if (caches[a].writePolicy != WritePolicy::WriteBack)
                    fail(at(a, "write_policy"), quoted(names[a]) + " must be write-back" + because +
                                                    ", got write-through");
                if (!caches[a].writeAllocate)
                    fail(at(a, "write_allocate"), quoted(names[a]) + " must be write-allocate" + because +
                                                      ", got false");
            }
        }
        for (const std::uint32_t a : above)
            if (caches[a].lineSize != c.lineSize)
                fail(at(i, "line_size"), "an " + kind + " cache must have the same line size as every cache above it: " +
                                             quoted(names[i]) + " has " + std::to_string(c.lineSize) + ", " +
                                             quoted(names[a]) + " (/caches/" + std::to_string(a) + ") has " +
                                             std::to_string(caches[a].lineSize));
    }

    // OPT below the first level: the stream reaching the cache must not depend on its own choices,
    // which back-invalidation from an inclusive cache at or below it would make it do.
    for (std::size_t i = 0; i < caches.size(); ++i) {
        if (caches[i].replacement != "opt" || topology.above[i].empty()) continue;
        for (std::uint32_t j = static_cast<std::uint32_t>(i);; j = topology.next[j]) {
            if (j == Topology::kMemory) break;
            if (caches[j].inclusion == Inclusion::Inclusive)
                fail(at(i, "replacement"),
                     "\"opt\" cannot be planned for " + quoted(names[i]) + ": the inclusive cache " + quoted(names[j]) +
                         (j == i ? " (itself)" : " below it") +
                         " back-invalidates the caches above, so the accesses reaching " + quoted(names[i]) +
                         " would depend on its own choices; use opt in the first level only, or a non-inclusive "
                         "hierarchy");
        }
    }

    validateTranslation(config, source);
}

}  // namespace configdetail

void validate(const SimConfig& config) { configdetail::validateConfig(config, ""); }

}  // namespace cachescope
