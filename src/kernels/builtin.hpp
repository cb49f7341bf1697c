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
KernelInfo dataloaderKernel();

/// dataloader's synthetic dataset and visiting order (src/kernels/dataloader.cpp), for its tests.
float dataloaderValue(std::uint64_t sample, std::uint64_t element);
std::vector<std::uint64_t> dataloaderOrder(std::uint64_t samples, bool shuffled, std::uint64_t seed, std::uint64_t epoch);

}  // namespace cachescope
