// Binary format versions: files written by the version-1 writer (tests/data/binary-v1, kept from
// before version 2) still read, record for record; version 1's record codes keep their meaning in
// version-1 files; and version 2's lanes round trip on adversarial traces (one key for many
// interleaved streams, every kind and size, block boundaries, more keys than direct slots).

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "binary_test_util.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/kernels/kernel.hpp"
#include "cachescope/policy/splitmix64.hpp"

using namespace cachescope;
using namespace cachescope::testing;

namespace {

const std::string kData = std::string(CACHESCOPE_SOURCE_DIR) + "/tests/data/binary-v1/";

std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The same accesses without their sites (what a din or text trace keeps).
std::vector<Access> withoutSites(std::vector<Access> accesses) {
    for (Access& a : accesses) a.site = 0;
    return accesses;
}

/// A header of the given version (the current writer's header with its version and CRC patched).
std::string headerOfVersion(std::uint32_t version) {
    std::string h = headerOf();
    h[8] = static_cast<char>(version);
    const std::string body = h.substr(0, h.size() - 4);
    std::string crc;
    appendU32(crc, crc32(body));
    return body + crc;
}

}  // namespace

TEST_CASE("binary versions: version-1 files still read, record for record") {
    for (const char* name : {"matmul-n8-kernel.bin", "matmul-n8-din.bin", "random-streams.bin", "lackey-sample.bin"}) {
        CAPTURE(name);
        const std::string file = fileBytes(kData + name);
        REQUIRE(file.size() > 12);
        CHECK(file[8] == 1);  // written as version 1
    }
    // The kernel recording: the kernel's live stream, sites and metadata included.
    auto live = openKernelTrace("matmul", {"n=8"});
    const std::vector<Access> stream = readAll(*live);
    REQUIRE(stream.size() == 2048);
    auto kernelFile = openTrace(kData + "matmul-n8-kernel.bin");
    REQUIRE(kernelFile->metadata() != nullptr);
    // Regions and sites as the kernel has them now; the recorded parameters keep the names of their
    // day (the file predates the rename of pad to row_pad and the hex base), as any old file would.
    CHECK(kernelFile->metadata()->kernel == live->metadata()->kernel);
    CHECK(kernelFile->metadata()->regions == live->metadata()->regions);
    CHECK(kernelFile->metadata()->sites == live->metadata()->sites);
    CHECK(kernelFile->metadata()->params.size() == live->metadata()->params.size());
    CHECK(readAll(*kernelFile) == stream);
    // Through din and back: the same accesses, site 0.
    CHECK(readAll(*openTrace(kData + "matmul-n8-din.bin")) == withoutSites(stream));
    // Converted from text: the text files are the truth.
    for (const char* stem : {"random-streams", "lackey-sample"}) {
        CAPTURE(stem);
        const auto fromText = readAll(*openTrace(kData + stem + ".trace"));
        CHECK(fromText.size() > 20);
        CHECK(readAll(*openTrace(kData + stem + ".bin")) == fromText);
        // Rewritten by the current writer (version 3): the same accesses again.
        const std::string v3 = writeBinary(fromText);
        CHECK(v3[8] == 3);
        CHECK(readBinary(v3) == fromText);
    }
}

TEST_CASE("binary versions: record codes keep their version-1 meaning in version-1 files") {
    // Version 1: X = 0 appends a new stream, X = j + 1 names slot j; code 14 is +7 elements.
    // The same bytes under version 2: X = 1 names slot 0 (4 * 0 + 1), code 14 continues where the
    // last read ended.
    const std::string payload = bytes({
        0xF7, 0x00, 0x00, 0x00, 0x04,  // new stream in slot 0: read, 4 bytes, +0 -> 0
        0xFE, 0x01,                    // escape to slot 0; code 14
    });
    const std::string v1 = headerOfVersion(1) + block(2, payload) + endBlock(2);
    const std::string v2 = headerOfVersion(2) + block(2, payload) + endBlock(2);
    CHECK(readBinary(v1) == std::vector<Access>{{0, 4, AccessKind::Read, 0}, {28, 4, AccessKind::Read, 0}});
    CHECK(readBinary(v2) == std::vector<Access>{{0, 4, AccessKind::Read, 0}, {4, 4, AccessKind::Read, 0}});
    // X = 2 is slot 1 in version 1 (not defined) and a fork of slot 0 in version 2.
    const std::string fork = bytes({0xF7, 0x00, 0x00, 0x00, 0x04, 0xF8, 0x02, 0x01});
    try {
        (void)readBinary(headerOfVersion(1) + block(2, fork) + endBlock(2));
        FAIL("expected a TraceError");
    } catch (const TraceError& e) {
        CHECK(std::string(e.what()).find("stream slot 1 is not defined yet") != std::string::npos);
    }
    CHECK(readBinary(headerOfVersion(2) + block(2, fork) + endBlock(2)) ==
          std::vector<Access>{{0, 4, AccessKind::Read, 0}, {4, 4, AccessKind::Read, 0}});
}

