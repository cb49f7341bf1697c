// Arrivals handed to a sink on a worker thread (analysis/arrival_thread.hpp).
//
// kMaxQueued batch slots form a ring with two counters: queued_ (batches the caller has copied in)
// and handled_ (batches the worker has handed to the target). Batch i lives in slot
// i % kMaxQueued; the caller fills it once i - handled_ < kMaxQueued, the worker takes it once
// i < queued_. Each side writes only its own counter, so a hand-over is a store and, at most, a
// wake-up of a side that had to sleep (core/spin_wait.hpp: no mutex per batch).

#include "cachescope/analysis/arrival_thread.hpp"

#include <utility>

#include "cachescope/core/spin_wait.hpp"

namespace cachescope {

ArrivalThread::ArrivalThread(ArrivalSink& target) : target_(target) { worker_ = std::thread([this] { work(); }); }

ArrivalThread::~ArrivalThread() {
    // Every batch handed over first reaches the target (or is dropped after an error), then the
    // worker is told to stop: a last "batch" that is only the stop signal.
    std::uint32_t handled = handled_.load(std::memory_order_acquire);
    while (handled != queued_) handled = waitForChange(handled_, handled);
    stop_.store(true, std::memory_order_release);
    publish(queuedSignal_, ++queued_);
    worker_.join();
}

void ArrivalThread::onArrivals(std::uint32_t cache, std::span<const std::uint64_t> lines,
                               std::span<const ArrivalMiss> misses) {
    std::uint32_t handled = handled_.load(std::memory_order_acquire);
    while (queued_ - handled >= kMaxQueued) handled = waitForChange(handled_, handled);
    Batch& b = slots_[queued_ % kMaxQueued];  // the worker is done with it
    b.cache = cache;
    b.lines.assign(lines.begin(), lines.end());
    b.misses.assign(misses.begin(), misses.end());
    publish(queuedSignal_, ++queued_);
}

void ArrivalThread::drain() {
    std::uint32_t handled = handled_.load(std::memory_order_acquire);
    while (handled != queued_) handled = waitForChange(handled_, handled);
    if (error_) {
        // The worker wrote error_ before its release store of handled_; it writes it once.
        std::rethrow_exception(std::exchange(error_, nullptr));
    }
}

void ArrivalThread::work() {
    std::uint32_t taken = 0, queued = 0;
    bool failed = false;  // after an error, every later batch is dropped
    for (;;) {
        while (queued == taken) queued = waitForChange(queuedSignal_, queued);
        if (stop_.load(std::memory_order_acquire)) return;
        const Batch& b = slots_[taken % kMaxQueued];
        if (!failed) {
            try {
                target_.onArrivals(b.cache, b.lines, b.misses);
            } catch (...) {
                error_ = std::current_exception();
                failed = true;
            }
        }
        publish(handled_, ++taken);
    }
}

}  // namespace cachescope
