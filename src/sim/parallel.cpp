// Exact parallel simulation: the plan, the split pass and the share threads (sim/parallel.hpp).

#include "cachescope/sim/parallel.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cassert>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "cachescope/config/topology.hpp"
#include "cachescope/core/address.hpp"

namespace cachescope {

namespace {

/// Policies whose state is per set only (parallel.hpp says why each qualifies).
bool perSetPolicy(std::string_view name) {
    for (const std::string_view p : {"lru", "fifo", "plru", "nru", "lfu", "mru", "srrip", "opt"})
        if (name == p) return true;
    return false;
}

/// Why `policy` keeps state shared by the sets of a cache.
std::string sharedStateOf(std::string_view policy) {
    if (policy == "random" || policy == "brrip") return "which draws from one random generator for all its sets";
    if (policy == "drrip") return "whose set dueling steers every set through one policy selector";
    return "whose state is not known to be per set";
}

std::string bitRange(unsigned from, unsigned to) {  // address bits [from, to)
    return to - from == 1 ? "bit " + std::to_string(from)
                          : "bits " + std::to_string(from) + "-" + std::to_string(to - 1);
}

/// Splits CPU references into share pieces and squeezes the share bits out of their addresses.
class Splitter {
public:
    Splitter(const SimConfig& config, const ShardPlan& plan)
        : shift_(plan.shift), bits_(plan.bits()), mask_(plan.shards - 1),
          low_((std::uint64_t{1} << plan.shift) - 1) {
        // A side without a cache sends each reference to memory as one request, whatever lines it
        // covers: such references are never split (any shard counts them the same).
        const Topology topology = computeTopology(config.caches);
        for (const AccessKind kind : {AccessKind::Read, AccessKind::Write, AccessKind::Fetch})
            whole_[static_cast<std::size_t>(kind)] =
                (kind == AccessKind::Fetch ? topology.firstInstruction : topology.firstData) == Topology::kMemory;
    }

    /// Calls put(share, piece, continuation) for each piece of `a`, in address order; continuation
    /// is false for the first piece (the one that counts as the reference).
    template <class Put>
    void split(const Access& a, Put&& put) const {
        const std::uint64_t block = a.address >> shift_;
        if (block == (a.address + (a.size - 1)) >> shift_ || whole_[static_cast<std::size_t>(a.kind)]) [[likely]] {
            put(share(a.address), Access{squeeze(a.address), a.size, a.kind, a.site, a.process}, false);
            return;
        }
        std::uint64_t address = a.address;
        std::uint64_t remaining = a.size;
        bool continuation = false;
        while (remaining > 0) {
            const std::uint64_t end = ((address >> shift_) + 1) << shift_;  // 0 past the top of the address space
            const std::uint64_t piece = (end == 0 || end - address >= remaining) ? remaining : end - address;
            put(share(address), Access{squeeze(address), static_cast<std::uint32_t>(piece), a.kind, a.site, a.process},
                continuation);
            continuation = true;
            address += piece;
            remaining -= piece;
        }
    }

private:
    std::uint32_t share(std::uint64_t address) const { return static_cast<std::uint32_t>((address >> shift_) & mask_); }
    /// Drops bits [shift, shift + bits) and moves the bits above down (planShards keeps shift + bits < 64).
    std::uint64_t squeeze(std::uint64_t address) const {
        return ((address >> (shift_ + bits_)) << shift_) | (address & low_);
    }

    unsigned shift_;
    unsigned bits_;
    std::uint64_t mask_;
    std::uint64_t low_;
    std::array<bool, 3> whole_{};  // by AccessKind: the side has no cache
};

/// A share's view of a trace: the pieces of the references of one share, squeezed (planning passes).
class ShareReader final : public TraceReader {
public:
    ShareReader(std::unique_ptr<TraceReader> inner, const Splitter& splitter, std::uint32_t share)
        : inner_(std::move(inner)), splitter_(splitter), share_(share) {}

    std::size_t read(std::span<Access> out) override {
        std::size_t n = 0;
        while (n < out.size()) {
            if (next_ == pending_.size() && !refill()) break;
            const std::size_t take = std::min(out.size() - n, pending_.size() - next_);
            std::copy_n(pending_.begin() + static_cast<std::ptrdiff_t>(next_), take, out.begin() + static_cast<std::ptrdiff_t>(n));
            next_ += take;
            n += take;
        }
        return n;
    }
    TraceFormat format() const override { return inner_->format(); }
    std::uint64_t records() const override { return inner_->records(); }
    std::uint64_t skippedLines() const override { return inner_->skippedLines(); }
    const TraceMetadata* metadata() const override { return inner_->metadata(); }

private:
    bool refill() {
        pending_.clear();
        next_ = 0;
        while (pending_.empty()) {
            const std::size_t n = inner_->read(block_);
            if (n == 0) return false;
            for (std::size_t i = 0; i < n; ++i)
                splitter_.split(block_[i], [this](std::uint32_t s, const Access& piece, bool) {
                    if (s == share_) pending_.push_back(piece);
                });
        }
        return true;
    }

