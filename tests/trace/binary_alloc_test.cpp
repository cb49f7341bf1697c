// Allocation records in the binary format (version 3): the worked example of docs/trace-format.md
// byte by byte, text -> binary -> text round trips of random allocation traces with accesses
// interleaved (the order survives), copyTrace, and one clear error for every kind of damage.

#include <doctest/doctest.h>

#include <sstream>

#include "binary_test_util.hpp"
#include "cachescope/alloc/trace.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/policy/splitmix64.hpp"
#include "cachescope/trace/writer.hpp"

using namespace cachescope;
using namespace cachescope::testing;

namespace {

/// What a reader delivers, in order: an access ("A <address>") or an allocation record.
struct Recorder final : AllocationSink {
    std::vector<std::string> items;
    void onAllocation(const AllocationRecord& r) override {
        static const char* const kOps[] = {"alloc", "free", "realloc", "empty_cache"};
        std::string s = kOps[static_cast<int>(r.op)];
        if (r.op != AllocationOp::EmptyCache) s += " " + std::string(r.id);
        if (r.op == AllocationOp::Alloc || r.op == AllocationOp::Realloc) s += " " + std::to_string(r.size);
        if (r.op == AllocationOp::Alloc) s += " " + std::to_string(r.align) + " " + std::string(r.site);
        items.push_back(s);
    }
};

/// Every access and record of a binary file, in the order the reader hands them out.
std::vector<std::string> readItems(const std::string& file, std::size_t chunk = 4096) {
    auto reader = openTrace(std::make_unique<std::istringstream>(file), "t.bin", TraceFormat::Binary);
    Recorder rec;
    reader->setAllocationSink(&rec);
    std::vector<Access> block(chunk);
    for (std::size_t n; (n = reader->read(block)) > 0;)
        for (std::size_t i = 0; i < n; ++i) rec.items.push_back("A " + std::to_string(block[i].address));
    return rec.items;
}

AllocationRecord record(AllocationOp op, std::string_view id, std::uint64_t size = 0, std::uint64_t align = 0,
                        std::string_view site = {}) {
    AllocationRecord r;
    r.op = op;
    r.id = id;
    r.size = size;
    r.align = align;
    r.site = site;
    return r;
}

/// The worked example of docs/trace-format.md: two allocations, two accesses, free, realloc, free.
std::string exampleFile() {
    std::ostringstream out;
    auto w = makeBinaryTraceWriter(out, TraceMetadata{});
    w->writeAllocation(record(AllocationOp::Alloc, "a", 100));
    w->writeAllocation(record(AllocationOp::Alloc, "b", 4096, 64, "conv1"));
    const std::vector<Access> accesses = {{0x1000, 4, AccessKind::Read, 0}, {0x1004, 4, AccessKind::Write, 0}};
    w->write(accesses);
    w->writeAllocation(record(AllocationOp::Free, "a"));
    w->writeAllocation(record(AllocationOp::Realloc, "b", 8192));
    w->writeAllocation(record(AllocationOp::Free, "b"));
    w->finish();
    return out.str();
}

std::string errorOf(const std::string& file) {
    try {
        (void)readItems(file);
    } catch (const TraceError& e) {
        return e.what();
    }
    return "";
}

std::string allocErrorOf(const std::string& file) {
    try {
        std::istringstream in(file);
        (void)alloc::readAllocTrace(in, "t.bin");
    } catch (const TraceError& e) {
        return e.what();
    }
    return "";
}

/// A file of one allocation block (its first word `word`, a valid CRC) and the end block.
std::string withFirstAllocPayload(const std::string& payload, std::uint32_t word = 0x01000002U) {
    return headerOf() + block(word, payload) + endBlock(0);
}

}  // namespace

