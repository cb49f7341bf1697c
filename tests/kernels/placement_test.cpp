// run --placement: a kernel's tensors placed where a simulated allocator would put them
// (KernelParams::placement, Layout::Options::place; docs/alloc.md "Placing a kernel's tensors").

#include <doctest/doctest.h>

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "cachescope/core/error.hpp"
#include "cachescope/session/session.hpp"
#include "cli/cli_run.hpp"

using namespace cachescope;
using namespace cachescope::testing;

namespace {

/// Base address of every region of matmul n=48 (9,216-byte float matrices) under `placement`.
std::map<std::string, std::uint64_t> matmulBases(const std::string& placement, const std::string& align) {
    SourceSpec spec = SourceSpec::kernelRun("matmul", {"n=48", "align=" + align});
    spec.placement = placement;
    const std::unique_ptr<TraceReader> trace = openSource(spec);
    std::map<std::string, std::uint64_t> bases;
    for (const Region& r : trace->metadata()->regions) bases[r.name] = r.base - 0x10000000;
    return bases;
}

/// The per-level counts of `cachescope run --json ARGS` (the source's description left out).
nlohmann::json levels(const std::string& args) {
    const CliResult r = runCli("run " + args + " --json");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    return nlohmann::json::parse(r.out).at("levels");
}

}  // namespace

TEST_CASE("placement: tensor addresses by hand for the default layout, first fit and buddy") {
    // 48 * 48 * 4 = 9,216 B per matrix, allocated A, B, C in that order, never freed.
    // Default, align 4096: each at the next multiple of 4096 after the previous: 0, 12288, 24576.
    CHECK(matmulBases("", "4096") == std::map<std::string, std::uint64_t>{{"A", 0}, {"B", 12288}, {"C", 24576}});
    // First fit on a fresh heap, align 16 (malloc-like): packed, 0, 9216, 18432 (9216 is a multiple of 16).
    CHECK(matmulBases("first-fit", "16") == std::map<std::string, std::uint64_t>{{"A", 0}, {"B", 9216}, {"C", 18432}});
    // Nothing is freed, so first fit equals the default layout at the same alignment.
    CHECK(matmulBases("first-fit", "16") == matmulBases("", "16"));
    CHECK(matmulBases("best-fit", "4096") == matmulBases("", "4096"));
    // Buddy: each 9,216 B request takes a 16 KiB block; blocks are handed out at 0, 16384, 32768.
    CHECK(matmulBases("buddy", "16") == std::map<std::string, std::uint64_t>{{"A", 0}, {"B", 16384}, {"C", 32768}});
}

TEST_CASE("placement: a run under buddy placement equals the default layout at buddy's addresses") {
    // 16 KiB direct-mapped L1: buddy's 16 KiB-aligned A, B, C all map A[i], B[i], C[i] to one set.
    ScratchDir dir;
    writeFile(dir.path / "dm.json", R"({"caches": [{"name": "L1", "size": "16KiB", "associativity": 1}]})");
    const std::string config = "--config '" + (dir.path / "dm.json").string() + "' --kernel matmul --param n=48 ";
    const nlohmann::json buddy = levels(config + "--placement buddy --param align=16");
    CHECK(buddy == levels(config + "--param align=16384"));  // the same addresses, placed by hand
    const nlohmann::json firstFit = levels(config + "--placement first-fit --param align=16");
    CHECK(firstFit == levels(config + "--param align=16"));
    // What a student sees: buddy's power-of-two placement makes the tensors collide in the cache.
    CHECK(buddy.at(0).at("misses").get<std::uint64_t>() > firstFit.at(0).at("misses").get<std::uint64_t>());
}

TEST_CASE("placement: an unknown allocator or a placement without a kernel is one clear message") {
    CliResult r = runCli("run -c configs/teaching.json --kernel matmul --placement nope");
    CHECK(r.status == 1);
    CHECK(r.err.find("nope") != std::string::npos);
    CHECK(r.err.find("buddy") != std::string::npos);  // the valid names are listed
    r = runCli("run -c configs/teaching.json --kernel matmul --placement planned");
    CHECK(r.status == 1);
    CHECK(r.err.find("--placement planned: a static plan needs every tensor's lifetime") != std::string::npos);
    r = runCli("run -c configs/teaching.json --placement buddy traces/sequential.trace");
    CHECK(r.status == 1);
    CHECK(r.err.find("--placement buddy needs --kernel") != std::string::npos);
    // trace record takes it too, and the recorded source names it.
    ScratchDir dir;
    r = runCli("trace record --kernel matmul --param n=8 --placement buddy -o '" + (dir.path / "m.bin").string() + "'");
    CHECK(r.status == 0);
    CHECK(r.err.find("placement=buddy") != std::string::npos);
}
