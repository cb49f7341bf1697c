#pragma once
// Built-in allocation workloads: small programs that really compute (a training step of an MLP and
// of a small CNN, greedy transformer decoding with a growing KV cache) and record every tensor
// allocation and free as an eager framework (PyTorch's autograd) would make them, with the tensor's
// name as ID and site (`fc1.weight`, `act.relu1`, `grad.fc1.weight`, `adam.m.fc1.weight`,
// `im2col.conv2`, `kv.layer0.k`). The result is an ordinary AllocTrace, so every allocator, report
// and plot takes it like a trace file; writeAllocTrace (alloc/trace.hpp) writes it as text.
//
//   WorkloadResult r = runWorkload("mlp-train", {"layers=784,256,10", "batch=32", "steps=3"});
//   r.trace.events   ->  alloc fc1.weight 802816, ..., free input
//   r.losses         ->  the loss of each step (computed before that step's update)
//
// Parameters are declared and checked like the kernels' (KernelParamSpec, resolveParamSpecs), so
// `--param` means the same everywhere. Lifetimes, sizes and closed-form counts: docs/alloc.md.

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cachescope/alloc/trace.hpp"
#include "cachescope/kernels/kernel.hpp"

namespace cachescope::alloc {

struct WorkloadResult {
    AllocTrace trace;
    std::vector<double> losses;        // training: the loss of each step, before its update
    std::vector<std::int64_t> tokens;  // decoding: the tokens generated, in order
    /// Sites that are live at the end by design (the model's parameters, the optimizer state),
    /// so a leak report that lists exactly these is expected.
    std::vector<std::string> persistent;
};

struct WorkloadInfo {
    std::string name;
    std::string description;  // one line
    std::vector<KernelParamSpec> params;
    std::function<WorkloadResult(const KernelParams&)> run;
};

/// Every workload, in listing order.
const std::vector<WorkloadInfo>& workloads();
/// Throws UsageError naming the unknown workload and listing the known ones.
const WorkloadInfo& findWorkload(const std::string& name);
/// Resolves "name=value" settings (UsageError: "workload mlp-train: --param batch=0: expected ...")
/// and runs the workload. Deterministic: the same settings give the same trace, losses and tokens.
WorkloadResult runWorkload(const std::string& name, const std::vector<std::string>& settings);

/// Builds an AllocTrace event by event as a program runs. The ID of an allocation is its name while
/// no live allocation has that name, else "name~2", "name~3", ...; the site is the name unless one
/// is given (the blocks of a paged KV cache share one site). Event
/// line numbers are those of the trace as writeAllocTrace writes it (one comment line first).
class TraceBuilder {
public:
    explicit TraceBuilder(std::string source);
    /// Returns the ID index (AllocEvent::id) for free() and realloc().
    std::uint32_t alloc(const std::string& name, std::uint64_t bytes, std::uint64_t align = 0,
                        const std::string& site = {});
    void free(std::uint32_t id);
    void realloc(std::uint32_t id, std::uint64_t bytes);
    std::uint64_t liveBytes() const { return live_; }
    /// The trace so far (the builder is left empty).
    AllocTrace take();

private:
    std::uint32_t idFor(const std::string& name);
    AllocTrace trace_;
    std::unordered_map<std::string, std::uint32_t> ids_, sites_;
    std::vector<std::uint64_t> sizes_;  // per ID: bytes while live
    std::vector<bool> isLive_;
    std::uint64_t live_ = 0;
};

}  // namespace cachescope::alloc
