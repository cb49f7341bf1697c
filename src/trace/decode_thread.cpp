// decodeOnThread: a trace reader run on a producer thread, handing whole blocks to the caller.
//
// kDecodeSlots blocks form a ring. Slots [head_, head_ + full_) hold decoded blocks, the first of
// them being read by the caller while it holds it; the producer fills slot head_ + full_ (free: no
// one else touches it) without the lock, then publishes it. One mutex guards head_, full_ and the
// end state; the producer waits on `space_` for a free slot, the caller on `data_` for a full one.

#include "cachescope/trace/decode_thread.hpp"

#include <sched.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cachescope/core/error.hpp"

namespace cachescope {

std::string_view toString(DecodeThread mode) {
    switch (mode) {
    case DecodeThread::Auto: return "auto";
    case DecodeThread::On: return "on";
    case DecodeThread::Off: return "off";
    }
    return "?";
}

DecodeThread parseDecodeThread(std::string_view name) {
    for (const DecodeThread m : {DecodeThread::Auto, DecodeThread::On, DecodeThread::Off})
        if (name == toString(m)) return m;
    throw UsageError("unknown decode thread setting '" + std::string(name) + "': expected auto, on or off");
}

unsigned availableCpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) return static_cast<unsigned>(n);
    }
    return std::max(1U, std::thread::hardware_concurrency());
}

bool useDecodeThread(DecodeThread mode, unsigned cpus) {
    switch (mode) {
    case DecodeThread::On: return true;
    case DecodeThread::Off: return false;
    case DecodeThread::Auto: break;
    }
    return cpus > 1;
}

namespace {

class ThreadedReader final : public TraceReader {
public:
    ThreadedReader(std::unique_ptr<TraceReader> inner, std::size_t blockAccesses)
        : inner_(std::move(inner)), format_(inner_->format()), metadata_(inner_->metadata()) {
        for (Block& b : slots_) b.accesses.resize(std::max<std::size_t>(blockAccesses, 1));
        records_ = inner_->records();
        skipped_ = inner_->skippedLines();
        // Control events travel with the block being filled when the reader meets them, and reach
        // the caller's sink when it takes that block (their positions say where they go).
        inner_->setEventSink(&collector_);
        producer_ = std::thread([this] { produce(); });
    }
    ~ThreadedReader() override {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        space_.notify_one();
        producer_.join();
    }
    ThreadedReader(const ThreadedReader&) = delete;
    ThreadedReader& operator=(const ThreadedReader&) = delete;

    std::size_t read(std::span<Access> out) override {
        const std::span<const Access> v = take(out.size());
        std::copy(v.begin(), v.end(), out.begin());
        return v.size();
    }
    std::span<const Access> view(std::span<Access> scratch) override { return take(scratch.size()); }

    TraceFormat format() const override { return format_; }
    /// One access per record (see the header): the records before the current block, plus what
    /// was taken of it.
    std::uint64_t records() const override { return current_ != nullptr ? current_->recordsBefore + pos_ : records_; }
    std::uint64_t skippedLines() const override {
        if (current_ == nullptr) return skipped_;
        return pos_ == current_->size ? current_->skippedAfter : current_->skippedBefore;
    }
    const TraceMetadata* metadata() const override { return metadata_; }
    void setEventSink(TraceEventSink* sink) override { sink_ = sink; }

private:
    struct Block {
        std::vector<Access> accesses;
        std::size_t size = 0;  // accesses decoded into it
        std::uint64_t recordsBefore = 0, recordsAfter = 0;  // the inner reader's counts around it
        std::uint64_t skippedBefore = 0, skippedAfter = 0;
        std::vector<TraceEvent> events;  // met while filling it (positions up to its last access)
    };
    /// The producer's sink on the inner reader: into the block being filled.
    struct Collector final : TraceEventSink {
        std::vector<TraceEvent>* into = nullptr;
        void onTraceEvent(const TraceEvent& e) override { into->push_back(e); }
    };