TEST_CASE("binary allocations: the worked example of docs/trace-format.md, byte by byte") {
    const std::string file = exampleFile();
    // Computed independently with Python (struct.pack, zlib.crc32); docs/trace-format.md prints them.
    const std::string header = headerOf();
    REQUIRE(header.size() == 131);
    CHECK(header.substr(8, 4) == bytes({3, 0, 0, 0}));                 // version 3
    CHECK(header.substr(127) == bytes({0xE7, 0x8C, 0x74, 0x60}));      // header CRC 0x60748ce7
    const std::string alloc1 = bytes({0x00, 0x00, 0x01, 0x61, 0x64, 0x00, 0x00,  // alloc: ID 0 new "a", 100, -, -
                                      0x00, 0x01, 0x01, 0x62, 0x80, 0x20, 0x07,  // alloc: ID 1 new "b", 4096, 2^6
                                      0x01, 0x05, 'c', 'o', 'n', 'v', '1'});     //   site 1 new "conv1"
    const std::string accesses = bytes({0xFF, 0x00, 0x00, 0x00, 0x04, 0x80, 0x40,  // new stream, +0x1000
                                        0xF8, 0x04, 0x00, 0x01, 0x04});            // new stream (write), +1 element
    const std::string alloc2 = bytes({0x01, 0x00,               // free ID 0
                                      0x02, 0x01, 0x80, 0x40,   // realloc ID 1 to 8192
                                      0x01, 0x01});             // free ID 1
    CHECK(crc32(alloc1) == 0x9FB73BA4U);
    CHECK(crc32(accesses) == 0xA79820FDU);
    CHECK(crc32(alloc2) == 0x2AFF6D60U);
    CHECK(file == header + block(0x01000002U, alloc1) + block(2, accesses) + block(0x01000003U, alloc2) + endBlock(2));
    CHECK(file.size() == 228);
    CHECK(readItems(file) == std::vector<std::string>{"alloc a 100 0 ", "alloc b 4096 64 conv1", "A 4096", "A 4100",
                                                      "free a", "realloc b 8192", "free b"});
    // A reader without a sink skips the records: the accesses alone.
    CHECK(readBinary(file) == std::vector<Access>{{0x1000, 4, AccessKind::Read, 0}, {0x1004, 4, AccessKind::Write, 0}});
}

TEST_CASE("binary allocations: random traces round trip text -> binary -> text, accesses in order") {
    for (const std::uint32_t seed : {1U, 2U, 3U}) {
        CAPTURE(seed);
        alloc::AllocTrace trace = alloc::randomAllocTrace(seed == 3 ? 70000 : 3000, seed, 64);
        // empty_cache too (the random trace has none).
        for (std::size_t i = 5; i < trace.events.size(); i += 997) {
            alloc::AllocEvent e;
            e.op = alloc::AllocOp::EmptyCache;
            trace.events.insert(trace.events.begin() + static_cast<std::ptrdiff_t>(i), e);
        }
        std::ostringstream text1;
        alloc::writeAllocTrace(text1, trace);
        std::istringstream in1(text1.str());
        const alloc::AllocTrace fromText = alloc::readAllocTrace(in1, trace.source);

        // Written with a few random accesses before each event; the expected order kept aside.
        SplitMix64 rng(seed);
        std::ostringstream bin;
        std::vector<std::string> expected;
        {
            auto w = makeBinaryTraceWriter(bin, TraceMetadata{});
            Recorder rec;
            for (const alloc::AllocEvent& ev : fromText.events) {
                std::vector<Access> accesses(rng.next() % 4);
                for (Access& a : accesses) {
                    a = Access{rng.next() >> 8, 8, AccessKind::Read, 0};
                    expected.push_back("A " + std::to_string(a.address));
                }
                w->write(accesses);
                AllocationRecord r;
                r.op = static_cast<AllocationOp>(ev.op);
                if (ev.op != alloc::AllocOp::EmptyCache) r.id = fromText.names[ev.id];
                r.size = ev.size;
                r.align = ev.align;
                r.site = fromText.sites[ev.site];
                CHECK(w->writeAllocation(r));
                rec.onAllocation(r);
                expected.push_back(rec.items.back());
            }
            w->finish();
        }
        CHECK(readItems(bin.str(), 100) == expected);

        std::istringstream in2(bin.str());
        alloc::AllocTrace fromBinary = alloc::readAllocTrace(in2, "t.bin");
        REQUIRE(fromBinary.events.size() == fromText.events.size());
        CHECK(fromBinary.names == fromText.names);
        CHECK(fromBinary.sites == fromText.sites);
        for (std::size_t i = 0; i < fromText.events.size(); ++i) {
            const alloc::AllocEvent &a = fromText.events[i], &b = fromBinary.events[i];
            CHECK(b.line == i + 1);  // a binary trace's events are numbered
            if (a.op != b.op || a.id != b.id || a.size != b.size || a.align != b.align || a.site != b.site) {
                CAPTURE(i);
                FAIL("event differs");
            }
        }
        fromBinary.source = trace.source;
        std::ostringstream text2;
        alloc::writeAllocTrace(text2, fromBinary);
        CHECK(text2.str() == text1.str());
    }
}

