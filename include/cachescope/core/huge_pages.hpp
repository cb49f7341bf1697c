#pragma once
// Memory written once from end to end, where 4 KiB page faults would cost more than the writes
// (a fault is expensive on a VM): the kernel is asked for 2 MiB pages behind it (Linux
// madvise(MADV_HUGEPAGE); a hint only, nothing depends on it being taken).

#include <cstddef>
#include <cstdlib>
#include <memory>

namespace cachescope {

/// Asks for 2 MiB pages behind the whole 2 MiB pages inside [data, data + bytes), memory
/// reserved but not yet touched: its first writes then fault once per 2 MiB, not per 4 KiB.
void adviseHugePages(const void* data, std::size_t bytes);

struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
};
/// `bytes` uninitialised; from 2 MiB up, aligned to 2 MiB (the size rounded up to whole 2 MiB
/// pages) and advised as above. Free with std::free. Throws std::bad_alloc.
void* allocateHugeAlignedBytes(std::size_t bytes);

/// `count` uninitialised values of T, from allocateHugeAlignedBytes.
template <typename T>
std::unique_ptr<T[], FreeDeleter> allocateHugeAligned(std::size_t count) {
    return std::unique_ptr<T[], FreeDeleter>(static_cast<T*>(allocateHugeAlignedBytes(count * sizeof(T))));
}

}  // namespace cachescope
