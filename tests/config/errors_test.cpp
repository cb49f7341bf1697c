// One test per config error: each checks the source name, the JSON path and the key words of
// the message ("<source>: <path>: <what was found, what was expected>").

#include <doctest/doctest.h>

#include <string>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/policy/registry.hpp"

using namespace cachescope;

namespace {

/// The message of the ConfigError that parsing `text` (named "x.json") throws, or "" if none.
std::string errorOf(const std::string& text) {
    try {
        parseConfig(text, "x.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

std::string errorOf(const SimConfig& config) {
    try {
        validate(config);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// A config of one cache with the given extra keys: one(R"("associativity": 6)").
std::string one(const std::string& keys) { return R"({"caches": [{"size": "32KiB", )" + keys + "}]}"; }

}  // namespace

// ---- JSON syntax ---------------------------------------------------------------------------

TEST_CASE("config error: JSON syntax error names line and column") {
    // Line 3 is `    { "size": 1024, }`: the '}' after the trailing comma is column 21.
    const std::string e = errorOf("{\n  \"caches\": [\n    { \"size\": 1024, }\n  ]\n}\n");
    CAPTURE(e);
    CHECK(startsWith(e, "x.json:3:21: JSON syntax error: "));
    CHECK(contains(e, "unexpected '}'"));
}

TEST_CASE("config error: JSON syntax error on the first line") {
    // `{"caches": tru}`: the bad literal is detected at the '}' (column 15).
    const std::string e = errorOf(R"({"caches": tru})");
    CAPTURE(e);
    CHECK(startsWith(e, "x.json:1:15: JSON syntax error: "));
    CHECK(contains(e, "invalid literal"));
}

TEST_CASE("config error: JSON syntax error after comments counts their lines") {
    // Line 1 a comment, line 2 "{", line 3 `  "caches": [}`: the '}' is column 14.
    const std::string e = errorOf("// comment\n{\n  \"caches\": [}\n");
    CAPTURE(e);
    CHECK(startsWith(e, "x.json:3:14: JSON syntax error: "));
}

TEST_CASE("config error: empty text") {
    const std::string e = errorOf("");
    CAPTURE(e);
    CHECK(startsWith(e, "x.json:1:1: JSON syntax error: "));
}

// ---- types ---------------------------------------------------------------------------------

TEST_CASE("config error: size of the wrong type") {
    CHECK(errorOf(R"({"caches": [{"size": true}]})") ==
          R"(x.json: /caches/0/size: expected a size such as 32768 or "32KiB", found true)");
    CHECK(errorOf(R"({"caches": [{"size": "32QB"}]})") ==
          R"(x.json: /caches/0/size: expected a size such as 32768 or "32KiB", found "32QB")");
    CHECK(errorOf(R"({"caches": [{"size": -64}]})") ==
          R"(x.json: /caches/0/size: expected a size such as 32768 or "32KiB", found -64)");
    CHECK(errorOf(R"({"caches": [{"size": 1.5}]})") ==
          R"(x.json: /caches/0/size: expected a size such as 32768 or "32KiB", found 1.5)");
    CHECK(errorOf(R"({"caches": [{"size": [1]}]})") ==
          R"(x.json: /caches/0/size: expected a size such as 32768 or "32KiB", found an array)");
}

TEST_CASE("config error: other keys of the wrong type") {
    std::string e = errorOf(one(R"("line_size": null)"));
    CHECK(startsWith(e, "x.json: /caches/0/line_size: expected a size"));
    CHECK(contains(e, "found null"));
    e = errorOf(one(R"("associativity": 2.5)"));
    CHECK(e == R"(x.json: /caches/0/associativity: expected a number of ways (such as 8) or "full", found 2.5)");
    e = errorOf(one(R"("associativity": "fully")"));
    CHECK(e == R"(x.json: /caches/0/associativity: expected a number of ways (such as 8) or "full", found "fully")");
    e = errorOf(one(R"("write_allocate": "yes")"));
    CHECK(e == R"(x.json: /caches/0/write_allocate: expected true or false, found "yes")");
    e = errorOf(one(R"("replacement": 3)"));
    CHECK(e == R"(x.json: /caches/0/replacement: expected a string, found 3)");
    e = errorOf(one(R"("holds": {})"));
    CHECK(e == R"(x.json: /caches/0/holds: expected one of data, instructions, both, found an object)");
    e = errorOf(one(R"("name": 5)"));
    CHECK(e == R"(x.json: /caches/0/name: expected a string, found 5)");
    e = errorOf(R"({"name": ["a"], "caches": [{"size": 64}]})");
    CHECK(e == R"(x.json: /name: expected a string, found an array)");
    e = errorOf(R"({"description": false, "caches": [{"size": 64}]})");
    CHECK(e == R"(x.json: /description: expected a string, found false)");
}

TEST_CASE("config error: the document, caches and memory must have the right shape") {
    CHECK(errorOf("[]") == R"(x.json: /: expected an object with a "caches" array, found an array)");
    CHECK(errorOf("42") == R"(x.json: /: expected an object with a "caches" array, found 42)");
    CHECK(errorOf(R"({"caches": {"size": 64}})") == R"(x.json: /caches: expected an array of caches, found an object)");
    const std::string e = errorOf(R"({"caches": [{"size": 64}, "L2"]})");
    CHECK(startsWith(e, "x.json: /caches/1: expected a cache object"));
    CHECK(contains(e, R"(found "L2")"));
    CHECK(errorOf(R"({"caches": [{"size": 64}], "memory": 100})") ==
          R"(x.json: /memory: expected an object, found 100)");
    CHECK(errorOf(R"({"$schema": 1, "caches": [{"size": 64}]})") == R"(x.json: /$schema: expected a string, found 1)");
}

TEST_CASE("config error: a long value is shortened in the message") {
    const std::string e = errorOf(one(R"("write_allocate": "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz")"));
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /caches/0/write_allocate: expected true or false, found \"abcdefghij"));
    CHECK(contains(e, "..."));
    CHECK_FALSE(contains(e, "uvwxyz\""));
}

// ---- unknown keys --------------------------------------------------------------------------

TEST_CASE("config error: unknown key with a close match suggests it") {
    CHECK(errorOf(one(R"("asociativity": 8)")) ==
          R"(x.json: /caches/0/asociativity: unknown key; did you mean "associativity"?)");
    CHECK(errorOf(one(R"("line-size": 64)")) == R"(x.json: /caches/0/line-size: unknown key; did you mean "line_size"?)");
    CHECK(errorOf(one(R"("Size": 64)")) == R"(x.json: /caches/0/Size: unknown key; did you mean "size"?)");
    CHECK(errorOf(R"({"cache": []})") == R"(x.json: /cache: unknown key; did you mean "caches"?)");
    CHECK(errorOf(R"({"caches": [{"size": 64}], "memory": {"latncy": 1}})") ==
          R"(x.json: /memory/latncy: unknown key; did you mean "latency"?)");
}

TEST_CASE("config error: unknown key without a close match lists the allowed keys") {
    std::string e = errorOf(one(R"("colour": "red")"));
    CHECK(e == "x.json: /caches/0/colour: unknown key; allowed keys here: name, size, line_size, associativity, "
               "replacement, write_policy, write_allocate, inclusion, latency, holds");
    e = errorOf(R"({"caches": [{"size": 64}], "prefetcher": {}})");
    CHECK(e == "x.json: /prefetcher: unknown key; allowed keys here: $schema, name, description, seed, caches, memory, "
               "addressing, mmu, tlbs");
    // "tlb" is now close to a key.
    e = errorOf(R"({"caches": [{"size": 64}], "tlb": {}})");
    CHECK(e == "x.json: /tlb: unknown key; did you mean \"tlbs\"?");
    e = errorOf(R"({"caches": [{"size": 64}], "memory": {"size": 1}})");
    CHECK(e == "x.json: /memory/size: unknown key; allowed keys here: latency");
}

// ---- required keys, sizes, geometry ---------------------------------------------------------

TEST_CASE("config error: missing caches or empty caches") {
    std::string e = errorOf(R"({"name": "x"})");
    CHECK(startsWith(e, "x.json: /caches: required key missing"));
    e = errorOf(R"({"caches": []})");
    CHECK(startsWith(e, "x.json: /caches: must list at least one cache"));
}

TEST_CASE("config error: missing size") {
    const std::string e = errorOf(R"({"caches": [{"size": 64}, {"associativity": 2}]})");
    CHECK(startsWith(e, "x.json: /caches/1/size: required key missing"));
    CHECK(contains(e, "32KiB"));
}

TEST_CASE("config error: size 0") {
    CHECK(errorOf(R"({"caches": [{"size": 0}]})") == "x.json: /caches/0/size: must be at least one line (64 bytes), got 0");
    CHECK(errorOf(R"({"caches": [{"size": "0KiB"}]})") ==
          "x.json: /caches/0/size: must be at least one line (64 bytes), got 0");
}

TEST_CASE("config error: size not a multiple of the line size") {
    CHECK(errorOf(R"({"caches": [{"size": 1000}]})") ==
          "x.json: /caches/0/size: must be a multiple of the line size (64), got 1000");
    CHECK(errorOf(R"({"caches": [{"size": 32}]})") ==
          "x.json: /caches/0/size: must be a multiple of the line size (64), got 32");
    CHECK(errorOf(R"({"caches": [{"size": "1KiB", "line_size": "256B", "associativity": 1},
                                 {"size": 3000, "line_size": 1024}]})") ==
          "x.json: /caches/1/size: must be a multiple of the line size (1024), got 3000");
}

TEST_CASE("config error: line size not a power of two") {
    CHECK(errorOf(one(R"("line_size": 48)")) == "x.json: /caches/0/line_size: must be a power of two, got 48");
    CHECK(errorOf(one(R"("line_size": 0)")) == "x.json: /caches/0/line_size: must be a power of two, got 0");
    CHECK(errorOf(one(R"("line_size": "96B")")) == "x.json: /caches/0/line_size: must be a power of two, got 96");
}

TEST_CASE("config error: associativity must divide the number of lines") {
    // 32 KiB / 64 B = 512 lines; 6 does not divide 512.
    CHECK(errorOf(R"({"caches": [{"size": "1KiB", "associativity": 2},
                                 {"size": "32KiB", "associativity": 6}]})") ==
          "x.json: /caches/1/associativity: must divide the number of lines (512), got 6");
}

