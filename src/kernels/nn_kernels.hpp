#pragma once
// The neural-network kernels: conv2d (direct NCHW/NHWC, im2col + GEMM, depthwise), single-head
// attention (Q·Kᵀ, row softmax, ·V) and pool2d (max/avg). Each computes on real float data while
// every element load and store is recorded with its statement's site; see docs/kernels-conv.md
// for the exact access order and closed-form counts.
//
//   KernelInfo conv = conv2dKernel();      // name "conv2d", parameters batch, channels, ...
//   TraceMetadata meta = runKernel(conv, params, sink);   // regions input, weights, output
//
// (Declared here until the lead folds them into src/kernels/builtin.hpp.)

#include "cachescope/kernels/kernel.hpp"

namespace cachescope {

KernelInfo conv2dKernel();
KernelInfo attentionKernel();
KernelInfo pool2dKernel();

}  // namespace cachescope
