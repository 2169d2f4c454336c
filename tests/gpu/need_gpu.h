// need_gpu.h - how every test of tests/gpu begins: skip, with the reason, when
// there is nothing to run on (ctest label `gpu`; see tests/CMakeLists.txt).
#pragma once

#include <gtest/gtest.h>

#include "engine/backends.h"

#if defined(UPRES_WITH_CUDA)
#include "kernels/cuda/runtime.h"

// The first statement of a GPU test: skips it when no CUDA GPU is present (always,
// in a build without the CUDA backend).
#define UPRES_NEED_GPU()                                 \
  if (!upres::device_available(upres::Device::cuda))     \
  GTEST_SKIP() << "no CUDA GPU present (" << upres::cuda::describe_device() << ")"
#else
#define UPRES_NEED_GPU() GTEST_SKIP() << "built without CUDA (UPRES_CUDA=OFF)"
#endif

// The body of a GPU test in a build without the CUDA backend.
#define UPRES_SKIP_WITHOUT_CUDA() GTEST_SKIP() << "built without CUDA (UPRES_CUDA=OFF)"
