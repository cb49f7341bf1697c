#include "cachescope/alloc/allocator.hpp"

#include "cachescope/alloc/buddy.hpp"
#include "cachescope/alloc/caching.hpp"
#include "cachescope/alloc/fit.hpp"
#include "cachescope/alloc/planned.hpp"
#include "cachescope/alloc/slab.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/names.hpp"

namespace cachescope::alloc {

const std::vector<AllocatorInfo>& allocators() {
    static const std::vector<AllocatorInfo> table = {
        {"first-fit", "lowest-addressed free block that fits (address-ordered list, coalescing)",
         [](std::uint64_t c) { return std::make_unique<FitAllocator>(FitPolicy::First, c); }},
        {"next-fit", "first fit, searching on from where the last allocation ended",
         [](std::uint64_t c) { return std::make_unique<FitAllocator>(FitPolicy::Next, c); }},
        {"best-fit", "smallest free block that fits (size-ordered index)",
         [](std::uint64_t c) { return std::make_unique<FitAllocator>(FitPolicy::Best, c); }},
        {"worst-fit", "largest free block that fits (size-ordered index)",
         [](std::uint64_t c) { return std::make_unique<FitAllocator>(FitPolicy::Worst, c); }},
        {"buddy", "binary buddy system: power-of-two blocks, split and merged with their buddy",
         [](std::uint64_t c) { return std::make_unique<BuddyAllocator>(c); }},
        {"slab", "segregated power-of-two size classes, 64 KiB slabs cut from a page heap; larger requests take pages",
         [](std::uint64_t c) { return std::make_unique<SlabAllocator>(c); }},
        {"caching-pool", "PyTorch's CUDA caching allocator: 512 B rounding, small/large pools of 2/20 MiB segments, "
                         "cached blocks reused best-fit, empty_cache",
         [](std::uint64_t c) { return std::make_unique<CachingAllocator>(c); }},
        {"planned", "static plan from the whole lifetime table: largest first, lowest non-conflicting offset "
                    "(TFLite's arena planner); the lower bound",
         [](std::uint64_t c) { return std::make_unique<PlannedAllocator>(c); }},
    };
    return table;
}

std::unique_ptr<Allocator> makeAllocator(std::string_view name, std::uint64_t capacity) {
    std::vector<std::string> names;
    for (const AllocatorInfo& info : allocators()) {
        if (info.name == name) return info.make(capacity);
        names.push_back(info.name);
    }
    throw UsageError("unknown allocator '" + std::string(name) + "'; expected one of: " + joinNames(names));
}

}  // namespace cachescope::alloc
