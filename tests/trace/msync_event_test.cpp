// msync control events in traces (trace/event.hpp; docs/trace-format.md, "Control events"): the
// text line, the binary record (the worked example byte by byte), conversions, the decode thread and
// --mix placing each event between exactly the accesses around it, and one clear error for each
// malformed record.

#include <doctest/doctest.h>

#include <sstream>

#include "binary_test_util.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/trace/decode_thread.hpp"
#include "cachescope/trace/info.hpp"
#include "cachescope/trace/line_reader.hpp"
#include "cachescope/trace/writer.hpp"

using namespace cachescope;
using namespace cachescope::testing;

namespace {

/// Everything a reader hands out, in order: "A <hex address> p<process>" per access,
/// "msync <hex address> <size> p<process>" per event, the event placed by its position.
std::vector<std::string> items(TraceReader& reader, std::size_t chunk = 4096) {
    TraceEventQueue events;
    reader.setEventSink(&events);
    std::vector<std::string> out;
    auto event = [&](const TraceEvent& e) {
        std::ostringstream s;
        s << "msync " << std::hex << e.address << std::dec << ' ' << e.size << " p" << int{e.process};
        out.push_back(s.str());
    };
    auto accesses = [&](std::span<const Access> part) {
        for (const Access& a : part) {
            std::ostringstream s;
            s << "A " << std::hex << a.address << std::dec << " p" << int{a.process};
            out.push_back(s.str());
        }
    };
    std::vector<Access> scratch(chunk);
    std::uint64_t position = 0;
    for (;;) {
        const std::span<const Access> v = reader.view(scratch);
        events.applyDue(position, event);
        if (v.empty()) break;
        events.feed(v, position, accesses, event);
    }
    reader.setEventSink(nullptr);
    return out;
}

std::vector<std::string> textItems(const std::string& text, std::size_t chunk = 4096, std::size_t lineBlock = 1 << 16) {
    auto reader = openTraceWithBlockSize(std::make_unique<std::istringstream>(text), "t.trace", TraceFormat::Auto,
                                         lineBlock);
    return items(*reader, chunk);
}

std::string textError(const std::string& text) {
    try {
        (void)textItems(text);
    } catch (const TraceError& e) {
        return e.what();
    }
    return "";
}

const std::string kTrace =
    "msync 0x10000000 4096\n"  // before any access
    "W 0x10000000 4\n"
    "W 0x10001000 4\n"
    "msync 0x10000000 8192\n"
    "msync 10000000 8192 p0  # no 0x, a comment\n"
    "R 0x20000000 4\n"
    "msync 0x10002000 1\n";  // after the last access

const std::vector<std::string> kItems = {"msync 10000000 4096 p0", "A 10000000 p0", "A 10001000 p0",
                                         "msync 10000000 8192 p0", "msync 10000000 8192 p0", "A 20000000 p0",
                                         "msync 10002000 1 p0"};

}  // namespace

TEST_CASE("msync events: the text line, at its place between the accesses, whatever the read sizes") {
    for (const std::size_t chunk : {1, 2, 3, 4096})
        for (const std::size_t lineBlock : {1, 7, 65536}) {
            CAPTURE(chunk);
            CAPTURE(lineBlock);
            CHECK(textItems(kTrace, chunk, lineBlock) == kItems);
        }
    // A trace that starts with an msync is detected as text; a reader without a sink drops events.
    CHECK(readString(kTrace) == std::vector<Access>{{0x10000000, 4, AccessKind::Write, 0},
                                                    {0x10001000, 4, AccessKind::Write, 0},
                                                    {0x20000000, 4, AccessKind::Read, 0}});
    CHECK(textItems("msync 0x1000 4096 p7\nR 0x1000 4 p7\n") ==
          std::vector<std::string>{"msync 1000 4096 p7", "A 1000 p7"});
    // Events do not count as records (lines holding an access).
    auto reader = openString(kTrace);
    (void)readAll(*reader);
    CHECK(reader->records() == 3);
}

TEST_CASE("msync events: a malformed msync line is one error naming the line, what was found and what was expected") {
    const std::string expected = "expected \"msync <hex address> <size in bytes, 1 to 2^48> [p<process>]\"";
    struct Case {
        const char* line;
        const char* problem;
    };
    for (const Case c : {Case{"msync 0x1000", "missing msync size"},
                         Case{"msync 0x1000 p1", "missing msync size"},
                         Case{"msync 0x1000 0", "msync size must be at least 1"},
                         Case{"msync 0xZZ 4096", "bad address"},
                         Case{"msync", "missing address"},
                         Case{"msync 0x1000 4k", "bad msync size (not a decimal number)"},
                         Case{"msync 0x1000 281474976710657", "msync size too large (at most 2^48 bytes)"},
                         Case{"msync 0xffffffffffffff00 4096", "msync range runs past the end of the 64-bit address space"},
                         Case{"msync 0x1000 4096 p256", "process id too large"},
                         Case{"msync 0x1000 4096 x", "unexpected extra field"}}) {
        CAPTURE(c.line);
        const std::string msg = textError(std::string("R 0x10 4\n") + c.line + "\nR 0x20 4\n");
        CHECK(msg.rfind("t.trace:2: ", 0) == 0);
        CHECK(msg.find(c.problem) != std::string::npos);
        CHECK(msg.find(std::string("found \"") + c.line + "\"") != std::string::npos);
        CHECK(msg.find(expected) != std::string::npos);
    }
    // 2^48 itself is accepted (the largest msync).
    CHECK(textItems("msync 0x0 281474976710656\n") == std::vector<std::string>{"msync 0 281474976710656 p0"});
}

