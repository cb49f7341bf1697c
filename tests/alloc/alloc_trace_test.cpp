// The allocation-trace reader: the format of docs/alloc.md, and one message per kind of bad
// input, naming file:line, what was found and what was expected.

#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "cachescope/alloc/trace.hpp"
#include "cachescope/core/error.hpp"

using namespace cachescope;
using namespace cachescope::alloc;

namespace {

AllocTrace parse(const std::string& text) {
    std::istringstream in(text);
    return readAllocTrace(in, "t.alloc");
}

std::string errorOf(const std::string& text) {
    try {
        parse(text);
    } catch (const TraceError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("alloc trace: events, optional alignment and site, comments, ID reuse after free") {
    const AllocTrace t = parse(
        "# header\n"
        "\n"
        "alloc a 4KiB\n"
        "alloc b 100 64 conv1.im2col   # comment\n"
        "alloc c 32 fc.weights\n"
        "realloc a 8192\n"
        "free a\n"
        "alloc a 16\n");
    REQUIRE(t.events.size() == 6);
    CHECK(t.events[0].op == AllocOp::Alloc);
    CHECK(t.events[0].size == 4096);
    CHECK(t.events[0].align == 0);
    CHECK(t.events[0].line == 3);
    CHECK(t.sites[t.events[0].site].empty());
    CHECK(t.events[1].align == 64);
    CHECK(t.sites[t.events[1].site] == "conv1.im2col");
    CHECK(t.events[2].align == 0);
    CHECK(t.sites[t.events[2].site] == "fc.weights");
    CHECK(t.events[3].op == AllocOp::Realloc);
    CHECK(t.events[3].size == 8192);
    CHECK(t.events[4].op == AllocOp::Free);
    CHECK(t.events[5].id == t.events[0].id);
    CHECK(t.names[t.events[5].id] == "a");
}

TEST_CASE("alloc trace: bad input names the line, the text and what was expected") {
    CHECK(errorOf("alloc a 10\nfree b\n") == "t.alloc:2: free of unknown ID 'b' (never allocated)");
    CHECK(errorOf("alloc a 10\nfree a\nfree a\n") == "t.alloc:3: free of 'a', which was already freed at line 2");
    CHECK(errorOf("alloc a 10\nfree a\nrealloc a 5\n") ==
          "t.alloc:3: realloc of 'a', which was already freed at line 2");
    CHECK(errorOf("alloc a 10\nalloc a 10\n") ==
          "t.alloc:2: alloc of 'a', which is still live (allocated at line 1); free it first or use another ID");
    CHECK(errorOf("alloc a -5\n") ==
          "t.alloc:1: size '-5' is negative; expected a byte count such as 4096 or 2MiB");
    CHECK(errorOf("alloc a ten\n") ==
          "t.alloc:1: size 'ten' is not a size; expected a byte count such as 4096 or 2MiB");
    CHECK(errorOf("\nalloc a 1PiB\n") ==
          "t.alloc:2: size '1PiB' is not a size; expected a byte count such as 4096 or 2MiB");
    CHECK(errorOf("alloc a 512TiB\n") ==
          "t.alloc:1: size '512TiB' is absurd; expected at most 281,474,976,710,656 bytes (256 TiB)");
    CHECK(errorOf("alloc a 99999999999999999999999\n") ==
          "t.alloc:1: size '99999999999999999999999' is not a size; expected a byte count such as 4096 or 2MiB");
    CHECK(errorOf("alloc a 10 24\n") == "t.alloc:1: alignment '24' is not a power of two between 1 and 1GiB");
    CHECK(errorOf("alloc a 10 16 9x\n") ==
          "t.alloc:1: site '9x' starts with a digit or '-'; expected a name such as conv1.im2col (a word that "
          "starts with a digit after the size is the alignment)");
    CHECK(errorOf("alloc a 10 0\n") == "t.alloc:1: alignment '0' is not a power of two between 1 and 1GiB");
    CHECK(errorOf("alloc a 10 2GiB\n") == "t.alloc:1: alignment '2GiB' is not a power of two between 1 and 1GiB");
    CHECK(errorOf("alloc a 10 -8\n") ==
          "t.alloc:1: alignment '-8' is negative; expected a power of two such as 16 or 4096");
    CHECK(errorOf("alloc a\n") == "t.alloc:1: 'alloc a': expected 'alloc ID SIZE [ALIGN] [SITE]'");
    CHECK(errorOf("alloc a 1 16 s extra\n") ==
          "t.alloc:1: 'alloc a 1 16 s extra': expected 'alloc ID SIZE [ALIGN] [SITE]'");
    CHECK(errorOf("free\n") == "t.alloc:1: 'free': expected 'free ID'");
    CHECK(errorOf("realloc x\n") == "t.alloc:1: 'realloc x': expected 'realloc ID SIZE'");
    CHECK(errorOf("malloc a 4\n") == "t.alloc:1: unknown event 'malloc'; expected alloc, free, realloc or empty_cache");
}

TEST_CASE("alloc trace: a missing file is an IoError naming it") {
    CHECK_THROWS_AS(loadAllocTrace("/nonexistent/x.alloc"), IoError);
    try {
        loadAllocTrace("/nonexistent/x.alloc");
    } catch (const IoError& e) {
        CHECK(std::string(e.what()).find("'/nonexistent/x.alloc'") != std::string::npos);
    }
}