TEST_CASE("binary versions: version-2 files still read (version 3 only added allocation blocks)") {
    SplitMix64 rng(11);
    std::vector<Access> accesses;
    for (int i = 0; i < 70000; ++i)
        accesses.push_back(Access{(rng.next() >> 20) & ~std::uint64_t{3}, 4, static_cast<AccessKind>(i % 3), 0});
    const std::string v3 = writeBinary(accesses);
    REQUIRE(v3[8] == 3);
    const std::string v2 = headerOfVersion(2) + v3.substr(headerOf().size());
    CHECK(v2[8] == 2);
    CHECK(readBinary(v2) == accesses);
    // The worked example of docs/trace-format.md as version 2 wrote it (header CRC 0xd4e96a96).
    TraceMetadata m;
    m.addSite("load x", -1, AccessKind::Read);
    m.addSite("store y", -1, AccessKind::Write);
    const std::vector<Access> example = {{0x1000, 4, AccessKind::Read, 1}, {0x2000, 4, AccessKind::Write, 2}};
    std::string file = writeBinary(example, m);
    file[8] = 2;
    const std::string h = headerOf(m);
    file.replace(h.size() - 4, 4, bytes({0x96, 0x6A, 0xE9, 0xD4}));
    CHECK(readBinary(file) == example);
}

TEST_CASE("binary versions: version 2 round trips adversarial traces") {
    SplitMix64 rng(29);
    SUBCASE("one key, many interleaved strided streams (din-like), across block boundaries") {
        for (const std::size_t n : {65535UL, 65536UL, 65537UL, 140000UL}) {
            CAPTURE(n);
            std::vector<std::uint64_t> heads(12);
            for (auto& h : heads) h = rng.next() >> 20;
            std::vector<Access> a;
            for (std::size_t i = 0; i < n; ++i) {
                const std::size_t k = i % heads.size();
                a.push_back({heads[k], 4, AccessKind::Read, 0});
                heads[k] += 4 * (k + 1);
                if (rng.next() % 97 == 0) heads[k] = rng.next() >> 16;  // a jump now and then
            }
            const std::string file = writeBinary(a);
            CHECK(readBinary(file) == a);
            CHECK(double(file.size()) / double(n) < 1.3);  // lanes: most records are one byte
        }
    }
    SUBCASE("every kind and size, random addresses, the largest size, the top of the address space") {
        std::vector<Access> a;
        for (std::size_t i = 0; i < 70000; ++i) {
            const std::uint32_t sizes[] = {1, 2, 3, 4, 8, 15, 64, 4096, kMaxReferenceSize};
            const std::uint32_t size = sizes[rng.next() % 9];
            std::uint64_t address = rng.next();
            if (i % 3 == 0) address = a.empty() ? 0 : a.back().address + a.back().size;  // contiguous
            address = std::min<std::uint64_t>(address, ~std::uint64_t{0} - size + 1);
            a.push_back({address, size, static_cast<AccessKind>(rng.next() % 3), 0});
        }
        CHECK(readBinary(writeBinary(a)) == a);
        CHECK(readBinary(writeBinary(a), 1) == a);
    }
    SUBCASE("more keys than direct slots: busy ones swapped into the direct slots") {
        TraceMetadata m;
        for (int i = 1; i < 60; ++i) m.addSite("s" + std::to_string(i), -1, AccessKind::Read);
        std::vector<Access> a;
        std::vector<std::uint64_t> heads(60, 0);
        for (std::size_t burst = 0; burst < 3000; ++burst) {
            const auto site = static_cast<std::uint16_t>(burst % 7 == 0 ? 1 + rng.next() % 59 : 1 + burst % 40);
            for (int r = 0; r < 20; ++r) {
                a.push_back({heads[site], 8, AccessKind::Write, site});
                heads[site] += 8;
            }
        }
        const std::string file = writeBinary(a, m);
        CHECK(readBinary(file) == a);
        // Bursts of 20 records of one stream, 40 streams in turn (more than the 15 direct slots).
        // With swaps a burst costs at most 4 + 19 bytes (its first record: the byte, X = 4j + 3 of
        // two bytes, T), plus at most 59 stream definitions of 10 bytes: <= 1.15 + 0.01 a record.
        // Without them, 25 of every 40 bursts would cost 2 bytes a record or more: >= 1.62.
        const double perRecord = double(file.size() - headerOf(m).size()) / double(a.size());
        CHECK(perRecord <= 1.16);
    }
    SUBCASE("lackey-like fetches of every size in a row: the contiguous code") {
        std::vector<Access> a;
        std::uint64_t pc = 0x401000;
        for (std::size_t i = 0; i < 50000; ++i) {
            const auto size = static_cast<std::uint32_t>(1 + rng.next() % 15);
            a.push_back({pc, size, AccessKind::Fetch, 0});
            pc += size;
        }
        const std::string file = writeBinary(a);
        CHECK(readBinary(file) == a);
        // 15 keys, one lane each, every record code 14 after its key's first: about one byte.
        CHECK(double(file.size()) / double(a.size()) < 1.01);
    }
}
