#include "cachescope/core/huge_pages.hpp"

#include <cstdint>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace cachescope {

namespace {
constexpr std::size_t kHuge = std::size_t{1} << 21;
}  // namespace

void adviseHugePages(const void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const auto from = (reinterpret_cast<std::uintptr_t>(data) + kHuge - 1) & ~std::uintptr_t{kHuge - 1};
    const auto to = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~std::uintptr_t{kHuge - 1};
    if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

void* allocateHugeAlignedBytes(std::size_t bytes) {
    void* p = nullptr;
    if (bytes >= kHuge) {
        p = std::aligned_alloc(kHuge, (bytes + kHuge - 1) & ~(kHuge - 1));
        if (p != nullptr) adviseHugePages(p, bytes);
    } else {
        p = std::malloc(bytes == 0 ? 1 : bytes);
    }
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

}  // namespace cachescope
