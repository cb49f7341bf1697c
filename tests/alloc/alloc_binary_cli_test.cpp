// Allocation traces in the binary format from the command line: `trace convert` between the text
// allocation format and binary both ways, `alloc` reading either with the same result, and the
// messages for what cannot be converted.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;

TEST_CASE("alloc binary cli: convert text -> binary -> text, and alloc reads both the same") {
    ScratchDir dir;
    const std::string bin = (dir.path / "p.bin").string(), text = (dir.path / "p.alloc").string();
    const CliResult toBin = runCli("trace convert traces/textbook-placement.alloc '" + bin + "'");
    REQUIRE(toBin.status == 0);
    CHECK(toBin.err.empty());
    CHECK(readFile(bin).rfind("CSTRACE\x1a\x03", 0) == 0);
    const CliResult toText = runCli("trace convert '" + bin + "' '" + text + "'");
    REQUIRE(toText.status == 0);
    // The events come back as writeAllocTrace prints them (the comments of the original are gone).
    const std::string back = readFile(text);
    CHECK(back.rfind("# ", 0) == 0);
    CHECK(countLines(back) == 1 + 19);  // the comment, then the 19 events
    CHECK(back.find("\nalloc p1 217088 request\n") != std::string::npos);  // "alloc p1 212KiB request"

    const CliResult fromText = runCli("alloc compare --json --capacity 1705KiB traces/textbook-placement.alloc");
    const CliResult fromBin = runCli("alloc compare --json --capacity 1705KiB '" + bin + "'");
    REQUIRE(fromText.status == 0);
    REQUIRE(fromBin.status == 0);
    // The same runs: every allocator's figures and leaks agree (the events' lines differ: a binary
    // trace numbers its events, so failed allocations are compared by ID and size).
    const auto a = nlohmann::json::parse(fromText.out), b = nlohmann::json::parse(fromBin.out);
    REQUIRE(a.size() == 8);
    REQUIRE(b.size() == 8);
    for (std::size_t i = 0; i < a.size(); ++i) {
        CAPTURE(i);
        for (const char* key : {"allocator", "peak_live_bytes", "peak_reserved_bytes", "internal_fragmentation",
                                "external_fragmentation", "search_steps", "fragmentation_failures", "leaks"})
            CHECK(a[i][key] == b[i][key]);
        REQUIRE(a[i]["failed_allocations"].size() == b[i]["failed_allocations"].size());
        for (std::size_t f = 0; f < a[i]["failed_allocations"].size(); ++f) {
            CHECK(a[i]["failed_allocations"][f]["id"] == b[i]["failed_allocations"][f]["id"]);
            CHECK(a[i]["failed_allocations"][f]["size"] == b[i]["failed_allocations"][f]["size"]);
        }
    }
    CHECK(a[0]["failed_allocations"].size() == 1);  // first-fit: the 426 KiB request
    const CliResult round = runCli("alloc compare --json --capacity 1705KiB '" + text + "'");
    REQUIRE(round.status == 0);
    CHECK(round.err.empty());
}

TEST_CASE("alloc binary cli: --from alloc, --to alloc and what cannot be converted") {
    ScratchDir dir;
    const std::string bin = (dir.path / "p.bin").string();
    REQUIRE(runCli("trace convert --from alloc --to binary traces/textbook-placement.alloc '" + bin + "'").status == 0);
    const CliResult toDin = runCli("trace convert traces/textbook-placement.alloc '" + (dir.path / "x.din").string() + "'");
    CHECK(toDin.status == 1);
    CHECK(toDin.err ==
          "cachescope: error: an allocation trace converts to a binary trace (.bin, .cst) or to the allocation text "
          "format (.alloc, --to alloc), not to din (that format holds accesses only)\n");
    const CliResult fromDin = runCli("trace convert traces/sample.din '" + (dir.path / "x.alloc").string() + "'");
    CHECK(fromDin.status == 1);
    CHECK(fromDin.err == "cachescope: error: 'traces/sample.din' is neither a binary trace nor an allocation trace "
                         "(docs/alloc.md): only those hold allocation events\n");
    // A binary trace with allocations converted to an access format: the events are left out, said once.
    const CliResult toTrace = runCli("trace convert '" + bin + "' '" + (dir.path / "x.trace").string() + "'");
    CHECK(toTrace.status == 0);
    CHECK(toTrace.err == "cachescope: note: 19 allocation events of " + bin +
                             " were left out: the text format holds accesses only (convert to .alloc for the "
                             "allocations, or keep it binary)\n");
    CHECK(readFile(dir.path / "x.trace") == "# traces/textbook-placement.alloc\n");  // the source, no access
    // Back to the text allocation format: no msync in this trace, no note.
    const CliResult toAlloc = runCli("trace convert '" + bin + "' '" + (dir.path / "back.alloc").string() + "'");
    CHECK(toAlloc.status == 0);
    CHECK(toAlloc.err.empty());
}

TEST_CASE("alloc binary cli: a directory or a missing file says so") {
    const CliResult d = runCli("alloc traces");
    CHECK(d.status == 1);
    CHECK(d.err == "cachescope: error: 'traces' is a directory\n");
    const CliResult m = runCli("alloc /nonexistent/x.alloc");
    CHECK(m.status == 1);
    CHECK(m.err == "cachescope: error: cannot open '/nonexistent/x.alloc': No such file or directory\n");
    const CliResult g = runCli("gc traces");
    CHECK(g.status == 1);
    CHECK(g.err == "cachescope: error: 'traces' is a directory\n");
}
