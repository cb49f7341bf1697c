#pragma once
// One memory reference as the CPU issues it.

#include <cstdint>
#include <string_view>

namespace cachescope {

enum class AccessKind : std::uint8_t {
    Read = 0,   // data load
    Write = 1,  // data store
    Fetch = 2,  // instruction fetch (a read that goes to the instruction side)
};

constexpr std::string_view toString(AccessKind kind) {
    switch (kind) {
    case AccessKind::Read: return "read";
    case AccessKind::Write: return "write";
    case AccessKind::Fetch: return "fetch";
    }
    return "?";
}

/// A reference of `size` bytes (size >= 1) at a 64-bit address. An access that spans k lines of
/// a cache is k accesses to that cache (see docs/semantics.md).
///
/// `site` names the program statement that issued it (an index into the trace's site table,
/// TraceMetadata::sites; 0 = unknown). It rides in what would be padding: an Access stays 16 bytes.
struct Access {
    std::uint64_t address = 0;
    std::uint32_t size = 1;
    AccessKind kind = AccessKind::Read;
    /// The process (address space) that issued it: 0 .. kMaxProcesses - 1 (docs/mmu.md,
    /// "Processes"). It takes the byte of padding between kind and site; the constructor takes it
    /// last, so Access{address, size, kind, site} means what it meant before processes existed.
    /// Single-program traces are process 0.
    std::uint8_t process = 0;
    std::uint16_t site = 0;

    constexpr Access() = default;
    constexpr Access(std::uint64_t a, std::uint32_t s = 1, AccessKind k = AccessKind::Read, std::uint16_t st = 0,
                     std::uint8_t p = 0)
        : address(a), size(s), kind(k), process(p), site(st) {}

    friend bool operator==(const Access&, const Access&) = default;
};

/// The largest reference a trace may hold, in bytes (docs/trace-format.md). Real instructions touch
/// at most a few KiB at once (an AVX-512 XSAVE area is about 2.7 KiB); a larger size is a corrupt
/// record, and would make every analysis walk millions of lines for one reference.
inline constexpr std::uint32_t kMaxReferenceSize = 65536;

/// Processes a run can hold: process ids are one byte.
inline constexpr std::uint32_t kMaxProcesses = 256;

static_assert(sizeof(Access) == 16, "an Access must stay 16 bytes: blocks of them are the hot loop's input");

}  // namespace cachescope
