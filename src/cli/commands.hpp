#pragma once
// The subcommands of `cachescope`. Each one takes its parsed options, writes its report to
// standard output (or a file) and throws cachescope::Error on a user error; main() turns errors
// into one "cachescope: error: ..." line and exit status 1.

#include <cstdint>
#include <optional>
#include <string>

namespace cachescope::cli {

enum class ReportFormat { Text, Json, Csv };

struct RunArgs {
    std::string config;
    std::string trace;           // "-" = standard input
    std::string traceFormat = "auto";
    std::optional<std::uint64_t> seed;
    ReportFormat format = ReportFormat::Text;
    std::string output;          // empty = standard output
};

struct BenchArgs {
    bool json = false;
    std::uint32_t n = 256;
    std::uint32_t runs = 3;
};

void runCommand(const RunArgs& args);
void policiesCommand();
void configCheckCommand(const std::string& path);
void configShowCommand(const std::string& path);
void benchCommand(const BenchArgs& args);

/// Flushes standard output; throws IoError if anything written to it was lost (e.g. disk full).
void finishStdout();

}  // namespace cachescope::cli
