// `cachescope gc` as a user runs it, on the example traces in traces/*.gc.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;

TEST_CASE("gc cli: the doubly linked list: reference counting frees the list, mark-sweep the nodes") {
    const CliResult r = runCli("gc traces/doubly-linked-list.gc");
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("mark-sweep collects: only at 'collect' events\n") != std::string::npos);
    // RC frees `list` (32 B) at line 18; the 3 nodes (144 B) leak. Mark-sweep frees all 4 at line 19.
    CHECK(r.out.find("\nobjects freed                                           1           4\n") != std::string::npos);
    CHECK(r.out.find("\ngarbage bytes still held at the end                   144           0\n") != std::string::npos);
    CHECK(r.out.find("\n    18  unroot list        1     32  list (LinkedList, 32 B)\n") != std::string::npos);
    CHECK(r.out.find("cycle 1: 3 objects, 144 bytes, unreachable since line 18; mark-sweep freed it at line 19\n") !=
          std::string::npos);
    CHECK(r.out.find("    gc: collectable <Node n2> 48 B\n") != std::string::npos);
    CHECK(r.out.find("  #2 freed: list (LinkedList, 32 B), n1 (Node, 48 B), n2 (Node, 48 B), n3 (Node, 48 B)\n") !=
          std::string::npos);
}

TEST_CASE("gc cli: the parent/child cycle lists the buffer as held by the cycle, JSON says the same") {
    const CliResult r = runCli("gc traces/parent-child-cycle.gc");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("    gc: collectable <Buffer data> 1,024 B (held by the cycle)\n") != std::string::npos);
    CHECK(r.out.find("reference counting freed nothing\n") != std::string::npos);

    const CliResult j = runCli("gc --json traces/parent-child-cycle.gc");
    REQUIRE(j.status == 0);
    const auto doc = nlohmann::json::parse(j.out);
    CHECK(doc["threshold"].is_null());
    CHECK(doc["objects"] == 3);
    CHECK(doc["reference_counting"]["freed_objects"] == 0);
    CHECK(doc["reference_counting"]["garbage_bytes_at_end"] == 64 + 32 + 1024);
    CHECK(doc["mark_sweep"]["freed_bytes"] == 64 + 32 + 1024);
    REQUIRE(doc["mark_sweep"]["collections"].size() == 1);
    CHECK(doc["mark_sweep"]["collections"][0]["line"] == 13);
    CHECK(doc["mark_sweep"]["collections"][0]["trigger"] == "collect");
    REQUIRE(doc["leaked_cycles"].size() == 1);
    const auto& cycle = doc["leaked_cycles"][0];
    CHECK(cycle["unreachable_line"] == 12);
    CHECK(cycle["collected_line"] == 13);
    REQUIRE(cycle["objects"].size() == 3);
    CHECK(cycle["objects"][2]["id"] == "data");
    CHECK(cycle["objects"][2]["on_cycle"] == false);
    CHECK(cycle["objects"][0]["on_cycle"] == true);
}

TEST_CASE("gc cli: autograd with a threshold collects on its own, CSV has one row per event") {
    const CliResult plain = runCli("gc --json traces/autograd.gc");
    REQUIRE(plain.status == 0);
    const auto p = nlohmann::json::parse(plain.out);
    CHECK(p["mark_sweep"]["collections"].size() == 1);
    // Step 2's 9 tensors and nodes are still garbage at the end without a threshold; reference
    // counting holds both steps' (18), every one on a cycle or held by one.
    CHECK(p["mark_sweep"]["garbage_objects_at_end"] == 9);
    CHECK(p["reference_counting"]["garbage_objects_at_end"] == 18);
    CHECK(p["reference_counting"]["freed_objects"] == 0);

    const CliResult t = runCli("gc --threshold 32KiB --json traces/autograd.gc");
    REQUIRE(t.status == 0);
    const auto doc = nlohmann::json::parse(t.out);
    CHECK(doc["threshold"] == 32768);
    bool sawThreshold = false;
    for (const auto& c : doc["mark_sweep"]["collections"]) sawThreshold |= c["trigger"] == "threshold";
    CHECK(sawThreshold);

    const CliResult c = runCli("gc --csv traces/autograd.gc");
    REQUIRE(c.status == 0);
    CHECK(c.out.rfind("line,event,reachable_bytes,rc_held_bytes,ms_held_bytes,rc_freed_objects,ms_freed_objects\n", 0) == 0);
    CHECK(countLines(c.out) == 1 + p["events"].get<int>());
}

TEST_CASE("gc cli: bad input is one error line and exit status 1") {
    ScratchDir dir;
    const auto bad = dir.path / "bad.gc";
    writeFile(bad, "new a 1\nnew b 1\nunref a b\n");
    const CliResult r = runCli("gc '" + bad.string() + "'");
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "cachescope: error: " + bad.string() +
                       ":3: unref of a missing edge: 'a' does not point to 'b'; expected a 'ref a b' before it\n");

    const CliResult th = runCli("gc --threshold lots traces/autograd.gc");
    CHECK(th.status == 1);
    CHECK(th.err == "cachescope: error: --threshold 'lots' is not a size; expected a byte count above 0 such as 4096 or 1MiB\n");

    const CliResult missing = runCli("gc /nonexistent/x.gc");
    CHECK(missing.status == 1);
    CHECK(missing.err == "cachescope: error: cannot open '/nonexistent/x.gc': No such file or directory\n");

    const CliResult o = runCli("gc -o /nonexistent/dir/x.txt traces/autograd.gc");
    CHECK(o.status == 1);
    CHECK(o.err.find("cannot write '/nonexistent/dir/x.txt'") != std::string::npos);
}
