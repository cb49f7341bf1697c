#pragma once
// Recording a real program's allocations: runs it with the allocation recorder
// (src/preload/alloc_recorder.cpp, built as libcachescope_alloc_recorder.so) preloaded, and
// collects the allocation trace (docs/alloc.md) it writes through a pipe. The program's own
// standard input, output and error pass through unchanged.
//
//   parent                                  child (posix_spawnp)
//   pipe(r, w), both close-on-exec
//   spawn  ─────────────────────────────►   PROGRAM ARGS with LD_PRELOAD=<recorder>
//   close(w)                                and CACHESCOPE_ALLOC_FD=w (kept open across exec)
//   read r until end of file ◄────────────  "alloc n1 24 main+0x1d" ...
//   waitpid → exit status

#include <string>
#include <vector>

namespace cachescope {

struct AllocRecording {
    std::string trace;   // the allocation trace, as text
    int exitStatus = 0;  // the program's exit status (128 + signal if a signal ended it)
};

/// Runs `argv` (argv[0] found on PATH as a shell does) with `library` preloaded. Throws IoError if
/// the library or the program cannot be found or started.
AllocRecording recordAllocations(const std::vector<std::string>& argv, const std::string& library);

/// Where the recorder library is: $CACHESCOPE_ALLOC_RECORDER if set, else
/// libcachescope_alloc_recorder.so next to the running executable. Throws IoError if it is not
/// there.
std::string recorderLibrary();

}  // namespace cachescope
