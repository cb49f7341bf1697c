#pragma once
// Writing an output file atomically: readers see either the old file or the complete new one,
// never a half-written report.
//
// The content goes to a temporary file next to the target ("<path>.tmp.<pid>", same directory so
// the rename cannot cross file systems), which is flushed and checked, then renamed over the
// target. On any failure -- the callback throws, the disk fills, the directory is not writable --
// the temporary file is removed and nothing is left behind.
//
//   writeFileAtomically("out.json", [&](std::ostream& os) { os << report.dump(2) << '\n'; });

#include <functional>
#include <ostream>
#include <string>

namespace cachescope {

/// Calls `write` with a stream to a temporary file, then renames it to `path`.
/// Throws IoError naming `path` and the OS reason if the file cannot be written or renamed; if
/// `write` itself throws, its exception propagates unchanged. Either way no file is created (an
/// existing `path` is left untouched) and no temporary file remains.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);

/// Checks, without creating anything, that writeFileAtomically(path, ...) could create `path`;
/// front ends call it before a long run so a bad -o or --plot fails at once. Throws IoError
/// "cannot write '<path>': <reason>", the reason in the user's terms: the path ends in '/' (a
/// directory), it is a directory, its directory does not exist or is not a directory, or files
/// cannot be created there (the OS reason). Disk-full and similar failures can still happen later.
void checkWritable(const std::string& path);

/// The temporary name used for `path` by this process ("<path>.tmp.<pid>").
std::string temporaryPathFor(const std::string& path);

}  // namespace cachescope
