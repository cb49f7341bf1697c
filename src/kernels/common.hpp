#pragma once
// Helpers shared by the built-in kernels: element-type dispatch, wrap-around integer arithmetic,
// and copying tensor contents out for KernelRunContext::values.

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cachescope/kernels/kernel.hpp"

namespace cachescope::kernel_util {

/// Parameter declarations, one line each.
inline KernelParamSpec intParam(std::string name, std::string def, std::string description, std::int64_t min,
                                std::int64_t max) {
    return {std::move(name), KernelParamSpec::Type::Int, std::move(def), std::move(description), {}, min, max};
}
inline KernelParamSpec choiceParam(std::string name, std::string def, std::string description,
                                   std::vector<std::string> choices) {
    return {std::move(name),
            KernelParamSpec::Type::Choice,
            std::move(def),
            std::move(description),
            std::move(choices),
            0,
            0};
}
inline KernelParamSpec boolParam(std::string name, std::string def, std::string description) {
    return {std::move(name), KernelParamSpec::Type::Bool, std::move(def), std::move(description), {}, 0, 0};
}

/// Calls f(T{}) with T = uint8_t, uint16_t, float or double for elem = "1", "2", "4", "8".
template <class F>
void withElementType(const std::string& elem, F&& f) {
    if (elem == "1")
        f(std::uint8_t{});
    else if (elem == "2")
        f(std::uint16_t{});
    else if (elem == "8")
        f(double{});
    else
        f(float{});
}

/// c + a*b in T: exact for the small inputs the kernels use in float/double, modulo 2^bits for the
/// unsigned integer types (computed in unsigned arithmetic, so there is no signed overflow).
template <class T>
T multiplyAdd(T c, T a, T b) {
    if constexpr (std::is_integral_v<T>) {
        return static_cast<T>(std::uint32_t{c} + std::uint32_t{a} * std::uint32_t{b});
    } else {
        return c + a * b;
    }
}

/// A small integer value converted to T (negative values wrap for the unsigned types).
template <class T>
T fromInt(std::int64_t v) {
    if constexpr (std::is_integral_v<T>) {
        return static_cast<T>(static_cast<std::uint64_t>(v));
    } else {
        return static_cast<T>(v);
    }
}

/// Contents of a 1-D or 2-D tensor in logical row-major order.
template <class T>
std::vector<double> contents(const Tensor<T>& t) {
    std::vector<double> out;
    if (t.shape().size() == 1) {
        for (std::uint64_t i = 0; i < t.dim(0); ++i) out.push_back(static_cast<double>(t.at(i)));
    } else {
        for (std::uint64_t i = 0; i < t.dim(0); ++i)
            for (std::uint64_t j = 0; j < t.dim(1); ++j) out.push_back(static_cast<double>(t.at(i, j)));
    }
    return out;
}

/// Stores the tensor's contents under its region name when the caller asked for values.
template <class T>
void saveValues(KernelRunContext& ctx, const Tensor<T>& t) {
    if (ctx.values) (*ctx.values)[ctx.meta.regions[static_cast<std::size_t>(t.region())].name] = contents(t);
}

}  // namespace cachescope::kernel_util
