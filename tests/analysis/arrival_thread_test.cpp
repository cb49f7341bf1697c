// The classifier on a second thread (analysis/arrival_thread.hpp) changes where the shadows run,
// never what they find: sessions with `classify` end with the same 3C counts with the thread on
// and off, `explain`'s silent prefix followed by narration gives the same narration, an error of
// the sink reaches drain() as the same exception, and the worker is joined when its owner goes.

#include <doctest/doctest.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cachescope/analysis/arrival_thread.hpp"
#include "cachescope/report/narration_printers.hpp"
#include "cachescope/session/session.hpp"
#include "reference/random_case.hpp"
#include "trace/trace_test_util.hpp"

using namespace cachescope;
using cachescope::testing::TempDir;
using cachescope::testing::threadCount;
using cachescope::testing::writeTrace;

namespace {

/// Counts the batches it is handed and throws on the third.
class FailingSink final : public ArrivalSink {
public:
    void onArrivals(std::uint32_t, std::span<const std::uint64_t> lines, std::span<const ArrivalMiss>) override {
        if (++batches == 3) throw std::runtime_error("sink failed on batch 3");
        arrivals += lines.size();
    }
    int batches = 0;
    std::size_t arrivals = 0;
};

}  // namespace

TEST_CASE("classify thread: sessions count the same 3C classes with it on and off, on random configs and traces") {
    TempDir dir;
    const int threadsBefore = threadCount();
    int cases = 0;
    for (const reference::Family family : reference::kAllFamilies) {
        for (std::uint64_t seed = 0; seed < 3; ++seed) {
            const reference::RandomCase c = reference::makeCase(family, 8100 + seed);
            const std::string path = writeTrace(dir, "c" + std::to_string(seed), TraceFormat::Binary, c.trace);
            CAPTURE(reference::familyName(family));
            CAPTURE(seed);
            SessionOptions on;
            on.classify = true;
            on.classifyThread = DecodeThread::On;
            SessionOptions off = on;
            off.classifyThread = DecodeThread::Off;
            Session a(c.config, SourceSpec::file(path), on);
            Session b(c.config, SourceSpec::file(path), off);
            CHECK(threadCount() > threadsBefore);  // a's worker (at least) is running
            a.runToEnd();
            b.runToEnd();
            CHECK(a.position() == c.trace.size());
            CHECK(a.simulator().sameState(b.simulator()));
            std::uint64_t misses = 0;
            for (std::uint32_t i = 0; i < b.classifier()->caches(); ++i) {
                CHECK(a.classifier()->counts(i) == b.classifier()->counts(i));
                CHECK(a.classifier()->counts(i).total() == a.simulator().hierarchy().caches()[i].stats().misses());
                CHECK(a.classifier()->shadow(i).contents() == b.classifier()->shadow(i).contents());
                misses += a.classifier()->counts(i).total();
            }
            CHECK(misses > 0);
            ++cases;
        }
    }
    CHECK(cases == 3 * std::size(reference::kAllFamilies));  // every family, three cases each
    CHECK(threadCount() == threadsBefore);  // every worker joined
}

TEST_CASE("classify thread: explain's prefix then narration gives the same narration on and off") {
    // As `explain --from K` drives a session: step(K) silently (the classifier takes arrivals in
    // bulk, on the worker when on), then narrate; the narration names each miss's class, which
    // depends on the shadows' state at K.
    TempDir dir;
    for (const reference::Family family : {reference::Family::TwoLevelNine, reference::Family::ThreeLevels}) {
        const reference::RandomCase c = reference::makeCase(family, 8200);
        const std::string path = writeTrace(dir, "e", TraceFormat::Binary, c.trace);
        CAPTURE(reference::familyName(family));
        for (const std::uint64_t from : {std::uint64_t{0}, std::uint64_t{1}, c.trace.size() / 2, c.trace.size() - 5}) {
            CAPTURE(from);
            std::string text[2];
            for (const DecodeThread mode : {DecodeThread::On, DecodeThread::Off}) {
                SessionOptions options;
                options.classify = true;
                options.attribution = false;
                options.classifyThread = mode;
                Session s(c.config, SourceSpec::file(path), options);
                s.step(from);
                std::vector<ReferenceNarration> refs;
                for (int i = 0; i < 5 && !s.atEnd(); ++i) refs.push_back(s.narrateNext());
                text[mode == DecodeThread::On ? 0 : 1] = narrationToJson(refs).dump();
            }
            CHECK(text[0] == text[1]);
            CHECK(text[0].find("class") != std::string::npos);
        }
    }
}

TEST_CASE("classify thread: the sink's error reaches drain() as the same exception, and the worker is joined") {
    const int threadsBefore = threadCount();
    FailingSink sink;
    {
        ArrivalThread worker(sink);
        CHECK(threadCount() == threadsBefore + 1);
        const std::uint64_t lines[] = {1, 2, 3};
        for (int i = 0; i < 5; ++i) worker.onArrivals(0, lines, {});
        CHECK_THROWS_WITH_AS(worker.drain(), "sink failed on batch 3", std::runtime_error);
        CHECK(sink.batches == 3);    // the batches after the error were dropped
        CHECK(sink.arrivals == 6);   // the two before it were handed over whole
        worker.drain();              // the error is reported once
        worker.onArrivals(0, lines, {});
        worker.drain();
        CHECK(sink.batches == 3);    // still dropped after the error
    }
    CHECK(threadCount() == threadsBefore);
}
