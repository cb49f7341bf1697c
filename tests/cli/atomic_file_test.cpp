// writeFileAtomically: the target appears complete or not at all, and no temporary file remains.

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cachescope/core/atomic_file.hpp"
#include "cachescope/core/error.hpp"

using namespace cachescope;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        static int counter = 0;
        path = fs::temp_directory_path() /
               ("cachescope-atomic-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ignored);
        fs::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::size_t entries() const {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(path)) ++n;
        return n;
    }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

}  // namespace

TEST_CASE("atomic file: writes the content and leaves only the target") {
    TempDir dir;
    const std::string target = (dir.path / "out.json").string();
    writeFileAtomically(target, [](std::ostream& os) { os << "{\"a\": 1}\n"; });
    CHECK(slurp(target) == "{\"a\": 1}\n");
    CHECK(dir.entries() == 1);
    CHECK_FALSE(fs::exists(temporaryPathFor(target)));
}

TEST_CASE("atomic file: replaces an existing file") {
    TempDir dir;
    const std::string target = (dir.path / "out.txt").string();
    { std::ofstream(target) << "old content that is longer\n"; }
    writeFileAtomically(target, [](std::ostream& os) { os << "new\n"; });
    CHECK(slurp(target) == "new\n");
    CHECK(dir.entries() == 1);
}

TEST_CASE("atomic file: temporary name is in the same directory and names the pid") {
    CHECK(temporaryPathFor("dir/out.csv") == "dir/out.csv.tmp." + std::to_string(::getpid()));
}

TEST_CASE("atomic file: an exception in the callback leaves no file and no temporary") {
    TempDir dir;
    const std::string target = (dir.path / "out.txt").string();
    bool sawTempDuringWrite = false;
    CHECK_THROWS_WITH_AS(writeFileAtomically(target,
                                             [&](std::ostream& os) {
                                                 os << "partial";
                                                 sawTempDuringWrite = fs::exists(temporaryPathFor(target));
                                                 throw std::runtime_error("simulated failure");
                                             }),
                         "simulated failure", std::runtime_error);
    CHECK(sawTempDuringWrite);  // the content really was going to a temporary file
    CHECK_FALSE(fs::exists(target));
    CHECK(dir.entries() == 0);
}

TEST_CASE("atomic file: an exception keeps an existing target unchanged") {
    TempDir dir;
    const std::string target = (dir.path / "out.txt").string();
    { std::ofstream(target) << "keep me\n"; }
    CHECK_THROWS_AS(writeFileAtomically(target, [](std::ostream&) { throw IoError("boom"); }), IoError);
    CHECK(slurp(target) == "keep me\n");
    CHECK(dir.entries() == 1);
}

TEST_CASE("atomic file: a missing directory gives IoError naming the path and the reason") {
    TempDir dir;
    const std::string target = (dir.path / "no-such-dir" / "out.txt").string();
    try {
        writeFileAtomically(target, [](std::ostream& os) { os << "x"; });
        FAIL("expected IoError");
    } catch (const IoError& e) {
        const std::string msg = e.what();
        CHECK(msg.find(target) != std::string::npos);
        CHECK(msg == "cannot write '" + target + "': the directory '" + (dir.path / "no-such-dir").string() +
                         "' does not exist");
    }
    CHECK(dir.entries() == 0);
}

TEST_CASE("atomic file: a parent that is not a directory gives IoError naming the path") {
    // Unlike a read-only directory, this cannot be written even by root (tests run as root here).
    TempDir dir;
    const fs::path file = dir.path / "plain";
    { std::ofstream(file) << "x"; }
    const std::string target = (file / "out.txt").string();
    try {
        writeFileAtomically(target, [](std::ostream& os) { os << "x"; });
        FAIL("expected IoError");
    } catch (const IoError& e) {
        const std::string msg = e.what();
        CHECK(msg.find(target) != std::string::npos);
        CHECK(msg == "cannot write '" + target + "': '" + file.string() + "' is not a directory");
    }
    CHECK(dir.entries() == 1);
}

TEST_CASE("atomic file: a target that is a directory fails at the rename and cleans up") {
    TempDir dir;
    const fs::path target = dir.path / "adir";
    fs::create_directories(target / "child");  // a non-empty directory cannot be replaced by a file
    CHECK_THROWS_AS(writeFileAtomically(target.string(), [](std::ostream& os) { os << "x"; }), IoError);
    CHECK(fs::is_directory(target));
    CHECK(dir.entries() == 1);
}

TEST_CASE("atomic file: checkWritable names the real reason before anything is written") {
    TempDir dir;
    const std::string slash = (dir.path / "out").string() + "/";
    fs::create_directories(dir.path / "out");
    try {
        checkWritable(slash);
        FAIL("expected IoError");
    } catch (const IoError& e) {
        CHECK(std::string(e.what()) ==
              "cannot write '" + slash + "': the path ends in '/', so it names a directory; give a file name");
    }
    // Also when the directory does not exist yet: a trailing '/' never names a file.
    CHECK_THROWS_WITH_AS(checkWritable((dir.path / "missing").string() + "/"),
                         doctest::Contains("the path ends in '/'"), IoError);
    try {
        checkWritable((dir.path / "out").string());
        FAIL("expected IoError");
    } catch (const IoError& e) {
        CHECK(std::string(e.what()) == "cannot write '" + (dir.path / "out").string() + "': it is a directory; give a file name");
    }
    // writeFileAtomically says the same (it used to say "Not a directory" from the rename).
    CHECK_THROWS_WITH_AS(writeFileAtomically(slash, [](std::ostream& os) { os << "x"; }),
                         doctest::Contains("ends in '/'"), IoError);
    CHECK_NOTHROW(checkWritable((dir.path / "new.txt").string()));
    CHECK_NOTHROW(checkWritable("relative-name-in-cwd.txt"));
    CHECK(dir.entries() == 1);  // only "out": checking created nothing
}