TEST_CASE("binary allocations: copyTrace keeps them in a binary copy and counts them dropped in text") {
    const std::string file = exampleFile();
    {
        auto in = openTrace(std::make_unique<std::istringstream>(file), "t.bin", TraceFormat::Binary);
        std::ostringstream out;
        auto w = makeBinaryTraceWriter(out, TraceMetadata{});
        std::uint64_t dropped = 99;
        CHECK(copyTrace(*in, *w, &dropped) == 2);
        CHECK(dropped == 0);
        CHECK(out.str() == file);  // the same bytes: blocks cut where they were
    }
    {
        auto in = openTrace(std::make_unique<std::istringstream>(file), "t.bin", TraceFormat::Binary);
        std::ostringstream out;
        auto w = makeTraceWriter(out, TraceFormat::Text, TraceMetadata{});
        std::uint64_t dropped = 0;
        CHECK(copyTrace(*in, *w, &dropped) == 2);
        CHECK(dropped == 5);
        CHECK(out.str() == "R 0x1000 4\nW 0x1004 4\n");
    }
}

TEST_CASE("binary allocations: the writer refuses records the format cannot hold") {
    std::ostringstream out;
    auto w = makeBinaryTraceWriter(out, TraceMetadata{});
    CHECK_THROWS_WITH_AS(w->writeAllocation(record(AllocationOp::Alloc, "two words", 1)),
                         "binary trace writer: allocation record 0: ID name holds a space, tab, line break or '#' "
                         "(expected one word, as the text format reads it)",
                         TraceError);
    CHECK_THROWS_WITH_AS(w->writeAllocation(record(AllocationOp::Alloc, "a", 1, 0, "7up")),
                         "binary trace writer: allocation record 0: site name starts with a digit or '-' (expected a "
                         "site name; the text format would read it as an alignment)",
                         TraceError);
    CHECK_THROWS_AS(w->writeAllocation(record(AllocationOp::Alloc, "a", kMaxAllocationSize + 1)), TraceError);
    CHECK_THROWS_AS(w->writeAllocation(record(AllocationOp::Alloc, "a", 1, 24)), TraceError);
    CHECK_THROWS_AS(w->writeAllocation(record(AllocationOp::Free, "")), TraceError);
}

