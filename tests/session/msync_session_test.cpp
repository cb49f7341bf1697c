// msync events of a trace applied by a run (docs/mmap.md, "msync"): hand-worked write-back counts
// over a file-backed region, the same numbers from the trace converted to binary, with the decode
// thread on and off, after seeking back across an msync, with a sharded run and without an mmu.

#include <doctest/doctest.h>

#include <sstream>

#include "cachescope/config/config.hpp"
#include "cachescope/report/narration_printers.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/session/sharded_run.hpp"
#include "cachescope/sim/parallel.hpp"
#include "cachescope/sim/run.hpp"
#include "cachescope/trace/decode_thread.hpp"
#include "cachescope/trace/writer.hpp"
#include "mmu/page_cache_test_util.hpp"

namespace cachescope {
namespace {

using test::fileRegion;
using test::pagingConfig;

constexpr std::uint64_t kA = 0x10000000, kPage = 4096;

/// A reader that gives `inner`'s accesses and events with `metadata` (a text trace has none; the
/// file-backed region must come from somewhere).
class WithMetadata final : public TraceReader {
public:
    WithMetadata(std::unique_ptr<TraceReader> inner, TraceMetadata metadata)
        : inner_(std::move(inner)), meta_(std::move(metadata)) {}
    std::size_t read(std::span<Access> out) override { return inner_->read(out); }
    std::span<const Access> view(std::span<Access> scratch) override { return inner_->view(scratch); }
    TraceFormat format() const override { return inner_->format(); }
    std::uint64_t records() const override { return inner_->records(); }
    const TraceMetadata* metadata() const override { return &meta_; }
    void setEventSink(TraceEventSink* sink) override { inner_->setEventSink(sink); }

private:
    std::unique_ptr<TraceReader> inner_;
    TraceMetadata meta_;
};

TraceMetadata fileMetadata() {
    TraceMetadata m;
    m.regions = {fileRegion("data", kA, 3 * kPage, "f", 3 * kPage)};
    return m;
}

// 3 frames, LRU, no readahead; file "f" of 3 pages mapped at A. Worked by hand:
//  1-3. W A+0, A+1p, A+2p: 3 file major faults, pages 0-2 in frames 0-2, all dirty.
//  4.   msync of pages 0 and 1: 2 written back (msync_writebacks 2), both clean now.
//  5.   the same msync again: nothing dirty there, 0 written.
//  6-8. R of 3 anonymous pages at 0x20000000: memory is full, each evicts the LRU frame: page 0
//       (clean), page 1 (clean), page 2 (dirty: 1 file write-back). Nothing is dirty at the end.
//  Storage bytes written: (1 + 2) * 4096 = 12288.
const std::string kTrace =
    "W 0x10000000 4\n"
    "W 0x10001000 4\n"
    "W 0x10002000 4\n"
    "msync 0x10000000 8192\n"
    "msync 0x10000000 8192\n"
    "R 0x20000000 4\n"
    "R 0x20001000 4\n"
    "R 0x20002000 4\n";

std::unique_ptr<TraceReader> textReader(const std::string& text = kTrace) {
    return std::make_unique<WithMetadata>(openTrace(std::make_unique<std::istringstream>(text), "t.trace"),
                                          fileMetadata());
}

std::string binaryOf(const std::string& text) {
    auto in = textReader(text);
    std::ostringstream out;
    auto writer = makeTraceWriter(out, TraceFormat::Binary, *in->metadata());
    copyTrace(*in, *writer);
    return out.str();
}

/// The JSON report of a whole run of `open`'s source, the trace's own name and format left out.
nlohmann::ordered_json runJson(const SimConfig& config, std::function<std::unique_ptr<TraceReader>()> open,
                               bool seekable = false) {
    SessionOptions options;
    options.seekable = seekable;
    Session session(config, SourceSpec::custom(std::move(open), "t"), options);
    session.runToEnd();
    nlohmann::ordered_json j = reportJson(session.summary("c.json"));
    j["trace"].erase("format");
    j["trace"].erase("records");
    return j;
}

}  // namespace

TEST_CASE("msync events: write-backs at msync and on eviction over a file-backed region, worked by hand") {
    const nlohmann::ordered_json j = runJson(pagingConfig(3), [] { return textReader(); });
    const auto& pc = j["mmu"]["page_cache"];
    CHECK(j["trace"]["msyncs"] == 2);
    CHECK(pc["file_major_faults"] == 3);
    CHECK(pc["msync_writebacks"] == 2);
    CHECK(pc["file_writebacks"] == 1);
    CHECK(pc["writebacks_at_end"] == 0);
    CHECK(pc["storage_bytes_written"] == (1 + 2) * kPage);
    CHECK(j["references"] == 6);

    // Moved before the third write, the msyncs leave page 2 out; the eviction writes back page 2
    // only (pages 0 and 1 are clean): the same counts. Moved to the very start, they write nothing,
    // and the evictions write back all three.
    const std::string atStart = "msync 0x10000000 8192\nmsync 0x10000000 12288\n" +
                                std::string("W 0x10000000 4\nW 0x10001000 4\nW 0x10002000 4\n") +
                                "R 0x20000000 4\nR 0x20001000 4\nR 0x20002000 4\n";
    const nlohmann::ordered_json k = runJson(pagingConfig(3), [&] { return textReader(atStart); });
    CHECK_FALSE(k["mmu"]["page_cache"].contains("msync_writebacks"));  // 0: not printed
    CHECK(k["mmu"]["page_cache"]["file_writebacks"] == 3);
    CHECK(k["trace"]["msyncs"] == 2);
    // At the end, after the evictions: nothing dirty is left to write.
    const std::string atEnd = kTrace + "msync 0x10000000 12288\n";
    CHECK(runJson(pagingConfig(3), [&] { return textReader(atEnd); })["trace"]["msyncs"] == 3);
}

TEST_CASE("msync events: text, binary, decode thread on and off, seekable or not: identical reports") {
    const SimConfig config = pagingConfig(3);
    const nlohmann::ordered_json text = runJson(config, [] { return textReader(); });
    const std::string bin = binaryOf(kTrace);
    auto binary = [&bin] { return openTrace(std::make_unique<std::istringstream>(bin), "t.bin"); };
    CHECK(runJson(config, binary) == text);
    CHECK(runJson(config, binary, true) == text);
    CHECK(runJson(config, [] { return textReader(); }, true) == text);
    for (const std::size_t block : {1, 2, 3, 16384}) {
        CAPTURE(block);
        CHECK(runJson(config, [&] { return decodeOnThread(binary(), block); }) == text);
        CHECK(runJson(config, [&] { return decodeOnThread(textReader(), block); }) == text);
    }
    // runTrace (the loop of sim/run.hpp) applies them too.
    Simulator sim(config);
    sim.mapFiles(fileMetadata().regions);
    auto reader = decodeOnThread(binary(), 2);
    CHECK(runTrace(sim, *reader) == 6);
    CHECK(sim.msyncs() == 2);
    CHECK(sim.mmu()->stats().msyncWritebacks == 2);
    CHECK(sim.mmu()->stats().fileWritebacks == 1);
}

TEST_CASE("msync events: seeking back across an msync and stepping forward gives the straight run's state") {
    const SimConfig config = pagingConfig(3);
    SessionOptions options;
    options.seekable = true;
    options.minCheckpointInterval = 1;
    Session straight(config, SourceSpec::custom([] { return textReader(); }, "t"), options);
    straight.runToEnd();

    Session s(config, SourceSpec::custom([] { return textReader(); }, "t"), options);
    std::vector<std::string> narration;
    s.setEventTap([&](const TraceEvent& e, std::uint64_t written) { narration.push_back(describeMsync(e, written)); });
    CHECK(s.step(2) == 2);
    CHECK(s.simulator().mmu()->stats().msyncWritebacks == 0);
    CHECK(s.step(1) == 1);  // position 3: the state there includes the two msyncs after the third write
    CHECK(s.simulator().msyncs() == 2);
    CHECK(s.simulator().mmu()->stats().msyncWritebacks == 2);
    CHECK(narration == std::vector<std::string>{
                           "msync 0x10000000 +8,192 B in process 0: 2 dirty file pages written back",
                           "msync 0x10000000 +8,192 B in process 0: 0 dirty file pages written back"});
    s.seek(2);  // back across them
    CHECK(s.simulator().msyncs() == 0);
    CHECK(s.simulator().mmu()->stats().msyncWritebacks == 0);
    CHECK(s.simulator().mmu()->dirtyFilePages() == 2);
    CHECK(narration.size() == 2);  // the replay of a seek is silent
    s.step(1);
    CHECK(s.simulator().msyncs() == 2);
    CHECK(narration.size() == 4);
    s.runToEnd();
    CHECK(s.simulator().sameState(straight.simulator()));
    CHECK(reportJson(s.summary("c")) == reportJson(straight.summary("c")));
    s.seek(5);
    s.seek(1);
    s.runToEnd();
    CHECK(reportJson(s.summary("c")) == reportJson(straight.summary("c")));
    CHECK(describeMsync(TraceEvent{0, TraceEventKind::Msync, 3, 0x2000, 1}, 1) ==
          "msync 0x2000 +1 B in process 3: 1 dirty file page written back");
}

TEST_CASE("msync events: without an mmu, or sharded, an msync is counted and does nothing else") {
    const SimConfig noMmu = parseConfig(R"({"caches": [{"name": "L1", "size": "1KiB", "associativity": 2}]})", "c.json");
    const nlohmann::ordered_json with = runJson(noMmu, [] { return textReader(); });
    const nlohmann::ordered_json without =
        runJson(noMmu, [] { return openTrace(std::make_unique<std::istringstream>(
                                                 "W 0x10000000 4\nW 0x10001000 4\nW 0x10002000 4\nR 0x20000000 4\n"
                                                 "R 0x20001000 4\nR 0x20002000 4\n"),
                                             "t"); });
    CHECK(with["trace"]["msyncs"] == 2);
    nlohmann::ordered_json stripped = with;
    stripped["trace"].erase("msyncs");
    CHECK(stripped["levels"] == without["levels"]);
    CHECK(stripped["memory"] == without["memory"]);
    std::ostringstream text;
    printText(text, [&] {
        Session s(noMmu, SourceSpec::custom([] { return textReader(); }, "t"), SessionOptions{});
        s.runToEnd();
        return s.summary("c.json");
    }());
    CHECK(text.str().find("msync events: 2 (no file-backed mapping: nothing written back)") != std::string::npos);

    // Two shards (the L1 splits by set): the msyncs are counted once.
    const SimConfig shardable =
        parseConfig(R"({"caches": [{"name": "L1", "size": "4KiB", "associativity": 2}]})", "c.json");
    const ShardPlan plan = planShards(shardable, 2);
    REQUIRE(plan.shards == 2);
    const RunSummary sharded =
        runInShards(shardable, SourceSpec::custom([] { return textReader(); }, "t"), plan, SessionOptions{}, "c.json");
    CHECK(sharded.msyncs == 2);
    CHECK(sharded.references == 6);
}

}  // namespace cachescope

