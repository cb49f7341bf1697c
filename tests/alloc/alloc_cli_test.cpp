// `cachescope alloc` and `alloc compare` as a user runs them.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;

TEST_CASE("alloc cli: text report of the textbook exercise under first-fit with a capacity") {
    const CliResult r = runCli("alloc --allocator first-fit --capacity 1705KiB traces/textbook-placement.alloc");
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("allocator: first-fit") != std::string::npos);
    // 1705 KiB = 1,745,920; 426 KiB = 436,224; 959 KiB free = 982,016; 741 KiB leaked = 758,784.
    CHECK(r.out.find("\npeak live bytes                           1,745,920\n") != std::string::npos);
    CHECK(r.out.find("\nfailed allocations                                1\n") != std::string::npos);
    CHECK(r.out.find("\n  of which enough was free in total               1\n") != std::string::npos);
    CHECK(r.out.find("\n    26  p4  436,224  982,016         0              yes\n") != std::string::npos);
    CHECK(r.out.find("\n  request  758,784            3\n") != std::string::npos);
    CHECK(r.out.find("\n  guard      5,120            5\n") != std::string::npos);
}

TEST_CASE("alloc cli: JSON names failed_allocations and leaks, CSV has one row per event") {
    const CliResult j = runCli("alloc -a best-fit --capacity 1705KiB --json traces/textbook-placement.alloc");
    REQUIRE(j.status == 0);
    const auto doc = nlohmann::json::parse(j.out);
    CHECK(doc["allocator"] == "best-fit");
    CHECK(doc["failed_allocations"].empty());
    CHECK(doc["peak_reserved_bytes"] == 1705 * 1024);
    CHECK(doc["leaks"].size() == 2);
    CHECK(doc["leaks"][0]["site"] == "request");
    CHECK(doc["leaks"][0]["bytes"] == (212 + 417 + 112 + 426) * 1024);

    const CliResult c = runCli("alloc -a worst-fit --csv traces/textbook-placement.alloc");
    REQUIRE(c.status == 0);
    CHECK(countLines(c.out) == 1 + 19);  // header + 19 events
    CHECK(c.out.rfind("line,op,id,ok,address,", 0) == 0);
}

TEST_CASE("alloc cli: compare lists every allocator, its CSV has plain numbers") {
    const CliResult r = runCli("alloc compare --capacity 1705KiB traces/textbook-placement.alloc");
    REQUIRE(r.status == 0);
    for (const char* name : {"first-fit", "next-fit", "best-fit", "worst-fit", "buddy", "slab", "caching-pool", "planned"})
        CHECK(r.out.find(name) != std::string::npos);
    // The static plan needs only the peak live bytes here (1705 KiB): every allocator that
    // placed everything within the capacity is at 1.00 of it.
    CHECK(r.out.find("/ planned: peak reserved over the static plan's arena (1,745,920 bytes)") != std::string::npos);
    const CliResult c = runCli("alloc compare --capacity 1705KiB --csv traces/textbook-placement.alloc");
    REQUIRE(c.status == 0);
    CHECK(countLines(c.out) == 9);
    // best-fit places all four requests: peak live = peak reserved = 1705 KiB, no failure.
    CHECK(c.out.find("\nbest-fit,1745920,1745920,0,") != std::string::npos);
    // first-fit: one failure, and enough was free in total.
    CHECK(c.out.find("\nfirst-fit,1745920,1745920,0,") != std::string::npos);
    CHECK(c.out.find(",1,1,1\n") != std::string::npos);  // first-fit: 1 failed, 1 fragmentation failure, 14 steps / 14
}

TEST_CASE("alloc cli: bad input is one error line and exit status 1") {
    ScratchDir dir;
    const auto bad = dir.path / "bad.alloc";
    writeFile(bad, "alloc a 10\nfree a\nfree a\n");
    const CliResult r = runCli("alloc '" + bad.string() + "'");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "cachescope: error: " + bad.string() + ":3: free of 'a', which was already freed at line 2\n");

    const CliResult u = runCli("alloc -a lifo traces/textbook-placement.alloc");
    CHECK(u.status == 1);
    CHECK(u.err ==
          "cachescope: error: unknown allocator 'lifo'; expected one of: first-fit, next-fit, best-fit, worst-fit, buddy, "
          "slab, caching-pool, planned\n");

    const CliResult c = runCli("alloc --capacity lots traces/textbook-placement.alloc");
    CHECK(c.status == 1);
    CHECK(c.err.find("--capacity 'lots' is not a size") != std::string::npos);

    const CliResult o = runCli("alloc -o /nonexistent/dir/x.txt traces/textbook-placement.alloc");
    CHECK(o.status == 1);
    CHECK(o.err.find("cannot write '/nonexistent/dir/x.txt'") != std::string::npos);
}

TEST_CASE("alloc cli: alloc and alloc compare --help show their own examples") {
    const CliResult a = runCli("alloc --help");
    CHECK(a.status == 0);
    CHECK(a.out.find("  cachescope alloc --allocator best-fit traces/textbook-placement.alloc") != std::string::npos);
    for (const char* name : {"first-fit", "next-fit", "best-fit", "worst-fit", "buddy"})
        CHECK(a.out.find(name) != std::string::npos);
    const CliResult c = runCli("alloc compare --help");
    CHECK(c.status == 0);
    CHECK(c.out.find("  cachescope alloc compare traces/textbook-placement.alloc") != std::string::npos);
}
