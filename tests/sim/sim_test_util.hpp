#pragma once
// Small builders for hand-worked hierarchy tests.

#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/core/access.hpp"

namespace cachescope::testutil {

inline CacheConfig cacheCfg(std::string name, std::uint64_t size, std::uint32_t line, std::uint32_t ways,
                            std::string policy = "lru") {
    CacheConfig c;
    c.name = std::move(name);
    c.size = size;
    c.lineSize = line;
    c.associativity = ways;
    c.replacement = std::move(policy);
    c.latency = 1;
    return c;
}

inline SimConfig simCfg(std::vector<CacheConfig> caches) {
    SimConfig s;
    s.name = "test";
    s.caches = std::move(caches);
    s.memory.latency = 100;
    return s;
}

inline Access R(std::uint64_t a, std::uint32_t size = 4) { return {a, size, AccessKind::Read}; }
inline Access W(std::uint64_t a, std::uint32_t size = 4) { return {a, size, AccessKind::Write}; }
inline Access F(std::uint64_t a, std::uint32_t size = 4) { return {a, size, AccessKind::Fetch}; }

}  // namespace cachescope::testutil
