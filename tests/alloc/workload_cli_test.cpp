// `cachescope workloads`, `alloc --workload ... --write-trace ... --plot ...` and `alloc compare
// --workload ... --plot ...` as a user runs them.

#include <doctest/doctest.h>

#include "cachescope/alloc/allocator.hpp"
#include "cli/cli_run.hpp"
#include "plot/xml_check.hpp"

using namespace cachescope::testing;

TEST_CASE("workloads cli: lists every workload with its parameters and defaults") {
    const CliResult r = runCli("workloads");
    REQUIRE(r.status == 0);
    for (const char* name : {"mlp-train: ", "cnn-train: ", "transformer-decode: "})
        CHECK(r.out.find(name) != std::string::npos);
    CHECK(r.out.find("\n  layers     784,256,10  sizes of the inputs, the hidden layers and the classes "
                     "(comma-separated, each 1..65536)\n") != std::string::npos);
    CHECK(r.out.find("\n  growth  cat  ") != std::string::npos);
    const CliResult one = runCli("workloads cnn-train");
    REQUIRE(one.status == 0);
    CHECK(one.out.rfind("cnn-train: ", 0) == 0);
    CHECK(one.out.find("mlp-train") == std::string::npos);
    const CliResult bad = runCli("workloads cnn");
    CHECK(bad.status == 1);
    CHECK(bad.err.find("unknown workload 'cnn'") != std::string::npos);
}

TEST_CASE("alloc cli: a workload's report, its trace written as text and its heap map") {
    ScratchDir dir;
    const auto trace = dir.path / "mlp.alloc";
    const auto svg = dir.path / "heap.svg";
    const CliResult r = runCli("alloc -a best-fit --workload mlp-train --param layers=4,3,2 --param batch=2 "
                               "--write-trace " + trace.string() + " --plot " + svg.string());
    REQUIRE(r.status == 0);
    // The hand-worked peak of tests/alloc/workload_test.cpp, and the 12 persistent tensors.
    CHECK(r.out.find("\npeak live bytes                             428\n") != std::string::npos);
    CHECK(r.out.find("(52 events: 32 alloc, 20 free, 0 realloc)") != std::string::npos);
    CHECK(r.out.find("leaks: 276 bytes in 12 allocation(s) never freed") != std::string::npos);
    CHECK(r.err.rfind("cachescope: mlp-train: loss by step ", 0) == 0);
    const std::string text = readFile(trace);
    CHECK(text.rfind("# workload mlp-train layers=4,3,2 batch=2 steps=1 optimizer=adam seed=1\n"
                     "alloc fc1.weight 48 fc1.weight\n",
                     0) == 0);
    CHECK(countLines(text) == 1 + 52);
    // The written trace replays to the same report.
    const CliResult again = runCli("alloc -a best-fit " + trace.string());
    REQUIRE(again.status == 0);
    CHECK(again.out.substr(again.out.find("\n\n")) == r.out.substr(r.out.find("\n\n")));
    const std::string picture = readFile(svg);
    CHECK(xmlError(picture, "svg") == "");
    CHECK(countOf(picture, "<rect class=\"block\"") == 32);
}

TEST_CASE("alloc compare cli: a workload, one heap-map panel per allocator") {
    ScratchDir dir;
    const auto svg = dir.path / "heaps.svg";
    const CliResult r =
        runCli("alloc compare --workload transformer-decode --param tokens=4 --param growth=paged --plot " + svg.string());
    REQUIRE(r.status == 0);
    CHECK(r.out.find("trace: workload transformer-decode tokens=4 ") != std::string::npos);
    const std::string picture = readFile(svg);
    CHECK(xmlError(picture, "svg") == "");
    const auto& all = cachescope::alloc::allocators();  // every allocator of the registry has its panel
    CHECK(countOf(picture, "class=\"panel\"") == all.size());
    for (const auto& a : all) CHECK_MESSAGE(picture.find(">" + a.name + "<") != std::string::npos, a.name);
}

TEST_CASE("alloc cli: workload mistakes are one error line and exit status 1, no file left") {
    ScratchDir dir;
    const auto out = dir.path / "t.alloc";
    const CliResult both = runCli("alloc --workload mlp-train traces/textbook-placement.alloc");
    CHECK(both.status == 1);
    CHECK(both.err.find("not both") != std::string::npos);
    const CliResult param = runCli("alloc --param batch=2 traces/textbook-placement.alloc");
    CHECK(param.status == 1);
    CHECK(param.err.find("--param sets a workload's parameters; it needs --workload NAME") != std::string::npos);
    const CliResult bad = runCli("alloc --workload mlp-train --param layers=8 --write-trace " + out.string());
    CHECK(bad.status == 1);
    CHECK(bad.err ==
          "cachescope: error: workload mlp-train: --param layers=8: expected at least two sizes (inputs, ..., "
          "classes), e.g. 784,256,10\n");
    CHECK(!std::filesystem::exists(out));
}
