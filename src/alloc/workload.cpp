// The workload registry, runWorkload and TraceBuilder (alloc/workload.hpp).

#include "cachescope/alloc/workload.hpp"

#include <cassert>

#include "../kernels/text.hpp"
#include "cachescope/core/error.hpp"
#include "workload_registry.hpp"

namespace cachescope::alloc {

TraceBuilder::TraceBuilder(std::string source) {
    trace_.source = std::move(source);
    trace_.sites.push_back("");
}

std::uint32_t TraceBuilder::idFor(const std::string& name) {
    std::string id = name;
    for (int k = 2;; ++k) {
        const auto it = ids_.find(id);
        if (it == ids_.end()) {
            const auto index = static_cast<std::uint32_t>(trace_.names.size());
            ids_.emplace(id, index);
            trace_.names.push_back(id);
            sizes_.push_back(0);
            isLive_.push_back(false);
            return index;
        }
        if (!isLive_[it->second]) return it->second;
        id = name + "~" + std::to_string(k);
    }
}

std::uint32_t TraceBuilder::alloc(const std::string& name, std::uint64_t bytes, std::uint64_t align,
                                  const std::string& siteName) {
    AllocEvent ev;
    ev.op = AllocOp::Alloc;
    ev.id = idFor(name);
    ev.size = bytes;
    ev.align = align;
    const std::string& s = siteName.empty() ? name : siteName;
    const auto [site, added] = sites_.emplace(s, static_cast<std::uint32_t>(trace_.sites.size()));
    if (added) trace_.sites.push_back(s);
    ev.site = site->second;
    ev.line = trace_.events.size() + 2;  // after writeAllocTrace's one comment line
    trace_.events.push_back(ev);
    isLive_[ev.id] = true;
    sizes_[ev.id] = bytes;
    live_ += bytes;
    return ev.id;
}

void TraceBuilder::free(std::uint32_t id) {
    assert(id < isLive_.size() && isLive_[id]);
    AllocEvent ev;
    ev.op = AllocOp::Free;
    ev.id = id;
    ev.line = trace_.events.size() + 2;
    trace_.events.push_back(ev);
    isLive_[id] = false;
    live_ -= sizes_[id];
}

void TraceBuilder::realloc(std::uint32_t id, std::uint64_t bytes) {
    assert(id < isLive_.size() && isLive_[id]);
    AllocEvent ev;
    ev.op = AllocOp::Realloc;
    ev.id = id;
    ev.size = bytes;
    ev.line = trace_.events.size() + 2;
    trace_.events.push_back(ev);
    live_ = live_ - sizes_[id] + bytes;
    sizes_[id] = bytes;
}

AllocTrace TraceBuilder::take() {
    AllocTrace out = std::move(trace_);
    *this = TraceBuilder("");
    return out;
}

std::string workloadSource(const std::string& name, const KernelParams& params) {
    std::string s = "workload " + name;
    for (const auto& [key, value] : params.all()) s += " " + key + "=" + value;
    return s;
}

const std::vector<WorkloadInfo>& workloads() {
    static const std::vector<WorkloadInfo> all = {mlpTrainWorkload(), cnnTrainWorkload(), transformerDecodeWorkload()};
    return all;
}

const WorkloadInfo& findWorkload(const std::string& name) {
    std::vector<std::string> names;
    for (const WorkloadInfo& w : workloads()) {
        if (w.name == name) return w;
        names.push_back(w.name);
    }
    throw UsageError("unknown workload '" + name + "'" + didYouMean(name, names) + "; known workloads: " +
                     joinNames(names));
}

WorkloadResult runWorkload(const std::string& name, const std::vector<std::string>& settings) {
    const WorkloadInfo& w = findWorkload(name);
    const KernelParams params = resolveParamSpecs("workload " + name, w.params, settings);
    return w.run(params);
}

}  // namespace cachescope::alloc
