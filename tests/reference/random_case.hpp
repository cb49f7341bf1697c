#pragma once
// Deterministic generator of random valid configurations and traces for the differential tests
// (differential_test.cpp), plus a printer and an independent checker of the config rules of
// docs/semantics.md. Everything derives from one 64-bit seed through std::mt19937_64, so a failing
// case is reproduced by its family and seed alone:
//
//   RandomCase c = makeCase(Family::Exclusive, 1234);   // same config and trace on every run
//
// Families: single level with every policy; two NINE levels; write-through / no-allocate mixes;
// inclusive; exclusive; split L1I/L1D; three levels; wide (sets of 17..1000 ways, where the engine
// looks lines up in a tag index instead of scanning: cache.hpp kWideWays); plain chains (one line
// size, write-back + write-allocate everywhere, NINE or inclusive, 1..16 ways: every cache takes
// the hierarchy's plain miss path, hierarchy.hpp plainMiss).

#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/core/access.hpp"

namespace cachescope::reference {

enum class Family { SingleLevel, TwoLevelNine, WriteMix, Inclusive, Exclusive, SplitL1, ThreeLevels, Wide, Plain };
/// Every family, in declaration order.
inline constexpr Family kAllFamilies[] = {Family::SingleLevel, Family::TwoLevelNine, Family::WriteMix,
                                          Family::Inclusive,   Family::Exclusive,    Family::SplitL1,
                                          Family::ThreeLevels, Family::Wide,         Family::Plain};

const char* familyName(Family f);

struct RandomCase {
    Family family = Family::SingleLevel;
    std::uint64_t seed = 0;
    SimConfig config;
    std::vector<Access> trace;
};

/// The deterministic policies the reference model implements.
const std::vector<std::string>& modelledPolicies();

/// Builds the case of `family` for `seed` (a pure function of both).
RandomCase makeCase(Family family, std::uint64_t seed);

/// The config as JSON-like text (keys as in config files), for failure messages.
std::string describeConfig(const SimConfig& config);
/// One line per access: "read 0x1f 4".
std::string describeTrace(const std::vector<Access>& trace);

/// Checks the rules the generator promises (docs/semantics.md) independently of validate():
/// geometry (power-of-two line size and set count, ways dividing lines), first level never exclusive,
/// an exclusive cache and every cache above it write-back + write-allocate with its line size, an
/// inclusive cache with the line size of every cache above. Returns "" or the first broken rule.
std::string checkRules(const SimConfig& config);

}  // namespace cachescope::reference