    /// The next accesses of the current block (at most max), moving to the next block when it is
    /// used up; empty at the end. Rethrows the producer's error once every block before it was taken.
    std::span<const Access> take(std::size_t max) {
        if (max == 0) return {};
        if (current_ == nullptr || pos_ == current_->size)
            if (!nextBlock()) return {};
        const std::size_t n = std::min(max, current_->size - pos_);
        const std::span<const Access> v(current_->accesses.data() + pos_, n);
        pos_ += n;
        return v;
    }

    bool nextBlock() {
        std::unique_lock lock(mutex_);
        if (current_ != nullptr) {  // hand the used block back to the producer
            records_ = current_->recordsAfter;
            skipped_ = current_->skippedAfter;
            current_ = nullptr;
            head_ = (head_ + 1) % kDecodeSlots;
            --full_;
            lock.unlock();
            space_.notify_one();
            lock.lock();
        }
        data_.wait(lock, [&] { return full_ > 0 || done_; });
        if (full_ == 0) {  // the end, or the producer's error after every block before it
            if (error_) std::rethrow_exception(error_);
            return false;
        }
        current_ = &slots_[head_];
        pos_ = 0;
        if (sink_ != nullptr)
            for (const TraceEvent& e : current_->events) sink_->onTraceEvent(e);
        return true;
    }

    /// The producer thread: fills free slots until the inner reader ends, fails, or stop_ is set.
    void produce() {
        try {
            for (;;) {
                std::size_t slot = 0;
                {
                    std::unique_lock lock(mutex_);
                    space_.wait(lock, [&] { return stop_ || full_ < kDecodeSlots; });
                    if (stop_) return;
                    slot = (head_ + full_) % kDecodeSlots;
                }
                Block& b = slots_[slot];
                b.recordsBefore = inner_->records();
                b.skippedBefore = inner_->skippedLines();
                b.events.clear();
                collector_.into = &b.events;
                std::size_t n = 0;
                bool ended = false;
                while (n < b.accesses.size()) {
                    const std::size_t got = inner_->read(std::span<Access>(b.accesses.data() + n, b.accesses.size() - n));
                    if (got == 0) {
                        ended = true;
                        break;
                    }
                    n += got;
                }
                b.size = n;
                b.recordsAfter = inner_->records();
                b.skippedAfter = inner_->skippedLines();
                {
                    std::lock_guard lock(mutex_);
                    if (n != 0 || !b.events.empty()) ++full_;  // events after the last access: a block of none
                    done_ = ended;
                }
                data_.notify_one();
                if (ended) return;
            }
        } catch (...) {
            {
                std::lock_guard lock(mutex_);
                error_ = std::current_exception();
                done_ = true;
            }
            data_.notify_one();
        }
    }

    const std::unique_ptr<TraceReader> inner_;  // used by the producer only, once it started
    Collector collector_;                       // the producer's
    const TraceFormat format_;
    const TraceMetadata* const metadata_;  // fixed when the reader opened
    std::array<Block, kDecodeSlots> slots_;
    std::thread producer_;

    // Shared, guarded by mutex_.
    std::mutex mutex_;
    std::condition_variable space_;  // the producer waits for a free slot
    std::condition_variable data_;   // the caller waits for a full slot
    std::size_t head_ = 0;           // the oldest full slot
    std::size_t full_ = 0;           // full slots (the caller's current one included)
    bool done_ = false;              // no more blocks will come
    bool stop_ = false;              // the caller is gone
    std::exception_ptr error_;

    // The caller's side only.
    TraceEventSink* sink_ = nullptr;
    Block* current_ = nullptr;  // the block being taken (slots_[head_]), nullptr before the first
    std::size_t pos_ = 0;       // accesses of it taken
    std::uint64_t records_ = 0, skipped_ = 0;  // counts after the last block handed back
};

}  // namespace

std::unique_ptr<TraceReader> decodeOnThread(std::unique_ptr<TraceReader> inner, std::size_t blockAccesses) {
    if (inner->format() == TraceFormat::Lackey) return inner;
    return std::make_unique<ThreadedReader>(std::move(inner), blockAccesses);
}

}  // namespace cachescope
