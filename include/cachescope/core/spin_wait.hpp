#pragma once
// Waiting for another thread's counter to move, as the two single-producer single-consumer rings
// (trace/decode_thread.cpp, analysis/arrival_thread.cpp) do: each side publishes a count of what it
// has done with a release store, and the other waits for that count to change.
//
// A mutex and condition variables per hand-over cost a sleep and a wake-up whenever one side
// catches up with the other, and on a virtual machine each of those is tens of microseconds (an
// idle virtual CPU halts, and waking it takes an interrupt through the hypervisor). That made the
// decode thread slower than decoding inline (issue 12). The other side is usually a few
// microseconds from its next hand-over, so the waiter spins a little first, with the CPU's pause
// hint, and only then sleeps in std::atomic::wait (a futex); the publisher's notify is a system
// call at most, and wakes nobody when nobody sleeps.

#include <atomic>
#include <cstdint>

namespace cachescope {

/// Spins before sleeping: about 100 microseconds of pause instructions on this project's machines.
inline constexpr int kSpinsBeforeSleep = 4096;

/// Waits until `counter` holds a value other than `seen`, and returns it (acquire: what the other
/// thread wrote before its release store is visible).
inline std::uint32_t waitForChange(const std::atomic<std::uint32_t>& counter, std::uint32_t seen) {
    for (int spin = 0; spin < kSpinsBeforeSleep; ++spin) {
        const std::uint32_t now = counter.load(std::memory_order_acquire);
        if (now != seen) return now;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    for (;;) {
        counter.wait(seen, std::memory_order_acquire);
        const std::uint32_t now = counter.load(std::memory_order_acquire);
        if (now != seen) return now;
    }
}

/// Publishes `value` (release) and wakes a thread sleeping in waitForChange on it.
inline void publish(std::atomic<std::uint32_t>& counter, std::uint32_t value) {
    counter.store(value, std::memory_order_release);
    counter.notify_one();
}

}  // namespace cachescope
