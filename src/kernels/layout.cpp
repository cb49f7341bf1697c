// Layout's memory budget (kernels/recorder.hpp): tensors are refused before they are allocated.

#include <string>

#include "cachescope/config/resources.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/kernels/recorder.hpp"

namespace cachescope {

Layout::Layout(Options options) : options_(options), next_(options.base) {
    if (options_.memoryBudget == 0) options_.memoryBudget = defaultMemoryBudget();
}

std::uint64_t Layout::reserve(const std::string& name, const std::vector<std::uint64_t>& shape, std::uint64_t pitch,
                              std::uint64_t elementSize) {
    constexpr std::uint64_t kMax = ~std::uint64_t{0};
    const std::uint64_t size = pitch > kMax / elementSize ? kMax : pitch * elementSize;
    const std::uint64_t total = size > kMax - bytes_ ? kMax : bytes_ + size;
    if (total > options_.memoryBudget) {
        std::string dims;
        for (const std::uint64_t d : shape) dims += (dims.empty() ? "" : "x") + std::to_string(d);
        throw UsageError("tensor " + name + " (" + dims + " elements of " + std::to_string(elementSize) +
                         " bytes) would bring the kernel's tensors to about " + approximateSize(total) +
                         ", more than the memory budget of " + approximateSize(options_.memoryBudget) +
                         "; choose smaller parameters, or raise the budget with --max-memory");
    }
    bytes_ = total;
    return size;
}

}  // namespace cachescope
