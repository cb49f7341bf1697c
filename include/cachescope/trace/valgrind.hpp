#pragma once
// Tracing a real program: runs it under Valgrind Lackey (valgrind --tool=lackey --trace-mem=yes)
// and hands its accesses to a writer while Lackey streams them through a pipe (never a temporary
// file). The program's own standard output and error pass through unchanged.

#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/trace/writer.hpp"

namespace cachescope {

struct ProgramTraceResult {
    std::uint64_t accesses = 0;
    int exitStatus = 0;  // the program's exit status (128 + signal if killed)
};

/// Runs `argv` (argv[0] found on PATH like a shell does) under `valgrind` (found on PATH unless
/// `valgrind` names a path). Throws IoError if valgrind cannot be found or started (the message
/// says to install Debian's valgrind package), TraceError if its output cannot be parsed.
/// The writer only gets write() calls: the caller calls writer.finish() afterwards.
ProgramTraceResult traceProgram(const std::vector<std::string>& argv, TraceWriter& writer,
                                const std::string& valgrind = "valgrind");

}  // namespace cachescope
