#include "model/player.hpp"

#include <algorithm>
#include <cmath>

namespace cachescope::gui {

Player::Player(std::unique_ptr<Session> session) : session_(std::move(session)) {}

void Player::step(std::uint64_t n) {
    if (n == 0 || atEnd()) return;
    if (n > 1) session_->step(n - 1);
    if (atEnd()) {  // the source ended inside the silent part: narrate its last reference
        renarrate();
        return;
    }
    last_ = session_->narrateNext();
}

void Player::back(std::uint64_t n) { seek(position() - std::min(n, position())); }

void Player::seek(std::uint64_t index) {
    index = std::min(index, length());
    if (index == 0) {
        session_->seek(0);
        last_.reset();
        return;
    }
    session_->seek(index - 1);
    last_ = session_->narrateNext();
}

void Player::renarrate() {
    if (position() == 0) {
        last_.reset();
        return;
    }
    seek(position());
}

bool Player::runToEvent(const StopCondition& condition) {
    if (atEnd()) return false;
    const bool met = session_->runUntil(condition);
    renarrate();
    if (atEnd()) playing_ = false;
    return met;
}

void Player::setSpeed(double referencesPerSecond) {
    speed_ = std::clamp(referencesPerSecond, kMinSpeed, kMaxSpeed);
}

double Player::sliderToSpeed(double slider) {
    slider = std::clamp(slider, 0.0, 1.0);
    return kMinSpeed * std::pow(kMaxSpeed / kMinSpeed, slider);
}

double Player::speedToSlider(double speed) {
    speed = std::clamp(speed, kMinSpeed, kMaxSpeed);
    return std::log(speed / kMinSpeed) / std::log(kMaxSpeed / kMinSpeed);
}

std::uint64_t Player::nextChunk(std::uint64_t previous, double seconds, double target) {
    if (previous == 0) previous = 1;
    if (!(seconds > 0)) return previous * 4;  // too fast to measure: grow as fast as allowed
    const double scaled = static_cast<double>(previous) * target / seconds;
    const double capped = std::min(scaled, static_cast<double>(previous) * 4.0);
    return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(capped));
}

std::uint64_t Player::tick(double seconds) {
    if (!playing_) return 0;
    if (atEnd()) {
        playing_ = false;
        return 0;
    }
    const std::uint64_t before = position();
    if (maxMode_) {
        const auto start = std::chrono::steady_clock::now();
        step(chunk_);
        const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        chunk_ = nextChunk(chunk_, took, kFrameSeconds);
    } else {
        budget_ += speed_ * std::max(seconds, 0.0);
        const auto n = static_cast<std::uint64_t>(budget_);
        budget_ -= static_cast<double>(n);
        step(n);
    }
    if (atEnd()) playing_ = false;
    return position() - before;
}

}  // namespace cachescope::gui
