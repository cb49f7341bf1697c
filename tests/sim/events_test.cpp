// Trace events applied in one place (trace/event.hpp; docs/mmap.md, "msync"): Simulator::apply is
// Simulator::msync for an msync event, ParallelSimulator::apply counts it, and forEachBlock (the one
// block loop of sim/run.hpp) cuts its blocks exactly where events are, or drops them when nobody
// listens, without giving the reader a sink at all.

#include <doctest/doctest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/sim/parallel.hpp"
#include "cachescope/sim/run.hpp"
#include "mmu/page_cache_test_util.hpp"

namespace cachescope {
namespace {

constexpr std::uint64_t kA = 0x10000000, kPage = 4096;

TraceEvent msyncEvent(std::uint64_t address, std::uint64_t size, std::uint8_t process = 0) {
    return TraceEvent{0, TraceEventKind::Msync, process, address, size};
}

/// A reader of `accesses` accesses (reads of 0x1000 + 64 i) handed out `chunk` at a time, with
/// `events` at their positions: each is handed to the sink from inside the view() whose range
/// holds accesses after it (position below the range's end), the ones at the very end from the
/// view() that returns nothing. It counts setEventSink calls.
class ScriptedReader final : public TraceReader {
public:
    ScriptedReader(std::uint64_t accesses, std::size_t chunk, std::vector<TraceEvent> events)
        : accesses_(accesses), chunk_(chunk), events_(std::move(events)) {}
    std::size_t read(std::span<Access> out) override {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>({out.size(), chunk_, accesses_ - next_}));
        for (std::size_t i = 0; i < n; ++i) out[i] = Access{0x1000 + 64 * (next_ + i), 4, AccessKind::Read, 0};
        next_ += n;
        for (; handed_ < events_.size() && (events_[handed_].position < next_ || n == 0); ++handed_)
            if (sink_ != nullptr) sink_->onTraceEvent(events_[handed_]);
        return n;
    }
    TraceFormat format() const override { return TraceFormat::Text; }
    std::uint64_t records() const override { return next_; }
    void setEventSink(TraceEventSink* sink) override {
        sink_ = sink;
        ++sinkCalls;
    }
    TraceEventSink* sink() const { return sink_; }
    int sinkCalls = 0;

private:
    std::uint64_t accesses_, next_ = 0;
    std::size_t chunk_, handed_ = 0;
    std::vector<TraceEvent> events_;
    TraceEventSink* sink_ = nullptr;
};

}  // namespace

TEST_CASE("trace events: Simulator::apply of an msync writes back what Simulator::msync does") {
    // 3 frames, file "f" of 3 pages at A (tests/session/msync_session_test.cpp's shape): write all
    // three pages, then msync the first two (2 dirty pages written back), then again (0: clean).
    Simulator applied(test::pagingConfig(3));
    applied.mapFiles({test::fileRegion("data", kA, 3 * kPage, "f", 3 * kPage)});
    for (std::uint64_t p = 0; p < 3; ++p) applied.access(Access{kA + p * kPage, 4, AccessKind::Write, 0});
    Simulator called = applied;
    CHECK(applied.apply(msyncEvent(kA, 2 * kPage)) == 2);
    CHECK(called.msync(0, kA, 2 * kPage) == 2);
    CHECK(applied.apply(msyncEvent(kA, 2 * kPage)) == 0);
    CHECK(called.msync(0, kA, 2 * kPage) == 0);
    CHECK(applied.apply(msyncEvent(kA, 3 * kPage, 1)) == 0);  // process 1 maps nothing
    CHECK(called.msync(1, kA, 3 * kPage) == 0);
    CHECK(applied.msyncs() == 3);
    CHECK(applied.mmu()->stats().msyncWritebacks == 2);
    CHECK(applied.mmu()->dirtyFilePages() == 1);
    CHECK(applied.sameState(called));

    // Without an mmu: counted, nothing written.
    Simulator plain(parseConfig(R"({"caches": [{"name": "L1", "size": "1KiB", "associativity": 2}]})", "c.json"));
    CHECK(plain.apply(msyncEvent(kA, kPage)) == 0);
    CHECK(plain.msyncs() == 1);
}

