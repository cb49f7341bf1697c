#pragma once
// Quiz mode: before the next reference is simulated, students predict where its data will come
// from (a hit in L1, in L2, ..., or memory); the player then steps and the answer is judged
// against the narration's servedBy. The score counts every judged answer.

#include <cstdint>
#include <optional>

#include "cachescope/analysis/narration.hpp"

namespace cachescope::gui {

class Quiz {
public:
    static constexpr std::uint32_t kMemory = CacheStep::kMemory;

    bool enabled() const { return enabled_; }
    void setEnabled(bool on);
    /// The prediction for the next reference: a cache index (Hierarchy::caches()) or kMemory.
    void predict(std::uint32_t servedBy) { guess_ = servedBy; }
    const std::optional<std::uint32_t>& prediction() const { return guess_; }
    /// Judges the prediction against the reference just simulated; clears it. Returns whether it
    /// was right (false if there was no prediction, which does not count).
    bool judge(const ReferenceNarration& revealed);
    /// The last judged answer: (predicted, actual), for "you said L1, it came from memory".
    const std::optional<std::pair<std::uint32_t, std::uint32_t>>& lastAnswer() const { return lastAnswer_; }
    std::uint32_t correct() const { return correct_; }
    std::uint32_t asked() const { return asked_; }
    void resetScore();

private:
    bool enabled_ = false;
    std::optional<std::uint32_t> guess_;
    std::optional<std::pair<std::uint32_t, std::uint32_t>> lastAnswer_;
    std::uint32_t correct_ = 0, asked_ = 0;
};

}  // namespace cachescope::gui
