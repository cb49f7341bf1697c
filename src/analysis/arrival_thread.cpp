// Arrivals handed to a sink on a worker thread (analysis/arrival_thread.hpp).

#include "cachescope/analysis/arrival_thread.hpp"

#include <utility>

namespace cachescope {

ArrivalThread::ArrivalThread(ArrivalSink& target) : target_(target) { worker_ = std::thread([this] { work(); }); }

ArrivalThread::~ArrivalThread() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    ready_.notify_one();
    worker_.join();
}

void ArrivalThread::onArrivals(std::uint32_t cache, std::span<const std::uint64_t> lines,
                               std::span<const ArrivalMiss> misses) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
    Batch b;
    if (!spare_.empty()) {
        b = std::move(spare_.back());
        spare_.pop_back();
    }
    lock.unlock();  // copy outside the lock: the worker keeps going meanwhile
    b.cache = cache;
    b.lines.assign(lines.begin(), lines.end());
    b.misses.assign(misses.begin(), misses.end());
    lock.lock();
    const bool wake = queue_.empty();
    queue_.push_back(std::move(b));
    lock.unlock();
    if (wake) ready_.notify_one();
}

void ArrivalThread::drain() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return queue_.empty() && !busy_; });
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void ArrivalThread::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        ready_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stop_, and nothing left
        Batch b = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        const bool failed = failed_;  // after an error, every later batch is dropped
        lock.unlock();
        if (!failed) {
            try {
                target_.onArrivals(b.cache, b.lines, b.misses);
            } catch (...) {
                lock.lock();
                error_ = std::current_exception();
                failed_ = true;
                lock.unlock();
            }
        }
        lock.lock();
        busy_ = false;
        spare_.push_back(std::move(b));
        done_.notify_all();
    }
}

}  // namespace cachescope
