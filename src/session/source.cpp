// SourceSpec: where a session's accesses come from (a trace file, standard input or a live kernel),
// and the helpers every front end shares to open and name it.

#include "cachescope/core/error.hpp"
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
        return openKernelTrace(kernel, params);
    }
    if (!source.params.empty())
        throw UsageError("--param " + source.params.front() + " needs --kernel (parameters belong to a kernel)");
    if (source.trace.empty()) throw UsageError("give a trace file (or - for standard input) or --kernel NAME");
    std::unique_ptr<TraceReader> reader = openTrace(source.trace, source.format);
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
    return text;
}

}  // namespace cachescope
