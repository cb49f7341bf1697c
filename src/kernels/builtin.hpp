#pragma once
// src/kernels/builtin.hpp: the built-in kernels, one function per kernel returning its KernelInfo
// (name, one-line description, parameters, run function). registry.cpp lists them in kernels().

#include "cachescope/kernels/kernel.hpp"

namespace cachescope {

KernelInfo matmulKernel();
KernelInfo transposeKernel();
KernelInfo softmaxKernel();
KernelInfo layernormKernel();
KernelInfo conv2dKernel();
KernelInfo attentionKernel();
KernelInfo pool2dKernel();

}  // namespace cachescope
