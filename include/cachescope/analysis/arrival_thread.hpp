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

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
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
        std::vector<std::uint64_t> lines;
        std::vector<ArrivalMiss> misses;
    };
    void work();

    ArrivalSink& target_;
    std::mutex mutex_;
    std::condition_variable ready_;  // the worker waits for a batch (or stop_)
    std::condition_variable done_;   // the caller waits for room in the queue, or for an idle worker
    std::deque<Batch> queue_;        // handed over, not yet taken by the worker
    std::vector<Batch> spare_;       // processed batches, their vectors kept for reuse
    bool busy_ = false;              // the worker is handing a batch to the target
    bool stop_ = false;
    std::exception_ptr error_;       // the target's error, until drain() rethrows it
    bool failed_ = false;            // the target threw: later batches are dropped
    std::thread worker_;
};

}  // namespace cachescope
