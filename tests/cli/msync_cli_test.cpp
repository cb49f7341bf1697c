// msync events from the command line (docs/mmap.md, "msync"; docs/trace-format.md, "Control
// events"): a binary trace with a file-backed region and two msyncs, run with the decode thread on
// and off, explained, converted, counted by trace info; a malformed msync line stops the run.

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cachescope/trace/binary.hpp"
#include "trace/binary_test_util.hpp"
#include "cli/cli_run.hpp"

namespace cachescope {
namespace {

using testing::readFile;
using testing::runCli;
using testing::ScratchDir;
using testing::writeFile;

// 3 frames of 4 KiB, LRU, no readahead (teaching-paging's shape).
const char* const kConfig = R"({"name": "msync-test", "caches": [{"name": "L1", "size": "1KiB", "associativity": 2}],
  "mmu": {"page_size": "4KiB", "bits_per_level": [10, 10], "pte_size": 4, "physical_memory": 12288,
          "page_replacement": "lru", "readahead": 0},
  "tlbs": [{"entries": 8, "associativity": 2}]})";

}  // namespace

TEST_CASE("msync cli: a trace's msyncs write back from run, explain, info and convert") {
    ScratchDir dir;
    const std::string config = (dir.path / "c.json").string(), bin = (dir.path / "t.bin").string();
    writeFile(config, kConfig);
    writeFile(bin, testing::msyncTrace(3));  // reads evict the file's pages

    const auto on = runCli("run --config '" + config + "' '" + bin + "' --json --decode-thread on");
    const auto off = runCli("run --config '" + config + "' '" + bin + "' --json --decode-thread off");
    INFO(on.err);
    REQUIRE(on.status == 0);
    REQUIRE(off.status == 0);
    CHECK(on.out == off.out);
    const auto j = nlohmann::json::parse(on.out);
    CHECK(j["trace"]["msyncs"] == 2);
    CHECK(j["mmu"]["page_cache"]["msync_writebacks"] == 2);
    CHECK(j["mmu"]["page_cache"]["file_writebacks"] == 1);
    CHECK(j["mmu"]["page_cache"]["storage_bytes_written"] == 12288);

    const auto text = runCli("run --config '" + config + "' '" + bin + "'");
    CHECK(text.out.find("msync events: 2\n") != std::string::npos);
    CHECK(text.out.find("1 on eviction, 2 at msync") != std::string::npos);

    const auto explain = runCli("explain --config '" + config + "' '" + bin + "' --from 2 --count 2");
    REQUIRE(explain.status == 0);
    CHECK(explain.out.find("  then msync 0x10000000 +8,192 B in process 0: 2 dirty file pages written back\n"
                           "  then msync 0x10000000 +8,192 B in process 0: 0 dirty file pages written back\n") !=
          std::string::npos);

    const auto info = runCli("trace info '" + bin + "'");
    CHECK(info.out.find("msync events: 2\n") != std::string::npos);

    const std::string txt = (dir.path / "t.trace").string(), din = (dir.path / "t.din").string();
    const auto toText = runCli("trace convert '" + bin + "' '" + txt + "'");
    REQUIRE(toText.status == 0);
    CHECK(toText.err.find("msync") == std::string::npos);
    CHECK(readFile(txt).find("W 0x10002000 4\nmsync 0x10000000 8192\nmsync 0x10000000 8192\nR 0x20000000 4\n") !=
          std::string::npos);
    const auto toDin = runCli("trace convert '" + bin + "' '" + din + "'");
    REQUIRE(toDin.status == 0);
    CHECK(toDin.err == "cachescope: note: 2 msync events of " + bin +
                           " were left out: the din format holds accesses only (keep it text or binary for the "
                           "msyncs)\n");
    // To the text allocation format: it holds allocation events only (this trace has none), so the
    // msyncs are left out too, said the same way.
    const std::string allocText = (dir.path / "t.alloc").string();
    const auto toAlloc = runCli("trace convert '" + bin + "' '" + allocText + "'");
    REQUIRE(toAlloc.status == 0);
    CHECK(toAlloc.err == "cachescope: note: 2 msync events of " + bin +
                             " were left out: the alloc format holds allocation events only (keep it text or "
                             "binary for the msyncs)\n");
    CHECK(readFile(allocText).find("msync") == std::string::npos);
    const auto toAllocFlag = runCli("trace convert --to alloc '" + bin + "' '" + (dir.path / "u.txt").string() + "'");
    REQUIRE(toAllocFlag.status == 0);
    CHECK(toAllocFlag.err == toAlloc.err);

    // Without an mmu (and without the file region: a text trace has no metadata) they are counted.
    const auto noMmu = runCli("run --config configs/default.json '" + txt + "'");
    REQUIRE(noMmu.status == 0);
    CHECK(noMmu.out.find("msync events: 2 (no file-backed mapping: nothing written back)\n") != std::string::npos);

    // A malformed msync line: one message naming the file and line, a non-zero exit.
    writeFile(txt, "W 0x1000 4\nmsync 0x1000\n");
    const auto bad = runCli("run --config configs/default.json '" + txt + "'");
    CHECK(bad.status != 0);
    CHECK(bad.err.find(txt + ":2: missing msync size: found \"msync 0x1000\"; expected \"msync <hex address>") !=
          std::string::npos);
}

}  // namespace cachescope
