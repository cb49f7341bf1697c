// Tests of traceProgram: the real valgrind on tests/helpers/touch_array.c, and small shell scripts
// standing in for valgrind where the test needs exact control of what "Lackey" prints.

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/valgrind.hpp"
#include "trace/trace_test_util.hpp"

using namespace cachescope;

namespace {

/// Collects every access it is given.
class CollectingWriter : public TraceWriter {
public:
    void write(std::span<const Access> block) override {
        accesses.insert(accesses.end(), block.begin(), block.end());
        ++blocks;
    }
    void finish() override { finished = true; }
    std::vector<Access> accesses;
    int blocks = 0;
    bool finished = false;
};

/// Fails on the first block, as a writer on a full disk would.
class FailingWriter : public TraceWriter {
public:
    void write(std::span<const Access>) override { throw IoError("disk full"); }
    void finish() override {}
};

std::size_t openFdCount() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

/// True if no child of this process has exited without being reaped.
bool noZombie() {
    int status = 0;
    return ::waitpid(-1, &status, WNOHANG) <= 0;
}

/// A fake valgrind: a shell script that records its arguments in `<dir>/args`, writes `log` to the
/// descriptor named by --log-fd= (its third argument) and ends with `ending` (e.g. "exit 7").
std::string fakeValgrind(const testing::TempDir& dir, const std::string& log, const std::string& ending) {
    const std::string logFile = dir.write("log.txt", log);
    const std::string args = (dir.path() / "args").string();
    const std::string script = dir.write("fake-valgrind", "#!/bin/sh\n"
                                                          "printf '%s\\n' \"$@\" > '" + args + "'\n"
                                                          "fd=${3#--log-fd=}\n"
                                                          "cat '" + logFile + "' > /dev/fd/$fd\n" +
                                                          ending + "\n");
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    return script;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Index in `accesses` of the first of `count` consecutive (among accesses of `kind` and `size`)
/// accesses at addresses 4 bytes apart, searching from `from`; accesses.size() if none.
std::size_t findRun(const std::vector<Access>& accesses, AccessKind kind, std::size_t from, std::size_t count) {
    std::size_t runStart = accesses.size(), runLength = 0;
    std::uint64_t expected = 0;
    for (std::size_t i = from; i < accesses.size(); ++i) {
        const Access& a = accesses[i];
        if (a.kind != kind || a.size != 4) continue;
        if (runLength != 0 && a.address == expected) {
            ++runLength;
        } else {
            runStart = i;
            runLength = 1;
        }
        expected = a.address + 4;
        if (runLength == count) return runStart;
    }
    return accesses.size();
}

}  // namespace

TEST_CASE("valgrind: tracing touch_array gives its 1000 stores then its 1000 loads") {
    const std::size_t fdsBefore = openFdCount();
    CollectingWriter writer;
    const ProgramTraceResult r = traceProgram({CACHESCOPE_TOUCH_ARRAY_PATH}, writer);
    CHECK(r.exitStatus == 0);
    CHECK(r.accesses == writer.accesses.size());
    CHECK_FALSE(writer.finished);  // finishing the file is the caller's business
    CHECK(openFdCount() == fdsBefore);
    CHECK(noZombie());

    // The store loop: 1000 consecutive 4-byte stores at increasing addresses 4 apart.
    const auto& all = writer.accesses;
    const std::size_t storeRun = findRun(all, AccessKind::Write, 0, 1000);
    REQUIRE(storeRun < all.size());
    const std::uint64_t base = all[storeRun].address;
    std::uint64_t storesInArray = 0;
    for (const Access& a : all)
        if (a.kind == AccessKind::Write && a.size == 4 && a.address - base < 4000) ++storesInArray;
    CHECK(storesInArray >= 1000);

    // Then the load loop: the same 1000 addresses, in order, after the stores.
    std::vector<std::uint64_t> loads;
    for (std::size_t i = storeRun; i < all.size(); ++i)
        if (all[i].kind == AccessKind::Read && all[i].address - base < 4000) loads.push_back(all[i].address);
    REQUIRE(loads.size() == 1000);
    for (std::size_t k = 0; k < loads.size(); ++k) {
        if (loads[k] != base + 4 * k) {
            FAIL("load " << k << " is at 0x" << std::hex << loads[k] << ", expected 0x" << base + 4 * k);
            break;
        }
    }
    // The program ran for real: instructions were fetched too.
    std::uint64_t fetches = 0;
    for (const Access& a : all) fetches += a.kind == AccessKind::Fetch ? 1 : 0;
    CHECK(fetches > 2000);
}

TEST_CASE("valgrind: the program's exit status passes through") {
    CollectingWriter writer;
    const ProgramTraceResult r = traceProgram({CACHESCOPE_TOUCH_ARRAY_PATH, "3"}, writer);
    CHECK(r.exitStatus == 3);
    CHECK(r.accesses > 2000);
    CHECK(noZombie());
}

TEST_CASE("valgrind: a missing program is an IoError naming it") {
    const std::size_t fdsBefore = openFdCount();
    CollectingWriter writer;
    CHECK_THROWS_WITH_AS(traceProgram({"/nonexistent-dir/no-such-program"}, writer),
                         "cannot trace '/nonexistent-dir/no-such-program': no such file", IoError);
    CHECK_THROWS_WITH_AS(traceProgram({"cachescope-no-such-program-xyz", "a"}, writer),
                         "cannot trace 'cachescope-no-such-program-xyz': command not found on PATH", IoError);
    CHECK_THROWS_WITH_AS(traceProgram({"/"}, writer), "cannot trace '/': it is a directory", IoError);
    CHECK_THROWS_AS(traceProgram({}, writer), UsageError);
    CHECK(writer.accesses.empty());
    CHECK(openFdCount() == fdsBefore);
}

TEST_CASE("valgrind: valgrind missing is an IoError that says how to install it") {
    const std::size_t fdsBefore = openFdCount();
    CollectingWriter writer;
    CHECK_THROWS_WITH_AS(traceProgram({"true"}, writer, "cachescope-no-such-valgrind"),
                         "cannot run cachescope-no-such-valgrind: not found on PATH; install it with: "
                         "sudo apt-get install valgrind",
                         IoError);
    CHECK_THROWS_WITH_AS(traceProgram({"true"}, writer, "/nonexistent-dir/valgrind"),
                         "cannot run valgrind '/nonexistent-dir/valgrind': no such file; install Debian's "
                         "valgrind with: sudo apt-get install valgrind",
                         IoError);
    CHECK(openFdCount() == fdsBefore);
    CHECK(noZombie());
}

TEST_CASE("valgrind: the command line, Lackey parsing and the exit status, with a fake valgrind") {
    testing::TempDir dir;
    const std::string fake = fakeValgrind(dir,
                                          "==42== Lackey, an example Valgrind tool\n"
                                          "I  0400a000,3\n"
                                          " L 1ffefff8a0,8\n"
                                          " S 0804a010,4\n"
                                          " M 0804a010,4\n"
                                          "==42== Exit code:       7",
                                          "exit 7");
    const std::size_t fdsBefore = openFdCount();
    CollectingWriter writer;
    const ProgramTraceResult r = traceProgram({"true", "x y", "--flag"}, writer, fake);
    CHECK(r.exitStatus == 7);
    CHECK(r.accesses == 5);  // I, L, S, and M = a load then a store
    const std::vector<Access> expected{{0x400a000, 3, AccessKind::Fetch, 0},
                                       {0x1ffefff8a0, 8, AccessKind::Read, 0},
                                       {0x804a010, 4, AccessKind::Write, 0},
                                       {0x804a010, 4, AccessKind::Read, 0},
                                       {0x804a010, 4, AccessKind::Write, 0}};
    CHECK(writer.accesses == expected);
    CHECK(openFdCount() == fdsBefore);
    CHECK(noZombie());

    // The arguments valgrind got: the tool options, the pipe's descriptor, then the program's argv.
    std::istringstream args(readFile(dir.path() / "args"));
    std::vector<std::string> lines;
    for (std::string line; std::getline(args, line);) lines.push_back(line);
    REQUIRE(lines.size() == 7);
    CHECK(lines[0] == "--tool=lackey");
    CHECK(lines[1] == "--trace-mem=yes");
    CHECK(lines[2].rfind("--log-fd=", 0) == 0);
    CHECK(std::stoi(lines[2].substr(9)) > 2);  // a pipe, not one of the program's own streams
    CHECK(lines[3] == "--");
    CHECK(lines[4] == "true");
    CHECK(lines[5] == "x y");
    CHECK(lines[6] == "--flag");
}

TEST_CASE("valgrind: unparsable output is a TraceError, valgrind failing before any access an IoError") {
    const std::size_t fdsBefore = openFdCount();
    {
        testing::TempDir dir;
        const std::string fake = fakeValgrind(dir, " L 1000,4\n L zz,4\n", "exit 0");
        CollectingWriter writer;
        CHECK_THROWS_AS(traceProgram({"true"}, writer, fake), TraceError);
    }
    {
        testing::TempDir dir;
        const std::string fake = fakeValgrind(dir, "==1== valgrind: cannot start\n", "exit 1");
        CollectingWriter writer;
        CHECK_THROWS_WITH_AS(traceProgram({"true"}, writer, fake),
                             "valgrind could not run 'true' (exit status 1; see valgrind's message above)", IoError);
    }
    CHECK(openFdCount() == fdsBefore);
    CHECK(noZombie());
}

TEST_CASE("valgrind: a program killed by a signal gives 128 + the signal number") {
    testing::TempDir dir;
    const std::string fake = fakeValgrind(dir, " S 2000,4\n", "kill -TERM $$");  // SIGTERM = 15
    CollectingWriter writer;
    const ProgramTraceResult r = traceProgram({"true"}, writer, fake);
    CHECK(r.exitStatus == 128 + 15);
    CHECK(r.accesses == 1);
    CHECK(noZombie());
}

TEST_CASE("valgrind: a writer failing half-way stops valgrind and leaves no zombie or descriptor") {
    const std::size_t fdsBefore = openFdCount();
    FailingWriter writer;
    CHECK_THROWS_WITH_AS(traceProgram({CACHESCOPE_TOUCH_ARRAY_PATH}, writer), "disk full", IoError);
    CHECK(openFdCount() == fdsBefore);
    CHECK(noZombie());
}
