// openKernelTrace: a kernel running in a worker thread, read as a TraceReader.
//
// The worker's Recorder hands each full block to BlockQueue::push, which waits while kQueueBlocks
// blocks are already waiting; the reader's read() pops them in order. One mutex and one condition
// variable guard everything; blocks are recycled through a free list, so a long trace allocates
// at most kQueueBlocks + 2 buffers.

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "cachescope/kernels/kernel.hpp"
#include "cachescope/kernels/stream.hpp"

namespace cachescope {

namespace {

/// Thrown inside the worker when the reader is gone; never leaves this file.
struct KernelCancelled {};

class KernelTraceReader final : public TraceReader, private AccessSink {
public:
    KernelTraceReader(KernelInfo kernel, KernelParams params) : kernel_(std::move(kernel)), params_(std::move(params)) {
        worker_ = std::thread([this] { work(); });
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return metadata_.has_value() || done_; });
        if (!metadata_) {
            // The kernel failed (or returned) before ready(): report it here.
            lock.unlock();
            worker_.join();
            if (error_) std::rethrow_exception(error_);
            throw std::logic_error("kernel " + kernel_.name + " never called ready()");
        }
    }
    ~KernelTraceReader() override {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        changed_.notify_all();
        worker_.join();
    }
    KernelTraceReader(const KernelTraceReader&) = delete;
    KernelTraceReader& operator=(const KernelTraceReader&) = delete;

    std::size_t read(std::span<Access> out) override {
        std::size_t filled = 0;
        while (filled < out.size()) {
            if (position_ == current_.size() && !nextBlock()) break;
            const std::size_t n = std::min(out.size() - filled, current_.size() - position_);
            std::copy_n(current_.begin() + static_cast<std::ptrdiff_t>(position_), n,
                        out.begin() + static_cast<std::ptrdiff_t>(filled));
            position_ += n;
            filled += n;
        }
        handedOut_ += filled;
        // The kernel's exception comes after every access handed over before it.
        if (filled == 0 && failure_) std::rethrow_exception(failure_);
        return filled;
    }
    TraceFormat format() const override { return TraceFormat::Kernel; }
    std::uint64_t records() const override { return handedOut_; }
    const TraceMetadata* metadata() const override { return &*metadata_; }

private:
    /// Worker thread body.
    void work() {
        std::exception_ptr error;
        try {
            runKernel(kernel_, params_, *this, nullptr, [this](const TraceMetadata& meta) {
                {
                    std::lock_guard lock(mutex_);
                    metadata_ = meta;
                }
                changed_.notify_all();
            });
        } catch (const KernelCancelled&) {
            // The reader is being destroyed: nothing to report.
        } catch (...) {
            error = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            error_ = error;
            done_ = true;
        }
        changed_.notify_all();
    }

    /// AccessSink, called by the worker's Recorder: queue a copy of the block (waiting for room).
    void consume(std::span<const Access> block) override {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || queue_.size() < kQueueBlocks; });
        if (stop_) throw KernelCancelled{};
        std::vector<Access> buffer;
        if (!spare_.empty()) {
            buffer = std::move(spare_.back());
            spare_.pop_back();
        }
        buffer.assign(block.begin(), block.end());
        queue_.push_back(std::move(buffer));
        lock.unlock();
        changed_.notify_all();
    }

    /// Replaces the exhausted current block by the next queued one; false at the end of the trace
    /// (and then failure_ holds the kernel's exception, if it threw one).
    bool nextBlock() {
        std::unique_lock lock(mutex_);
        if (current_.capacity() > 0) spare_.push_back(std::move(current_));
        current_.clear();
        position_ = 0;
        changed_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (queue_.empty()) {
            failure_ = error_;
            return false;
        }
        current_ = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        changed_.notify_all();
        return true;
    }

    const KernelInfo kernel_;  // a copy: the caller's may be a temporary
    const KernelParams params_;
    std::thread worker_;

    // Shared between the worker and the reader, guarded by mutex_.
    std::mutex mutex_;
    std::condition_variable changed_;
    std::optional<TraceMetadata> metadata_;
    std::deque<std::vector<Access>> queue_;
    std::vector<std::vector<Access>> spare_;
    bool stop_ = false;
    bool done_ = false;
    std::exception_ptr error_;

    // Reader side only.
    std::vector<Access> current_;
    std::size_t position_ = 0;
    std::uint64_t handedOut_ = 0;
    std::exception_ptr failure_;
};

}  // namespace

std::unique_ptr<TraceReader> openKernelTrace(const KernelInfo& kernel, const KernelParams& params) {
    return std::make_unique<KernelTraceReader>(kernel, params);
}

std::unique_ptr<TraceReader> openKernelTrace(const std::string& kernel, const std::vector<std::string>& settings) {
    const KernelInfo& info = findKernel(kernel);
    return openKernelTrace(info, resolveParams(info, settings));
}

}  // namespace cachescope