TEST_CASE("config error: the number of sets must be a power of two") {
    // 96 KiB / 64 B = 1536 lines; 8 ways -> 192 sets, not a power of two (12 ways would be fine).
    const std::string e = errorOf(R"({"caches": [{"size": "96KiB", "associativity": 8}]})");
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /caches/0/associativity: the number of sets (lines / ways = 1536 / 8 = 192) must be "
                        "a power of two"));
    CHECK(contains(e, "the number of ways need not be"));
    // 3 KiB / 64 B = 48 lines, 1 way -> 48 sets.
    CHECK(startsWith(errorOf(R"({"caches": [{"size": "3KiB", "associativity": 1}]})"),
                     "x.json: /caches/0/associativity: the number of sets (lines / ways = 48 / 1 = 48)"));
}

TEST_CASE("config error: zero ways or more ways than lines") {
    CHECK(errorOf(one(R"("associativity": 0)")) ==
          R"(x.json: /caches/0/associativity: must be at least 1 way (or "full"), got 0)");
    // 1 KiB / 64 B = 16 lines.
    CHECK(errorOf(R"({"caches": [{"size": "1KiB", "associativity": 32}]})") ==
          "x.json: /caches/0/associativity: must be at most the number of lines (16), got 32");
}

TEST_CASE("config error: a cache too large to index") {
    // 512 GiB / 64 B = 2^33 lines.
    const std::string e = errorOf(R"({"caches": [{"size": "512GiB"}]})");
    CHECK(startsWith(e, "x.json: /caches/0/size: too large"));
    CHECK(contains(e, "8589934592 lines"));
}

