// Version 3 of the binary format (docs/trace-format.md, "Version 3: process ids"): a process id per
// block, covered by the block's CRC; version-2 files read as process 0.

#include <doctest/doctest.h>

#include <sstream>

#include "binary_test_util.hpp"
#include "cachescope/core/error.hpp"

using namespace cachescope;
using namespace cachescope::testing;

namespace {

std::string writeWithProcesses(const std::vector<Access>& accesses) {
    std::ostringstream out;
    auto writer = makeBinaryTraceWriter(out, TraceMetadata{}, true);
    writer->write(accesses);
    writer->finish();
    return out.str();
}

Access at(std::uint64_t address, std::uint8_t process) {
    Access a{address, 4, AccessKind::Read};
    a.process = process;
    return a;
}

}  // namespace

TEST_CASE("binary v3: processes survive a round trip, one block per run of a process") {
    const std::vector<Access> in = {at(0x1000, 0), at(0x1004, 0), at(0x1000, 3), at(0x2000, 255), at(0x1008, 0)};
    const std::string file = writeWithProcesses(in);
    // Header: version 3 and flags 1 (bytes 8 and 12).
    CHECK(static_cast<unsigned char>(file[8]) == 3);
    CHECK(static_cast<unsigned char>(file[12]) == 1);
    CHECK(readBinary(file) == in);
    CHECK(readBinary(file, 1) == in);
    // Four runs (0 0 | 3 | 255 | 0): four data blocks; the first's process field (after its 12-byte
    // header) is 0, the second's 3.
    const std::string header = headerOf();
    const std::size_t first = header.size();
    CHECK(static_cast<unsigned char>(file[first]) == 2);  // 2 records
    const std::uint32_t payload = static_cast<unsigned char>(file[first + 4]);
    CHECK(static_cast<unsigned char>(file[first + 12]) == 0);
    const std::size_t second = first + 16 + payload;
    CHECK(static_cast<unsigned char>(file[second]) == 1);
    CHECK(static_cast<unsigned char>(file[second + 12]) == 3);
}

TEST_CASE("binary v3: the CRC covers the process field, and bad ids are refused") {
    const std::string file = writeWithProcesses({at(0x1000, 2)});
    const std::size_t field = headerOf().size() + 12;
    std::string changed = file;
    changed[field] = 5;  // process 2 -> 5 without fixing the CRC
    try {
        (void)readBinary(changed);
        FAIL("a changed process id read without error");
    } catch (const TraceError& e) {
        CHECK(std::string(e.what()).find("block CRC mismatch") != std::string::npos);
    }
    std::string tooBig = file;
    tooBig[field + 1] = 1;  // process 258
    try {
        (void)readBinary(tooBig);
        FAIL("process 258 read without error");
    } catch (const TraceError& e) {
        CHECK(std::string(e.what()).find("block process id 258") != std::string::npos);
    }
}

TEST_CASE("binary v3: the default writer leaves the process flag clear and refuses other processes") {
    const std::string v3 = writeBinary({at(0x1000, 0)});
    CHECK(static_cast<unsigned char>(v3[8]) == 3);   // version 3 (allocation blocks may follow)
    CHECK(static_cast<unsigned char>(v3[12]) == 0);  // no process ids in the blocks
    CHECK(readBinary(v3).front().process == 0);
    CHECK_THROWS_AS(writeBinary({at(0x1000, 1)}), TraceError);
}
