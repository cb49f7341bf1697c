#pragma once
// Deterministic din traces for the Dinero IV golden test (tests/golden/dinero_test.cpp).
//
// Every trace is produced entirely by code from fixed seeds, so the test can regenerate it in
// memory and a person can write it out as din text to run the real Dinero IV on it (see
// tests/golden/dinero/README.md). Randomness comes from std::mt19937_64's raw outputs reduced with
// `% n`: the engine's output sequence is fixed by the C++ standard, unlike the distributions.
//
// A din record is "label address" with label 0 = read, 1 = write, 2 = instruction fetch, the
// address in hex. Dinero IV (and cachescope) round the address down to a multiple of 4 and make
// the access 4 bytes, so the generators may emit unaligned addresses on purpose. Labels 3 (misc)
// and 4 (copy-back) never appear.
//
// Example: the record {2, 0x400004} is the din line "2 400004" and the access
// {address 0x400004, size 4, fetch}; {0, 0x10000007} is "0 10000007" and {0x10000004, 4, read}.

#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/core/access.hpp"

namespace cachescope::golden {

struct DinRecord {
    std::uint8_t label = 0;     // 0 read, 1 write, 2 instruction fetch
    std::uint64_t address = 0;  // as written in the din file (not yet rounded)

    friend bool operator==(const DinRecord&, const DinRecord&) = default;
};

/// The names makeDineroTrace accepts, in a fixed order:
///  - "hand10":     the 10-record trace worked out by hand in the test (2-line direct-mapped cache);
///  - "program":    50,000 records resembling a program: an instruction loop with calls, plus
///                  sequential, strided, random and stack data accesses;
///  - "matmul-ijk", "matmul-ikj": 24x24x24 matrix multiply C += A*B on 8-byte elements;
///  - "random":     30,000 accesses uniformly spread over 128 KiB, about 30% writes.
const std::vector<std::string>& dineroTraceNames();

/// Generates the named trace. Throws std::invalid_argument for an unknown name.
std::vector<DinRecord> makeDineroTrace(const std::string& name);

/// The trace as din text, one "label hexaddress" line per record (lower-case hex, no 0x).
std::string toDinText(const std::vector<DinRecord>& trace);

/// The access Dinero IV simulates for a din record: address rounded down to 4, 4 bytes.
Access toAccess(const DinRecord& record);

}  // namespace cachescope::golden