    std::unique_ptr<TraceReader> inner_;
    Splitter splitter_;
    std::uint32_t share_;
    std::array<Access, 4096> block_;
    std::vector<Access> pending_;
    std::size_t next_ = 0;
};

/// A bounded queue between the split pass and one share thread.
template <class T>
class Channel {
public:
    explicit Channel(std::size_t capacity) : capacity_(capacity) {}
    /// Waits for room; drops `item` if the channel was closed.
    void push(T item) {
        std::unique_lock lock(mutex_);
        notFull_.wait(lock, [this] { return items_.size() < capacity_ || closed_; });
        if (closed_) return;
        items_.push_back(std::move(item));
        notEmpty_.notify_one();
    }
    /// Waits for an item; false once the channel is closed and empty.
    bool pop(T& item) {
        std::unique_lock lock(mutex_);
        notEmpty_.wait(lock, [this] { return !items_.empty() || closed_; });
        if (items_.empty()) return false;
        item = std::move(items_.front());
        items_.pop_front();
        notFull_.notify_one();
        return true;
    }
    /// An item if one is there now.
    bool tryPop(T& item) {
        std::lock_guard lock(mutex_);
        if (items_.empty()) return false;
        item = std::move(items_.front());
        items_.pop_front();
        notFull_.notify_one();
        return true;
    }
    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        notFull_.notify_all();
        notEmpty_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable notFull_, notEmpty_;
    std::deque<T> items_;
    std::size_t capacity_;
    bool closed_ = false;
};

constexpr std::size_t kChunk = 16384;  // accesses per hand-over (256 KiB)
constexpr std::size_t kQueued = 4;     // chunks waiting per share at most

struct Chunk {
    std::vector<Access> accesses;  // kChunk slots
    std::size_t used = 0;
};

}  // namespace

unsigned ShardPlan::bits() const { return static_cast<unsigned>(std::countr_zero(shards)); }

ShardPlan planShards(const SimConfig& config, std::uint32_t threads) {
    ShardPlan plan;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    if (threads <= 1) return plan;
    auto sequential = [&plan](std::string why) {
        plan.reason = std::move(why);
        return plan;
    };
    if (config.mmu)
        return sequential("the config has an mmu: the TLBs, page walks and page replacement serve every set");
    unsigned shift = 0, end = 64;
    for (const CacheConfig& c : config.caches) {
        if (c.fullyAssociative || c.sets() == 1)
            return sequential(c.name + (c.fullyAssociative ? " is fully associative" : " has a single set") +
                              ": every line shares its one set");
        if (!perSetPolicy(c.replacement))
            return sequential(c.name + " uses " + c.replacement + " replacement, " + sharedStateOf(c.replacement));
        const AddressLayout layout(c.lineSize, c.sets());
        shift = std::max(shift, layout.lineBits());
        end = std::min(end, layout.lineBits() + layout.setBits());
    }
    end = std::min(end, 63u);  // squeezing shifts by shift + bits, which must stay below 64
    if (config.caches.empty() || end <= shift) {
        std::string sets;
        for (const CacheConfig& c : config.caches) {
            const AddressLayout layout(c.lineSize, c.sets());
            sets += (sets.empty() ? "" : ", ") + c.name + " " +
                    bitRange(layout.lineBits(), layout.lineBits() + layout.setBits());
        }
        return sequential("no address bit selects the set in every cache (" + sets + ")");
    }
    plan.shift = shift;
    plan.commonBits = end - shift;
    const unsigned wanted = static_cast<unsigned>(std::bit_width(threads) - 1);  // floor(log2(threads))
    const unsigned bits = std::min(wanted, plan.commonBits);
    plan.shards = std::uint32_t{1} << bits;
    if (plan.shards < threads)
        plan.reason = bits < wanted ? "the caches share only " + std::to_string(plan.commonBits) +
                                          " set-index bits (address " + bitRange(shift, end) + "): at most " +
                                          std::to_string(plan.shards) + " shards"
                                    : "shards come in powers of two";
    return plan;
}

SimConfig shareConfig(const SimConfig& config, const ShardPlan& plan) {
    SimConfig share = config;
    for (CacheConfig& c : share.caches) {
        assert(c.sets() % plan.shards == 0);
        c.size /= plan.shards;
    }
    return share;
}

struct ParallelSimulator::Impl {
    SimConfig config;
    ShardPlan plan;
    Splitter splitter;
    std::vector<Simulator> shares;
    std::uint32_t sites = 0;  // attribution slots of siteReferences (0 = off)
    std::uint64_t references = 0;
    // The processes of the whole stream (Simulator::setProcessCounts): no share sees every turn.
    std::array<std::uint64_t, 256> processReferences{};
    std::uint64_t contextSwitches = 0;
    std::uint8_t process = 0;  // of the last reference (the run starts in process 0)
    std::uint64_t msyncs = 0;  // msync events counted (no mmu: nothing else)

