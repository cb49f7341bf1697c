// SourceSpec: where a session's accesses come from (a trace file, standard input or a live kernel),
// and the helpers every front end shares to open and name it.

#include <algorithm>
#include <filesystem>

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

SourceSpec SourceSpec::mixOf(std::vector<std::string> sources, std::uint64_t quantum) {
    SourceSpec s;
    s.mix = std::move(sources);
    s.quantum = quantum;
    return s;
}

SourceSpec mixItemSpec(const std::string& item) {
    if (item.empty()) throw UsageError("--mix: expected a trace file or KERNEL:name=value,..., got an empty source");
    const std::size_t colon = item.find(':');
    const std::string name = item.substr(0, colon);
    const bool isKernel = std::any_of(kernels().begin(), kernels().end(), [&](const KernelInfo& k) { return k.name == name; });
    if (isKernel && (colon != std::string::npos || !std::filesystem::exists(item))) {
        std::vector<std::string> params;
        if (colon != std::string::npos) {
            const std::string rest = item.substr(colon + 1);
            std::size_t start = 0;
            while (start <= rest.size()) {
                const std::size_t comma = std::min(rest.find(',', start), rest.size());
                if (comma > start) params.push_back(rest.substr(start, comma - start));
                start = comma + 1;
            }
        }
        return SourceSpec::kernelRun(name, std::move(params));
    }
    return SourceSpec::file(item);
}

namespace {

/// interleaveAsProcesses: round-robin over the readers, `quantum` references a turn.
class ProcessMixReader final : public TraceReader {
public:
    ProcessMixReader(std::vector<std::unique_ptr<TraceReader>> readers, std::uint64_t quantum)
        : readers_(std::move(readers)), ended_(readers_.size(), 0), quantum_(quantum), left_(quantum),
          sources_(readers_.size()) {
        for (std::size_t p = 0; p < readers_.size(); ++p) readers_[p]->setEventSink(&sources_[p].met);
    }

    std::size_t read(std::span<Access> out) override {
        while (!out.empty() && live_ != 0) {
            const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), left_));
            const std::size_t n = ended_[turn_] ? 0 : readers_[turn_]->read(out.first(want));
            placeEvents(n);
            if (n == 0) {
                if (!ended_[turn_]) {
                    ended_[turn_] = 1;
                    --live_;
                }
                nextTurn();
                continue;
            }
            for (Access& a : out.first(n)) {
                a.process = static_cast<std::uint8_t>(turn_);
                a.site = 0;
            }
            left_ -= n;
            total_ += n;
            if (left_ == 0) nextTurn();
            return n;
        }
        return 0;
    }
    TraceFormat format() const override { return readers_.front()->format(); }
    const TraceMetadata* processMetadata(std::uint32_t process) const override {
        return process < readers_.size() ? readers_[process]->metadata() : nullptr;
    }
    std::uint32_t describedProcesses() const override { return static_cast<std::uint32_t>(readers_.size()); }
    void setEventSink(TraceEventSink* sink) override { sink_ = sink; }
    std::uint64_t records() const override {
        std::uint64_t n = 0;
        for (const auto& r : readers_) n += r->records();
        return n;
    }
    std::uint64_t skippedLines() const override {
        std::uint64_t n = 0;
        for (const auto& r : readers_) n += r->skippedLines();
        return n;
    }

