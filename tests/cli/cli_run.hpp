#pragma once
// Runs the built `cachescope` binary (CACHESCOPE_CLI_PATH) from the repository root, the way a
// user would, and captures its exit status, standard output and standard error.
//
//   CliResult r = runCli("run --config configs/default.json traces/sequential.trace");
//   CHECK(r.status == 0);

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cachescope::testing {

struct CliResult {
    int status = -1;  // exit status; -1 if the process did not exit normally (e.g. a crash)
    std::string out;
    std::string err;
};

/// A fresh, empty scratch directory removed at the end of the scope.
struct ScratchDir {
    std::filesystem::path path;
    ScratchDir() {
        static int counter = 0;
        path = std::filesystem::temp_directory_path() /
               ("cachescope-cli-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
};

inline std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

inline void writeFile(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

/// Runs a shell `command` and reads back the files it wrote its standard output and error to.
inline CliResult runShell(const std::string& command, const std::filesystem::path& out,
                          const std::filesystem::path& err) {
    const int raw = std::system(command.c_str());
    CliResult r;
    if (raw != -1 && WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
    r.out = readFile(out);
    r.err = readFile(err);
    return r;
}

/// Runs `cachescope <args>` with the repository root as working directory. `args` is passed to the
/// shell as is (quote paths that need it). `input`, if given, is fed to standard input.
inline CliResult runCli(const std::string& args, const std::string* input = nullptr) {
    ScratchDir scratch;
    const auto out = scratch.path / "stdout";
    const auto err = scratch.path / "stderr";
    std::string command = "cd '" CACHESCOPE_SOURCE_DIR "' && '" CACHESCOPE_CLI_PATH "' " + args;
    if (input != nullptr) {
        writeFile(scratch.path / "stdin", *input);
        command += " <'" + (scratch.path / "stdin").string() + "'";
    } else {
        command += " </dev/null";
    }
    command += " >'" + out.string() + "' 2>'" + err.string() + "'";
    return runShell(command, out, err);
}

inline std::size_t countLines(const std::string& text) {
    std::size_t n = 0;
    for (const char c : text) n += c == '\n';
    return n;
}

}  // namespace cachescope::testing
