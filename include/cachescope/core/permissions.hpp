#pragma once
// Access permissions of a memory region or segment (docs/mmu.md, "Protection"): read, write,
// execute, written as in ls -l without the dashes: "r", "rw", "x", "rx", "rwx" ("" = none).
// A read needs r, a write w, an instruction fetch x.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cachescope/core/access.hpp"

namespace cachescope {

using Permissions = std::uint8_t;
inline constexpr Permissions kPermRead = 1;
inline constexpr Permissions kPermWrite = 2;
inline constexpr Permissions kPermExecute = 4;
inline constexpr Permissions kPermReadWrite = kPermRead | kPermWrite;

/// "r", "rw", "x", "rwx", ... in the order r, w, x; "" for none.
inline std::string permissionsString(Permissions p) {
    std::string s;
    if ((p & kPermRead) != 0) s += 'r';
    if ((p & kPermWrite) != 0) s += 'w';
    if ((p & kPermExecute) != 0) s += 'x';
    return s;
}

/// Parses "r", "rw", "x", "rx", ... (each letter at most once, in any order); nullopt otherwise.
inline std::optional<Permissions> parsePermissions(std::string_view text) {
    Permissions p = 0;
    for (const char c : text) {
        const Permissions bit = c == 'r' ? kPermRead : c == 'w' ? kPermWrite : c == 'x' ? kPermExecute : 0;
        if (bit == 0 || (p & bit) != 0) return std::nullopt;
        p = static_cast<Permissions>(p | bit);
    }
    return p;
}

/// The permission an access of `kind` needs.
inline constexpr Permissions permissionFor(AccessKind kind) {
    return kind == AccessKind::Fetch ? kPermExecute : kind == AccessKind::Write ? kPermWrite : kPermRead;
}

}  // namespace cachescope