// ---- replacement and enumerations ------------------------------------------------------------

TEST_CASE("config error: unknown replacement policy with a close match") {
    const std::string e = errorOf(one(R"("replacement": "lur")"));
    CAPTURE(e);
    CHECK(startsWith(e, R"(x.json: /caches/0/replacement: unknown replacement policy "lur"; did you mean "lru"?)"));
    CHECK(contains(e, "Valid policies: " + policyNames()));
}

TEST_CASE("config error: unknown replacement policy without a close match") {
    const std::string e = errorOf(one(R"("replacement": "belady-optimal")"));
    CAPTURE(e);
    CHECK(startsWith(e, R"(x.json: /caches/0/replacement: unknown replacement policy "belady-optimal")"));
    CHECK_FALSE(contains(e, "did you mean"));
    CHECK(contains(e, "Valid policies: " + policyNames()));
    CHECK(contains(e, "lru"));
}

TEST_CASE("config error: bad write_policy lists the allowed values") {
    CHECK(errorOf(one(R"("write_policy": "writeback")")) ==
          R"(x.json: /caches/0/write_policy: unknown value "writeback"; did you mean "write-back"? )"
          "Expected one of: write-back, write-through");
    CHECK(errorOf(one(R"("write_policy": "write-around")")) ==
          R"(x.json: /caches/0/write_policy: unknown value "write-around" Expected one of: write-back, write-through)");
}

