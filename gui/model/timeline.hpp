#pragma once
// The statistics timeline: samples of every cache's cumulative accesses and misses at positions of
// the run, so the statistics panel can plot the hit rate of each window between samples.
// Samples are taken as the player moves forward (at most one per `interval` references); a move
// backward drops the samples past the new position, so the plot always ends "now".

#include <cstdint>
#include <vector>

#include "cachescope/sim/hierarchy.hpp"

namespace cachescope::gui {

class Timeline {
public:
    struct Sample {
        std::uint64_t position = 0;
        std::vector<std::uint64_t> accesses, misses;  // per cache, cumulative
    };

    static constexpr std::uint64_t kDefaultInterval = 64;
    explicit Timeline(std::uint64_t interval = kDefaultInterval) : interval_(interval) {}

    /// Records the hierarchy's counters at `position` (if at least `interval` after the last sample);
    /// drops samples past `position` first.
    void observe(std::uint64_t position, const Hierarchy& hierarchy);
    void clear() { samples_.clear(); }
    const std::vector<Sample>& samples() const { return samples_; }

    /// Hit rate of cache `c` in each window between consecutive samples (size: samples - 1); a
    /// window with no accesses repeats the previous value (or 0).
    std::vector<float> hitRates(std::uint32_t c) const;

private:
    std::uint64_t interval_;
    std::vector<Sample> samples_;
};

}  // namespace cachescope::gui
