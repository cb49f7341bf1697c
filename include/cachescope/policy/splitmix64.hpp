#pragma once
// splitmix64 — the small, fast, well-mixed 64-bit generator (Steele, Lea, Flood 2014; the version
// Vigna recommends for seeding xoshiro). Randomized policies (random, brrip, drrip) own one of
// these, seeded with PolicyParams::seed, and advance it exactly once per fill.
//
//   next():  state += 0x9E3779B97F4A7C15; z = state;
//            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
//            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
//            return z ^ (z >> 31);
//
// Worked example: seeded with 1234567 the first outputs are 6457827717110365317,
// 3203168211198807973, 9817491932198370423, ... (the published test vector).
//
// peek() returns what next() would return without advancing, so a const victim() can look ahead.
// The whole state is one integer: copying the generator is a snapshot.

#include <cstdint>

namespace cachescope {

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

    /// Advances the state and returns the new output.
    std::uint64_t next() {
        state_ += kGamma;
        return mix(state_);
    }
    /// The output the next call to next() will return; the state does not change.
    std::uint64_t peek() const { return mix(state_ + kGamma); }

    std::uint64_t state() const { return state_; }
    bool operator==(const SplitMix64&) const = default;

private:
    static constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ull;
    static std::uint64_t mix(std::uint64_t z) {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::uint64_t state_;
};

}  // namespace cachescope