    struct Lane {
        Chunk open;                       // being filled by the split pass
        std::unique_ptr<Channel<Chunk>> full, empty;
        std::thread thread;
        std::uint64_t continuations = 0;  // pieces after a reference's first
        std::vector<std::uint64_t> continuationSites;
    };
    std::vector<Lane> lanes;
    // The split pass's hot state, apart from the lanes: per shard, the next free slot of its open
    // chunk and the chunk's end (the open chunk's `used` is brought up to date when it ships).
    std::vector<Access*> next, last;
    bool running = false;
    std::mutex errorMutex;
    std::exception_ptr error;  // the first share thread's error
    std::atomic<bool> failed{false};

    Impl(const SimConfig& c, const ShardPlan& p)
        : config(c), plan(p), splitter(c, p), lanes(p.shards), next(p.shards), last(p.shards) {
        const SimConfig part = shareConfig(c, p);
        shares.reserve(p.shards);
        for (std::uint32_t s = 0; s < p.shards; ++s) shares.emplace_back(part);
    }

    ~Impl() { stop(true); }

    void recordError() {
        std::lock_guard lock(errorMutex);
        if (!error) error = std::current_exception();
        failed = true;
    }
    void rethrow() {
        std::lock_guard lock(errorMutex);
        if (error) std::rethrow_exception(error);
    }

    void start() {
        for (std::uint32_t s = 0; s < lanes.size(); ++s) {
            Lane& lane = lanes[s];
            lane.full = std::make_unique<Channel<Chunk>>(kQueued);
            lane.empty = std::make_unique<Channel<Chunk>>(kQueued + 2);
            lane.open = Chunk{std::vector<Access>(kChunk), 0};
            openSlots(s);
            lane.thread = std::thread([this, s] { work(s); });
        }
        running = true;
    }
    void work(std::uint32_t s) {
        Lane& lane = lanes[s];
        Chunk chunk;
        while (lane.full->pop(chunk)) {
            if (!failed) {
                try {
                    shares[s].access(std::span<const Access>(chunk.accesses.data(), chunk.used));
                } catch (...) {
                    recordError();
                }
            }
            chunk.used = 0;
            lane.empty->push(std::move(chunk));  // never waits: at most kQueued + 1 chunks are out
        }
    }
    void openSlots(std::uint32_t s) {
        next[s] = lanes[s].open.accesses.data();
        last[s] = next[s] + kChunk;
    }
    /// Hands shard s's open chunk (what the split pass put in it) to its thread; opens another.
    void ship(std::uint32_t s) {
        Lane& lane = lanes[s];
        lane.open.used = static_cast<std::size_t>(next[s] - lane.open.accesses.data());
        lane.full->push(std::move(lane.open));
        if (!lane.empty->tryPop(lane.open)) lane.open = Chunk{std::vector<Access>(kChunk), 0};
        openSlots(s);
    }
    /// Ends the threads; `discard` drops what they were not done with (destruction, errors).
    void stop(bool discard) {
        if (!running) return;
        if (discard) failed = true;
        for (std::uint32_t s = 0; s < lanes.size(); ++s) {
            if (!discard && next[s] != lanes[s].open.accesses.data()) ship(s);
            lanes[s].full->close();
        }
        for (Lane& lane : lanes) lane.thread.join();
        running = false;
    }

