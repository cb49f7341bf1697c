#pragma once
// The built-in AI kernels: each computes on real data while every element load and store is
// recorded (kernels/recorder.hpp). Front ends find kernels by name, resolve "name=value"
// parameters against the kernel's declared ones, and read the accesses as a trace.
//
//   auto trace = openKernelTrace("matmul", {"n=64", "order=ikj"});   // a TraceReader
//   trace->metadata()->regions  ->  A, B, C (and code, with fetches=1)
//
// Every kernel also takes the common parameters (commonParams()): elem (element size in bytes,
// where the kernel allows a choice), base, align, pad, fetches.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cachescope/kernels/recorder.hpp"
#include "cachescope/trace/metadata.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

struct KernelParamSpec {
    /// IntList: comma-separated integers ("784,256,10"), each within [min, max].
    enum class Type { Int, Choice, Bool, IntList };
    std::string name;
    Type type = Type::Int;
    std::string defaultValue;          // as the user would write it
    std::string description;
    std::vector<std::string> choices;  // Choice only
    std::int64_t min = 0, max = 0;     // Int and IntList only (inclusive)
};

/// A kernel's parameters after resolution: every declared one present, values checked.
class KernelParams {
public:
    std::int64_t integer(const std::string& name) const;  // Int (also base/align/pad/elem)
    std::uint64_t count(const std::string& name) const { return static_cast<std::uint64_t>(integer(name)); }
    const std::string& choice(const std::string& name) const;
    std::vector<std::int64_t> integers(const std::string& name) const;  // IntList
    bool flag(const std::string& name) const;
    /// In declaration order, for the trace metadata and reports.
    const std::vector<std::pair<std::string, std::string>>& all() const { return values_; }
    void set(std::string name, std::string value);  // used by resolveParams

    /// Host bytes the kernel's tensors may take (Layout::Options::memoryBudget; 0 = half of this
    /// machine's memory). Not a parameter users set with --param: front ends set it (--max-memory).
    std::uint64_t memoryBudget = 0;
    /// Where the tensors go (run --placement, docs/alloc.md): when set, each run calls makePlacer()
    /// for a fresh placer (a simulated allocator's empty heap; the session builds it) and the trace's
    /// source text gains " placement=" + placement; when empty, tensors lie one after another at
    /// multiples of `align`. Not a --param: front ends set them.
    std::string placement;
    std::function<TensorPlacer()> makePlacer;

private:
    const std::string& raw(const std::string& name) const;
    std::vector<std::pair<std::string, std::string>> values_;
};

/// A kernel runs once per call: it builds the metadata (regions, sites) first, then computes,
/// recording through `rec`. Implementations call `ready(meta)` after the metadata is complete and
/// before the first access is recorded.
struct KernelRunContext {
    const KernelParams& params;
    TraceMetadata& meta;
    Layout& layout;
    /// Creates the recorder once the metadata is complete (it adds the code region when fetches
    /// are on). Call exactly once, before recording.
    std::function<Recorder&()> ready;
    /// When not null (tests), the kernel stores here the final contents of every tensor, inputs
    /// and outputs, by region name, in logical row-major order of its shape, as doubles.
    std::map<std::string, std::vector<double>>* values = nullptr;
};

struct KernelInfo {
    std::string name;
    std::string description;          // one line
    std::vector<KernelParamSpec> params;  // kernel-specific ones; commonParams() are added
    std::function<void(KernelRunContext&)> run;
    /// The data accesses (loads and stores) a run records with these parameters, in closed form
    /// (docs/kernels.md), without running it; kernelReferences adds the fetches.
    std::function<std::uint64_t(const KernelParams&)> dataReferences = {};
};

/// Parameters every kernel takes, after its own: base (Int, default 0x10000000, hex allowed),
/// align (Int, a power of two, default 4096), row_pad (Int >= 0, default 0: elements added to each
/// row of every tensor; it was called pad, a name still accepted, see kOldRowPadName), fetches
/// (Bool, default 0). Kernels that let the element size vary declare their own "elem" (Choice of
/// 1, 2, 4, 8). Values are stored as resolveParams normalises them: Int in decimal except base
/// (an address, in hex: "0x10000000"), Bool as "0"/"1".
std::vector<KernelParamSpec> commonParams();

/// The old name of row_pad, renamed so that it cannot be confused with conv2d's `padding` (the
/// convolution's zero border). resolveParams still takes "pad=N" as "row_pad=N".
inline constexpr const char* kOldRowPadName = "pad";

/// Every kernel, in listing order.
const std::vector<KernelInfo>& kernels();
/// Throws UsageError naming the unknown kernel and listing the known ones.
const KernelInfo& findKernel(const std::string& name);

/// Checks "name=value" settings against the kernel's parameters (its own and the common ones)
/// and fills in defaults. Throws UsageError: unknown parameter (with did-you-mean), a value out
/// of range or not among the choices ("--param order=ikx: expected one of ijk, ikj, ..."),
/// a setting without '=' or given twice.
KernelParams resolveParams(const KernelInfo& kernel, const std::vector<std::string>& settings);

/// The same checks against an explicit list of parameters (no common ones added), for other
/// parameterised generators (the allocation workloads, alloc/workload.hpp). `owner` starts every
/// message: "workload mlp-train: --param batch=0: expected an integer from 1 to 4096 ...".
KernelParams resolveParamSpecs(const std::string& owner, const std::vector<KernelParamSpec>& specs,
                               const std::vector<std::string>& settings);

/// The references a run of `kernel` with `params` will record, without running it: the closed
/// form of its data accesses, doubled with fetches=1 (one fetch precedes each access). matmul
/// n=8192 gives 4·8192³ = 2,199,023,255,552. Throws the UsageError the run would throw for an
/// impossible shape (a conv2d kernel wider than the padded image).
std::uint64_t kernelReferences(const KernelInfo& kernel, const KernelParams& params);

/// Runs the kernel to completion, handing every access to `sink`; returns the metadata. With
/// `values`, also the final tensor contents (see KernelRunContext::values).
TraceMetadata runKernel(const KernelInfo& kernel, const KernelParams& params, AccessSink& sink,
                        std::map<std::string, std::vector<double>>* values = nullptr);

/// The kernel's accesses as a streaming trace (the kernel runs in a worker thread, a bounded
/// number of blocks ahead). metadata() is available at once. format() is TraceFormat::Kernel.
std::unique_ptr<TraceReader> openKernelTrace(const std::string& kernel, const std::vector<std::string>& settings);

}  // namespace cachescope
