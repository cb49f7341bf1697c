#pragma once
// The player: play / pause / step / back / seek / run-to-event over one Session, and the speed.
//
// After every move the player narrates the reference that led to the current state (the last one
// simulated), so the inspector and the grids always show "what just happened". A forward step of
// n simulates n-1 references silently and narrates the n-th; a move backward to position p seeks
// to p-1 and narrates reference p-1 again (the session replays deterministically, so it is the
// same narration as the first time).
//
// Speed: references per second on a log scale (sliderToSpeed / speedToSlider); tick(seconds)
// simulates what the elapsed time buys. Max mode simulates in chunks sized so that one chunk takes
// about one frame at ~30 Hz (nextChunk), so the window keeps redrawing while the simulation runs
// as fast as it can.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "cachescope/session/session.hpp"

namespace cachescope::gui {

class Player {
public:
    static constexpr double kMinSpeed = 0.5;    // references per second
    static constexpr double kMaxSpeed = 1e5;
    static constexpr double kFrameSeconds = 1.0 / 30.0;  // max mode's time budget per chunk

    explicit Player(std::unique_ptr<Session> session);

    Session& session() { return *session_; }
    const Session& session() const { return *session_; }
    std::uint64_t position() const { return session_->position(); }
    std::uint64_t length() const { return session_->length().value_or(0); }
    bool atEnd() const { return session_->atEnd(); }
    /// The narration of reference position()-1, nullopt at position 0.
    const std::optional<ReferenceNarration>& last() const { return last_; }

    // ---- moves (each pauses nothing; the UI decides) --------------------------------------------
    void step(std::uint64_t n = 1);
    void back(std::uint64_t n = 1);
    /// The state after references 0..index-1 (clamped to the length).
    void seek(std::uint64_t index);
    void reset() { seek(0); }
    void runToEnd() { seek(length()); }
    /// Simulates up to and including the next reference that meets `condition`; true if one did
    /// (otherwise the player stops at the end).
    bool runToEvent(const StopCondition& condition);

    // ---- playback ----------------------------------------------------------------------------------
    bool playing() const { return playing_; }
    void play() { playing_ = !atEnd(); budget_ = 0; }
    void pause() { playing_ = false; }
    void toggle() { playing_ ? pause() : play(); }
    double speed() const { return speed_; }
    void setSpeed(double referencesPerSecond);
    bool maxMode() const { return maxMode_; }
    void setMaxMode(bool on) { maxMode_ = on; }
    /// References per max-mode chunk now.
    std::uint64_t chunk() const { return chunk_; }
    /// Called once per frame with the seconds since the previous frame: simulates what the speed
    /// buys (max mode: one chunk, timed to size the next). Returns the references simulated.
    std::uint64_t tick(double seconds);

    /// Log-scale slider: position in [0, 1] <-> speed in [kMinSpeed, kMaxSpeed].
    static double sliderToSpeed(double slider);
    static double speedToSlider(double speed);
    /// The next max-mode chunk: scales `previous` so that it would take `target` seconds at the rate
    /// just measured (`previous` references in `seconds`); at most 4x growth per frame, at least 1.
    static std::uint64_t nextChunk(std::uint64_t previous, double seconds, double target);

private:
    /// Narrates reference position()-1 again (after a move that landed at position() > 0).
    void renarrate();

    std::unique_ptr<Session> session_;
    std::optional<ReferenceNarration> last_;
    bool playing_ = false;
    bool maxMode_ = false;
    double speed_ = 4.0;
    double budget_ = 0;  // fractional references owed by tick()
    std::uint64_t chunk_ = 1024;
};

}  // namespace cachescope::gui
