// Decoding on a second thread (trace/decode_thread.hpp) changes where the work runs, never what
// comes out: random configs and traces (tests/reference's generators) written as din, text and
// binary files run through a Session both ways must end in the same state, counter for counter;
// the reader hands out the same accesses and counts at every step; errors arrive as the same
// exception with the same message; and no thread outlives its reader, whether it ends, fails or is
// dropped early.

#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/decode_thread.hpp"
#include "cachescope/trace/writer.hpp"
#include "reference/random_case.hpp"
#include "cli/cli_run.hpp"
#include "trace/trace_test_util.hpp"

using namespace cachescope;
using cachescope::testing::TempDir;
using cachescope::testing::threadCount;
using cachescope::testing::writeTrace;

namespace {

/// Reads `reader` to the end with views of random sizes, checking records() after each view
/// against `inline` read in the same steps.
void checkStepByStep(TraceReader& threaded, TraceReader& plain, std::mt19937_64& rng) {
    std::vector<Access> a(4096), b(4096);
    for (;;) {
        const std::size_t want = 1 + rng() % (rng() % 4 == 0 ? 4096 : 40);
        std::span<const Access> v = threaded.view(std::span<Access>(a.data(), want));
        // The inline reader may return fewer per call (a binary reader stops at its block's end):
        // gather as many as the view holds.
        std::vector<Access> w;
        while (w.size() < v.size()) {
            const std::size_t n = plain.read(std::span<Access>(b.data(), v.size() - w.size()));
            REQUIRE(n != 0);
            w.insert(w.end(), b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
        }
        REQUIRE(std::equal(v.begin(), v.end(), w.begin(), w.end()));
        CHECK(threaded.records() == plain.records());
        CHECK(threaded.skippedLines() == plain.skippedLines());
        if (v.empty()) {
            CHECK(plain.read(std::span<Access>(b.data(), 1)) == 0);
            break;
        }
    }
}

}  // namespace

TEST_CASE("decode thread: the decision (auto uses a second thread only with more than one CPU)") {
    CHECK(useDecodeThread(DecodeThread::On, 1));
    CHECK(!useDecodeThread(DecodeThread::Off, 8));
    CHECK(!useDecodeThread(DecodeThread::Auto, 1));
    CHECK(useDecodeThread(DecodeThread::Auto, 2));
    CHECK(availableCpus() >= 1);
    CHECK((parseDecodeThread("auto") == DecodeThread::Auto));
    CHECK((parseDecodeThread("on") == DecodeThread::On));
    CHECK((parseDecodeThread("off") == DecodeThread::Off));
    CHECK_THROWS_WITH_AS(parseDecodeThread("2"), "unknown decode thread setting '2': expected auto, on or off",
                         UsageError);
}

TEST_CASE("decode thread: the same accesses, records and skipped lines at every step, any block size") {
    TempDir dir;
    std::mt19937_64 rng(99);
    for (int round = 0; round < 12; ++round) {
        const reference::RandomCase c = reference::makeCase(reference::Family::ThreeLevels, 500 + round);
        for (const TraceFormat format : {TraceFormat::Din, TraceFormat::Text, TraceFormat::Binary}) {
            const std::string path = writeTrace(dir, "t" + std::to_string(round), format, c.trace);
            const std::size_t block = std::initializer_list<std::size_t>{1, 3, 64, 1000, kDecodeBlock}.begin()[rng() % 5];
            CAPTURE(round);
            CAPTURE(cachescope::testing::formatName(format));
            CAPTURE(block);
            auto threaded = decodeOnThread(openTrace(path), block);
            auto plain = openTrace(path);
            CHECK((threaded->format() == plain->format()));
            CHECK((threaded->metadata() == nullptr) == (plain->metadata() == nullptr));
            checkStepByStep(*threaded, *plain, rng);
        }
    }
}

TEST_CASE("decode thread: a Lackey reader stays inline (its records may hold two accesses)") {
    auto inner = cachescope::testing::openString("I  10,4\n M 20,8\n", TraceFormat::Lackey);
    const TraceReader* raw = inner.get();
    const auto reader = decodeOnThread(std::move(inner));
    CHECK(reader.get() == raw);
}

TEST_CASE("decode thread: sessions end in the same state with and without it, on random configs and traces") {
    TempDir dir;
    const int threadsBefore = threadCount();
    int cases = 0;
    for (const reference::Family family : reference::kAllFamilies) {
        for (std::uint64_t seed = 0; seed < 4; ++seed) {
            const reference::RandomCase c = reference::makeCase(family, 7000 + seed);
            const TraceFormat format = seed % 3 == 0 ? TraceFormat::Din : seed % 3 == 1 ? TraceFormat::Binary : TraceFormat::Text;
            const std::string path = writeTrace(dir, "s" + std::to_string(seed), format, c.trace);
            CAPTURE(reference::familyName(family));
            CAPTURE(seed);
            SourceSpec on = SourceSpec::file(path);
            on.decodeThread = DecodeThread::On;
            SourceSpec off = SourceSpec::file(path);
            off.decodeThread = DecodeThread::Off;
            SessionOptions options;
            options.classify = true;
            Session a(c.config, on, options);
            Session b(c.config, off, options);
            a.runToEnd();
            b.runToEnd();
            CHECK(a.position() == c.trace.size());
            CHECK(a.simulator().sameState(b.simulator()));
            CHECK(a.records() == b.records());
            for (std::uint32_t i = 0; i < b.classifier()->caches(); ++i)
                CHECK(a.classifier()->counts(i) == b.classifier()->counts(i));
            ++cases;
        }
    }
    CHECK(cases == 4 * std::size(reference::kAllFamilies));  // every family, four cases each
    CHECK(threadCount() == threadsBefore);  // every producer joined
}

TEST_CASE("decode thread: an error reaches the caller after the accesses before it, as the same exception") {
    TempDir dir;
    // 50,000 good din records, then a bad one: several blocks go by before the error.
    std::string text;
    for (int i = 0; i < 50000; ++i) text += "0 " + std::to_string(1000 + 4 * i) + "\n";
    text += "0 10q0\n1 20\n";
    const std::string path = dir.write("bad.din", text);
    std::string plainMessage, threadedMessage;
    std::size_t threadedCount = 0;
    try {
        auto r = openTrace(path);
        cachescope::testing::readAll(*r);
    } catch (const TraceError& e) {
        plainMessage = e.what();
    }
    const int threadsBefore = threadCount();
    try {
        auto r = decodeOnThread(openTrace(path), 1000);
        std::vector<Access> scratch(777);
        for (std::span<const Access> v; !(v = r->view(scratch)).empty();) threadedCount += v.size();
    } catch (const TraceError& e) {
        threadedMessage = e.what();
    }
    CHECK(plainMessage == path + ":50001: bad address: found \"0 10q0\"; expected " +
                              std::string(expectedRecord(TraceFormat::Din)));
    CHECK(threadedMessage == plainMessage);
    CHECK(threadedCount == 50000);  // every access decoded before the bad line was handed out
    CHECK(threadCount() == threadsBefore);
}

TEST_CASE("decode thread: stopping early (a step limit, a session dropped) joins the producer") {
    TempDir dir;
    const reference::RandomCase c = reference::makeCase(reference::Family::SingleLevel, 3);
    std::vector<Access> trace;
    while (trace.size() < 300000) trace.insert(trace.end(), c.trace.begin(), c.trace.end());
    const std::string path = writeTrace(dir, "long.bin", TraceFormat::Binary, trace);
    const int threadsBefore = threadCount();
    for (const std::uint64_t steps : {0, 1, 10, 20000, 100000}) {
        SourceSpec on = SourceSpec::file(path);
        on.decodeThread = DecodeThread::On;
        {
            Session s(c.config, on);
            CHECK(threadCount() == threadsBefore + 1);  // the producer is running
            CHECK(s.step(steps) == steps);
            CHECK(s.records() >= steps);  // what the session took from the reader (a window ahead)
        }
        CHECK(threadCount() == threadsBefore);
    }
}

TEST_CASE("decode thread: cachescope run prints the same report, or the same error and status, on and off") {
    using cachescope::testing::runCli;
    TempDir dir;
    std::string good;
    for (int i = 0; i < 40000; ++i) good += std::to_string(i % 3) + " " + std::to_string(4096 + 64 * (i % 997)) + " 4\n";
    const std::string goodPath = dir.write("good.din", good);
    const std::string badPath = dir.write("bad.din", good + "7 10\n");
    for (const std::string& path : {goodPath, badPath}) {
        CAPTURE(path);
        const auto on = runCli("run --config configs/default.json --json --decode-thread on '" + path + "'");
        const auto off = runCli("run --config configs/default.json --json --decode-thread off '" + path + "'");
        CHECK(on.status == off.status);
        CHECK(on.out == off.out);
        CHECK(on.err == off.err);
        if (path == badPath) {
            CHECK(on.status == 1);
            CHECK(on.err == "cachescope: error: " + path + ":40001: unknown label: found \"7 10\"; expected " +
                                std::string(expectedRecord(TraceFormat::Din)) + "\n");
        } else {
            CHECK(on.status == 0);
            CHECK(on.out.find("\"references\": 40000") != std::string::npos);
        }
    }
    CHECK(runCli("run --config configs/default.json --decode-thread 2 '" + goodPath + "'").status != 0);
}