TEST_CASE("trace events: ParallelSimulator::apply counts each msync once in the merged result") {
    const SimConfig config = parseConfig(R"({"caches": [{"name": "L1", "size": "4KiB", "associativity": 2}]})", "c.json");
    const ShardPlan plan = planShards(config, 2);
    REQUIRE(plan.shards == 2);
    ParallelSimulator par(config, plan);
    std::vector<Access> block;
    for (std::uint64_t i = 0; i < 100; ++i) block.push_back(Access{64 * i, 4, AccessKind::Read, 0});
    CHECK(par.apply(msyncEvent(kA, kPage)) == 0);
    par.access(block);
    CHECK(par.apply(msyncEvent(kA, kPage)) == 0);
    CHECK(par.apply(msyncEvent(kA, 2 * kPage, 3)) == 0);
    par.finish();
    const Simulator merged = par.merged();
    CHECK(merged.msyncs() == 3);
    CHECK(merged.references() == 100);
}

TEST_CASE("forEachBlock: blocks cut exactly where events are, or whole when nobody listens") {
    // 10 accesses, 4 a view; events at 0 (before any access), 3 (twice), 4, 9 and 10 (after the
    // last). Worked by hand: view [0,4) hands over 0, 3, 3: event 0, 3 accesses, events 3 and 3,
    // 1 access; view [4,8) hands over 4: event 4, 4 accesses; view [8,10) hands over 9: 1 access,
    // event 9, 1 access; the empty view hands over 10: event 10.
    auto events = [] {
        std::vector<TraceEvent> v;
        for (const std::uint64_t p : std::initializer_list<std::uint64_t>{0, 3, 3, 4, 9, 10}) {
            TraceEvent e = msyncEvent(kA + p * kPage, kPage);
            e.position = p;
            v.push_back(e);
        }
        return v;
    };
    std::vector<std::string> log;
    std::uint64_t consumed = 0;
    std::vector<std::uint64_t> addresses;
    auto consume = [&](std::span<const Access> part) {
        log.push_back("C" + std::to_string(part.size()));
        consumed += part.size();
        for (const Access& a : part) addresses.push_back(a.address);
    };

    ScriptedReader listened(10, 4, events());
    RunOptions options;
    std::vector<std::uint64_t> before;  // the accesses consumed when each event came
    options.onEvent = [&](const TraceEvent& e) {
        log.push_back("E" + std::to_string(e.position));
        before.push_back(consumed);
    };
    CHECK(forEachBlock(listened, consume, options) == 10);
    CHECK(log == std::vector<std::string>{"E0", "C3", "E3", "E3", "C1", "E4", "C4", "C1", "E9", "C1", "E10"});
    CHECK(before == std::vector<std::uint64_t>{0, 3, 3, 4, 9, 10});  // each event's position
    CHECK(listened.sinkCalls == 2);  // set, then unset
    CHECK(listened.sink() == nullptr);
    for (std::uint64_t i = 0; i < addresses.size(); ++i) CHECK(addresses[i] == 0x1000 + 64 * i);

    // Nobody listens: the reader gets no sink, the events are dropped, each view goes whole.
    log.clear();
    consumed = 0;
    addresses.clear();
    ScriptedReader unheard(10, 4, events());
    CHECK(forEachBlock(unheard, consume, RunOptions{}) == 10);
    CHECK(log == std::vector<std::string>{"C4", "C4", "C2"});
    CHECK(unheard.sinkCalls == 0);
    CHECK(addresses.size() == 10);

    // runTrace applies them: the count, and progress reported as before.
    ScriptedReader run(10, 4, events());
    Simulator sim(parseConfig(R"({"caches": [{"name": "L1", "size": "1KiB", "associativity": 2}]})", "c.json"));
    std::vector<std::uint64_t> progress;
    RunOptions withProgress;
    withProgress.progressInterval = 4;
    withProgress.onProgress = [&](std::uint64_t n) { progress.push_back(n); };
    CHECK(runTrace(sim, run, withProgress) == 10);
    CHECK(sim.msyncs() == 6);
    CHECK(sim.references() == 10);
    CHECK(progress == std::vector<std::uint64_t>{4, 8});
}

}  // namespace cachescope
