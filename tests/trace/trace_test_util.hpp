#pragma once
// Helpers shared by the trace tests: open an in-memory trace, read it all, temp files.

#include <dirent.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/line_parsers.hpp"
#include "cachescope/trace/reader.hpp"
#include "cachescope/trace/writer.hpp"

namespace cachescope::testing {

/// The format's name as a std::string (doctest cannot print a TraceFormat itself).
inline std::string formatName(TraceFormat format) { return std::string(toString(format)); }

inline std::unique_ptr<TraceReader> openString(const std::string& text, TraceFormat format = TraceFormat::Auto,
                                               const std::string& name = "mem.trace") {
    return openTrace(std::make_unique<std::istringstream>(text), name, format);
}

/// Reads everything, `chunk` accesses per read() call.
inline std::vector<Access> readAll(TraceReader& reader, std::size_t chunk = 4096) {
    std::vector<Access> all;
    std::vector<Access> buf(chunk);
    for (;;) {
        const std::size_t n = reader.read(buf);
        if (n == 0) break;
        all.insert(all.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    }
    return all;
}

inline std::vector<Access> readString(const std::string& text, TraceFormat format = TraceFormat::Auto,
                                      std::size_t chunk = 4096) {
    auto reader = openString(text, format);
    return readAll(*reader, chunk);
}

/// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("cachescope-trace-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string write(const std::string& name, const std::string& content) const {
        const auto p = path_ / name;
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// Writes `trace` as a file `name` in `dir` in `format` (no metadata); returns its path.
inline std::string writeTrace(const TempDir& dir, const std::string& name, TraceFormat format,
                              const std::vector<Access>& trace) {
    const std::string path = (dir.path() / name).string();
    std::ofstream out(path, std::ios::binary);
    const auto writer = format == TraceFormat::Binary ? makeBinaryTraceWriter(out, TraceMetadata{})
                                                      : makeTraceWriter(out, format, TraceMetadata{});
    writer->write(trace);
    writer->finish();
    return path;
}

/// Threads of this process (entries of /proc/self/task): tests check that workers are joined.
inline int threadCount() {
    int n = 0;
    if (DIR* d = ::opendir("/proc/self/task")) {
        while (const dirent* e = ::readdir(d))
            if (e->d_name[0] != '.') ++n;
        ::closedir(d);
    }
    return n;
}

}  // namespace cachescope::testing