namespace cachescope {

TEST_CASE("msync events: narration tells each msync after the reference it follows") {
    for (const bool seekable : {false, true}) {
        CAPTURE(seekable);
        SessionOptions options;
        options.seekable = seekable;
        Session s(pagingConfig(3), SourceSpec::custom([] { return textReader(); }, "t"), options);
        std::vector<ReferenceNarration> refs;
        while (!s.atEnd()) refs.push_back(s.narrateNext());
        REQUIRE(refs.size() == 6);
        CHECK(refs[0].events.empty());
        CHECK(refs[1].events.empty());
        CHECK(refs[2].events == std::vector<std::string>{
                                    "msync 0x10000000 +8,192 B in process 0: 2 dirty file pages written back",
                                    "msync 0x10000000 +8,192 B in process 0: 0 dirty file pages written back"});
        CHECK(refs[3].events.empty());
        std::ostringstream text;
        printNarrationText(text, s.simulator(), refs);
        CHECK(text.str().find("  then msync 0x10000000 +8,192 B in process 0: 2 dirty file pages written back\n") !=
              std::string::npos);
        const auto j = narrationToJson(refs)["references"];
        CHECK(j[2]["events"].size() == 2);
        CHECK_FALSE(j[1].contains("events"));
        CHECK(s.simulator().mmu()->stats().msyncWritebacks == 2);
    }
}

}  // namespace cachescope
