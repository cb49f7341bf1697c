// Memory estimate and budget (config/resources.hpp), and the config limits found by fuzzing.

#include <doctest/doctest.h>

#include <string>

#include "cachescope/config/config.hpp"
#include "cachescope/config/resources.hpp"
#include "cachescope/core/error.hpp"

using namespace cachescope;

namespace {

std::string errorOf(const std::string& text) {
    try {
        parseConfig(text, "x.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("memory estimate: hand-worked teaching L1 and a TLB + frames") {
    // 1 KiB, 64 B lines, 2-way: 16 lines in 8 sets -> 16 * 24 + 8 * (4 + 16) = 544 bytes.
    const SimConfig one = parseConfig(R"({"caches": [{"size": "1KiB", "associativity": 2}]})", "x.json");
    const MemoryEstimate e = estimateMemory(one);
    REQUIRE(e.parts.size() == 1);
    CHECK(e.parts[0].path == "/caches/0/size");
    CHECK(e.parts[0].bytes == 544);
    CHECK(e.total == 544);

    // A 16-entry 4-way TLB: 16 * 32 + 4 * 20 = 592; 1 MiB of 4 KiB frames: 256 * 64 = 16384.
    const SimConfig paged = parseConfig(R"({"caches": [{"size": "1KiB", "associativity": 2}],
        "addressing": "physical",
        "mmu": {"page_size": 4096, "bits_per_level": [10, 10], "physical_memory": "1MiB"},
        "tlbs": [{"entries": 16, "associativity": 4}]})",
                                        "x.json");
    const MemoryEstimate p = estimateMemory(paged);
    REQUIRE(p.parts.size() == 3);
    CHECK(p.parts[1].path == "/tlbs/0/entries");
    CHECK(p.parts[1].bytes == 592);
    CHECK(p.parts[2].path == "/mmu/physical_memory");
    CHECK(p.parts[2].bytes == 16384);
    CHECK(p.total == 544 + 592 + 16384);
    CHECK(p.largest().path == "/mmu/physical_memory");
}

TEST_CASE("memory estimate: sets wider than 16 ways count their tag index and policy structures") {
    // 16 ways is still narrow (with its fingerprint bytes): 1 KiB / 64 B = 16 lines in one set -> 16 * 24 + 20.
    const SimConfig sixteen = parseConfig(R"({"caches": [{"size": "1KiB", "associativity": 16}]})", "x.json");
    CHECK(estimateMemory(sixteen).total == 16 * 24 + 20);
    // 32 ways: 2 KiB = 32 lines in one set -> 32 * (24 + 48) + 4.
    const SimConfig wide = parseConfig(R"({"caches": [{"size": "2KiB", "associativity": 32}]})", "x.json");
    CHECK(estimateMemory(wide).total == 32 * (24 + 48) + 4);
    // Fully associative 1 MiB: 16384 lines in one set; a 64-entry fully associative TLB: 64 * (32 + 48) + 4.
    const SimConfig full = parseConfig(R"({"caches": [{"size": "1MiB", "associativity": "full"}],
        "addressing": "physical",
        "mmu": {"page_size": 4096, "bits_per_level": [10, 10], "physical_memory": "1MiB"},
        "tlbs": [{"entries": 64, "associativity": "full"}]})",
                                       "x.json");
    const MemoryEstimate f = estimateMemory(full);
    REQUIRE(f.parts.size() == 3);
    CHECK(f.parts[0].bytes == 16384 * (24 + 48) + 4);
    CHECK(f.parts[1].bytes == 64 * (32 + 48) + 4);
}

TEST_CASE("memory budget: a 16 GiB L1 is refused naming its JSON path, a small one passes") {
    const SimConfig big = parseConfig(R"({"caches": [{"size": "16GiB"}]})", "x.json");
    // 2^28 lines * 24 B + 2^25 sets * 20 B = 6 GiB + 640 MiB.
    CHECK(estimateMemory(big).total == (std::uint64_t{1} << 28) * 24 + (std::uint64_t{1} << 25) * 20);
    std::string message;
    try {
        checkMemoryBudget(big, std::uint64_t{1} << 30, "big.json");
    } catch (const ConfigError& e) {
        message = e.what();
    }
    CAPTURE(message);
    CHECK(message.rfind("big.json: /caches/0/size: ", 0) == 0);
    CHECK(contains(message, "about 6.6 GiB"));
    CHECK(contains(message, "budget of 1.0 GiB"));
    CHECK(contains(message, "--max-memory"));
    CHECK_NOTHROW(checkMemoryBudget(big, std::uint64_t{7} << 30, "big.json"));
    CHECK(defaultMemoryBudget() >= (std::uint64_t{256} << 20));
}

TEST_CASE("sizes: TiB units parse, and 1TiB then fails for its real reason") {
    CHECK(parseSize("1TiB") == std::uint64_t{1} << 40);
    CHECK(parseSize("2T") == std::uint64_t{2} << 40);
    CHECK(parseSize("3TB") == std::uint64_t{3} << 40);
    CHECK_FALSE(parseSize("16777216TiB").has_value());  // 2^64: overflows
    const std::string e = errorOf(R"({"caches": [{"size": "1TiB"}]})");
    CAPTURE(e);
    CHECK(contains(e, "/caches/0/size"));
    CHECK(contains(e, "too large"));
}

TEST_CASE("physical memory beyond 2^32 - 2 frames is refused (was cast to 32 bits: 0 or 1 frame)") {
    auto paged = [](const std::string& memory) {
        return R"({"caches": [{"size": "1KiB"}], "addressing": "physical",
                   "mmu": {"page_size": 4096, "bits_per_level": [9, 9, 9, 9], "physical_memory": )" +
               memory + "}}";
    };
    // 2^44 bytes of 4 KiB pages = 2^32 frames; 2^44 + 4096 = 2^32 + 1 frames (was simulated with one).
    for (const std::string m : {"17592186044416", "17592186048512"}) {
        const std::string e = errorOf(paged(m));
        CAPTURE(e);
        CHECK(contains(e, "/mmu/physical_memory"));
        CHECK(contains(e, "at most 4294967294 frames"));
    }
    // 2^44 - 8192 bytes = 2^32 - 2 frames: the largest allowed.
    CHECK(errorOf(paged("17592186036224")).empty());
}

TEST_CASE("a number beyond a double's range is the project's error, not nlohmann's") {
    const std::string e = errorOf(R"({"caches": [{"size": 1e400}]})");
    CAPTURE(e);
    CHECK(e.rfind("x.json: a number is too large: '1e400'", 0) == 0);
    CHECK_FALSE(contains(e, "json.exception"));
}
