#pragma once
// Helpers shared by the config sources (not part of the public interface).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/config/topology.hpp"

namespace cachescope::configdetail {

/// Optimal-string-alignment distance (insertions, deletions, substitutions and swaps of two
/// neighbouring characters each cost 1): "lur" -> "lru" is 1, "asociativity" -> "associativity" 1.
std::size_t editDistance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a likely typo, else "".
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

/// "a, b, c".
std::string joinNames(const std::vector<std::string>& names);

/// The name a cache gets when it has none: L<level>, plus I / D for a cache holding only
/// instructions / data. An unreachable cache (level unknown) gets one level below every earlier cache.
std::string defaultCacheName(const std::vector<CacheConfig>& caches, const Topology& topology, std::size_t index);

/// The cache's name, or its default name when empty.
std::string effectiveName(const std::vector<CacheConfig>& caches, const Topology& topology, std::size_t index);

/// "source: path: " (or "path: " without a source): the start of every ConfigError message.
std::string where(std::string_view source, std::string_view path);

/// validate() with messages prefixed by `source`.
void validateConfig(const SimConfig& config, std::string_view source);

}  // namespace cachescope::configdetail
