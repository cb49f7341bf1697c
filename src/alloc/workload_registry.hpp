#pragma once
// src/alloc/workload_registry.hpp: the built-in workloads, one function each returning its
// WorkloadInfo; workload.cpp lists them in workloads().

#include <string>

#include "cachescope/alloc/workload.hpp"

namespace cachescope::alloc {

WorkloadInfo mlpTrainWorkload();            // workload_mlp.cpp
WorkloadInfo cnnTrainWorkload();            // workload_cnn.cpp
WorkloadInfo transformerDecodeWorkload();   // workload_decode.cpp

/// "workload mlp-train layers=784,256,10 batch=32 ...": the trace's source, for reports.
std::string workloadSource(const std::string& name, const KernelParams& params);

}  // namespace cachescope::alloc
