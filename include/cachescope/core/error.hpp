#pragma once
// User errors: bad configs, bad traces, unreadable files. Front ends catch `cachescope::Error`,
// print what() and exit non-zero. Internal invariants are asserts, never these.

#include <stdexcept>
#include <string>

namespace cachescope {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An impossible or malformed configuration. The message starts with the JSON path
/// ("/caches/1/associativity: ...") or the file name.
class ConfigError : public Error {
public:
    using Error::Error;
};

/// A malformed trace. The message names the file and line (or byte offset) and the offending text.
class TraceError : public Error {
public:
    using Error::Error;
};

/// A file that cannot be opened, read or written.
class IoError : public Error {
public:
    using Error::Error;
};

/// A bad command-line value that is not a config or trace problem (e.g. an unknown format name).
class UsageError : public Error {
public:
    using Error::Error;
};

}  // namespace cachescope
