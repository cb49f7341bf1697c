#pragma once
// The permissions protection checks a region against (docs/mmu.md, "Protection"): the region's
// own (`perm`) when set; else execute-only for the code (layout "code"); else, in a kernel's trace
// (`kernel` not empty: its sites list every statement), read-only when no write statement names
// the region (an input: matmul's A and B) and no write statement names no region; else
// read-write. Traces recorded from programs (no kernel) keep read-write data.

#include <cstddef>

#include "cachescope/core/permissions.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope {

Permissions regionPermissions(const TraceMetadata& metadata, std::size_t region);

}  // namespace cachescope
