#include "cachescope/core/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "cachescope/core/error.hpp"

namespace cachescope {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& reason) {
    throw IoError("cannot write '" + path + "': " + reason);
}

std::string errnoReason(int err) { return err != 0 ? std::strerror(err) : "unknown I/O error"; }

void removeQuietly(const std::string& path) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
}

}  // namespace

void checkWritable(const std::string& path) {
    if (path.empty()) fail(path, "the path is empty");
    if (path.back() == '/') fail(path, "the path ends in '/', so it names a directory; give a file name");
    const std::filesystem::path target(path);
    std::error_code ec;
    if (std::filesystem::is_directory(target, ec)) fail(path, "it is a directory; give a file name");
    const std::filesystem::path parent = target.has_parent_path() ? target.parent_path() : ".";
    const std::filesystem::file_status status = std::filesystem::status(parent, ec);
    if (!std::filesystem::exists(status))
        fail(path, "the directory '" + parent.string() + "' does not exist");
    if (!std::filesystem::is_directory(status)) fail(path, "'" + parent.string() + "' is not a directory");
    errno = 0;
    if (::access(parent.c_str(), W_OK | X_OK) != 0)
        fail(path, "cannot create files in '" + parent.string() + "': " + errnoReason(errno));
}

std::string temporaryPathFor(const std::string& path) {
    return path + ".tmp." + std::to_string(static_cast<long long>(::getpid()));
}

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    checkWritable(path);
    const std::string temp = temporaryPathFor(path);
    {
        errno = 0;
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) fail(path, errnoReason(errno));
        try {
            write(out);
        } catch (...) {
            out.close();
            removeQuietly(temp);
            throw;
        }
        errno = 0;
        out.flush();
        if (!out) {
            const int err = errno;
            out.close();
            removeQuietly(temp);
            fail(path, errnoReason(err));
        }
        errno = 0;
        out.close();
        if (!out) {
            const int err = errno;
            removeQuietly(temp);
            fail(path, errnoReason(err));
        }
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        removeQuietly(temp);
        fail(path, ec.message());
    }
}

}  // namespace cachescope
