// Tracing a real program under Valgrind Lackey, streaming through a pipe:
//
//   parent                                   child (posix_spawnp)
//   pipe(r, w), both close-on-exec
//   spawn  ──────────────────────────────►   valgrind --tool=lackey --trace-mem=yes --log-fd=w -- prog args
//   close(w)                                 (w kept open across exec, r closed; stdin/out/err shared)
//   read r as a Lackey trace ◄──────────────  " L 1ffefff8a0,8" ... (and "==pid==" lines, skipped)
//   writer.write(block) ...
//   EOF (valgrind exited) → waitpid → exit status
//
// If anything throws half-way (a parse error, a failing writer), the guard kills valgrind (and so
// the program, which runs inside it) and reaps it: no zombie, no open descriptor is left behind.

#include "cachescope/trace/valgrind.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <istream>
#include <memory>
#include <span>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/reader.hpp"

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace cachescope {

namespace {

/// Owns one file descriptor.
class UniqueFd {
public:
    explicit UniqueFd(int fd = -1) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

/// An input stream buffer over a file descriptor (here the read end of the pipe). A read error
/// ends the stream and is remembered in error().
class FdStreamBuf : public std::streambuf {
public:
    explicit FdStreamBuf(int fd) : fd_(fd) {}
    int error() const { return error_; }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        const std::size_t n = readSome(buf_.data(), buf_.size());
        if (n == 0) return traits_type::eof();
        setg(buf_.data(), buf_.data(), buf_.data() + n);
        return traits_type::to_int_type(*gptr());
    }

    /// Large reads go straight into the caller's buffer once the internal one is drained.
    std::streamsize xsgetn(char* s, std::streamsize count) override {
        std::streamsize done = 0;
        while (done < count) {
            const std::streamsize buffered = egptr() - gptr();
            if (buffered > 0) {
                const std::streamsize take = std::min(buffered, count - done);
                std::memcpy(s + done, gptr(), static_cast<std::size_t>(take));
                gbump(static_cast<int>(take));
                done += take;
                continue;
            }
            const std::size_t n = readSome(s + done, static_cast<std::size_t>(count - done));
            if (n == 0) break;
            done += static_cast<std::streamsize>(n);
        }
        return done;
    }

private:
    std::size_t readSome(char* into, std::size_t size) {
        for (;;) {
            const ssize_t n = ::read(fd_, into, size);
            if (n >= 0) return static_cast<std::size_t>(n);
            if (errno == EINTR) continue;
            error_ = errno;
            return 0;
        }
    }

    int fd_;
    int error_ = 0;
    std::array<char, 64 * 1024> buf_{};
};

/// An istream that owns its FdStreamBuf (the fd itself stays owned by a UniqueFd).
class FdInputStream : public std::istream {
public:
    explicit FdInputStream(int fd) : std::istream(nullptr), buf_(fd) { init(&buf_); }
    const FdStreamBuf& buffer() const { return buf_; }

private:
    FdStreamBuf buf_;
};

/// A spawned process that is killed and reaped unless wait() reaped it first.
class ChildGuard {
public:
    explicit ChildGuard(pid_t pid) : pid_(pid) {}
    ~ChildGuard() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    ChildGuard(const ChildGuard&) = delete;
    ChildGuard& operator=(const ChildGuard&) = delete;

    /// Waits for the process; returns its exit status, or 128 + signal if a signal ended it.
    int wait() {
        int status = 0;
        pid_t got = -1;
        while ((got = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
        }
        if (got < 0) throw IoError(std::string("cannot wait for valgrind: ") + std::strerror(errno));
        pid_ = -1;
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
        return 128;
    }

private:
    pid_t pid_;
};

/// posix_spawn's file actions, destroyed on every path.
class FileActions {
public:
    FileActions() {
        if (const int err = ::posix_spawn_file_actions_init(&actions_); err != 0)
            throw IoError(std::string("cannot run valgrind: ") + std::strerror(err));
    }
    ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
    posix_spawn_file_actions_t* get() { return &actions_; }

private:
    posix_spawn_file_actions_t actions_{};
};

bool isExecutableFile(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

/// Checks that `program` can be run, as a shell would find it: a name with a '/' is a path, any
/// other name is looked up in PATH. Throws IoError naming the program otherwise.
void checkProgram(const std::string& program) {
    if (program.empty()) throw UsageError("cannot trace a program: the program name is empty");
    if (program.find('/') != std::string::npos) {
        if (isExecutableFile(program)) return;
        struct stat st {};
        const bool exists = ::stat(program.c_str(), &st) == 0;
        throw IoError("cannot trace '" + program + "': " +
                      (!exists              ? "no such file"
                       : S_ISDIR(st.st_mode) ? "it is a directory"
                                             : "not an executable file"));
    }
    const char* env = std::getenv("PATH");
    const std::string path = env != nullptr ? env : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    for (;;) {
        const std::size_t colon = path.find(':', start);
        const std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        if (isExecutableFile((dir.empty() ? std::string(".") : dir) + "/" + program)) return;
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    throw IoError("cannot trace '" + program + "': command not found on PATH");
}

}  // namespace

ProgramTraceResult traceProgram(const std::vector<std::string>& argv, TraceWriter& writer,
                                const std::string& valgrind) {
    if (argv.empty()) throw UsageError("cannot trace a program: no program given");
    checkProgram(argv[0]);

    std::array<int, 2> fds{-1, -1};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0)
        throw IoError(std::string("cannot run valgrind: cannot create a pipe: ") + std::strerror(errno));
    UniqueFd readEnd(fds[0]);
    UniqueFd writeEnd(fds[1]);

    std::vector<std::string> args{valgrind, "--tool=lackey", "--trace-mem=yes",
                                  "--log-fd=" + std::to_string(writeEnd.get()), "--"};
    args.insert(args.end(), argv.begin(), argv.end());
    std::vector<char*> cargs;
    cargs.reserve(args.size() + 1);
    for (std::string& a : args) cargs.push_back(a.data());
    cargs.push_back(nullptr);

    FileActions actions;
    // dup2 onto itself clears close-on-exec (POSIX.1-2024, glibc >= 2.29): only the child keeps
    // the write end open across exec. The read end is closed in the child.
    if (::posix_spawn_file_actions_adddup2(actions.get(), writeEnd.get(), writeEnd.get()) != 0 ||
        ::posix_spawn_file_actions_addclose(actions.get(), readEnd.get()) != 0)
        throw IoError("cannot run valgrind: cannot set up its file descriptors");

    pid_t pid = -1;
    const int err = ::posix_spawnp(&pid, valgrind.c_str(), actions.get(), nullptr, cargs.data(), environ);
    if (err == ENOENT) {
        if (valgrind.find('/') == std::string::npos)
            throw IoError("cannot run " + valgrind +
                          ": not found on PATH; install it with: sudo apt-get install valgrind");
        throw IoError("cannot run valgrind '" + valgrind +
                      "': no such file; install Debian's valgrind with: sudo apt-get install valgrind");
    }
    if (err != 0) throw IoError("cannot run valgrind '" + valgrind + "': " + std::strerror(err));
    ChildGuard child(pid);
    writeEnd.reset();  // else the pipe never reports end of file

    const std::string name = "valgrind output for '" + argv[0] + "'";
    auto stream = std::make_unique<FdInputStream>(readEnd.get());
    const FdInputStream* streamView = stream.get();
    const auto reader = openTrace(std::move(stream), name, TraceFormat::Lackey);

    ProgramTraceResult result;
    std::vector<Access> block(4096);
    for (std::size_t n = reader->read(block); n != 0; n = reader->read(block)) {
        writer.write(std::span<const Access>(block.data(), n));
        result.accesses += n;
    }
    if (const int readError = streamView->buffer().error(); readError != 0)
        throw IoError("cannot read the " + name + ": " + std::strerror(readError));

    result.exitStatus = child.wait();
    if (result.accesses == 0 && result.exitStatus != 0)
        throw IoError("valgrind could not run '" + argv[0] + "' (exit status " + std::to_string(result.exitStatus) +
                      "; see valgrind's message above)");
    return result;
}

}  // namespace cachescope
