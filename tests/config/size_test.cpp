// parseSize / formatSize: every expected value worked by hand (1 KiB = 2^10 = 1024,
// 1 MiB = 2^20 = 1048576, 1 GiB = 2^30 = 1073741824, 2^64 = 18446744073709551616).

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "cachescope/config/config.hpp"

using namespace cachescope;

TEST_CASE("config size: plain numbers and byte suffix") {
    CHECK(parseSize("0") == std::optional<std::uint64_t>{0});
    CHECK(parseSize("1") == std::optional<std::uint64_t>{1});
    CHECK(parseSize("64") == std::optional<std::uint64_t>{64});
    CHECK(parseSize("007") == std::optional<std::uint64_t>{7});
    CHECK(parseSize("64B") == std::optional<std::uint64_t>{64});
    CHECK(parseSize("64b") == std::optional<std::uint64_t>{64});
    CHECK(parseSize("64 B") == std::optional<std::uint64_t>{64});
    CHECK(parseSize("1000") == std::optional<std::uint64_t>{1000});
}

TEST_CASE("config size: K, KB and KiB all mean 1024") {
    CHECK(parseSize("1K") == std::optional<std::uint64_t>{1024});
    CHECK(parseSize("1KiB") == std::optional<std::uint64_t>{1024});
    CHECK(parseSize("32K") == std::optional<std::uint64_t>{32768});
    CHECK(parseSize("32KB") == std::optional<std::uint64_t>{32768});
    CHECK(parseSize("32KiB") == std::optional<std::uint64_t>{32768});
    CHECK(parseSize("32kib") == std::optional<std::uint64_t>{32768});
    CHECK(parseSize("32 KiB") == std::optional<std::uint64_t>{32768});
    CHECK(parseSize("48KiB") == std::optional<std::uint64_t>{49152});
    CHECK(parseSize("0K") == std::optional<std::uint64_t>{0});
}

TEST_CASE("config size: M and G") {
    CHECK(parseSize("1M") == std::optional<std::uint64_t>{1048576});
    CHECK(parseSize("1MiB") == std::optional<std::uint64_t>{1048576});
    CHECK(parseSize("3MB") == std::optional<std::uint64_t>{3145728});
    CHECK(parseSize("8MiB") == std::optional<std::uint64_t>{8388608});
    CHECK(parseSize("32MiB") == std::optional<std::uint64_t>{33554432});
    CHECK(parseSize("1G") == std::optional<std::uint64_t>{1073741824});
    CHECK(parseSize("2GiB") == std::optional<std::uint64_t>{2147483648});
    CHECK(parseSize("16GB") == std::optional<std::uint64_t>{17179869184});
}

TEST_CASE("config size: the largest values and overflow") {
    CHECK(parseSize("18446744073709551615") == std::optional<std::uint64_t>{std::numeric_limits<std::uint64_t>::max()});
    CHECK_FALSE(parseSize("18446744073709551616").has_value());         // 2^64
    CHECK_FALSE(parseSize("99999999999999999999999").has_value());
    CHECK(parseSize("17179869183GiB") == std::optional<std::uint64_t>{18446744072635809792u});  // 2^64 - 2^30
    CHECK_FALSE(parseSize("17179869184GiB").has_value());               // 2^34 * 2^30 = 2^64
    CHECK_FALSE(parseSize("18014398509481984K").has_value());           // 2^54 * 2^10 = 2^64
}

TEST_CASE("config size: malformed text is rejected") {
    for (const char* bad : {"", " ", "K", "KiB", "-1", "+1", "1.5K", "1,024", " 32", "32 ", "32KiBB", "32Ki",
                            "32iB", "32P", "32PiB", "0x20", "K32", "32 K B", "32KiB ", "32\tK", "thirty-two"}) {
        CAPTURE(bad);
        CHECK_FALSE(parseSize(bad).has_value());
    }
}

TEST_CASE("config size: formatSize picks the largest exact binary unit") {
    CHECK(formatSize(0) == "0B");
    CHECK(formatSize(1) == "1B");
    CHECK(formatSize(64) == "64B");
    CHECK(formatSize(1000) == "1000B");
    CHECK(formatSize(1023) == "1023B");
    CHECK(formatSize(1024) == "1KiB");
    CHECK(formatSize(1536) == "1536B");  // 1.5 KiB is not a whole number of KiB
    CHECK(formatSize(32768) == "32KiB");
    CHECK(formatSize(49152) == "48KiB");
    CHECK(formatSize(1049600) == "1025KiB");  // 1 MiB + 1 KiB
    CHECK(formatSize(1048576) == "1MiB");
    CHECK(formatSize(3145728) == "3MiB");
    CHECK(formatSize(1073741824) == "1GiB");
    CHECK(formatSize(1099511627776) == "1024GiB");  // 2^40: no unit above GiB
    CHECK(formatSize(std::numeric_limits<std::uint64_t>::max()) == "18446744073709551615B");
}

TEST_CASE("config size: parseSize(formatSize(x)) == x") {
    for (std::uint64_t shift = 0; shift < 64; ++shift)
        for (const std::uint64_t factor : {1u, 3u, 5u, 1000u}) {
            const std::uint64_t x = (std::uint64_t{1} << shift) * factor;
            if (x / factor != (std::uint64_t{1} << shift)) continue;  // overflowed
            CAPTURE(x);
            CHECK(parseSize(formatSize(x)) == std::optional<std::uint64_t>{x});
        }
}