TEST_CASE("config error: bad inclusion lists the allowed values") {
    CHECK(errorOf(one(R"("inclusion": "exclusiv")")) ==
          R"(x.json: /caches/0/inclusion: unknown value "exclusiv"; did you mean "exclusive"? )"
          "Expected one of: nine, inclusive, exclusive");
    CHECK(errorOf(one(R"("inclusion": "NINE-ish-thing")")) ==
          R"(x.json: /caches/0/inclusion: unknown value "NINE-ish-thing" Expected one of: nine, inclusive, exclusive)");
}

TEST_CASE("config error: bad holds lists the allowed values") {
    CHECK(errorOf(one(R"("holds": "instruction")")) ==
          R"(x.json: /caches/0/holds: unknown value "instruction"; did you mean "instructions"? )"
          "Expected one of: data, instructions, both");
    CHECK(errorOf(one(R"("holds": "code")")) ==
          R"(x.json: /caches/0/holds: unknown value "code" Expected one of: data, instructions, both)");
}

// ---- numbers -----------------------------------------------------------------------------------

TEST_CASE("config error: latency must be a non-negative integer") {
    CHECK(errorOf(one(R"("latency": -1)")) ==
          "x.json: /caches/0/latency: expected a non-negative integer number of cycles, found -1");
    CHECK(errorOf(one(R"("latency": 1.5)")) ==
          "x.json: /caches/0/latency: expected a non-negative integer number of cycles, found 1.5");
    CHECK(errorOf(one(R"("latency": "4")")) ==
          R"(x.json: /caches/0/latency: expected a non-negative integer number of cycles, found "4")");
    CHECK(errorOf(one(R"("latency": 4294967296)")) ==
          "x.json: /caches/0/latency: must be at most 4294967295 cycles, got 4294967296");
    CHECK(errorOf(R"({"caches": [{"size": 64}], "memory": {"latency": -100}})") ==
          "x.json: /memory/latency: expected a non-negative integer number of cycles, found -100");
}

TEST_CASE("config error: seed must be a non-negative integer") {
    CHECK(errorOf(R"({"seed": -1, "caches": [{"size": 64}]})") ==
          "x.json: /seed: expected a non-negative integer, found -1");
    CHECK(errorOf(R"({"seed": 0.5, "caches": [{"size": 64}]})") ==
          "x.json: /seed: expected a non-negative integer, found 0.5");
    CHECK(errorOf(R"({"seed": "7", "caches": [{"size": 64}]})") ==
          R"(x.json: /seed: expected a non-negative integer, found "7")");
    CHECK(errorOf(R"({"seed": 0, "caches": [{"size": 512}]})").empty());  // 8 lines, 8 ways
}

// ---- names -------------------------------------------------------------------------------------

TEST_CASE("config error: duplicate cache names") {
    std::string e = errorOf(R"({"caches": [{"name": "L1", "size": 1024}, {"name": "L1", "size": 4096}]})");
    CAPTURE(e);
    CHECK(startsWith(e, R"(x.json: /caches/1/name: duplicate cache name "L1")"));
    CHECK(contains(e, "/caches/0"));
    // A default name can clash too: the second cache is level 2, so its default name is L2.
    e = errorOf(R"({"caches": [{"name": "L2", "size": 1024}, {"size": 4096}]})");
    CHECK(startsWith(e, R"(x.json: /caches/1/name: duplicate cache name "L2")"));
}