private:
    /// The control events source turn_'s reader met while returning `n` accesses (after the
    /// `taken` it had returned before), as events of the mix in process turn_. An event goes just
    /// before its source's next access, or where the source ends: an event after the last access
    /// of a call waits for the next call (a reader may hand it over in either, by its block size).
    void placeEvents(std::size_t n) {
        Source& src = sources_[turn_];
        for (; !src.met.empty(); src.met.pop()) {
            TraceEvent e = src.met.front();
            if (n != 0 && e.position == src.taken + n) break;  // after this call's last access: wait
            e.position = total_ + (e.position - src.taken);
            e.process = static_cast<std::uint8_t>(turn_);
            if (sink_ != nullptr) sink_->onTraceEvent(e);
        }
        src.taken += n;
    }
    void nextTurn() {
        turn_ = (turn_ + 1) % readers_.size();
        left_ = quantum_;
    }
    std::vector<std::unique_ptr<TraceReader>> readers_;
    std::vector<std::uint8_t> ended_;
    std::uint64_t quantum_;
    std::uint64_t left_;
    std::size_t turn_ = 0;
    std::size_t live_ = readers_.size();
    struct Source {
        TraceEventQueue met;     // events its reader handed over, not placed yet
        std::uint64_t taken = 0;  // accesses the mix took from it
    };
    std::vector<Source> sources_;
    std::uint64_t total_ = 0;  // accesses the mix returned
    TraceEventSink* sink_ = nullptr;
};

}  // namespace

std::unique_ptr<TraceReader> interleaveAsProcesses(std::vector<std::unique_ptr<TraceReader>> readers,
                                                   std::uint64_t quantum) {
    if (readers.empty()) throw UsageError("--mix: expected at least one source");
    if (readers.size() > kMaxProcesses)
        throw UsageError("--mix: " + std::to_string(readers.size()) + " sources, but a run holds at most " +
                         std::to_string(kMaxProcesses) + " processes (process ids are one byte)");
    if (quantum == 0) throw UsageError("--quantum: expected at least 1 reference per turn, got 0");
    return std::make_unique<ProcessMixReader>(std::move(readers), quantum);
}

std::unique_ptr<TraceReader> openSource(const SourceSpec& source) {
    if (source.opener) return source.opener();
    if (!source.mix.empty()) {
        if (!source.trace.empty() || !source.kernel.empty() || !source.params.empty())
            throw UsageError("give either --mix sources or a trace file / --kernel, not both");
        if (source.mix.size() > kMaxProcesses)  // before any source opens
            throw UsageError("--mix: " + std::to_string(source.mix.size()) + " sources, but a run holds at most " +
                             std::to_string(kMaxProcesses) + " processes (process ids are one byte)");
        std::vector<std::unique_ptr<TraceReader>> readers;
        for (const std::string& item : source.mix) {
            SourceSpec one = mixItemSpec(item);
            one.memoryBudget = source.memoryBudget;
            one.placement = source.placement;
            one.decodeThread = source.decodeThread;
            if (one.readsStandardInput())
                throw UsageError("--mix: standard input cannot be one of several processes; give trace files or kernels");
            readers.push_back(openSource(one));
        }
        return interleaveAsProcesses(std::move(readers), source.quantum);
    }
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

namespace {
/// "mix quantum=Q: 0 = <source 0>; 1 = <source 1>", each source named by `describe`.
std::string describeMix(const SourceSpec& source, std::string (*describe)(const SourceSpec&)) {
    std::string text = "mix quantum=" + std::to_string(source.quantum);
    for (std::size_t p = 0; p < source.mix.size(); ++p)
        text += (p == 0 ? ": " : "; ") + std::to_string(p) + " = " + describe(mixItemSpec(source.mix[p]));
    return text;
}
}  // namespace

std::string describeSource(const SourceSpec& source) {
    if (source.opener) return source.label;
    if (!source.mix.empty()) return describeMix(source, describeSource);
    if (source.kernel.empty()) return source.trace;
    const KernelInfo& kernel = findKernel(source.kernel);
    std::string text = "kernel " + kernel.name;
    const KernelParams params = resolveParams(kernel, source.params);
    for (const auto& [name, value] : params.all()) text += " " + name + "=" + value;
    if (!source.placement.empty()) text += " placement=" + source.placement;
    return text;
}

std::string describeSourceBriefly(const SourceSpec& source) {
    if (!source.mix.empty()) return describeMix(source, describeSourceBriefly);
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
