// decodeOnThread: a trace reader run on a producer thread, handing whole blocks to the caller.
//
// kDecodeSlots blocks form a ring, with two counters of blocks: published_ (filled by the producer)
// and released_ (handed back by the caller). Block i lives in slot i % kDecodeSlots; the producer
// may fill block i once i - released_ < kDecodeSlots, the caller may take it once i < published_.
// Each side writes only its own counter (release) and reads the other's (acquire), so a hand-over
// is a store, not a lock. A side that finds nothing to do spins a little, then sleeps on the
// counter (core/spin_wait.hpp, which says why: a mutex and condition variables per block made the
// decode thread slower than decoding inline on this project's virtual machines).

#include "cachescope/trace/decode_thread.hpp"

#include <sched.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cachescope/core/error.hpp"
#include "cachescope/core/spin_wait.hpp"

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

// The producer decodes into a small staging buffer (it stays in the first-level cache) and copies
// each piece into the block with non-temporal stores, which write whole lines to memory without
// first fetching them. With ordinary stores every line of a block, last read by the simulating
// thread on the other CPU, had to be fetched back from that CPU's cache before the producer could
// write it: on this project's 2-CPU virtual machine that made a binary run slower with the decode
// thread than without it (0.25 s against 0.14 s for 28.3 M accesses; 0.10 s now). The simulating
// thread then reads the block from memory, sequentially, which the hardware prefetcher hides.
void streamCopy(Access* dst, const Access* src, std::size_t n) {
#if defined(__SSE2__)
    static_assert(sizeof(Access) == 16 && alignof(Access) <= 16);
    if (reinterpret_cast<std::uintptr_t>(dst) % 16 == 0) {
        auto* d = reinterpret_cast<__m128i*>(dst);
        const auto* s = reinterpret_cast<const __m128i*>(src);
        for (std::size_t i = 0; i < n; ++i) _mm_stream_si128(d + i, _mm_loadu_si128(s + i));
        return;
    }
#endif
    std::memcpy(static_cast<void*>(dst), src, n * sizeof(Access));
}

/// Orders the non-temporal stores before the release store that publishes the block.
void streamFence() {
#if defined(__SSE2__)
    _mm_sfence();
#endif
}

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
        stop_.store(true, std::memory_order_release);
        released_.fetch_add(kDecodeSlots, std::memory_order_release);  // wakes a waiting producer
        released_.notify_one();
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
        bool last = false;               // the inner reader ended (or failed) in it
        std::exception_ptr error;        // the inner reader's error, if it failed here
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
        if (current_ != nullptr) {  // hand the used block back to the producer
            records_ = current_->recordsAfter;
            skipped_ = current_->skippedAfter;
            const bool last = current_->last;
            current_ = nullptr;
            publish(released_, ++taken_);
            if (last) {
                ended_ = true;
                return false;
            }
        } else if (ended_) {
            return false;
        }
        std::uint32_t published = published_.load(std::memory_order_acquire);
        while (published == taken_) published = waitForChange(published_, published);
        Block& b = slots_[taken_ % kDecodeSlots];
        if (b.error) std::rethrow_exception(b.error);  // after every block before it was taken
        if (b.size == 0 && b.last) {  // the end: nothing in it but events after the last access
            if (sink_ != nullptr)
                for (const TraceEvent& e : b.events) sink_->onTraceEvent(e);
            records_ = b.recordsAfter;
            skipped_ = b.skippedAfter;
            publish(released_, ++taken_);
            ended_ = true;
            return false;
        }
        current_ = &b;
        pos_ = 0;
        if (sink_ != nullptr)
            for (const TraceEvent& e : current_->events) sink_->onTraceEvent(e);
        return true;
    }

    /// The producer thread: fills free slots until the inner reader ends, fails, or stop_ is set.
    void produce() {
        std::uint32_t next = 0;  // the block to fill
        std::uint32_t released = 0;
        for (;;) {
            // (The destructor sets stop_, then moves released_ by a whole ring to wake us.)
            while (next - released >= kDecodeSlots) {
                if (stop_.load(std::memory_order_acquire)) return;
                released = waitForChange(released_, released);
            }
            if (stop_.load(std::memory_order_acquire)) return;
            Block& b = slots_[next % kDecodeSlots];
            b.events.clear();
            b.size = 0;
            b.last = false;
            b.error = nullptr;
            try {
                b.recordsBefore = inner_->records();
                b.skippedBefore = inner_->skippedLines();
                collector_.into = &b.events;
                std::size_t n = 0;
                while (n < b.accesses.size()) {
                    const std::size_t want = std::min(stage_.size(), b.accesses.size() - n);
                    const std::size_t got = inner_->read(std::span<Access>(stage_.data(), want));
                    if (got == 0) {
                        b.last = true;
                        break;
                    }
                    streamCopy(b.accesses.data() + n, stage_.data(), got);
                    n += got;
                }
                streamFence();
                b.size = n;
                b.recordsAfter = inner_->records();
                b.skippedAfter = inner_->skippedLines();
            } catch (...) {
                // What was decoded of this block before the error is lost with it: the inner
                // reader's error names the record, and the caller stops there (as when inline,
                // where read() would have thrown before returning those accesses).
                b.size = 0;
                b.last = true;
                b.error = std::current_exception();
            }
            publish(published_, ++next);
            if (b.last) return;
        }
    }

    std::array<Access, 1024> stage_;            // the producer's staging buffer (see streamCopy)
    const std::unique_ptr<TraceReader> inner_;  // used by the producer only, once it started
    Collector collector_;                       // the producer's
    const TraceFormat format_;
    const TraceMetadata* const metadata_;  // fixed when the reader opened
    std::array<Block, kDecodeSlots> slots_;
    std::thread producer_;

    // Shared: each counter is written by one side only (see the top of the file).
    std::atomic<std::uint32_t> published_{0};  // blocks the producer has filled (the producer's)
    std::atomic<std::uint32_t> released_{0};   // blocks the caller has handed back (the caller's)
    std::atomic<bool> stop_{false};            // the caller is gone

    // The caller's side only.
    TraceEventSink* sink_ = nullptr;
    Block* current_ = nullptr;  // the block being taken, nullptr before the first and between blocks
    std::uint32_t taken_ = 0;   // blocks taken and handed back (released_'s value)
    bool ended_ = false;        // the end was reached
    std::size_t pos_ = 0;       // accesses of it taken
    std::uint64_t records_ = 0, skipped_ = 0;  // counts after the last block handed back
};

}  // namespace

std::unique_ptr<TraceReader> decodeOnThread(std::unique_ptr<TraceReader> inner, std::size_t blockAccesses) {
    if (inner->format() == TraceFormat::Lackey) return inner;
    return std::make_unique<ThreadedReader>(std::move(inner), blockAccesses);
}

}  // namespace cachescope