TEST_CASE("config error: empty cache name") {
    CHECK(startsWith(errorOf(one(R"("name": "")")), "x.json: /caches/0/name: must not be empty"));
}

// ---- the shape of the hierarchy ---------------------------------------------------------------

TEST_CASE("config error: a split cache after a unified one is unreachable") {
    // L1 holds both, so its misses go to the next cache holding both: L2I never receives any.
    const std::string e = errorOf(R"({"caches": [{"size": "1KiB"}, {"size": "4KiB", "holds": "instructions"}]})");
    CAPTURE(e);
    CHECK(startsWith(e, R"(x.json: /caches/1/holds: "L2I" (holds instructions) can never be reached: )"
                        "no cache before it sends misses to it"));
    CHECK(contains(e, R"("L1" holds both data and instructions)"));
}

TEST_CASE("config error: a both cache followed by split caches") {
    // L1I, L1D -> L2 (both) -> L3 (both); L3I sits between L2 and L3 but L2 skips it.
    const std::string e = errorOf(R"({"caches": [{"size": "1KiB", "holds": "instructions"},
                                                 {"size": "1KiB", "holds": "data"},
                                                 {"size": "4KiB"},
                                                 {"size": "8KiB", "holds": "instructions"},
                                                 {"size": "16KiB"}]})");
    CAPTURE(e);
    CHECK(startsWith(e, R"(x.json: /caches/3/holds: "L3I" (holds instructions) can never be reached)"));
    CHECK(contains(e, R"("L2" holds both)"));
}

TEST_CASE("config error: a first-level cache cannot be exclusive") {
    std::string e = errorOf(one(R"("inclusion": "exclusive")"));
    CAPTURE(e);
    CHECK(startsWith(e, R"(x.json: /caches/0/inclusion: "L1" cannot be exclusive: no cache is above it)"));
    // L1D has nothing above it either, even though it is the second cache in the list.
    e = errorOf(R"({"caches": [{"size": "1KiB", "holds": "instructions"},
                               {"size": "1KiB", "holds": "data", "inclusion": "exclusive"},
                               {"size": "4KiB"}]})");
    CHECK(startsWith(e, R"(x.json: /caches/1/inclusion: "L1D" cannot be exclusive)"));
}

TEST_CASE("config error: an exclusive cache cannot be where one side's references enter") {
    // L2 has L1D above it for data, but instruction fetches would arrive at it directly.
    const std::string e = errorOf(R"({"caches": [{"size": "1KiB", "holds": "data"},
                                                 {"size": "4KiB", "inclusion": "exclusive"}]})");
    CAPTURE(e);
    CHECK(startsWith(e, R"(x.json: /caches/1/inclusion: "L2" cannot be exclusive: it is the first cache for )"
                        R"(instruction fetches)"));
}

TEST_CASE("config error: an exclusive cache must be write-back and write-allocate") {
    std::string e = errorOf(R"({"caches": [{"size": "1KiB"},
                                           {"size": "4KiB", "inclusion": "exclusive", "write_policy": "write-through"}]})");
    CHECK(startsWith(e, "x.json: /caches/1/write_policy: an exclusive cache must be write-back"));
    e = errorOf(R"({"caches": [{"size": "1KiB"},
                               {"size": "4KiB", "inclusion": "exclusive", "write_allocate": false}]})");
    CHECK(startsWith(e, "x.json: /caches/1/write_allocate: an exclusive cache must be write-allocate"));
}

TEST_CASE("config error: every cache above an exclusive cache must be write-back and write-allocate") {
    std::string e = errorOf(R"({"caches": [{"size": "1KiB", "write_policy": "write-through"},
                                           {"size": "4KiB", "inclusion": "exclusive"}]})");
    CAPTURE(e);
    CHECK(startsWith(e, R"(x.json: /caches/0/write_policy: "L1" must be write-back because the exclusive cache "L2")"));
    e = errorOf(R"({"caches": [{"size": "1KiB", "write_allocate": false},
                               {"size": "4KiB", "inclusion": "exclusive"}]})");
    CHECK(startsWith(e, R"(x.json: /caches/0/write_allocate: "L1" must be write-allocate because the exclusive)"));
    // Two levels up counts too: L1 (write-through) -> L2 -> L3 (exclusive).
    e = errorOf(R"({"caches": [{"size": "1KiB", "write_policy": "write-through"}, {"size": "4KiB"},
                               {"size": "16KiB", "inclusion": "exclusive"}]})");
    CHECK(startsWith(e, R"(x.json: /caches/0/write_policy: "L1" must be write-back because the exclusive cache "L3")"));
}

