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

std::string temporaryPathFor(const std::string& path) {
    return path + ".tmp." + std::to_string(static_cast<long long>(::getpid()));
}

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
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
