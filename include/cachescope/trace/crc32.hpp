#pragma once
// CRC-32 as in zlib, PNG and Ethernet (IEEE 802.3: reflected polynomial 0xEDB88320, initial value
// and final xor 0xFFFFFFFF). The binary trace format checks its header and every block with it.
//
//   crc32("123456789") == 0xCBF43926          (the standard check value)
//   crc32("")          == 0
//   crc32(b, crc32(a)) == crc32(a + b)         (incremental: pass the previous result back in)
//
// Table driven, eight bytes per step ("slicing-by-8"): about 1 byte per cycle, so checking a block
// costs far less than decoding it.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cachescope {

/// CRC-32 of `size` bytes at `data`, continuing from `crc` (the CRC of the bytes before them).
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0);

inline std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0) {
    return crc32(bytes.data(), bytes.size(), crc);
}

}  // namespace cachescope