TEST_CASE("msync events: the binary worked example of docs/trace-format.md, byte by byte") {
    std::ostringstream out;
    auto w = makeBinaryTraceWriter(out, TraceMetadata{});
    const std::vector<Access> write = {{0x1000, 4, AccessKind::Write, 0}}, read = {{0x1000, 4, AccessKind::Read, 0}};
    w->write(write);
    CHECK(w->writeEvent(TraceEvent{0, TraceEventKind::Msync, 0, 0x1000, 4096}));
    w->write(read);
    w->finish();
    const std::string file = out.str();
    // Computed independently with Python (zlib.crc32); docs/trace-format.md prints them.
    const std::string a1 = bytes({0xFF, 0x00, 0x00, 0x01, 0x04, 0x80, 0x40});  // new stream (write, 4), +0x1000
    const std::string m = bytes({0x04, 0x00, 0x80, 0x20, 0x80, 0x20});          // msync, process 0, 0x1000, 4096
    const std::string a2 = bytes({0xFF, 0x00, 0x00, 0x00, 0x04, 0x80, 0x40});  // new stream (read, 4), +0x1000
    CHECK(crc32(a1) == 0xFDB0832CU);
    CHECK(crc32(m) == 0xFFAAABEDU);
    CHECK(crc32(a2) == 0x450CE449U);
    CHECK(file == headerOf() + block(1, a1) + block(0x01000001U, m) + block(1, a2) + endBlock(2));
    CHECK(file.size() == 207);
    CHECK(file.substr(131, 12) == bytes({0x01, 0, 0, 0, 0x07, 0, 0, 0, 0x2C, 0x83, 0xB0, 0xFD}));
    CHECK(file.substr(150, 18) == bytes({0x01, 0, 0, 0x01, 0x06, 0, 0, 0, 0xED, 0xAB, 0xAA, 0xFF, 0x04, 0x00, 0x80,
                                         0x20, 0x80, 0x20}));
    auto reader = openTrace(std::make_unique<std::istringstream>(file), "t.bin", TraceFormat::Binary);
    CHECK(items(*reader) == std::vector<std::string>{"A 1000 p0", "msync 1000 4096 p0", "A 1000 p0"});
}

