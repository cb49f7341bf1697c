#pragma once
// Helpers shared by the config sources (not part of the public interface).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/config/topology.hpp"
#include "cachescope/core/names.hpp"

namespace cachescope::configdetail {

/// Optimal-string-alignment distance (insertions, deletions, substitutions and swaps of two
/// neighbouring characters each cost 1): "lur" -> "lru" is 1, "asociativity" -> "associativity" 1.
std::size_t editDistance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a likely typo, else "".
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

/// "a, b, c" (core/format.hpp).
using cachescope::joinNames;

/// The name a cache gets when it has none: L<level>, plus I / D for a cache holding only
/// instructions / data. An unreachable cache (level unknown) gets one level below every earlier cache.
std::string defaultCacheName(const std::vector<CacheConfig>& caches, const Topology& topology, std::size_t index);

/// The cache's name, or its default name when empty.
std::string effectiveName(const std::vector<CacheConfig>& caches, const Topology& topology, std::size_t index);

/// The TLBs as caches of one entry each, for computeTopology: TLBs connect exactly like caches
/// (docs/mmu.md), only `holds` matters.
std::vector<CacheConfig> tlbsAsCaches(const std::vector<TlbConfig>& tlbs);

/// "TLB<level>", plus I / D for a TLB holding only instructions / data: [data, instructions, both]
/// -> TLB1D, TLB1I, TLB2.
std::string defaultTlbName(const std::vector<TlbConfig>& tlbs, std::size_t index);

/// The TLB's name, or its default name when empty.
std::string effectiveTlbName(const std::vector<TlbConfig>& tlbs, std::size_t index);

/// The rules of `addressing`, `mmu` and `tlbs` (docs/config.md, "Translation"); part of validateConfig.
void validateTranslation(const SimConfig& config, std::string_view source);

/// The rules of `mmu.mode`, `mmu.protection`, `mmu.segment_placement` and `mmu.segments`
/// (config/segmentation.cpp); part of validateTranslation, for a config with an mmu.
void validateSegmentation(const SimConfig& config, std::string_view source);

/// Adds mode, protection, segment_placement and segments to the resolved `mmu` object.
void addSegmentationJson(const MmuConfig& mmu, nlohmann::json& out);

/// Adds "addressing", "mmu" and "tlbs" (every default written out) to `out` when the config has an
/// mmu; adds nothing otherwise, so configs without translation print as they always did.
void addTranslationJson(const SimConfig& config, nlohmann::json& out);

/// "source: path: " (or "path: " without a source): the start of every ConfigError message.
std::string where(std::string_view source, std::string_view path);

/// validate() with messages prefixed by `source`.
void validateConfig(const SimConfig& config, std::string_view source);

}  // namespace cachescope::configdetail
