// `run --threads N` end to end (the built binary, from the repository root): every number of the
// report equals the one-thread run's, and configs that cannot split say why and run on one thread.

#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli_run.hpp"

using namespace cachescope::testing;

TEST_CASE("cli run --threads: the report of 2 and 4 shards equals the one-thread report") {
    // default.json (L1I, L1D, L2, L3, LRU, 64 B lines) on a kernel trace with regions and sites:
    // levels, memory, flush, regions, sites, cycles all compared.
    const CliResult one = runCli("run -c configs/default.json --json --flush traces/matmul-ijk.bin");
    REQUIRE(one.status == 0);
    const nlohmann::json expected = nlohmann::json::parse(one.out);
    CHECK(expected.contains("sites"));
    for (const char* n : {"2", "4"}) {
        const CliResult r = runCli(std::string("run -c configs/default.json --json --flush --threads ") + n +
                                   " traces/matmul-ijk.bin");
        REQUIRE(r.status == 0);
        CHECK(r.err.empty());
        nlohmann::json report = nlohmann::json::parse(r.out);
        CHECK(report["threads"] == nlohmann::json{{"requested", std::stoi(n)}, {"shards", std::stoi(n)}});
        report.erase("threads");
        CHECK(report == expected);
    }
    const CliResult text = runCli("run -c configs/default.json --threads 3 traces/strided.trace");
    REQUIRE(text.status == 0);
    CHECK(text.out.find("threads: 3 requested, 2 shards simulated in parallel: shards come in powers of two\n") !=
          std::string::npos);
    CHECK(text.err == "cachescope: note: --threads 3: 2 shards: shards come in powers of two\n");
}

TEST_CASE("cli run --threads: an mmu, or --classify, runs on one thread with a note") {
    const CliResult r = runCli("run -c configs/skylake-client.json --json --threads 2 traces/matmul-ijk.bin");
    REQUIRE(r.status == 0);
    CHECK(r.err ==
          "cachescope: note: --threads 2: running on one thread: the config has an mmu: the TLBs, page walks and "
          "page replacement serve every set\n");
    const nlohmann::json report = nlohmann::json::parse(r.out);
    CHECK(report["threads"]["shards"] == 1);
    CHECK(report["threads"]["note"] ==
          "the config has an mmu: the TLBs, page walks and page replacement serve every set");

    const CliResult c = runCli("run -c configs/teaching.json --classify --threads 2 traces/thrash-one-set.trace");
    REQUIRE(c.status == 0);
    CHECK(c.err.find("running on one thread: --classify") != std::string::npos);
    CHECK(c.out.find("miss classes (3C)") != std::string::npos);
}
