#include "cachescope/preload/record.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "cachescope/core/error.hpp"

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace cachescope {

namespace {

constexpr const char* kLibraryName = "libcachescope_alloc_recorder.so";

/// The descriptors, the spawn file actions and the child: closed, destroyed, killed and reaped on
/// every path out, so an error half-way leaves nothing behind.
struct Launch {
    int readEnd = -1, writeEnd = -1;
    posix_spawn_file_actions_t actions{};
    bool actionsMade = false;
    pid_t pid = -1;

    ~Launch() {
        if (readEnd >= 0) ::close(readEnd);
        if (writeEnd >= 0) ::close(writeEnd);
        if (actionsMade) ::posix_spawn_file_actions_destroy(&actions);
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            int status = 0;
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
        }
    }
};

}  // namespace

std::string recorderLibrary() {
    if (const char* env = std::getenv("CACHESCOPE_ALLOC_RECORDER"); env != nullptr && *env != '\0') {
        if (!std::filesystem::is_regular_file(env))
            throw IoError(std::string("cannot find the allocation recorder '") + env +
                          "' (named by CACHESCOPE_ALLOC_RECORDER)");
        return env;
    }
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::filesystem::path lib = self.parent_path() / kLibraryName;
    if (ec || !std::filesystem::is_regular_file(lib))
        throw IoError(std::string("cannot find the allocation recorder ") + kLibraryName +
                      " next to cachescope (build the target cachescope_alloc_recorder, or name it with "
                      "CACHESCOPE_ALLOC_RECORDER)");
    return lib.string();
}

AllocRecording recordAllocations(const std::vector<std::string>& argv, const std::string& library) {
    if (argv.empty() || argv[0].empty()) throw UsageError("cannot record a program: no program given");
    Launch launch;
    std::array<int, 2> fds{-1, -1};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0)
        throw IoError(std::string("cannot record allocations: cannot create a pipe: ") + std::strerror(errno));
    launch.readEnd = fds[0];
    launch.writeEnd = fds[1];

    // The environment: ours, with LD_PRELOAD (the recorder first) and CACHESCOPE_ALLOC_FD.
    std::vector<std::string> env;
    std::string preload = "LD_PRELOAD=" + std::filesystem::absolute(library).string();
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        if (entry.rfind("LD_PRELOAD=", 0) == 0)
            preload += " " + entry.substr(11);
        else if (entry.rfind("CACHESCOPE_ALLOC_FD=", 0) != 0)
            env.push_back(entry);
    }
    env.push_back(preload);
    env.push_back("CACHESCOPE_ALLOC_FD=" + std::to_string(launch.writeEnd));
    std::vector<char*> cenv, cargs;
    for (std::string& e : env) cenv.push_back(e.data());
    cenv.push_back(nullptr);
    std::vector<std::string> args = argv;
    for (std::string& a : args) cargs.push_back(a.data());
    cargs.push_back(nullptr);

    if (::posix_spawn_file_actions_init(&launch.actions) != 0)
        throw IoError("cannot record allocations: cannot set up the program's file descriptors");
    launch.actionsMade = true;
    // dup2 onto itself clears close-on-exec (POSIX.1-2024, glibc >= 2.29): only the child keeps
    // the write end across exec; the read end is closed in the child.
    if (::posix_spawn_file_actions_adddup2(&launch.actions, launch.writeEnd, launch.writeEnd) != 0 ||
        ::posix_spawn_file_actions_addclose(&launch.actions, launch.readEnd) != 0)
        throw IoError("cannot record allocations: cannot set up the program's file descriptors");
    const int err = ::posix_spawnp(&launch.pid, args[0].c_str(), &launch.actions, nullptr, cargs.data(), cenv.data());
    if (err != 0) {
        launch.pid = -1;
        throw IoError("cannot run '" + argv[0] + "': " +
                      (err == ENOENT ? std::string(argv[0].find('/') == std::string::npos ? "command not found on PATH"
                                                                                           : "no such file")
                                     : std::string(std::strerror(err))));
    }
    ::close(launch.writeEnd);  // else the pipe never reports end of file
    launch.writeEnd = -1;

    AllocRecording result;
    std::array<char, 64 * 1024> buf{};
    for (;;) {
        const ssize_t n = ::read(launch.readEnd, buf.data(), buf.size());
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            throw IoError(std::string("cannot read the allocations of '") + argv[0] + "': " + std::strerror(errno));
        }
        result.trace.append(buf.data(), static_cast<std::size_t>(n));
    }
    int status = 0;
    pid_t got = -1;
    while ((got = ::waitpid(launch.pid, &status, 0)) < 0 && errno == EINTR) {
    }
    if (got < 0) throw IoError("cannot wait for '" + argv[0] + "': " + std::strerror(errno));
    launch.pid = -1;
    result.exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 128;
    return result;
}

}  // namespace cachescope