TEST_CASE("binary allocations: each kind of damage gives one error naming the file and the byte") {
    const std::size_t a = headerOf().size() + 12;  // the first allocation payload
    // Block header fields.
    CHECK(errorOf(withFirstAllocPayload(bytes({0x03}), 0x02000001U)) ==
          "t.bin: byte 131: block type 2 (expected 0 for accesses or 1 for allocations)");
    CHECK(errorOf(withFirstAllocPayload(bytes({0x03}), 0x01000000U)) ==
          "t.bin: byte 131: allocation block record count 0 (expected 1 to 65536)");
    CHECK(errorOf(withFirstAllocPayload(bytes({0x03}), 0x01000002U)) ==
          "t.bin: byte 135: allocation block payload of 1 bytes for 2 records (expected 2 to 2097152)");
    std::string crc = exampleFile();
    crc[a + 3] ^= 1;
    const std::string crcError = errorOf(crc);
    CAPTURE(crcError);
    CHECK(crcError.rfind("t.bin: byte 139: allocation block CRC mismatch: stored 0x9fb73ba4, computed 0x", 0) == 0);
    CHECK(crcError.find(" (expected equal: the block is corrupted)") == crcError.size() - 41);
    CHECK(errorOf(exampleFile().substr(0, a + 5)) ==
          "t.bin: byte 148: truncated allocation block payload (expected 16 more bytes)");
    // Records (valid CRCs, so the decoder sees them).
    // (Op 4 is an msync: tests/trace/msync_event_test.cpp.)
    CHECK(errorOf(withFirstAllocPayload(bytes({0x05, 0x03}))) ==
          "t.bin: byte 143: allocation record 0 of the block: operation 5 (expected 0 alloc, 1 free, 2 realloc, "
          "3 empty_cache or 4 msync)");
    CHECK(errorOf(withFirstAllocPayload(bytes({0x01, 0x05}), 0x01000001U)) ==
          "t.bin: byte 144: allocation record 0 of the block: ID 5 (expected below 0, or 0 for a new ID whose name "
          "follows)");
    CHECK(errorOf(withFirstAllocPayload(bytes({0x01, 0x00, 0x02, 'a', ' '}), 0x01000001U)) ==
          "t.bin: byte 146: allocation record 0 of the block: ID name \"a \" holds a space, tab, line break or '#' "
          "(expected one word, as the text format reads it)");
    CHECK(errorOf(withFirstAllocPayload(bytes({0x01, 0x00, 0x09, 'a'}), 0x01000001U)) ==
          "t.bin: byte 145: allocation record 0 of the block: ID name of 9 bytes (expected 1 to 1)");
    CHECK(errorOf(withFirstAllocPayload(bytes({0x00, 0x00, 0x01, 'a', 0x10, 0x20, 0x00}), 0x01000001U)) ==
          "t.bin: byte 148: allocation record 0 of the block: alignment code 32 (expected 0 for none or k + 1 for "
          "2^k, k up to 30)");
    CHECK(errorOf(withFirstAllocPayload(bytes({0x02, 0x00, 0x01, 'a', 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}),
                                        0x01000001U)) ==
          "t.bin: byte 147: allocation record 0 of the block: size 562949953421312 (expected at most 281474976710656)");
    CHECK(errorOf(withFirstAllocPayload(bytes({0x00, 0x00, 0x01, 'a', 0x10, 0x00, 0x01, 0x01, '9'}), 0x01000001U)) ==
          "t.bin: byte 151: allocation record 0 of the block: site name \"9\" starts with a digit or '-' (expected a "
          "site name; the text format would read it as an alignment)");
    CHECK(errorOf(withFirstAllocPayload(bytes({0x03, 0x03}), 0x01000001U)) ==
          "t.bin: byte 144: 1 bytes left in the allocation block payload after its 1 records (expected none)");
    CHECK(errorOf(withFirstAllocPayload(bytes({0x03, 0x01}), 0x01000002U)) ==
          "t.bin: byte 145: allocation record 1 of the block: ID runs past the end of the payload");
    // What the records mean is the allocation reader's to check, naming the byte and the event.
    CHECK(allocErrorOf(withFirstAllocPayload(bytes({0x00, 0x00, 0x01, 'a', 0x10, 0x00, 0x00, 0x01, 0x00}))) == "");
    CHECK(allocErrorOf(withFirstAllocPayload(
              bytes({0x00, 0x00, 0x01, 'a', 0x10, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00}))) ==
          "t.bin: byte 150 (allocation event 2): alloc of 'a', which is still live (allocated at event 1); free it "
          "first or use another ID");
    // Before version 3 a block type is not known: it reads as a record count out of range.
    std::string v2 = exampleFile();
    v2[8] = 2;
    const std::string body = v2.substr(0, 127);
    std::string fixed;
    appendU32(fixed, crc32(body));
    v2 = body + fixed + v2.substr(131);
    CHECK(errorOf(v2) == "t.bin: byte 131: block record count 16777218 (expected 0 to 65536)");
}

TEST_CASE("binary allocations: every truncation and every corrupted byte fails cleanly or reads the same") {
    const std::string file = exampleFile();
    const std::vector<std::string> good = readItems(file);
    for (std::size_t len = 0; len < file.size(); ++len) {
        CAPTURE(len);
        CHECK_THROWS_AS(readItems(file.substr(0, len)), TraceError);
    }
    for (std::size_t i = 0; i < file.size(); ++i)
        for (const unsigned flip : {0x01U, 0x80U, 0xFFU}) {
            std::string bad = file;
            bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ flip);
            CAPTURE(i);
            std::vector<std::string> got;
            try {
                got = readItems(bad);
            } catch (const TraceError&) {
                continue;  // the damage was found
            }
            CHECK(got == good);  // else it must have left the content as it was
        }
}
