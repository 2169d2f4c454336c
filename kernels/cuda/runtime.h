// runtime.h - the CUDA runtime as the engine sees it: is a GPU there, and what is it.
// Compiled only with UPRES_CUDA=ON; callable with no GPU present (it reports 0 devices).
#pragma once

#include <string>

namespace upres::cuda {

// Number of CUDA devices usable now (0 when there is no driver or no GPU).
int device_count();
// "NVIDIA H100 80GB HBM3, sm_90, 132 SMs" for device 0, or why there is none.
std::string describe_device();
// Fills y[0..n) with value on device 0 and reads it back: a smoke test that the
// toolchain, driver and GPU agree. Returns false (never throws) without a GPU.
bool smoke_test(int n);

}  // namespace upres::cuda
