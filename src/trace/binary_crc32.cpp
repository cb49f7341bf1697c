#include <array>
#include <cstring>

#include "cachescope/trace/crc32.hpp"

namespace cachescope {

namespace {

// tables[0] is the classic byte table; tables[k][b] is the CRC of byte b followed by k zero bytes,
// so eight table lookups advance the CRC by eight bytes at once.
constexpr std::array<std::array<std::uint32_t, 256>, 8> makeTables() {
    std::array<std::array<std::uint32_t, 256>, 8> t{};
    for (std::uint32_t b = 0; b < 256; ++b) {
        std::uint32_t c = b;
        for (int i = 0; i < 8; ++i) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
        t[0][b] = c;
    }
    for (std::size_t k = 1; k < 8; ++k)
        for (std::size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFU];
    return t;
}

constexpr auto kTables = makeTables();

}  // namespace

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc) {
    const auto* p = static_cast<const unsigned char*>(data);
    std::uint32_t c = ~crc;
    while (size >= 8) {
        // Little-endian assembly of the words, whatever the host order.
        const std::uint32_t lo = c ^ (std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
                                      std::uint32_t{p[3]} << 24);
        const std::uint32_t hi =
            std::uint32_t{p[4]} | std::uint32_t{p[5]} << 8 | std::uint32_t{p[6]} << 16 | std::uint32_t{p[7]} << 24;
        c = kTables[7][lo & 0xFFU] ^ kTables[6][(lo >> 8) & 0xFFU] ^ kTables[5][(lo >> 16) & 0xFFU] ^
            kTables[4][lo >> 24] ^ kTables[3][hi & 0xFFU] ^ kTables[2][(hi >> 8) & 0xFFU] ^
            kTables[1][(hi >> 16) & 0xFFU] ^ kTables[0][hi >> 24];
        p += 8;
        size -= 8;
    }
    while (size-- != 0) c = kTables[0][(c ^ *p++) & 0xFFU] ^ (c >> 8);
    return ~c;
}

}  // namespace cachescope
