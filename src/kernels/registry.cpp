// The kernel registry: every built-in kernel in listing order, and lookup by name.

#include <algorithm>
#include <string>
#include <vector>

#include "builtin.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/kernels/kernel.hpp"
#include "text.hpp"

namespace cachescope {

namespace {

/// Levenshtein distance (insertions, deletions, substitutions each cost 1).
std::size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string didYouMean(const std::string& name, const std::vector<std::string>& names) {
    const std::string* best = nullptr;
    std::size_t bestDistance = 0;
    for (const auto& candidate : names) {
        const std::size_t d = editDistance(name, candidate);
        if (!best || d < bestDistance) best = &candidate, bestDistance = d;
    }
    // Close enough to be a typo: at most 2 edits, and fewer edits than the name has letters.
    if (!best || bestDistance > 2 || bestDistance >= std::max(name.size(), best->size())) return "";
    return " (did you mean '" + *best + "'?)";
}

const std::vector<KernelInfo>& kernels() {
    static const std::vector<KernelInfo> all = {
        matmulKernel(),   transposeKernel(), softmaxKernel(), layernormKernel(),
        conv2dKernel(),   attentionKernel(), pool2dKernel(),
        dataloaderKernel(),
    };
    return all;
}

const KernelInfo& findKernel(const std::string& name) {
    const auto& all = kernels();
    for (const auto& k : all)
        if (k.name == name) return k;
    std::vector<std::string> names;
    for (const auto& k : all) names.push_back(k.name);
    throw UsageError("unknown kernel '" + name + "'" + didYouMean(name, names) +
                     "; known kernels: " + joinNames(names));
}

}  // namespace cachescope