TEST_CASE("msync events: a malformed binary msync record names its byte") {
    auto errorOf = [](const std::string& payload, std::uint32_t records = 1) {
        const std::string file = headerOf() + block(0x01000000U | records, payload) + endBlock(0);
        try {
            auto reader = openTrace(std::make_unique<std::istringstream>(file), "t.bin", TraceFormat::Binary);
            (void)items(*reader);
        } catch (const TraceError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    // The header is 131 bytes, the block header 12: the payload starts at byte 143.
    CHECK(errorOf(bytes({0x04, 0x00, 0x80, 0x20, 0x00})) ==
          "t.bin: byte 147: allocation record 0 of the block: msync size 0 (expected 1 to 281474976710656 bytes)");
    CHECK(errorOf(bytes({0x04, 0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})) ==
          "t.bin: byte 146: allocation record 0 of the block: msync size 562949953421312 too large (expected at most "
          "281474976710656 bytes, 2^48)");
    CHECK(errorOf(bytes({0x04, 0x01, 0x00, 0x01})) ==
          "t.bin: byte 144: allocation record 0 of the block: msync of process 1 (expected 0: the file has no process "
          "ids, flags bit 0 clear)");
    CHECK(errorOf(bytes({0x04, 0x00, 0x80})) ==
          "t.bin: byte 145: allocation record 0 of the block: msync address runs past the end of the payload");
    CHECK(errorOf(bytes({0x05})) == "t.bin: byte 143: allocation record 0 of the block: operation 5 (expected 0 "
                                    "alloc, 1 free, 2 realloc, 3 empty_cache or 4 msync)");
    // The writer refuses what the reader would.
    std::ostringstream out;
    auto w = makeBinaryTraceWriter(out, TraceMetadata{});
    CHECK_THROWS_AS(w->writeEvent(TraceEvent{0, TraceEventKind::Msync, 0, 0x1000, 0}), TraceError);
    CHECK_THROWS_AS(w->writeEvent(TraceEvent{0, TraceEventKind::Msync, 1, 0x1000, 4096}), TraceError);
}

TEST_CASE("msync events: text -> binary -> text keeps them in place, din and Lackey leave them out and count them") {
    auto convert = [](const std::string& in, TraceFormat from, TraceFormat to, std::uint64_t* dropped) {
        auto reader = openTrace(std::make_unique<std::istringstream>(in), "in", from);
        std::ostringstream out;
        auto writer = makeTraceWriter(out, to, TraceMetadata{});
        copyTrace(*reader, *writer, nullptr, dropped);
        return out.str();
    };
    std::uint64_t dropped = 99;
    const std::string bin = convert(kTrace, TraceFormat::Text, TraceFormat::Binary, &dropped);
    CHECK(dropped == 0);
    auto reader = openTrace(std::make_unique<std::istringstream>(bin), "t.bin", TraceFormat::Binary);
    CHECK(items(*reader, 1) == kItems);
    const std::string text = convert(bin, TraceFormat::Binary, TraceFormat::Text, &dropped);
    CHECK(dropped == 0);
    CHECK(text ==
          "msync 0x10000000 4096\nW 0x10000000 4\nW 0x10001000 4\nmsync 0x10000000 8192\nmsync 0x10000000 8192\n"
          "R 0x20000000 4\nmsync 0x10002000 1\n");
    CHECK(convert(kTrace, TraceFormat::Text, TraceFormat::Din, &dropped) == "1 10000000 4\n1 10001000 4\n0 20000000 4\n");
    CHECK(dropped == 4);
    (void)convert(kTrace, TraceFormat::Text, TraceFormat::Lackey, &dropped);
    CHECK(dropped == 4);
    // The process field survives text -> text.
    CHECK(convert("R 0x1000 4 p3\nmsync 0x1000 4096 p3\n", TraceFormat::Text, TraceFormat::Text, &dropped) ==
          "R 0x1000 4 p3\nmsync 0x1000 4096 p3\n");
}

TEST_CASE("msync events: the decode thread hands each event over with the block it falls in") {
    const std::string bin = [] {
        auto reader = openString(kTrace);
        std::ostringstream out;
        auto writer = makeTraceWriter(out, TraceFormat::Binary, TraceMetadata{});
        copyTrace(*reader, *writer);
        return out.str();
    }();
    for (const std::size_t blockAccesses : {1, 2, 3, 16384})
        for (const std::size_t chunk : {1, 2, 4096}) {
            CAPTURE(blockAccesses);
            CAPTURE(chunk);
            auto text = decodeOnThread(openString(kTrace), blockAccesses);
            CHECK(items(*text, chunk) == kItems);
            auto binary = decodeOnThread(openTrace(std::make_unique<std::istringstream>(bin), "t.bin"), blockAccesses);
            CHECK(items(*binary, chunk) == kItems);
        }
}

TEST_CASE("msync events: --mix places each source's events in its process, just before its next access") {
    // quantum 2: p0 takes 2, p1 takes 2, p0 its last, p1 its last, worked by hand.
    const std::string a = "msync 0xa000 1\nR 0xa000 4\nR 0xa004 4\nmsync 0xa000 2\nR 0xa008 4\nmsync 0xa000 3\n";
    const std::string b = "R 0xb000 4\nmsync 0xb000 1\nR 0xb004 4\nmsync 0xb000 2\nR 0xb008 4\n";
    // An event goes just before its source's next access, or where the mix finds its source ended
    // (p0's last msync: at the start of p0's third turn, before p1's).
    const std::vector<std::string> expected = {
        "msync a000 1 p0", "A a000 p0", "A a004 p0",  // p0's first turn
        "A b000 p1", "msync b000 1 p1", "A b004 p1",  // p1's first turn
        "msync a000 2 p0", "A a008 p0",               // p0's msync waits for its next access
        "msync a000 3 p0",                            // p0 ends
        "msync b000 2 p1", "A b008 p1"};              // p1's last turn
    for (const bool thread : {false, true})
        for (const std::size_t chunk : {1, 3, 4096}) {
            CAPTURE(thread);
            CAPTURE(chunk);
            std::vector<std::unique_ptr<TraceReader>> readers;
            for (const std::string* t : {&a, &b}) {
                auto r = openString(*t);
                readers.push_back(thread ? decodeOnThread(std::move(r), 1) : std::move(r));
            }
            auto mix = interleaveAsProcesses(std::move(readers), 2);
            CHECK(items(*mix, chunk) == expected);
        }
}

TEST_CASE("msync events: trace info counts them") {
    auto reader = openString(kTrace);
    const TraceInfo info = traceInfo(*reader, "t.trace");
    CHECK(info.msyncs == 4);
    CHECK(info.accesses == 3);
    CHECK(traceInfoJson(info)["msyncs"] == 4);
    std::ostringstream text;
    printTraceInfo(text, info);
    CHECK(text.str().find("\nmsync events: 4\n") != std::string::npos);
    auto plain = openString("R 0x1000 4\n");
    CHECK_FALSE(traceInfoJson(traceInfo(*plain, "p"))
                    .contains("msyncs"));
}
