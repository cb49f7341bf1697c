// commonParams() and resolveParams(): "name=value" settings checked against a kernel's declared
// parameters, values normalised (Int in decimal, Bool as "0"/"1"), defaults filled in.

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"
#include "cachescope/kernels/kernel.hpp"
#include "common.hpp"
#include "text.hpp"

namespace cachescope {

std::vector<KernelParamSpec> commonParams() {
    using namespace kernel_util;
    return {
        intParam("base", "0x10000000", "address of the first tensor (hex allowed)", 0, std::int64_t{1} << 56),
        intParam("align", "4096", "every tensor starts at a multiple of this (a power of two)", 1,
                 std::int64_t{1} << 30),
        intParam("row_pad", "0",
                 "elements added to each row (innermost dimension) of every tensor; old name pad (not conv2d's "
                 "padding)",
                 0, 65536),
        boolParam("fetches", "0", "precede each access with a 4-byte instruction fetch from its site"),
    };
}

namespace {

/// Parses decimal (optionally negative) or 0x hex; nullopt on anything else or overflow.
std::optional<std::int64_t> parseInt(std::string_view text) {
    std::int64_t value = 0;
    int base = 10;
    std::string_view digits = text;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        digits.remove_prefix(2);
        if (digits.front() == '-' || digits.front() == '+') return std::nullopt;
    }
    if (digits.empty() || digits.front() == '+') return std::nullopt;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return value;
}

std::string normalise(const KernelParamSpec& spec, const std::string& value, const std::string& where) {
    using T = KernelParamSpec::Type;
    switch (spec.type) {
        case T::Int: {
            const auto v = parseInt(value);
            if (!v || *v < spec.min || *v > spec.max)
                throw UsageError(where + ": expected an integer from " + std::to_string(spec.min) + " to " +
                                 std::to_string(spec.max) + " (decimal or 0x hex)");
            if (spec.name == "align" && (*v & (*v - 1)) != 0) throw UsageError(where + ": expected a power of two");
            if (spec.name == "base") return hex(static_cast<std::uint64_t>(*v));  // an address: hex, as everywhere
            return std::to_string(*v);
        }
        case T::Bool:
            if (value == "1" || value == "true" || value == "yes") return "1";
            if (value == "0" || value == "false" || value == "no") return "0";
            throw UsageError(where + ": expected one of 0, 1, true, false, yes, no");
        case T::Choice:
            if (std::find(spec.choices.begin(), spec.choices.end(), value) != spec.choices.end()) return value;
            throw UsageError(where + ": expected one of " + joinNames(spec.choices));
        case T::IntList: {
            std::string out;
            for (std::size_t start = 0; start <= value.size();) {
                const std::size_t comma = std::min(value.find(',', start), value.size());
                const auto v = parseInt(std::string_view(value).substr(start, comma - start));
                if (!v || *v < spec.min || *v > spec.max)
                    throw UsageError(where + ": expected integers from " + std::to_string(spec.min) + " to " +
                                     std::to_string(spec.max) + " separated by commas (e.g. " + spec.defaultValue +
                                     ")");
                out += (out.empty() ? "" : ",") + std::to_string(*v);
                start = comma + 1;
            }
            return out;
        }
    }
    return value;
}

}  // namespace

KernelParams resolveParams(const KernelInfo& kernel, const std::vector<std::string>& settings) {
    std::vector<KernelParamSpec> specs = kernel.params;
    for (auto& common : commonParams())
        if (std::none_of(specs.begin(), specs.end(), [&](const auto& s) { return s.name == common.name; }))
            specs.push_back(std::move(common));
    return resolveParamSpecs("kernel " + kernel.name, specs, settings);
}

KernelParams resolveParamSpecs(const std::string& owner, const std::vector<KernelParamSpec>& specs,
                               const std::vector<std::string>& settings) {
    const std::string prefix = owner + ": ";
    KernelParams params;
    // Defaults first, in declaration order (they go through the same checks as user values).
    for (const auto& spec : specs)
        params.set(spec.name, normalise(spec, spec.defaultValue, prefix + "default of " + spec.name));

    std::set<std::string> given;
    for (const std::string& setting : settings) {
        const std::string where = prefix + "--param " + setting;
        const std::size_t eq = setting.find('=');
        if (eq == std::string::npos) throw UsageError(where + ": expected name=value");
        std::string name = setting.substr(0, eq);
        const bool hasRowPad = std::any_of(specs.begin(), specs.end(), [](const auto& s) { return s.name == "row_pad"; });
        if (name == kOldRowPadName && hasRowPad) name = "row_pad";  // the old name keeps working (front ends add a note)
        const std::string value = setting.substr(eq + 1);
        const auto spec = std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.name == name; });
        if (spec == specs.end()) {
            std::vector<std::string> names;
            for (const auto& s : specs) names.push_back(s.name);
            throw UsageError(where + ": unknown parameter '" + name + "'" + didYouMean(name, names) +
                             "; parameters are " + joinNames(names));
        }
        if (!given.insert(name).second) throw UsageError(where + ": parameter '" + name + "' given twice");
        params.set(name, normalise(*spec, value, where));
    }
    return params;
}

}  // namespace cachescope
