#pragma once
// Address arithmetic in one validated value type: the only place that turns a byte address into
// line address, set index, tag and offset. No other file shifts addresses by literal amounts.

#include <cstdint>

namespace cachescope {

constexpr bool isPowerOfTwo(std::uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

constexpr unsigned log2Exact(std::uint64_t x) {  // x must be a power of two
    unsigned n = 0;
    while (x > 1) {
        x >>= 1;
        ++n;
    }
    return n;
}

/// Splits addresses for a cache with `lineSize`-byte lines and `sets` sets (both powers of two).
///
///   63                      lineBits+setBits   lineBits        0
///   [ tag ..................][ set index ......][ offset ......]
///
/// The engine stores the whole line address (address >> lineBits) as the tag: it is unique, and
/// tag() is provided for explanations.
class AddressLayout {
public:
    AddressLayout() = default;
    /// Throws std::invalid_argument unless both are powers of two (configs are validated before).
    AddressLayout(std::uint64_t lineSize, std::uint64_t sets);

    std::uint64_t lineSize() const { return std::uint64_t{1} << lineBits_; }
    std::uint64_t sets() const { return setMask_ + 1; }
    unsigned lineBits() const { return lineBits_; }
    unsigned setBits() const { return setBits_; }

    std::uint64_t line(std::uint64_t address) const { return address >> lineBits_; }
    std::uint64_t offset(std::uint64_t address) const { return address & (lineSize() - 1); }
    std::uint32_t setOfLine(std::uint64_t line) const { return static_cast<std::uint32_t>(line & setMask_); }
    std::uint32_t set(std::uint64_t address) const { return setOfLine(line(address)); }
    std::uint64_t tagOfLine(std::uint64_t line) const { return line >> setBits_; }
    std::uint64_t tag(std::uint64_t address) const { return tagOfLine(line(address)); }
    /// First byte address of a line.
    std::uint64_t lineBase(std::uint64_t line) const { return line << lineBits_; }

    friend bool operator==(const AddressLayout&, const AddressLayout&) = default;

private:
    unsigned lineBits_ = 6;
    unsigned setBits_ = 0;
    std::uint64_t setMask_ = 0;
};

}  // namespace cachescope
