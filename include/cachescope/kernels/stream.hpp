#pragma once
// Lower-level entry points of the kernel framework, for tests and for tools that build their own
// KernelInfo (a kernel not in the registry). Front ends use kernel.hpp's runKernel/openKernelTrace.
//
//   KernelInfo k = findKernel("matmul");
//   auto trace = openKernelTrace(k, resolveParams(k, {"n=32"}));   // same as openKernelTrace("matmul", ...)
//
// How the stream works: the kernel runs in a worker thread; its Recorder hands blocks of
// Recorder::kBlock accesses to a bounded queue (kQueueBlocks blocks); read() takes them out in
// program order. The constructor waits until the kernel has called ready(), so metadata() is
// complete at once. An exception thrown by the kernel is rethrown by read() once the blocks
// completed before it are consumed (the accesses of a partial last block are dropped).
// Destroying the reader early sets a stop flag: the worker's next hand-over throws a private
// cancellation exception, the kernel unwinds, the thread is joined.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cachescope/kernels/kernel.hpp"

namespace cachescope {

/// Blocks the worker may run ahead of the reader.
inline constexpr std::size_t kQueueBlocks = 4;

/// runKernel with a hook called with the complete metadata when the kernel calls ready() (before
/// its first access is recorded).
TraceMetadata runKernel(const KernelInfo& kernel, const KernelParams& params, AccessSink& sink,
                        std::map<std::string, std::vector<double>>* values,
                        const std::function<void(const TraceMetadata&)>& onReady);

/// openKernelTrace for an already resolved kernel and parameters. If the kernel throws before
/// calling ready(), the exception is rethrown here.
std::unique_ptr<TraceReader> openKernelTrace(const KernelInfo& kernel, const KernelParams& params);

}  // namespace cachescope
