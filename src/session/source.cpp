// SourceSpec: where a session's accesses come from (a trace file, standard input or a live kernel),
// and the helpers every front end shares to open and name it.

#include "cachescope/core/error.hpp"
#include "cachescope/alloc/allocator.hpp"
#include "cachescope/config/presets.hpp"
#include "cachescope/kernels/kernel.hpp"
#include "cachescope/kernels/stream.hpp"
#include "cachescope/session/session.hpp"

namespace cachescope {

SourceSpec SourceSpec::file(std::string path, TraceFormat format) {
    SourceSpec s;
    s.trace = std::move(path);
    s.format = format;
    return s;
}

SourceSpec SourceSpec::kernelRun(std::string name, std::vector<std::string> params) {
    SourceSpec s;
    s.kernel = std::move(name);
    s.params = std::move(params);
    return s;
}

SourceSpec SourceSpec::custom(std::function<std::unique_ptr<TraceReader>()> open, std::string label) {
    SourceSpec s;
    s.opener = std::move(open);
    s.label = std::move(label);
    return s;
}

std::unique_ptr<TraceReader> openSource(const SourceSpec& source) {
    if (source.opener) return source.opener();
    if (!source.kernel.empty()) {
        if (!source.trace.empty())
            throw UsageError("give either a trace file or --kernel, not both (got trace '" + source.trace +
                             "' and --kernel " + source.kernel + ")");
        const KernelInfo& kernel = findKernel(source.kernel);
        KernelParams params = resolveParams(kernel, source.params);
        params.memoryBudget = source.memoryBudget;
        if (!source.placement.empty()) {
            // An unknown name or a planner: the message now, not from the kernel's thread.
            if (alloc::makeAllocator(source.placement)->needsPlan())
                throw UsageError("--placement " + source.placement +
                                 ": a static plan needs every tensor's lifetime before the first allocation, and a "
                                 "kernel places its tensors one by one; choose an allocator that places on request");
            params.placement = source.placement;
            params.makePlacer = [name = source.placement, kernelName = kernel.name]() -> TensorPlacer {
                std::shared_ptr<alloc::Allocator> heap = alloc::makeAllocator(name);  // a fresh heap per run
                return [heap, kernelName](std::uint64_t bytes, std::uint64_t align) {
                    const alloc::AllocResult r = heap->allocate(bytes, align);
                    if (!r.ok)  // an unlimited heap refuses only what no address space holds
                        throw UsageError("kernel " + kernelName + ": the " + std::string(heap->name()) +
                                         " allocator cannot place a tensor of " + std::to_string(bytes) + " bytes");
                    return r.address;
                };
            };
        }
        return openKernelTrace(kernel, params);
    }
    if (!source.placement.empty())
        throw UsageError("--placement " + source.placement + " needs --kernel (it places a kernel's tensors)");
    if (!source.params.empty())
        throw UsageError("--param " + source.params.front() + " needs --kernel (parameters belong to a kernel)");
    if (source.trace.empty()) throw UsageError("give a trace file (or - for standard input) or --kernel NAME");
    std::unique_ptr<TraceReader> reader = openTrace(resolveBundledPath(source.trace), source.format);  // traces/x.bin from any folder
    // Standard input only when asked: a producer blocked on a pipe would hold up the end of a run
    // that stops early until the pipe delivers a block or closes.
    const bool thread = source.decodeThread == DecodeThread::Auto ? !source.readsStandardInput() && useDecodeThread(DecodeThread::Auto)
                                                                   : useDecodeThread(source.decodeThread);
    return thread ? decodeOnThread(std::move(reader)) : std::move(reader);
}

std::string describeSource(const SourceSpec& source) {
    if (source.opener) return source.label;
    if (source.kernel.empty()) return source.trace;
    const KernelInfo& kernel = findKernel(source.kernel);
    std::string text = "kernel " + kernel.name;
    const KernelParams params = resolveParams(kernel, source.params);
    for (const auto& [name, value] : params.all()) text += " " + name + "=" + value;
    if (!source.placement.empty()) text += " placement=" + source.placement;
    return text;
}

std::string describeSourceBriefly(const SourceSpec& source) {
    if (source.opener || source.kernel.empty()) return describeSource(source);
    const KernelInfo& kernel = findKernel(source.kernel);
    const KernelParams params = resolveParams(kernel, source.params);
    auto given = [&](const std::string& name) {
        for (const std::string& setting : source.params) {
            std::string key = setting.substr(0, setting.find('='));
            if (key == kOldRowPadName) key = "row_pad";
            if (key == name) return true;
        }
        return false;
    };
    auto mattersByDefault = [&](const std::string& name) {
        for (const KernelParamSpec& p : kernel.params)  // the kernel's own, not the common ones
            if (p.name == name) return p.defaultValue != "0";
        return false;
    };
    std::string text = "kernel " + kernel.name;
    for (const auto& [name, value] : params.all())
        if (given(name) || mattersByDefault(name)) text += " " + name + "=" + value;
    if (!source.placement.empty()) text += " placement=" + source.placement;
    return text;
}

void requireRereadableForOpt(const SourceSpec& source) {
    if (source.readsStandardInput())
        throw UsageError(
            "\"opt\" (as page_replacement or as a replacement policy) reads the trace more than "
            "once (first to learn the future); give a trace file, not standard input");
}

}  // namespace cachescope
