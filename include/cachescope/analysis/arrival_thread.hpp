#pragma once
// An ArrivalSink that hands every batch of arrivals to another sink on a worker thread, so the 3C
// classifier's shadows (analysis/miss_classes.hpp) run beside the simulation instead of after it
// on the same thread (`run --classify`, `explain --from K`'s prefix).
//
//   MissClassifier classifier(sim.hierarchy());
//   ArrivalThread thread(classifier);        // starts the worker
//   sim.setArrivalSink(&thread);
//   ... sim.access(block) ...                // batches are copied and queued, never waited for
//   thread.drain();                          // every batch so far has reached the classifier
//   read classifier.counts(c)
//
// The worker calls the target's onArrivals with the batches in the order they were handed over,
// so the target sees exactly what it would see attached directly: its results are identical.
// Between drain() and the next onArrivals the target belongs to the caller; before drain() it
// belongs to the worker, and nobody else may read or change it. A batch is copied (the
// hierarchy reuses its buffers at once); at most kMaxQueued batches wait, then onArrivals waits for
// the worker, so memory stays bounded when the target is the slower side. An exception thrown
// by the target on the worker is rethrown by the next drain(), once; every later batch is dropped
// (the target's state is no longer meaningful).
// The destructor waits for the queue to empty and joins the worker.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <thread>
#include <vector>

#include "cachescope/sim/observer.hpp"

namespace cachescope {

class ArrivalThread final : public ArrivalSink {
public:
    /// Batches that may wait for the worker before onArrivals blocks.
    static constexpr std::size_t kMaxQueued = 64;

    /// `target` must outlive this object.
    explicit ArrivalThread(ArrivalSink& target);
    ~ArrivalThread() override;
    ArrivalThread(const ArrivalThread&) = delete;
    ArrivalThread& operator=(const ArrivalThread&) = delete;

    void onArrivals(std::uint32_t cache, std::span<const std::uint64_t> lines,
                    std::span<const ArrivalMiss> misses) override;
    /// Returns once every batch handed over so far has been handed to the target; rethrows what
    /// the target threw on the worker.
    void drain();

private:
    struct Batch {
        std::uint32_t cache = 0;
        std::vector<std::uint64_t> lines;  // kept between batches: no allocation once grown
        std::vector<ArrivalMiss> misses;
    };
    void work();

    ArrivalSink& target_;
    std::array<Batch, kMaxQueued> slots_;    // the ring (see arrival_thread.cpp)
    std::uint32_t queued_ = 0;               // the caller's: batches handed over
    std::atomic<std::uint32_t> queuedSignal_{0};  // queued_, published for the worker
    std::atomic<std::uint32_t> handled_{0};  // the worker's: batches it is done with
    std::atomic<bool> stop_{false};
    std::exception_ptr error_;     // the target's error: written by the worker, then read by drain()
    std::thread worker_;
};

}  // namespace cachescope