TEST_CASE("config error: an exclusive cache must have the line size of every cache above") {
    std::string e = errorOf(R"({"caches": [{"size": "1KiB", "line_size": 32},
                                           {"size": "4KiB", "inclusion": "exclusive"}]})");
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /caches/1/line_size: an exclusive cache must have the same line size as every cache "
                        "above it"));
    CHECK(contains(e, R"("L2" has 64, "L1" (/caches/0) has 32)"));
    // Two levels up.
    e = errorOf(R"({"caches": [{"size": "1KiB", "line_size": 32}, {"size": "4KiB", "line_size": 32},
                               {"size": "16KiB", "inclusion": "exclusive"}]})");
    CHECK(startsWith(e, "x.json: /caches/2/line_size: an exclusive cache must have the same line size"));
}

TEST_CASE("config error: an inclusive cache must have the line size of every cache above") {
    const std::string e = errorOf(R"({"caches": [{"size": "1KiB", "holds": "instructions"},
                                                 {"size": "1KiB", "holds": "data", "line_size": 128, "associativity": 2},
                                                 {"size": "4KiB", "inclusion": "inclusive"}]})");
    CAPTURE(e);
    CHECK(startsWith(e, "x.json: /caches/2/line_size: an inclusive cache must have the same line size as every cache "
                        "above it"));
    CHECK(contains(e, R"("L2" has 64, "L1D" (/caches/1) has 128)"));
}

TEST_CASE("config: valid inclusive and exclusive hierarchies are accepted") {
    // Same line sizes, write-back and write-allocate everywhere: the Zen 4 shape.
    CHECK(errorOf(R"({"caches": [{"size": "1KiB", "holds": "instructions"}, {"size": "1KiB", "holds": "data"},
                                 {"size": "4KiB", "inclusion": "inclusive"},
                                 {"size": "16KiB", "inclusion": "exclusive"}]})")
              .empty());
    // Inclusion at the first level is harmless (nothing above to back-invalidate).
    CHECK(errorOf(one(R"("inclusion": "inclusive")")).empty());
    // A write-through cache above a NINE or inclusive cache is fine.
    CHECK(errorOf(R"({"caches": [{"size": "1KiB", "write_policy": "write-through", "write_allocate": false},
                                 {"size": "4KiB", "inclusion": "inclusive"}]})")
              .empty());
}

// ---- validate() on a config built in code --------------------------------------------------------

TEST_CASE("config validate: errors on a config built in code use the same paths, without a source") {
    SimConfig c;
    CHECK(startsWith(errorOf(c), "/caches: must list at least one cache"));
    c.caches.resize(2);
    c.caches[0].size = 1024;
    c.caches[1].size = 32768;
    CHECK(errorOf(c).empty());
    c.caches[1].associativity = 6;
    CHECK(errorOf(c) == "/caches/1/associativity: must divide the number of lines (512), got 6");
    c.caches[1].associativity = 8;
    c.caches[1].replacement = "nope";
    CHECK(startsWith(errorOf(c), R"(/caches/1/replacement: unknown replacement policy "nope")"));
    c.caches[1].replacement = "lru";
    c.caches[1].holds = Holds::Data;  // after a both cache: unreachable
    CHECK(startsWith(errorOf(c), R"(/caches/1/holds: "L2D" (holds data) can never be reached)"));
}

TEST_CASE("config validate: empty names stand for their default names") {
    SimConfig c;
    c.caches.resize(2);
    c.caches[0].size = 1024;
    c.caches[1].size = 4096;
    CHECK(errorOf(c).empty());  // L1, L2
    c.caches[0].name = "L2";
    CHECK(startsWith(errorOf(c), R"(/caches/1/name: duplicate cache name "L2")"));
}
