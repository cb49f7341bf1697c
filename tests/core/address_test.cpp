#include <doctest/doctest.h>

#include <stdexcept>

#include "cachescope/core/address.hpp"

using namespace cachescope;

TEST_CASE("address layout: split of a 32 KiB 8-way cache with 64 B lines") {
    // 512 lines / 8 ways = 64 sets: offset 6 bits, index 6 bits, tag the rest.
    const AddressLayout l(64, 64);
    const std::uint64_t a = 0x7ffd'1234'5678;
    CHECK(l.lineBits() == 6);
    CHECK(l.setBits() == 6);
    CHECK(l.offset(a) == (a & 0x3f));
    CHECK(l.set(a) == ((a >> 6) & 0x3f));
    CHECK(l.tag(a) == (a >> 12));
    CHECK(l.lineBase(l.line(a)) == (a & ~std::uint64_t{0x3f}));
    CHECK(l.lineSize() == 64);
    CHECK(l.sets() == 64);
}

TEST_CASE("address layout: a fully associative cache has one set and no index bits") {
    const AddressLayout l(32, 1);
    CHECK(l.setBits() == 0);
    CHECK(l.set(0xdeadbeef) == 0);
    CHECK(l.tag(0xdeadbeef) == (0xdeadbeefull >> 5));
}

TEST_CASE("address layout: the top of the address space") {
    const AddressLayout l(64, 1024);
    const std::uint64_t a = ~std::uint64_t{0};
    CHECK(l.line(a) == (a >> 6));
    CHECK(l.offset(a) == 63);
    CHECK(l.set(a) == 1023);
}

TEST_CASE("address layout: rejects sizes that are not powers of two") {
    CHECK_THROWS_AS(AddressLayout(48, 64), std::invalid_argument);
    CHECK_THROWS_AS(AddressLayout(64, 3), std::invalid_argument);
    CHECK_THROWS_AS(AddressLayout(0, 1), std::invalid_argument);
    CHECK(isPowerOfTwo(1));
    CHECK_FALSE(isPowerOfTwo(0));
    CHECK(log2Exact(4096) == 12);
}
