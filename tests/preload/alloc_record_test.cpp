// `cachescope trace record --allocations` on tests/helpers/alloc_known.cpp, whose allocations are
// known: every one is found in the recorded trace, in order, with its size, alignment, call site
// and the ID that follows it through realloc and free.

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <string>

#include "cachescope/alloc/trace.hpp"
#include "cli/cli_run.hpp"

using namespace cachescope::testing;
using namespace cachescope::alloc;

namespace {

/// The index of the first event at or after `from` that is an alloc of `size` bytes.
std::size_t findAlloc(const AllocTrace& t, std::uint64_t size, std::size_t from = 0) {
    for (std::size_t i = from; i < t.events.size(); ++i)
        if (t.events[i].op == AllocOp::Alloc && t.events[i].size == size) return i;
    return t.events.size();
}

std::size_t findOp(const AllocTrace& t, AllocOp op, std::uint32_t id, std::size_t from) {
    for (std::size_t i = from; i < t.events.size(); ++i)
        if (t.events[i].op == op && t.events[i].id == id) return i;
    return t.events.size();
}

}  // namespace

TEST_CASE("trace record --allocations: the helper's known allocations, in order, with sites and IDs") {
    ScratchDir dir;
    const auto out = dir.path / "known.alloc";
    const CliResult r = runCli("trace record --allocations -o '" + out.string() + "' -- " CACHESCOPE_ALLOC_KNOWN_PATH);
    REQUIRE(r.status == 0);
    CHECK(r.out == "alloc_known: done\n");  // the program's output passes through
    CHECK(r.err.find("cachescope: recorded ") == 0);
    const AllocTrace t = loadAllocTrace(out.string());  // a valid trace of docs/alloc.md

    const std::size_t a = findAlloc(t, 100001);
    REQUIRE(a < t.events.size());
    CHECK(t.sites[t.events[a].site].rfind("main+0x", 0) == 0);
    CHECK(t.events[a].align == 0);
    const std::uint32_t aId = t.events[a].id;
    const std::size_t b = findAlloc(t, 7777, a);  // calloc(7, 1111)
    REQUIRE(b < t.events.size());
    const std::size_t ra = findOp(t, AllocOp::Realloc, aId, b);
    REQUIRE(ra < t.events.size());
    CHECK(t.events[ra].size == 200002);
    const std::size_t c = findAlloc(t, 30003, ra);
    REQUIRE(c < t.events.size());
    CHECK(t.events[c].align == 64);
    const std::size_t d = findAlloc(t, 40960, c);
    REQUIRE(d < t.events.size());
    CHECK(t.events[d].align == 4096);
    const std::size_t e = findAlloc(t, 10007 * sizeof(int), d);  // new int[10007]
    REQUIRE(e < t.events.size());
    CHECK(t.sites[t.events[e].site].rfind("main+0x", 0) == 0);
    const std::size_t s = findAlloc(t, 50005, e);  // new Big
    REQUIRE(s < t.events.size());
    const std::size_t f = findAlloc(t, 60006, s);
    REQUIRE(f < t.events.size());
    CHECK(t.sites[t.events[f].site].rfind("make_buffer+0x", 0) == 0);
    // The frees, in the program's order, each naming the block's ID; f is never freed.
    std::size_t at = f;
    for (const std::size_t freed : {b, c, d, e, s, a}) {
        CAPTURE(freed);
        const std::size_t next = findOp(t, AllocOp::Free, t.events[freed].id, at);
        REQUIRE(next < t.events.size());
        at = next;
    }
    CHECK(findOp(t, AllocOp::Free, t.events[f].id, f) == t.events.size());

    // The recorded trace runs through the allocator simulator: the leak is reported at its site.
    const CliResult sim = runCli("alloc --json '" + out.string() + "'");
    REQUIRE(sim.status == 0);
    CHECK(sim.out.find("\"site\": \"make_buffer+0x") != std::string::npos);
}

TEST_CASE("trace record --allocations: a program that execs itself through execl is recorded on, as a second image") {
    ScratchDir dir;
    const auto out = dir.path / "exec.alloc";
    const CliResult r =
        runCli("trace record --allocations -o '" + out.string() + "' -- " CACHESCOPE_ALLOC_KNOWN_PATH " execl");
    REQUIRE(r.status == 0);
    CHECK(r.out == "alloc_known child: done\n");
    std::ifstream in(out);
    std::string line, before, after;
    while (std::getline(in, line)) {
        if (line.find(" 80008") != std::string::npos) before = line;
        if (line.find(" 90009") != std::string::npos) after = line;
    }
    // The first image's block was flushed before exec replaced it; the second image's IDs carry ".2"
    // (execl reaches the recorder's execve, which hands the next image its number).
    CHECK(before.rfind("alloc n", 0) == 0);
    CHECK(before.find('.') == std::string::npos);
    REQUIRE(after.rfind("alloc n", 0) == 0);
    CHECK(after.substr(0, after.find(' ', 7)).find(".2") != std::string::npos);
    CHECK(loadAllocTrace(out.string()).events.size() >= 3);  // a valid trace: alloc, alloc, free at least
}

TEST_CASE("trace record --allocations: to a binary trace (.bin), read back as the text recording is") {
    ScratchDir dir;
    const auto bin = dir.path / "known.bin";
    const CliResult r = runCli("trace record --allocations -o '" + bin.string() + "' -- " CACHESCOPE_ALLOC_KNOWN_PATH);
    REQUIRE(r.status == 0);
    CHECK(readFile(bin).rfind("CSTRACE\x1a", 0) == 0);
    const AllocTrace t = loadAllocTrace(bin.string());
    const std::size_t f = findAlloc(t, 60006);
    REQUIRE(f < t.events.size());
    CHECK(t.sites[t.events[f].site].rfind("make_buffer+0x", 0) == 0);
    // Converted to text and back to binary: the same events (the recorder's run may differ from a
    // second run, so the comparison is within this one recording).
    const auto text = dir.path / "known.alloc";
    REQUIRE(runCli("trace convert '" + bin.string() + "' '" + text.string() + "'").status == 0);
    const AllocTrace back = loadAllocTrace(text.string());
    CHECK(back.names == t.names);
    CHECK(back.sites == t.sites);
    CHECK(back.events.size() == t.events.size());
}

TEST_CASE("trace record --allocations: a missing program and wrong option mixes are one error line") {
    ScratchDir dir;
    const auto out = dir.path / "x.alloc";
    const CliResult missing = runCli("trace record --allocations -o '" + out.string() + "' -- /nonexistent/prog");
    CHECK(missing.status == 1);
    CHECK(missing.err == "cachescope: error: cannot run '/nonexistent/prog': no such file\n");
    CHECK_FALSE(std::ifstream(out).good());  // nothing written

    const CliResult kernel = runCli("trace record --allocations --kernel matmul -o '" + out.string() + "'");
    CHECK(kernel.status == 1);
    CHECK(kernel.err ==
          "cachescope: error: trace record --allocations records a program: give it after -- "
          "(e.g. 'cachescope trace record --allocations -o t.alloc -- ./a.out'), not --kernel\n");

    const CliResult format =
        runCli("trace record --allocations --format din -o '" + out.string() + "' -- " CACHESCOPE_ALLOC_KNOWN_PATH);
    CHECK(format.status == 1);
    CHECK(format.err ==
          "cachescope: error: --format din does not apply to --allocations: it writes the allocation trace format of "
          "docs/alloc.md, or a binary trace (--format binary, or a .bin or .cst file)\n");
}
