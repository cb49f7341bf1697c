// KernelParams accessors and runKernel: the part of the kernel framework every kernel relies on.

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "cachescope/kernels/kernel.hpp"
#include "cachescope/kernels/stream.hpp"

namespace cachescope {

const std::string& KernelParams::raw(const std::string& name) const {
    for (const auto& [key, value] : values_)
        if (key == name) return value;
    // A kernel asking for a parameter it did not declare is a programming error, not a user's.
    throw std::logic_error("kernel parameter '" + name + "' was not declared");
}

std::int64_t KernelParams::integer(const std::string& name) const {
    const std::string& v = raw(name);
    return std::stoll(v, nullptr, 0);  // resolveParams stored it in a form that parses
}

const std::string& KernelParams::choice(const std::string& name) const { return raw(name); }

std::vector<std::int64_t> KernelParams::integers(const std::string& name) const {
    std::vector<std::int64_t> out;
    const std::string& v = raw(name);  // resolveParams stored "a,b,c" in decimal
    for (std::size_t start = 0; start <= v.size();) {
        const std::size_t comma = std::min(v.find(',', start), v.size());
        out.push_back(std::stoll(v.substr(start, comma - start)));
        start = comma + 1;
    }
    return out;
}

bool KernelParams::flag(const std::string& name) const { return raw(name) == "1"; }

void KernelParams::set(std::string name, std::string value) {
    for (auto& [key, old] : values_)
        if (key == name) {
            old = std::move(value);
            return;
        }
    values_.emplace_back(std::move(name), std::move(value));
}

std::uint64_t kernelReferences(const KernelInfo& kernel, const KernelParams& params) {
    const std::uint64_t data = kernel.dataReferences(params);
    return params.flag("fetches") ? 2 * data : data;
}

TraceMetadata runKernel(const KernelInfo& kernel, const KernelParams& params, AccessSink& sink,
                        std::map<std::string, std::vector<double>>* values) {
    return runKernel(kernel, params, sink, values, nullptr);
}

TraceMetadata runKernel(const KernelInfo& kernel, const KernelParams& params, AccessSink& sink,
                        std::map<std::string, std::vector<double>>* values,
                        const std::function<void(const TraceMetadata&)>& onReady) {
    TraceMetadata meta;
    meta.kernel = kernel.name;
    meta.params = params.all();
    meta.source = "kernel " + kernel.name;
    for (const auto& [key, value] : params.all()) meta.source += " " + key + "=" + value;
    Layout::Options layoutOptions{params.count("base"), params.count("align"), params.count("row_pad"),
                                  params.memoryBudget, {}};
    if (params.makePlacer) {
        layoutOptions.place = params.makePlacer();
        meta.source += " placement=" + params.placement;
    }
    Layout layout(std::move(layoutOptions));
    const bool fetches = params.flag("fetches");
    std::optional<Recorder> recorder;
    KernelRunContext context{params, meta, layout,
                             [&]() -> Recorder& {
                                 if (recorder) throw std::logic_error("KernelRunContext::ready called twice");
                                 std::uint64_t code = 0;
                                 std::uint16_t fetchSite = 0;
                                 if (fetches) {
                                     code = layout.code(meta);
                                     fetchSite = meta.addSite("fetch code",
                                                              static_cast<std::int32_t>(meta.regions.size() - 1),
                                                              AccessKind::Fetch);
                                 }
                                 recorder.emplace(sink, fetches, code, fetchSite);
                                 if (onReady) onReady(meta);
                                 return *recorder;
                             },
                             values};
    kernel.run(context);
    if (!recorder) throw std::logic_error("kernel " + kernel.name + " never called ready()");
    recorder->flush();
    return meta;
}

}  // namespace cachescope
