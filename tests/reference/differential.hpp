#pragma once
// The comparison harness of the differential tests, generic over the engine type so that it can
// itself be tested against a deliberately broken model (differential_harness_test.cpp) without the
// real engine:
//
//   auto m = lockstep<cachescope::Hierarchy>(config, trace, countersOfEngine);
//   if (m) { auto small = shrinkTrace<cachescope::Hierarchy>(config, trace, *m, countersOfEngine); }
//
// lockstep() runs the engine and the reference model side by side and compares every counter of
// every cache and of memory after each access; the first access after which they differ gives the
// shortest differing prefix. shrinkTrace() then drops single accesses as long as a difference
// remains, so a failure is reported with a handful of accesses instead of two thousand.

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/cache/stats.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/core/access.hpp"
#include "reference/reference_model.hpp"

namespace cachescope::reference {

/// Every counter of a hierarchy, from either model.
struct Counters {
    std::vector<CacheStats> caches;
    MemoryStats memory;
};

inline Counters countersOf(const ReferenceModel& m) {
    Counters c;
    for (std::size_t i = 0; i < m.cacheCount(); ++i) c.caches.push_back(m.stats(i));
    c.memory = m.memory();
    return c;
}

/// "" if all counters agree, else the first differing one, e.g. "L2.misses[write]: engine 3, reference 4".
inline std::string firstDifference(const SimConfig& config, const Counters& engine, const Counters& ref) {
    const char* kinds[] = {"read", "write", "fetch"};
    std::ostringstream os;
    auto differ = [&](const std::string& where, const std::string& counter, std::uint64_t e, std::uint64_t r) {
        if (e == r) return false;
        os << where << '.' << counter << ": engine " << e << ", reference " << r;
        return true;
    };
    if (engine.caches.size() != ref.caches.size()) return "different numbers of caches";
    for (std::size_t c = 0; c < ref.caches.size(); ++c) {
        const CacheStats& e = engine.caches[c];
        const CacheStats& r = ref.caches[c];
        const std::string& name = config.caches[c].name;
        for (std::size_t k = 0; k < kAccessKinds; ++k) {
            if (differ(name, std::string("accesses[") + kinds[k] + "]", e.accessesByKind[k], r.accessesByKind[k]) ||
                differ(name, std::string("misses[") + kinds[k] + "]", e.missesByKind[k], r.missesByKind[k]))
                return os.str();
        }
        if (differ(name, "evictions", e.evictions, r.evictions) ||
            differ(name, "writebacks", e.writebacks, r.writebacks) ||
            differ(name, "backInvalidations", e.backInvalidations, r.backInvalidations))
            return os.str();
    }
    if (differ("memory", "reads", engine.memory.reads, ref.memory.reads) ||
        differ("memory", "writes", engine.memory.writes, ref.memory.writes))
        return os.str();
    return "";
}

struct Mismatch {
    std::size_t index = 0;  // the access after which the counters first differ
    std::string what;       // the first differing counter at that point
};

// The harness is generic over what is compared: `diff(engine, reference)` returns "" when they agree,
// else the first differing counter. The cache differential and the MMU differential
// (mmu_random_case.hpp) pass their own.

/// Runs both models in lockstep; nullopt if they agree after every access.
template <class Engine, class Diff>
std::optional<Mismatch> lockstepWith(const SimConfig& config, const std::vector<Access>& trace, Diff diff) {
    Engine engine(config);
    ReferenceModel ref(config);
    for (std::size_t i = 0; i < trace.size(); ++i) {
        engine.access(trace[i]);
        ref.access(trace[i]);
        std::string d = diff(engine, ref);
        if (!d.empty()) return Mismatch{i, std::move(d)};
    }
    return std::nullopt;
}

/// The same answer as lockstepWith(), faster: compares every `every` accesses and at the end, and
/// only when a checkpoint differs reruns in lockstep to find the exact first differing access.
template <class Engine, class Diff>
std::optional<Mismatch> firstMismatchWith(const SimConfig& config, const std::vector<Access>& trace, Diff diff,
                                          std::size_t every = 64) {
    Engine engine(config);
    ReferenceModel ref(config);
    for (std::size_t i = 0; i < trace.size(); ++i) {
        engine.access(trace[i]);
        ref.access(trace[i]);
        if (((i + 1) % every == 0 || i + 1 == trace.size()) && !diff(engine, ref).empty())
            return lockstepWith<Engine>(config, trace, diff);
    }
    return std::nullopt;
}

/// The shortest differing prefix, then removal of chunks of accesses (halves, quarters, ... single
/// accesses) as long as a difference remains. Updates `m` to describe the shrunk trace.
template <class Engine, class Diff>
std::vector<Access> shrinkTraceWith(const SimConfig& config, std::vector<Access> trace, Mismatch& m, Diff diff) {
    trace.resize(m.index + 1);
    for (std::size_t chunk = std::max<std::size_t>(1, trace.size() / 2);; chunk /= 2) {
        for (std::size_t i = 0; i < trace.size();) {
            std::vector<Access> shorter = trace;
            const std::size_t end = std::min(trace.size(), i + chunk);
            shorter.erase(shorter.begin() + static_cast<std::ptrdiff_t>(i),
                          shorter.begin() + static_cast<std::ptrdiff_t>(end));
            auto mm = shorter.empty() ? std::nullopt : lockstepWith<Engine>(config, shorter, diff);
            if (mm) {
                shorter.resize(mm->index + 1);
                trace = std::move(shorter);
                m = *mm;
            } else {
                i += chunk;
            }
        }
        if (chunk == 1) break;
    }
    return trace;
}

/// The cache differential: every cache's and memory's counters.
template <class Engine, class EngineCounters>
auto cacheDiff(const SimConfig& config, EngineCounters engineCounters) {
    return [&config, engineCounters](Engine& e, const ReferenceModel& r) {
        return firstDifference(config, engineCounters(e), countersOf(r));
    };
}

template <class Engine, class EngineCounters>
std::optional<Mismatch> lockstep(const SimConfig& config, const std::vector<Access>& trace,
                                 EngineCounters engineCounters) {
    return lockstepWith<Engine>(config, trace, cacheDiff<Engine>(config, engineCounters));
}

template <class Engine, class EngineCounters>
std::optional<Mismatch> firstMismatch(const SimConfig& config, const std::vector<Access>& trace,
                                      EngineCounters engineCounters, std::size_t every = 64) {
    return firstMismatchWith<Engine>(config, trace, cacheDiff<Engine>(config, engineCounters), every);
}

template <class Engine, class EngineCounters>
std::vector<Access> shrinkTrace(const SimConfig& config, std::vector<Access> trace, Mismatch& m,
                                EngineCounters engineCounters) {
    return shrinkTraceWith<Engine>(config, std::move(trace), m, cacheDiff<Engine>(config, engineCounters));
}

}  // namespace cachescope::reference