    void access(std::span<const Access> block) {
        if (!running) start();
        if (failed) {
            stop(true);
            rethrow();
        }
        references += block.size();
        for (const Access& a : block) {
            ++processReferences[a.process];
            contextSwitches += a.process != process;
            process = a.process;
        }
        for (const Access& a : block)
            splitter.split(a, [this](std::uint32_t s, const Access& piece, bool continuation) {
                Access* slot = next[s];
                *slot = piece;
                next[s] = slot + 1;
                if (continuation) [[unlikely]] {
                    Lane& lane = lanes[s];
                    ++lane.continuations;
                    if (sites != 0) ++lane.continuationSites[piece.site < sites ? piece.site : 0];
                }
                if (slot + 1 == last[s]) [[unlikely]] ship(s);
            });
    }
};

ParallelSimulator::ParallelSimulator(const SimConfig& config, const ShardPlan& plan)
    : impl_(std::make_unique<Impl>(config, plan)) {}

ParallelSimulator::~ParallelSimulator() = default;

const SimConfig& ParallelSimulator::config() const { return impl_->config; }
const ShardPlan& ParallelSimulator::plan() const { return impl_->plan; }

void ParallelSimulator::enableAttribution(std::uint32_t sites) {
    Impl& m = *impl_;
    for (Simulator& s : m.shares) s.enableAttribution(sites);
    m.sites = std::max<std::uint32_t>(sites, 1);  // as Simulator::enableAttribution sizes its table
    for (Impl::Lane& lane : m.lanes) lane.continuationSites.assign(m.sites, 0);
}

bool ParallelSimulator::needsFuture() const { return impl_->shares.front().needsFuture(); }

unsigned ParallelSimulator::planFutures(const TraceOpener& open) {
    Impl& m = *impl_;
    const std::uint32_t n = m.plan.shards;
    std::vector<unsigned> passes(n, 0);
    std::vector<std::exception_ptr> errors(n);
    std::vector<std::thread> threads;
    for (std::uint32_t s = 0; s < n; ++s)
        threads.emplace_back([&, s] {
            try {
                passes[s] = cachescope::planFutures(
                    m.shares[s], [&] { return std::make_unique<ShareReader>(open(), m.splitter, s); });
            } catch (...) {
                errors[s] = std::current_exception();
            }
        });
    for (std::thread& t : threads) t.join();
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);
    return *std::max_element(passes.begin(), passes.end());
}

void ParallelSimulator::access(std::span<const Access> block) { impl_->access(block); }

void ParallelSimulator::finish() {
    Impl& m = *impl_;
    m.stop(false);
    m.rethrow();
}

std::uint64_t ParallelSimulator::references() const { return impl_->references; }
std::uint64_t ParallelSimulator::apply(const TraceEvent& event) {
    switch (event.kind) {
        case TraceEventKind::Msync:
            ++impl_->msyncs;  // no mmu in a sharded run: nothing to write back
            return 0;
    }
    return 0;
}

Simulator ParallelSimulator::merged() const {
    const Impl& m = *impl_;
    Simulator whole(m.config);
    if (m.sites != 0) whole.enableAttribution(m.sites);
    std::vector<std::uint64_t> sites(m.sites);
    for (std::uint32_t s = 0; s < m.plan.shards; ++s) {
        const Simulator& share = m.shares[s];
        const Impl::Lane& lane = m.lanes[s];
        for (std::uint32_t i = 0; i < m.sites; ++i) sites[i] = share.siteReferences(i) - lane.continuationSites[i];
        whole.addShare(share, share.references() - lane.continuations, sites);
    }
    whole.addMsyncs(m.msyncs);
    assert(whole.references() == m.references);
    whole.setProcessCounts(m.processReferences, m.contextSwitches, m.process);
    return whole;
}

FlushCounts ParallelSimulator::flushCounts() const {
    const Impl& m = *impl_;
    FlushCounts sum;
    sum.dirtyLines.assign(m.config.caches.size(), 0);
    sum.writebacks.assign(m.config.caches.size(), 0);
    for (const Simulator& share : m.shares) {
        const FlushCounts part = cachescope::flushCounts(share.hierarchy());
        for (std::size_t c = 0; c < sum.dirtyLines.size(); ++c) {
            sum.dirtyLines[c] += part.dirtyLines[c];
            sum.writebacks[c] += part.writebacks[c];
        }
        sum.memoryWrites += part.memoryWrites;
    }
    return sum;
}

bool ParallelSimulator::followedPlans() {
    for (Simulator& share : impl_->shares)
        if (!share.followedPlans()) return false;
    return true;
}

const Simulator& ParallelSimulator::share(std::uint32_t s) const { return impl_->shares[s]; }

std::uint64_t runTrace(ParallelSimulator& simulator, TraceReader& trace, const RunOptions& options) {
    RunOptions applying = options;
    applying.onEvent = [&simulator, &options](const TraceEvent& e) {
        simulator.apply(e);
        if (options.onEvent) options.onEvent(e);
    };
    const std::uint64_t total =
        forEachBlock(trace, [&simulator](std::span<const Access> block) { simulator.access(block); }, applying);
    simulator.finish();
    return total;
}

}  // namespace cachescope
